// SPDX-License-Identifier: GPL-2.0
/*
 * End-to-end tests of the VM life-cycle ioctls' failures: ioctls without
 * a VM, unknown ioctls, bad CREATE_VM and SET_VCPU_REGS arguments, limits,
 * and the hypervisor's errors (injected by the simulator), which must be
 * mapped to meaningful errnos and never leave a VM behind.
 */
#include <limits.h>
#include <stddef.h>
#include <termios.h>

#include "e2e.h"

/* Every VM ioctl fails with EINVAL before CREATE_VM, without a hypercall. */
TEST_F(hsm, no_vm)
{
	static const unsigned int hcs[] = {
		HVSIM_HC_CREATE_VM, HVSIM_HC_DESTROY_VM, HVSIM_HC_START_VM,
		HVSIM_HC_PAUSE_VM, HVSIM_HC_RESET_VM, HVSIM_HC_SET_VCPU_REGS,
	};
	struct e2e *e = &self->e;
	struct acrn_vcpu_regs regs;
	__u64 before[ARRAY_SIZE(hcs)];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(hcs); i++)
		before[i] = e2e_hc(e->hv, hcs[i]);
	e2e_regs_init(&regs, 0);
	EXPECT_EQ(EINVAL, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
	EXPECT_EQ(EINVAL, e2e_vm_ioctl(e, ACRN_IOCTL_START_VM));
	EXPECT_EQ(EINVAL, e2e_vm_ioctl(e, ACRN_IOCTL_PAUSE_VM));
	EXPECT_EQ(EINVAL, e2e_vm_ioctl(e, ACRN_IOCTL_RESET_VM));
	EXPECT_EQ(EINVAL, e2e_ioctl(e->hsm, ACRN_IOCTL_SET_VCPU_REGS, &regs));
	EXPECT_EQ(EINVAL, e2e_ioctl(e->hsm, ACRN_IOCTL_SET_VCPU_REGS, NULL));
	for (i = 0; i < ARRAY_SIZE(hcs); i++)
		EXPECT_EQ(before[i], e2e_hc(e->hv, hcs[i]));
	EXPECT_EQ(e->baseline, e2e_count(e->hv));
}

/* ioctls the HSM does not know: ENOTTY whether or not the file has a VM. */
TEST_F(hsm, unknown_ioctls)
{
	static const unsigned long cmds[] = {
		_IO(ACRN_IOCTL_TYPE, 0x14),
		_IO(ACRN_IOCTL_TYPE, 0x00),
		_IO(ACRN_IOCTL_TYPE, 0xff),
		_IO(ACRN_IOCTL_TYPE + 1, 0x10),
		_IO(ACRN_IOCTL_TYPE + 1, 0x12),
		/* CREATE_VM's number with the wrong direction or size */
		_IOW(ACRN_IOCTL_TYPE, 0x10, struct acrn_vm_creation),
		_IOR(ACRN_IOCTL_TYPE, 0x10, struct acrn_vm_creation),
		_IO(ACRN_IOCTL_TYPE, 0x10),
		_IOWR(ACRN_IOCTL_TYPE, 0x10, struct acrn_vcpu_regs),
		/* START_VM and SET_VCPU_REGS with direction bits added or lost */
		_IOW(ACRN_IOCTL_TYPE, 0x12, __u64),
		_IO(ACRN_IOCTL_TYPE, 0x16),
		/* SET_MEMSEG and UNSET_MEMSEG with another size */
		_IOW(ACRN_IOCTL_TYPE, 0x41, __u64),
		_IOWR(ACRN_IOCTL_TYPE, 0x42, struct acrn_vm_memmap),
		/* the simulator's ioctls are not the HSM's */
		HVSIM_IOCTL_GET_INFO,
		HVSIM_IOCTL_GET_VM,
		HVSIM_IOCTL_CLEAR_FAULTS,
		TCGETS,
	};
	struct e2e *e = &self->e;
	struct acrn_vm_creation cv;
	unsigned int i, round;
	__u64 hc;

	for (round = 0; round < 2; round++) {
		hc = e2e_hc(e->hv, HVSIM_HC_CREATE_VM);
		for (i = 0; i < ARRAY_SIZE(cmds); i++) {
			/* A valid CREATE_VM argument, should anything read it. */
			e2e_cv_init(&cv, "unknown", e->ioreq, 0);
			if (e2e_ioctl(e->hsm, cmds[i], &cv) != ENOTTY)
				TH_LOG("round %u: cmd %#lx did not fail with ENOTTY",
				       round, cmds[i]);
			EXPECT_EQ(ENOTTY, e2e_ioctl(e->hsm, cmds[i], &cv));
		}
		EXPECT_EQ(hc, e2e_hc(e->hv, HVSIM_HC_CREATE_VM));
		EXPECT_EQ(e->baseline + round, e2e_count(e->hv));
		if (!round)
			ASSERT_EQ(0, e2e_create(e, "unknown", 0));
	}
	/* The VM did not notice. */
	EXPECT_EQ(HVSIM_VM_CREATED, e2e_state(e->hv, e->cv.vmid));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_START_VM));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
}

