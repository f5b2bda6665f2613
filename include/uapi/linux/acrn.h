/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Userspace interface of the ACRN Hypervisor Service Module (/dev/acrn_hsm).
 *
 * A device model opens /dev/acrn_hsm once per User VM and drives the VM
 * through the ioctls below. Every name, size, offset and ioctl number here
 * is identical to the upstream Linux <linux/acrn.h>; tests/host/abi.sh checks
 * that.
 */
#ifndef _UAPI_ACRN_H
#define _UAPI_ACRN_H

#include <linux/types.h>

/* Slots in the shared I/O request page; a slot is indexed by vCPU id. */
#define ACRN_IO_REQUEST_MAX		16

/*
 * Life of a slot: FREE -> PENDING (hypervisor filled it) -> PROCESSING
 * (the HSM handed it to a client) -> COMPLETE (the client is done) -> FREE
 * (the hypervisor consumed the result).
 */
#define ACRN_IOREQ_STATE_PENDING	0
#define ACRN_IOREQ_STATE_COMPLETE	1
#define ACRN_IOREQ_STATE_PROCESSING	2
#define ACRN_IOREQ_STATE_FREE		3

#define ACRN_IOREQ_TYPE_PORTIO		0
#define ACRN_IOREQ_TYPE_MMIO		1
#define ACRN_IOREQ_TYPE_PCICFG		2

#define ACRN_IOREQ_DIR_READ		0
#define ACRN_IOREQ_DIR_WRITE		1

/**
 * struct acrn_mmio_request - an MMIO access by a User VM
 * @direction:	ACRN_IOREQ_DIR_READ or ACRN_IOREQ_DIR_WRITE.
 * @reserved:	Not used.
 * @address:	Guest physical address accessed.
 * @size:	Access width in bytes.
 * @value:	Data written, or where the emulator puts data read.
 */
struct acrn_mmio_request {
	__u32	direction;
	__u32	reserved;
	__u64	address;
	__u64	size;
	__u64	value;
};

/**
 * struct acrn_pio_request - a port I/O access by a User VM
 * @direction:	ACRN_IOREQ_DIR_READ or ACRN_IOREQ_DIR_WRITE.
 * @reserved:	Not used.
 * @address:	I/O port accessed.
 * @size:	Access width in bytes (1, 2 or 4).
 * @value:	Data written, or where the emulator puts data read.
 */
struct acrn_pio_request {
	__u32	direction;
	__u32	reserved;
	__u64	address;
	__u64	size;
	__u32	value;
};

/**
 * struct acrn_pci_request - a PCI configuration space access
 * @direction:	ACRN_IOREQ_DIR_READ or ACRN_IOREQ_DIR_WRITE.
 * @reserved:	Not used.
 * @size:	Access width in bytes.
 * @value:	Data written, or where the emulator puts data read.
 * @bus:	PCI bus number.
 * @dev:	PCI device number.
 * @func:	PCI function number.
 * @reg:	Register offset in the configuration space.
 *
 * The HSM builds this from a guest's 0xCF8/0xCFC port pair. @direction,
 * @size and @value sit where &struct acrn_pio_request keeps them, so the
 * hypervisor completes both kinds the same way.
 */
struct acrn_pci_request {
	__u32	direction;
	__u32	reserved[3];
	__u64	size;
	__u32	value;
	__u32	bus;
	__u32	dev;
	__u32	func;
	__u32	reg;
};

