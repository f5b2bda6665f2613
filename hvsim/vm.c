// SPDX-License-Identifier: GPL-2.0
/*
 * The simulated hypervisor's VM table and its VM management hypercalls.
 *
 * Slot 0 is the Service VM, which cannot be a target; User VMs get slots
 * 1 to hvsim_max_vms - 1, and their relative vmid is the slot number.
 * Each hypercall does what the real hypervisor does (see
 * Documentation/simulator.rst, "Hypervisor behaviour the simulator
 * models"), with the same return values: 0, -1 for a refusal, -EINVAL
 * for unreadable guest memory, -ENOTTY for a target that is not a User
 * VM.
 */

#include <linux/bitops.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/stddef.h>
#include <linux/string.h>
#include <kunit/visibility.h>

#include "hvsim.h"

/* The VM table and its lock (see hvsim.h). */
spinlock_t hvsim_vms_lock = __SPIN_LOCK_UNLOCKED(hvsim_vms_lock);
EXPORT_SYMBOL_IF_KUNIT(hvsim_vms_lock);
struct hvsim_vm *hvsim_vms;
EXPORT_SYMBOL_IF_KUNIT(hvsim_vms);

/* CR0 bits a vCPU may set: PE MP EM TS ET NE WP AM NW CD PG */
#define HVSIM_CR0_VALID	(0x3fULL | BIT_ULL(16) | BIT_ULL(18) | \
			 BIT_ULL(29) | BIT_ULL(30) | BIT_ULL(31))
#define HVSIM_CR0_PE	BIT_ULL(0)
#define HVSIM_CR0_NW	BIT_ULL(29)
#define HVSIM_CR0_CD	BIT_ULL(30)
#define HVSIM_CR0_PG	BIT_ULL(31)
/* CR4 bits a vCPU may set: 0-14 and 16-24 (bit 15 and 25+ are reserved) */
#define HVSIM_CR4_VALID	(GENMASK_ULL(14, 0) | GENMASK_ULL(24, 16))

/**
 * hvsim_vm_transition() - the VM state machine
 * @state:     In: current HVSIM_VM_* state. Out: the state afterwards.
 * @hc:	       HC_START_VM, HC_PAUSE_VM, HC_RESET_VM or HC_DESTROY_VM.
 * @has_ioreq: Whether the VM's I/O request page is set.
 *
 * START needs CREATED and the I/O request page; PAUSE refuses only a
 * powered-off VM and is a no-op on a paused one; RESET and DESTROY need
 * PAUSED.
 *
 * Context: Any context.
 * Return: 0, or -1 (state unchanged) when the hypervisor refuses.
 */
VISIBLE_IF_KUNIT long hvsim_vm_transition(u32 *state, unsigned long hc,
					  bool has_ioreq)
{
	switch (hc) {
	case HC_START_VM:
		if (*state != HVSIM_VM_CREATED || !has_ioreq)
			return ACRN_HV_REFUSED;
		*state = HVSIM_VM_RUNNING;
		return 0;
	case HC_PAUSE_VM:
		if (*state == HVSIM_VM_POWERED_OFF)
			return ACRN_HV_REFUSED;
		*state = HVSIM_VM_PAUSED;
		return 0;
	case HC_RESET_VM:
		if (*state != HVSIM_VM_PAUSED)
			return ACRN_HV_REFUSED;
		*state = HVSIM_VM_CREATED;
		return 0;
	case HC_DESTROY_VM:
		if (*state != HVSIM_VM_PAUSED)
			return ACRN_HV_REFUSED;
		*state = HVSIM_VM_POWERED_OFF;
		return 0;
	default:
		return ACRN_HV_REFUSED;
	}
}
EXPORT_SYMBOL_IF_KUNIT(hvsim_vm_transition);

/* The lowest ACRN_IO_REQUEST_MAX CPUs of @pcpu_mask. */
static u64 hvsim_default_affinity(u64 pcpu_mask)
{
	u64 affinity = 0;
	int n;

	for (n = 0; n < ACRN_IO_REQUEST_MAX && pcpu_mask; n++) {
		affinity |= pcpu_mask & -pcpu_mask;
		pcpu_mask &= pcpu_mask - 1;
	}
	return affinity;
}

