/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hypercall ABI between the Service VM and the ACRN hypervisor, and the
 * one narrow interface through which the HSM reaches whichever hypervisor
 * backs it: the real one (vmcall) or the simulator (acrn_hvsim).
 *
 * A hypercall is an id and two parameters, returning a signed long, as
 * vmcall does (id in R8, parameters in RDI and RSI, result in RAX).
 * Parameters that point at data are Service VM physical addresses of
 * kernel memory; the hypervisor reads and writes the memory behind them.
 */
#ifndef __ACRN_HSM_HYPERCALL_H
#define __ACRN_HSM_HYPERCALL_H

#include <linux/types.h>

struct module;

/* Hypercall ids: 0x80 in the top byte, the hypervisor dispatches on the low byte. */
#define ACRN_HC_ID(index)		(0x80000000UL | (index))
#define ACRN_HC_INDEX(id)		((id) & 0xffUL)

#define HC_SOS_REMOVE_CPU		ACRN_HC_ID(0x01)
#define HC_CREATE_VM			ACRN_HC_ID(0x10)
#define HC_DESTROY_VM			ACRN_HC_ID(0x11)
#define HC_START_VM			ACRN_HC_ID(0x12)
#define HC_PAUSE_VM			ACRN_HC_ID(0x13)
#define HC_RESET_VM			ACRN_HC_ID(0x15)
#define HC_SET_VCPU_REGS		ACRN_HC_ID(0x16)
#define HC_INJECT_MSI			ACRN_HC_ID(0x23)
#define HC_VM_INTR_MONITOR		ACRN_HC_ID(0x24)
#define HC_SET_IRQLINE			ACRN_HC_ID(0x25)
#define HC_SET_IOREQ_BUFFER		ACRN_HC_ID(0x30)
#define HC_NOTIFY_REQUEST_FINISH	ACRN_HC_ID(0x31)
#define HC_VM_SET_MEMORY_REGIONS	ACRN_HC_ID(0x42)
#define HC_SET_PTDEV_INTR		ACRN_HC_ID(0x53)
#define HC_RESET_PTDEV_INTR		ACRN_HC_ID(0x54)
#define HC_ASSIGN_PCIDEV		ACRN_HC_ID(0x55)
#define HC_DEASSIGN_PCIDEV		ACRN_HC_ID(0x56)
#define HC_ASSIGN_MMIODEV		ACRN_HC_ID(0x57)
#define HC_DEASSIGN_MMIODEV		ACRN_HC_ID(0x58)
#define HC_CREATE_VDEV			ACRN_HC_ID(0x59)
#define HC_DESTROY_VDEV			ACRN_HC_ID(0x5A)
#define HC_PM_GET_CPU_STATE		ACRN_HC_ID(0x80)

/* The vmid the hypervisor reports when CREATE_VM could not create a VM. */
#define ACRN_INVALID_VMID		0xffffU

/* struct vm_memory_region_op::type */
#define ACRN_MR_ADD			0
#define ACRN_MR_DEL			2

/**
 * struct vm_memory_region_op - one change to a User VM's guest physical map
 * @type:	   ACRN_MR_ADD or ACRN_MR_DEL.
 * @attr:	   ADD: memory type and access rights (ACRN_MEM_TYPE_* |
 *		   ACRN_MEM_ACCESS_*); DEL: 0.
 * @user_vm_pa:	   Guest physical address of the range.
 * @service_vm_pa: ADD: Service VM physical address the range maps to.
 * @size:	   Length in bytes, a multiple of 4 KiB.
 */
struct vm_memory_region_op {
	u32	type;
	u32	attr;
	u64	user_vm_pa;
	u64	service_vm_pa;
	u64	size;
};

/**
 * struct vm_memory_region_batch - argument of HC_VM_SET_MEMORY_REGIONS
 * @vmid:	  VM id.
 * @reserved:	  0.
 * @regions_num:  Number of ops.
 * @reserved1:	  0.
 * @regions_gpa:  Service VM physical address of the ops (the hypervisor
 *		  reads them from there, so they must be physically
 *		  contiguous; the HSM points it at @regions_op).
 * @regions_op:	  The ops, applied in order. The hypervisor stops at the
 *		  first one that fails and does not undo those before it.
 */
