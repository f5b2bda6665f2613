// SPDX-License-Identifier: GPL-2.0
/*
 * The simulated hypervisor's interrupt hypercalls: MSI injection, the
 * virtual IOAPIC/PIC lines and the interrupt monitor.
 *
 * Guests do not run, so no interrupt is delivered: each call is checked
 * as the hypervisor checks it and, when accepted, recorded in the VM's
 * event log. Every handler runs on its target through hvsim_on_target(),
 * under hvsim_vms_lock.
 */

#include <linux/compiler.h>
#include <linux/lockdep.h>
#include <linux/mm.h>

#include "hvsim.h"

/* MSI addresses: the local APIC window, bits 31:20 of the address */
#define HVSIM_MSI_ADDR_MASK	0xfff00000ULL
#define HVSIM_MSI_ADDR_BASE	0xfee00000ULL

/* Pins of a User VM's virtual IOAPIC */
#define HVSIM_VIOAPIC_PINS	48

static long hvsim_vm_inject_msi(struct hvsim_vm *vm, unsigned long hc,
				unsigned long param2)
{
	struct hvsim_engine_record rec = { .type = HVSIM_REC_MSI };
	struct acrn_msi_entry msi;

	lockdep_assert_held(&hvsim_vms_lock);
	if (vm->state == HVSIM_VM_POWERED_OFF)
		return ACRN_HV_REFUSED;
	if (hvsim_copy_from_gpa(&msi, param2, sizeof(msi)))
		return -EINVAL;
	if ((msi.msi_addr & HVSIM_MSI_ADDR_MASK) != HVSIM_MSI_ADDR_BASE ||
	    msi.msi_addr >> 32)
		return ACRN_HV_REFUSED;

	rec.u.msi.addr = msi.msi_addr;
	rec.u.msi.data = msi.msi_data;
	hvsim_event(vm, "msi addr=0x%llx data=0x%llx", msi.msi_addr,
		    msi.msi_data);
	hvsim_engine_record(vm, &rec);
	return 0;
}

/**
 * hvsim_hc_inject_msi() - HC_INJECT_MSI handler
 * @param1: vmid.
 * @param2: Physical address of a &struct acrn_msi_entry.
 *
 * Context: Any context.
 * Return: 0; -1 if the VM is powered off or the address is not in the
 * local APIC's window (0xfee00000-0xfeefffff); -EINVAL for unreadable
 * memory; -ENOTTY for a bad target.
 */
long hvsim_hc_inject_msi(unsigned long param1, unsigned long param2)
{
	return hvsim_on_target(HC_INJECT_MSI, param1, param2,
			       hvsim_vm_inject_msi);
}

static const char * const hvsim_irqline_ops[] = {
	[ACRN_IRQLINE_SET_HIGH]		= "set_high",
	[ACRN_IRQLINE_SET_LOW]		= "set_low",
	[ACRN_IRQLINE_RAISING_PULSE]	= "raising_pulse",
	[ACRN_IRQLINE_FALLING_PULSE]	= "falling_pulse",
};

static long hvsim_vm_set_irqline(struct hvsim_vm *vm, unsigned long hc,
				 unsigned long param2)
{
	u32 gsi = lower_32_bits(param2);
	u32 op = upper_32_bits(param2);
	struct hvsim_engine_record rec = {
		.type = HVSIM_REC_IRQLINE,
		.u.irqline = { .gsi = gsi, .op = op },
	};

	lockdep_assert_held(&hvsim_vms_lock);
	if (vm->state == HVSIM_VM_POWERED_OFF || gsi >= HVSIM_VIOAPIC_PINS)
		return ACRN_HV_REFUSED;
	if (op >= ARRAY_SIZE(hvsim_irqline_ops))
		return -EINVAL;

	hvsim_event(vm, "irqline gsi=%u op=%s", gsi, hvsim_irqline_ops[op]);
	hvsim_engine_record(vm, &rec);
	return 0;
}

/**
 * hvsim_hc_set_irqline() - HC_SET_IRQLINE handler
 * @param1: vmid.
 * @param2: The value: GSI in bits 31:0, ACRN_IRQLINE_* in bits 63:32.
 *
 * Context: Any context.
 * Return: 0; -1 if the VM is powered off or the GSI is 48 or more;
 * -EINVAL for an unknown operation; -ENOTTY for a bad target.
 */
long hvsim_hc_set_irqline(unsigned long param1, unsigned long param2)
{
	return hvsim_on_target(HC_SET_IRQLINE, param1, param2,
			       hvsim_vm_set_irqline);
}

static long hvsim_vm_intr_monitor(struct hvsim_vm *vm, unsigned long hc,
				  unsigned long param2)
{
	struct acrn_intr_monitor *mon;
	u32 cmd, buf_cnt;

	lockdep_assert_held(&hvsim_vms_lock);
	if (vm->state == HVSIM_VM_POWERED_OFF)
		return ACRN_HV_REFUSED;
	mon = PAGE_ALIGNED(param2) ? hvsim_gpa_to_hva(param2, PAGE_SIZE) : NULL;
	if (!mon)
		return -EINVAL;

	/* The device model's page: read each field once. */
	cmd = READ_ONCE(mon->cmd);
	buf_cnt = READ_ONCE(mon->buf_cnt);
	if (buf_cnt > ACRN_INTR_MONITOR_MAX)
		return -EINVAL;

	switch (cmd) {
	case ACRN_INTR_CMD_GET_DATA:
		buf_cnt = hvsim_ptdev_intr_data(vm, mon->buffer, buf_cnt);
		WRITE_ONCE(mon->buf_cnt, buf_cnt);
		hvsim_event(vm, "intr_monitor get_data buf_cnt=%u", buf_cnt);
		return 0;
	case ACRN_INTR_CMD_DELAY_INT:
		vm->intr_delay_ms = READ_ONCE(mon->buffer[0]);
		hvsim_event(vm, "intr_monitor delay_int ms=%llu",
			    vm->intr_delay_ms);
		return 0;
	default:
		return -EINVAL;
	}
}

/**
 * hvsim_hc_vm_intr_monitor() - HC_VM_INTR_MONITOR handler
 * @param1: vmid.
 * @param2: Physical address of the page holding a &struct
 *	    acrn_intr_monitor.
 *
 * GET_DATA fills the buffer with the VM's passthrough INTx sources
 * (hvsim_ptdev_intr_data()) and sets buf_cnt to the entries written;
 * DELAY_INT stores buffer[0], the injection delay in milliseconds.
 *
 * Context: Any context.
 * Return: 0; -1 if the VM is powered off; -EINVAL if the page is not
 * page-aligned RAM, buf_cnt is above 48 or the command is unknown;
 * -ENOTTY for a bad target.
 */
long hvsim_hc_vm_intr_monitor(unsigned long param1, unsigned long param2)
{
	return hvsim_on_target(HC_VM_INTR_MONITOR, param1, param2,
			       hvsim_vm_intr_monitor);
}