/* Kinds of bad CREATE_VM arguments */
enum bad_cv {
	BAD_RESERVED0,
	BAD_RESERVED1,
	BAD_IOREQ_PLUS,		/* page + variant->value */
	BAD_IOREQ_ADDR,		/* variant->value */
	BAD_IOREQ_UNMAPPED,
	BAD_IOREQ_PROT,		/* page mapped with variant->value */
	BAD_AFFINITY,		/* variant->value */
	BAD_ARG_NULL,
	BAD_ARG_UNMAPPED,
	BAD_ARG_PARTIAL,	/* the argument runs off the end of a mapping */
};

FIXTURE(bad_create) {
	struct e2e e;
};

FIXTURE_VARIANT(bad_create) {
	enum bad_cv kind;
	__u64 value;
	int err;		/* errno expected */
	bool reaches_hv;	/* the CREATE_VM hypercall is made */
};

FIXTURE_VARIANT_ADD(bad_create, reserved0) {
	.kind = BAD_RESERVED0, .err = EINVAL,
};

FIXTURE_VARIANT_ADD(bad_create, reserved1) {
	.kind = BAD_RESERVED1, .err = EINVAL,
};

FIXTURE_VARIANT_ADD(bad_create, ioreq_plus_1) {
	.kind = BAD_IOREQ_PLUS, .value = 1, .err = EINVAL,
};

FIXTURE_VARIANT_ADD(bad_create, ioreq_plus_8) {
	.kind = BAD_IOREQ_PLUS, .value = 8, .err = EINVAL,
};

FIXTURE_VARIANT_ADD(bad_create, ioreq_plus_2048) {
	.kind = BAD_IOREQ_PLUS, .value = 2048, .err = EINVAL,
};

FIXTURE_VARIANT_ADD(bad_create, ioreq_null) {
	.kind = BAD_IOREQ_ADDR, .value = 0, .err = EFAULT,
};

FIXTURE_VARIANT_ADD(bad_create, ioreq_kernel) {
	.kind = BAD_IOREQ_ADDR, .value = 0xffff888000000000ULL, .err = EFAULT,
};

FIXTURE_VARIANT_ADD(bad_create, ioreq_noncanonical) {
	.kind = BAD_IOREQ_ADDR, .value = 0x8000000000000000ULL, .err = EFAULT,
};

FIXTURE_VARIANT_ADD(bad_create, ioreq_last_page) {
	.kind = BAD_IOREQ_ADDR, .value = 0xfffffffffffff000ULL, .err = EFAULT,
};

FIXTURE_VARIANT_ADD(bad_create, ioreq_unmapped) {
	.kind = BAD_IOREQ_UNMAPPED, .err = EFAULT,
};

FIXTURE_VARIANT_ADD(bad_create, ioreq_readonly) {
	.kind = BAD_IOREQ_PROT, .value = PROT_READ, .err = EFAULT,
};

FIXTURE_VARIANT_ADD(bad_create, ioreq_prot_none) {
	.kind = BAD_IOREQ_PROT, .value = PROT_NONE, .err = EFAULT,
};

FIXTURE_VARIANT_ADD(bad_create, affinity_pcpu4) {
	.kind = BAD_AFFINITY, .value = 0x10, .err = EINVAL, .reaches_hv = true,
};

FIXTURE_VARIANT_ADD(bad_create, affinity_pcpu0_4) {
	.kind = BAD_AFFINITY, .value = 0x11, .err = EINVAL, .reaches_hv = true,
};

FIXTURE_VARIANT_ADD(bad_create, affinity_pcpu63) {
	.kind = BAD_AFFINITY, .value = 1ULL << 63, .err = EINVAL, .reaches_hv = true,
};

FIXTURE_VARIANT_ADD(bad_create, arg_null) {
	.kind = BAD_ARG_NULL, .err = EFAULT,
};

FIXTURE_VARIANT_ADD(bad_create, arg_unmapped) {
	.kind = BAD_ARG_UNMAPPED, .err = EFAULT,
};

FIXTURE_VARIANT_ADD(bad_create, arg_partial) {
	.kind = BAD_ARG_PARTIAL, .err = EFAULT,
};

FIXTURE_SETUP(bad_create)
{
	e2e_setup(_metadata, &self->e);
	ASSERT_EQ(E2E_PCPU_MASK, self->e.info.pcpu_mask);
}

FIXTURE_TEARDOWN(bad_create)
{
	e2e_teardown(_metadata, &self->e);
}

/*
 * A bad argument creates nothing; unless only the hypervisor can tell, it
 * does not even reach the hypervisor. The file stays usable.
 */
