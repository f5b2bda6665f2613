// SPDX-License-Identifier: GPL-2.0
/*
 * Power state queries: the P-states and C-states the hypervisor lets a
 * User VM see, which the device model turns into ACPI tables.
 *
 * The command names a VM and a vCPU; the kernel confines it to the
 * caller's own VM. The hypervisor writes only part of some answers, so
 * the buffer it writes into starts zeroed and exactly the bytes each
 * sub-command defines go back to userspace.
 */

#include <linux/io.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <kunit/visibility.h>

#include "acrn_drv.h"

#define ACRN_PMCMD_RESERVED	GENMASK_ULL(63, 32)

/**
 * acrn_pm_cmd_len() - validate a PM_GET_CPU_STATE command
 * @cmd:      The command: vmid in bits 31:24, vCPU in 23:16, state index
 *	      in 15:8, type (ACRN_PMCMD_*) in 7:0.
 * @vmid:     The caller's VM.
 * @vcpu_num: Its number of vCPUs.
 *
 * Context: Any context.
 * Return: Bytes of the answer (8 for the counts, which the hypervisor
 * writes as one byte; sizeof(struct acrn_pstate_data) or
 * sizeof(struct acrn_cstate_data) for the data), or -EINVAL for reserved
 * bits, an unknown type, another VM or a vCPU the VM does not have.
 */
VISIBLE_IF_KUNIT int acrn_pm_cmd_len(u64 cmd, u16 vmid, u16 vcpu_num)
{
	if (cmd & ACRN_PMCMD_RESERVED)
		return -EINVAL;
	if (((cmd >> ACRN_PMCMD_VMID_SHIFT) & 0xff) != vmid ||
	    ((cmd >> ACRN_PMCMD_VCPU_SHIFT) & 0xff) >= vcpu_num)
		return -EINVAL;

	switch (cmd & PMCMD_TYPE_MASK) {
	case ACRN_PMCMD_GET_PX_CNT:
	case ACRN_PMCMD_GET_CX_CNT:
		return sizeof(u64);
	case ACRN_PMCMD_GET_PX_DATA:
		return sizeof(struct acrn_pstate_data);
	case ACRN_PMCMD_GET_CX_DATA:
		return sizeof(struct acrn_cstate_data);
	default:
		return -EINVAL;
	}
}
EXPORT_SYMBOL_IF_KUNIT(acrn_pm_cmd_len);

/**
 * acrn_vm_get_cpu_state() - query a power state of one of a VM's vCPUs
 * @vm:	 The VM.
 * @cmd: The command (see acrn_pm_cmd_len()).
 * @res: Out: the answer; only the returned number of bytes is defined.
 *
 * Context: Process context.
 * Return: The number of bytes of @res the caller hands back, or -EINVAL
 * for a bad command or one the hypervisor refused (no such state, or a
 * running VM), -ENOMEM, another errno from acrn_hv_errno().
 */
int acrn_vm_get_cpu_state(struct acrn_vm *vm, u64 cmd,
			  union acrn_pm_result *res)
{
	union acrn_pm_result *buf;
	int len, ret;

	len = acrn_pm_cmd_len(cmd, vm->vmid, vm->vcpu_num);
	if (len < 0)
		return len;

	/*
	 * Zeroed: the hypervisor writes one byte of a count's eight, and
	 * the rest must not be stale kernel memory (upstream's 6.14 fix
	 * "drivers: virt: acrn: hsm: Use kzalloc to avoid info leak in
	 * pmcmd_ioctl").
	 */
	buf = kzalloc(sizeof(*buf), GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	ret = acrn_hv_errno(hcall_get_cpu_state(vm->hv, cmd, virt_to_phys(buf)),
			    -EINVAL);
	if (!ret)
		memcpy(res, buf, len);
	kfree(buf);

	return ret ?: len;
}
