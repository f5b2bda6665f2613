// SPDX-License-Identifier: GPL-2.0
/*
 * End-to-end tests of the access mode of /dev/acrn_hsm and
 * /dev/acrn_hvsim files: a file opened read-only gets the queries only.
 * Everything that creates, changes or drives a VM, injects a fault or
 * plays the guest fails with EBADF, as write(2) does, and changes
 * nothing in the simulated hypervisor.
 */
#include <stddef.h>

#include "e2e.h"

/* Every ioctl of <linux/acrn.h> but PM_GET_CPU_STATE, the one query. */
static const unsigned long hsm_mutating[] = {
	ACRN_IOCTL_CREATE_VM, ACRN_IOCTL_DESTROY_VM, ACRN_IOCTL_START_VM,
	ACRN_IOCTL_PAUSE_VM, ACRN_IOCTL_RESET_VM, ACRN_IOCTL_SET_VCPU_REGS,
	ACRN_IOCTL_INJECT_MSI, ACRN_IOCTL_VM_INTR_MONITOR,
	ACRN_IOCTL_SET_IRQLINE, ACRN_IOCTL_NOTIFY_REQUEST_FINISH,
	ACRN_IOCTL_CREATE_IOREQ_CLIENT, ACRN_IOCTL_ATTACH_IOREQ_CLIENT,
	ACRN_IOCTL_DESTROY_IOREQ_CLIENT, ACRN_IOCTL_CLEAR_VM_IOREQ,
	ACRN_IOCTL_SET_MEMSEG, ACRN_IOCTL_UNSET_MEMSEG,
	ACRN_IOCTL_SET_PTDEV_INTR, ACRN_IOCTL_RESET_PTDEV_INTR,
	ACRN_IOCTL_ASSIGN_PCIDEV, ACRN_IOCTL_DEASSIGN_PCIDEV,
	ACRN_IOCTL_ASSIGN_MMIODEV, ACRN_IOCTL_DEASSIGN_MMIODEV,
	ACRN_IOCTL_CREATE_VDEV, ACRN_IOCTL_DESTROY_VDEV,
	ACRN_IOCTL_IOEVENTFD, ACRN_IOCTL_IRQFD,
};

/* Calls of every hypercall so far, or ~0 if unreadable. */
static __u64 hc_total(int hv)
{
	struct hvsim_stats st;
	__u64 sum = 0;
	unsigned int i;

	if (hvsim_get_stats(hv, &st))
		return ~0ULL;
	for (i = 0; i < HVSIM_NR_HYPERCALLS; i++)
		sum += st.hypercalls[i];
	return sum;
}

/*
 * The argument of @cmd: a valid CREATE_VM for CREATE_VM (so that only the
 * mode check can stop it), zeros for the others; the value 0 for
 * SET_IRQLINE and VM_INTR_MONITOR, which take values.
 */
static const void *hsm_arg(unsigned long cmd, struct acrn_vm_creation *cv,
			   const void *zeros)
{
	if (cmd == ACRN_IOCTL_CREATE_VM)
		return cv;
	if (cmd == ACRN_IOCTL_SET_IRQLINE || cmd == ACRN_IOCTL_VM_INTR_MONITOR)
		return NULL;
	return zeros;
}

/*
 * On a read-only file every ioctl but the query fails with EBADF, before
 * anything else: without the check the same calls answer EINVAL (no VM),
 * and CREATE_VM creates one. No hypercall is made.
 */
TEST_F(hsm, hsm_read_only)
{
	struct e2e *e = &self->e;
	__u64 cmd_buf[1024] = { 0 };	/* larger than any argument */
	struct acrn_vm_creation cv;
	__u64 before;
	unsigned int i;
	int ro;

	ro = open(HSM_DEV, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, ro);
	e->fd[0] = ro;
	e2e_cv_init(&cv, "ro", e->ioreq, 0);
	before = hc_total(e->hv);
	for (i = 0; i < ARRAY_SIZE(hsm_mutating); i++) {
		unsigned long cmd = hsm_mutating[i];

		EXPECT_EQ(EBADF, e2e_ioctl(ro, cmd, hsm_arg(cmd, &cv, cmd_buf)))
			TH_LOG("ioctl %#lx on a read-only file", cmd);
	}
	/* The query is allowed, and finds no VM. */
	EXPECT_EQ(EINVAL, e2e_ioctl(ro, ACRN_IOCTL_PM_GET_CPU_STATE, cmd_buf));
	/* An unknown ioctl is still unknown. */
	EXPECT_EQ(ENOTTY, e2e_ioctl(ro, _IO(ACRN_IOCTL_TYPE, 0x14), NULL));
	EXPECT_EQ(before, hc_total(e->hv));
	EXPECT_EQ(e->baseline, e2e_count(e->hv));

	/* The same calls on the read-write file get past the check. */
	EXPECT_EQ(EINVAL, e2e_vm_ioctl(e, ACRN_IOCTL_START_VM));
	EXPECT_EQ(0, e2e_ioctl(e->hsm, ACRN_IOCTL_CREATE_VM, &cv));
}

