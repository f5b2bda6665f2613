/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every struct, union, member and constant of <linux/acrn.h>, named once
 * for tests/host/abi.c, which includes this list in the middle of a
 * function with these macros defined:
 *
 *   ABI_TYPE(type)		size and alignment of a struct or union
 *   ABI_MEMBER(type, member)	offset, size and alignment of a member;
 *				nested members are spelled as in offsetof()
 *   ABI_ENUM(group, type)	size and alignment of an enum type
 *   ABI_CONST(group, name)	value and C type of a constant
 *   ABI_IOCTL(name)		value of an ioctl number
 *
 * A name missing from a header makes abi.c fail to compile against it.
 */

ABI_TYPE(struct acrn_mmio_request);
ABI_MEMBER(struct acrn_mmio_request, direction);
ABI_MEMBER(struct acrn_mmio_request, reserved);
ABI_MEMBER(struct acrn_mmio_request, address);
ABI_MEMBER(struct acrn_mmio_request, size);
ABI_MEMBER(struct acrn_mmio_request, value);

ABI_TYPE(struct acrn_pio_request);
ABI_MEMBER(struct acrn_pio_request, direction);
ABI_MEMBER(struct acrn_pio_request, reserved);
ABI_MEMBER(struct acrn_pio_request, address);
ABI_MEMBER(struct acrn_pio_request, size);
ABI_MEMBER(struct acrn_pio_request, value);

ABI_TYPE(struct acrn_pci_request);
ABI_MEMBER(struct acrn_pci_request, direction);
ABI_MEMBER(struct acrn_pci_request, reserved);
ABI_MEMBER(struct acrn_pci_request, size);
ABI_MEMBER(struct acrn_pci_request, value);
ABI_MEMBER(struct acrn_pci_request, bus);
ABI_MEMBER(struct acrn_pci_request, dev);
ABI_MEMBER(struct acrn_pci_request, func);
ABI_MEMBER(struct acrn_pci_request, reg);

ABI_TYPE(struct acrn_io_request);
ABI_MEMBER(struct acrn_io_request, type);
ABI_MEMBER(struct acrn_io_request, completion_polling);
ABI_MEMBER(struct acrn_io_request, reserved0);
ABI_MEMBER(struct acrn_io_request, reqs);
ABI_MEMBER(struct acrn_io_request, reqs.pio_request);
ABI_MEMBER(struct acrn_io_request, reqs.pci_request);
ABI_MEMBER(struct acrn_io_request, reqs.mmio_request);
ABI_MEMBER(struct acrn_io_request, reqs.data);
ABI_MEMBER(struct acrn_io_request, reserved1);
ABI_MEMBER(struct acrn_io_request, kernel_handled);
ABI_MEMBER(struct acrn_io_request, processed);

ABI_TYPE(struct acrn_io_request_buffer);
ABI_MEMBER(struct acrn_io_request_buffer, req_slot);
ABI_MEMBER(struct acrn_io_request_buffer, req_slot[1]);
ABI_MEMBER(struct acrn_io_request_buffer, reserved);

ABI_TYPE(struct acrn_ioreq_notify);
ABI_MEMBER(struct acrn_ioreq_notify, vmid);
ABI_MEMBER(struct acrn_ioreq_notify, reserved);
ABI_MEMBER(struct acrn_ioreq_notify, vcpu);

ABI_TYPE(struct acrn_vm_creation);
ABI_MEMBER(struct acrn_vm_creation, vmid);
ABI_MEMBER(struct acrn_vm_creation, reserved0);
ABI_MEMBER(struct acrn_vm_creation, vcpu_num);
ABI_MEMBER(struct acrn_vm_creation, reserved1);
ABI_MEMBER(struct acrn_vm_creation, uuid);
ABI_MEMBER(struct acrn_vm_creation, vm_flag);
ABI_MEMBER(struct acrn_vm_creation, ioreq_buf);
ABI_MEMBER(struct acrn_vm_creation, cpu_affinity);

