// SPDX-License-Identifier: GPL-2.0
/*
 * Guest memory end to end: SET_MEMSEG / UNSET_MEMSEG through /dev/acrn_hsm,
 * checked against the simulated EPT (HVSIM_IOCTL_GET_EPT) and the guest's
 * own view of its memory (HVSIM_IOCTL_GUEST_MEM).
 *
 * Every test checks at tear-down that the VM's destruction released every
 * page it pinned (/proc/vmstat nr_foll_pin_acquired == released as at the
 * start), and most check that a refused call changed nothing: no page
 * pinned, no hypercall, no EPT entry.
 */
#define _GNU_SOURCE
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/capability.h>

#include "e2e.h"

#define MM_HC		0x42	/* HC_VM_SET_MEMORY_REGIONS */
#define MM_BATCH_OPS	127	/* ops per batch: one page */
#define MM_RWX		ACRN_MEM_ACCESS_RWX
#define MM_2M		0x200000UL
#define MM_1G		0x40000000UL
#define MM_GPA		0x100000ULL

#ifndef MAP_HUGE_SHIFT
#define MAP_HUGE_SHIFT	26
#endif
#define MM_HUGE_2MB	(21 << MAP_HUGE_SHIFT)
#define MM_HUGE_1GB	(30 << MAP_HUGE_SHIFT)

/* --- helpers --- */

static int mm_set(int fd, __u32 type, __u32 attr, __u64 gpa, const void *va,
		  __u64 len)
{
	struct acrn_vm_memmap m = {
		.type = type,
		.attr = attr,
		.user_vm_pa = gpa,
		.vma_base = (uintptr_t)va,
		.len = len,
	};

	return e2e_ioctl(fd, ACRN_IOCTL_SET_MEMSEG, &m);
}

static int mm_iomem(int fd, unsigned long cmd, __u64 gpa, __u64 hpa, __u64 len)
{
	struct acrn_vm_memmap m = {
		.type = ACRN_MEMMAP_MMIO,
		.attr = MM_RWX,
		.user_vm_pa = gpa,
		.service_vm_pa = hpa,
		.len = len,
	};

	return e2e_ioctl(fd, cmd, &m);
}

/* The guest reads or writes its memory; *@done gets the bytes copied. */
static int mm_guest(int hv, unsigned int vmid, __u64 gpa, void *buf,
		    size_t len, bool write, __u32 *done)
{
	struct hvsim_mem m = {
		.vmid = vmid,
		.flags = write ? HVSIM_MEM_WRITE : 0,
		.len = len,
		.gpa = gpa,
		.buf = (uintptr_t)buf,
	};
	int err = e2e_ioctl(hv, HVSIM_IOCTL_GUEST_MEM, &m);

	if (done)
		*done = m.done;
	return err;
}

static int mm_ept(int hv, unsigned int vmid, __u64 gpa,
		  struct hvsim_ept_info *info)
{
	memset(info, 0, sizeof(*info));
	info->vmid = vmid;
	info->gpa = gpa;
	return e2e_ioctl(hv, HVSIM_IOCTL_GET_EPT, info);
}

static __u64 mm_mapped(int hv, unsigned int vmid)
{
	struct hvsim_ept_info info;

	return mm_ept(hv, vmid, 0, &info) ? ~0ULL : info.mapped_pages;
}

/*
 * Physical addresses of @n pages at @va (/proc/self/pagemap, one read);
 * 0 for a page not present. Returns a malloc()ed array or NULL.
 */
static __u64 *mm_phys(const void *va, size_t n)
{
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	__u64 *pa = calloc(n, sizeof(*pa));
	size_t i;

	if (fd < 0 || !pa ||
	    pread(fd, pa, n * sizeof(*pa), (uintptr_t)va / E2E_PAGE_SIZE *
		  sizeof(*pa)) != (ssize_t)(n * sizeof(*pa))) {
		free(pa);
		pa = NULL;
	}
	if (fd >= 0)
		close(fd);
	for (i = 0; pa && i < n; i++)
		pa[i] = pa[i] >> 63 ? (pa[i] & ((1ULL << 55) - 1)) * E2E_PAGE_SIZE : 0;
	return pa;
}

/* Physical runs of @n pages at @va as the HSM should find them (pagemap). */
static long mm_phys_runs(const void *va, size_t n)
{
	__u64 *all = mm_phys(va, n), prev = 0, pa;
	long runs = 0;
	size_t i;

	for (i = 0; all && i < n; i++) {
		pa = all[i];
		if (!pa) {
			runs = -1;
			break;
		}
		if (!i || pa != prev + E2E_PAGE_SIZE)
			runs++;
		prev = pa;
	}
	free(all);
	return all ? runs : -1;
}

/* Physical runs of the guest's pages [gpa, +n pages) (the EPT). */
static long mm_ept_runs(int hv, unsigned int vmid, __u64 gpa, size_t n)
{
	struct hvsim_ept_info info;
	__u64 prev = 0;
	long runs = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (mm_ept(hv, vmid, gpa + i * E2E_PAGE_SIZE, &info) ||
		    !(info.flags & HVSIM_EPT_MAPPED))
			return -1;
		if (!i || info.hpa != prev + E2E_PAGE_SIZE)
			runs++;
		prev = info.hpa;
	}
	return runs;
}

/* Every guest page of [gpa, +n pages) maps the host page behind @va's. */
static bool mm_ept_matches(int hv, unsigned int vmid, __u64 gpa,
			   const void *va, size_t n)
{
	__u64 *pa = mm_phys(va, n);
	struct hvsim_ept_info info;
	bool same = pa;
	size_t i;

	for (i = 0; same && i < n; i++)
		same = !mm_ept(hv, vmid, gpa + i * E2E_PAGE_SIZE, &info) &&
		       (info.flags & HVSIM_EPT_MAPPED) && pa[i] &&
		       info.hpa == pa[i];
	free(pa);
	return same;
}

static void mm_fill(void *buf, size_t len, unsigned int seed)
{
	unsigned char *p = buf;
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (unsigned char)(i * 31 + seed + (i >> 12));
}

/*
 * Data written on one side appears on the other: the device model's
 * buffer @va and the guest's memory at @gpa, @len bytes. Checks a few
 * pages spread over the range (all of them if small).
 */
static int mm_both_ways(int hv, unsigned int vmid, __u64 gpa, void *va,
			size_t len, unsigned int seed)
{
	size_t step = len > 64 * E2E_PAGE_SIZE ? len / 16 : E2E_PAGE_SIZE;
	unsigned char buf[E2E_PAGE_SIZE];
	size_t off;
	int err;

	for (off = 0; off < len; off += step) {
		size_t n = E2E_PAGE_SIZE;
		unsigned char *dm = (unsigned char *)va + off;

		/* device model -> guest, across a page boundary if possible */
		if (off + n > len)
			n = len - off;
		mm_fill(dm, n, seed + off);
		err = mm_guest(hv, vmid, gpa + off, buf, n, false, NULL);
		if (err)
			return err;
		err = memcmp(buf, dm, n) ? EPROTO : 0;
		if (err)
			return err;
		/* guest -> device model */
		mm_fill(buf, n, seed + off + 77);
		err = mm_guest(hv, vmid, gpa + off, buf, n, true, NULL);
		err = err ? err : memcmp(buf, dm, n) ? EPROTO : 0;
		if (err)
			return err;
	}
	/* The last bytes of the range. */
	mm_fill(buf, 64, seed + 5);
	err = mm_guest(hv, vmid, gpa + len - 64, buf, 64, true, NULL);
	if (err)
		return err;
	return memcmp((char *)va + len - 64, buf, 64) ? EPROTO : 0;
}

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE	23
#endif

/* Anonymous memory, faulted in (by the kernel: cheaper than memset()). */
static void *mm_anon(size_t len, bool thp)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	madvise(p, len, thp ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
	if (madvise(p, len, MADV_POPULATE_WRITE))
		memset(p, 0, len);
	return p;
}