/**
 * struct acrn_io_request - one slot of the shared I/O request page
 * @type:		ACRN_IOREQ_TYPE_* of the request.
 * @completion_polling:	Set by the hypervisor when it polls for completion
 *			instead of waiting for a notification hypercall.
 * @reserved0:		Not used.
 * @reqs:		The request, interpreted according to @type.
 * @reqs.pio_request:	Port I/O request.
 * @reqs.pci_request:	PCI configuration request.
 * @reqs.mmio_request:	MMIO request.
 * @reqs.data:		Raw view of the request.
 * @reserved1:		Not used.
 * @kernel_handled:	1 if an in-kernel client owns the request, 0 if the
 *			device model (the default client) does.
 * @processed:		ACRN_IOREQ_STATE_* of the slot.
 *
 * The hypervisor writes the request and then moves @processed to PENDING;
 * the HSM moves it to PROCESSING when a client owns it and to COMPLETE when
 * the client is done. A device model reads PROCESSING slots with
 * @kernel_handled == 0, writes the result into @reqs and calls
 * ACRN_IOCTL_NOTIFY_REQUEST_FINISH; it never writes @processed itself.
 */
struct acrn_io_request {
	__u32	type;
	__u32	completion_polling;
	__u32	reserved0[14];
	union {
		struct acrn_pio_request		pio_request;
		struct acrn_pci_request		pci_request;
		struct acrn_mmio_request	mmio_request;
		__u64				data[8];
	} reqs;
	__u32	reserved1;
	__u32	kernel_handled;
	__u32	processed;
} __attribute__((aligned(256)));

/**
 * struct acrn_io_request_buffer - the shared I/O request page
 * @req_slot:	One slot per vCPU.
 * @reserved:	Pads the page to 4 KiB.
 */
struct acrn_io_request_buffer {
	union {
		struct acrn_io_request	req_slot[ACRN_IO_REQUEST_MAX];
		__u8			reserved[4096];
	};
};

/**
 * struct acrn_ioreq_notify - argument of ACRN_IOCTL_NOTIFY_REQUEST_FINISH
 * @vmid:	Ignored; the VM is the one of the file descriptor.
 * @reserved:	Must be 0.
 * @vcpu:	vCPU whose request is complete.
 */
struct acrn_ioreq_notify {
	__u16	vmid;
	__u16	reserved;
	__u32	vcpu;
};

/**
 * struct acrn_vm_creation - argument of ACRN_IOCTL_CREATE_VM
 * @vmid:		Out: id of the new VM.
 * @reserved0:		Must be 0.
 * @vcpu_num:		Out: number of vCPUs the hypervisor created.
 * @reserved1:		Must be 0.
 * @uuid:		Passed to the hypervisor untouched; hypervisor and
 *			device model use these 16 bytes as the VM's name.
 * @vm_flag:		Hypervisor guest flags (GUEST_FLAG_* of ACRN).
 * @ioreq_buf:		User address of a page-aligned 4 KiB buffer that
 *			becomes the shared I/O request page.
 * @cpu_affinity:	Physical CPUs the vCPUs run on, one vCPU per bit;
 *			0 asks for the hypervisor's default.
 */
struct acrn_vm_creation {
	__u16	vmid;
	__u16	reserved0;
	__u16	vcpu_num;
	__u16	reserved1;
	__u8	uuid[16];
	__u64	vm_flag;
	__u64	ioreq_buf;
	__u64	cpu_affinity;
};

/**
 * struct acrn_gp_regs - general purpose registers of a vCPU
 * @rax: RAX
 * @rcx: RCX
 * @rdx: RDX
 * @rbx: RBX
 * @rsp: RSP
 * @rbp: RBP
 * @rsi: RSI
 * @rdi: RDI
 * @r8:  R8
 * @r9:  R9
 * @r10: R10
 * @r11: R11
 * @r12: R12
 * @r13: R13
 * @r14: R14
 * @r15: R15
 */
struct acrn_gp_regs {
	__le64	rax;
	__le64	rcx;
	__le64	rdx;
	__le64	rbx;
	__le64	rsp;
	__le64	rbp;
	__le64	rsi;
	__le64	rdi;
	__le64	r8;
	__le64	r9;
	__le64	r10;
	__le64	r11;
	__le64	r12;
	__le64	r13;
	__le64	r14;
	__le64	r15;
};

/**
 * struct acrn_descriptor_ptr - a GDTR or IDTR value
 * @limit:	Table limit.
 * @base:	Table base address.
 * @reserved:	Must be 0.
 */