/**
 * hvsim_affinity_vcpus() - number of vCPUs for a cpu_affinity
 * @affinity:  cpu_affinity from CREATE_VM; 0 asks for the default, the
 *	       lowest 16 CPUs of @pcpu_mask.
 * @pcpu_mask: Physical CPUs a VM may use.
 *
 * One vCPU per physical CPU, and no more vCPUs than I/O request slots.
 *
 * Context: Any context.
 * Return: The number of vCPUs, or -1 if the hypervisor refuses.
 */
VISIBLE_IF_KUNIT long hvsim_affinity_vcpus(u64 affinity, u64 pcpu_mask)
{
	if (!affinity)
		affinity = hvsim_default_affinity(pcpu_mask);
	if (!affinity || (affinity & ~pcpu_mask) ||
	    hweight64(affinity) > ACRN_IO_REQUEST_MAX)
		return ACRN_HV_REFUSED;
	return hweight64(affinity);
}
EXPORT_SYMBOL_IF_KUNIT(hvsim_affinity_vcpus);

/**
 * hvsim_cr0_cr4_valid() - whether initial CR0/CR4 values are acceptable
 * @cr0: CR0 value.
 * @cr4: CR4 value.
 *
 * Context: Any context.
 * Return: false for reserved bits, paging without protection, or
 * not-write-through without cache disable.
 */
VISIBLE_IF_KUNIT bool hvsim_cr0_cr4_valid(u64 cr0, u64 cr4)
{
	if (cr0 & ~HVSIM_CR0_VALID)
		return false;
	if ((cr0 & HVSIM_CR0_PG) && !(cr0 & HVSIM_CR0_PE))
		return false;
	if ((cr0 & HVSIM_CR0_NW) && !(cr0 & HVSIM_CR0_CD))
		return false;
	return !(cr4 & ~HVSIM_CR4_VALID);
}
EXPORT_SYMBOL_IF_KUNIT(hvsim_cr0_cr4_valid);

/**
 * hvsim_on_target() - run a hypercall handler on its target VM
 * @hc:	    Hypercall id, passed to @op.
 * @param1: The hypercall's first parameter: the relative vmid in its low
 *	    16 bits.
 * @param2: The second parameter, passed to @op.
 * @op:	    The handler.
 *
 * As the hypervisor does: finds the User VM whose relative vmid is the
 * low 16 bits of @param1 and runs @op under the VM table's lock.
 *
 * Context: Any context; takes hvsim_vms_lock, so @op must not sleep.
 * Return: What @op returns, or -ENOTTY if the vmid is not a User VM slot.
 */
long hvsim_on_target(unsigned long hc, unsigned long param1,
		     unsigned long param2, hvsim_vm_op_t op)
{
	u16 vmid = param1 & 0xffff;
	unsigned long flags;
	long ret;

	if (!vmid || vmid >= hvsim_max_vms)
		return -ENOTTY;

	spin_lock_irqsave(&hvsim_vms_lock, flags);
	ret = op(&hvsim_vms[vmid], hc, param2);
	spin_unlock_irqrestore(&hvsim_vms_lock, flags);
	return ret;
}

/* Free the slot: everything but the guest side (see struct hvsim_vm). */
static void hvsim_vm_clear(struct hvsim_vm *vm)
{
	memset(vm, 0, offsetof(struct hvsim_vm, gen));
}

static void hvsim_vm_reset_vcpus(struct hvsim_vm *vm)
{
	memset(vm->vcpu, 0, sizeof(vm->vcpu));
}

static void hvsim_ioreq_free_all(struct hvsim_vm *vm)
{
	int i;

	if (!vm->ioreq)
		return;
	for (i = 0; i < ACRN_IO_REQUEST_MAX; i++)
		WRITE_ONCE(vm->ioreq->req_slot[i].processed,
			   ACRN_IOREQ_STATE_FREE);
}

/* Find the slot for a name, or a free one: -ENOTTY when there is none. */
static long hvsim_vm_slot(const u8 *name)
{
	long vmid, free = -ENOTTY;
	bool named = memchr_inv(name, 0, 16);

	lockdep_assert_held(&hvsim_vms_lock);
	for (vmid = 1; vmid < hvsim_max_vms; vmid++) {
		struct hvsim_vm *vm = &hvsim_vms[vmid];

		if (named && !memcmp(vm->name, name, sizeof(vm->name)))
			return vmid;
		if (free < 0 && vm->state == HVSIM_VM_POWERED_OFF &&
		    !memchr_inv(vm->name, 0, sizeof(vm->name)))
			free = vmid;
	}
	return free;
}