static long mm_read_long(const char *path)
{
	long v = -1;
	FILE *f = fopen(path, "r");

	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

/* Whether @n hugepages of @kb KiB are free, reserving 2 MiB ones if needed. */
static bool mm_hugepages(unsigned long kb, long n)
{
	char dir[96], path[128];
	long nr, avail;
	FILE *f;

	snprintf(dir, sizeof(dir), "/sys/kernel/mm/hugepages/hugepages-%lukB", kb);
	snprintf(path, sizeof(path), "%s/free_hugepages", dir);
	avail = mm_read_long(path);
	if (avail >= n)
		return true;
	if (avail < 0 || kb != 2048)
		return false;
	snprintf(path, sizeof(path), "%s/nr_hugepages", dir);
	nr = mm_read_long(path);
	f = fopen(path, "w");
	if (nr < 0 || !f)
		return false;
	fprintf(f, "%ld\n", nr + n - avail);
	fclose(f);
	snprintf(path, sizeof(path), "%s/free_hugepages", dir);
	return mm_read_long(path) >= n;
}

static void *mm_huge(size_t len, unsigned long kb)
{
	int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB |
		    (kb == 2048 ? MM_HUGE_2MB : MM_HUGE_1GB);
	void *p;

	if (!mm_hugepages(kb, len / (kb << 10)))
		return NULL;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, flags, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	memset(p, 0, len);
	return p;
}

/*
 * @n pages whose virtual order does not follow their physical order:
 * page i of the result is page (i * 7) % n of a fresh buffer, moved with
 * mremap(). @n must not be a multiple of 7.
 */
static void *mm_shuffled(size_t n)
{
	char *src = mm_anon(n * E2E_PAGE_SIZE, false);
	char *dst;
	size_t i;

	if (!src)
		return NULL;
	dst = mmap(NULL, n * E2E_PAGE_SIZE, PROT_NONE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (dst == MAP_FAILED)
		return NULL;
	for (i = 0; i < n; i++) {
		void *to = dst + i * E2E_PAGE_SIZE;

		if (mremap(src + (i * 7 % n) * E2E_PAGE_SIZE, E2E_PAGE_SIZE,
			   E2E_PAGE_SIZE, MREMAP_MAYMOVE | MREMAP_FIXED,
			   to) != to)
			return NULL;
	}
	munmap(src, n * E2E_PAGE_SIZE);
	return dst;
}

static void *mm_devmem(int hv, __u64 region, size_t len, int prot)
{
	void *p = mmap(NULL, len, prot, MAP_SHARED, hv, region);

	return p == MAP_FAILED ? NULL : p;
}

/* What must not change when a call is refused. */
struct mm_snap {
	long	pins;
	__u64	hc;
	struct hvsim_ept_info ept;
};

static void mm_snap(struct e2e *e, struct mm_snap *s)
{
	s->pins = e2e_pins_held();
	s->hc = e2e_hc(e->hv, MM_HC);
	mm_ept(e->hv, e->cv.vmid, 0, &s->ept);
}

static bool mm_unchanged(struct e2e *e, const struct mm_snap *s)
{
	struct mm_snap now;

	mm_snap(e, &now);
	return now.pins == s->pins && now.hc == s->hc &&
	       now.ept.mapped_pages == s->ept.mapped_pages &&
	       now.ept.ops_add == s->ept.ops_add &&
	       now.ept.ops_del == s->ept.ops_del;
}

/* debugfs gpa file: one command; @answer gets the reply. */
static int mm_kernel(char *answer, size_t size, const char *fmt, ...)
{
	char cmd[9000];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return e2e_debugfs_cmd("gpa", cmd, answer, size);
}

static void mm_hex(char *out, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	size_t i;

	for (i = 0; i < len; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
	out[2 * len] = '\0';
}

/* Pages charged to this process's locked_vm (VmLck), -1 if unknown. */
static long mm_vmlck(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[128];
	long kb = -1;

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "VmLck: %ld kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb < 0 ? -1 : kb / (long)(E2E_PAGE_SIZE / 1024);
}

/* Drop CAP_IPC_LOCK (raw syscalls: no libcap in the test VM). */
static int mm_drop_ipc_lock(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data))
		return -1;
	data[0].effective &= ~(1U << CAP_IPC_LOCK);
	data[0].permitted &= ~(1U << CAP_IPC_LOCK);
	data[0].inheritable &= ~(1U << CAP_IPC_LOCK);
	return syscall(SYS_capset, &hdr, data);
}

/*
 * @n pages at consecutive addresses, page i mapping page @pages[i] of a
 * shared memfd of @nfile pages: the same page can appear many times.
 */
static void *mm_aliased(const unsigned int *pages, size_t n, size_t nfile)
{
	int fd = memfd_create("mm-alias", MFD_CLOEXEC);
	char *area = MAP_FAILED;
	size_t i;

	if (fd < 0 || ftruncate(fd, nfile * E2E_PAGE_SIZE))
		goto out;
	area = mmap(NULL, n * E2E_PAGE_SIZE, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	for (i = 0; area != MAP_FAILED && i < n; i++) {
		void *to = area + i * E2E_PAGE_SIZE;

		if (mmap(to, E2E_PAGE_SIZE, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_FIXED, fd,
			 pages[i] * E2E_PAGE_SIZE) != to) {
			munmap(area, n * E2E_PAGE_SIZE);
			area = MAP_FAILED;
		}
	}
out:
	if (fd >= 0)
		close(fd);
	return area == MAP_FAILED ? NULL : area;
}

/* --- fixture: a created VM on the main file, pins checked at the end --- */

FIXTURE(mm) {
	struct e2e	e;
	long		pins;		/* pinned before the test */
	long		vm_pins;	/* with the VM (its I/O request page) */
};

FIXTURE_SETUP(mm)
{
	e2e_setup(_metadata, &self->e);
	self->pins = e2e_pins_held();
	ASSERT_LE(0, self->pins);
	ASSERT_EQ(0, e2e_create(&self->e, "mm", 0));
	self->vm_pins = e2e_pins_held();
}

FIXTURE_TEARDOWN(mm)
{
	e2e_teardown(_metadata, &self->e);
	/* Every VM is gone: whatever it pinned is released. */
	EXPECT_EQ(self->pins, e2e_wait_pins(self->pins, 2000));
}

/* 4 KiB pages, both directions; one op per physical run. */
TEST_F(mm, ram_4k)
{
	struct e2e *e = &self->e;
	size_t n = 64;
	void *buf = mm_anon(n * E2E_PAGE_SIZE, false);
	struct hvsim_ept_info info;

	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, mm_set(e->hsm, ACRN_MEMMAP_RAM, MM_RWX, MM_GPA, buf,
			    n * E2E_PAGE_SIZE));
	ASSERT_EQ(0, mm_ept(e->hv, e->cv.vmid, MM_GPA, &info));
	EXPECT_EQ(n, info.mapped_pages);
	EXPECT_EQ(ACRN_MEM_TYPE_WB | MM_RWX, info.attr);
	EXPECT_EQ(mm_phys_runs(buf, n), (long)info.ops_add);
	EXPECT_EQ(1, info.batches);
	EXPECT_EQ(0, info.overlaps);
	EXPECT_TRUE(mm_ept_matches(e->hv, e->cv.vmid, MM_GPA, buf, n));
	/* pinned while mapped */
	EXPECT_EQ(self->vm_pins + (long)n, e2e_pins_held());
	EXPECT_EQ(0, mm_both_ways(e->hv, e->cv.vmid, MM_GPA, buf,
				  n * E2E_PAGE_SIZE, 1));
	/* the guest sees nothing past the segment */
	EXPECT_EQ(ENXIO, mm_guest(e->hv, e->cv.vmid, MM_GPA + n * E2E_PAGE_SIZE,
				  buf, 1, false, NULL));
}

/* Pages shuffled in virtual memory: every run found, every page right. */
TEST_F_TIMEOUT(mm, ram_4k_shuffled, 300)
{
	struct e2e *e = &self->e;
	size_t n = 400;
	void *buf = mm_shuffled(n);
	struct hvsim_ept_info info;
	long runs;

	ASSERT_NE(NULL, buf);
	runs = mm_phys_runs(buf, n);
	ASSERT_LT(MM_BATCH_OPS, runs);	/* more than one batch */
	ASSERT_EQ(0, mm_set(e->hsm, ACRN_MEMMAP_RAM, MM_RWX, MM_GPA, buf,
			    n * E2E_PAGE_SIZE));
	ASSERT_EQ(0, mm_ept(e->hv, e->cv.vmid, 0, &info));
	EXPECT_EQ(runs, (long)info.ops_add);
	EXPECT_EQ((runs + MM_BATCH_OPS - 1) / MM_BATCH_OPS, (long)info.batches);
	EXPECT_TRUE(mm_ept_matches(e->hv, e->cv.vmid, MM_GPA, buf, n));
	EXPECT_EQ(0, mm_both_ways(e->hv, e->cv.vmid, MM_GPA, buf,
				  n * E2E_PAGE_SIZE, 2));
}

/* 2 MiB hugetlb pages: at most one op per huge folio. */
TEST_F_TIMEOUT(mm, ram_2m, 120)
{
	struct e2e *e = &self->e;
	size_t len = 4 * MM_2M;
	void *buf = mm_huge(len, 2048);
	struct hvsim_ept_info info;

	if (!buf)
		SKIP(return, "no 2 MiB hugepages");
	ASSERT_EQ(0, mm_set(e->hsm, ACRN_MEMMAP_RAM, MM_RWX, 0x40000000ULL,
			    buf, len));
	ASSERT_EQ(0, mm_ept(e->hv, e->cv.vmid, 0x40000000ULL, &info));
	EXPECT_EQ(len / E2E_PAGE_SIZE, info.mapped_pages);
	EXPECT_LE(1, info.ops_add);
	EXPECT_GE(4, info.ops_add);
	EXPECT_EQ(mm_phys_runs(buf, len / E2E_PAGE_SIZE), (long)info.ops_add);
	EXPECT_EQ(1, info.batches);
	EXPECT_TRUE(mm_ept_matches(e->hv, e->cv.vmid, 0x40000000ULL, buf,
				   len / E2E_PAGE_SIZE));
	EXPECT_EQ(0, mm_both_ways(e->hv, e->cv.vmid, 0x40000000ULL, buf, len,
				  3));
	munmap(buf, len);
}

/* A 1 GiB hugetlb page is one op. */
TEST_F_TIMEOUT(mm, ram_1g, 300)
{
	struct e2e *e = &self->e;
	void *buf = mm_huge(MM_1G, 1048576);
	struct hvsim_ept_info info;

	if (!buf)
		SKIP(return, "no free 1 GiB hugepage (ACRN_HSM_GIANT=1 reserves one)");
	ASSERT_EQ(0, mm_set(e->hsm, ACRN_MEMMAP_RAM, MM_RWX, 0x100000000ULL,
			    buf, MM_1G));
	ASSERT_EQ(0, mm_ept(e->hv, e->cv.vmid, 0x100000000ULL, &info));
	EXPECT_EQ(MM_1G / E2E_PAGE_SIZE, info.mapped_pages);
	EXPECT_EQ(1, info.ops_add);
	EXPECT_EQ(1, info.batches);
	EXPECT_EQ(0, mm_both_ways(e->hv, e->cv.vmid, 0x100000000ULL, buf,
				  MM_1G, 4));
	munmap(buf, MM_1G);
}

/* Whether the VM was booted with room for the 1 GiB test (vm-test.sh). */
static bool mm_big(void)
{
	char line[1024] = "";
	FILE *f = fopen("/proc/cmdline", "r");

	if (f) {
		if (!fgets(line, sizeof(line), f))
			line[0] = '\0';
		fclose(f);
	}
	return strstr(line, "acrn_test.big=1");
}

/*
 * More than 512 MiB of 4 KiB pages maps (upstream allocates one 32-byte
 * op per page in one kmalloc, and fails above 512 MiB) and unmaps. Just
 * above that limit: every page costs time under KASAN and TCG (half a
 * minute per 512 MiB), and make check runs it on one kernel only; make
 * bench maps a whole GiB on the stock kernel.
 */
#define MM_BIG		(MM_1G / 2 + 8 * 0x100000UL)

TEST_F_TIMEOUT(mm, ram_4k_big, 600)
{
	struct e2e *e = &self->e;
	size_t n = MM_BIG / E2E_PAGE_SIZE;
	struct hvsim_ept_info info;
	struct timespec t0;
	void *buf;

	if (!mm_big())
		SKIP(return, "VM too small (ACRN_HSM_BIG=1 scripts/vm-test.sh)");
	buf = mm_anon(MM_BIG, false);
	ASSERT_NE(NULL, buf);
	e2e_now(&t0);
	ASSERT_EQ(0, mm_set(e->hsm, ACRN_MEMMAP_RAM, MM_RWX, 0, buf, MM_BIG));
	TH_LOG("SET_MEMSEG of %lu MiB of 4 KiB pages: %ld ms", MM_BIG >> 20,
	       e2e_ms_since(&t0));
	ASSERT_EQ(0, mm_ept(e->hv, e->cv.vmid, 0, &info));
	EXPECT_EQ(n, info.mapped_pages);
	EXPECT_LE(1, info.ops_add);
	EXPECT_GE(n, info.ops_add);
	EXPECT_LE(info.ops_add / MM_BATCH_OPS, info.batches);
	TH_LOG("%lu MiB of 4 KiB pages: %llu ops in %llu batches", MM_BIG >> 20,
	       (unsigned long long)info.ops_add,
	       (unsigned long long)info.batches);
	EXPECT_EQ(self->vm_pins + (long)n, e2e_pins_held());
	EXPECT_EQ(0, mm_both_ways(e->hv, e->cv.vmid, 0, buf, MM_BIG, 5));
	munmap(buf, MM_BIG);
	e2e_now(&t0);
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
	TH_LOG("DESTROY_VM: %ld ms", e2e_ms_since(&t0));
	EXPECT_EQ(self->pins, e2e_wait_pins(self->pins, 2000));
}

/*
 * THP memory mapped from the middle of one huge folio to the middle of
 * another: only the pages inside the range, each at its place.
 */
TEST_F(mm, ram_thp_partial)
{
	struct e2e *e = &self->e;
	size_t len = 4 * MM_2M, n = MM_2M / E2E_PAGE_SIZE;
	char *raw = mmap(NULL, len + MM_2M, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *buf;

	ASSERT_NE(MAP_FAILED, raw);
	buf = (char *)(((uintptr_t)raw + MM_2M - 1) & ~(MM_2M - 1));
	madvise(buf, len, MADV_HUGEPAGE);
	memset(buf, 1, len);
	ASSERT_EQ(0, mm_set(e->hsm, ACRN_MEMMAP_RAM, MM_RWX, MM_GPA,
			    buf + MM_2M / 2, MM_2M));
	EXPECT_EQ(n, mm_mapped(e->hv, e->cv.vmid));
	EXPECT_EQ(self->vm_pins + (long)n, e2e_pins_held());
	EXPECT_TRUE(mm_ept_matches(e->hv, e->cv.vmid, MM_GPA,
				   buf + MM_2M / 2, n));
	EXPECT_EQ(mm_phys_runs(buf + MM_2M / 2, n),
		  mm_ept_runs(e->hv, e->cv.vmid, MM_GPA, n));
	EXPECT_EQ(0, mm_both_ways(e->hv, e->cv.vmid, MM_GPA, buf + MM_2M / 2,
				  MM_2M, 6));
}

/* Device memory from a VM_PFNMAP mapping, both directions; nothing pinned. */
TEST_F(mm, pfnmap)
{
	struct e2e *e = &self->e;
	size_t len = HVSIM_DEVMEM_SIZE / 2, n = len / E2E_PAGE_SIZE;
	void *dev = mm_devmem(e->hv, HVSIM_MMAP_DEVMEM, len,
			      PROT_READ | PROT_WRITE);
	struct hvsim_ept_info info;
	long runs;

	ASSERT_NE(NULL, dev);
	ASSERT_EQ(0, mm_set(e->hsm, ACRN_MEMMAP_RAM, MM_RWX, MM_GPA, dev, len));
	EXPECT_EQ(self->vm_pins, e2e_pins_held());
	ASSERT_EQ(0, mm_ept(e->hv, e->cv.vmid, MM_GPA, &info));
	EXPECT_EQ(n, info.mapped_pages);
	runs = mm_ept_runs(e->hv, e->cv.vmid, MM_GPA, n);
	EXPECT_EQ(runs, (long)info.ops_add);
	EXPECT_GE(len / HVSIM_DEVMEM_CHUNK, runs);
	EXPECT_EQ(0, mm_both_ways(e->hv, e->cv.vmid, MM_GPA, dev, len, 7));
	munmap(dev, len);
}

/* Chunks in reverse order: each page is checked, not guessed from the first. */
TEST_F(mm, pfnmap_reversed)
{
	struct e2e *e = &self->e;
	size_t len = HVSIM_DEVMEM_SIZE / 2, n = len / E2E_PAGE_SIZE;
	void *dev = mm_devmem(e->hv, HVSIM_MMAP_DEVMEM_REVERSED, len,
			      PROT_READ | PROT_WRITE);
	struct hvsim_ept_info info;

	ASSERT_NE(NULL, dev);
	ASSERT_EQ(0, mm_set(e->hsm, ACRN_MEMMAP_RAM, MM_RWX, MM_GPA, dev, len));
	ASSERT_EQ(0, mm_ept(e->hv, e->cv.vmid, MM_GPA, &info));
	EXPECT_EQ(mm_ept_runs(e->hv, e->cv.vmid, MM_GPA, n), (long)info.ops_add);
	EXPECT_EQ(0, mm_both_ways(e->hv, e->cv.vmid, MM_GPA, dev, len, 8));
	munmap(dev, len);
}

/* PFNMAP memory that cannot be mapped: nothing changes. */
TEST_F(mm, pfnmap_refused)
{
	struct e2e *e = &self->e;
	size_t len = 16 * E2E_PAGE_SIZE;
	void *holes = mm_devmem(e->hv, HVSIM_MMAP_DEVMEM_HOLES, len,
				PROT_READ | PROT_WRITE);
	void *normal = mm_devmem(e->hv, HVSIM_MMAP_NORMAL, len,
				 PROT_READ | PROT_WRITE);
	void *ro = mm_devmem(e->hv, HVSIM_MMAP_DEVMEM, len, PROT_READ);
	struct mm_snap s;

	ASSERT_NE(NULL, holes);
	ASSERT_NE(NULL, normal);
	ASSERT_NE(NULL, ro);
	mm_snap(e, &s);
	/* page 1 is not present; so is page 15 */
	EXPECT_EQ(EFAULT, mm_set(e->hsm, ACRN_MEMMAP_RAM, MM_RWX, MM_GPA,
				 holes, len));
	/* the first page alone is fine: only what is asked is checked */
	EXPECT_EQ(0, mm_set(e->hsm, ACRN_MEMMAP_RAM, MM_RWX, 0x80000000ULL,
			    holes, E2E_PAGE_SIZE));
	mm_snap(e, &s);
	EXPECT_EQ(EINVAL, mm_set(e->hsm, ACRN_MEMMAP_RAM, MM_RWX, MM_GPA,
				 normal, len));
	EXPECT_EQ(EACCES, mm_set(e->hsm, ACRN_MEMMAP_RAM, MM_RWX, MM_GPA,
				 ro, len));
	/* past the end of the mapping */
	EXPECT_EQ(EINVAL, mm_set(e->hsm, ACRN_MEMMAP_RAM, MM_RWX, MM_GPA,
				 ro, 2 * len));
	EXPECT_TRUE(mm_unchanged(e, &s));
	/* read-only device memory, read-only to the guest */
	EXPECT_EQ(0, mm_set(e->hsm, ACRN_MEMMAP_RAM,
			    ACRN_MEM_ACCESS_READ | ACRN_MEM_ACCESS_EXEC,
			    MM_GPA, ro, len));
	{
		char c = 1;

		EXPECT_EQ(0, mm_guest(e->hv, e->cv.vmid, MM_GPA, &c, 1,
				      false, NULL));
		EXPECT_EQ(EACCES, mm_guest(e->hv, e->cv.vmid, MM_GPA, &c, 1,
					   true, NULL));
	}
	munmap(holes, len);
	munmap(normal, len);
	munmap(ro, len);
}

/* The device model unmaps guest RAM before DESTROY_VM, as acrn-dm does. */
TEST_F(mm, dm_unmaps_first)
{
	struct e2e *e = &self->e;
	size_t n4 = 32, len2 = 2 * MM_2M;
	void *small = mm_anon(n4 * E2E_PAGE_SIZE, false);
	void *huge = mm_huge(len2, 2048);
	unsigned char want[E2E_PAGE_SIZE], got[E2E_PAGE_SIZE];
	long held;

	ASSERT_NE(NULL, small);
	ASSERT_EQ(0, mm_set(e->hsm, ACRN_MEMMAP_RAM, MM_RWX, MM_GPA, small,
			    n4 * E2E_PAGE_SIZE));
	if (huge)
		ASSERT_EQ(0, mm_set(e->hsm, ACRN_MEMMAP_RAM, MM_RWX,
				    0x40000000ULL, huge, len2));
	mm_fill(small, n4 * E2E_PAGE_SIZE, 9);
	memcpy(want, (char *)small + 5 * E2E_PAGE_SIZE, sizeof(want));
	if (huge)
		mm_fill(huge, len2, 10);
	held = e2e_pins_held();

	munmap(small, n4 * E2E_PAGE_SIZE);
	if (huge)
		munmap(huge, len2);
	/* still pinned, still the guest's */
	EXPECT_EQ(held, e2e_pins_held());
	ASSERT_EQ(0, mm_guest(e->hv, e->cv.vmid, MM_GPA + 5 * E2E_PAGE_SIZE,
			      got, sizeof(got), false, NULL));
	EXPECT_EQ(0, memcmp(want, got, sizeof(got)));
	/* and the guest can still write it */
	ASSERT_EQ(0, mm_guest(e->hv, e->cv.vmid, MM_GPA, got, sizeof(got),
			      true, NULL));
	if (huge) {
		mm_fill(want, sizeof(want), 10);
		ASSERT_EQ(0, mm_guest(e->hv, e->cv.vmid, 0x40000000ULL, got,
				      sizeof(got), false, NULL));
		EXPECT_EQ(0, memcmp(want, got, sizeof(got)));
	}
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
	EXPECT_EQ(self->pins, e2e_wait_pins(self->pins, 2000));
}

struct mm_bad {
	const char	*desc;
	__u32		type;
	__u32		attr;
	__u64		gpa;
	long		va_off;		/* from the buffer, or... */
	bool		hole;		/* ...an address with nothing mapped */
	bool		ro;		/* read-only anonymous memory */
	__u64		len;
	int		err;
};

/* Every bad argument gets its errno and changes nothing. */
TEST_F(mm, invalid)
{
	static const struct mm_bad bad[] = {
		{ "unknown type", 2, MM_RWX, MM_GPA, 0, 0, 0, 0x1000, EINVAL },
		{ "attr bit 3", 0, MM_RWX | 8, MM_GPA, 0, 0, 0, 0x1000, EINVAL },
		{ "attr bit 11", 0, MM_RWX | 0x800, MM_GPA, 0, 0, 0, 0x1000, EINVAL },
		{ "zero length", 0, MM_RWX, MM_GPA, 0, 0, 0, 0, EINVAL },
		{ "length unaligned", 0, MM_RWX, MM_GPA, 0, 0, 0, 0x1800, EINVAL },
		{ "gpa unaligned", 0, MM_RWX, MM_GPA + 0x200, 0, 0, 0, 0x1000, EINVAL },
		{ "vma_base unaligned", 0, MM_RWX, MM_GPA, 0x10, 0, 0, 0x1000, EINVAL },
		{ "gpa wraps", 0, MM_RWX, 0xfffffffffffff000ULL, 0, 0, 0, 0x2000, EINVAL },
		{ "length wraps", 0, MM_RWX, MM_GPA, 0, 0, 0, 0xfffffffffffff000ULL, EINVAL },
		{ "same range again", 0, MM_RWX, 0x200000, 0, 0, 0, 0x4000, EEXIST },
		{ "overlaps the start", 0, MM_RWX, 0x1ff000, 0, 0, 0, 0x2000, EEXIST },
		{ "overlaps the end", 0, MM_RWX, 0x203000, 0, 0, 0, 0x2000, EEXIST },
		{ "contains it", 0, MM_RWX, 0x1f0000, 0, 0, 0, 0x20000, EEXIST },
		{ "mmio over it", 1, MM_RWX, 0x202000, 0, 0, 0, 0x1000, EEXIST },
		{ "nothing mapped", 0, MM_RWX, MM_GPA, 0, 1, 0, 0x1000, EFAULT },
		{ "runs into a hole", 0, MM_RWX, MM_GPA, 0, 0, 0, 0x20000, EFAULT },
		{ "read-only memory", 0, MM_RWX, MM_GPA, 0, 0, 1, 0x4000, EFAULT },
	};
	struct e2e *e = &self->e;
	struct mm_snap s;
	char *buf, *ro;
	size_t i;

	/* 16 pages then a hole; a valid segment at 0x200000 */
	buf = mm_anon(17 * E2E_PAGE_SIZE, false);
	ASSERT_NE(NULL, buf);
	munmap(buf + 16 * E2E_PAGE_SIZE, E2E_PAGE_SIZE);
	ro = e2e_map(4, PROT_READ);
	ASSERT_NE(NULL, ro);
	ASSERT_EQ(0, mm_set(e->hsm, ACRN_MEMMAP_RAM, MM_RWX, 0x200000, buf,
			    0x4000));
	mm_snap(e, &s);

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		const struct mm_bad *b = &bad[i];
		void *va = b->hole ? e2e_hole() : b->ro ? ro : buf + b->va_off;

		if (b->desc[0] == 'r' && b->desc[1] == 'u')
			va = buf + 4 * E2E_PAGE_SIZE;	/* 12 pages, then the hole */
		EXPECT_EQ(b->err, mm_set(e->hsm, b->type, b->attr, b->gpa,
					 va, b->len))
			TH_LOG("%s", b->desc);
		EXPECT_TRUE(mm_unchanged(e, &s))
			TH_LOG("%s changed something", b->desc);
	}

	/* UNSET: RAM never, MMIO only exactly as set */
	EXPECT_EQ(EINVAL, mm_iomem(e->hsm, ACRN_IOCTL_SET_MEMSEG, 0x300000,
				   0xfe000010, 0x1000));
	{
		struct acrn_vm_memmap m = {
			.type = ACRN_MEMMAP_RAM, .attr = MM_RWX,
			.user_vm_pa = 0x200000, .vma_base = (uintptr_t)buf,
			.len = 0x4000,
		};

		EXPECT_EQ(EINVAL, e2e_ioctl(e->hsm, ACRN_IOCTL_UNSET_MEMSEG, &m));
	}
	EXPECT_EQ(ENOENT, mm_iomem(e->hsm, ACRN_IOCTL_UNSET_MEMSEG, 0x300000,
				   0xfe000000, 0x1000));
	EXPECT_EQ(ENOENT, mm_iomem(e->hsm, ACRN_IOCTL_UNSET_MEMSEG, 0x200000,
				   0, 0x4000));
	EXPECT_EQ(EFAULT, e2e_ioctl(e->hsm, ACRN_IOCTL_SET_MEMSEG, e2e_hole()));
	EXPECT_TRUE(mm_unchanged(e, &s));

	/* the valid segment is intact */
	EXPECT_EQ(4, mm_mapped(e->hv, e->cv.vmid));
	EXPECT_TRUE(mm_ept_matches(e->hv, e->cv.vmid, 0x200000, buf, 4));

	/* no VM on the file */
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
	EXPECT_EQ(EINVAL, mm_set(e->hsm, ACRN_MEMMAP_RAM, MM_RWX, MM_GPA, buf,
				 0x1000));
	EXPECT_EQ(self->pins, e2e_wait_pins(self->pins, 2000));
}

/* MMIO: mapped uncached at the host address, unmapped exactly. */
TEST_F(mm, mmio)
{
	struct e2e *e = &self->e;
	struct hvsim_ept_info info;
	struct mm_snap s;
	char c;

	mm_snap(e, &s);
	ASSERT_EQ(0, mm_iomem(e->hsm, ACRN_IOCTL_SET_MEMSEG, 0xc0000000ULL,
			      0xfe000000ULL, 0x10000));
	EXPECT_EQ(s.pins, e2e_pins_held());
	ASSERT_EQ(0, mm_ept(e->hv, e->cv.vmid, 0xc0003000ULL, &info));
	EXPECT_EQ(16, info.mapped_pages);
	EXPECT_EQ(1, info.ops_add);
	EXPECT_EQ(0xfe003000ULL, info.hpa);
	EXPECT_EQ(ACRN_MEM_TYPE_UC | MM_RWX, info.attr);
	/* passthrough MMIO is not simulated memory */
	EXPECT_EQ(EOPNOTSUPP, mm_guest(e->hv, e->cv.vmid, 0xc0000000ULL, &c, 1,
				       false, NULL));
	/* the kernel does not touch it either */
	{
		char answer[64];

		EXPECT_EQ(EFAULT, mm_kernel(answer, sizeof(answer),
					    "read %d 0xc0000000 1", e->hsm));
	}
	EXPECT_EQ(ENOENT, mm_iomem(e->hsm, ACRN_IOCTL_UNSET_MEMSEG,
				   0xc0000000ULL, 0, 0x1000));
	ASSERT_EQ(0, mm_iomem(e->hsm, ACRN_IOCTL_UNSET_MEMSEG, 0xc0000000ULL,
			      0, 0x10000));
	EXPECT_EQ(0, mm_mapped(e->hv, e->cv.vmid));
	EXPECT_EQ(ENOENT, mm_iomem(e->hsm, ACRN_IOCTL_UNSET_MEMSEG,
				   0xc0000000ULL, 0, 0x10000));
	/* a host range the hypervisor does not give the Service VM */
	mm_snap(e, &s);
	EXPECT_EQ(EINVAL, mm_iomem(e->hsm, ACRN_IOCTL_SET_MEMSEG, 0xc0000000ULL,
				   1ULL << 60, 0x1000));
	EXPECT_EQ(s.ept.mapped_pages, mm_mapped(e->hv, e->cv.vmid));
	/* and the range is free again */
	EXPECT_EQ(0, mm_iomem(e->hsm, ACRN_IOCTL_SET_MEMSEG, 0xc0000000ULL,
			      0xfe000000ULL, 0x1000));
}

/* A guest MMIO access that hits RAM is a memory access, not a request. */
TEST_F(mm, guest_mmio_hits_ram)
{
	struct e2e *e = &self->e;
	void *buf = mm_anon(4 * E2E_PAGE_SIZE, false);
	struct hvsim_stats before, after;
	__u64 v = 0x1122334455667788ULL;

	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, mm_set(e->hsm, ACRN_MEMMAP_RAM, MM_RWX, MM_GPA, buf,
			    4 * E2E_PAGE_SIZE));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_START_VM));
	ASSERT_EQ(0, hvsim_get_stats(e->hv, &before));
	/* no device model: a request would time out */
	ASSERT_EQ(0, e2e_mmio(e, 0, ACRN_IOREQ_DIR_WRITE, MM_GPA + 0x1010, 8,
			      &v));
	EXPECT_EQ(0x1122334455667788ULL, *(__u64 *)((char *)buf + 0x1010));
	*(__u32 *)((char *)buf + 0x2004) = 0xcafef00d;
	v = 0;
	ASSERT_EQ(0, e2e_mmio(e, 1, ACRN_IOREQ_DIR_READ, MM_GPA + 0x2004, 4,
			      &v));
	EXPECT_EQ(0xcafef00dULL, v);
	ASSERT_EQ(0, hvsim_get_stats(e->hv, &after));
	EXPECT_EQ(before.io_requests, after.io_requests);
	EXPECT_EQ(before.upcalls, after.upcalls);
}