struct acrn_descriptor_ptr {
	__le16	limit;
	__le64	base;
	__le16	reserved[3];
} __attribute__ ((__packed__));

/**
 * struct acrn_regs - initial register state of a vCPU
 * @gprs:	General purpose registers.
 * @gdt:	GDTR.
 * @idt:	IDTR.
 * @rip:	RIP.
 * @cs_base:	CS base.
 * @cr0:	CR0.
 * @cr4:	CR4.
 * @cr3:	CR3.
 * @ia32_efer:	IA32_EFER MSR.
 * @rflags:	RFLAGS.
 * @reserved_64: Must be 0.
 * @cs_ar:	CS access rights.
 * @cs_limit:	CS limit.
 * @reserved_32: Must be 0.
 * @cs_sel:	CS selector.
 * @ss_sel:	SS selector.
 * @ds_sel:	DS selector.
 * @es_sel:	ES selector.
 * @fs_sel:	FS selector.
 * @gs_sel:	GS selector.
 * @ldt_sel:	LDT selector.
 * @tr_sel:	TR selector.
 */
struct acrn_regs {
	struct acrn_gp_regs		gprs;
	struct acrn_descriptor_ptr	gdt;
	struct acrn_descriptor_ptr	idt;

	__le64	rip;
	__le64	cs_base;
	__le64	cr0;
	__le64	cr4;
	__le64	cr3;
	__le64	ia32_efer;
	__le64	rflags;
	__le64	reserved_64[4];

	__le32	cs_ar;
	__le32	cs_limit;
	__le32	reserved_32[3];

	__le16	cs_sel;
	__le16	ss_sel;
	__le16	ds_sel;
	__le16	es_sel;
	__le16	fs_sel;
	__le16	gs_sel;
	__le16	ldt_sel;
	__le16	tr_sel;
};

/**
 * struct acrn_vcpu_regs - argument of ACRN_IOCTL_SET_VCPU_REGS
 * @vcpu_id:	vCPU to set; must be below the VM's vcpu_num.
 * @reserved:	Must be 0.
 * @vcpu_regs:	Register values.
 */
struct acrn_vcpu_regs {
	__u16			vcpu_id;
	__u16			reserved[3];
	struct acrn_regs	vcpu_regs;
};

/* Access rights and memory types of struct acrn_vm_memmap::attr */
#define	ACRN_MEM_ACCESS_RIGHT_MASK	0x00000007U
#define	ACRN_MEM_ACCESS_READ		0x00000001U
#define	ACRN_MEM_ACCESS_WRITE		0x00000002U
#define	ACRN_MEM_ACCESS_EXEC		0x00000004U
#define	ACRN_MEM_ACCESS_RWX		(ACRN_MEM_ACCESS_READ  | \
					 ACRN_MEM_ACCESS_WRITE | \
					 ACRN_MEM_ACCESS_EXEC)

#define	ACRN_MEM_TYPE_MASK		0x000007C0U
#define	ACRN_MEM_TYPE_WB		0x00000040U
#define	ACRN_MEM_TYPE_WT		0x00000080U
#define	ACRN_MEM_TYPE_UC		0x00000100U
#define	ACRN_MEM_TYPE_WC		0x00000200U
#define	ACRN_MEM_TYPE_WP		0x00000400U

/* Kinds of struct acrn_vm_memmap */
#define	ACRN_MEMMAP_RAM			0
#define	ACRN_MEMMAP_MMIO		1

/**
 * struct acrn_vm_memmap - argument of ACRN_IOCTL_SET_MEMSEG/UNSET_MEMSEG
 * @type:		ACRN_MEMMAP_RAM or ACRN_MEMMAP_MMIO.
 * @attr:		ACRN_MEM_ACCESS_* rights (and memory type bits).
 * @user_vm_pa:		Guest physical address of the segment.
 * @service_vm_pa:	MMIO: host physical address to map.
 * @vma_base:		RAM: user address of the memory backing the segment.
 * @len:		Length in bytes.
 */