/**
 * hvsim_vm_create() - HC_CREATE_VM
 * @param_gpa: Physical address of a &struct acrn_vm_creation.
 * @quirk:     A fault that makes the reply wrong, or NULL.
 *
 * A VM is found by name (the 16 uuid bytes) or gets the first free slot;
 * the slot must be powered off. Nameless VMs always get a new slot.
 *
 * Context: Any context.
 * Return: 0 with vmid and vcpu_num written back (vmid ACRN_INVALID_VMID
 * if the VM could not be made), -EINVAL for unreadable memory, -ENOTTY
 * without a free slot, -1 if the slot is in use or the affinity is not
 * allowed.
 */
long hvsim_vm_create(u64 param_gpa, const struct hvsim_fault *quirk)
{
	struct acrn_vm_creation cv;
	struct hvsim_vm *vm;
	unsigned long flags;
	long vmid, vcpus;

	if (hvsim_copy_from_gpa(&cv, param_gpa, sizeof(cv)))
		return -EINVAL;

	if (quirk && quirk->action == HVSIM_FAULT_VMID) {
		cv.vmid = quirk->value;
		return hvsim_copy_to_gpa(param_gpa, &cv, sizeof(cv));
	}

	vcpus = hvsim_affinity_vcpus(cv.cpu_affinity, hvsim_pcpu_mask());

	spin_lock_irqsave(&hvsim_vms_lock, flags);
	vmid = hvsim_vm_slot(cv.uuid);
	if (vmid < 0)
		goto unlock;
	vm = &hvsim_vms[vmid];
	if (vm->state != HVSIM_VM_POWERED_OFF || vcpus < 0) {
		vmid = ACRN_HV_REFUSED;
		goto unlock;
	}

	memcpy(vm->name, cv.uuid, sizeof(vm->name));
	vm->state = HVSIM_VM_CREATED;
	vm->guest_flags = cv.vm_flag & HVSIM_GUEST_FLAGS_DM_OWNED;
	vm->cpu_affinity = cv.cpu_affinity ?:
			   hvsim_default_affinity(hvsim_pcpu_mask());
	vm->vcpu_num = vcpus;
	vm->ioreq_gpa = 0;
	vm->ioreq = NULL;
	hvsim_vm_reset_vcpus(vm);
	hvsim_events_reset(vm);
	hvsim_event(vm, "create vcpus=%u", vm->vcpu_num);
	hvsim_engine_vm_created(vm, vmid);

	cv.vmid = vmid;
	cv.vcpu_num = vcpus;
	if (quirk && quirk->action == HVSIM_FAULT_VCPU_NUM)
		cv.vcpu_num = quirk->value;
unlock:
	spin_unlock_irqrestore(&hvsim_vms_lock, flags);

	if (vmid < 0)
		return vmid;
	return hvsim_copy_to_gpa(param_gpa, &cv, sizeof(cv));
}

/**
 * hvsim_hc_create_vm() - HC_CREATE_VM handler
 * @param1: Physical address of a &struct acrn_vm_creation.
 * @param2: Unused.
 *
 * Context: Any context.
 * Return: See hvsim_vm_create().
 */
long hvsim_hc_create_vm(unsigned long param1, unsigned long param2)
{
	return hvsim_vm_create(param1, NULL);
}

/*
 * The life-cycle hypercalls, under hvsim_vms_lock. Tells the VM's
 * engine, if any: for PAUSE, RESET and DESTROY @wait is filled in and
 * true returned in @waits, and the caller waits for the engine with the
 * lock dropped.
 */
static long hvsim_vm_lifecycle(struct hvsim_vm *vm, unsigned long hc,
			       struct hvsim_engine_wait *wait, bool *waits)
{
	struct hvsim_engine_record start = { .type = HVSIM_REC_START };
	long ret;

	lockdep_assert_held(&hvsim_vms_lock);
	ret = hvsim_vm_transition(&vm->state, hc, !!vm->ioreq);
	if (ret)
		return ret;

