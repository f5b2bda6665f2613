/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared helpers of the end-to-end tests: /dev/acrn_hsm driven from
 * userspace, checked against what the simulated hypervisor saw through
 * /dev/acrn_hvsim.
 *
 * Helpers return 0 or a positive errno so that tests read
 * ASSERT_EQ(EINVAL, e2e_ioctl(...)). Every test owns a struct e2e through
 * its fixture: e2e_setup() opens the devices and clears injected faults,
 * e2e_teardown() clears faults again, closes every file the test opened
 * and checks that the simulator is back to the VMs it had before the test.
 * Do not use ASSERT_*() or EXPECT_*() in a thread or a forked child: they
 * longjmp() into the harness of the test's main thread.
 */
#ifndef E2E_H
#define E2E_H

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <linux/acrn.h>
#include <linux/acrn_hvsim.h>

#include "kselftest_harness.h"
#include "hvsim_ctl.h"

#define E2E_PAGE_SIZE	4096UL

/* Files a test may open besides its main one: one per User VM slot and more. */
#define E2E_NFD		10

/* Simulator defaults the tests are written for (max_vms=8 pcpus=4). */
#define E2E_PCPU_MASK	0xfULL
#define E2E_PCPUS	4

/**
 * struct e2e - state of one test
 * @hv:		/dev/acrn_hvsim.
 * @hsm:	The test's main /dev/acrn_hsm file.
 * @ioreq:	I/O request page for the VM of @hsm.
 * @cv:		CREATE_VM argument for @hsm, as e2e_create() left it.
 * @info:	The simulator's parameters.
 * @baseline:	VMs in the simulator when the test started (normally 0).
 * @fd:		More /dev/acrn_hsm files (e2e_open_fd()), -1 if not open.
 * @page:	I/O request pages of @fd, NULL if none.
 * @fcv:	CREATE_VM arguments of @fd.
 */
struct e2e {
	int			hv;
	int			hsm;
	void			*ioreq;
	struct acrn_vm_creation	cv;
	struct hvsim_info	info;
	int			baseline;
	int			fd[E2E_NFD];
	void			*page[E2E_NFD];
	struct acrn_vm_creation	fcv[E2E_NFD];
};

/* ioctl() as 0 or the errno it failed with. */
static inline int e2e_ioctl(int fd, unsigned long cmd, const void *arg)
{
	return ioctl(fd, cmd, arg) ? errno : 0;
}

static inline int e2e_open_hsm(void)
{
	return open(HSM_DEV, O_RDWR | O_CLOEXEC);
}