ABI_TYPE(struct acrn_gp_regs);
ABI_MEMBER(struct acrn_gp_regs, rax);
ABI_MEMBER(struct acrn_gp_regs, rcx);
ABI_MEMBER(struct acrn_gp_regs, rdx);
ABI_MEMBER(struct acrn_gp_regs, rbx);
ABI_MEMBER(struct acrn_gp_regs, rsp);
ABI_MEMBER(struct acrn_gp_regs, rbp);
ABI_MEMBER(struct acrn_gp_regs, rsi);
ABI_MEMBER(struct acrn_gp_regs, rdi);
ABI_MEMBER(struct acrn_gp_regs, r8);
ABI_MEMBER(struct acrn_gp_regs, r9);
ABI_MEMBER(struct acrn_gp_regs, r10);
ABI_MEMBER(struct acrn_gp_regs, r11);
ABI_MEMBER(struct acrn_gp_regs, r12);
ABI_MEMBER(struct acrn_gp_regs, r13);
ABI_MEMBER(struct acrn_gp_regs, r14);
ABI_MEMBER(struct acrn_gp_regs, r15);

ABI_TYPE(struct acrn_descriptor_ptr);
ABI_MEMBER(struct acrn_descriptor_ptr, limit);
ABI_MEMBER(struct acrn_descriptor_ptr, base);
ABI_MEMBER(struct acrn_descriptor_ptr, reserved);

ABI_TYPE(struct acrn_regs);
ABI_MEMBER(struct acrn_regs, gprs);
ABI_MEMBER(struct acrn_regs, gdt);
ABI_MEMBER(struct acrn_regs, idt);
ABI_MEMBER(struct acrn_regs, rip);
ABI_MEMBER(struct acrn_regs, cs_base);
ABI_MEMBER(struct acrn_regs, cr0);
ABI_MEMBER(struct acrn_regs, cr4);
ABI_MEMBER(struct acrn_regs, cr3);
ABI_MEMBER(struct acrn_regs, ia32_efer);
ABI_MEMBER(struct acrn_regs, rflags);
ABI_MEMBER(struct acrn_regs, reserved_64);
ABI_MEMBER(struct acrn_regs, cs_ar);
ABI_MEMBER(struct acrn_regs, cs_limit);
ABI_MEMBER(struct acrn_regs, reserved_32);
ABI_MEMBER(struct acrn_regs, cs_sel);
ABI_MEMBER(struct acrn_regs, ss_sel);
ABI_MEMBER(struct acrn_regs, ds_sel);
ABI_MEMBER(struct acrn_regs, es_sel);
ABI_MEMBER(struct acrn_regs, fs_sel);
ABI_MEMBER(struct acrn_regs, gs_sel);
ABI_MEMBER(struct acrn_regs, ldt_sel);
ABI_MEMBER(struct acrn_regs, tr_sel);

ABI_TYPE(struct acrn_vcpu_regs);
ABI_MEMBER(struct acrn_vcpu_regs, vcpu_id);
ABI_MEMBER(struct acrn_vcpu_regs, reserved);
ABI_MEMBER(struct acrn_vcpu_regs, vcpu_regs);

ABI_TYPE(struct acrn_vm_memmap);
ABI_MEMBER(struct acrn_vm_memmap, type);
ABI_MEMBER(struct acrn_vm_memmap, attr);
ABI_MEMBER(struct acrn_vm_memmap, user_vm_pa);
ABI_MEMBER(struct acrn_vm_memmap, service_vm_pa);
ABI_MEMBER(struct acrn_vm_memmap, vma_base);
ABI_MEMBER(struct acrn_vm_memmap, len);

ABI_TYPE(struct acrn_ptdev_irq);
ABI_MEMBER(struct acrn_ptdev_irq, type);
ABI_MEMBER(struct acrn_ptdev_irq, virt_bdf);
ABI_MEMBER(struct acrn_ptdev_irq, phys_bdf);
ABI_MEMBER(struct acrn_ptdev_irq, intx);
ABI_MEMBER(struct acrn_ptdev_irq, intx.virt_pin);
ABI_MEMBER(struct acrn_ptdev_irq, intx.phys_pin);
ABI_MEMBER(struct acrn_ptdev_irq, intx.is_pic_pin);

ABI_TYPE(struct acrn_pcidev);
ABI_MEMBER(struct acrn_pcidev, type);
ABI_MEMBER(struct acrn_pcidev, virt_bdf);
ABI_MEMBER(struct acrn_pcidev, phys_bdf);
ABI_MEMBER(struct acrn_pcidev, intr_line);
ABI_MEMBER(struct acrn_pcidev, intr_pin);
ABI_MEMBER(struct acrn_pcidev, bar);

ABI_TYPE(struct acrn_mmiodev);
ABI_MEMBER(struct acrn_mmiodev, name);
ABI_MEMBER(struct acrn_mmiodev, res);
ABI_MEMBER(struct acrn_mmiodev, res[0]);
ABI_MEMBER(struct acrn_mmiodev, res[0].user_vm_pa);
ABI_MEMBER(struct acrn_mmiodev, res[0].service_vm_pa);
ABI_MEMBER(struct acrn_mmiodev, res[0].size);
ABI_MEMBER(struct acrn_mmiodev, res[0].mem_type);
ABI_MEMBER(struct acrn_mmiodev, res[2].mem_type);