struct vm_memory_region_batch {
	u16				vmid;
	u16				reserved[3];
	u32				regions_num;
	u32				reserved1;
	u64				regions_gpa;
	struct vm_memory_region_op	regions_op[];
};

/* struct acrn_intr_monitor::cmd */
#define ACRN_INTR_CMD_GET_DATA		0
#define ACRN_INTR_CMD_DELAY_INT		1

/* Entries of struct acrn_intr_monitor::buffer */
#define ACRN_INTR_MONITOR_MAX		48

/**
 * struct acrn_intr_monitor - the page of HC_VM_INTR_MONITOR
 * @cmd:     ACRN_INTR_CMD_*, written by the device model.
 * @buf_cnt: GET_DATA: in, the entries of @buffer the hypervisor may fill
 *	     (at most ACRN_INTR_MONITOR_MAX); out, the entries it filled:
 *	     pairs of a passthrough interrupt's virtual source and its
 *	     interrupt count.
 * @buffer:  GET_DATA: the pairs. DELAY_INT: @buffer[0] is the delay in
 *	     milliseconds.
 *
 * The device model fills in the page; the hypervisor reads and writes it
 * during the hypercall.
 */
struct acrn_intr_monitor {
	u32	cmd;
	u32	buf_cnt;
	u64	buffer[ACRN_INTR_MONITOR_MAX];
};

/* Operations of HC_SET_IRQLINE, in bits 63:32 of its value */
#define ACRN_IRQLINE_SET_HIGH		0
#define ACRN_IRQLINE_SET_LOW		1
#define ACRN_IRQLINE_RAISING_PULSE	2
#define ACRN_IRQLINE_FALLING_PULSE	3

/* Fields of the HC_PM_GET_CPU_STATE command (the low byte is the type) */
#define ACRN_PMCMD_VMID_SHIFT		24
#define ACRN_PMCMD_VCPU_SHIFT		16
#define ACRN_PMCMD_STATE_SHIFT		8

/* The hypervisor's generic refusal, returned by most hypercalls. */
#define ACRN_HV_REFUSED			(-1L)

/* What the hypervisor's upcall interrupt runs, in hard-IRQ context. */
typedef void (*acrn_upcall_fn)(void);

/**
 * struct acrn_hv_backend - a hypervisor the HSM can talk to
 * @name:	Shown in log messages.
 * @owner:	Module implementing the backend. Every open /dev/acrn_hsm
 *		and every VM holds a reference on it.
 * @hypercall:	Issue hypercall @id with two parameters and return the
 *		hypervisor's answer. May be called in any context.
 * @set_upcall:	Install the function the hypervisor's upcall interrupt
 *		runs. It is called in hard-IRQ context.
 * @clear_upcall: Remove it. On return no call of the old function is
 *		running and none will start.
 */
struct acrn_hv_backend {
	const char *name;
	struct module *owner;
	long (*hypercall)(unsigned long id, unsigned long param1,
			  unsigned long param2);
	void (*set_upcall)(acrn_upcall_fn handler);
	void (*clear_upcall)(void);
};

/* Name of the simulator module and of the backend it exports. */
#define ACRN_HVSIM_MODNAME		"acrn_hvsim"
#define ACRN_HVSIM_BACKEND_SYMBOL	"acrn_hvsim_backend"

long acrn_hv_call(unsigned long id, unsigned long param1, unsigned long param2);

/**
 * hcall_create_vm() - create a User VM
 * @vminfo: Service VM physical address of a &struct acrn_vm_creation. The
 *	    hypervisor writes the vmid and vcpu_num back into it.
 *
 * Return: the hypervisor's answer; see acrn_hv_errno().
 */
static inline long hcall_create_vm(u64 vminfo)
{
	return acrn_hv_call(HC_CREATE_VM, vminfo, 0);
}

/**
 * hcall_destroy_vm() - destroy a paused User VM
 * @vmid: VM id
 *
 * Return: the hypervisor's answer.
 */
static inline long hcall_destroy_vm(u16 vmid)
{
	return acrn_hv_call(HC_DESTROY_VM, vmid, 0);
}

/**
 * hcall_start_vm() - start a created User VM
 * @vmid: VM id
 *
 * Return: the hypervisor's answer.
 */
