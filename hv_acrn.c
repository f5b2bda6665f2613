// SPDX-License-Identifier: GPL-2.0
/*
 * The real hypervisor backend: vmcall, and the upcall on vector 0xF3.
 *
 * Built only when the kernel is configured as an ACRN guest (it provides
 * acrn_setup_intr_handler() and the vector), and used only when the kernel
 * found ACRN at boot and ACRN says this is its privileged Service VM.
 * Anywhere else a vmcall would reach some other hypervisor, or none.
 */

#include <linux/rcupdate.h>
#include <asm/acrn.h>
#include <asm/hypervisor.h>

#include "acrn_drv.h"

/*
 * The ABI: id in R8, parameters in RDI and RSI, result in RAX. The
 * kernel's acrn_hypercall2() only assembles for a constant id, and this
 * backend gets the id at run time.
 */
static long acrn_vmcall(unsigned long id, unsigned long param1,
			unsigned long param2)
{
	long result;

	asm volatile("movq %1, %%r8\n\t"
		     "vmcall\n\t"
		     : "=a" (result)
		     : "r" (id), "D" (param1), "S" (param2)
		     : "r8", "memory");

	return result;
}

static void acrn_vmcall_set_upcall(acrn_upcall_fn handler)
{
	acrn_setup_intr_handler(handler);
}

static void acrn_vmcall_clear_upcall(void)
{
	acrn_remove_intr_handler();
	/*
	 * The vector's entry code calls the handler with interrupts off, an
	 * RCU read-side section: after this no call of it is in flight.
	 */
	synchronize_rcu();
}

static const struct acrn_hv_backend acrn_vmcall_backend = {
	.name		= "ACRN hypervisor",
	.owner		= THIS_MODULE,
	.hypercall	= acrn_vmcall,
	.set_upcall	= acrn_vmcall_set_upcall,
	.clear_upcall	= acrn_vmcall_clear_upcall,
};

/**
 * acrn_hv_vmcall_probe() - find the real hypervisor
 *
 * Context: Process context.
 * Return: The vmcall backend when this kernel is ACRN's privileged
 * Service VM, otherwise NULL.
 */
const struct acrn_hv_backend *acrn_hv_vmcall_probe(void)
{
	u32 base;

	if (x86_hyper_type != X86_HYPER_ACRN)
		return NULL;
	base = acrn_cpuid_base();
	if (!base)
		return NULL;
	/* The feature leaf follows the signature leaf. */
	if (!(cpuid_eax(base + 1) & ACRN_FEATURE_PRIVILEGED_VM))
		return NULL;

	return &acrn_vmcall_backend;
}