struct acrn_vm_memmap {
	__u32	type;
	__u32	attr;
	__u64	user_vm_pa;
	union {
		__u64	service_vm_pa;
		__u64	vma_base;
	};
	__u64	len;
};

/* Kinds of struct acrn_ptdev_irq */
#define ACRN_PTDEV_IRQ_INTX	0
#define ACRN_PTDEV_IRQ_MSI	1
#define ACRN_PTDEV_IRQ_MSIX	2

/**
 * struct acrn_ptdev_irq - interrupt remapping of a passthrough device
 * @type:		ACRN_PTDEV_IRQ_*.
 * @virt_bdf:		Bus/device/function as seen by the User VM.
 * @phys_bdf:		Bus/device/function on the host.
 * @intx:		INTx description.
 * @intx.virt_pin:	Virtual IOAPIC/PIC pin.
 * @intx.phys_pin:	Physical IOAPIC pin.
 * @intx.is_pic_pin:	Whether @intx.virt_pin is a PIC pin.
 */
struct acrn_ptdev_irq {
	__u32	type;
	__u16	virt_bdf;
	__u16	phys_bdf;

	struct {
		__u32	virt_pin;
		__u32	phys_pin;
		__u32	is_pic_pin;
	} intx;
};

/* struct acrn_pcidev::type */
#define ACRN_PTDEV_QUIRK_ASSIGN	(1U << 0)

#define ACRN_MMIODEV_RES_NUM	3
#define ACRN_PCI_NUM_BARS	6

/**
 * struct acrn_pcidev - a PCI device to pass through to a User VM
 * @type:	ACRN_PTDEV_QUIRK_ASSIGN or 0.
 * @virt_bdf:	Bus/device/function as seen by the User VM.
 * @phys_bdf:	Bus/device/function on the host.
 * @intr_line:	PCI interrupt line.
 * @intr_pin:	PCI interrupt pin.
 * @bar:	BAR values.
 */
struct acrn_pcidev {
	__u32	type;
	__u16	virt_bdf;
	__u16	phys_bdf;
	__u8	intr_line;
	__u8	intr_pin;
	__u32	bar[ACRN_PCI_NUM_BARS];
};

/**
 * struct acrn_mmiodev - an MMIO device to pass through to a User VM
 * @name:		Device name.
 * @res:		MMIO resources of the device.
 * @res.user_vm_pa:	Guest physical address of the resource.
 * @res.service_vm_pa:	Host physical address of the resource.
 * @res.size:		Size of the resource.
 * @res.mem_type:	Memory type of the mapping.
 */
struct acrn_mmiodev {
	__u8	name[8];
	struct {
		__u64	user_vm_pa;
		__u64	service_vm_pa;
		__u64	size;
		__u64	mem_type;
	} res[ACRN_MMIODEV_RES_NUM];
};

/**
 * struct acrn_vdev - a virtual device emulated by the hypervisor
 * @id:			Device identity.
 * @id.value:		Raw view of the identity.
 * @id.fields:		Identity fields.
 * @id.fields.vendor:	PCI vendor id.
 * @id.fields.device:	PCI device id.
 * @id.fields.legacy_id: Id of a non-PCI device.
 * @slot:		Virtual bus/device/function (PCI) or index.
 * @io_addr:		I/O addresses of the BARs or of the legacy device.
 * @io_size:		I/O sizes matching @io_addr.
 * @args:		Device specific arguments.
 */
struct acrn_vdev {
	union {
		__u64 value;
		struct {
			__le16 vendor;
			__le16 device;
			__le32 legacy_id;
		} fields;
	} id;

	__u64	slot;
	__u32	io_addr[ACRN_PCI_NUM_BARS];
	__u32	io_size[ACRN_PCI_NUM_BARS];
	__u8	args[128];
};

/**
 * struct acrn_msi_entry - an MSI to inject
 * @msi_addr:	MSI address (destination in bits 19:12).
 * @msi_data:	MSI data (vector in bits 7:0).
 */