TEST_F(bad_create, rejected)
{
	struct e2e *e = &self->e;
	struct acrn_vm_creation *cv = &e->cv, *arg = cv;
	char *p;
	__u64 hc;

	e2e_cv_init(cv, "bad", e->ioreq, 0);
	switch (variant->kind) {
	case BAD_RESERVED0:
		cv->reserved0 = 1;
		break;
	case BAD_RESERVED1:
		cv->reserved1 = 0x8000;
		break;
	case BAD_IOREQ_PLUS:
		cv->ioreq_buf += variant->value;
		break;
	case BAD_IOREQ_ADDR:
		cv->ioreq_buf = variant->value;
		break;
	case BAD_IOREQ_UNMAPPED:
		cv->ioreq_buf = (uintptr_t)e2e_hole();
		ASSERT_NE(0ULL, cv->ioreq_buf);
		break;
	case BAD_IOREQ_PROT:
		e->page[0] = e2e_map(1, variant->value);
		ASSERT_NE(NULL, e->page[0]);
		if (variant->value & PROT_READ)	/* fault in the zero page */
			ASSERT_EQ(0, *(char *)e->page[0]);
		cv->ioreq_buf = (uintptr_t)e->page[0];
		break;
	case BAD_AFFINITY:
		cv->cpu_affinity = variant->value;
		break;
	case BAD_ARG_NULL:
		arg = NULL;
		break;
	case BAD_ARG_UNMAPPED:
		arg = e2e_hole();
		ASSERT_NE(NULL, arg);
		break;
	case BAD_ARG_PARTIAL:
		/* A page followed by a hole; the argument's last 8 bytes in the hole */
		p = e2e_map(2, PROT_READ | PROT_WRITE);
		ASSERT_NE(NULL, p);
		ASSERT_EQ(0, munmap(p + E2E_PAGE_SIZE, E2E_PAGE_SIZE));
		e->page[0] = p;
		arg = (void *)(p + E2E_PAGE_SIZE - sizeof(*cv) + 8);
		memcpy(arg, cv, sizeof(*cv) - 8);
		break;
	}

	hc = e2e_hc(e->hv, HVSIM_HC_CREATE_VM);
	EXPECT_EQ(variant->err, e2e_ioctl(e->hsm, ACRN_IOCTL_CREATE_VM, arg));
	EXPECT_EQ(hc + variant->reaches_hv, e2e_hc(e->hv, HVSIM_HC_CREATE_VM));
	EXPECT_EQ(e->baseline, e2e_count(e->hv));

	/* Still no VM on the file, and it can create one. */
	EXPECT_EQ(EINVAL, e2e_vm_ioctl(e, ACRN_IOCTL_START_VM));
	ASSERT_EQ(0, e2e_create(e, "good", 0));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_START_VM));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
}

/*
 * The hypervisor created the VM but its ids cannot be written back: the
 * VM is destroyed again. The argument sits in a read-only page, or
 * straddles a writable and a read-only page.
 */
TEST_F(hsm, create_copy_to_user_fails)
{
	struct e2e *e = &self->e;
	struct acrn_vm_creation *arg;
	__u64 created, destroyed;
	unsigned int i;
	char *p;

	for (i = 0; i < 2; i++) {
		p = e2e_map(2, PROT_READ | PROT_WRITE);
		ASSERT_NE(NULL, p);
		e->page[i] = p;		/* the teardown unmaps the first page */
		arg = (void *)(i ? p + E2E_PAGE_SIZE - 8 : p + E2E_PAGE_SIZE);
		e2e_cv_init(arg, "ro", e->ioreq, 0);
		ASSERT_EQ(0, mprotect(p + E2E_PAGE_SIZE, E2E_PAGE_SIZE, PROT_READ));

		created = e2e_hc(e->hv, HVSIM_HC_CREATE_VM);
		destroyed = e2e_hc(e->hv, HVSIM_HC_DESTROY_VM);
		EXPECT_EQ(EFAULT, e2e_ioctl(e->hsm, ACRN_IOCTL_CREATE_VM, arg));
		EXPECT_EQ(created + 1, e2e_hc(e->hv, HVSIM_HC_CREATE_VM));
		EXPECT_EQ(destroyed + 1, e2e_hc(e->hv, HVSIM_HC_DESTROY_VM));
		EXPECT_EQ(e->baseline, e2e_count(e->hv));
		if (!i)
			EXPECT_EQ(0, arg->vcpu_num);
		EXPECT_EQ(EINVAL, e2e_vm_ioctl(e, ACRN_IOCTL_START_VM));
		munmap(p + E2E_PAGE_SIZE, E2E_PAGE_SIZE);
	}
	/* The same name is free again. */
	ASSERT_EQ(0, e2e_create(e, "ro", 0));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
}

/* Same, and the hypervisor refuses the first destroy: the VM is reaped later. */
TEST_F(hsm, create_copy_to_user_fails_destroy_refused)
{
	struct e2e *e = &self->e;
	struct acrn_vm_creation *arg;
	char *p;

	p = e2e_map(1, PROT_READ | PROT_WRITE);
	ASSERT_NE(NULL, p);
	e->page[0] = p;
	arg = (void *)p;
	e2e_cv_init(arg, "reap", e->ioreq, 0);
	ASSERT_EQ(0, mprotect(p, E2E_PAGE_SIZE, PROT_READ));
	ASSERT_EQ(0, e2e_fail(e->hv, HVSIM_HC_DESTROY_VM, -1, 1));
	EXPECT_EQ(EFAULT, e2e_ioctl(e->hsm, ACRN_IOCTL_CREATE_VM, arg));
	EXPECT_EQ(e->baseline, e2e_wait_count(e->hv, e->baseline, 5000));
}