/* Guest memory survives RESET_VM, as on ACRN. */
TEST_F(mm, reset_keeps)
{
	struct e2e *e = &self->e;
	void *buf = mm_anon(2 * E2E_PAGE_SIZE, false);
	char got[8];

	ASSERT_NE(NULL, buf);
	memcpy(buf, "acrn-mm", 8);
	ASSERT_EQ(0, mm_set(e->hsm, ACRN_MEMMAP_RAM, MM_RWX, MM_GPA, buf,
			    2 * E2E_PAGE_SIZE));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_START_VM));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_PAUSE_VM));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_RESET_VM));
	ASSERT_EQ(0, mm_guest(e->hv, e->cv.vmid, MM_GPA, got, 8, false, NULL));
	EXPECT_STREQ("acrn-mm", got);
	EXPECT_EQ(2, mm_mapped(e->hv, e->cv.vmid));
}

/* The kernel's own access to guest RAM (acrn_vm_gpa_*(), via acrn_hsm_test). */
TEST_F(mm, kernel_access)
{
	struct e2e *e = &self->e;
	size_t len = 2 * MM_2M;
	void *huge = mm_huge(len, 2048);
	void *buf = huge ? huge : mm_anon(len, false);
	char answer[8300], want[8300];
	unsigned char data[64];

	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, mm_set(e->hsm, ACRN_MEMMAP_RAM, MM_RWX, MM_GPA, buf, len));
	/* guest writes, kernel reads, across a page boundary */
	mm_fill(data, sizeof(data), 11);
	ASSERT_EQ(0, mm_guest(e->hv, e->cv.vmid, MM_GPA + 0x1fe0, data,
			      sizeof(data), true, NULL));
	ASSERT_EQ(0, mm_kernel(answer, sizeof(answer), "read %d 0x%llx 64",
			       e->hsm, MM_GPA + 0x1fe0));
	mm_hex(want, data, sizeof(data));
	strcat(want, "\n");
	EXPECT_STREQ(want, answer);
	/* kernel writes, guest reads */
	mm_fill(data, sizeof(data), 12);
	mm_hex(want, data, sizeof(data));
	ASSERT_EQ(0, mm_kernel(answer, sizeof(answer), "write %d 0x%llx %s",
			       e->hsm, MM_GPA + 0x3ff0, want));
	EXPECT_STREQ("ok\n", answer);
	{
		unsigned char got[64];

		ASSERT_EQ(0, mm_guest(e->hv, e->cv.vmid, MM_GPA + 0x3ff0, got,
				      sizeof(got), false, NULL));
		EXPECT_EQ(0, memcmp(data, got, sizeof(got)));
		EXPECT_EQ(0, memcmp(data, (char *)buf + 0x3ff0, sizeof(got)));
	}
	/* a translated pointer works inside a physically contiguous run */
	if (huge) {
		ASSERT_EQ(0, mm_kernel(answer, sizeof(answer), "map %d 0x%llx 64",
				       e->hsm, MM_GPA + 0x3ff0));
		strcat(want, "\n");
		EXPECT_STREQ(want, answer);
	}
	/* outside guest RAM */
	EXPECT_EQ(EFAULT, mm_kernel(answer, sizeof(answer), "read %d 0x%llx 32",
				    e->hsm, MM_GPA + len - 16));
	EXPECT_EQ(EFAULT, mm_kernel(answer, sizeof(answer), "read %d 0x0 1",
				    e->hsm));
	/* the VM is named by a /dev/acrn_hsm file of this process */
	{
		int nofd = e2e_open_hsm();

		ASSERT_LE(0, nofd);
		EXPECT_EQ(ENOENT, mm_kernel(answer, sizeof(answer),
					    "read %d 0x0 1", nofd));
		close(nofd);
	}
	EXPECT_EQ(EBADF, mm_kernel(answer, sizeof(answer), "read 999 0x0 1"));
	EXPECT_EQ(EBADF, mm_kernel(answer, sizeof(answer), "read %d 0x0 1",
				   e->hv));
	EXPECT_EQ(EINVAL, mm_kernel(answer, sizeof(answer), "read -1 0x0 1"));
	EXPECT_EQ(EINVAL, mm_kernel(answer, sizeof(answer), "read %d 0x0 0",
				    e->hsm));
}

