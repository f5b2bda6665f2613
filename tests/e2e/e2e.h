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
 *
 * I/O request helpers (ioreq_*.c), all returning 0 or a positive errno
 * unless said otherwise:
 *
 * - e2e_start_vm(e, tag, vcpus, flags) creates and starts the main file's
 *   VM with @vcpus vCPUs (pCPUs 0 to @vcpus - 1; 0: the simulator's
 *   default) and vm_flag @flags; e2e_vm_up() does it for any file.
 *   e2e_sim_reload("pcpus=16") reloads acrn_hvsim with other parameters
 *   (no /dev/acrn_hsm file may be open; see ioreq_traffic.c).
 * - e2e_guest_io(e, vmid, vcpu, type, dir, addr, size, &value): one guest
 *   access played by the simulator (HVSIM_IOCTL_GUEST_IO). It returns when
 *   the Service VM completed it: 0 and, for a read, the value the guest
 *   got; or the simulator's errno (ETIMEDOUT after 5 s, ECANCELED...).
 *   e2e_pio() and e2e_mmio() are the same for the main file's VM;
 *   e2e_mask(size) is what a value of @size bytes keeps.
 * - e2e_guest_io_async(e, ...) runs the same access in a thread, and
 *   e2e_async_ioctl(fd, cmd, arg) any ioctl (ATTACH_IOREQ_CLIENT...). Both
 *   return a struct e2e_async (NULL if no thread could be started):
 *   e2e_async_done() tells whether the call returned, e2e_async_join(a, ms)
 *   waits at most @ms for it and returns its result, or E2E_RUNNING (-1)
 *   if it is still blocked; a->io.value is the value a read got.
 *   e2e_async_free() frees a joined call (and leaks a blocked one).
 * - e2e_dm_start(e, &dm, fn, priv) creates the main VM's default I/O
 *   request client and starts a device-model thread on it;
 *   e2e_dm_start_fd() does so for any file, optionally on an existing
 *   client. The thread runs the upstream device model's loop:
 *   ATTACH_IOREQ_CLIENT, then for each slot PROCESSING with
 *   kernel_handled 0 call @fn (which emulates: for a read it stores the
 *   value with e2e_req_set_value()), count it in dm->handled, NOTIFY; and
 *   again, until ATTACH fails (ENODEV once the client or the VM is
 *   destroyed). A guest access that completed is already counted.
 *   e2e_dm_wait(dm, n, ms) waits for dm->handled to reach @n;
 *   e2e_dm_stop(dm, ms) destroys the client and joins the thread; dm->err
 *   is the first NOTIFY (or @fn) that failed. Threads still running at
 *   tear-down are stopped there. @fn runs in the device-model thread:
 *   keep what it records in globals (each test is a process of its own)
 *   and read them once the thread is stopped or through __atomic
 *   builtins.
 * - e2e_slot() / e2e_slot_state() look at a slot of a shared page;
 *   e2e_slot_wait(page, vcpu, state, ms) and e2e_slot_wait_dm() (slot
 *   PROCESSING and owned by the device model) poll for a state.
 * - e2e_req_value(), e2e_req_set_value(), e2e_req_dir(), e2e_req_size()
 *   and e2e_req_addr() read and write a request whatever its type.
 * - e2e_notify(fd, vcpu) is ACRN_IOCTL_NOTIFY_REQUEST_FINISH.
 * - e2e_kclients(fmt, ...) writes one command to the test module's
 *   (acrn_hsm_test.ko) debugfs kclients file; e2e_kclient_get(name, &kc)
 *   parses that client's line; e2e_kname() makes a test client name
 *   unique to the process; e2e_hsm_stat(name) reads a counter of the
 *   HSM's debugfs stats file; e2e_debugfs_cmd(file, cmd, answer, size)
 *   writes a command to any of the test module's debugfs files and reads
 *   its answer (gpa, pin). Their VMs are named by a /dev/acrn_hsm file
 *   descriptor of the calling process (e->hsm).
 */
