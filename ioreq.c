// SPDX-License-Identifier: GPL-2.0
/*
 * I/O requests: the shared I/O request page.
 *
 * The device model provides a page-aligned 4 KiB buffer; the HSM pins the
 * page for the VM's lifetime and gives its physical address to the
 * hypervisor, which fills one 256-byte slot per vCPU with the accesses it
 * traps.
 */

#include <linux/io.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "acrn_drv.h"

/**
 * acrn_ioreq_buffer_pin() - pin the device model's I/O request page
 * @vm:    The VM.
 * @uaddr: User address of the buffer, page aligned (acrn_vm_creation_check()).
 *
 * Context: Process context, in the device model's address space.
 * Return: 0, -ENOMEM, or -EFAULT if @uaddr is not a writable mapping
 * (whatever pin_user_pages_fast() said: its errors for a bad range differ
 * between kernels, 6.12 answers -EOVERFLOW for a range that wraps).
 */
int acrn_ioreq_buffer_pin(struct acrn_vm *vm, u64 uaddr)
{
	struct page *page;
	int ret;

	ret = pin_user_pages_fast(uaddr, 1, FOLL_WRITE | FOLL_LONGTERM, &page);
	if (ret != 1)
		return ret == -ENOMEM ? ret : -EFAULT;

	vm->ioreq_page = page;
	vm->ioreq_buf = page_address(page);
	return 0;
}

/**
 * acrn_ioreq_buffer_register() - give the I/O request page to the hypervisor
 * @vm: The VM, created in the hypervisor, with its page pinned.
 *
 * The hypervisor resets every slot to FREE.
 *
 * Context: Process context.
 * Return: 0, -ENOMEM, or an errno from acrn_hv_errno() (-EINVAL when the
 * hypervisor refused).
 */
int acrn_ioreq_buffer_register(struct acrn_vm *vm)
{
	u64 *page_pa;
	int ret;

	/* The hypercall takes the address of a u64 that holds the page's address. */
	page_pa = kmalloc(sizeof(*page_pa), GFP_KERNEL);
	if (!page_pa)
		return -ENOMEM;
	*page_pa = page_to_phys(vm->ioreq_page);

	ret = acrn_hv_errno(hcall_set_ioreq_buffer(vm->vmid, virt_to_phys(page_pa)),
			    -EINVAL);
	kfree(page_pa);

	return ret;
}

/**
 * acrn_ioreq_buffer_unpin() - release the I/O request page
 * @vm: The VM; the hypervisor no longer uses the page.
 *
 * Context: Process context.
 */
void acrn_ioreq_buffer_unpin(struct acrn_vm *vm)
{
	if (!vm->ioreq_page)
		return;
	unpin_user_page(vm->ioreq_page);
	vm->ioreq_page = NULL;
	vm->ioreq_buf = NULL;
}
