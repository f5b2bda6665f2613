// SPDX-License-Identifier: GPL-2.0
/*
 * Hypercall entry of the simulated hypervisor: dispatch on the low byte
 * of the id as the real one does, statistics, fault injection, and access
 * to Service VM "guest physical" memory.
 *
 * The Service VM runs on the simulator's own kernel, so a Service VM
 * physical address is a host physical address; it must be RAM, as it
 * must be mapped in the Service VM's EPT for the real hypervisor.
 */

#include <linux/io.h>
#include <linux/irqflags.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/timekeeping.h>

#include "hvsim.h"

typedef long (*hvsim_hc_fn)(unsigned long param1, unsigned long param2);

static const hvsim_hc_fn hvsim_hc_table[HVSIM_NR_HYPERCALLS] = {
	[ACRN_HC_INDEX(HC_CREATE_VM)]		= hvsim_hc_create_vm,
	[ACRN_HC_INDEX(HC_DESTROY_VM)]		= hvsim_hc_destroy_vm,
	[ACRN_HC_INDEX(HC_START_VM)]		= hvsim_hc_start_vm,
	[ACRN_HC_INDEX(HC_PAUSE_VM)]		= hvsim_hc_pause_vm,
	[ACRN_HC_INDEX(HC_RESET_VM)]		= hvsim_hc_reset_vm,
	[ACRN_HC_INDEX(HC_SET_VCPU_REGS)]	= hvsim_hc_set_vcpu_regs,
	[ACRN_HC_INDEX(HC_SET_IOREQ_BUFFER)]	= hvsim_hc_set_ioreq_buffer,
	[ACRN_HC_INDEX(HC_NOTIFY_REQUEST_FINISH)] = hvsim_hc_notify_request_finish,
	[ACRN_HC_INDEX(HC_VM_SET_MEMORY_REGIONS)] = hvsim_hc_set_memory_regions,
	[ACRN_HC_INDEX(HC_SOS_REMOVE_CPU)]	= hvsim_hc_sos_remove_cpu,
	[ACRN_HC_INDEX(HC_INJECT_MSI)]		= hvsim_hc_inject_msi,
	[ACRN_HC_INDEX(HC_VM_INTR_MONITOR)]	= hvsim_hc_vm_intr_monitor,
	[ACRN_HC_INDEX(HC_SET_IRQLINE)]		= hvsim_hc_set_irqline,
	[ACRN_HC_INDEX(HC_SET_PTDEV_INTR)]	= hvsim_hc_set_ptdev_intr,
	[ACRN_HC_INDEX(HC_RESET_PTDEV_INTR)]	= hvsim_hc_reset_ptdev_intr,
	[ACRN_HC_INDEX(HC_ASSIGN_PCIDEV)]	= hvsim_hc_assign_pcidev,
	[ACRN_HC_INDEX(HC_DEASSIGN_PCIDEV)]	= hvsim_hc_deassign_pcidev,
	[ACRN_HC_INDEX(HC_ASSIGN_MMIODEV)]	= hvsim_hc_assign_mmiodev,
	[ACRN_HC_INDEX(HC_DEASSIGN_MMIODEV)]	= hvsim_hc_deassign_mmiodev,
	[ACRN_HC_INDEX(HC_CREATE_VDEV)]		= hvsim_hc_create_vdev,
	[ACRN_HC_INDEX(HC_DESTROY_VDEV)]	= hvsim_hc_destroy_vdev,
	[ACRN_HC_INDEX(HC_PM_GET_CPU_STATE)]	= hvsim_hc_get_cpu_state,
};

static atomic64_t hvsim_hc_count[HVSIM_NR_HYPERCALLS];
/* Calls made with interrupts disabled, and the longest of them (ns) */
static atomic64_t hvsim_hc_irqs_off[HVSIM_NR_HYPERCALLS];
static atomic64_t hvsim_hc_irqs_off_max[HVSIM_NR_HYPERCALLS];

/*
 * hvsim_fault_lock protects hvsim_faults; hvsim_faults_armed counts the
 * armed entries so the common case takes no lock.
 */
