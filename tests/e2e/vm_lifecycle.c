// SPDX-License-Identifier: GPL-2.0
/*
 * End-to-end tests of the VM life cycle through /dev/acrn_hsm: CREATE_VM,
 * START/PAUSE/RESET/DESTROY_VM and SET_VCPU_REGS on their success paths,
 * each step checked against the simulated hypervisor's view.
 */
#include "e2e.h"

/* CREATE_VM writes back vmid and vcpu_num only; the simulator has the VM. */
TEST_F(hsm, create)
{
	struct e2e *e = &self->e;
	struct acrn_io_request_buffer *buf = e->ioreq;
	struct acrn_vm_creation sent;
	struct hvsim_vm_info vm;
	__u64 pa;
	int i;

	e2e_cv_init(&e->cv, "create", e->ioreq, 0);
	/* Output fields: whatever comes in is overwritten. */
	e->cv.vmid = 0x5555;
	e->cv.vcpu_num = 0x7777;
	sent = e->cv;
	ASSERT_EQ(0, e2e_ioctl(e->hsm, ACRN_IOCTL_CREATE_VM, &e->cv));
	ASSERT_LE(1, e->cv.vmid);
	ASSERT_GT((int)e->info.max_vms, e->cv.vmid);
	EXPECT_EQ(E2E_PCPUS, e->cv.vcpu_num);
	sent.vmid = e->cv.vmid;
	sent.vcpu_num = e->cv.vcpu_num;
	EXPECT_EQ(0, memcmp(&sent, &e->cv, sizeof(sent)));

	ASSERT_EQ(0, hvsim_get_vm(e->hv, e->cv.vmid, &vm));
	EXPECT_EQ(HVSIM_VM_CREATED, (int)vm.state);
	EXPECT_EQ(0, memcmp(vm.name, e->cv.uuid, sizeof(vm.name)));
	EXPECT_EQ(e->cv.vcpu_num, vm.vcpu_num);
	EXPECT_EQ(E2E_PCPU_MASK, vm.cpu_affinity);
	EXPECT_NE(0ULL, vm.ioreq_buf);
	/* The hypervisor got the page the device model gave. */
	pa = e2e_phys(e->ioreq);
	if (pa)
		EXPECT_EQ(pa, vm.ioreq_buf);
	for (i = 0; i < ACRN_IO_REQUEST_MAX; i++)
		EXPECT_EQ(ACRN_IOREQ_STATE_FREE, (int)buf->req_slot[i].processed);
	EXPECT_EQ(e->baseline + 1, e2e_count(e->hv));

	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
	EXPECT_EQ(HVSIM_VM_POWERED_OFF, e2e_state(e->hv, e->cv.vmid));
	EXPECT_EQ(e->baseline, e2e_count(e->hv));
}

/* vm_flag reaches the hypervisor, which keeps the flags a device model owns. */
TEST_F(hsm, create_vm_flag)
{
	struct e2e *e = &self->e;
	struct hvsim_vm_info vm;

	e2e_cv_init(&e->cv, "flag", e->ioreq, 0);
	e->cv.vm_flag = 1ULL << 2;	/* IO_COMPLETION_POLLING */
	ASSERT_EQ(0, e2e_ioctl(e->hsm, ACRN_IOCTL_CREATE_VM, &e->cv));
	ASSERT_EQ(0, hvsim_get_vm(e->hv, e->cv.vmid, &vm));
	EXPECT_EQ(1ULL << 2, vm.guest_flags);
	EXPECT_EQ(1ULL << 2, e->cv.vm_flag);
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
}

