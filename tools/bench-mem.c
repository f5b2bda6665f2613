// SPDX-License-Identifier: GPL-2.0
/*
 * bench-mem: cost of SET_MEMSEG for 1 GiB of guest RAM, next to its floor,
 * pinning the same memory alone, measured in the same boot.
 *
 *   bench-mem [-r ROUNDS] [-s MIB]
 *
 * -r	rounds per measurement; the median is shown (default 5)
 * -s	size of the guest RAM in MiB (default 1024)
 *
 * For each backing (4 KiB pages, 2 MiB hugetlb pages, 1 GiB hugetlb pages
 * when the kernel has one free) the memory is faulted in first, so no row
 * pays for page faults. The floor writes the range to the "pin" file of
 * the test module acrn_hsm_test.ko in debugfs, which pins it exactly as
 * SET_MEMSEG does and unpins it. The map row creates a VM and times
 * SET_MEMSEG; the hypervisor's side
 * (ops, batches) comes from the simulator's EPT counters; then it times
 * DESTROY_VM, which unmaps and unpins. 2 MiB hugepages are reserved for
 * their row and given back after it.
 *
 * The table goes to stdout; exit status 0 if every row ran.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include <linux/acrn.h>

#include "hvsim_ctl.h"

/* The test module acrn_hsm_test.ko (tests/kmod/mm.c) */
#define PIN_FILE	"/sys/kernel/debug/acrn_hsm_test/pin"
#define HUGE_DIR	"/sys/kernel/mm/hugepages/hugepages-%lukB/%s"
#define MAX_ROUNDS	15
#ifndef MAP_HUGE_SHIFT
#define MAP_HUGE_SHIFT	26
#endif

static int rounds = 5;
static size_t size = 1UL << 30;

struct row {
	const char	*name;
	unsigned long	page_kb;
	int		ok;
	char		err[96];
	double		pin_ms, map_ms, destroy_ms;
	unsigned long	runs;
	unsigned long long ops, batches, hypercalls;
};

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return v[n / 2];
}

static long huge_read(unsigned long kb, const char *file)
{
	char path[128];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), HUGE_DIR, kb, file);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

static int huge_set(unsigned long kb, long n)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), HUGE_DIR, kb, "nr_hugepages");
	f = fopen(path, "w");
	if (!f)
		return -1;
	fprintf(f, "%ld\n", n);
	return fclose(f);
}

static void *backing(struct row *r)
{
	int flags = MAP_PRIVATE | MAP_ANONYMOUS;
	void *p;

	if (r->page_kb == 2048 && huge_read(2048, "free_hugepages") <
	    (long)(size >> 21))
		huge_set(2048, huge_read(2048, "nr_hugepages") + (size >> 21));
	if (r->page_kb != 4) {
		long need = size / (r->page_kb << 10);

		if (huge_read(r->page_kb, "free_hugepages") < need)
			return NULL;
		flags |= MAP_HUGETLB |
			 (r->page_kb == 2048 ? 21 : 30) << MAP_HUGE_SHIFT;
	}
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, flags, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	if (r->page_kb == 4)
		madvise(p, size, MADV_NOHUGEPAGE);
	memset(p, 1, size);
	return p;
}

static int pin_once(void *buf, double *ms, unsigned long *runs)
{
	char cmd[64], answer[64];
	double t0;
	ssize_t n;
	int fd, err = 0;

	fd = open(PIN_FILE, O_RDWR);
	if (fd < 0)
		return errno;
	snprintf(cmd, sizeof(cmd), "0x%lx %zu", (unsigned long)buf, size);
	t0 = now_ms();
	if (write(fd, cmd, strlen(cmd)) < 0)
		err = errno;
	*ms = now_ms() - t0;
	n = err ? -1 : read(fd, answer, sizeof(answer) - 1);
	if (n > 0) {
		answer[n] = '\0';
		if (sscanf(answer, "runs %lu", runs) != 1)
			err = EPROTO;
	}
	close(fd);
	return err;
}