/* One VM per file: a second CREATE_VM fails before reaching the hypervisor. */
TEST_F(hsm, create_twice)
{
	struct e2e *e = &self->e;
	struct acrn_vm_creation cv2;
	__u64 hc;

	ASSERT_EQ(0, e2e_create(e, "twice", 0));
	ASSERT_EQ(0, e2e_open_fd(e, 0));	/* just for a second page */
	hc = e2e_hc(e->hv, HVSIM_HC_CREATE_VM);

	/* Another name and page, then the very same argument again */
	e2e_cv_init(&cv2, "twice2", e->page[0], 0);
	EXPECT_EQ(EEXIST, e2e_ioctl(e->hsm, ACRN_IOCTL_CREATE_VM, &cv2));
	EXPECT_EQ(0, cv2.vmid);
	EXPECT_EQ(0, cv2.vcpu_num);
	cv2 = e->cv;
	EXPECT_EQ(EEXIST, e2e_ioctl(e->hsm, ACRN_IOCTL_CREATE_VM, &cv2));
	EXPECT_EQ(hc, e2e_hc(e->hv, HVSIM_HC_CREATE_VM));
	EXPECT_EQ(e->baseline + 1, e2e_count(e->hv));

	/* The first VM is intact. */
	EXPECT_EQ(HVSIM_VM_CREATED, e2e_state(e->hv, e->cv.vmid));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_START_VM));
	EXPECT_EQ(HVSIM_VM_RUNNING, e2e_state(e->hv, e->cv.vmid));
	EXPECT_EQ(EEXIST, e2e_ioctl(e->hsm, ACRN_IOCTL_CREATE_VM, &cv2));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
}

/* A name is one VM: another file cannot create a second VM with it. */
TEST_F(hsm, create_same_name)
{
	struct e2e *e = &self->e;
	struct acrn_vm_creation cv;

	ASSERT_EQ(0, e2e_create(e, "dup", 0));
	ASSERT_EQ(0, e2e_open_fd(e, 0));
	e2e_cv_init(&cv, "dup", e->page[0], 0);
	EXPECT_EQ(EINVAL, e2e_ioctl(e->fd[0], ACRN_IOCTL_CREATE_VM, &cv));
	EXPECT_EQ(e->baseline + 1, e2e_count(e->hv));

	/* The first VM is intact. */
	EXPECT_EQ(HVSIM_VM_CREATED, e2e_state(e->hv, e->cv.vmid));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_START_VM));
	EXPECT_EQ(EINVAL, e2e_ioctl(e->fd[0], ACRN_IOCTL_START_VM, NULL));

	/* The second file is usable, and gets the name once it is free. */
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
	e2e_cv_init(&cv, "dup", e->page[0], 0);
	ASSERT_EQ(0, e2e_ioctl(e->fd[0], ACRN_IOCTL_CREATE_VM, &cv));
	ASSERT_EQ(0, e2e_ioctl(e->fd[0], ACRN_IOCTL_DESTROY_VM, NULL));
}

/* As many VMs as the hypervisor has slots; then ENOSPC until one goes. */
TEST_F(hsm, create_max_vms)
{
	struct e2e *e = &self->e;
	int n = e->info.max_vms - 1;
	unsigned int seen = 0;
	__u64 destroyed;
	int i;

	ASSERT_EQ(0, e->baseline);
	ASSERT_GT(E2E_NFD, n);
	for (i = 0; i < n; i++) {
		ASSERT_EQ(0, e2e_open_fd(e, i));
		ASSERT_EQ(0, e2e_create_fd(e, i, "max"));
		ASSERT_LE(1, e->fcv[i].vmid);
		ASSERT_GE(n, e->fcv[i].vmid);
		EXPECT_FALSE(seen & (1U << e->fcv[i].vmid));
		seen |= 1U << e->fcv[i].vmid;
	}
	EXPECT_EQ(n, e2e_count(e->hv));

	ASSERT_EQ(0, e2e_open_fd(e, n));
	destroyed = e2e_hc(e->hv, HVSIM_HC_DESTROY_VM);
	EXPECT_EQ(ENOSPC, e2e_create_fd(e, n, "max"));
	EXPECT_EQ(ENOSPC, e2e_create_fd(e, n, "max"));
	EXPECT_EQ(destroyed, e2e_hc(e->hv, HVSIM_HC_DESTROY_VM));
	EXPECT_EQ(n, e2e_count(e->hv));

	e2e_close(&e->fd[n / 2]);
	EXPECT_EQ(n - 1, e2e_count(e->hv));
	ASSERT_EQ(0, e2e_create_fd(e, n, "max"));
	EXPECT_EQ(e->fcv[n / 2].vmid, e->fcv[n].vmid);
	EXPECT_EQ(n, e2e_count(e->hv));
	ASSERT_EQ(0, e2e_ioctl(e->fd[n], ACRN_IOCTL_START_VM, NULL));
}

/* The hypervisor's answer vmid 0xffff (ACRN_INVALID_VMID) is no VM. */
TEST_F(hsm, create_invalid_vmid)
{
	struct e2e *e = &self->e;
	__u64 destroyed = e2e_hc(e->hv, HVSIM_HC_DESTROY_VM);

	ASSERT_EQ(0, e2e_quirk(e->hv, HVSIM_FAULT_VMID, 0xffff));
	EXPECT_EQ(EIO, e2e_create(e, "vmid", 0));
	EXPECT_EQ(e->baseline, e2e_count(e->hv));
	EXPECT_EQ(destroyed, e2e_hc(e->hv, HVSIM_HC_DESTROY_VM));
	EXPECT_EQ(EINVAL, e2e_vm_ioctl(e, ACRN_IOCTL_START_VM));
	ASSERT_EQ(0, e2e_create(e, "vmid", 0));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
}