static inline long hcall_start_vm(u16 vmid)
{
	return acrn_hv_call(HC_START_VM, vmid, 0);
}

/**
 * hcall_pause_vm() - pause a User VM
 * @vmid: VM id
 *
 * Return: the hypervisor's answer.
 */
static inline long hcall_pause_vm(u16 vmid)
{
	return acrn_hv_call(HC_PAUSE_VM, vmid, 0);
}

/**
 * hcall_reset_vm() - reset a paused User VM to the created state
 * @vmid: VM id
 *
 * Return: the hypervisor's answer.
 */
static inline long hcall_reset_vm(u16 vmid)
{
	return acrn_hv_call(HC_RESET_VM, vmid, 0);
}

/**
 * hcall_set_vcpu_regs() - set the initial registers of a vCPU
 * @vmid: VM id
 * @regs: Service VM physical address of a &struct acrn_vcpu_regs
 *
 * Return: the hypervisor's answer.
 */
static inline long hcall_set_vcpu_regs(u16 vmid, u64 regs)
{
	return acrn_hv_call(HC_SET_VCPU_REGS, vmid, regs);
}

/**
 * hcall_set_ioreq_buffer() - register the shared I/O request page
 * @vmid:   VM id
 * @buffer: Service VM physical address of a u64 holding the physical
 *	    address of the page.
 *
 * Return: the hypervisor's answer.
 */
static inline long hcall_set_ioreq_buffer(u16 vmid, u64 buffer)
{
	return acrn_hv_call(HC_SET_IOREQ_BUFFER, vmid, buffer);
}

/**
 * hcall_notify_request_finish() - tell the hypervisor a request is complete
 * @vmid: VM id
 * @vcpu: vCPU whose I/O request slot was completed
 *
 * Context: Any context (the HSM completes requests in its upcall handler).
 * Return: the hypervisor's answer.
 */
static inline long hcall_notify_request_finish(u16 vmid, u16 vcpu)
{
	return acrn_hv_call(HC_NOTIFY_REQUEST_FINISH, vmid, vcpu);
}

/**
 * hcall_set_memory_regions() - change a User VM's guest physical map
 * @batch: Service VM physical address of a &struct vm_memory_region_batch.
 *
 * Return: the hypervisor's answer: 0, -1 (VM powered off, or a running
 * real-time VM), -EINVAL (an op failed; those before it were applied).
 */
static inline long hcall_set_memory_regions(u64 batch)
{
	return acrn_hv_call(HC_VM_SET_MEMORY_REGIONS, batch, 0);
}

/**
 * hcall_sos_remove_cpu() - give up a Service VM CPU
 * @lapicid: Local APIC id of the CPU, which Linux has taken offline.
 *
 * Return: the hypervisor's answer: 0 (also when no vCPU has that id), -1
 * for the bootstrap CPU.
 */
static inline long hcall_sos_remove_cpu(u64 lapicid)
{
	return acrn_hv_call(HC_SOS_REMOVE_CPU, lapicid, 0);
}

/**
 * hcall_inject_msi() - inject an MSI into a User VM
 * @vmid: VM id
 * @msi:  Service VM physical address of a &struct acrn_msi_entry
 *
 * Return: the hypervisor's answer.
 */
static inline long hcall_inject_msi(u16 vmid, u64 msi)
{
	return acrn_hv_call(HC_INJECT_MSI, vmid, msi);
}

/**
 * hcall_vm_intr_monitor() - run an interrupt monitor command
 * @vmid: VM id
 * @page: Service VM physical address of a page holding a
 *	  &struct acrn_intr_monitor
 *
 * Return: the hypervisor's answer.
 */
static inline long hcall_vm_intr_monitor(u16 vmid, u64 page)
{
	return acrn_hv_call(HC_VM_INTR_MONITOR, vmid, page);
}

/**
 * hcall_set_irqline() - drive a line of a User VM's virtual IOAPIC/PIC
 * @vmid: VM id
 * @ops:  The value itself, not an address: gsi in bits 31:0, operation
 *	  (ACRN_IRQLINE_*) in bits 63:32.
 *
 * Return: the hypervisor's answer.
 */