static inline void e2e_close(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* @n pages mapped with @prot, zeroed (faulted in) if writable; NULL on failure. */
static inline void *e2e_map(size_t n, int prot)
{
	void *p = mmap(NULL, n * E2E_PAGE_SIZE, prot,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	if (prot & PROT_WRITE)
		memset(p, 0, n * E2E_PAGE_SIZE);
	return p;
}

/* A page-aligned 4 KiB buffer fit for acrn_vm_creation::ioreq_buf. */
static inline void *e2e_page(void)
{
	return e2e_map(1, PROT_READ | PROT_WRITE);
}

static inline void e2e_unmap(void **p, size_t n)
{
	if (*p)
		munmap(*p, n * E2E_PAGE_SIZE);
	*p = NULL;
}

/* An address with nothing mapped at it: a page mapped and unmapped again. */
static inline void *e2e_hole(void)
{
	void *p = e2e_map(1, PROT_NONE);

	if (p)
		munmap(p, E2E_PAGE_SIZE);
	return p;
}

/* VM name "<tag>-<pid>" (NUL-padded, cut at 16 bytes): unique per test. */
static inline void e2e_name(__u8 uuid[16], const char *tag)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%s-%d", tag, (int)getpid());
	memset(uuid, 0, 16);
	memcpy(uuid, buf, strnlen(buf, 16));
}

static inline void e2e_cv_init(struct acrn_vm_creation *cv, const char *tag,
			       void *ioreq, __u64 affinity)
{
	memset(cv, 0, sizeof(*cv));
	e2e_name(cv->uuid, tag);
	cv->ioreq_buf = (uintptr_t)ioreq;
	cv->cpu_affinity = affinity;
}

/* CREATE_VM on the main file: VM "<tag>-<pid>" with @affinity. */
static inline int e2e_create(struct e2e *e, const char *tag, __u64 affinity)
{
	e2e_cv_init(&e->cv, tag, e->ioreq, affinity);
	return e2e_ioctl(e->hsm, ACRN_IOCTL_CREATE_VM, &e->cv);
}

static inline int e2e_vm_ioctl(struct e2e *e, unsigned long cmd)
{
	return e2e_ioctl(e->hsm, cmd, NULL);
}

/* Open e->fd[i] with its own I/O request page. */
static inline int e2e_open_fd(struct e2e *e, int i)
{
	e->fd[i] = e2e_open_hsm();
	if (e->fd[i] < 0)
		return errno;
	if (!e->page[i])
		e->page[i] = e2e_page();
	return e->page[i] ? 0 : ENOMEM;
}

/* CREATE_VM on e->fd[i]: VM "<tag><i>-<pid>". */
static inline int e2e_create_fd(struct e2e *e, int i, const char *tag)
{
	char t[16];

	snprintf(t, sizeof(t), "%s%d", tag, i);
	e2e_cv_init(&e->fcv[i], t, e->page[i], 0);
	return e2e_ioctl(e->fd[i], ACRN_IOCTL_CREATE_VM, &e->fcv[i]);
}

/* --- the simulator's view --- */

/* HVSIM_VM_* state of a VM slot, or -1. */
static inline int e2e_state(int hv, unsigned int vmid)
{
	struct hvsim_vm_info vm;

	return hvsim_get_vm(hv, vmid, &vm) ? -1 : (int)vm.state;
}

static inline int e2e_count(int hv)
{
	return hvsim_count_vms(hv);
}

/* Calls of hypercall @index so far, or ~0 if unreadable. */
static inline __u64 e2e_hc(int hv, unsigned int index)
{
	struct hvsim_stats st;

	return hvsim_get_stats(hv, &st) ? ~0ULL : st.hypercalls[index];
}

static inline long e2e_ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 +
	       (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/* Poll until the simulator has @n VMs or @ms pass; returns the last count. */
static inline int e2e_wait_count(int hv, int n, long ms)
{
	struct timespec t0;
	int c;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while ((c = e2e_count(hv)) != n && e2e_ms_since(&t0) < ms)
		usleep(20000);
	return c;
}

/* Poll until VM slot @vmid has @state or @ms pass; returns the last state. */
static inline int e2e_wait_state(int hv, unsigned int vmid, int state, long ms)
{
	struct timespec t0;
	int s;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while ((s = e2e_state(hv, vmid)) != state && e2e_ms_since(&t0) < ms)
		usleep(20000);
	return s;
}

/* Arm a CREATE_VM quirk (HVSIM_FAULT_VMID, HVSIM_FAULT_VCPU_NUM) once. */
static inline int e2e_quirk(int hv, unsigned int action, __u64 value)
{
	struct hvsim_fault f = {
		.hypercall = HVSIM_HC_CREATE_VM,
		.count = 1,
		.action = action,
		.value = value,
	};

	return -hvsim_set_fault(hv, &f);
}

/* Arm HVSIM_FAULT_RETURN: the next @count calls of @hc return @ret. */
static inline int e2e_fail(int hv, unsigned int hc, int ret, unsigned int count)
{
	return -hvsim_fail(hv, hc, ret, count);
}

/* Physical address of the page at @va, 0 if unknown (needs root). */
/*
 * Pages pinned system-wide right now (/proc/vmstat), or -1. The tests run
 * one at a time in the guest, so changes are theirs. The counters are
 * per-CPU deltas folded in from time to time: fold them first.
 */
static inline long e2e_pins_held(void)
{
	long acquired = -1, released = -1, v;
	char name[64];
	FILE *f;
	int fd;

	fd = open("/proc/sys/vm/stat_refresh", O_WRONLY);
	if (fd < 0 || write(fd, "1", 1) != 1)
		perror("stat_refresh");
	if (fd >= 0)
		close(fd);
	f = fopen("/proc/vmstat", "r");
	if (!f)
		return -1;
	while (fscanf(f, "%63s %ld", name, &v) == 2) {
		if (!strcmp(name, "nr_foll_pin_acquired"))
			acquired = v;
		else if (!strcmp(name, "nr_foll_pin_released"))
			released = v;
	}
	fclose(f);
	return acquired < 0 || released < 0 ? -1 : acquired - released;
}

/* Wait up to @ms for e2e_pins_held() to reach @n; returns the last value. */
static inline long e2e_wait_pins(long n, long ms)
{
	long held;
	int i;

	for (i = 0; (held = e2e_pins_held()) != n && i < ms / 10; i++)
		usleep(10000);
	return held;
}

static inline __u64 e2e_phys(const void *va)
{
	__u64 ent = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	off_t off = (uintptr_t)va / E2E_PAGE_SIZE * sizeof(ent);

	if (fd < 0)
		return 0;
	if (pread(fd, &ent, sizeof(ent), off) != sizeof(ent))
		ent = 0;
	close(fd);
	if (!(ent >> 63))
		return 0;
	return (ent & ((1ULL << 55) - 1)) * E2E_PAGE_SIZE;
}

/*
 * A vCPU entering a bzImage's 32-bit protected-mode entry point, with a
 * distinct value in every general purpose register.
 */
static inline void e2e_regs_init(struct acrn_vcpu_regs *r, __u16 vcpu)
{
	struct acrn_regs *g = &r->vcpu_regs;

	memset(r, 0, sizeof(*r));
	r->vcpu_id = vcpu;
	g->gprs.rax = 0x1111111111111111ULL + vcpu;
	g->gprs.rcx = 0x2222222222222222ULL;
	g->gprs.rdx = 0x3333333333333333ULL;
	g->gprs.rbx = 0x4444444444444444ULL;
	g->gprs.rsp = 0x8000;
	g->gprs.rbp = 0x5555555555555555ULL;
	g->gprs.rsi = 0x7000;		/* boot parameters (zero page) */
	g->gprs.rdi = 0x6666666666666666ULL;
	g->gprs.r8 = 0x8888888888888888ULL;
	g->gprs.r9 = 0x9999999999999999ULL;
	g->gprs.r10 = 0xaaaaaaaaaaaaaaaaULL;
	g->gprs.r11 = 0xbbbbbbbbbbbbbbbbULL;
	g->gprs.r12 = 0xccccccccccccccccULL;
	g->gprs.r13 = 0xddddddddddddddddULL;
	g->gprs.r14 = 0xeeeeeeeeeeeeeeeeULL;
	g->gprs.r15 = 0xfedcba9876543210ULL;
	g->gdt.base = 0x5000;
	g->gdt.limit = 0x1f;
	g->idt.base = 0x6000;
	g->idt.limit = 0xfff;
	g->rip = 0x1000000;		/* 16 MiB: kernel load address */
	g->cr0 = 0x31;			/* PE | ET | NE */
	g->rflags = 0x2;
	g->cs_ar = 0xc09b;
	g->cs_limit = 0xffffffff;
	g->cs_sel = 0x10;
	g->ss_sel = 0x18;
	g->ds_sel = 0x18;
	g->es_sel = 0x18;
	g->fs_sel = 0x18;
	g->gs_sel = 0x18;
	g->tr_sel = 0x20;
}

/*
 * Whether vCPU @vcpu of VM @vmid holds exactly @want (want NULL: holds no
 * registers). Returns 0 if so, else a non-zero code that tells why.
 */
static inline int e2e_regs_differ(int hv, unsigned int vmid, unsigned int vcpu,
				  const struct acrn_regs *want)
{
	struct hvsim_vcpu_regs got;

	if (hvsim_get_vcpu_regs(hv, vmid, vcpu, &got))
		return 1;
	if (!want)
		return got.flags & HVSIM_REGS_SET ? 2 : 0;
	if (!(got.flags & HVSIM_REGS_SET))
		return 3;
	return memcmp(&got.regs, want, sizeof(*want)) ? 4 : 0;
}

/* --- run time of the whole program, reported as a TAP comment --- */

static struct timespec e2e_t0;

static void __attribute__((constructor)) e2e_start_clock(void)
{
	clock_gettime(CLOCK_MONOTONIC, &e2e_t0);
}

static void __attribute__((destructor)) e2e_report_clock(void)
{
	printf("# run time %ld ms\n", e2e_ms_since(&e2e_t0));
}

/* --- fixture set-up and tear-down --- */

static inline void e2e_setup(struct __test_metadata *_metadata, struct e2e *e)
{
	int i;

	e->hsm = -1;
	for (i = 0; i < E2E_NFD; i++) {
		e->fd[i] = -1;
		e->page[i] = NULL;
	}
	e->hv = hvsim_open();
	if (e->hv < 0)
		TH_LOG("cannot open %s: %s", HVSIM_DEV, strerror(-e->hv));
	ASSERT_LE(0, e->hv);
	ASSERT_EQ(0, hvsim_clear_faults(e->hv));
	ASSERT_EQ(0, hvsim_get_info(e->hv, &e->info));
	/* A VM parked by an earlier test goes within a second or two. */
	e->baseline = e2e_wait_count(e->hv, 0, 3000);
	ASSERT_LE(0, e->baseline);
	if (e->baseline)
		TH_LOG("%d VMs left over from earlier tests", e->baseline);

	e->hsm = e2e_open_hsm();
	if (e->hsm < 0)
		TH_LOG("cannot open %s: %s", HSM_DEV, strerror(errno));
	ASSERT_LE(0, e->hsm);
	e->ioreq = e2e_page();
	ASSERT_NE(NULL, e->ioreq);
}

static inline void e2e_teardown(struct __test_metadata *_metadata, struct e2e *e)
{
	int i;

	if (e->hv >= 0)
		EXPECT_EQ(0, hvsim_clear_faults(e->hv));
	e2e_close(&e->hsm);
	for (i = 0; i < E2E_NFD; i++)
		e2e_close(&e->fd[i]);
	if (e->hv >= 0) {
		/* Closing destroys at once; a refused destroy is retried each second. */
		int left = e2e_wait_count(e->hv, e->baseline, 5000);

		if (left != e->baseline)
			TH_LOG("the test left VMs in the simulator");
		EXPECT_EQ(e->baseline, left);
		e2e_close(&e->hv);
	}
	e2e_unmap(&e->ioreq, 1);
	for (i = 0; i < E2E_NFD; i++)
		e2e_unmap(&e->page[i], 1);
}

/* The fixture of every e2e test: TEST_F(hsm, name) gets self->e. */
FIXTURE(hsm) {
	struct e2e e;
};

FIXTURE_SETUP(hsm)
{
	e2e_setup(_metadata, &self->e);
}

FIXTURE_TEARDOWN(hsm)
{
	e2e_teardown(_metadata, &self->e);
}

#endif /* E2E_H */
