/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Control interface of the ACRN hypervisor simulator (/dev/acrn_hvsim).
 *
 * acrn_hvsim.ko plays the hypervisor side of the ACRN ABI so that
 * acrn_hsm.ko and device models run without ACRN. This device lets tests
 * and tools look at the simulated hypervisor's state and make it fail.
 */
#ifndef _UAPI_ACRN_HVSIM_H
#define _UAPI_ACRN_HVSIM_H

#include <linux/types.h>
#include <linux/acrn.h>

#define HVSIM_API_VERSION	1

/* VM states, numbered as the hypervisor numbers them */
#define HVSIM_VM_POWERED_OFF		0
#define HVSIM_VM_CREATED		1
#define HVSIM_VM_RUNNING		2
#define HVSIM_VM_READY_TO_POWEROFF	3
#define HVSIM_VM_PAUSED			4

/**
 * struct hvsim_info - argument of HVSIM_IOCTL_GET_INFO
 * @api_version:	HVSIM_API_VERSION.
 * @max_vms:		VM slots, including slot 0 (the Service VM); User VMs
 *			get vmids 1 to @max_vms - 1.
 * @pcpus:		Number of simulated physical CPUs.
 * @max_vcpus:		Most vCPUs a VM can have.
 * @pcpu_mask:		cpu_affinity bits a VM may ask for; a VM created with
 *			cpu_affinity 0 gets one vCPU on each of the lowest
 *			(at most 16) CPUs of this mask.
 */
struct hvsim_info {
	__u32	api_version;
	__u32	max_vms;
	__u32	pcpus;
	__u32	max_vcpus;
	__u64	pcpu_mask;
};

/**
 * struct hvsim_vm_info - argument of HVSIM_IOCTL_GET_VM
 * @vmid:		In: VM slot, 1 to max_vms - 1.
 * @vcpu_num:		Number of vCPUs.
 * @state:		HVSIM_VM_*; HVSIM_VM_POWERED_OFF for a free slot.
 * @name:		Name given at creation (struct acrn_vm_creation::uuid).
 * @guest_flags:	Guest flags the hypervisor kept from vm_flag.
 * @cpu_affinity:	Physical CPUs of the vCPUs.
 * @ioreq_buf:		Physical address of the I/O request page, 0 if none.
 */
struct hvsim_vm_info {
	__u16	vmid;
	__u16	vcpu_num;
	__u32	state;
	__u8	name[16];
	__u64	guest_flags;
	__u64	cpu_affinity;
	__u64	ioreq_buf;
};

/* struct hvsim_vcpu_regs::flags */
#define HVSIM_REGS_SET		(1U << 0)

/**
 * struct hvsim_vcpu_regs - argument of HVSIM_IOCTL_GET_VCPU_REGS
 * @vmid:	In: VM slot.
 * @vcpu_id:	In: vCPU.
 * @flags:	HVSIM_REGS_SET if SET_VCPU_REGS set @regs since the VM was
 *		created or last reset; @regs is all zero otherwise.
 * @regs:	The registers exactly as the hypervisor received them.
 */
struct hvsim_vcpu_regs {
	__u16			vmid;
	__u16			vcpu_id;
	__u32			flags;
	struct acrn_regs	regs;
};

/* struct hvsim_fault::action */
#define HVSIM_FAULT_RETURN	0	/* return @ret, do nothing */
#define HVSIM_FAULT_VCPU_NUM	1	/* CREATE_VM: create, report @value vCPUs */
#define HVSIM_FAULT_VMID	2	/* CREATE_VM: create nothing, report vmid 0xffff */

/**
 * struct hvsim_fault - argument of HVSIM_IOCTL_SET_FAULT
 * @hypercall:	Hypercall index (low byte of the hypercall id).
 * @skip:	Number of calls to let through before the fault fires.
 * @count:	Number of calls the fault fires on; 0 removes the fault.
 * @ret:	Value returned by HVSIM_FAULT_RETURN (e.g. -1, -22, -25).
 * @action:	HVSIM_FAULT_*.
 * @reserved:	Must be 0.
 * @value:	Parameter of @action (for HVSIM_FAULT_VMID it must be 0xffff,
 *		the hypervisor's "no VM").
 *
 * Faults are global; one fault per hypercall index.
 */
struct hvsim_fault {
	__u32	hypercall;
	__u32	skip;
	__u32	count;
	__s32	ret;
	__u32	action;
	__u32	reserved;
	__u64	value;
};

#define HVSIM_NR_HYPERCALLS	256

/**
 * struct hvsim_stats - argument of HVSIM_IOCTL_GET_STATS
 * @hypercalls:	Calls per hypercall index since the simulator was loaded.
 * @upcalls:	Upcall interrupts raised.
 */
struct hvsim_stats {
	__u64	hypercalls[HVSIM_NR_HYPERCALLS];
	__u64	upcalls;
};

#define HVSIM_IOCTL_TYPE		0xA2

#define HVSIM_IOCTL_GET_INFO		\
	_IOR(HVSIM_IOCTL_TYPE, 0xE0, struct hvsim_info)
#define HVSIM_IOCTL_GET_VM		\
	_IOWR(HVSIM_IOCTL_TYPE, 0xE1, struct hvsim_vm_info)
#define HVSIM_IOCTL_GET_VCPU_REGS	\
	_IOWR(HVSIM_IOCTL_TYPE, 0xE2, struct hvsim_vcpu_regs)
#define HVSIM_IOCTL_SET_FAULT		\
	_IOW(HVSIM_IOCTL_TYPE, 0xE3, struct hvsim_fault)
#define HVSIM_IOCTL_CLEAR_FAULTS	\
	_IO(HVSIM_IOCTL_TYPE, 0xE4)
#define HVSIM_IOCTL_GET_STATS		\
	_IOR(HVSIM_IOCTL_TYPE, 0xE5, struct hvsim_stats)

#endif /* _UAPI_ACRN_HVSIM_H */