/*
 * Reopening a VM's file read-only (/proc/self/fd, what a privileged
 * process could hand out) gives a new file without the VM and without
 * the right to make one; the VM is untouched.
 */
TEST_F(hsm, hsm_reopen_read_only)
{
	struct e2e *e = &self->e;
	char path[64];
	int ro;

	ASSERT_EQ(0, e2e_create(e, "reopen", 0));
	snprintf(path, sizeof(path), "/proc/self/fd/%d", e->hsm);
	ro = open(path, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, ro);
	e->fd[0] = ro;
	EXPECT_EQ(EBADF, e2e_ioctl(ro, ACRN_IOCTL_START_VM, NULL));
	EXPECT_EQ(EBADF, e2e_ioctl(ro, ACRN_IOCTL_DESTROY_VM, NULL));
	EXPECT_EQ(HVSIM_VM_CREATED, e2e_state(e->hv, e->cv.vmid));
	e2e_close(&e->fd[0]);
	EXPECT_EQ(HVSIM_VM_CREATED, e2e_state(e->hv, e->cv.vmid));
	EXPECT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_START_VM));
	EXPECT_EQ(HVSIM_VM_RUNNING, e2e_state(e->hv, e->cv.vmid));
}

/* Write access is what counts: an O_WRONLY file drives its VM. */
TEST_F(hsm, hsm_write_only)
{
	struct e2e *e = &self->e;
	int wo;

	wo = open(HSM_DEV, O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, wo);
	e2e_close(&e->hsm);
	e->hsm = wo;
	ASSERT_EQ(0, e2e_create(e, "wronly", 0));
	EXPECT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_START_VM));
	EXPECT_EQ(HVSIM_VM_RUNNING, e2e_state(e->hv, e->cv.vmid));
	EXPECT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
	EXPECT_EQ(e->baseline, e2e_count(e->hv));
}

/* The simulator's queries work on a read-only file. */
TEST_F(hsm, hvsim_read_only_queries)
{
	struct e2e *e = &self->e;
	struct hvsim_event ev[4];
	struct hvsim_events evs = { .count = 4, .buf = (uintptr_t)ev };
	struct hvsim_irqs_off *irqs;
	struct hvsim_stats *st;
	struct hvsim_vcpu_regs regs = { 0 };
	struct hvsim_ept_info ept = { 0 };
	struct hvsim_vm_info vm = { 0 };
	struct hvsim_info info;
	int ro;

	ASSERT_EQ(0, e2e_create(e, "rq", 0));
	ro = open(HVSIM_DEV, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, ro);
	e->fd[0] = ro;
	st = calloc(1, sizeof(*st));
	irqs = calloc(1, sizeof(*irqs));
	ASSERT_NE(NULL, irqs);
	ASSERT_NE(NULL, st);

	EXPECT_EQ(0, e2e_ioctl(ro, HVSIM_IOCTL_GET_INFO, &info));
	EXPECT_EQ(e->info.max_vms, info.max_vms);
	vm.vmid = e->cv.vmid;
	EXPECT_EQ(0, e2e_ioctl(ro, HVSIM_IOCTL_GET_VM, &vm));
	EXPECT_EQ(HVSIM_VM_CREATED, (int)vm.state);
	regs.vmid = e->cv.vmid;
	EXPECT_EQ(0, e2e_ioctl(ro, HVSIM_IOCTL_GET_VCPU_REGS, &regs));
	EXPECT_EQ(0, e2e_ioctl(ro, HVSIM_IOCTL_GET_STATS, st));
	EXPECT_LE(1ULL, st->hypercalls[HVSIM_HC_CREATE_VM]);
	/* API version 1's size */
	EXPECT_EQ(0, e2e_ioctl(ro, _IOC(_IOC_READ, HVSIM_IOCTL_TYPE, 0xE5,
					offsetof(struct hvsim_stats, io_requests)),
			       st));
	ept.vmid = e->cv.vmid;
	EXPECT_EQ(0, e2e_ioctl(ro, HVSIM_IOCTL_GET_EPT, &ept));
	evs.vmid = e->cv.vmid;
	EXPECT_EQ(0, e2e_ioctl(ro, HVSIM_IOCTL_GET_EVENTS, &evs));
	EXPECT_LE(1U, evs.count);
	EXPECT_EQ(0, hvsim_get_irqs_off(ro, irqs));
	EXPECT_EQ(1, hvsim_count_vms(ro) - e->baseline);
	free(irqs);
	free(st);
}

/*
 * Fault injection and guest accesses need write access: EBADF on a
 * read-only file, with no effect. Without the check the armed fault
 * would make the next START_VM fail, and the guest write would reach
 * the simulator's counters.
 */
