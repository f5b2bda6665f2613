/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hypercall ABI between the Service VM and the ACRN hypervisor, and the
 * one narrow interface through which the HSM reaches whichever hypervisor
 * backs it: the real one (vmcall) or the simulator (acrn_hvsim). Shared by
 * acrn_hsm.ko and hvsim/; the HSM's wrappers are in hypercall.h.
 *
 * A hypercall is an id and two parameters, returning a signed long, as
 * vmcall does (id in R8, parameters in RDI and RSI, result in RAX).
 * Parameters that point at data are Service VM physical addresses of
 * kernel memory; the hypervisor reads and writes the memory behind them.
 */
#ifndef __ACRN_HV_ABI_H
#define __ACRN_HV_ABI_H

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

#endif /* __ACRN_HV_ABI_H */