/*
 * The hypervisor fails a batch after applying some of its ops: the HSM
 * removes everything applied, releases every page and can map again.
 */
TEST_F_TIMEOUT(mm, hv_partial_undone, 300)
{
	struct e2e *e = &self->e;
	size_t n = 400;
	void *buf = mm_shuffled(n);
	struct hvsim_fault f = {
		.hypercall = MM_HC, .skip = 2, .count = 1, .ret = -EINVAL,
		.action = HVSIM_FAULT_PARTIAL, .value = 5,
	};
	struct hvsim_ept_info info;
	long runs, lck = mm_vmlck();

	ASSERT_NE(NULL, buf);
	ASSERT_LE(0, lck);
	runs = mm_phys_runs(buf, n);
	ASSERT_LT(3 * MM_BATCH_OPS, runs);	/* the third batch fails */
	ASSERT_EQ(0, hvsim_set_fault(e->hv, &f));
	EXPECT_EQ(EINVAL, mm_set(e->hsm, ACRN_MEMMAP_RAM, MM_RWX, MM_GPA, buf,
				 n * E2E_PAGE_SIZE));
	ASSERT_EQ(0, mm_ept(e->hv, e->cv.vmid, 0, &info));
	EXPECT_EQ(0, info.mapped_pages);
	EXPECT_EQ(2 * MM_BATCH_OPS + 5, info.ops_add);
	EXPECT_EQ(info.ops_add, info.ops_del);
	EXPECT_EQ(self->vm_pins, e2e_pins_held());
	EXPECT_EQ(lck, mm_vmlck());
	/* nothing left behind: the same range maps again */
	ASSERT_EQ(0, mm_set(e->hsm, ACRN_MEMMAP_RAM, MM_RWX, MM_GPA, buf,
			    n * E2E_PAGE_SIZE));
	EXPECT_EQ(n, mm_mapped(e->hv, e->cv.vmid));
	EXPECT_EQ(0, mm_both_ways(e->hv, e->cv.vmid, MM_GPA, buf,
				  n * E2E_PAGE_SIZE, 13));
}