ABI_TYPE(struct acrn_vdev);
ABI_MEMBER(struct acrn_vdev, id);
ABI_MEMBER(struct acrn_vdev, id.value);
ABI_MEMBER(struct acrn_vdev, id.fields);
ABI_MEMBER(struct acrn_vdev, id.fields.vendor);
ABI_MEMBER(struct acrn_vdev, id.fields.device);
ABI_MEMBER(struct acrn_vdev, id.fields.legacy_id);
ABI_MEMBER(struct acrn_vdev, slot);
ABI_MEMBER(struct acrn_vdev, io_addr);
ABI_MEMBER(struct acrn_vdev, io_size);
ABI_MEMBER(struct acrn_vdev, args);

ABI_TYPE(struct acrn_msi_entry);
ABI_MEMBER(struct acrn_msi_entry, msi_addr);
ABI_MEMBER(struct acrn_msi_entry, msi_data);

ABI_TYPE(struct acrn_acpi_generic_address);
ABI_MEMBER(struct acrn_acpi_generic_address, space_id);
ABI_MEMBER(struct acrn_acpi_generic_address, bit_width);
ABI_MEMBER(struct acrn_acpi_generic_address, bit_offset);
ABI_MEMBER(struct acrn_acpi_generic_address, access_size);
ABI_MEMBER(struct acrn_acpi_generic_address, address);

ABI_TYPE(struct acrn_cstate_data);
ABI_MEMBER(struct acrn_cstate_data, cx_reg);
ABI_MEMBER(struct acrn_cstate_data, type);
ABI_MEMBER(struct acrn_cstate_data, latency);
ABI_MEMBER(struct acrn_cstate_data, power);

ABI_TYPE(struct acrn_pstate_data);
ABI_MEMBER(struct acrn_pstate_data, core_frequency);
ABI_MEMBER(struct acrn_pstate_data, power);
ABI_MEMBER(struct acrn_pstate_data, transition_latency);
ABI_MEMBER(struct acrn_pstate_data, bus_master_latency);
ABI_MEMBER(struct acrn_pstate_data, control);
ABI_MEMBER(struct acrn_pstate_data, status);

ABI_TYPE(struct acrn_ioeventfd);
ABI_MEMBER(struct acrn_ioeventfd, fd);
ABI_MEMBER(struct acrn_ioeventfd, flags);
ABI_MEMBER(struct acrn_ioeventfd, addr);
ABI_MEMBER(struct acrn_ioeventfd, len);
ABI_MEMBER(struct acrn_ioeventfd, reserved);
ABI_MEMBER(struct acrn_ioeventfd, data);

ABI_TYPE(struct acrn_irqfd);
ABI_MEMBER(struct acrn_irqfd, fd);
ABI_MEMBER(struct acrn_irqfd, flags);
ABI_MEMBER(struct acrn_irqfd, msi);

ABI_CONST(io_request_max, ACRN_IO_REQUEST_MAX);

ABI_CONST(ioreq_state, ACRN_IOREQ_STATE_PENDING);
ABI_CONST(ioreq_state, ACRN_IOREQ_STATE_COMPLETE);
ABI_CONST(ioreq_state, ACRN_IOREQ_STATE_PROCESSING);
ABI_CONST(ioreq_state, ACRN_IOREQ_STATE_FREE);

ABI_CONST(ioreq_type, ACRN_IOREQ_TYPE_PORTIO);
ABI_CONST(ioreq_type, ACRN_IOREQ_TYPE_MMIO);
ABI_CONST(ioreq_type, ACRN_IOREQ_TYPE_PCICFG);

ABI_CONST(ioreq_dir, ACRN_IOREQ_DIR_READ);
ABI_CONST(ioreq_dir, ACRN_IOREQ_DIR_WRITE);

ABI_CONST(mem_access, ACRN_MEM_ACCESS_RIGHT_MASK);
ABI_CONST(mem_access, ACRN_MEM_ACCESS_READ);
ABI_CONST(mem_access, ACRN_MEM_ACCESS_WRITE);
ABI_CONST(mem_access, ACRN_MEM_ACCESS_EXEC);
ABI_CONST(mem_access, ACRN_MEM_ACCESS_RWX);