struct acrn_msi_entry {
	__u64	msi_addr;
	__u64	msi_data;
};

/**
 * struct acrn_acpi_generic_address - an ACPI Generic Address Structure
 * @space_id:	Address space.
 * @bit_width:	Register width in bits.
 * @bit_offset:	Register offset in bits.
 * @access_size: Access size.
 * @address:	Register address.
 */
struct acrn_acpi_generic_address {
	__u8	space_id;
	__u8	bit_width;
	__u8	bit_offset;
	__u8	access_size;
	__u64	address;
} __attribute__ ((__packed__));

/**
 * struct acrn_cstate_data - one C-state of a physical CPU
 * @cx_reg:	Register that enters the state.
 * @type:	C-state type.
 * @latency:	Worst-case latency to enter and leave, in microseconds.
 * @power:	Average power in the state, in milliwatts.
 */
struct acrn_cstate_data {
	struct acrn_acpi_generic_address	cx_reg;
	__u8					type;
	__u32					latency;
	__u64					power;
};

/**
 * struct acrn_pstate_data - one P-state of a physical CPU
 * @core_frequency:	Core frequency in MHz.
 * @power:		Power in milliwatts.
 * @transition_latency:	Transition latency in microseconds.
 * @bus_master_latency:	Bus master latency in microseconds.
 * @control:		Value written to the control register.
 * @status:		Value read from the status register.
 */
struct acrn_pstate_data {
	__u64	core_frequency;
	__u64	power;
	__u64	transition_latency;
	__u64	bus_master_latency;
	__u64	control;
	__u64	status;
};

/* Low byte of the ACRN_IOCTL_PM_GET_CPU_STATE command */
#define PMCMD_TYPE_MASK		0x000000ff
enum acrn_pm_cmd_type {
	ACRN_PMCMD_GET_PX_CNT,
	ACRN_PMCMD_GET_PX_DATA,
	ACRN_PMCMD_GET_CX_CNT,
	ACRN_PMCMD_GET_CX_DATA,
};

#define ACRN_IOEVENTFD_FLAG_PIO		0x01
#define ACRN_IOEVENTFD_FLAG_DATAMATCH	0x02
#define ACRN_IOEVENTFD_FLAG_DEASSIGN	0x04

/**
 * struct acrn_ioeventfd - argument of ACRN_IOCTL_IOEVENTFD
 * @fd:		eventfd signalled by a matching guest write.
 * @flags:	ACRN_IOEVENTFD_FLAG_*.
 * @addr:	Port (with ACRN_IOEVENTFD_FLAG_PIO) or guest physical address.
 * @len:	Access length: 1, 2, 4 or 8.
 * @reserved:	Must be 0.
 * @data:	Value to match with ACRN_IOEVENTFD_FLAG_DATAMATCH.
 */
struct acrn_ioeventfd {
	__u32	fd;
	__u32	flags;
	__u64	addr;
	__u32	len;
	__u32	reserved;
	__u64	data;
};

#define ACRN_IRQFD_FLAG_DEASSIGN	0x01

/**
 * struct acrn_irqfd - argument of ACRN_IOCTL_IRQFD
 * @fd:		eventfd whose signal injects @msi.
 * @flags:	ACRN_IRQFD_FLAG_*.
 * @msi:	MSI to inject.
 */
struct acrn_irqfd {
	__s32			fd;
	__u32			flags;
	struct acrn_msi_entry	msi;
};

/* The ioctl type of /dev/acrn_hsm */
#define ACRN_IOCTL_TYPE			0xA2

/* VM management */
#define ACRN_IOCTL_CREATE_VM		\
	_IOWR(ACRN_IOCTL_TYPE, 0x10, struct acrn_vm_creation)
#define ACRN_IOCTL_DESTROY_VM		\
	_IO(ACRN_IOCTL_TYPE, 0x11)
#define ACRN_IOCTL_START_VM		\
	_IO(ACRN_IOCTL_TYPE, 0x12)