	switch (hc) {
	case HC_START_VM:
		hvsim_event(vm, "start");
		hvsim_engine_record(vm, &start);
		break;
	case HC_PAUSE_VM:
		hvsim_event(vm, "pause");
		*waits = hvsim_engine_step(vm, HVSIM_REC_PAUSE, wait);
		break;
	case HC_RESET_VM:
		hvsim_vm_reset_vcpus(vm);
		hvsim_ioreq_free_all(vm);
		hvsim_guest_cancel(vm);
		hvsim_event(vm, "reset");
		*waits = hvsim_engine_step(vm, HVSIM_REC_RESET, wait);
		break;
	case HC_DESTROY_VM:
		hvsim_guest_cancel(vm);
		hvsim_ept_destroy(vm);
		hvsim_vm_clear(vm);
		hvsim_event(vm, "destroy");
		*waits = hvsim_engine_step(vm, HVSIM_REC_DESTROY, wait);
		break;
	}
	return 0;
}

/*
 * Run a life-cycle hypercall on its target, as hvsim_on_target() does,
 * then, if an engine serves the VM, wait with no lock held until it has
 * stopped the VM's vCPUs: PAUSE, RESET and DESTROY return only then, as
 * on ACRN, where they return once no vCPU of the VM runs.
 */
static long hvsim_vm_lifecycle_hc(unsigned long hc, unsigned long param1)
{
	struct hvsim_engine_wait wait;
	u16 vmid = param1 & 0xffff;
	bool waits = false;
	unsigned long flags;
	long ret;

	if (!vmid || vmid >= hvsim_max_vms)
		return -ENOTTY;

	spin_lock_irqsave(&hvsim_vms_lock, flags);
	ret = hvsim_vm_lifecycle(&hvsim_vms[vmid], hc, &wait, &waits);
	spin_unlock_irqrestore(&hvsim_vms_lock, flags);
	if (waits)
		hvsim_engine_wait(&wait);
	return ret;
}

/**
 * hvsim_hc_destroy_vm() - HC_DESTROY_VM handler
 * @param1: vmid.
 * @param2: Unused.
 *
 * Frees the slot, EPT included (hvsim_ept_destroy()).
 *
 * Context: Any context; process context if an engine serves the VM
 * (waits for it, at most engine_ack_ms).
 * Return: 0, -1 unless the VM is paused, -ENOTTY for a bad target.
 */
long hvsim_hc_destroy_vm(unsigned long param1, unsigned long param2)
{
	return hvsim_vm_lifecycle_hc(HC_DESTROY_VM, param1);
}

/**
 * hvsim_hc_start_vm() - HC_START_VM handler
 * @param1: vmid.
 * @param2: Unused.
 *
 * Context: Any context.
 * Return: 0, -1 unless the VM is created with its I/O request page set,
 * -ENOTTY for a bad target.
 */
long hvsim_hc_start_vm(unsigned long param1, unsigned long param2)
{
	return hvsim_vm_lifecycle_hc(HC_START_VM, param1);
}

/**
 * hvsim_hc_pause_vm() - HC_PAUSE_VM handler
 * @param1: vmid.
 * @param2: Unused.
 *
 * Context: Any context; process context if an engine serves the VM
 * (waits for it, at most engine_ack_ms).
 * Return: 0, -1 for a powered-off VM, -ENOTTY for a bad target.
 */
long hvsim_hc_pause_vm(unsigned long param1, unsigned long param2)
{
	return hvsim_vm_lifecycle_hc(HC_PAUSE_VM, param1);
}

/**
 * hvsim_hc_reset_vm() - HC_RESET_VM handler
 * @param1: vmid.
 * @param2: Unused.
 *
 * Resets the vCPUs and frees every I/O request slot. The EPT stays, as
 * ACRN keeps a post-launched VM's memory map across a reset.
 *
 * Context: Any context; process context if an engine serves the VM
 * (waits for it, at most engine_ack_ms).
 * Return: 0, -1 unless the VM is paused, -ENOTTY for a bad target.
 */
long hvsim_hc_reset_vm(unsigned long param1, unsigned long param2)
{
	return hvsim_vm_lifecycle_hc(HC_RESET_VM, param1);
}

