// SPDX-License-Identifier: GPL-2.0
/*
 * Interrupts of a User VM: MSI injection, virtual IOAPIC/PIC lines, and
 * the interrupt monitor page.
 *
 * The hypervisor validates what it alone knows (which MSI addresses and
 * GSIs the VM has); the kernel checks what it can know, so that bad input
 * never reaches the hypervisor, and owns the monitor page's pin.
 */

#include <linux/io.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <kunit/visibility.h>

#include "acrn_drv.h"

/**
 * acrn_msi_inject() - inject an MSI into a VM
 * @vm:	      The VM.
 * @msi_addr: MSI address (0xfeexxxxx; destination in bits 19:12).
 * @msi_data: MSI data (vector in bits 7:0).
 *
 * Context: Process context.
 * Return: 0; -EINVAL if the hypervisor refused (an address that is not an
 * MSI address); -ENOMEM; another errno from acrn_hv_errno().
 */
int acrn_msi_inject(struct acrn_vm *vm, u64 msi_addr, u64 msi_data)
{
	struct acrn_msi_entry msi = { .msi_addr = msi_addr, .msi_data = msi_data };

	return acrn_hv_call_copy(vm, hcall_inject_msi, &msi, sizeof(msi),
				 -EINVAL);
}

/**
 * acrn_msi_inject_entry() - inject an irqfd's MSI
 * @vm:	 The VM.
 * @msi: The MSI, in the direct map (kmalloc()ed, not on the stack) and
 *	 left unchanged while in use: the hypervisor reads it by physical
 *	 address.
 *
 * For irqfds, whose injections run in a worker at any time, even while
 * the VM is being destroyed: while the destroy hypercall runs
 * (acrn_intr_quiesce()) this waits for its answer, and once the
 * hypervisor destroyed the VM (its vmid may already name another VM) it
 * injects nothing.
 *
 * Context: Process context; takes &acrn_vm.intr.inject_sem for reading.
 * Return: 0; -ENODEV once the VM is destroyed; -EINVAL if the hypervisor
 * refused; another errno from acrn_hv_errno().
 */