ABI_CONST(mem_type, ACRN_MEM_TYPE_MASK);
ABI_CONST(mem_type, ACRN_MEM_TYPE_WB);
ABI_CONST(mem_type, ACRN_MEM_TYPE_WT);
ABI_CONST(mem_type, ACRN_MEM_TYPE_UC);
ABI_CONST(mem_type, ACRN_MEM_TYPE_WC);
ABI_CONST(mem_type, ACRN_MEM_TYPE_WP);

ABI_CONST(memmap, ACRN_MEMMAP_RAM);
ABI_CONST(memmap, ACRN_MEMMAP_MMIO);

ABI_CONST(ptdev_irq, ACRN_PTDEV_IRQ_INTX);
ABI_CONST(ptdev_irq, ACRN_PTDEV_IRQ_MSI);
ABI_CONST(ptdev_irq, ACRN_PTDEV_IRQ_MSIX);

ABI_CONST(ptdev_quirk, ACRN_PTDEV_QUIRK_ASSIGN);

ABI_CONST(array_bounds, ACRN_MMIODEV_RES_NUM);
ABI_CONST(array_bounds, ACRN_PCI_NUM_BARS);

ABI_CONST(pm_cmd, PMCMD_TYPE_MASK);
ABI_ENUM(pm_cmd, enum acrn_pm_cmd_type);
ABI_CONST(pm_cmd, ACRN_PMCMD_GET_PX_CNT);
ABI_CONST(pm_cmd, ACRN_PMCMD_GET_PX_DATA);
ABI_CONST(pm_cmd, ACRN_PMCMD_GET_CX_CNT);
ABI_CONST(pm_cmd, ACRN_PMCMD_GET_CX_DATA);

ABI_CONST(ioeventfd_flag, ACRN_IOEVENTFD_FLAG_PIO);
ABI_CONST(ioeventfd_flag, ACRN_IOEVENTFD_FLAG_DATAMATCH);
ABI_CONST(ioeventfd_flag, ACRN_IOEVENTFD_FLAG_DEASSIGN);

ABI_CONST(irqfd_flag, ACRN_IRQFD_FLAG_DEASSIGN);

ABI_CONST(ioctl_type, ACRN_IOCTL_TYPE);

ABI_IOCTL(ACRN_IOCTL_CREATE_VM);
ABI_IOCTL(ACRN_IOCTL_DESTROY_VM);
ABI_IOCTL(ACRN_IOCTL_START_VM);
ABI_IOCTL(ACRN_IOCTL_PAUSE_VM);
ABI_IOCTL(ACRN_IOCTL_RESET_VM);
ABI_IOCTL(ACRN_IOCTL_SET_VCPU_REGS);
ABI_IOCTL(ACRN_IOCTL_INJECT_MSI);
ABI_IOCTL(ACRN_IOCTL_VM_INTR_MONITOR);
ABI_IOCTL(ACRN_IOCTL_SET_IRQLINE);
ABI_IOCTL(ACRN_IOCTL_NOTIFY_REQUEST_FINISH);
ABI_IOCTL(ACRN_IOCTL_CREATE_IOREQ_CLIENT);
ABI_IOCTL(ACRN_IOCTL_ATTACH_IOREQ_CLIENT);
ABI_IOCTL(ACRN_IOCTL_DESTROY_IOREQ_CLIENT);
ABI_IOCTL(ACRN_IOCTL_CLEAR_VM_IOREQ);
ABI_IOCTL(ACRN_IOCTL_SET_MEMSEG);
ABI_IOCTL(ACRN_IOCTL_UNSET_MEMSEG);
ABI_IOCTL(ACRN_IOCTL_SET_PTDEV_INTR);
ABI_IOCTL(ACRN_IOCTL_RESET_PTDEV_INTR);
ABI_IOCTL(ACRN_IOCTL_ASSIGN_PCIDEV);
ABI_IOCTL(ACRN_IOCTL_DEASSIGN_PCIDEV);
ABI_IOCTL(ACRN_IOCTL_ASSIGN_MMIODEV);
ABI_IOCTL(ACRN_IOCTL_DEASSIGN_MMIODEV);
ABI_IOCTL(ACRN_IOCTL_CREATE_VDEV);
ABI_IOCTL(ACRN_IOCTL_DESTROY_VDEV);
ABI_IOCTL(ACRN_IOCTL_PM_GET_CPU_STATE);
ABI_IOCTL(ACRN_IOCTL_IOEVENTFD);
ABI_IOCTL(ACRN_IOCTL_IRQFD);