/* A VM with a vCPU count the I/O request page cannot serve is destroyed. */
TEST_F(hsm, create_bad_vcpu_num)
{
	static const __u64 values[] = { 0, ACRN_IO_REQUEST_MAX + 1, 0xffff };
	struct e2e *e = &self->e;
	__u64 destroyed;
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(values); i++) {
		destroyed = e2e_hc(e->hv, HVSIM_HC_DESTROY_VM);
		ASSERT_EQ(0, e2e_quirk(e->hv, HVSIM_FAULT_VCPU_NUM, values[i]));
		ret = e2e_create(e, "vcpus", 0);
		if (ret != EIO)
			TH_LOG("vcpu_num %llu: CREATE_VM: %s", values[i], strerror(ret));
		EXPECT_EQ(EIO, ret);
		EXPECT_EQ(e->baseline, e2e_count(e->hv));
		EXPECT_EQ(destroyed + 1, e2e_hc(e->hv, HVSIM_HC_DESTROY_VM));
		EXPECT_EQ(EINVAL, e2e_vm_ioctl(e, ACRN_IOCTL_START_VM));
	}

	/* The destroy is refused too: the VM is parked and reaped. */
	ASSERT_EQ(0, e2e_quirk(e->hv, HVSIM_FAULT_VCPU_NUM, 0));
	ASSERT_EQ(0, e2e_fail(e->hv, HVSIM_HC_DESTROY_VM, -1, 1));
	EXPECT_EQ(EIO, e2e_create(e, "vcpus", 0));
	EXPECT_EQ(e->baseline, e2e_wait_count(e->hv, e->baseline, 5000));

	ASSERT_EQ(0, e2e_create(e, "vcpus", 0));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
}

/* vCPUs the VM does not have */
TEST_F(hsm, regs_bad_vcpu)
{
	static const __u16 ids[] = { 2, 3, ACRN_IO_REQUEST_MAX, 0xffff };
	struct e2e *e = &self->e;
	struct acrn_vcpu_regs regs;
	unsigned int i;
	__u64 hc;

	ASSERT_EQ(0, e2e_create(e, "vcpu", 0x5));
	ASSERT_EQ(2, e->cv.vcpu_num);
	hc = e2e_hc(e->hv, HVSIM_HC_SET_VCPU_REGS);
	for (i = 0; i < ARRAY_SIZE(ids); i++) {
		e2e_regs_init(&regs, ids[i]);
		EXPECT_EQ(EINVAL, e2e_ioctl(e->hsm, ACRN_IOCTL_SET_VCPU_REGS, &regs));
	}
	EXPECT_EQ(hc, e2e_hc(e->hv, HVSIM_HC_SET_VCPU_REGS));
	EXPECT_EQ(0, e2e_regs_differ(e->hv, e->cv.vmid, 0, NULL));
	EXPECT_EQ(0, e2e_regs_differ(e->hv, e->cv.vmid, 1, NULL));
	e2e_regs_init(&regs, 1);
	ASSERT_EQ(0, e2e_ioctl(e->hsm, ACRN_IOCTL_SET_VCPU_REGS, &regs));
	EXPECT_EQ(0, e2e_regs_differ(e->hv, e->cv.vmid, 1, &regs.vcpu_regs));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
}

#define REGS_OFF(f)	offsetof(struct acrn_vcpu_regs, f)

/* Reserved fields must be 0; the first and last byte of each is tried. */
TEST_F(hsm, regs_reserved)
{
	static const struct {
		const char *name;
		size_t off, size;	/* of the first element, and of each */
		unsigned int n;		/* elements */
	} fields[] = {
		{ "reserved", REGS_OFF(reserved), 2, 3 },
		{ "reserved_32", REGS_OFF(vcpu_regs.reserved_32), 4, 3 },
		{ "reserved_64", REGS_OFF(vcpu_regs.reserved_64), 8, 4 },
		{ "gdt.reserved", REGS_OFF(vcpu_regs.gdt.reserved), 2, 3 },
		{ "idt.reserved", REGS_OFF(vcpu_regs.idt.reserved), 2, 3 },
	};
	struct e2e *e = &self->e;
	struct acrn_vcpu_regs good, bad;
	unsigned int i, k, end;
	size_t off;
	__u64 hc;
	int ret;

	ASSERT_EQ(0, e2e_create(e, "reserved", 0));
	e2e_regs_init(&good, 0);
	ASSERT_EQ(0, e2e_ioctl(e->hsm, ACRN_IOCTL_SET_VCPU_REGS, &good));
	hc = e2e_hc(e->hv, HVSIM_HC_SET_VCPU_REGS);

	for (i = 0; i < ARRAY_SIZE(fields); i++) {
		for (k = 0; k < fields[i].n * 2; k++) {
			end = k % 2;
			off = fields[i].off + k / 2 * fields[i].size;
			if (end)
				off += fields[i].size - 1;
			/* Otherwise valid, and different from what vCPU 0 has */
			e2e_regs_init(&bad, 0);
			bad.vcpu_regs.rip = 0x2000000;
			((__u8 *)&bad)[off] = end ? 0x80 : 0x01;
			ret = e2e_ioctl(e->hsm, ACRN_IOCTL_SET_VCPU_REGS, &bad);
			if (ret != EINVAL)
				TH_LOG("%s[%u], %s byte: %s", fields[i].name, k / 2,
				       end ? "last" : "first", strerror(ret));
			EXPECT_EQ(EINVAL, ret);
		}
	}
	EXPECT_EQ(hc, e2e_hc(e->hv, HVSIM_HC_SET_VCPU_REGS));
	EXPECT_EQ(0, e2e_regs_differ(e->hv, e->cv.vmid, 0, &good.vcpu_regs));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
}

