/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal interfaces of acrn_hvsim, the simulated ACRN hypervisor.
 */
#ifndef __ACRN_HVSIM_H
#define __ACRN_HVSIM_H

#include <linux/acrn.h>
#include <linux/acrn_hvsim.h>
#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/irq_work.h>
#include <linux/kconfig.h>
#include <linux/smp.h>
#include <linux/types.h>

#include "../hypercall.h"

/* Limits of the module parameters */
#define HVSIM_MAX_VMS_LIMIT	64
#define HVSIM_PCPUS_LIMIT	64

/* Guest flags the hypervisor takes from the device model's vm_flag */
#define HVSIM_GUEST_FLAG_SECURE_WORLD	BIT_ULL(0)
#define HVSIM_GUEST_FLAG_LAPIC_PT	BIT_ULL(1)
#define HVSIM_GUEST_FLAG_IO_POLLING	BIT_ULL(2)
#define HVSIM_GUEST_FLAG_RT		BIT_ULL(4)
#define HVSIM_GUEST_FLAGS_DM_OWNED	(HVSIM_GUEST_FLAG_SECURE_WORLD | \
					 HVSIM_GUEST_FLAG_LAPIC_PT | \
					 HVSIM_GUEST_FLAG_IO_POLLING | \
					 HVSIM_GUEST_FLAG_RT)

extern const struct acrn_hv_backend acrn_hvsim_backend;
extern unsigned int hvsim_max_vms;
extern unsigned int hvsim_pcpus;

u64 hvsim_pcpu_mask(void);

/**
 * struct hvsim_upcall - the upcall interrupt into the Service VM
 * @handler: Function the interrupt runs, NULL for none.
 * @csd:     Gets CPU 0 (the Service VM's BSP, which the real hypervisor
 *	     always targets) to queue @work.
 * @work:    Runs @handler on CPU 0 in hard-IRQ context.
 * @kicks:   Kicks sent to CPU 0 that have not finished queueing @work.
 * @raised:  Number of upcalls raised.
 */
struct hvsim_upcall {
	acrn_upcall_fn		handler;
	call_single_data_t	csd;
	struct irq_work		work;
	atomic_t		kicks;
	atomic64_t		raised;
};

#define HVSIM_UPCALL_INIT(name) {					\
	.csd = CSD_INIT(hvsim_upcall_kick, &(name)),			\
	.work = IRQ_WORK_INIT_HARD(hvsim_upcall_run),			\
}

extern struct hvsim_upcall hvsim_upcall;

void hvsim_upcall_kick(void *info);
void hvsim_upcall_run(struct irq_work *work);
void hvsim_upcall_set(struct hvsim_upcall *u, acrn_upcall_fn handler);
void hvsim_upcall_clear(struct hvsim_upcall *u);
void hvsim_upcall_raise(struct hvsim_upcall *u);

/* hypercall.c: dispatch, fault injection, statistics, guest memory */
long hvsim_hypercall(unsigned long id, unsigned long param1,
		     unsigned long param2);
void *hvsim_gpa_to_hva(u64 gpa, size_t len);
int hvsim_copy_from_gpa(void *dst, u64 gpa, size_t len);
int hvsim_copy_to_gpa(u64 gpa, const void *src, size_t len);
int hvsim_fault_set(const struct hvsim_fault *fault);
void hvsim_faults_clear(void);
void hvsim_stats_get(struct hvsim_stats *stats);

/* vm.c: the VM table and the VM management hypercalls */
int hvsim_vms_init(void);
void hvsim_vms_exit(void);
long hvsim_vm_create(u64 param_gpa, const struct hvsim_fault *quirk);
long hvsim_hc_create_vm(unsigned long param1, unsigned long param2);
long hvsim_hc_destroy_vm(unsigned long param1, unsigned long param2);
long hvsim_hc_start_vm(unsigned long param1, unsigned long param2);
long hvsim_hc_pause_vm(unsigned long param1, unsigned long param2);
long hvsim_hc_reset_vm(unsigned long param1, unsigned long param2);
long hvsim_hc_set_vcpu_regs(unsigned long param1, unsigned long param2);
long hvsim_hc_set_ioreq_buffer(unsigned long param1, unsigned long param2);
int hvsim_vm_get_info(struct hvsim_vm_info *info);
int hvsim_vm_get_vcpu_regs(struct hvsim_vcpu_regs *regs);

#if IS_ENABLED(CONFIG_KUNIT)
long hvsim_vm_transition(u32 *state, unsigned long hc, bool has_ioreq);
long hvsim_affinity_vcpus(u64 affinity, u64 pcpu_mask);
bool hvsim_cr0_cr4_valid(u64 cr0, u64 cr4);
#endif

#endif /* __ACRN_HVSIM_H */