static long hvsim_vm_set_vcpu_regs(struct hvsim_vm *vm, unsigned long hc,
				   unsigned long param2)
{
	struct acrn_vcpu_regs vr;

	lockdep_assert_held(&hvsim_vms_lock);
	if (vm->state == HVSIM_VM_POWERED_OFF || vm->state == HVSIM_VM_RUNNING ||
	    !param2)
		return ACRN_HV_REFUSED;
	if (hvsim_copy_from_gpa(&vr, param2, sizeof(vr)))
		return -EINVAL;
	if (vr.vcpu_id >= vm->vcpu_num ||
	    !hvsim_cr0_cr4_valid(le64_to_cpu(vr.vcpu_regs.cr0),
				 le64_to_cpu(vr.vcpu_regs.cr4)))
		return ACRN_HV_REFUSED;

	vm->vcpu[vr.vcpu_id].regs = vr.vcpu_regs;
	vm->vcpu[vr.vcpu_id].regs_set = true;
	return 0;
}

/**
 * hvsim_hc_set_vcpu_regs() - HC_SET_VCPU_REGS handler
 * @param1: vmid.
 * @param2: Physical address of a &struct acrn_vcpu_regs.
 *
 * Context: Any context.
 * Return: 0; -1 if the VM is powered off or running, @param2 is 0, the
 * vCPU does not exist or CR0/CR4 are invalid; -EINVAL for unreadable
 * memory; -ENOTTY for a bad target.
 */
long hvsim_hc_set_vcpu_regs(unsigned long param1, unsigned long param2)
{
	return hvsim_on_target(HC_SET_VCPU_REGS, param1, param2,
			       hvsim_vm_set_vcpu_regs);
}

static long hvsim_vm_set_ioreq_buffer(struct hvsim_vm *vm, unsigned long hc,
				      unsigned long param2)
{
	struct acrn_io_request_buffer *buf;
	u64 buf_gpa;

	lockdep_assert_held(&hvsim_vms_lock);
	if (vm->state != HVSIM_VM_CREATED)
		return ACRN_HV_REFUSED;
	if (hvsim_copy_from_gpa(&buf_gpa, param2, sizeof(buf_gpa)))
		return -EINVAL;
	buf = hvsim_gpa_to_hva(buf_gpa, sizeof(*buf));
	if (!buf || !PAGE_ALIGNED(buf_gpa))
		return ACRN_HV_REFUSED;

	vm->ioreq_gpa = buf_gpa;
	vm->ioreq = buf;
	hvsim_ioreq_free_all(vm);
	return 0;
}

/**
 * hvsim_hc_set_ioreq_buffer() - HC_SET_IOREQ_BUFFER handler
 * @param1: vmid.
 * @param2: Physical address of a u64 holding the page's physical address.
 *
 * Frees all 16 slots: a zeroed page would otherwise read as 16 pending
 * port I/O requests.
 *
 * Context: Any context.
 * Return: 0; -1 unless the VM is created, or if the page is not
 * page-aligned memory; -EINVAL for unreadable memory; -ENOTTY for a bad
 * target.
 */
long hvsim_hc_set_ioreq_buffer(unsigned long param1, unsigned long param2)
{
	return hvsim_on_target(HC_SET_IOREQ_BUFFER, param1, param2,
			       hvsim_vm_set_ioreq_buffer);
}

static long hvsim_vm_notify_request_finish(struct hvsim_vm *vm,
					   unsigned long hc,
					   unsigned long param2)
{
	lockdep_assert_held(&hvsim_vms_lock);
	if (vm->state == HVSIM_VM_POWERED_OFF || !vm->ioreq ||
	    param2 >= vm->vcpu_num)
		return ACRN_HV_REFUSED;
	hvsim_guest_notify(vm, param2);
	return 0;
}

/**
 * hvsim_hc_notify_request_finish() - HC_NOTIFY_REQUEST_FINISH handler
 * @param1: vmid.
 * @param2: vCPU whose request the Service VM completed.
 *
 * Signals the vCPU's I/O request event unless the VM polls for
 * completion. As on ACRN the slot's state is not checked: the waiting
 * access looks at it when it wakes up.
 *
 * Context: Any context.
 * Return: 0; -1 if the VM is powered off, has no I/O request page or no
 * such vCPU; -ENOTTY for a bad target.
 */
long hvsim_hc_notify_request_finish(unsigned long param1,
				    unsigned long param2)
{
	return hvsim_on_target(HC_NOTIFY_REQUEST_FINISH, param1, param2,
			       hvsim_vm_notify_request_finish);
}