/* A plain refusal: nothing applied, nothing held, EBUSY. */
TEST_F(mm, hv_refuses)
{
	struct e2e *e = &self->e;
	void *buf = mm_anon(8 * E2E_PAGE_SIZE, false);
	struct mm_snap s;

	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, e2e_fail(e->hv, MM_HC, -1, 1));
	mm_snap(e, &s);
	EXPECT_EQ(EBUSY, mm_set(e->hsm, ACRN_MEMMAP_RAM, MM_RWX, MM_GPA, buf,
				8 * E2E_PAGE_SIZE));
	EXPECT_EQ(s.pins, e2e_pins_held());
	EXPECT_EQ(0, mm_mapped(e->hv, e->cv.vmid));
	EXPECT_EQ(0, mm_set(e->hsm, ACRN_MEMMAP_RAM, MM_RWX, MM_GPA, buf,
			    8 * E2E_PAGE_SIZE));
}

/*
 * The undo itself is refused: pages the hypervisor may still map stay
 * pinned until the VM is destroyed, and only those.
 */
TEST_F_TIMEOUT(mm, hv_undo_refused, 300)
{
	struct e2e *e = &self->e;
	size_t n = 400;
	void *buf = mm_shuffled(n);
	/* batch 3 fails after 5 ops, then undoing batch 1 fails after 5 */
	struct hvsim_fault f = {
		.hypercall = MM_HC, .skip = 2, .count = 2, .ret = -EINVAL,
		.action = HVSIM_FAULT_PARTIAL, .value = 5,
	};
	long held, lck = mm_vmlck();

	ASSERT_NE(NULL, buf);
	ASSERT_LE(0, lck);
	ASSERT_LT(3 * MM_BATCH_OPS, mm_phys_runs(buf, n));
	ASSERT_EQ(0, hvsim_set_fault(e->hv, &f));
	EXPECT_EQ(EINVAL, mm_set(e->hsm, ACRN_MEMMAP_RAM, MM_RWX, MM_GPA, buf,
				 n * E2E_PAGE_SIZE));
	held = e2e_pins_held() - self->vm_pins;
	/* some pages kept, not all; they, and only they, stay charged */
	EXPECT_LT(0, held);
	EXPECT_GT((long)n, held);
	EXPECT_EQ(lck + held, mm_vmlck());
	EXPECT_LT(0, mm_mapped(e->hv, e->cv.vmid));
	/* the rest of the guest physical space still works */
	EXPECT_EQ(0, mm_set(e->hsm, ACRN_MEMMAP_RAM, MM_RWX, 0x40000000ULL,
			    buf, E2E_PAGE_SIZE));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
	EXPECT_EQ(self->pins, e2e_wait_pins(self->pins, 2000));
	EXPECT_EQ(lck, mm_vmlck());
}