static int map_once(int hv, void *buf, int round, struct row *r,
		    double *map_ms, double *destroy_ms)
{
	struct acrn_vm_creation cv = { };
	struct acrn_vm_memmap m = {
		.type = ACRN_MEMMAP_RAM,
		.attr = ACRN_MEM_ACCESS_RWX,
		.user_vm_pa = 0,
		.vma_base = (uintptr_t)buf,
		.len = size,
	};
	struct hvsim_ept_info info = { };
	struct hvsim_stats st0, st1;
	void *ioreq;
	double t0;
	int fd, err = 0;

	ioreq = aligned_alloc(4096, 4096);
	fd = open("/dev/acrn_hsm", O_RDWR | O_CLOEXEC);
	if (!ioreq || fd < 0)
		return errno ? errno : ENOMEM;
	memset(ioreq, 0, 4096);
	snprintf((char *)cv.uuid, sizeof(cv.uuid), "bmem-%d", round);
	cv.ioreq_buf = (uintptr_t)ioreq;
	if (ioctl(fd, ACRN_IOCTL_CREATE_VM, &cv)) {
		err = errno;
		goto out;
	}
	hvsim_get_stats(hv, &st0);
	t0 = now_ms();
	if (ioctl(fd, ACRN_IOCTL_SET_MEMSEG, &m))
		err = errno;
	*map_ms = now_ms() - t0;
	hvsim_get_stats(hv, &st1);
	info.vmid = cv.vmid;
	if (!err && ioctl(hv, HVSIM_IOCTL_GET_EPT, &info))
		err = errno;
	r->ops = info.ops_add;
	r->batches = info.batches;
	r->hypercalls = st1.hypercalls[0x42] - st0.hypercalls[0x42];
	if (!err && info.mapped_pages != size / 4096)
		err = EPROTO;
	t0 = now_ms();
	if (ioctl(fd, ACRN_IOCTL_DESTROY_VM))
		err = err ? err : errno;
	*destroy_ms = now_ms() - t0;
out:
	close(fd);
	free(ioreq);
	return err;
}

static void run_row(int hv, struct row *r)
{
	double pin[MAX_ROUNDS], map[MAX_ROUNDS], destroy[MAX_ROUNDS];
	void *buf = backing(r);
	int i, err;

	if (!buf) {
		snprintf(r->err, sizeof(r->err), "no memory of this kind");
		goto out;
	}
	for (i = 0; i < rounds; i++) {
		err = pin_once(buf, &pin[i], &r->runs);
		if (!err)
			err = map_once(hv, buf, i, r, &map[i], &destroy[i]);
		if (err) {
			snprintf(r->err, sizeof(r->err), "%s", strerror(err));
			goto unmap;
		}
		fprintf(stderr, "%s round %d: pin %.1f ms, map %.1f ms, destroy %.1f ms\n",
			r->name, i, pin[i], map[i], destroy[i]);
	}
	r->pin_ms = median(pin, rounds);
	r->map_ms = median(map, rounds);
	r->destroy_ms = median(destroy, rounds);
	r->ok = 1;
unmap:
	munmap(buf, size);
out:
	if (r->page_kb == 2048)
		huge_set(2048, 0);
}

int main(int argc, char **argv)
{
	struct row rows[] = {
		{ .name = "4 KiB pages", .page_kb = 4 },
		{ .name = "2 MiB hugetlb", .page_kb = 2048 },
		{ .name = "1 GiB hugetlb", .page_kb = 1048576 },
	};
	struct utsname u;
	int c, hv, i, failed = 0;

	while ((c = getopt(argc, argv, "r:s:")) != -1) {
		switch (c) {
		case 'r':
			rounds = atoi(optarg);
			break;
		case 's':
			size = strtoul(optarg, NULL, 0) << 20;
			break;
		default:
			fprintf(stderr, "usage: bench-mem [-r ROUNDS] [-s MIB]\n");
			return 2;
		}
	}
	if (rounds < 1 || rounds > MAX_ROUNDS || !size || size % (1UL << 30)) {
		fprintf(stderr, "bench-mem: -r 1..%d, -s a multiple of 1024\n",
			MAX_ROUNDS);
		return 2;
	}
	hv = hvsim_open();
	if (hv < 0) {
		fprintf(stderr, "bench-mem: %s: %s\n", HVSIM_DEV, strerror(-hv));
		return 1;
	}
	for (i = 0; i < 3; i++)
		run_row(hv, &rows[i]);

	uname(&u);
	printf("\nbench-mem on %s, %ld CPUs; SET_MEMSEG of %zu MiB of guest RAM, median of %d\n",
	       u.release, sysconf(_SC_NPROCESSORS_ONLN), size >> 20, rounds);
	printf("%-14s %9s %9s %9s %8s %8s %10s %11s\n", "backing", "pin ms",
	       "map ms", "map/pin", "runs", "hv ops", "hypercalls", "destroy ms");
	for (i = 0; i < 3; i++) {
		struct row *r = &rows[i];

		if (!r->ok) {
			printf("%-14s %s\n", r->name, r->err);
			/* only a missing 1 GiB page is not a failure */
			failed |= r->page_kb != 1048576;
			continue;
		}
		printf("%-14s %9.1f %9.1f %9.2f %8lu %8llu %10llu %11.1f\n",
		       r->name, r->pin_ms, r->map_ms, r->map_ms / r->pin_ms,
		       r->runs, r->ops, r->hypercalls, r->destroy_ms);
	}
	return failed;
}
