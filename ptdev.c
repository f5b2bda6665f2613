// SPDX-License-Identifier: GPL-2.0
/*
 * Devices of a User VM that the device model does not emulate itself:
 * passthrough PCI and MMIO devices and their interrupt remappings, and
 * virtual devices the hypervisor emulates.
 *
 * Which physical devices exist and who owns them is the hypervisor's
 * business; the kernel rejects the fields it can tell are wrong and
 * hands the rest over in a kernel copy.
 */

#include <kunit/visibility.h>

#include "acrn_drv.h"

/**
 * acrn_ptdev_irq_check() - validate a SET_PTDEV_INTR/RESET_PTDEV_INTR argument
 * @irq: The argument as copied from userspace.
 *
 * Context: Any context.
 * Return: 0, or -EINVAL for an unknown type or an is_pic_pin other than
 * 0 or 1.
 */
VISIBLE_IF_KUNIT int acrn_ptdev_irq_check(const struct acrn_ptdev_irq *irq)
{
	if (irq->type > ACRN_PTDEV_IRQ_MSIX || irq->intx.is_pic_pin > 1)
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(acrn_ptdev_irq_check);

/**
 * acrn_pcidev_check() - validate an ASSIGN_PCIDEV/DEASSIGN_PCIDEV argument
 * @dev: The argument as copied from userspace.
 *
 * Context: Any context.
 * Return: 0, or -EINVAL for undefined bits in @dev->type.
 */
VISIBLE_IF_KUNIT int acrn_pcidev_check(const struct acrn_pcidev *dev)
{
	return dev->type & ~ACRN_PTDEV_QUIRK_ASSIGN ? -EINVAL : 0;
}
EXPORT_SYMBOL_IF_KUNIT(acrn_pcidev_check);

/**
 * acrn_vm_ptdev_intr() - set or remove a passthrough interrupt remapping
 * @vm:	 The VM.
 * @irq: The remapping: the device's virtual and physical BDF and, for
 *	 INTx, the virtual and physical pins.
 * @set: Set it (SET_PTDEV_INTR) or remove it (RESET_PTDEV_INTR).
 *
 * Context: Process context.
 * Return: 0; -EINVAL for a bad argument or one the hypervisor refused
 * (no such assigned device, a pin out of range or in use, a VM state
 * that does not allow it); -ENOMEM; another errno from acrn_hv_errno().
 */
int acrn_vm_ptdev_intr(struct acrn_vm *vm, const struct acrn_ptdev_irq *irq,
		       bool set)
{
	int ret = acrn_ptdev_irq_check(irq);

	if (ret)
		return ret;
	return acrn_hv_call_copy(vm, set ? hcall_set_ptdev_intr :
				 hcall_reset_ptdev_intr, irq,
				 sizeof(*irq), -EINVAL);
}

/**
 * acrn_vm_pcidev() - pass a PCI device through to a VM, or take it back
 * @vm:	    The VM.
 * @dev:    The device: virtual and physical BDF, interrupt line and pin,
 *	    BARs.
 * @assign: Assign it (ASSIGN_PCIDEV) or de-assign it (DEASSIGN_PCIDEV).
 *
 * Context: Process context.
 * Return: 0; -EINVAL for a bad argument or one the hypervisor refused;
 * -ENOMEM; another errno from acrn_hv_errno().
 */
int acrn_vm_pcidev(struct acrn_vm *vm, const struct acrn_pcidev *dev,
		   bool assign)
{
	int ret = acrn_pcidev_check(dev);

	if (ret)
		return ret;
	return acrn_hv_call_copy(vm, assign ? hcall_assign_pcidev :
				 hcall_deassign_pcidev, dev,
				 sizeof(*dev), -EINVAL);
}

/**
 * acrn_vm_mmiodev() - pass an MMIO device through to a VM, or take it back
 * @vm:	    The VM.
 * @dev:    The device's resources: guest and host physical ranges.
 * @assign: Assign it (ASSIGN_MMIODEV) or de-assign it (DEASSIGN_MMIODEV).
 *
 * Context: Process context.
 * Return: 0; -EINVAL for an argument the hypervisor refused; -ENOMEM;
 * another errno from acrn_hv_errno().
 */
int acrn_vm_mmiodev(struct acrn_vm *vm, const struct acrn_mmiodev *dev,
		    bool assign)
{
	return acrn_hv_call_copy(vm, assign ? hcall_assign_mmiodev :
				 hcall_deassign_mmiodev, dev,
				 sizeof(*dev), -EINVAL);
}

/**
 * acrn_vm_vdev() - create or destroy a device the hypervisor emulates
 * @vm:	    The VM.
 * @vdev:   The device: its id, slot, resources and arguments.
 * @create: Create it (CREATE_VDEV) or destroy it (DESTROY_VDEV).
 *
 * Context: Process context.
 * Return: 0; -EINVAL for an argument the hypervisor refused; -ENOMEM;
 * another errno from acrn_hv_errno().
 */
int acrn_vm_vdev(struct acrn_vm *vm, const struct acrn_vdev *vdev,
		 bool create)
{
	return acrn_hv_call_copy(vm, create ? hcall_create_vdev :
				 hcall_destroy_vdev, vdev,
				 sizeof(*vdev), -EINVAL);
}