TEST_F(hsm, hvsim_read_only_control)
{
	struct e2e *e = &self->e;
	struct hvsim_fault fault = {
		.hypercall = HVSIM_HC_START_VM,
		.count = 1,
		.ret = -1,
	};
	struct hvsim_io io = {
		.type = ACRN_IOREQ_TYPE_PORTIO,
		.direction = ACRN_IOREQ_DIR_WRITE,
		.size = 1,
		.address = 0x80,
		.flags = HVSIM_IO_NO_UPCALL,
		.timeout_ms = 200,
	};
	struct hvsim_io_loop loop = { .vcpus = 1, .count = 1 };
	struct hvsim_stats *st;
	struct hvsim_mem mem = { .len = 8 };
	__u64 buf = 0, requests;
	int ro;

	ASSERT_EQ(0, e2e_create(e, "rc", 0));
	ro = open(HVSIM_DEV, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, ro);
	e->fd[0] = ro;
	st = calloc(1, sizeof(*st));
	ASSERT_NE(NULL, st);
	ASSERT_EQ(0, hvsim_get_stats(e->hv, st));
	requests = st->io_requests;

	EXPECT_EQ(EBADF, e2e_ioctl(ro, HVSIM_IOCTL_SET_FAULT, &fault));
	EXPECT_EQ(EBADF, e2e_ioctl(ro, HVSIM_IOCTL_CLEAR_FAULTS, NULL));
	/* No fault armed: the VM starts. */
	EXPECT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_START_VM));

	io.vmid = e->cv.vmid;
	loop.io = io;
	mem.vmid = e->cv.vmid;
	mem.buf = (uintptr_t)&buf;
	EXPECT_EQ(EBADF, e2e_ioctl(ro, HVSIM_IOCTL_GUEST_IO, &io));
	EXPECT_EQ(EBADF, e2e_ioctl(ro, HVSIM_IOCTL_GUEST_LOOP, &loop));
	EXPECT_EQ(EBADF, e2e_ioctl(ro, HVSIM_IOCTL_GUEST_MEM, &mem));
	mem.flags = HVSIM_MEM_WRITE;
	EXPECT_EQ(EBADF, e2e_ioctl(ro, HVSIM_IOCTL_GUEST_MEM, &mem));
	/* Unknown commands too: only the listed queries pass. */
	EXPECT_EQ(EBADF, e2e_ioctl(ro, _IO(HVSIM_IOCTL_TYPE, 0xEF), NULL));
	EXPECT_EQ(ENOTTY, e2e_ioctl(e->hv, _IO(HVSIM_IOCTL_TYPE, 0xEF), NULL));
	ASSERT_EQ(0, hvsim_get_stats(e->hv, st));
	EXPECT_EQ(requests, st->io_requests);

	/* The same fault from the read-write file is armed and fires. */
	EXPECT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_PAUSE_VM));
	EXPECT_EQ(0, e2e_ioctl(e->hv, HVSIM_IOCTL_SET_FAULT, &fault));
	EXPECT_NE(0, e2e_vm_ioctl(e, ACRN_IOCTL_START_VM));
	EXPECT_EQ(HVSIM_VM_PAUSED, e2e_state(e->hv, e->cv.vmid));
	free(st);
}

/* A write-only file may inject faults: write access is what counts. */
TEST_F(hsm, hvsim_write_only)
{
	struct e2e *e = &self->e;
	int wo;

	wo = open(HVSIM_DEV, O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, wo);
	e->fd[0] = wo;
	EXPECT_EQ(0, e2e_fail(wo, HVSIM_HC_CREATE_VM, -1, 1));
	EXPECT_NE(0, e2e_create(e, "wo", 0));
	EXPECT_EQ(e->baseline, e2e_count(e->hv));
	EXPECT_EQ(0, e2e_ioctl(wo, HVSIM_IOCTL_CLEAR_FAULTS, NULL));
	EXPECT_EQ(0, e2e_create(e, "wo", 0));
}

/* mmap() of a read-only file: readable device memory, never writable. */
TEST_F(hsm, hvsim_read_only_mmap)
{
	struct e2e *e = &self->e;
	void *p;
	int ro;

	ro = open(HVSIM_DEV, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, ro);
	e->fd[0] = ro;
	p = mmap(NULL, E2E_PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, ro,
		 HVSIM_MMAP_DEVMEM);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EACCES, errno);
	p = mmap(NULL, E2E_PAGE_SIZE, PROT_READ, MAP_SHARED, ro,
		 HVSIM_MMAP_DEVMEM);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(-1, mprotect(p, E2E_PAGE_SIZE, PROT_READ | PROT_WRITE));
	EXPECT_EQ(EACCES, errno);
	munmap(p, E2E_PAGE_SIZE);
}

TEST_HARNESS_MAIN