static inline long hcall_set_irqline(u16 vmid, u64 ops)
{
	return acrn_hv_call(HC_SET_IRQLINE, vmid, ops);
}

/**
 * hcall_set_ptdev_intr() - remap a passthrough device's interrupt
 * @vmid: VM id
 * @irq:  Service VM physical address of a &struct acrn_ptdev_irq
 *
 * Return: the hypervisor's answer.
 */
static inline long hcall_set_ptdev_intr(u16 vmid, u64 irq)
{
	return acrn_hv_call(HC_SET_PTDEV_INTR, vmid, irq);
}

/**
 * hcall_reset_ptdev_intr() - remove a passthrough interrupt remapping
 * @vmid: VM id
 * @irq:  Service VM physical address of a &struct acrn_ptdev_irq
 *
 * Return: the hypervisor's answer.
 */
static inline long hcall_reset_ptdev_intr(u16 vmid, u64 irq)
{
	return acrn_hv_call(HC_RESET_PTDEV_INTR, vmid, irq);
}

/**
 * hcall_assign_pcidev() - pass a PCI device through to a User VM
 * @vmid:   VM id
 * @pcidev: Service VM physical address of a &struct acrn_pcidev
 *
 * Return: the hypervisor's answer.
 */
static inline long hcall_assign_pcidev(u16 vmid, u64 pcidev)
{
	return acrn_hv_call(HC_ASSIGN_PCIDEV, vmid, pcidev);
}

/**
 * hcall_deassign_pcidev() - take a passthrough PCI device back
 * @vmid:   VM id
 * @pcidev: Service VM physical address of a &struct acrn_pcidev
 *
 * Return: the hypervisor's answer.
 */
static inline long hcall_deassign_pcidev(u16 vmid, u64 pcidev)
{
	return acrn_hv_call(HC_DEASSIGN_PCIDEV, vmid, pcidev);
}

/**
 * hcall_assign_mmiodev() - pass an MMIO device through to a User VM
 * @vmid:    VM id
 * @mmiodev: Service VM physical address of a &struct acrn_mmiodev
 *
 * Return: the hypervisor's answer.
 */
static inline long hcall_assign_mmiodev(u16 vmid, u64 mmiodev)
{
	return acrn_hv_call(HC_ASSIGN_MMIODEV, vmid, mmiodev);
}

/**
 * hcall_deassign_mmiodev() - take a passthrough MMIO device back
 * @vmid:    VM id
 * @mmiodev: Service VM physical address of a &struct acrn_mmiodev
 *
 * Return: the hypervisor's answer.
 */
static inline long hcall_deassign_mmiodev(u16 vmid, u64 mmiodev)
{
	return acrn_hv_call(HC_DEASSIGN_MMIODEV, vmid, mmiodev);
}

/**
 * hcall_create_vdev() - create a device the hypervisor emulates
 * @vmid: VM id
 * @vdev: Service VM physical address of a &struct acrn_vdev
 *
 * Return: the hypervisor's answer.
 */
static inline long hcall_create_vdev(u16 vmid, u64 vdev)
{
	return acrn_hv_call(HC_CREATE_VDEV, vmid, vdev);
}

/**
 * hcall_destroy_vdev() - destroy a device the hypervisor emulates
 * @vmid: VM id
 * @vdev: Service VM physical address of a &struct acrn_vdev
 *
 * Return: the hypervisor's answer.
 */
static inline long hcall_destroy_vdev(u16 vmid, u64 vdev)
{
	return acrn_hv_call(HC_DESTROY_VDEV, vmid, vdev);
}

/**
 * hcall_get_cpu_state() - query a power state
 * @cmd:    Command: vmid in bits 31:24, vCPU 23:16, state 15:8, type 7:0.
 * @result: Service VM physical address of the buffer the hypervisor
 *	    writes: 1 byte for the counts, a &struct acrn_pstate_data or a
 *	    &struct acrn_cstate_data for the data.
 *
 * Return: the hypervisor's answer.
 */
static inline long hcall_get_cpu_state(u64 cmd, u64 result)
{
	return acrn_hv_call(HC_PM_GET_CPU_STATE, cmd, result);
}

#endif /* __ACRN_HSM_HYPERCALL_H */
