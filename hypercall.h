/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The HSM's hypercall wrappers: one per hypercall of hv_abi.h, issued
 * through a backend reference the caller holds (a VM's &acrn_vm.hv, an
 * open file's, or one taken for the call), never through a global.
 */
#ifndef __ACRN_HSM_HYPERCALL_H
#define __ACRN_HSM_HYPERCALL_H

#include "hv_abi.h"

/**
 * hcall_create_vm() - create a User VM
 * @hv:     The backend the VM (or the caller) holds.
 * @vminfo: Service VM physical address of a &struct acrn_vm_creation. The
 *	    hypervisor writes the vmid and vcpu_num back into it.
 *
 * Return: the hypervisor's answer; see acrn_hv_errno().
 */
static inline long hcall_create_vm(const struct acrn_hv_backend *hv, u64 vminfo)
{
	return hv->hypercall(HC_CREATE_VM, vminfo, 0);
}

/**
 * hcall_destroy_vm() - destroy a paused User VM
 * @hv:     The backend the VM (or the caller) holds.
 * @vmid: VM id
 *
 * Return: the hypervisor's answer.
 */
static inline long hcall_destroy_vm(const struct acrn_hv_backend *hv, u16 vmid)
{
	return hv->hypercall(HC_DESTROY_VM, vmid, 0);
}

/**
 * hcall_start_vm() - start a created User VM
 * @hv:     The backend the VM (or the caller) holds.
 * @vmid: VM id
 *
 * Return: the hypervisor's answer.
 */
static inline long hcall_start_vm(const struct acrn_hv_backend *hv, u16 vmid)
{
	return hv->hypercall(HC_START_VM, vmid, 0);
}

/**
 * hcall_pause_vm() - pause a User VM
 * @hv:     The backend the VM (or the caller) holds.
 * @vmid: VM id
 *
 * Return: the hypervisor's answer.
 */
static inline long hcall_pause_vm(const struct acrn_hv_backend *hv, u16 vmid)
{
	return hv->hypercall(HC_PAUSE_VM, vmid, 0);
}

/**
 * hcall_reset_vm() - reset a paused User VM to the created state
 * @hv:     The backend the VM (or the caller) holds.
 * @vmid: VM id
 *
 * Return: the hypervisor's answer.
 */
static inline long hcall_reset_vm(const struct acrn_hv_backend *hv, u16 vmid)
{
	return hv->hypercall(HC_RESET_VM, vmid, 0);
}

/**
 * hcall_set_vcpu_regs() - set the initial registers of a vCPU
 * @hv:     The backend the VM (or the caller) holds.
 * @vmid: VM id
 * @regs: Service VM physical address of a &struct acrn_vcpu_regs
 *
 * Return: the hypervisor's answer.
 */
static inline long hcall_set_vcpu_regs(const struct acrn_hv_backend *hv, u16 vmid, u64 regs)
{
	return hv->hypercall(HC_SET_VCPU_REGS, vmid, regs);
}

/**
 * hcall_set_ioreq_buffer() - register the shared I/O request page
 * @hv:     The backend the VM (or the caller) holds.
 * @vmid:   VM id
 * @buffer: Service VM physical address of a u64 holding the physical
 *	    address of the page.
 *
 * Return: the hypervisor's answer.
 */
static inline long hcall_set_ioreq_buffer(const struct acrn_hv_backend *hv, u16 vmid, u64 buffer)
{
	return hv->hypercall(HC_SET_IOREQ_BUFFER, vmid, buffer);
}

/**
 * hcall_notify_request_finish() - tell the hypervisor a request is complete
 * @hv:     The backend the VM (or the caller) holds.
 * @vmid: VM id
 * @vcpu: vCPU whose I/O request slot was completed
 *
 * Context: Any context (the HSM completes requests in its upcall handler).
 * Return: the hypervisor's answer.
 */
static inline long hcall_notify_request_finish(const struct acrn_hv_backend *hv, u16 vmid, u16 vcpu)
{
	return hv->hypercall(HC_NOTIFY_REQUEST_FINISH, vmid, vcpu);
}

/**
 * hcall_set_memory_regions() - change a User VM's guest physical map
 * @hv:     The backend the VM (or the caller) holds.
 * @batch: Service VM physical address of a &struct vm_memory_region_batch.
 *
 * Return: the hypervisor's answer: 0, -1 (VM powered off, or a running
 * real-time VM), -EINVAL (an op failed; those before it were applied).
 */
static inline long hcall_set_memory_regions(const struct acrn_hv_backend *hv, u64 batch)
{
	return hv->hypercall(HC_VM_SET_MEMORY_REGIONS, batch, 0);
}

/**
 * hcall_sos_remove_cpu() - give up a Service VM CPU
 * @hv:     The backend the VM (or the caller) holds.
 * @lapicid: Local APIC id of the CPU, which Linux has taken offline.
 *
 * Return: the hypervisor's answer: 0 (also when no vCPU has that id), -1
 * for the bootstrap CPU.
 */
static inline long hcall_sos_remove_cpu(const struct acrn_hv_backend *hv, u64 lapicid)
{
	return hv->hypercall(HC_SOS_REMOVE_CPU, lapicid, 0);
}

/**
 * hcall_inject_msi() - inject an MSI into a User VM
 * @hv:     The backend the VM (or the caller) holds.
 * @vmid: VM id
 * @msi:  Service VM physical address of a &struct acrn_msi_entry
 *
 * Return: the hypervisor's answer.
 */
static inline long hcall_inject_msi(const struct acrn_hv_backend *hv, u16 vmid, u64 msi)
{
	return hv->hypercall(HC_INJECT_MSI, vmid, msi);
}

/**
 * hcall_vm_intr_monitor() - run an interrupt monitor command
 * @hv:     The backend the VM (or the caller) holds.
 * @vmid: VM id
 * @page: Service VM physical address of a page holding a
 *	  &struct acrn_intr_monitor
 *
 * Return: the hypervisor's answer.
 */
static inline long hcall_vm_intr_monitor(const struct acrn_hv_backend *hv, u16 vmid, u64 page)
{
	return hv->hypercall(HC_VM_INTR_MONITOR, vmid, page);
}

/**
 * hcall_set_irqline() - drive a line of a User VM's virtual IOAPIC/PIC
 * @hv:     The backend the VM (or the caller) holds.
 * @vmid: VM id
 * @ops:  The value itself, not an address: gsi in bits 31:0, operation
 *	  (ACRN_IRQLINE_*) in bits 63:32.
 *
 * Return: the hypervisor's answer.
 */
static inline long hcall_set_irqline(const struct acrn_hv_backend *hv, u16 vmid, u64 ops)
{
	return hv->hypercall(HC_SET_IRQLINE, vmid, ops);
}

/**
 * hcall_set_ptdev_intr() - remap a passthrough device's interrupt
 * @hv:     The backend the VM (or the caller) holds.
 * @vmid: VM id
 * @irq:  Service VM physical address of a &struct acrn_ptdev_irq
 *
 * Return: the hypervisor's answer.
 */
static inline long hcall_set_ptdev_intr(const struct acrn_hv_backend *hv, u16 vmid, u64 irq)
{
	return hv->hypercall(HC_SET_PTDEV_INTR, vmid, irq);
}

/**
 * hcall_reset_ptdev_intr() - remove a passthrough interrupt remapping
 * @hv:     The backend the VM (or the caller) holds.
 * @vmid: VM id
 * @irq:  Service VM physical address of a &struct acrn_ptdev_irq
 *
 * Return: the hypervisor's answer.
 */
static inline long hcall_reset_ptdev_intr(const struct acrn_hv_backend *hv, u16 vmid, u64 irq)
{
	return hv->hypercall(HC_RESET_PTDEV_INTR, vmid, irq);
}

/**
 * hcall_assign_pcidev() - pass a PCI device through to a User VM
 * @hv:     The backend the VM (or the caller) holds.
 * @vmid:   VM id
 * @pcidev: Service VM physical address of a &struct acrn_pcidev
 *
 * Return: the hypervisor's answer.
 */
static inline long hcall_assign_pcidev(const struct acrn_hv_backend *hv, u16 vmid, u64 pcidev)
{
	return hv->hypercall(HC_ASSIGN_PCIDEV, vmid, pcidev);
}

/**
 * hcall_deassign_pcidev() - take a passthrough PCI device back
 * @hv:     The backend the VM (or the caller) holds.
 * @vmid:   VM id
 * @pcidev: Service VM physical address of a &struct acrn_pcidev
 *
 * Return: the hypervisor's answer.
 */
static inline long hcall_deassign_pcidev(const struct acrn_hv_backend *hv, u16 vmid, u64 pcidev)
{
	return hv->hypercall(HC_DEASSIGN_PCIDEV, vmid, pcidev);
}

/**
 * hcall_assign_mmiodev() - pass an MMIO device through to a User VM
 * @hv:     The backend the VM (or the caller) holds.
 * @vmid:    VM id
 * @mmiodev: Service VM physical address of a &struct acrn_mmiodev
 *
 * Return: the hypervisor's answer.
 */
static inline long hcall_assign_mmiodev(const struct acrn_hv_backend *hv, u16 vmid, u64 mmiodev)
{
	return hv->hypercall(HC_ASSIGN_MMIODEV, vmid, mmiodev);
}

/**
 * hcall_deassign_mmiodev() - take a passthrough MMIO device back
 * @hv:     The backend the VM (or the caller) holds.
 * @vmid:    VM id
 * @mmiodev: Service VM physical address of a &struct acrn_mmiodev
 *
 * Return: the hypervisor's answer.
 */
static inline long hcall_deassign_mmiodev(const struct acrn_hv_backend *hv, u16 vmid, u64 mmiodev)
{
	return hv->hypercall(HC_DEASSIGN_MMIODEV, vmid, mmiodev);
}

/**
 * hcall_create_vdev() - create a device the hypervisor emulates
 * @hv:     The backend the VM (or the caller) holds.
 * @vmid: VM id
 * @vdev: Service VM physical address of a &struct acrn_vdev
 *
 * Return: the hypervisor's answer.
 */
static inline long hcall_create_vdev(const struct acrn_hv_backend *hv, u16 vmid, u64 vdev)
{
	return hv->hypercall(HC_CREATE_VDEV, vmid, vdev);
}

/**
 * hcall_destroy_vdev() - destroy a device the hypervisor emulates
 * @hv:     The backend the VM (or the caller) holds.
 * @vmid: VM id
 * @vdev: Service VM physical address of a &struct acrn_vdev
 *
 * Return: the hypervisor's answer.
 */
static inline long hcall_destroy_vdev(const struct acrn_hv_backend *hv, u16 vmid, u64 vdev)
{
	return hv->hypercall(HC_DESTROY_VDEV, vmid, vdev);
}

/**
 * hcall_get_cpu_state() - query a power state
 * @hv:     The backend the VM (or the caller) holds.
 * @cmd:    Command: vmid in bits 31:24, vCPU 23:16, state 15:8, type 7:0.
 * @result: Service VM physical address of the buffer the hypervisor
 *	    writes: 1 byte for the counts, a &struct acrn_pstate_data or a
 *	    &struct acrn_cstate_data for the data.
 *
 * Return: the hypervisor's answer.
 */
static inline long hcall_get_cpu_state(const struct acrn_hv_backend *hv, u64 cmd, u64 result)
{
	return hv->hypercall(HC_PM_GET_CPU_STATE, cmd, result);
}

#endif /* __ACRN_HSM_HYPERCALL_H */