static DEFINE_SPINLOCK(hvsim_fault_lock);
static struct hvsim_fault hvsim_faults[HVSIM_NR_HYPERCALLS];
static atomic_t hvsim_faults_armed;

/* Whether a fault fires for this call of hypercall @index; copies it to @out. */
static bool hvsim_fault_fires(unsigned int index, struct hvsim_fault *out)
{
	struct hvsim_fault *f = &hvsim_faults[index];
	unsigned long flags;
	bool fires = false;

	if (!atomic_read(&hvsim_faults_armed))
		return false;

	spin_lock_irqsave(&hvsim_fault_lock, flags);
	if (!f->count) {
		/* not armed */
	} else if (f->skip) {
		f->skip--;
	} else {
		*out = *f;
		fires = true;
		if (!--f->count)
			atomic_dec(&hvsim_faults_armed);
	}
	spin_unlock_irqrestore(&hvsim_fault_lock, flags);

	return fires;
}

/* Dispatch one call of hypercall @index, or fail it as a fault says. */
static long hvsim_hypercall_run(unsigned int index, unsigned long param1,
				unsigned long param2)
{
	struct hvsim_fault fault;
	hvsim_hc_fn fn = hvsim_hc_table[index];

	if (hvsim_fault_fires(index, &fault)) {
		if (fault.action == HVSIM_FAULT_RETURN)
			return fault.ret;
		if (fn == hvsim_hc_create_vm)
			return hvsim_vm_create(param1, &fault);
		if (fn == hvsim_hc_set_memory_regions)
			return hvsim_ept_set_regions(param1, &fault);
	}

	if (!fn)
		return -ENOTTY;
	return fn(param1, param2);
}
EXPORT_SYMBOL_IF_KUNIT(hvsim_hypercall);

/* Account a call made with interrupts off that took @ns. */
static void hvsim_irqs_off_account(unsigned int index, u64 ns)
{
	atomic64_t *max = &hvsim_hc_irqs_off_max[index];
	s64 old = atomic64_read(max);

	atomic64_inc(&hvsim_hc_irqs_off[index]);
	while (old < (s64)ns && !atomic64_try_cmpxchg(max, &old, ns))
		;
}

/**
 * hvsim_hypercall() - the simulated vmcall
 * @id:     Hypercall id.
 * @param1: First parameter.
 * @param2: Second parameter.
 *
 * A call made with interrupts disabled is counted and timed, as the real
 * hypervisor could from the caller's RFLAGS.IF (HVSIM_IOCTL_GET_IRQS_OFF).
 *
 * Context: Any context, but HC_VM_SET_MEMORY_REGIONS: process context,
 * as it may sleep (hvsim_ept_set_regions()).
 * Return: The hypervisor's answer; -ENOTTY for an unknown hypercall.
 */
long hvsim_hypercall(unsigned long id, unsigned long param1,
		     unsigned long param2)
{
	unsigned int index = ACRN_HC_INDEX(id);
	u64 t0;
	long ret;

	atomic64_inc(&hvsim_hc_count[index]);
	if (!irqs_disabled())
		return hvsim_hypercall_run(index, param1, param2);

	t0 = ktime_get_ns();
	ret = hvsim_hypercall_run(index, param1, param2);
	hvsim_irqs_off_account(index, ktime_get_ns() - t0);
	return ret;
}

/**
 * hvsim_irqs_off_get() - read the interrupts-off counters
 * @out: Filled in.
 *
 * Context: Any context.
 */
void hvsim_irqs_off_get(struct hvsim_irqs_off *out)
{
	int i;

	for (i = 0; i < HVSIM_NR_HYPERCALLS; i++) {
		out->calls[i] = atomic64_read(&hvsim_hc_irqs_off[i]);
		out->max_ns[i] = atomic64_read(&hvsim_hc_irqs_off_max[i]);
	}
}

/**
 * hvsim_fault_set() - arm or disarm a fault (HVSIM_IOCTL_SET_FAULT)
 * @fault: The fault; count 0 disarms.
 *
 * Context: Any context.
 * Return: 0, or -EINVAL for a bad hypercall index, action or reserved
 * field, or an action that does not apply to the hypercall.
 */