/*
 * A VM holds at most 1024 segments (ENOSPC beyond, RAM or MMIO); the VM
 * is then destroyed, or its file closed, with all of them: that used to
 * crash the kernel once the segment tree was large (KASAN in
 * mte_dead_walk, from the RCU callback freeing the tree).
 */
TEST_F_TIMEOUT(mm, segment_limit, 600)
{
	struct e2e *e = &self->e;
	char *page = mm_anon(E2E_PAGE_SIZE, false);
	const unsigned int max = 1024;
	unsigned int i, round;
	struct mm_snap s;
	char c;

	ASSERT_NE(NULL, page);
	page[0] = 1;
	for (round = 0; round < 2; round++) {
		if (round) {
			ASSERT_EQ(0, e2e_create(e, "mm", 0));
			self->vm_pins = e2e_pins_held();
		}
		/* One page in every segment: pinned 1024 times, far from overflow */
		for (i = 0; i < max; i++)
			ASSERT_EQ(0, mm_set(e->hsm, ACRN_MEMMAP_RAM, MM_RWX,
					    (__u64)i * 2 * E2E_PAGE_SIZE, page,
					    E2E_PAGE_SIZE))
				TH_LOG("segment %u", i);
		EXPECT_EQ(self->vm_pins + (long)max, e2e_pins_held());
		EXPECT_EQ(max, mm_mapped(e->hv, e->cv.vmid));
		mm_snap(e, &s);
		EXPECT_EQ(ENOSPC, mm_set(e->hsm, ACRN_MEMMAP_RAM, MM_RWX,
					 0x40000000ULL, page, E2E_PAGE_SIZE));
		EXPECT_EQ(ENOSPC, mm_iomem(e->hsm, ACRN_IOCTL_SET_MEMSEG,
					   0xc0000000ULL, 0xfe000000ULL,
					   E2E_PAGE_SIZE));
		EXPECT_TRUE(mm_unchanged(e, &s));
		/* the guest reads the page through the last segment */
		c = 0;
		EXPECT_EQ(0, mm_guest(e->hv, e->cv.vmid,
				      (__u64)(max - 1) * 2 * E2E_PAGE_SIZE,
				      &c, 1, false, NULL));
		EXPECT_EQ(1, c);
		if (round) {
			e2e_close(&e->hsm);
			e->hsm = e2e_open_hsm();
			ASSERT_LE(0, e->hsm);
		} else {
			ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
		}
		EXPECT_EQ(self->pins, e2e_wait_pins(self->pins, 5000))
			TH_LOG("after %s", round ? "close" : "DESTROY_VM");
	}
	/* the fixture's teardown wants a VM on the main file */
	ASSERT_EQ(0, e2e_create(e, "mm", 0));
}