int acrn_msi_inject_entry(struct acrn_vm *vm, const struct acrn_msi_entry *msi)
{
	int ret = -ENODEV;

	down_read(&vm->intr.inject_sem);
	if (!vm->intr.destroyed)
		ret = acrn_hv_errno(hcall_inject_msi(vm->hv, vm->vmid, __pa(msi)),
				    -EINVAL);
	up_read(&vm->intr.inject_sem);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(acrn_msi_inject_entry);

/**
 * acrn_intr_quiesce() - keep injections off the hypervisor
 * @vm: The VM.
 *
 * For the destroy hypercall. On return no irqfd injection is in flight,
 * and later ones wait for acrn_intr_resume() or acrn_intr_destroyed(),
 * one of which the caller must call. Injections from ioctls cannot
 * overlap a destroy (the file lock orders them).
 *
 * Context: Process context; takes &acrn_vm.intr.inject_sem for writing
 * and returns with it held.
 */
void acrn_intr_quiesce(struct acrn_vm *vm)
{
	down_write(&vm->intr.inject_sem);
}
EXPORT_SYMBOL_IF_KUNIT(acrn_intr_quiesce);

/**
 * acrn_intr_resume() - the hypervisor refused: let injections through
 * @vm: The VM, quiesced by acrn_intr_quiesce().
 *
 * Injections that waited meanwhile go out now, each once.
 *
 * Context: Process context; releases &acrn_vm.intr.inject_sem.
 */
void acrn_intr_resume(struct acrn_vm *vm)
{
	lockdep_assert_held_write(&vm->intr.inject_sem);
	up_write(&vm->intr.inject_sem);
}
EXPORT_SYMBOL_IF_KUNIT(acrn_intr_resume);

/**
 * acrn_intr_destroyed() - the hypervisor destroyed the VM: inject no more
 * @vm: The VM, quiesced by acrn_intr_quiesce().
 *
 * Injections that waited meanwhile, and any later one, are dropped.
 *
 * Context: Process context; releases &acrn_vm.intr.inject_sem.
 */
void acrn_intr_destroyed(struct acrn_vm *vm)
{
	lockdep_assert_held_write(&vm->intr.inject_sem);
	vm->intr.destroyed = true;
	up_write(&vm->intr.inject_sem);
}
EXPORT_SYMBOL_IF_KUNIT(acrn_intr_destroyed);

/**
 * acrn_irqline_check() - validate an ACRN_IOCTL_SET_IRQLINE value
 * @ops: The ioctl argument: gsi in bits 31:0, operation in bits 63:32.
 *
 * The GSI range depends on the VM's virtual IOAPIC, which only the
 * hypervisor knows.
 *
 * Context: Any context.
 * Return: 0, or -EINVAL for an unknown operation.
 */
VISIBLE_IF_KUNIT int acrn_irqline_check(u64 ops)
{
	return (ops >> 32) > ACRN_IRQLINE_FALLING_PULSE ? -EINVAL : 0;
}
EXPORT_SYMBOL_IF_KUNIT(acrn_irqline_check);

/**
 * acrn_vm_set_irqline() - set, clear or pulse a VM's interrupt line
 * @vm:	 The VM.
 * @ops: gsi in bits 31:0, operation (ACRN_IRQLINE_*) in bits 63:32.
 *
 * Context: Process context.
 * Return: 0; -EINVAL for an unknown operation or a GSI the VM does not
 * have (the hypervisor refused); another errno from acrn_hv_errno().
 */
int acrn_vm_set_irqline(struct acrn_vm *vm, u64 ops)
{
	int ret = acrn_irqline_check(ops);

	if (ret)
		return ret;
	return acrn_hv_errno(hcall_set_irqline(vm->hv, vm->vmid, ops), -EINVAL);
}

/**
 * acrn_vm_intr_monitor() - hand the hypervisor an interrupt monitor page
 * @vm:	   The VM.
 * @uaddr: User address of a page-aligned, writable page holding a
 *	   command (struct acrn_intr_monitor) the hypervisor carries out on
 *	   it.
 *
 * The page is pinned for as long as the hypervisor may use it: it
 * replaces the VM's previous page only once the hypervisor accepted it,
 * and stays pinned until it is replaced in turn or the VM is destroyed.
 * If the hypervisor refuses, the new page is unpinned and the previous
 * one kept.
 *
 * Context: Process context; takes &acrn_vm.intr.monitor_lock.
 * Return: 0; -EINVAL for an unaligned address or a command the
 * hypervisor refused; -EFAULT if the page cannot be pinned for writing;
 * another errno from acrn_hv_errno().
 */
int acrn_vm_intr_monitor(struct acrn_vm *vm, unsigned long uaddr)
{
	struct page *page, *old;
	int ret;

	if (!PAGE_ALIGNED(uaddr))
		return -EINVAL;
	ret = pin_user_pages_fast(uaddr, 1, FOLL_WRITE | FOLL_LONGTERM, &page);
	if (ret != 1)
		return ret < 0 ? ret : -EFAULT;

	mutex_lock(&vm->intr.monitor_lock);
	ret = acrn_hv_errno(hcall_vm_intr_monitor(vm->hv, vm->vmid, page_to_phys(page)),
			    -EINVAL);
	if (ret) {
		old = page;
	} else {
		old = vm->intr.monitor_page;
		vm->intr.monitor_page = page;
	}
	mutex_unlock(&vm->intr.monitor_lock);

	if (old)
		unpin_user_page(old);
	return ret;
}

/**
 * acrn_intr_vm_init() - set up a new VM's interrupt state
 * @vm: The VM.
 *
 * Context: Process context.
 */
void acrn_intr_vm_init(struct acrn_vm *vm)
{
	mutex_init(&vm->intr.monitor_lock);
	init_rwsem(&vm->intr.inject_sem);
}
EXPORT_SYMBOL_IF_KUNIT(acrn_intr_vm_init);

/**
 * acrn_intr_vm_free() - release a destroyed VM's interrupt state
 * @vm: The VM; the hypervisor no longer knows it.
 *
 * Context: Process context; no other user of @vm is left.
 */
void acrn_intr_vm_free(struct acrn_vm *vm)
{
	if (vm->intr.monitor_page)
		unpin_user_page(vm->intr.monitor_page);
	vm->intr.monitor_page = NULL;
	mutex_destroy(&vm->intr.monitor_lock);
}