/* The hypervisor refuses registers while the VM runs. */
TEST_F(hsm, regs_running)
{
	struct e2e *e = &self->e;
	struct acrn_vcpu_regs regs;

	ASSERT_EQ(0, e2e_create(e, "running", 0));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_START_VM));
	e2e_regs_init(&regs, 0);
	EXPECT_EQ(EINVAL, e2e_ioctl(e->hsm, ACRN_IOCTL_SET_VCPU_REGS, &regs));
	EXPECT_EQ(0, e2e_regs_differ(e->hv, e->cv.vmid, 0, NULL));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_PAUSE_VM));
	ASSERT_EQ(0, e2e_ioctl(e->hsm, ACRN_IOCTL_SET_VCPU_REGS, &regs));
	EXPECT_EQ(0, e2e_regs_differ(e->hv, e->cv.vmid, 0, &regs.vcpu_regs));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
}

/* Control register values the hypervisor rejects */
TEST_F(hsm, regs_bad_control_regs)
{
	static const struct {
		__u64 cr0, cr4;
	} bad[] = {
		{ 0x31 | 1ULL << 6, 0 },	/* CR0 reserved bit 6 */
		{ 0x31 | 1ULL << 17, 0 },	/* CR0 reserved bit 17 */
		{ 0x31 | 1ULL << 32, 0 },	/* CR0 bits 63:32 */
		{ 0x80000030, 0 },		/* PG without PE */
		{ 0x20000031, 0 },		/* NW without CD */
		{ 0x31, 1ULL << 15 },		/* CR4 reserved bit 15 */
		{ 0x31, 1ULL << 25 },		/* CR4 bits 63:25 */
	};
	struct e2e *e = &self->e;
	struct acrn_vcpu_regs regs;
	unsigned int i;
	int ret;

	ASSERT_EQ(0, e2e_create(e, "cr", 0));
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		e2e_regs_init(&regs, 0);
		regs.vcpu_regs.cr0 = bad[i].cr0;
		regs.vcpu_regs.cr4 = bad[i].cr4;
		ret = e2e_ioctl(e->hsm, ACRN_IOCTL_SET_VCPU_REGS, &regs);
		if (ret != EINVAL)
			TH_LOG("cr0 %#llx cr4 %#llx: %s", bad[i].cr0, bad[i].cr4,
			       strerror(ret));
		EXPECT_EQ(EINVAL, ret);
	}
	EXPECT_EQ(0, e2e_regs_differ(e->hv, e->cv.vmid, 0, NULL));
	/* Caching off with not-write-through is fine. */
	e2e_regs_init(&regs, 0);
	regs.vcpu_regs.cr0 = 0x60000031;
	ASSERT_EQ(0, e2e_ioctl(e->hsm, ACRN_IOCTL_SET_VCPU_REGS, &regs));
	EXPECT_EQ(0, e2e_regs_differ(e->hv, e->cv.vmid, 0, &regs.vcpu_regs));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
}

/* Unreadable SET_VCPU_REGS arguments */
TEST_F(hsm, regs_bad_pointer)
{
	struct e2e *e = &self->e;
	struct acrn_vcpu_regs regs, *partial;
	char *p;
	__u64 hc;

	ASSERT_EQ(0, e2e_create(e, "regsptr", 0));
	p = e2e_map(2, PROT_READ | PROT_WRITE);
	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, munmap(p + E2E_PAGE_SIZE, E2E_PAGE_SIZE));
	e->page[0] = p;
	/* Valid registers but for their last 2 bytes, which are in the hole */
	partial = (void *)(p + E2E_PAGE_SIZE - sizeof(*partial) + 2);
	e2e_regs_init(&regs, 0);
	memcpy(partial, &regs, sizeof(regs) - 2);

	hc = e2e_hc(e->hv, HVSIM_HC_SET_VCPU_REGS);
	EXPECT_EQ(EFAULT, e2e_ioctl(e->hsm, ACRN_IOCTL_SET_VCPU_REGS, NULL));
	EXPECT_EQ(EFAULT, e2e_ioctl(e->hsm, ACRN_IOCTL_SET_VCPU_REGS, e2e_hole()));
	EXPECT_EQ(EFAULT, e2e_ioctl(e->hsm, ACRN_IOCTL_SET_VCPU_REGS, (void *)-1L));
	EXPECT_EQ(EFAULT, e2e_ioctl(e->hsm, ACRN_IOCTL_SET_VCPU_REGS,
				    (void *)0xffff888000000000UL));
	EXPECT_EQ(EFAULT, e2e_ioctl(e->hsm, ACRN_IOCTL_SET_VCPU_REGS, partial));
	EXPECT_EQ(hc, e2e_hc(e->hv, HVSIM_HC_SET_VCPU_REGS));
	EXPECT_EQ(0, e2e_regs_differ(e->hv, e->cv.vmid, 0, NULL));
	EXPECT_EQ(HVSIM_VM_CREATED, e2e_state(e->hv, e->cv.vmid));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
}

/*
 * Closing the file while the hypervisor refuses to destroy the VM: the
 * VM outlives close() and is destroyed in the background once the
 * hypervisor agrees.
 */