/* Nameless VMs (all-zero uuid) are all distinct. */
TEST_F(hsm, create_nameless)
{
	struct e2e *e = &self->e;
	int i;

	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, e2e_open_fd(e, i));
		e2e_cv_init(&e->fcv[i], "", e->page[i], 0);
		memset(e->fcv[i].uuid, 0, sizeof(e->fcv[i].uuid));
		ASSERT_EQ(0, e2e_ioctl(e->fd[i], ACRN_IOCTL_CREATE_VM, &e->fcv[i]));
	}
	EXPECT_NE(e->fcv[0].vmid, e->fcv[1].vmid);
	EXPECT_EQ(e->baseline + 2, e2e_count(e->hv));
	EXPECT_EQ(HVSIM_VM_CREATED, e2e_state(e->hv, e->fcv[0].vmid));
	EXPECT_EQ(HVSIM_VM_CREATED, e2e_state(e->hv, e->fcv[1].vmid));
}

/* The VM states as the hypervisor defines them, driven through the HSM. */
TEST_F(hsm, state_machine)
{
	struct e2e *e = &self->e;
	unsigned int vmid;

	ASSERT_EQ(0, e2e_create(e, "states", 0));
	vmid = e->cv.vmid;
	ASSERT_EQ(HVSIM_VM_CREATED, e2e_state(e->hv, vmid));

	/* RESET needs a paused VM. */
	EXPECT_EQ(EBUSY, e2e_vm_ioctl(e, ACRN_IOCTL_RESET_VM));
	EXPECT_EQ(HVSIM_VM_CREATED, e2e_state(e->hv, vmid));

	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_START_VM));
	EXPECT_EQ(HVSIM_VM_RUNNING, e2e_state(e->hv, vmid));
	EXPECT_EQ(EBUSY, e2e_vm_ioctl(e, ACRN_IOCTL_START_VM));
	EXPECT_EQ(EBUSY, e2e_vm_ioctl(e, ACRN_IOCTL_RESET_VM));
	EXPECT_EQ(HVSIM_VM_RUNNING, e2e_state(e->hv, vmid));

	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_PAUSE_VM));
	EXPECT_EQ(HVSIM_VM_PAUSED, e2e_state(e->hv, vmid));
	/* Pausing a paused VM changes nothing. */
	EXPECT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_PAUSE_VM));
	EXPECT_EQ(HVSIM_VM_PAUSED, e2e_state(e->hv, vmid));
	/* A paused VM is reset before it starts again. */
	EXPECT_EQ(EBUSY, e2e_vm_ioctl(e, ACRN_IOCTL_START_VM));
	EXPECT_EQ(HVSIM_VM_PAUSED, e2e_state(e->hv, vmid));

	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_RESET_VM));
	EXPECT_EQ(HVSIM_VM_CREATED, e2e_state(e->hv, vmid));
	EXPECT_EQ(EBUSY, e2e_vm_ioctl(e, ACRN_IOCTL_RESET_VM));

	/* A VM that never ran can be paused. */
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_PAUSE_VM));
	EXPECT_EQ(HVSIM_VM_PAUSED, e2e_state(e->hv, vmid));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_RESET_VM));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_START_VM));
	EXPECT_EQ(HVSIM_VM_RUNNING, e2e_state(e->hv, vmid));

	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
	EXPECT_EQ(HVSIM_VM_POWERED_OFF, e2e_state(e->hv, vmid));
}

/* Boot, stop and reboot a VM several times, with fresh registers each time. */
TEST_F(hsm, cycle)
{
	struct e2e *e = &self->e;
	struct acrn_vcpu_regs regs;
	unsigned int vmid;
	int i;

	ASSERT_EQ(0, e2e_create(e, "cycle", 0x3));
	vmid = e->cv.vmid;
	for (i = 0; i < 5; i++) {
		e2e_regs_init(&regs, i % 2);
		regs.vcpu_regs.rip += i * 0x1000;
		ASSERT_EQ(0, e2e_ioctl(e->hsm, ACRN_IOCTL_SET_VCPU_REGS, &regs));
		EXPECT_EQ(0, e2e_regs_differ(e->hv, vmid, i % 2, &regs.vcpu_regs));
		ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_START_VM));
		ASSERT_EQ(HVSIM_VM_RUNNING, e2e_state(e->hv, vmid));
		ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_PAUSE_VM));
		ASSERT_EQ(HVSIM_VM_PAUSED, e2e_state(e->hv, vmid));
		ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_RESET_VM));
		ASSERT_EQ(HVSIM_VM_CREATED, e2e_state(e->hv, vmid));
		EXPECT_EQ(0, e2e_regs_differ(e->hv, vmid, i % 2, NULL));
	}
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
}