/*
 * One host page mapped at several addresses of one segment would be
 * pinned once per address, and enough pins overflow its reference count:
 * such a segment is refused, with nothing pinned or charged.
 */
TEST_F(mm, same_page_twice)
{
	static const unsigned int one[64] = { 0 };
	static const unsigned int aba[] = { 0, 1, 0 };
	static const unsigned int inside[] = { 0, 1, 2, 3, 2 };
	static const unsigned int fine[] = { 3, 2, 1, 0 };
	struct e2e *e = &self->e;
	void *p1 = mm_aliased(one, 64, 1), *p2 = mm_aliased(aba, 3, 2);
	void *p3 = mm_aliased(inside, 5, 4), *p4 = mm_aliased(fine, 4, 4);
	long lck = mm_vmlck();
	struct mm_snap s;

	ASSERT_NE(NULL, p1);
	ASSERT_NE(NULL, p2);
	ASSERT_NE(NULL, p3);
	ASSERT_NE(NULL, p4);
	ASSERT_LE(0, lck);
	mm_snap(e, &s);
	EXPECT_EQ(EINVAL, mm_set(e->hsm, ACRN_MEMMAP_RAM, MM_RWX, MM_GPA, p1,
				 64 * E2E_PAGE_SIZE));
	EXPECT_EQ(EINVAL, mm_set(e->hsm, ACRN_MEMMAP_RAM, MM_RWX, MM_GPA, p1,
				 2 * E2E_PAGE_SIZE));
	EXPECT_EQ(EINVAL, mm_set(e->hsm, ACRN_MEMMAP_RAM, MM_RWX, MM_GPA, p2,
				 3 * E2E_PAGE_SIZE));
	EXPECT_EQ(EINVAL, mm_set(e->hsm, ACRN_MEMMAP_RAM, MM_RWX, MM_GPA, p3,
				 5 * E2E_PAGE_SIZE));
	EXPECT_TRUE(mm_unchanged(e, &s));
	EXPECT_EQ(lck, mm_vmlck());
	/* distinct pages in any order, and one alias alone, are fine */
	EXPECT_EQ(0, mm_set(e->hsm, ACRN_MEMMAP_RAM, MM_RWX, MM_GPA, p4,
			    4 * E2E_PAGE_SIZE));
	EXPECT_EQ(0, mm_set(e->hsm, ACRN_MEMMAP_RAM, MM_RWX, 0x40000000ULL,
			    p1, E2E_PAGE_SIZE));
	EXPECT_EQ(self->vm_pins + 5, e2e_pins_held());
	EXPECT_EQ(lck + 5, mm_vmlck());
}