/**
 * hvsim_vm_get_info() - describe a VM slot (HVSIM_IOCTL_GET_VM)
 * @info: In: vmid. Out: the slot.
 *
 * Context: Any context.
 * Return: 0, or -ENOENT for a vmid that is not a User VM slot.
 */
int hvsim_vm_get_info(struct hvsim_vm_info *info)
{
	struct hvsim_vm *vm;
	unsigned long flags;
	u16 vmid = info->vmid;

	if (!vmid || vmid >= hvsim_max_vms)
		return -ENOENT;

	memset(info, 0, sizeof(*info));
	info->vmid = vmid;
	spin_lock_irqsave(&hvsim_vms_lock, flags);
	vm = &hvsim_vms[vmid];
	info->vcpu_num = vm->vcpu_num;
	info->state = vm->state;
	memcpy(info->name, vm->name, sizeof(info->name));
	info->guest_flags = vm->guest_flags;
	info->cpu_affinity = vm->cpu_affinity;
	info->ioreq_buf = vm->ioreq_gpa;
	spin_unlock_irqrestore(&hvsim_vms_lock, flags);

	return 0;
}

/**
 * hvsim_vm_get_vcpu_regs() - registers a vCPU received (HVSIM_IOCTL_GET_VCPU_REGS)
 * @regs: In: vmid and vcpu_id. Out: the registers and flags.
 *
 * Context: Any context.
 * Return: 0, or -ENOENT for a VM or vCPU that does not exist.
 */
int hvsim_vm_get_vcpu_regs(struct hvsim_vcpu_regs *regs)
{
	u16 vmid = regs->vmid, vcpu_id = regs->vcpu_id;
	struct hvsim_vm *vm;
	unsigned long flags;
	int ret = -ENOENT;

	if (!vmid || vmid >= hvsim_max_vms)
		return -ENOENT;

	memset(regs, 0, sizeof(*regs));
	regs->vmid = vmid;
	regs->vcpu_id = vcpu_id;
	spin_lock_irqsave(&hvsim_vms_lock, flags);
	vm = &hvsim_vms[vmid];
	if (vm->state != HVSIM_VM_POWERED_OFF && vcpu_id < vm->vcpu_num) {
		if (vm->vcpu[vcpu_id].regs_set) {
			regs->flags = HVSIM_REGS_SET;
			regs->regs = vm->vcpu[vcpu_id].regs;
		}
		ret = 0;
	}
	spin_unlock_irqrestore(&hvsim_vms_lock, flags);

	return ret;
}

/**
 * hvsim_vms_init() - allocate the VM table and its event logs
 *
 * Context: Process context (module init, or a test suite's own table).
 * Return: 0 or -ENOMEM.
 */
int hvsim_vms_init(void)
{
	unsigned int vmid, vcpu;
	int ret;

	hvsim_vms = kcalloc(hvsim_max_vms, sizeof(*hvsim_vms), GFP_KERNEL);
	if (!hvsim_vms)
		return -ENOMEM;
	for (vmid = 0; vmid < hvsim_max_vms; vmid++) {
		for (vcpu = 0; vcpu < ACRN_IO_REQUEST_MAX; vcpu++)
			init_waitqueue_head(&hvsim_vms[vmid].guest[vcpu].wq);
		mutex_init(&hvsim_vms[vmid].ept_mutex);
	}

	ret = hvsim_events_init();
	if (ret) {
		for (vmid = 0; vmid < hvsim_max_vms; vmid++)
			mutex_destroy(&hvsim_vms[vmid].ept_mutex);
		kfree(hvsim_vms);
		hvsim_vms = NULL;
	}
	return ret;
}

/**
 * hvsim_vms_exit() - free the VM table
 *
 * Nothing can call a hypercall any more: every user of the backend holds
 * a reference on this module, and so does every guest access (through
 * the /dev/acrn_hvsim file that started it). Frees the VMs' EPTs and
 * the event logs.
 *
 * Context: Process context (module exit, or a test suite's own table);
 * sleeps.
 */
void hvsim_vms_exit(void)
{
	unsigned int vmid;

	hvsim_ept_exit();
	hvsim_events_exit();
	for (vmid = 0; vmid < hvsim_max_vms; vmid++)
		mutex_destroy(&hvsim_vms[vmid].ept_mutex);
	kfree(hvsim_vms);
	hvsim_vms = NULL;
}