/* RESET makes the hypervisor forget vCPU registers and free every slot. */
TEST_F(hsm, reset)
{
	struct e2e *e = &self->e;
	struct acrn_io_request_buffer *buf = e->ioreq;
	struct acrn_vcpu_regs r0, r1;
	unsigned int vmid;
	int i;

	ASSERT_EQ(0, e2e_create(e, "reset", 0x3));
	vmid = e->cv.vmid;
	e2e_regs_init(&r0, 0);
	e2e_regs_init(&r1, 1);
	ASSERT_EQ(0, e2e_ioctl(e->hsm, ACRN_IOCTL_SET_VCPU_REGS, &r0));
	ASSERT_EQ(0, e2e_ioctl(e->hsm, ACRN_IOCTL_SET_VCPU_REGS, &r1));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_START_VM));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_PAUSE_VM));
	/* Running and pausing keep them. */
	EXPECT_EQ(0, e2e_regs_differ(e->hv, vmid, 0, &r0.vcpu_regs));
	EXPECT_EQ(0, e2e_regs_differ(e->hv, vmid, 1, &r1.vcpu_regs));

	/* Mess up the slots: the hypervisor frees them on reset. */
	buf->req_slot[0].processed = ACRN_IOREQ_STATE_PENDING;
	buf->req_slot[ACRN_IO_REQUEST_MAX - 1].processed = ACRN_IOREQ_STATE_COMPLETE;

	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_RESET_VM));
	EXPECT_EQ(HVSIM_VM_CREATED, e2e_state(e->hv, vmid));
	EXPECT_EQ(0, e2e_regs_differ(e->hv, vmid, 0, NULL));
	EXPECT_EQ(0, e2e_regs_differ(e->hv, vmid, 1, NULL));
	for (i = 0; i < ACRN_IO_REQUEST_MAX; i++)
		EXPECT_EQ(ACRN_IOREQ_STATE_FREE, (int)buf->req_slot[i].processed);

	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_START_VM));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
}

/* START, PAUSE and RESET take no argument: anything passed is ignored. */
TEST_F(hsm, args_ignored)
{
	struct e2e *e = &self->e;
	void *hole = e2e_hole();
	unsigned int vmid;
	__u16 id;

	ASSERT_EQ(0, e2e_create(e, "args", 0));
	vmid = e->cv.vmid;
	id = vmid;
	/* acrn-dm passes &vmid. */
	ASSERT_EQ(0, e2e_ioctl(e->hsm, ACRN_IOCTL_START_VM, &id));
	ASSERT_EQ(0, e2e_ioctl(e->hsm, ACRN_IOCTL_PAUSE_VM, &id));
	ASSERT_EQ(0, e2e_ioctl(e->hsm, ACRN_IOCTL_RESET_VM, &id));
	ASSERT_EQ(0, e2e_ioctl(e->hsm, ACRN_IOCTL_START_VM, (void *)1));
	ASSERT_EQ(0, e2e_ioctl(e->hsm, ACRN_IOCTL_PAUSE_VM, (void *)-1L));
	ASSERT_EQ(0, e2e_ioctl(e->hsm, ACRN_IOCTL_RESET_VM, hole));
	ASSERT_EQ(0, e2e_ioctl(e->hsm, ACRN_IOCTL_START_VM, (void *)0xffff888000000000UL));
	ASSERT_EQ(HVSIM_VM_RUNNING, e2e_state(e->hv, vmid));
	ASSERT_EQ(0, e2e_ioctl(e->hsm, ACRN_IOCTL_DESTROY_VM, (void *)-1L));
	EXPECT_EQ(HVSIM_VM_POWERED_OFF, e2e_state(e->hv, vmid));
}