int hvsim_fault_set(const struct hvsim_fault *fault)
{
	struct hvsim_fault *f;
	unsigned long flags;

	if (fault->hypercall >= HVSIM_NR_HYPERCALLS || fault->reserved)
		return -EINVAL;
	switch (fault->action) {
	case HVSIM_FAULT_RETURN:
		break;
	case HVSIM_FAULT_VMID:
		/* Only the failure report: another vmid would hand out a VM. */
		if (fault->value != ACRN_INVALID_VMID)
			return -EINVAL;
		fallthrough;
	case HVSIM_FAULT_VCPU_NUM:
		if (fault->hypercall != ACRN_HC_INDEX(HC_CREATE_VM))
			return -EINVAL;
		break;
	case HVSIM_FAULT_PARTIAL:
		if (fault->hypercall != ACRN_HC_INDEX(HC_VM_SET_MEMORY_REGIONS))
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}

	f = &hvsim_faults[fault->hypercall];
	spin_lock_irqsave(&hvsim_fault_lock, flags);
	if (f->count)
		atomic_dec(&hvsim_faults_armed);
	*f = *fault;
	if (f->count)
		atomic_inc(&hvsim_faults_armed);
	spin_unlock_irqrestore(&hvsim_fault_lock, flags);

	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(hvsim_fault_set);

/**
 * hvsim_faults_clear() - disarm every fault (HVSIM_IOCTL_CLEAR_FAULTS)
 *
 * Context: Any context.
 */
void hvsim_faults_clear(void)
{
	unsigned long flags;

	spin_lock_irqsave(&hvsim_fault_lock, flags);
	memset(hvsim_faults, 0, sizeof(hvsim_faults));
	atomic_set(&hvsim_faults_armed, 0);
	spin_unlock_irqrestore(&hvsim_fault_lock, flags);
}

/**
 * hvsim_stats_get() - read the counters (HVSIM_IOCTL_GET_STATS)
 * @stats: Filled in.
 *
 * Context: Any context.
 */
void hvsim_stats_get(struct hvsim_stats *stats)
{
	int i;

	for (i = 0; i < HVSIM_NR_HYPERCALLS; i++)
		stats->hypercalls[i] = atomic64_read(&hvsim_hc_count[i]);
	stats->upcalls = atomic64_read(&hvsim_upcall.raised);
	hvsim_guest_stats_get(stats);
}
EXPORT_SYMBOL_IF_KUNIT(hvsim_stats_get);

/**
 * hvsim_gpa_to_hva() - map Service VM memory the hypervisor accesses
 * @gpa: Service VM physical address.
 * @len: Length of the access.
 *
 * Context: Any context.
 * Return: The kernel address, or NULL unless every page of the range is
 * RAM.
 */
void *hvsim_gpa_to_hva(u64 gpa, size_t len)
{
	unsigned long pfn;
	u64 last;

	if (!len || check_add_overflow(gpa, (u64)len - 1, &last))
		return NULL;
	for (pfn = PHYS_PFN(gpa); pfn <= PHYS_PFN(last); pfn++)
		if (!pfn_valid(pfn))
			return NULL;
	return phys_to_virt(gpa);
}

/**
 * hvsim_copy_from_gpa() - read Service VM memory
 * @dst: Destination.
 * @gpa: Service VM physical address.
 * @len: Length.
 *
 * Context: Any context.
 * Return: 0 or -EINVAL.
 */
int hvsim_copy_from_gpa(void *dst, u64 gpa, size_t len)
{
	void *src = hvsim_gpa_to_hva(gpa, len);

	if (!src)
		return -EINVAL;
	memcpy(dst, src, len);
	return 0;
}

/**
 * hvsim_copy_to_gpa() - write Service VM memory
 * @gpa: Service VM physical address.
 * @src: Source.
 * @len: Length.
 *
 * Context: Any context.
 * Return: 0 or -EINVAL.
 */
int hvsim_copy_to_gpa(u64 gpa, const void *src, size_t len)
{
	void *dst = hvsim_gpa_to_hva(gpa, len);

	if (!dst)
		return -EINVAL;
	memcpy(dst, src, len);
	return 0;
}
