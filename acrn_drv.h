/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal interfaces of the ACRN Hypervisor Service Module.
 */
#ifndef __ACRN_HSM_DRV_H
#define __ACRN_HSM_DRV_H

#include <linux/acrn.h>
#include <linux/kconfig.h>
#include <linux/list.h>
#include <linux/types.h>

#include "hypercall.h"

struct page;

/**
 * struct acrn_vm - a User VM as the HSM sees it
 * @hv:		Backend the VM lives in; the VM holds a reference on it.
 * @vmid:	Id the hypervisor gave the VM, ACRN_INVALID_VMID until then.
 * @vcpu_num:	Number of vCPUs, 1 to ACRN_IO_REQUEST_MAX.
 * @ioreq_page:	Pinned user page holding the shared I/O request buffer.
 * @ioreq_buf:	Kernel view of @ioreq_page.
 * @orphan_node: Entry in the list of VMs the hypervisor refused to destroy
 *		when their file was closed (vm.c, under acrn_vm_orphans_lock).
 *
 * A VM belongs to the file descriptor that created it. The file's lock
 * (see hsm.c) serialises changes to the VM's life cycle; everything above
 * is fixed between acrn_vm_create() and the VM's destruction.
 */
struct acrn_vm {
	const struct acrn_hv_backend	*hv;
	u16				vmid;
	u16				vcpu_num;
	struct page			*ioreq_page;
	struct acrn_io_request_buffer	*ioreq_buf;
	struct list_head		orphan_node;
};

/* hv.c: the hypervisor backend */
int acrn_hv_init(void);
void acrn_hv_exit(void);
const struct acrn_hv_backend *acrn_hv_get(void);
void acrn_hv_put(const struct acrn_hv_backend *hv);
int acrn_hv_errno(long ret, int refused);

#if IS_ENABLED(CONFIG_ACRN_GUEST)
const struct acrn_hv_backend *acrn_hv_vmcall_probe(void);
#else
static inline const struct acrn_hv_backend *acrn_hv_vmcall_probe(void)
{
	return NULL;
}
#endif

/* vm.c: VM life cycle */
struct acrn_vm *acrn_vm_create(struct acrn_vm_creation *param);
int acrn_vm_destroy(struct acrn_vm *vm);
void acrn_vm_release(struct acrn_vm *vm);
int acrn_vm_start(struct acrn_vm *vm);
int acrn_vm_pause(struct acrn_vm *vm);
int acrn_vm_reset(struct acrn_vm *vm);
int acrn_vm_set_vcpu_regs(struct acrn_vm *vm,
			  const struct acrn_vcpu_regs *regs);
void acrn_vm_exit(void);

/* ioreq.c: I/O requests */
int acrn_ioreq_buffer_pin(struct acrn_vm *vm, u64 uaddr);
int acrn_ioreq_buffer_register(struct acrn_vm *vm);
void acrn_ioreq_buffer_unpin(struct acrn_vm *vm);

#if IS_ENABLED(CONFIG_KUNIT)
int acrn_vm_creation_check(const struct acrn_vm_creation *param);
int acrn_vcpu_regs_check(const struct acrn_vcpu_regs *regs, u16 vcpu_num);
#endif

#endif /* __ACRN_HSM_DRV_H */