#define ACRN_IOCTL_PAUSE_VM		\
	_IO(ACRN_IOCTL_TYPE, 0x13)
#define ACRN_IOCTL_RESET_VM		\
	_IO(ACRN_IOCTL_TYPE, 0x15)
#define ACRN_IOCTL_SET_VCPU_REGS	\
	_IOW(ACRN_IOCTL_TYPE, 0x16, struct acrn_vcpu_regs)

/* Interrupts */
#define ACRN_IOCTL_INJECT_MSI		\
	_IOW(ACRN_IOCTL_TYPE, 0x23, struct acrn_msi_entry)
#define ACRN_IOCTL_VM_INTR_MONITOR	\
	_IOW(ACRN_IOCTL_TYPE, 0x24, unsigned long)
#define ACRN_IOCTL_SET_IRQLINE		\
	_IOW(ACRN_IOCTL_TYPE, 0x25, __u64)

/* I/O requests */
#define ACRN_IOCTL_NOTIFY_REQUEST_FINISH \
	_IOW(ACRN_IOCTL_TYPE, 0x31, struct acrn_ioreq_notify)
#define ACRN_IOCTL_CREATE_IOREQ_CLIENT	\
	_IO(ACRN_IOCTL_TYPE, 0x32)
#define ACRN_IOCTL_ATTACH_IOREQ_CLIENT	\
	_IO(ACRN_IOCTL_TYPE, 0x33)
#define ACRN_IOCTL_DESTROY_IOREQ_CLIENT	\
	_IO(ACRN_IOCTL_TYPE, 0x34)
#define ACRN_IOCTL_CLEAR_VM_IOREQ	\
	_IO(ACRN_IOCTL_TYPE, 0x35)

/* Guest memory */
#define ACRN_IOCTL_SET_MEMSEG		\
	_IOW(ACRN_IOCTL_TYPE, 0x41, struct acrn_vm_memmap)
#define ACRN_IOCTL_UNSET_MEMSEG		\
	_IOW(ACRN_IOCTL_TYPE, 0x42, struct acrn_vm_memmap)

/* Passthrough and virtual devices */
#define ACRN_IOCTL_SET_PTDEV_INTR	\
	_IOW(ACRN_IOCTL_TYPE, 0x53, struct acrn_ptdev_irq)
#define ACRN_IOCTL_RESET_PTDEV_INTR	\
	_IOW(ACRN_IOCTL_TYPE, 0x54, struct acrn_ptdev_irq)
#define ACRN_IOCTL_ASSIGN_PCIDEV	\
	_IOW(ACRN_IOCTL_TYPE, 0x55, struct acrn_pcidev)
#define ACRN_IOCTL_DEASSIGN_PCIDEV	\
	_IOW(ACRN_IOCTL_TYPE, 0x56, struct acrn_pcidev)
#define ACRN_IOCTL_ASSIGN_MMIODEV	\
	_IOW(ACRN_IOCTL_TYPE, 0x57, struct acrn_mmiodev)
#define ACRN_IOCTL_DEASSIGN_MMIODEV	\
	_IOW(ACRN_IOCTL_TYPE, 0x58, struct acrn_mmiodev)
#define ACRN_IOCTL_CREATE_VDEV		\
	_IOW(ACRN_IOCTL_TYPE, 0x59, struct acrn_vdev)
#define ACRN_IOCTL_DESTROY_VDEV		\
	_IOW(ACRN_IOCTL_TYPE, 0x5A, struct acrn_vdev)

/* Power management */
#define ACRN_IOCTL_PM_GET_CPU_STATE	\
	_IOWR(ACRN_IOCTL_TYPE, 0x60, __u64)

/* Eventfd bindings */
#define ACRN_IOCTL_IOEVENTFD		\
	_IOW(ACRN_IOCTL_TYPE, 0x70, struct acrn_ioeventfd)
#define ACRN_IOCTL_IRQFD		\
	_IOW(ACRN_IOCTL_TYPE, 0x71, struct acrn_irqfd)

#endif /* _UAPI_ACRN_H */
