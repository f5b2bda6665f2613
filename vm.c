// SPDX-License-Identifier: GPL-2.0
/*
 * VM life cycle: create, start, pause, reset, destroy, initial registers.
 *
 * The hypervisor owns a VM's state; this file keeps the kernel resources
 * that go with it (the backend reference, the pinned I/O request page) and
 * releases them only once the hypervisor has agreed to destroy the VM.
 * When it refuses while the VM's file is being closed, the VM is parked
 * and destruction is retried in the background until the hypervisor
 * agrees (an RT VM, for instance, may only be destroyed after its guest
 * has powered off).
 */

#include <linux/io.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/workqueue.h>
#include <kunit/visibility.h>

#include "acrn_drv.h"

#define ACRN_VM_REAP_INTERVAL	HZ

/* acrn_vm_orphans_lock protects acrn_vm_orphans and acrn_vm::orphan_node. */
static DEFINE_MUTEX(acrn_vm_orphans_lock);
static LIST_HEAD(acrn_vm_orphans);
static void acrn_vm_reap(struct work_struct *work);
static DECLARE_DELAYED_WORK(acrn_vm_reaper, acrn_vm_reap);

/**
 * acrn_vm_creation_check() - validate an ACRN_IOCTL_CREATE_VM argument
 * @param: The argument as copied from userspace.
 *
 * Context: Any context.
 * Return: 0, or -EINVAL for non-zero reserved fields or an I/O request
 * buffer that is not page aligned.
 */