TEST_F(hsm, close_destroy_refused)
{
	struct e2e *e = &self->e;
	unsigned int vmid;
	__u64 destroyed;
	long pins;

	ASSERT_EQ(0, e2e_create(e, "orphan", 0));
	vmid = e->cv.vmid;
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_START_VM));
	destroyed = e2e_hc(e->hv, HVSIM_HC_DESTROY_VM);
	pins = e2e_pins_held();
	ASSERT_LT(0, pins);
	ASSERT_EQ(0, e2e_fail(e->hv, HVSIM_HC_DESTROY_VM, -1, 2));
	e2e_close(&e->hsm);
	EXPECT_EQ(HVSIM_VM_PAUSED, e2e_state(e->hv, vmid));
	/* The hypervisor still has the I/O request page: it stays pinned. */
	EXPECT_EQ(pins, e2e_pins_held());
	EXPECT_EQ(HVSIM_VM_POWERED_OFF,
		  e2e_wait_state(e->hv, vmid, HVSIM_VM_POWERED_OFF, 5000));
	EXPECT_EQ(destroyed + 3, e2e_hc(e->hv, HVSIM_HC_DESTROY_VM));
	/* Destroyed by the background retry, then unpinned (not before). */
	EXPECT_EQ(pins - 1, e2e_wait_pins(pins - 1, 2000));
	EXPECT_EQ(e->baseline, e2e_count(e->hv));
}

/* Same, refused for as long as the fault stays armed */
TEST_F(hsm, close_destroy_refused_until_cleared)
{
	struct e2e *e = &self->e;
	unsigned int vmid;

	ASSERT_EQ(0, e2e_create(e, "orphan2", 0));
	vmid = e->cv.vmid;
	ASSERT_EQ(0, e2e_fail(e->hv, HVSIM_HC_DESTROY_VM, -1, 1000));
	e2e_close(&e->hsm);
	usleep(1200000);
	EXPECT_EQ(HVSIM_VM_PAUSED, e2e_state(e->hv, vmid));
	ASSERT_EQ(0, hvsim_clear_faults(e->hv));
	EXPECT_EQ(HVSIM_VM_POWERED_OFF,
		  e2e_wait_state(e->hv, vmid, HVSIM_VM_POWERED_OFF, 5000));
}

/*
 * The hypervisor's answers and what userspace gets for them: -1 is a
 * refusal whose meaning depends on the hypercall; raw values that would
 * read as EPERM or ENOTTY never reach userspace.
 */
static const struct hv_error {
	int ret;		/* what the hypercall returns */
	int lifecycle;		/* errno of START/PAUSE/RESET/DESTROY_VM */
	int create;		/* of CREATE_VM */
	int other;		/* of SET_VCPU_REGS and SET_IOREQ_BUFFER */
} hv_errors[] = {
	{ -1,		EBUSY,	EINVAL,	EINVAL },
	{ -EINVAL,	EINVAL,	EINVAL,	EINVAL },
	{ -ENOTTY,	ENODEV,	ENOSPC,	ENODEV },
	{ -EIO,		EIO,	EIO,	EIO },
	{ -ENOMEM,	EIO,	EIO,	EIO },
	{ 7,		EIO,	EIO,	EIO },
	{ INT_MIN,	EIO,	EIO,	EIO },
};

/* EXPECT_EQ(want, got), saying which hypervisor answer it was about */
static void expect_errno(struct __test_metadata *_metadata, const char *what,
			 int hv_ret, int want, int got)
{
	if (got != want)
		TH_LOG("%s, hypervisor answer %d: got %d (%s), want %d (%s)",
		       what, hv_ret, got, strerror(got), want, strerror(want));
	EXPECT_EQ(want, got);
}

/*
 * Every hypervisor answer to a life-cycle hypercall, on a VM in state
 * @before: the ioctl returns the mapped errno and the VM stays as it
 * was; then the call goes through and the VM is in @after.
 */
static void hv_errors_lifecycle(struct __test_metadata *_metadata,
				struct e2e *e, const char *what,
				unsigned int hc, unsigned long cmd,
				int before, int after)
{
	const struct hv_error *h;

	for (h = hv_errors; h < hv_errors + ARRAY_SIZE(hv_errors); h++) {
		ASSERT_EQ(0, e2e_fail(e->hv, hc, h->ret, 1));
		expect_errno(_metadata, what, h->ret, h->lifecycle,
			     e2e_vm_ioctl(e, cmd));
		EXPECT_EQ(before, e2e_state(e->hv, e->cv.vmid));
	}
	ASSERT_EQ(0, e2e_vm_ioctl(e, cmd));
	EXPECT_EQ(after, e2e_state(e->hv, e->cv.vmid));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
}

TEST_F(hsm, hv_error_start)
{
	struct e2e *e = &self->e;

	ASSERT_EQ(0, e2e_create(e, "start", 0));
	hv_errors_lifecycle(_metadata, e, "START_VM", HVSIM_HC_START_VM,
			    ACRN_IOCTL_START_VM, HVSIM_VM_CREATED,
			    HVSIM_VM_RUNNING);
}

TEST_F(hsm, hv_error_pause)
{
	struct e2e *e = &self->e;

	ASSERT_EQ(0, e2e_create(e, "pause", 0));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_START_VM));
	hv_errors_lifecycle(_metadata, e, "PAUSE_VM", HVSIM_HC_PAUSE_VM,
			    ACRN_IOCTL_PAUSE_VM, HVSIM_VM_RUNNING,
			    HVSIM_VM_PAUSED);
}