/* SET_VCPU_REGS hands the registers to the hypervisor byte for byte. */
TEST_F(hsm, set_vcpu_regs)
{
	struct e2e *e = &self->e;
	struct acrn_vcpu_regs r0, r3;
	unsigned int vmid;
	__u64 hc;

	ASSERT_EQ(0, e2e_create(e, "regs", 0));
	vmid = e->cv.vmid;
	ASSERT_EQ(4, e->cv.vcpu_num);
	EXPECT_EQ(0, e2e_regs_differ(e->hv, vmid, 0, NULL));

	hc = e2e_hc(e->hv, HVSIM_HC_SET_VCPU_REGS);
	e2e_regs_init(&r0, 0);
	ASSERT_EQ(0, e2e_ioctl(e->hsm, ACRN_IOCTL_SET_VCPU_REGS, &r0));
	EXPECT_EQ(hc + 1, e2e_hc(e->hv, HVSIM_HC_SET_VCPU_REGS));
	EXPECT_EQ(0, e2e_regs_differ(e->hv, vmid, 0, &r0.vcpu_regs));

	/* The last vCPU, in long mode; the others keep what they had. */
	e2e_regs_init(&r3, 3);
	r3.vcpu_regs.cr0 = 0x80000031;		/* PG | PE | ET | NE */
	r3.vcpu_regs.cr3 = 0x9000;
	r3.vcpu_regs.cr4 = 0x20;		/* PAE */
	r3.vcpu_regs.ia32_efer = 0x500;		/* LME | LMA */
	r3.vcpu_regs.cs_ar = 0xa09b;
	ASSERT_EQ(0, e2e_ioctl(e->hsm, ACRN_IOCTL_SET_VCPU_REGS, &r3));
	EXPECT_EQ(0, e2e_regs_differ(e->hv, vmid, 3, &r3.vcpu_regs));
	EXPECT_EQ(0, e2e_regs_differ(e->hv, vmid, 0, &r0.vcpu_regs));
	EXPECT_EQ(0, e2e_regs_differ(e->hv, vmid, 1, NULL));
	EXPECT_EQ(0, e2e_regs_differ(e->hv, vmid, 2, NULL));

	/* Setting again replaces. */
	r0.vcpu_regs.rip = 0x100000;
	r0.vcpu_regs.gprs.rax = 0;
	ASSERT_EQ(0, e2e_ioctl(e->hsm, ACRN_IOCTL_SET_VCPU_REGS, &r0));
	EXPECT_EQ(0, e2e_regs_differ(e->hv, vmid, 0, &r0.vcpu_regs));

	/* Allowed again once the VM is paused. */
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_START_VM));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_PAUSE_VM));
	r0.vcpu_regs.rip = 0x200000;
	ASSERT_EQ(0, e2e_ioctl(e->hsm, ACRN_IOCTL_SET_VCPU_REGS, &r0));
	EXPECT_EQ(0, e2e_regs_differ(e->hv, vmid, 0, &r0.vcpu_regs));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
}