#ifndef E2E_H
#define E2E_H

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <linux/acrn.h>
#include <linux/acrn_hvsim.h>

#include "kselftest_harness.h"
#include "hvsim_ctl.h"

/*
 * The harness kills a case after 30 s by default. That limit catches a
 * hung case, nothing else: with three VMs on two host CPUs a busy case
 * can take longer (irqfd's close_eventfd, 21 s on a quiet host). QEMU's
 * limit still ends a hung run.
 */
#undef TEST_TIMEOUT_DEFAULT
#define TEST_TIMEOUT_DEFAULT	90

#define E2E_PAGE_SIZE	4096UL

/* Files a test may open besides its main one: one per User VM slot and more. */
#define E2E_NFD		10

/* Device-model threads a test may run (e2e_dm_start()). */
#define E2E_NDM		4

struct e2e_dm;

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
 * @dm:		Device-model threads started by e2e_dm_start(), NULL if none.
 * @t0:		When e2e_setup() started (the case's run time, logged by
 *		e2e_teardown()).
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
	struct e2e_dm		*dm[E2E_NDM];
	struct timespec		t0;
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

static inline void e2e_now(struct timespec *t)
{
	clock_gettime(CLOCK_MONOTONIC, t);
}

/* A flag shared with a test thread: acquire load, release store. */
static inline int e2e_load(const int *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static inline void e2e_store(int *p, int v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

static inline long e2e_ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 +
	       (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/*
 * Join a test thread that sets *@finished as it ends, waiting until @ms
 * after @t0 (several threads can share one deadline). Nothing to do
 * unless *@running; cleared once joined. Returns 0, or -ETIMEDOUT with
 * the thread left alone.
 */
static inline int e2e_join_by(pthread_t thread, bool *running,
			      const int *finished, const struct timespec *t0,
			      long ms)
{
	if (!*running)
		return 0;
	while (!e2e_load(finished)) {
		if (e2e_ms_since(t0) > ms)
			return -ETIMEDOUT;
		usleep(2000);
	}
	pthread_join(thread, NULL);
	*running = false;
	return 0;
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

/* --- I/O requests --- */

/* acrn_vm_creation::vm_flag: the hypervisor polls for I/O completion. */
#define E2E_GUEST_FLAG_IO_COMPLETION_POLLING	0x4ULL

/* Index of HC_NOTIFY_REQUEST_FINISH in struct hvsim_stats::hypercalls. */
#define E2E_HC_NOTIFY		HVSIM_HC_NOTIFY_REQUEST_FINISH

/* Where tests/guest/check.sh keeps the modules. */
#define E2E_MODDIR		"/lib/acrn"

/* acrn_hsm's counters */
#define E2E_DEBUGFS		"/sys/kernel/debug/acrn_hsm"
/* The test module acrn_hsm_test's hooks (tests/kmod/) */
#define E2E_TEST_DEBUGFS	"/sys/kernel/debug/acrn_hsm_test"

/* e2e_async_join(): the call is still blocked. */
#define E2E_RUNNING		(-1)

/* All ones in the low @size bytes. */
static inline __u64 e2e_mask(unsigned int size)
{
	return size >= 8 ? ~0ULL : ~0ULL >> (64 - size * 8);
}

/* cpu_affinity of @vcpus vCPUs on pCPUs 0 to @vcpus - 1; 0 for the default. */
static inline __u64 e2e_affinity(unsigned int vcpus)
{
	return vcpus >= 64 ? ~0ULL : (1ULL << vcpus) - 1;
}

/*
 * Create and start a VM on @fd with @vcpus vCPUs (0: the simulator's
 * default) and vm_flag @flags; @cv gets the CREATE_VM result. EPROTO if
 * the VM got another number of vCPUs.
 */
static inline int e2e_vm_up(int fd, struct acrn_vm_creation *cv, void *page,
			    const char *tag, unsigned int vcpus, __u64 flags)
{
	int err;

	e2e_cv_init(cv, tag, page, e2e_affinity(vcpus));
	cv->vm_flag = flags;
	err = e2e_ioctl(fd, ACRN_IOCTL_CREATE_VM, cv);
	if (!err && vcpus && cv->vcpu_num != vcpus)
		err = EPROTO;
	return err ? err : e2e_ioctl(fd, ACRN_IOCTL_START_VM, NULL);
}

/* e2e_vm_up() on the main file. */
static inline int e2e_start_vm(struct e2e *e, const char *tag,
			       unsigned int vcpus, __u64 flags)
{
	return e2e_vm_up(e->hsm, &e->cv, e->ioreq, tag, vcpus, flags);
}

/*
 * Reload acrn_hvsim from E2E_MODDIR with module parameters @params
 * ("" for the defaults). Nothing may hold /dev/acrn_hsm or /dev/acrn_hvsim
 * open, and the simulator must have no VM. Waits until /dev/acrn_hsm
 * opens again. Returns 0, ENOENT (no module file) or EBUSY.
 */
static inline int e2e_sim_reload(const char *params)
{
	static const char unload[] =
		"{ ! grep -q '^acrn_hvsim ' /proc/modules || rmmod acrn_hvsim; }";
	int i, fd, err = ENOENT;
	char cmd[512];

	if (access(E2E_MODDIR "/acrn_hvsim.ko", R_OK))
		return err;
	err = EBUSY;
	snprintf(cmd, sizeof(cmd),
		 "exec >/dev/null 2>&1; %s && insmod %s/acrn_hvsim.ko %s",
		 unload, E2E_MODDIR, params);
	/* A file closed a moment ago may still pin the module briefly. */
	for (i = 0; system(cmd); i++) {
		if (i == 30)
			return err;
		usleep(100000);
	}
	for (i = 0; i < 100; i++) {
		fd = e2e_open_hsm();
		if (fd >= 0) {
			close(fd);
			return 0;
		}
		usleep(20000);
	}
	return err;
}

static inline void e2e_io_init(struct hvsim_io *io, unsigned int vmid,
			       unsigned int vcpu, __u32 type, __u32 dir,
			       __u64 addr, __u32 size, __u64 value)
{
	memset(io, 0, sizeof(*io));
	io->vmid = vmid;
	io->vcpu = vcpu;
	io->type = type;
	io->direction = dir;
	io->address = addr;
	io->size = size;
	io->value = value;
}

/*
 * One guest access through the simulator: vCPU @vcpu of VM @vmid
 * accesses @addr (ACRN_IOREQ_TYPE_PORTIO or _MMIO, ACRN_IOREQ_DIR_READ or
 * _WRITE, @size bytes). *@value: in, the value written; out, for a read,
 * the value the guest got. Blocks until the access completed.
 */
static inline int e2e_guest_io(struct e2e *e, unsigned int vmid,
			       unsigned int vcpu, __u32 type, __u32 dir,
			       __u64 addr, __u32 size, __u64 *value)
{
	struct hvsim_io io;
	int err;

	e2e_io_init(&io, vmid, vcpu, type, dir, addr, size, value ? *value : 0);
	err = e2e_ioctl(e->hv, HVSIM_IOCTL_GUEST_IO, &io);
	if (!err && value && dir == ACRN_IOREQ_DIR_READ)
		*value = io.value;
	return err;
}

/* Port I/O by vCPU @vcpu of the main file's VM. */
static inline int e2e_pio(struct e2e *e, unsigned int vcpu, __u32 dir,
			  __u64 port, __u32 size, __u64 *value)
{
	return e2e_guest_io(e, e->cv.vmid, vcpu, ACRN_IOREQ_TYPE_PORTIO, dir,
			    port, size, value);
}

/* MMIO by vCPU @vcpu of the main file's VM. */
static inline int e2e_mmio(struct e2e *e, unsigned int vcpu, __u32 dir,
			   __u64 gpa, __u32 size, __u64 *value)
{
	return e2e_guest_io(e, e->cv.vmid, vcpu, ACRN_IOREQ_TYPE_MMIO, dir,
			    gpa, size, value);
}

/**
 * struct e2e_async - an ioctl made in a thread of its own
 * @thread:	The thread.
 * @fd:		File of the call.
 * @cmd:	ioctl command.
 * @arg:	ioctl argument (&@io for a guest access).
 * @io:		The guest access of e2e_guest_io_async(); the value a read
 *		got once joined.
 * @ret:	0 or the errno of the call, once @done.
 * @done:	Set when the call returned.
 * @joined:	The thread was joined.
 */
struct e2e_async {
	pthread_t	thread;
	int		fd;
	unsigned long	cmd;
	void		*arg;
	struct hvsim_io	io;
	int		ret;
	int		done;
	bool		joined;
};

static inline void *e2e_async_fn(void *p)
{
	struct e2e_async *a = p;

	a->ret = e2e_ioctl(a->fd, a->cmd, a->arg);
	__atomic_store_n(&a->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static inline struct e2e_async *e2e_async_start(struct e2e_async *a)
{
	if (pthread_create(&a->thread, NULL, e2e_async_fn, a)) {
		free(a);
		return NULL;
	}
	return a;
}

/* ioctl(@fd, @cmd, @arg) in a thread; NULL if it could not start. */
static inline struct e2e_async *e2e_async_ioctl(int fd, unsigned long cmd,
						void *arg)
{
	struct e2e_async *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	a->fd = fd;
	a->cmd = cmd;
	a->arg = arg;
	return e2e_async_start(a);
}

/* The guest access @io in a thread; NULL if it could not start. */
static inline struct e2e_async *e2e_guest_io_start(struct e2e *e,
						   const struct hvsim_io *io)
{
	struct e2e_async *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	a->fd = e->hv;
	a->cmd = HVSIM_IOCTL_GUEST_IO;
	a->io = *io;
	a->arg = &a->io;
	return e2e_async_start(a);
}

/* e2e_guest_io() in a thread; NULL if it could not start. */
static inline struct e2e_async *
e2e_guest_io_async(struct e2e *e, unsigned int vmid, unsigned int vcpu,
		   __u32 type, __u32 dir, __u64 addr, __u32 size, __u64 value)
{
	struct hvsim_io io;

	e2e_io_init(&io, vmid, vcpu, type, dir, addr, size, value);
	return e2e_guest_io_start(e, &io);
}

static inline bool e2e_async_done(struct e2e_async *a)
{
	return __atomic_load_n(&a->done, __ATOMIC_ACQUIRE);
}

/* Wait up to @ms for the call: its result, or E2E_RUNNING. */
static inline int e2e_async_join(struct e2e_async *a, long ms)
{
	struct timespec t0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!e2e_async_done(a)) {
		if (e2e_ms_since(&t0) >= ms)
			return E2E_RUNNING;
		usleep(1000);
	}
	if (!a->joined)
		pthread_join(a->thread, NULL);
	a->joined = true;
	return a->ret;
}

/* Free @a if its call returned (a blocked one is left to process exit). */
static inline void e2e_async_free(struct e2e_async **a)
{
	if (*a && e2e_async_join(*a, 0) != E2E_RUNNING)
		free(*a);
	*a = NULL;
}

/* --- the shared I/O request page --- */

static inline struct acrn_io_request *e2e_slot(void *page, unsigned int vcpu)
{
	return &((struct acrn_io_request_buffer *)page)->req_slot[vcpu];
}

static inline __u32 e2e_slot_state(void *page, unsigned int vcpu)
{
	return __atomic_load_n(&e2e_slot(page, vcpu)->processed, __ATOMIC_ACQUIRE);
}

/* Poll until slot @vcpu is in @state; 0 or ETIMEDOUT after @ms. */
static inline int e2e_slot_wait(void *page, unsigned int vcpu, __u32 state,
				long ms)
{
	struct timespec t0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (e2e_slot_state(page, vcpu) != state) {
		if (e2e_ms_since(&t0) >= ms)
			break;
		usleep(1000);
	}
	return e2e_slot_state(page, vcpu) == state ? 0 : ETIMEDOUT;
}

/* Poll until slot @vcpu is PROCESSING for the device model; 0 or ETIMEDOUT. */
static inline int e2e_slot_wait_dm(void *page, unsigned int vcpu, long ms)
{
	struct acrn_io_request *req = e2e_slot(page, vcpu);
	struct timespec t0;

	bool owned;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		owned = e2e_slot_state(page, vcpu) == ACRN_IOREQ_STATE_PROCESSING &&
			!__atomic_load_n(&req->kernel_handled, __ATOMIC_RELAXED);
		if (owned || e2e_ms_since(&t0) >= ms)
			break;
		usleep(1000);
	}
	return owned ? 0 : ETIMEDOUT;
}

/* Value of a request, whatever its type. */
static inline __u64 e2e_req_value(const struct acrn_io_request *req)
{
	switch (req->type) {
	case ACRN_IOREQ_TYPE_MMIO:
		return req->reqs.mmio_request.value;
	case ACRN_IOREQ_TYPE_PCICFG:
		return req->reqs.pci_request.value;
	default:
		return req->reqs.pio_request.value;
	}
}

/* Store the value a read returns, whatever the request's type. */
static inline void e2e_req_set_value(struct acrn_io_request *req, __u64 v)
{
	switch (req->type) {
	case ACRN_IOREQ_TYPE_MMIO:
		req->reqs.mmio_request.value = v;
		break;
	case ACRN_IOREQ_TYPE_PCICFG:
		req->reqs.pci_request.value = v;
		break;
	default:
		req->reqs.pio_request.value = v;
		break;
	}
}

/* Direction, size and (PIO/MMIO) address of a request. */
static inline __u32 e2e_req_dir(const struct acrn_io_request *req)
{
	return req->reqs.pio_request.direction;
}

static inline __u64 e2e_req_size(const struct acrn_io_request *req)
{
	return req->reqs.pio_request.size;
}

static inline __u64 e2e_req_addr(const struct acrn_io_request *req)
{
	return req->type == ACRN_IOREQ_TYPE_MMIO ?
	       req->reqs.mmio_request.address : req->reqs.pio_request.address;
}

/*
 * A value a test device model answers a read at @addr with: it depends on
 * the address and is never all ones, so a read the kernel answered
 * (all ones) or a stale value cannot pass for the device model's.
 */
static inline __u64 e2e_dm_value(__u64 addr)
{
	return 0x0123456789abcd00ULL | 0x40 | (addr & 0x3f);
}

/*
 * Answer a read the way the test device models do: e2e_dm_value() of the
 * address (PCICFG: of the register). A write is left alone.
 */
static inline void e2e_dm_answer(struct acrn_io_request *req)
{
	__u64 addr;

	if (e2e_req_dir(req) != ACRN_IOREQ_DIR_READ)
		return;
	addr = req->type == ACRN_IOREQ_TYPE_PCICFG ?
	       req->reqs.pci_request.reg : e2e_req_addr(req);
	e2e_req_set_value(req, e2e_dm_value(addr));
}

/* ACRN_IOCTL_NOTIFY_REQUEST_FINISH for vCPU @vcpu. */
static inline int e2e_notify(int fd, __u32 vcpu)
{
	struct acrn_ioreq_notify n = { .vcpu = vcpu };

	return e2e_ioctl(fd, ACRN_IOCTL_NOTIFY_REQUEST_FINISH, &n);
}

/* --- device-model threads --- */

/*
 * Emulate the request in slot @vcpu (@req points into the shared page).
 * Return 0 to have it notified, else an errno that stops the thread.
 */
typedef int (*e2e_dm_fn)(struct e2e_dm *dm, unsigned int vcpu,
			 struct acrn_io_request *req);

/**
 * struct e2e_dm - a device-model thread
 * @thread:	The thread.
 * @fd:		/dev/acrn_hsm file of the VM.
 * @page:	The VM's I/O request page.
 * @vcpu_num:	Slots to scan.
 * @fn:		Emulation callback, NULL to complete without emulating.
 * @priv:	For @fn.
 * @handled:	Requests emulated (__atomic), counted before their NOTIFY:
 *		a guest access that completed is in the count.
 * @attaches:	ATTACH_IOREQ_CLIENT calls that returned 0 (__atomic).
 * @running:	The thread has not finished (__atomic).
 * @stopping:	e2e_dm_stop() destroys the client: NOTIFY may fail.
 * @err:	First unexpected error: @fn's, or a NOTIFY that failed.
 * @err_vcpu:	Slot of @err.
 * @exit_err:	Errno of the ATTACH that ended the thread (ENODEV).
 */
struct e2e_dm {
	pthread_t	thread;
	int		fd;
	void		*page;
	unsigned int	vcpu_num;
	e2e_dm_fn	fn;
	void		*priv;
	unsigned long	handled;
	unsigned long	attaches;
	int		running;
	int		stopping;
	int		err;
	unsigned int	err_vcpu;
	int		exit_err;
};

static inline void e2e_dm_error(struct e2e_dm *dm, unsigned int vcpu, int err)
{
	if (!dm->err) {
		dm->err_vcpu = vcpu;
		__atomic_store_n(&dm->err, err, __ATOMIC_RELEASE);
	}
}

/* The device model's loop, as acrn-dm's: attach, scan, emulate, notify. */
static inline void *e2e_dm_loop(void *p)
{
	struct e2e_dm *dm = p;
	struct acrn_io_request *req;
	unsigned int vcpu;
	int err;

	for (;;) {
		err = e2e_ioctl(dm->fd, ACRN_IOCTL_ATTACH_IOREQ_CLIENT, NULL);
		if (err) {
			dm->exit_err = err;
			break;
		}
		__atomic_add_fetch(&dm->attaches, 1, __ATOMIC_RELAXED);
		for (vcpu = 0; vcpu < dm->vcpu_num; vcpu++) {
			req = e2e_slot(dm->page, vcpu);
			if (e2e_slot_state(dm->page, vcpu) != ACRN_IOREQ_STATE_PROCESSING ||
			    req->kernel_handled)
				continue;
			err = dm->fn ? dm->fn(dm, vcpu, req) : 0;
			if (err) {
				e2e_dm_error(dm, vcpu, err);
				goto out;
			}
			/* Counted first: the guest may see the result before NOTIFY returns. */
			__atomic_add_fetch(&dm->handled, 1, __ATOMIC_RELEASE);
			err = e2e_notify(dm->fd, vcpu);
			if (err && !__atomic_load_n(&dm->stopping, __ATOMIC_ACQUIRE))
				e2e_dm_error(dm, vcpu, err);
		}
	}
out:
	__atomic_store_n(&dm->running, 0, __ATOMIC_RELEASE);
	return NULL;
}

/* Flags of e2e_dm_start_fd() */
#define E2E_DM_ATTACH_ONLY	0x1U	/* the client exists already */

/*
 * A device-model thread for the VM of file @fd (I/O request page @page,
 * @vcpu_num vCPUs), calling @fn for each request. Unless
 * E2E_DM_ATTACH_ONLY, creates the default client first and fails with
 * its errno. Returns 0 with *@out set, or an errno.
 */
static inline int e2e_dm_start_fd(struct e2e *e, struct e2e_dm **out, int fd,
				  void *page, unsigned int vcpu_num,
				  e2e_dm_fn fn, void *priv, unsigned int flags)
{
	struct e2e_dm *dm;
	int i, err;

	*out = NULL;
	for (i = 0; i < E2E_NDM && e->dm[i]; i++)
		;
	err = i < E2E_NDM ? 0 : ENOSPC;
	if (!err && !(flags & E2E_DM_ATTACH_ONLY))
		err = e2e_ioctl(fd, ACRN_IOCTL_CREATE_IOREQ_CLIENT, NULL);
	if (err)
		return err;
	dm = calloc(1, sizeof(*dm));
	if (!dm)
		return errno;
	dm->fd = fd;
	dm->page = page;
	dm->vcpu_num = vcpu_num;
	dm->fn = fn;
	dm->priv = priv;
	dm->running = 1;
	err = pthread_create(&dm->thread, NULL, e2e_dm_loop, dm);
	if (err) {
		free(dm);
		return err;
	}
	e->dm[i] = dm;
	*out = dm;
	return 0;
}

/* A device-model thread (and its client) for the main file's VM. */
static inline int e2e_dm_start(struct e2e *e, struct e2e_dm **out,
			       e2e_dm_fn fn, void *priv)
{
	return e2e_dm_start_fd(e, out, e->hsm, e->ioreq, e->cv.vcpu_num,
			       fn, priv, 0);
}

static inline unsigned long e2e_dm_handled(struct e2e_dm *dm)
{
	return __atomic_load_n(&dm->handled, __ATOMIC_ACQUIRE);
}

static inline bool e2e_dm_running(struct e2e_dm *dm)
{
	return __atomic_load_n(&dm->running, __ATOMIC_ACQUIRE);
}

/* Wait up to @ms for @dm to have handled @n requests; returns the count. */
static inline unsigned long e2e_dm_wait(struct e2e_dm *dm, unsigned long n,
					long ms)
{
	struct timespec t0;
	unsigned long h;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while ((h = e2e_dm_handled(dm)) < n && e2e_ms_since(&t0) < ms)
		usleep(1000);
	return h;
}

/* Wait up to @ms for the thread to end by itself; 0 or ETIMEDOUT. */
static inline int e2e_dm_join(struct e2e_dm *dm, long ms)
{
	struct timespec t0;
	bool running;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while ((running = e2e_dm_running(dm)) && e2e_ms_since(&t0) < ms)
		usleep(1000);
	if (!running)
		pthread_join(dm->thread, NULL);
	return running ? ETIMEDOUT : 0;
}

/*
 * Destroy the default client of @dm's file and wait up to @ms for the
 * thread to end. Returns the errno of DESTROY_IOREQ_CLIENT, else
 * ETIMEDOUT if the thread did not end, else 0. The thread's state stays
 * readable until tear-down.
 */
static inline int e2e_dm_stop(struct e2e_dm *dm, long ms)
{
	int err;

	if (!e2e_dm_running(dm))
		return e2e_dm_join(dm, 0);
	__atomic_store_n(&dm->stopping, 1, __ATOMIC_RELEASE);
	err = e2e_ioctl(dm->fd, ACRN_IOCTL_DESTROY_IOREQ_CLIENT, NULL);
	if (e2e_dm_join(dm, ms))
		return err ? err : ETIMEDOUT;
	return err;
}

/* --- the test module's debugfs hooks (acrn_hsm_test.ko) --- */

/* Test client name "<tag><pid>", unique to the test. */
static inline void e2e_kname(char *buf, size_t len, const char *tag)
{
	snprintf(buf, len, "%s%d", tag, (int)getpid());
}

/*
 * Write command @cmd to debugfs file @name of the test module and, if
 * @answer is not NULL, read the reply from the same open file into it (NUL
 * terminated, at most @size - 1 bytes): 0 or the errno that failed.
 */
static inline int e2e_debugfs_cmd(const char *name, const char *cmd,
				  char *answer, size_t size)
{
	char path[128];
	ssize_t n;
	int fd, err = 0;

	snprintf(path, sizeof(path), E2E_TEST_DEBUGFS "/%s", name);
	fd = open(path, (answer ? O_RDWR : O_WRONLY) | O_CLOEXEC);
	if (fd < 0)
		return errno;
	n = write(fd, cmd, strlen(cmd));
	if (n < 0)
		err = errno;
	else if ((size_t)n != strlen(cmd))
		err = EIO;
	if (!err && answer) {
		n = read(fd, answer, size - 1);
		if (n < 0)
			err = errno;
		else
			answer[n] = '\0';
	}
	close(fd);
	return err;
}

/*
 * Write one command to the kclients file: 0 or the write()'s errno. The
 * VM of "create" is named by a file descriptor of this process on
 * /dev/acrn_hsm (e->hsm).
 */
static inline int e2e_kclients(const char *fmt, ...)
{
	char cmd[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return e2e_debugfs_cmd("kclients", cmd, NULL, 0);
}

/**
 * struct e2e_kclient - a line of the kclients file
 * @line:	The line as read.
 * @name:	Client name.
 * @vmid:	Its VM.
 * @mode:	irq, thread or fail.
 * @reads:	Reads it completed.
 * @writes:	Writes it completed.
 * @last_type:	"pio" or "mmio" of its last request ("" if none).
 * @last_addr:	Address of its last request.
 * @last_size:	Size of its last request.
 * @last_value:	Value of its last request.
 * @dead:	Its VM is gone.
 */
struct e2e_kclient {
	char		line[256];
	char		name[64];
	unsigned int	vmid;
	char		mode[16];
	unsigned long long reads;
	unsigned long long writes;
	char		last_type[8];
	unsigned long long last_addr;
	unsigned int	last_size;
	unsigned long long last_value;
	bool		dead;
};

/* Parse one kclients line into @kc: 0 or EPROTO. */
static inline int e2e_kclient_parse(const char *line, struct e2e_kclient *kc)
{
	const char *last;
	int err = EPROTO;
	size_t len;

	memset(kc, 0, sizeof(*kc));
	snprintf(kc->line, sizeof(kc->line), "%s", line);
	len = strcspn(kc->line, "\n");
	kc->line[len] = '\0';
	if (sscanf(kc->line, "%63s vmid=%u mode=%15s reads=%llu writes=%llu",
		   kc->name, &kc->vmid, kc->mode, &kc->reads, &kc->writes) != 5)
		return err;
	last = strstr(kc->line, " last=");
	if (last && sscanf(last, " last=%7[a-z]:%llx:%u:%llx", kc->last_type,
			   &kc->last_addr, &kc->last_size, &kc->last_value) != 4)
		kc->last_type[0] = '\0';
	len = strlen(kc->line);
	kc->dead = len >= 5 && !strcmp(kc->line + len - 5, " dead");
	return 0;
}

/* The kclients line of client @name: 0, ENOENT (none), EPROTO or errno. */
static inline int e2e_kclient_get(const char *name, struct e2e_kclient *kc)
{
	char line[256], first[64];
	int err = ENOENT;
	FILE *f;

	f = fopen(E2E_TEST_DEBUGFS "/kclients", "re");
	if (!f)
		return errno;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s", first) == 1 && !strcmp(first, name)) {
			err = e2e_kclient_parse(line, kc);
			break;
		}
	}
	fclose(f);
	return err;
}

/* Counter @name of the debugfs stats file, or ~0 if missing. */
static inline __u64 e2e_hsm_stat(const char *name)
{
	unsigned long long v, found = ~0ULL;
	char n[64];
	FILE *f;

	f = fopen(E2E_DEBUGFS "/stats", "re");
	if (!f)
		return ~0ULL;
	while (fscanf(f, "%63s %llu", n, &v) == 2)
		if (!strcmp(n, name))
			found = v;
	fclose(f);
	return found;
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

	clock_gettime(CLOCK_MONOTONIC, &e->t0);
	e->hsm = -1;
	for (i = 0; i < E2E_NDM; i++)
		e->dm[i] = NULL;
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
	/* A device model still attached would keep its file from closing. */
	for (i = 0; i < E2E_NDM; i++) {
		if (!e->dm[i])
			continue;
		e2e_dm_stop(e->dm[i], 2000);
		if (e2e_dm_running(e->dm[i]))
			TH_LOG("device-model thread %d does not stop", i);
		else
			free(e->dm[i]);
		e->dm[i] = NULL;
	}
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
	/*
	 * Where make check's time goes, case by case (never asserted);
	 * flushed, as the harness ends the test's process with _exit().
	 */
	ksft_print_msg("%s: %ld ms\n", _metadata->name, e2e_ms_since(&e->t0));
	fflush(stdout);
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