TEST_F(hsm, hv_error_reset)
{
	struct e2e *e = &self->e;

	ASSERT_EQ(0, e2e_create(e, "reset", 0));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_START_VM));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_PAUSE_VM));
	hv_errors_lifecycle(_metadata, e, "RESET_VM", HVSIM_HC_RESET_VM,
			    ACRN_IOCTL_RESET_VM, HVSIM_VM_PAUSED,
			    HVSIM_VM_CREATED);
}

/* A refused DESTROY_VM leaves a paused VM that the file still drives. */
TEST_F(hsm, hv_error_destroy)
{
	struct e2e *e = &self->e;
	const struct hv_error *h;
	struct acrn_vm_creation cv;
	unsigned int vmid;
	long pins;

	ASSERT_EQ(0, e2e_create(e, "destroy", 0));
	vmid = e->cv.vmid;
	pins = e2e_pins_held();
	ASSERT_LT(0, pins);
	for (h = hv_errors; h < hv_errors + ARRAY_SIZE(hv_errors); h++) {
		ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_START_VM));
		ASSERT_EQ(0, e2e_fail(e->hv, HVSIM_HC_DESTROY_VM, h->ret, 1));
		expect_errno(_metadata, "DESTROY_VM", h->ret, h->lifecycle,
			     e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
		EXPECT_EQ(HVSIM_VM_PAUSED, e2e_state(e->hv, vmid));
		/* Nothing the hypervisor holds is released on a refusal. */
		EXPECT_EQ(pins, e2e_pins_held());
		EXPECT_EQ(e->baseline + 1, e2e_count(e->hv));
		/* Still the file's VM */
		e2e_cv_init(&cv, "destroy2", e->ioreq, 0);
		EXPECT_EQ(EEXIST, e2e_ioctl(e->hsm, ACRN_IOCTL_CREATE_VM, &cv));
		ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_RESET_VM));
		EXPECT_EQ(HVSIM_VM_CREATED, e2e_state(e->hv, vmid));
	}
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_START_VM));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
	EXPECT_EQ(HVSIM_VM_POWERED_OFF, e2e_state(e->hv, vmid));
	EXPECT_EQ(pins - 1, e2e_pins_held());
}

TEST_F(hsm, hv_error_set_vcpu_regs)
{
	struct e2e *e = &self->e;
	const struct hv_error *h;
	struct acrn_vcpu_regs regs;

	ASSERT_EQ(0, e2e_create(e, "regs", 0));
	e2e_regs_init(&regs, 0);
	for (h = hv_errors; h < hv_errors + ARRAY_SIZE(hv_errors); h++) {
		ASSERT_EQ(0, e2e_fail(e->hv, HVSIM_HC_SET_VCPU_REGS, h->ret, 1));
		expect_errno(_metadata, "SET_VCPU_REGS", h->ret, h->other,
			     e2e_ioctl(e->hsm, ACRN_IOCTL_SET_VCPU_REGS, &regs));
		EXPECT_EQ(0, e2e_regs_differ(e->hv, e->cv.vmid, 0, NULL));
	}
	ASSERT_EQ(0, e2e_ioctl(e->hsm, ACRN_IOCTL_SET_VCPU_REGS, &regs));
	EXPECT_EQ(0, e2e_regs_differ(e->hv, e->cv.vmid, 0, &regs.vcpu_regs));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
}

/* A failed CREATE_VM hypercall: nothing to destroy, nothing left. */
TEST_F(hsm, hv_error_create)
{
	struct e2e *e = &self->e;
	__u64 destroyed = e2e_hc(e->hv, HVSIM_HC_DESTROY_VM);
	const struct hv_error *h;

	for (h = hv_errors; h < hv_errors + ARRAY_SIZE(hv_errors); h++) {
		ASSERT_EQ(0, e2e_fail(e->hv, HVSIM_HC_CREATE_VM, h->ret, 1));
		expect_errno(_metadata, "CREATE_VM", h->ret, h->create,
			     e2e_create(e, "create", 0));
		EXPECT_EQ(e->baseline, e2e_count(e->hv));
		EXPECT_EQ(EINVAL, e2e_vm_ioctl(e, ACRN_IOCTL_START_VM));
	}
	EXPECT_EQ(destroyed, e2e_hc(e->hv, HVSIM_HC_DESTROY_VM));
	ASSERT_EQ(0, e2e_create(e, "create", 0));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
}

/* The I/O request page is refused after the VM was made: it is destroyed. */
TEST_F(hsm, hv_error_set_ioreq_buffer)
{
	struct e2e *e = &self->e;
	const struct hv_error *h;
	__u64 destroyed;

	for (h = hv_errors; h < hv_errors + ARRAY_SIZE(hv_errors); h++) {
		destroyed = e2e_hc(e->hv, HVSIM_HC_DESTROY_VM);
		ASSERT_EQ(0, e2e_fail(e->hv, HVSIM_HC_SET_IOREQ_BUFFER, h->ret, 1));
		expect_errno(_metadata, "SET_IOREQ_BUFFER", h->ret, h->other,
			     e2e_create(e, "ioreq", 0));
		EXPECT_EQ(e->baseline, e2e_count(e->hv));
		EXPECT_EQ(destroyed + 1, e2e_hc(e->hv, HVSIM_HC_DESTROY_VM));
		EXPECT_EQ(EINVAL, e2e_vm_ioctl(e, ACRN_IOCTL_START_VM));
	}
	ASSERT_EQ(0, e2e_create(e, "ioreq", 0));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
}

TEST_HARNESS_MAIN