/* DESTROY_VM works in every state; afterwards the file has no VM. */
TEST_F(hsm, destroy_any_state)
{
	static const unsigned long to[][2] = {
		{ 0, 0 },				/* created */
		{ ACRN_IOCTL_START_VM, 0 },		/* running */
		{ ACRN_IOCTL_START_VM, ACRN_IOCTL_PAUSE_VM },	/* paused */
		{ ACRN_IOCTL_PAUSE_VM, 0 },		/* paused, never ran */
	};
	struct e2e *e = &self->e;
	struct acrn_vcpu_regs regs;
	unsigned int i, j;
	__u64 hc;

	e2e_regs_init(&regs, 0);
	for (i = 0; i < ARRAY_SIZE(to); i++) {
		ASSERT_EQ(0, e2e_create(e, "destroy", 0));
		for (j = 0; j < 2; j++)
			if (to[i][j])
				ASSERT_EQ(0, e2e_vm_ioctl(e, to[i][j]));
		hc = e2e_hc(e->hv, HVSIM_HC_DESTROY_VM);
		ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
		EXPECT_EQ(hc + 1, e2e_hc(e->hv, HVSIM_HC_DESTROY_VM));
		EXPECT_EQ(HVSIM_VM_POWERED_OFF, e2e_state(e->hv, e->cv.vmid));
		EXPECT_EQ(e->baseline, e2e_count(e->hv));

		EXPECT_EQ(EINVAL, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
		EXPECT_EQ(EINVAL, e2e_vm_ioctl(e, ACRN_IOCTL_START_VM));
		EXPECT_EQ(EINVAL, e2e_vm_ioctl(e, ACRN_IOCTL_PAUSE_VM));
		EXPECT_EQ(EINVAL, e2e_vm_ioctl(e, ACRN_IOCTL_RESET_VM));
		EXPECT_EQ(EINVAL, e2e_ioctl(e->hsm, ACRN_IOCTL_SET_VCPU_REGS, &regs));
	}
}

/* One file creates and destroys VMs over and over. */
TEST_F(hsm, create_destroy_repeat)
{
	struct e2e *e = &self->e;
	int i;

	for (i = 0; i < 20; i++) {
		/* Every other VM with a new name and a new page. */
		if (i % 2) {
			e2e_unmap(&e->ioreq, 1);
			e->ioreq = e2e_page();
			ASSERT_NE(NULL, e->ioreq);
		}
		ASSERT_EQ(0, e2e_create(e, i % 2 ? "odd" : "even", i % 4 ? 0 : 0x1));
		ASSERT_EQ(HVSIM_VM_CREATED, e2e_state(e->hv, e->cv.vmid));
		if (i % 3 == 0)
			ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_START_VM));
		ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
		ASSERT_EQ(HVSIM_VM_POWERED_OFF, e2e_state(e->hv, e->cv.vmid));
		ASSERT_EQ(EINVAL, e2e_vm_ioctl(e, ACRN_IOCTL_START_VM));
	}
	EXPECT_EQ(e->baseline, e2e_count(e->hv));
}

/* The I/O request page stays pinned while the VM exists, mapped or not. */
TEST_F(hsm, ioreq_unmapped_after_create)
{
	struct e2e *e = &self->e;
	struct hvsim_vm_info vm;

	ASSERT_EQ(0, e2e_create(e, "unmap", 0));
	e2e_unmap(&e->ioreq, 1);
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_START_VM));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_PAUSE_VM));
	/* The hypervisor writes the page on reset. */
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_RESET_VM));
	ASSERT_EQ(0, hvsim_get_vm(e->hv, e->cv.vmid, &vm));
	EXPECT_NE(0ULL, vm.ioreq_buf);
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
}

/* VMs of different files are independent. */
TEST_F(hsm, two_files)
{
	struct e2e *e = &self->e;

	ASSERT_EQ(0, e2e_open_fd(e, 0));
	ASSERT_EQ(0, e2e_open_fd(e, 1));
	ASSERT_EQ(0, e2e_create_fd(e, 0, "two"));
	ASSERT_EQ(0, e2e_create_fd(e, 1, "two"));
	ASSERT_NE(e->fcv[0].vmid, e->fcv[1].vmid);

	ASSERT_EQ(0, e2e_ioctl(e->fd[0], ACRN_IOCTL_START_VM, NULL));
	EXPECT_EQ(HVSIM_VM_RUNNING, e2e_state(e->hv, e->fcv[0].vmid));
	EXPECT_EQ(HVSIM_VM_CREATED, e2e_state(e->hv, e->fcv[1].vmid));
	ASSERT_EQ(0, e2e_ioctl(e->fd[1], ACRN_IOCTL_PAUSE_VM, NULL));
	EXPECT_EQ(HVSIM_VM_RUNNING, e2e_state(e->hv, e->fcv[0].vmid));
	EXPECT_EQ(HVSIM_VM_PAUSED, e2e_state(e->hv, e->fcv[1].vmid));

	ASSERT_EQ(0, e2e_ioctl(e->fd[0], ACRN_IOCTL_DESTROY_VM, NULL));
	EXPECT_EQ(HVSIM_VM_POWERED_OFF, e2e_state(e->hv, e->fcv[0].vmid));
	EXPECT_EQ(HVSIM_VM_PAUSED, e2e_state(e->hv, e->fcv[1].vmid));
	e2e_close(&e->fd[1]);
	EXPECT_EQ(HVSIM_VM_POWERED_OFF, e2e_state(e->hv, e->fcv[1].vmid));
	EXPECT_EQ(e->baseline, e2e_count(e->hv));
}