VISIBLE_IF_KUNIT int acrn_vm_creation_check(const struct acrn_vm_creation *param)
{
	if (param->reserved0 || param->reserved1)
		return -EINVAL;
	if (!PAGE_ALIGNED(param->ioreq_buf))
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(acrn_vm_creation_check);

/**
 * acrn_vcpu_regs_check() - validate an ACRN_IOCTL_SET_VCPU_REGS argument
 * @regs:     The argument as copied from userspace.
 * @vcpu_num: Number of vCPUs of the VM.
 *
 * Context: Any context.
 * Return: 0, or -EINVAL for a vCPU the VM does not have or a non-zero
 * reserved field.
 */
VISIBLE_IF_KUNIT int acrn_vcpu_regs_check(const struct acrn_vcpu_regs *regs,
					  u16 vcpu_num)
{
	const struct acrn_regs *r = &regs->vcpu_regs;

	if (regs->vcpu_id >= vcpu_num)
		return -EINVAL;
	if (memchr_inv(regs->reserved, 0, sizeof(regs->reserved)) ||
	    memchr_inv(r->reserved_32, 0, sizeof(r->reserved_32)) ||
	    memchr_inv(r->reserved_64, 0, sizeof(r->reserved_64)) ||
	    memchr_inv(r->gdt.reserved, 0, sizeof(r->gdt.reserved)) ||
	    memchr_inv(r->idt.reserved, 0, sizeof(r->idt.reserved)))
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(acrn_vcpu_regs_check);

/*
 * Ask the hypervisor for the VM. It writes the vmid and vcpu_num back into
 * @param (and may adjust other fields), so the kernel copy goes back to
 * userspace as the hypervisor left it.
 */
static int acrn_vm_hv_create(struct acrn_vm *vm, struct acrn_vm_creation *param)
{
	struct acrn_vm_creation *hc_param;
	long hv_ret;
	int ret;

	hc_param = kmemdup(param, sizeof(*param), GFP_KERNEL);
	if (!hc_param)
		return -ENOMEM;

	hv_ret = hcall_create_vm(vm->hv, virt_to_phys(hc_param));
	if (hv_ret == -ENOTTY)		/* no free VM slot */
		ret = -ENOSPC;
	else
		ret = acrn_hv_errno(hv_ret, -EINVAL);
	if (!ret && hc_param->vmid == ACRN_INVALID_VMID)
		ret = -EIO;
	if (!ret) {
		*param = *hc_param;
		vm->vmid = param->vmid;
		vm->vcpu_num = param->vcpu_num;
	}

	kfree(hc_param);
	return ret;
}

/**
 * acrn_vm_ioreq_page_pin() - pin the device model's I/O request page
 * @vm:    The VM.
 * @uaddr: User address of the buffer, page aligned (acrn_vm_creation_check()).
 *
 * Context: Process context, in the device model's address space.
 * Return: 0, -ENOMEM, or -EFAULT if @uaddr is not a writable mapping
 * (whatever pin_user_pages_fast() said: its errors for a bad range differ
 * between kernels, 6.12 answers -EOVERFLOW for a range that wraps).
 */
static int acrn_vm_ioreq_page_pin(struct acrn_vm *vm, u64 uaddr)
{
	struct page *page;
	int ret;

	ret = pin_user_pages_fast(uaddr, 1, FOLL_WRITE | FOLL_LONGTERM, &page);
	if (ret != 1)
		return ret == -ENOMEM ? ret : -EFAULT;

	vm->ioreq.page = page;
	vm->ioreq.buf = page_address(page);
	return 0;
}

/**
 * acrn_vm_ioreq_page_register() - give the I/O request page to the hypervisor
 * @vm: The VM, created in the hypervisor, with its page pinned.
 *
 * The hypervisor resets every slot to FREE.
 *
 * Context: Process context.
 * Return: 0, -ENOMEM, or an errno from acrn_hv_errno() (-EINVAL when the
 * hypervisor refused).
 */
static int acrn_vm_ioreq_page_register(struct acrn_vm *vm)
{
	u64 *page_pa;
	int ret;

	/* The hypercall takes the address of a u64 that holds the page's address. */
	page_pa = kmalloc(sizeof(*page_pa), GFP_KERNEL);
	if (!page_pa)
		return -ENOMEM;
	*page_pa = page_to_phys(vm->ioreq.page);

	ret = acrn_hv_errno(hcall_set_ioreq_buffer(vm->hv, vm->vmid, virt_to_phys(page_pa)),
			    -EINVAL);
	kfree(page_pa);

	return ret;
}

/**
 * acrn_vm_ioreq_page_unpin() - release the I/O request page
 * @vm: The VM; the hypervisor no longer uses the page.
 *
 * Context: Process context.
 */
static void acrn_vm_ioreq_page_unpin(struct acrn_vm *vm)
{
	if (!vm->ioreq.page)
		return;
	unpin_user_page(vm->ioreq.page);
	vm->ioreq.page = NULL;
	vm->ioreq.buf = NULL;
}

/*
 * Stop dispatching the VM's requests and drop its clients and eventfds.
 * The eventfds go first: ioeventfd's in-kernel client and the irqfds'
 * injections end before the clients do.
 */
static void acrn_vm_teardown(struct acrn_vm *vm)
{
	/* On return no upcall looks at the VM. */
	acrn_ioreq_vm_remove(vm);
	acrn_ioeventfd_vm_deinit(vm);
	acrn_irqfd_vm_deinit(vm);
	acrn_vm_notify_teardown(vm);
	/* ATTACH returns -ENODEV; held requests are dropped. */
	acrn_ioreq_vm_deinit(vm);
}

/* Release everything of a VM the hypervisor destroyed. */
static void acrn_vm_free(struct acrn_vm *vm)
{
	acrn_vm_teardown(vm);
	/* Guest memory and pages the hypervisor no longer maps. */
	acrn_mm_vm_free(vm);
	acrn_intr_vm_free(vm);
	acrn_vm_ioreq_page_unpin(vm);
	acrn_hv_put(vm->hv);
	kfree(vm);
}

/**
 * acrn_vm_create() - create a VM in the hypervisor
 * @param: The ACRN_IOCTL_CREATE_VM argument. On success it holds what the
 *	   hypervisor wrote back, including vmid and vcpu_num.
 *
 * Pins the I/O request page before asking the hypervisor, so bad user
 * input never reaches it, and registers the page once the VM exists.
 *
 * Context: Process context.
 * Return: The VM, or an ERR_PTR(): -EINVAL for a bad argument or a
 * configuration the hypervisor refused, -EFAULT for an unusable I/O
 * request page, -ENOSPC when the hypervisor has no free VM slot, -ENODEV
 * without a hypervisor, -EIO when the hypervisor misbehaved, -ENOMEM.
 */
struct acrn_vm *acrn_vm_create(struct acrn_vm_creation *param)
{
	struct acrn_vm *vm;
	int ret;

	ret = acrn_vm_creation_check(param);
	if (ret)
		return ERR_PTR(ret);

	vm = kzalloc(sizeof(*vm), GFP_KERNEL);
	if (!vm)
		return ERR_PTR(-ENOMEM);
	vm->vmid = ACRN_INVALID_VMID;
	INIT_LIST_HEAD(&vm->orphan_node);
	acrn_ioreq_vm_init(vm);
	acrn_mm_vm_init(vm);
	acrn_intr_vm_init(vm);
	acrn_ioeventfd_vm_init(vm);
	acrn_irqfd_vm_init(vm);

	vm->hv = acrn_hv_get();
	if (IS_ERR(vm->hv)) {
		ret = PTR_ERR(vm->hv);
		goto free_vm;
	}

	ret = acrn_vm_ioreq_page_pin(vm, param->ioreq_buf);
	if (ret)
		goto put_hv;

	ret = acrn_vm_hv_create(vm, param);
	if (ret)
		goto unpin_ioreq;

	/* A vCPU count without a slot would index past the shared page. */
	if (!vm->vcpu_num || vm->vcpu_num > ACRN_IO_REQUEST_MAX) {
		pr_err("VM %u: hypervisor reported %u vCPUs\n",
		       vm->vmid, vm->vcpu_num);
		ret = -EIO;
		goto destroy_vm;
	}

	ret = acrn_vm_ioreq_page_register(vm);
	if (ret)
		goto destroy_vm;

	acrn_ioreq_vm_add(vm);
	return vm;

destroy_vm:
	acrn_vm_release(vm);
	return ERR_PTR(ret);
unpin_ioreq:
	acrn_vm_ioreq_page_unpin(vm);
put_hv:
	acrn_hv_put(vm->hv);
free_vm:
	kfree(vm);
	return ERR_PTR(ret);
}

/**
 * acrn_vm_destroy() - destroy a VM and free it
 * @vm: The VM.
 *
 * Pauses the VM (the hypervisor only destroys paused VMs), then asks the
 * hypervisor to destroy it. Kernel resources are released only after the
 * hypervisor agreed; on refusal the VM is left as it was, apart from
 * being paused. Once destroyed, the VM's requests are no longer
 * dispatched, its clients are destroyed (ATTACH returns -ENODEV), and its
 * guest memory and I/O request page are unpinned.
 *
 * Context: Process context; the caller owns @vm exclusively.
 * Return: 0 (@vm is freed), -EBUSY if the hypervisor refused, or another
 * errno from acrn_hv_errno().
 */
int acrn_vm_destroy(struct acrn_vm *vm)
{
	int ret;

	/* Already paused or never started is fine; destroy decides. */
	hcall_pause_vm(vm->hv, vm->vmid);

	/*
	 * Once the hypervisor agrees, the vmid may name a new VM at once, so
	 * no completion or injection may reach it from the moment the
	 * hypercall starts. Destroying a VM (its EPT, its vCPUs) takes as
	 * long as the hypervisor needs, so the hypercall is not made under
	 * the request path's spinlock: that path is quiesced instead, and
	 * irqfd injections (made by a worker) wait for the answer.
	 */
	acrn_ioreq_quiesce(vm);
	acrn_intr_quiesce(vm);
	ret = acrn_hv_errno(hcall_destroy_vm(vm->hv, vm->vmid), -EBUSY);
	if (ret) {
		/* Refused: what was held meanwhile goes out now. */
		acrn_intr_resume(vm);
		acrn_ioreq_resume(vm);
		return ret;
	}

	/*
	 * Destroyed: injections stop for good, and the request path stays
	 * quiesced until the VM is freed.
	 */
	acrn_intr_destroyed(vm);
	acrn_vm_free(vm);
	return 0;
}

/**
 * acrn_vm_release() - destroy a VM whose owner is going away
 * @vm: The VM.
 *
 * Like acrn_vm_destroy(), but cannot fail: if the hypervisor does not
 * agree, whatever it answers, the VM keeps its resources (the hypervisor
 * may still use them) and destruction is retried in the background. Only
 * a clean success frees memory the hypervisor was given.
 *
 * Context: Process context; the caller gives up @vm.
 */
void acrn_vm_release(struct acrn_vm *vm)
{
	if (!acrn_vm_destroy(vm))
		return;

	pr_info("VM %u: the hypervisor refused to destroy it; retrying\n",
		vm->vmid);
	mutex_lock(&acrn_vm_orphans_lock);
	list_add_tail(&vm->orphan_node, &acrn_vm_orphans);
	mutex_unlock(&acrn_vm_orphans_lock);
	schedule_delayed_work(&acrn_vm_reaper, ACRN_VM_REAP_INTERVAL);
}

/* Try to destroy every orphan; returns whether some remain. */
static bool acrn_vm_reap_orphans(void)
{
	struct acrn_vm *vm, *next;
	bool remain;

	mutex_lock(&acrn_vm_orphans_lock);
	list_for_each_entry_safe(vm, next, &acrn_vm_orphans, orphan_node) {
		u16 vmid = vm->vmid;

		list_del(&vm->orphan_node);
		if (acrn_vm_destroy(vm))
			list_add(&vm->orphan_node, &acrn_vm_orphans);
		else
			pr_info("VM %u: destroyed\n", vmid);
	}
	remain = !list_empty(&acrn_vm_orphans);
	mutex_unlock(&acrn_vm_orphans_lock);

	return remain;
}

static void acrn_vm_reap(struct work_struct *work)
{
	if (acrn_vm_reap_orphans())
		schedule_delayed_work(&acrn_vm_reaper, ACRN_VM_REAP_INTERVAL);
}

/**
 * acrn_vm_exit() - last attempt to destroy parked VMs
 *
 * A VM the hypervisor still refuses to destroy keeps its I/O request page
 * and guest memory pinned forever, since the hypervisor may still access
 * them; only the bookkeeping is dropped.
 *
 * Context: Process context (module exit).
 */
void acrn_vm_exit(void)
{
	struct acrn_vm *vm, *next;

	cancel_delayed_work_sync(&acrn_vm_reaper);
	if (!acrn_vm_reap_orphans())
		return;

	mutex_lock(&acrn_vm_orphans_lock);
	list_for_each_entry_safe(vm, next, &acrn_vm_orphans, orphan_node) {
		pr_err("VM %u: the hypervisor never agreed to destroy it; its I/O request page and guest memory stay pinned\n",
		       vm->vmid);
		list_del(&vm->orphan_node);
		acrn_vm_teardown(vm);
		acrn_mm_vm_abandon(vm);
		acrn_hv_put(vm->hv);
		kfree(vm);
	}
	mutex_unlock(&acrn_vm_orphans_lock);
}

/**
 * acrn_vm_start() - start a created VM
 * @vm: The VM.
 *
 * Context: Process context.
 * Return: 0, -EBUSY if the VM is not in the created state, or another
 * errno from acrn_hv_errno().
 */
int acrn_vm_start(struct acrn_vm *vm)
{
	return acrn_hv_errno(hcall_start_vm(vm->hv, vm->vmid), -EBUSY);
}

/**
 * acrn_vm_pause() - pause a VM
 * @vm: The VM.
 *
 * Pausing a paused VM succeeds and changes nothing.
 *
 * Context: Process context.
 * Return: 0, -EBUSY if the hypervisor refused, or another errno from
 * acrn_hv_errno().
 */
int acrn_vm_pause(struct acrn_vm *vm)
{
	return acrn_hv_errno(hcall_pause_vm(vm->hv, vm->vmid), -EBUSY);
}

/**
 * acrn_vm_reset() - reset a paused VM to the created state
 * @vm: The VM.
 *
 * The hypervisor frees every slot of the I/O request page; the kernel
 * forgets the requests it had handed out.
 *
 * Context: Process context.
 * Return: 0, -EBUSY if the VM is not paused, or another errno from
 * acrn_hv_errno().
 */
int acrn_vm_reset(struct acrn_vm *vm)
{
	int ret;

	/* The hypervisor frees every slot: no completion may touch one meanwhile. */
	acrn_ioreq_quiesce(vm);
	ret = acrn_hv_errno(hcall_reset_vm(vm->hv, vm->vmid), -EBUSY);
	if (ret)
		acrn_ioreq_resume(vm);
	else
		acrn_ioreq_reset_done(vm);
	return ret;
}

/**
 * acrn_vm_set_vcpu_regs() - set the initial registers of a vCPU
 * @vm:   The VM.
 * @regs: The ACRN_IOCTL_SET_VCPU_REGS argument.
 *
 * Context: Process context.
 * Return: 0, -EINVAL for a bad argument or when the hypervisor refused
 * (VM running, or register values it rejects), or another errno from
 * acrn_hv_errno().
 */
int acrn_vm_set_vcpu_regs(struct acrn_vm *vm, const struct acrn_vcpu_regs *regs)
{
	int ret;

	ret = acrn_vcpu_regs_check(regs, vm->vcpu_num);
	if (ret)
		return ret;
	return acrn_hv_call_copy(vm, hcall_set_vcpu_regs, regs,
				 sizeof(*regs), -EINVAL);
}