/*
 * Absurd lengths fail at once with nothing allocated for them: the run
 * array used to be allocated for the whole length first (a vmalloc
 * failure splat at 256 GiB, the __kvmalloc_node WARN at 512 GiB), and
 * the simulator reserved an EPT slot per page of an MMIO segment.
 */
TEST_F_TIMEOUT(mm, huge_len, 120)
{
	static const __u64 lens[] = {
		256ULL << 30, 512ULL << 30, 1ULL << 63,
	};
	struct e2e *e = &self->e;
	void *buf = mm_anon(16 * E2E_PAGE_SIZE, false);
	void *none = mmap(NULL, 512ULL << 30, PROT_NONE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	long lck = mm_vmlck();
	struct mm_snap s;
	size_t i;

	ASSERT_NE(NULL, buf);
	ASSERT_NE(MAP_FAILED, none);
	ASSERT_LE(0, lck);
	mm_snap(e, &s);
	for (i = 0; i < ARRAY_SIZE(lens); i++)	/* not mapped all along */
		EXPECT_EQ(EFAULT, mm_set(e->hsm, ACRN_MEMMAP_RAM, MM_RWX, 0,
					 buf, lens[i]))
			TH_LOG("RAM of 0x%llx bytes", (unsigned long long)lens[i]);
	/* mapped all along, but nothing to pin */
	EXPECT_EQ(EFAULT, mm_set(e->hsm, ACRN_MEMMAP_RAM, MM_RWX, 0, none,
				 512ULL << 30));
	EXPECT_TRUE(mm_unchanged(e, &s));
	/* MMIO: more than the hypervisor maps for a VM */
	for (i = 0; i < ARRAY_SIZE(lens); i++)
		EXPECT_EQ(EINVAL, mm_iomem(e->hsm, ACRN_IOCTL_SET_MEMSEG, 0, 0,
					   lens[i]))
			TH_LOG("MMIO of 0x%llx bytes", (unsigned long long)lens[i]);
	EXPECT_EQ(s.pins, e2e_pins_held());
	EXPECT_EQ(lck, mm_vmlck());
	EXPECT_EQ(0, mm_mapped(e->hv, e->cv.vmid));
	munmap(none, 512ULL << 30);
}

/*
 * The child of memlock_limit(), with @budget pages of RLIMIT_MEMLOCK and
 * with or without CAP_IPC_LOCK: 0, or the number of the step that failed.
 */
static int mm_memlock_child(struct e2e *e, bool cap, long budget)
{
	void *a = mm_anon(8 * E2E_PAGE_SIZE, false);
	void *b = mm_anon(9 * E2E_PAGE_SIZE, false);
	void *dev = mm_devmem(e->hv, HVSIM_MMAP_DEVMEM, 16 * E2E_PAGE_SIZE,
			      PROT_READ | PROT_WRITE);
	long base = mm_vmlck(), over = cap ? 9 : 0;
	struct rlimit rl;

	if (!a || !b || !dev || base < 0)
		return 1;
	rl.rlim_cur = (base + budget) * E2E_PAGE_SIZE;
	rl.rlim_max = rl.rlim_cur;
	if ((!cap && mm_drop_ipc_lock()) || setrlimit(RLIMIT_MEMLOCK, &rl))
		return 2;
	/* within the budget */
	if (mm_set(e->hsm, ACRN_MEMMAP_RAM, MM_RWX, MM_GPA, a,
		   8 * E2E_PAGE_SIZE))
		return 3;
	if (mm_vmlck() != base + 8)
		return 4;
	/* 8 + 9 pages: over it, unless exempt; nothing charged if refused */
	if (mm_set(e->hsm, ACRN_MEMMAP_RAM, MM_RWX, 0x40000000ULL, b,
		   9 * E2E_PAGE_SIZE) != (cap ? 0 : ENOMEM))
		return 5;
	if (mm_vmlck() != base + 8 + over)
		return 6;
	/* device memory is not pinned, so not charged */
	if (mm_set(e->hsm, ACRN_MEMMAP_RAM, MM_RWX, 0x80000000ULL, dev,
		   16 * E2E_PAGE_SIZE) || mm_vmlck() != base + 8 + over)
		return 7;
	/* the charge goes with the pages, and the budget is back */
	if (e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM) || mm_vmlck() != base)
		return 8;
	if (e2e_create(e, "mm", 0))
		return 9;
	if (mm_set(e->hsm, ACRN_MEMMAP_RAM, MM_RWX, MM_GPA, a,
		   8 * E2E_PAGE_SIZE) || mm_vmlck() != base + 8)
		return 10;
	/* the parent frees these, from another process */
	return 0;
}

/*
 * Pinned pages are charged to the caller's locked_vm (VmLck) against its
 * RLIMIT_MEMLOCK, as VFIO does; CAP_IPC_LOCK exempts from the limit, not
 * from the count.
 */
TEST_F(mm, memlock_limit)
{
	struct e2e *e = &self->e;
	int cap, status;
	pid_t pid;

	for (cap = 0; cap < 2; cap++) {
		pid = fork();
		ASSERT_LE(0, pid);
		if (!pid)
			_exit(mm_memlock_child(e, cap, 8));
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		EXPECT_TRUE(WIFEXITED(status));
		EXPECT_EQ(0, WEXITSTATUS(status))
			TH_LOG("%s CAP_IPC_LOCK", cap ? "with" : "without");
		/* the child's VM holds pages of the dead child: freed here */
		EXPECT_LT(self->vm_pins, e2e_pins_held());
		e2e_close(&e->hsm);
		e->hsm = e2e_open_hsm();
		ASSERT_LE(0, e->hsm);
		EXPECT_EQ(self->pins, e2e_wait_pins(self->pins, 2000));
		ASSERT_EQ(0, e2e_create(e, "mm", 0));
		self->vm_pins = e2e_pins_held();
	}
}

struct mm_race {
	int		fd;
	void		*buf;
	int		mapped;
	int		stop;
};

static void *mm_race_mapper(void *p)
{
	struct mm_race *r = p;
	__u64 gpa = 0;

	while (!e2e_load(&r->stop)) {
		if (mm_set(r->fd, ACRN_MEMMAP_RAM, MM_RWX, gpa, r->buf,
			   16 * E2E_PAGE_SIZE))
			break;
		e2e_store(&r->mapped, e2e_load(&r->mapped) + 1);
		gpa += 16 * E2E_PAGE_SIZE;
	}
	return NULL;
}

/* SET_MEMSEG racing DESTROY_VM and close(): nothing stays pinned. */
TEST_F_TIMEOUT(mm, race_destroy, 300)
{
	struct e2e *e = &self->e;
	void *buf = mm_anon(16 * E2E_PAGE_SIZE, false);
	struct mm_race r = { .buf = buf };
	pthread_t t;
	int round, i;

	ASSERT_NE(NULL, buf);
	for (round = 0; round < 10; round++) {
		bool destroy = round & 1;

		if (round) {
			e2e_close(&e->hsm);
			e->hsm = e2e_open_hsm();
			ASSERT_LE(0, e->hsm);
			ASSERT_EQ(0, e2e_create(e, "mm", 0));
		}
		r.fd = e->hsm;
		r.stop = 0;
		r.mapped = 0;
		ASSERT_EQ(0, pthread_create(&t, NULL, mm_race_mapper, &r));
		for (i = 0; i < 5000 && e2e_load(&r.mapped) < round % 5 + 1; i++)
			usleep(1000);
		if (!destroy)
			e2e_close(&e->hsm);
		else
			EXPECT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
		e2e_store(&r.stop, 1);
		pthread_join(t, NULL);
		EXPECT_EQ(self->pins, e2e_wait_pins(self->pins, 2000))
			TH_LOG("round %d (%s)", round, destroy ? "destroy" : "close");
	}
}

TEST_HARNESS_MAIN