/* Closing the file destroys its VM before close() returns, in any state. */
TEST_F(hsm, close_destroys)
{
	static const unsigned long to[] = {
		0, ACRN_IOCTL_START_VM, ACRN_IOCTL_PAUSE_VM,
	};
	struct e2e *e = &self->e;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(to); i++) {
		if (e->hsm < 0) {
			e->hsm = e2e_open_hsm();
			ASSERT_LE(0, e->hsm);
		}
		ASSERT_EQ(0, e2e_create(e, "close", 0));
		if (to[i])
			ASSERT_EQ(0, e2e_vm_ioctl(e, to[i]));
		ASSERT_EQ(0, close(e->hsm));
		e->hsm = -1;
		EXPECT_EQ(HVSIM_VM_POWERED_OFF, e2e_state(e->hv, e->cv.vmid));
		EXPECT_EQ(e->baseline, e2e_count(e->hv));
	}
}

FIXTURE(affinity) {
	struct e2e e;
};

FIXTURE_VARIANT(affinity) {
	__u64 affinity;		/* CREATE_VM cpu_affinity */
	int vcpus;		/* vcpu_num expected */
	__u64 sim_affinity;	/* what the hypervisor reports */
};

FIXTURE_VARIANT_ADD(affinity, default) {
	.affinity = 0, .vcpus = 4, .sim_affinity = E2E_PCPU_MASK,
};

FIXTURE_VARIANT_ADD(affinity, pcpu0) {
	.affinity = 0x1, .vcpus = 1, .sim_affinity = 0x1,
};

FIXTURE_VARIANT_ADD(affinity, pcpu3) {
	.affinity = 0x8, .vcpus = 1, .sim_affinity = 0x8,
};

FIXTURE_VARIANT_ADD(affinity, pcpu0_2) {
	.affinity = 0x5, .vcpus = 2, .sim_affinity = 0x5,
};

FIXTURE_VARIANT_ADD(affinity, pcpu1_2_3) {
	.affinity = 0xe, .vcpus = 3, .sim_affinity = 0xe,
};

FIXTURE_VARIANT_ADD(affinity, all) {
	.affinity = 0xf, .vcpus = 4, .sim_affinity = 0xf,
};

FIXTURE_SETUP(affinity)
{
	e2e_setup(_metadata, &self->e);
	ASSERT_EQ(E2E_PCPU_MASK, self->e.info.pcpu_mask);
}

FIXTURE_TEARDOWN(affinity)
{
	e2e_teardown(_metadata, &self->e);
}

/* One vCPU per pCPU of the affinity; each of them takes registers. */
TEST_F(affinity, vcpus)
{
	struct e2e *e = &self->e;
	struct acrn_vcpu_regs regs;
	struct hvsim_vm_info vm;
	int i;

	ASSERT_EQ(0, e2e_create(e, "affinity", variant->affinity));
	EXPECT_EQ(variant->vcpus, e->cv.vcpu_num);
	EXPECT_EQ(variant->affinity, e->cv.cpu_affinity);
	ASSERT_EQ(0, hvsim_get_vm(e->hv, e->cv.vmid, &vm));
	EXPECT_EQ(variant->vcpus, vm.vcpu_num);
	EXPECT_EQ(variant->sim_affinity, vm.cpu_affinity);

	for (i = 0; i < e->cv.vcpu_num; i++) {
		e2e_regs_init(&regs, i);
		ASSERT_EQ(0, e2e_ioctl(e->hsm, ACRN_IOCTL_SET_VCPU_REGS, &regs));
	}
	for (i = 0; i < e->cv.vcpu_num; i++) {
		e2e_regs_init(&regs, i);
		EXPECT_EQ(0, e2e_regs_differ(e->hv, e->cv.vmid, i, &regs.vcpu_regs));
	}
	e2e_regs_init(&regs, e->cv.vcpu_num);
	EXPECT_EQ(EINVAL, e2e_ioctl(e->hsm, ACRN_IOCTL_SET_VCPU_REGS, &regs));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_START_VM));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
}

/* Run a shell command; its whole output in @out. Returns its exit status. */
static int run(const char *cmd, char *out, size_t len)
{
	FILE *p = popen(cmd, "r");
	size_t n;

	if (!p)
		return -1;
	n = fread(out, 1, len - 1, p);
	out[n] = '\0';
	return pclose(p);
}

static bool has_line(const char *out, const char *line)
{
	size_t len = strlen(line);
	const char *p;

	for (p = out; (p = strstr(p, line)); p += len)
		if ((p == out || p[-1] == '\n') && (p[len] == '\n' || !p[len]))
			return true;
	return false;
}

/*
 * hvsimctl shows what the simulated hypervisor holds: one line per VM,
 * "<vmid> <state> vcpus=<n> name=<name>", the registers a vCPU received,
 * and it injects faults.
 */
TEST_F(hsm, hvsimctl)
{
	struct e2e *e = &self->e;
	struct acrn_vcpu_regs regs;
	char out[4096], line[128], cmd[64];

	ASSERT_EQ(0, e2e_create(e, "ctl", 0x1));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_START_VM));
	ASSERT_EQ(0, e2e_open_fd(e, 0));
	ASSERT_EQ(0, e2e_create_fd(e, 0, "ctl"));
	e2e_regs_init(&regs, 0);
	ASSERT_EQ(0, e2e_ioctl(e->fd[0], ACRN_IOCTL_SET_VCPU_REGS, &regs));

	ASSERT_EQ(0, run("hvsimctl vms", out, sizeof(out)));
	snprintf(line, sizeof(line), "%u running vcpus=1 name=%s",
		 e->cv.vmid, (char *)e->cv.uuid);
	EXPECT_TRUE(has_line(out, line)) TH_LOG("no '%s' in:\n%s", line, out);
	snprintf(line, sizeof(line), "%u created vcpus=%d name=%s",
		 e->fcv[0].vmid, E2E_PCPUS, (char *)e->fcv[0].uuid);
	EXPECT_TRUE(has_line(out, line)) TH_LOG("no '%s' in:\n%s", line, out);

	snprintf(cmd, sizeof(cmd), "hvsimctl regs %u 0", e->fcv[0].vmid);
	ASSERT_EQ(0, run(cmd, out, sizeof(out)));
	snprintf(line, sizeof(line), "vm %u vcpu 0: registers set", e->fcv[0].vmid);
	EXPECT_TRUE(has_line(out, line)) TH_LOG("%s", out);
	snprintf(line, sizeof(line), "rip=0x%llx ", (unsigned long long)regs.vcpu_regs.rip);
	EXPECT_NE(NULL, strstr(out, line)) TH_LOG("%s", out);
	snprintf(cmd, sizeof(cmd), "hvsimctl regs %u 1", e->fcv[0].vmid);
	ASSERT_EQ(0, run(cmd, out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "registers not set")) TH_LOG("%s", out);

	/* A fault armed from the command line. */
	ASSERT_EQ(0, run("hvsimctl fault pause_vm -1", out, sizeof(out)));
	EXPECT_EQ(EBUSY, e2e_vm_ioctl(e, ACRN_IOCTL_PAUSE_VM));
	EXPECT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_PAUSE_VM));
	EXPECT_NE(0, run("hvsimctl fault no_such_call -1 2>&1", out, sizeof(out)));

	/* Gone from the list once destroyed. */
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
	ASSERT_EQ(0, run("hvsimctl vms", out, sizeof(out)));
	EXPECT_EQ(NULL, strstr(out, (char *)e->cv.uuid)) TH_LOG("%s", out);
}

TEST_HARNESS_MAIN
