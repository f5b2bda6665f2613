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

#define HVSIM_API_VERSION	6

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
/* SET_MEMORY_REGIONS: apply the first @value ops, then fail with @ret (API 3) */
#define HVSIM_FAULT_PARTIAL	3

/**
 * struct hvsim_fault - argument of HVSIM_IOCTL_SET_FAULT
 * @hypercall:	Hypercall index (low byte of the hypercall id).
 * @skip:	Number of calls to let through before the fault fires.
 * @count:	Number of calls the fault fires on; 0 removes the fault.
 * @ret:	Value returned by HVSIM_FAULT_RETURN (e.g. -1, -22, -25).
 * @action:	HVSIM_FAULT_*.
 * @reserved:	Must be 0.
 * @value:	Parameter of @action (for HVSIM_FAULT_VMID it must be 0xffff,
 *		the hypervisor's "no VM"; for HVSIM_FAULT_PARTIAL the number
 *		of ops of the batch applied before the failure, as when the
 *		hypervisor stops at a failing op without rolling back).
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
 * @io_requests: Requests the guest published (PENDING), from
 *		HVSIM_IOCTL_GUEST_IO and HVSIM_IOCTL_GUEST_LOOP.
 * @io_completed: Accesses that completed (COMPLETE seen, slot freed).
 * @io_timeouts: Accesses that failed with ETIMEDOUT.
 * @io_canceled: Accesses that failed with ECANCELED (VM reset or
 *		destroyed while they waited).
 * @io_unfinished: Accesses woken by NOTIFY_REQUEST_FINISH while their
 *		slot was not COMPLETE (EPROTO).
 * @notify_not_complete: NOTIFY_REQUEST_FINISH calls accepted while the
 *		vCPU's slot was not COMPLETE.
 * @notify_polling: NOTIFY_REQUEST_FINISH calls accepted for a VM that
 *		polls for completion (they signal nothing).
 *
 * Fields after @upcalls came with API version 2. The version 1 command
 * (the same number with the size of @hypercalls and @upcalls) still
 * answers with the first two fields.
 */
struct hvsim_stats {
	__u64	hypercalls[HVSIM_NR_HYPERCALLS];
	__u64	upcalls;
	__u64	io_requests;
	__u64	io_completed;
	__u64	io_timeouts;
	__u64	io_canceled;
	__u64	io_unfinished;
	__u64	notify_not_complete;
	__u64	notify_polling;
};

/* struct hvsim_io::flags */
#define HVSIM_IO_NO_UPCALL	(1U << 0)	/* publish PENDING, raise no upcall */

/* Default of struct hvsim_io::timeout_ms */
#define HVSIM_IO_TIMEOUT_MS	5000

/**
 * struct hvsim_io - argument of HVSIM_IOCTL_GUEST_IO: one guest access
 * @vmid:	VM slot (1 to max_vms - 1); the VM must be running.
 * @vcpu:	vCPU making the access; its I/O request slot is used.
 * @type:	ACRN_IOREQ_TYPE_PORTIO or ACRN_IOREQ_TYPE_MMIO.
 * @direction:	ACRN_IOREQ_DIR_READ or ACRN_IOREQ_DIR_WRITE.
 * @size:	Access size in bytes: 1, 2 or 4 for port I/O, 1, 2, 4 or 8
 *		for MMIO.
 * @flags:	HVSIM_IO_*.
 * @timeout_ms:	How long the whole access may take: waiting for the slot
 *		to be free, then for the request to complete; 0 means
 *		HVSIM_IO_TIMEOUT_MS.
 * @address:	Port (the whole access inside 0 to 0xffff) or guest
 *		physical address (the access must not wrap around).
 * @value:	In: value written, masked to @size bytes; for a read, the
 *		masked value is left in the slot (the real hypervisor leaves
 *		a stale value there). Out: for a read, the value the Service
 *		VM returned, masked to @size bytes; unchanged for a write.
 * @reserved:	Must be 0.
 *
 * The simulator does what the hypervisor does for a trapped access: it
 * waits for the vCPU's slot to be FREE, fills in @type and the request
 * (direction, address, size, value), sets completion_polling if the VM
 * was created with the I/O completion polling flag (it never clears it),
 * publishes PENDING (release store), raises the upcall on CPU 0 (unless
 * HVSIM_IO_NO_UPCALL), waits for COMPLETE, copies a read value back
 * (port I/O and PCICFG: the 32-bit value at offset 24, MMIO: the 64-bit
 * one) and frees the slot.
 *
 * An MMIO access whose first byte's page is mapped in the VM's EPT
 * (SET_MEMORY_REGIONS) does not trap, as on real hardware: it reads or
 * writes @size bytes of guest memory, little endian, with the rules and
 * errors of HVSIM_IOCTL_GUEST_MEM (ENXIO if it runs into an unmapped
 * second page, EACCES, EOPNOTSUPP), and completes at once without an I/O
 * request or upcall (API version 3). The VM must be running.
 *
 * Waiting for COMPLETE: a VM that polls spins until the slot is COMPLETE;
 * otherwise the vCPU sleeps until NOTIFY_REQUEST_FINISH signals its event
 * (a level: a notification that comes before the vCPU sleeps is not
 * lost) and then looks at the slot once: not COMPLETE is EPROTO.
 *
 * A request that failed with ETIMEDOUT, EINTR or EPROTO is abandoned in
 * its slot. The next access of that vCPU waits for the Service VM to
 * complete it, frees the slot, and goes on with its own request; if the
 * abandoned request's notification has not come yet, the first
 * notification the new request sees while not COMPLETE is taken for it.
 * A slot that is neither FREE nor an abandoned request of this vCPU is
 * waited for (the real hypervisor drops the access instead).
 *
 * Errors: ENOENT (no such VM or vCPU), EINVAL (bad type, direction, size,
 * address, flags or reserved field), EBUSY (VM not running, or another
 * access of the same vCPU in progress), EFAULT (bad pointer, or the I/O
 * request page is not a page in use), ETIMEDOUT (slot not free, or
 * request not completed, within @timeout_ms), ECANCELED (the VM was reset
 * or destroyed while waiting; pausing does not cancel), EPROTO (notified
 * but the slot was not COMPLETE: the vCPU resumes without the value, as
 * on the real hypervisor), EINTR (signal; the access is not restarted);
 * for an MMIO access to guest memory ENXIO, EACCES or EOPNOTSUPP.
 */
struct hvsim_io {
	__u16	vmid;
	__u16	vcpu;
	__u32	type;
	__u32	direction;
	__u32	size;
	__u32	flags;
	__u32	timeout_ms;
	__u64	address;
	__u64	value;
	__u64	reserved;
};

/* struct hvsim_io_loop::flags */
#define HVSIM_LOOP_VARY_VALUE	(1U << 0)	/* value + (vcpu << 32 or 24) + i */

/**
 * struct hvsim_io_loop - argument of HVSIM_IOCTL_GUEST_LOOP
 * @io:		   Template access; @io.vcpu is ignored and @io.timeout_ms
 *		   applies to each access.
 * @vcpus:	   Number of vCPUs (0 to @vcpus - 1 of the VM, 1 to its
 *		   vcpu_num) each running @count accesses back to back in
 *		   its own kernel thread.
 * @count:	   Accesses per vCPU, 1 to HVSIM_LOOP_MAX_COUNT.
 * @flags:	   HVSIM_LOOP_*. With HVSIM_LOOP_VARY_VALUE access i (from 0)
 *		   of vCPU v uses @io.value + (v << 32) + i for MMIO and
 *		   @io.value + (v << 24) + i for port I/O, masked to
 *		   @io.size bytes (so the vCPU number is lost in narrow
 *		   accesses).
 * @reserved:	   Must be 0.
 * @elapsed_ns:	   Out: wall time from the first access to the last
 *		   completion.
 * @completed:	   Out: accesses completed.
 * @failed:	   Out: accesses that failed; a vCPU stops at its first
 *		   failure.
 * @p50_ns:	   Out: median round trip (PENDING published to COMPLETE
 *		   seen) of the completed accesses (nearest rank).
 * @p99_ns:	   Out: 99th percentile round trip (nearest rank).
 * @max_ns:	   Out: longest round trip.
 * @ctx_switches:  Out: context switches (voluntary and involuntary) of
 *		   the vCPU threads during the loop.
 * @first_error:   Out: errno (positive) of the first failure, 0 if none.
 * @reserved2:	   Out: 0.
 *
 * The ioctl returns 0 once every vCPU has finished, also when accesses
 * failed (see @failed and @first_error). Errors: EINVAL (bad template,
 * @vcpus, @count, @flags or @reserved), ENOENT (no such VM, or fewer
 * than @vcpus vCPUs), EBUSY (VM not running), ENOMEM (the round trips of
 * @vcpus x @count accesses are recorded, 8 bytes each), EINTR (signal:
 * the vCPU threads are stopped, their current access abandoned, and
 * nothing is reported).
 */
struct hvsim_io_loop {
	struct hvsim_io	io;
	__u32	vcpus;
	__u32	count;
	__u32	flags;
	__u32	reserved;
	__u64	elapsed_ns;
	__u64	completed;
	__u64	failed;
	__u64	p50_ns;
	__u64	p99_ns;
	__u64	max_ns;
	__u64	ctx_switches;
	__s32	first_error;
	__u32	reserved2;
};

#define HVSIM_LOOP_MAX_COUNT	(1U << 20)

/* struct hvsim_mem::flags */
#define HVSIM_MEM_WRITE		(1U << 0)	/* write guest memory, else read */

/* Largest struct hvsim_mem::len */
#define HVSIM_MEM_MAX_LEN	(1U << 20)

/**
 * struct hvsim_mem - argument of HVSIM_IOCTL_GUEST_MEM: the guest reads or
 * writes its own memory, through the VM's EPT (API version 3)
 * @vmid:	VM slot (1 to max_vms - 1); the VM must exist (any state but
 *		powered off).
 * @flags:	HVSIM_MEM_*.
 * @len:	Bytes, 1 to HVSIM_MEM_MAX_LEN; the range must not wrap.
 * @gpa:	Guest physical address of the first byte.
 * @buf:	User address of @len bytes: the data read, or to write.
 * @done:	Out: bytes copied before the access stopped (@len on
 *		success).
 * @reserved:	Must be 0.
 *
 * Each guest page is looked up in the EPT as the hardware would, and
 * needs read (to read) or write (to write) access. The copy stops at the
 * first page that fails.
 *
 * Errors: ENOENT (no such VM), EINVAL (bad flags, length, wrap or
 * reserved field), EFAULT (bad @buf), ENXIO (a page not mapped in the
 * EPT: an EPT violation; @done tells where), EACCES (a page mapped
 * without the access right needed), EOPNOTSUPP (a page mapped to host
 * memory that is not RAM, or uncached: passthrough MMIO, which the
 * simulator does not model).
 */
struct hvsim_mem {
	__u16	vmid;
	__u16	flags;
	__u32	len;
	__u64	gpa;
	__u64	buf;
	__u32	done;
	__u32	reserved;
};

/* struct hvsim_ept_info::flags */
#define HVSIM_EPT_MAPPED	(1U << 0)	/* @gpa is mapped */

/**
 * struct hvsim_ept_info - argument of HVSIM_IOCTL_GET_EPT: a VM's guest
 * physical map and how it was built (API version 3)
 * @vmid:	   In: VM slot (1 to max_vms - 1).
 * @flags:	   Out: HVSIM_EPT_*, about @gpa.
 * @gpa:	   In: a guest physical address to translate.
 * @hpa:	   Out: the host (Service VM) physical address @gpa maps to,
 *		   0 if unmapped.
 * @attr:	   Out: memory type and access bits of @gpa's page, exactly
 *		   as the ADD op gave them (ACRN_MEM_TYPE_* | ACRN_MEM_ACCESS_*),
 *		   0 if unmapped.
 * @reserved:	   Must be 0.
 * @mapped_pages:  Out: 4 KiB pages mapped.
 * @batches:	   Out: SET_MEMORY_REGIONS hypercalls for the VM (since it
 *		   was created; a VM created later in the slot starts at 0).
 * @ops_add:	   Out: ADD ops applied.
 * @ops_del:	   Out: DEL (and MODIFY, which deletes) ops applied.
 * @ops_failed:	   Out: ops that failed (each ends its batch).
 * @overlaps:	   Out: pages an applied ADD op found already mapped; they
 *		   keep their old mapping, as on the real hypervisor.
 */
struct hvsim_ept_info {
	__u16	vmid;
	__u16	flags;
	__u32	attr;
	__u64	gpa;
	__u64	hpa;
	__u64	reserved;
	__u64	mapped_pages;
	__u64	batches;
	__u64	ops_add;
	__u64	ops_del;
	__u64	ops_failed;
	__u64	overlaps;
};

/*
 * mmap() of /dev/acrn_hvsim: simulated device memory, the kind of memory
 * a device model gets from a driver's VM_PFNMAP mapping (a framebuffer,
 * an ivshmem region). The page offset selects a region; each is
 * HVSIM_DEVMEM_SIZE bytes, allocated when the module loads and kept
 * until it unloads, like a device's aperture, and made of
 * HVSIM_DEVMEM_CHUNK-sized physically contiguous chunks. A mapping
 * covers at most the region from the offset on; MAP_SHARED only.
 */
#define HVSIM_DEVMEM_SIZE	(8U << 20)
#define HVSIM_DEVMEM_CHUNK	(2U << 20)
/* Reserved pages (not refcounted): what SET_MEMSEG may map. */
#define HVSIM_MMAP_DEVMEM	0ULL
/* The same pages with every other page left unmapped (holes). */
#define HVSIM_MMAP_DEVMEM_HOLES	(1ULL << 32)
/*
 * HVSIM_NORMAL_SIZE bytes of ordinary refcounted pages mapped with
 * VM_PFNMAP: SET_MEMSEG must refuse them.
 */
#define HVSIM_MMAP_NORMAL	(2ULL << 32)
#define HVSIM_NORMAL_SIZE	(64U << 10)
/* The devmem pages mapped in reverse chunk order: not contiguous across chunks. */
#define HVSIM_MMAP_DEVMEM_REVERSED (3ULL << 32)

/* Length of struct hvsim_event::text, NUL included */
#define HVSIM_EVENT_TEXT	248
/* Events kept per VM slot; older ones are dropped */
#define HVSIM_EVENTS_MAX	256

/**
 * struct hvsim_event - one thing the simulated hypervisor did (API 4)
 * @seq:	Sequence number, from 1, counting the events of every slot
 *		in the order they happened; never reused.
 * @text:	What happened, NUL-terminated, in the format
 *		Documentation/simulator.rst lists: a keyword, then
 *		"name=value" pairs separated by one space, numbers in
 *		decimal or 0x-prefixed lowercase hex, PCI addresses as
 *		bb:dd.f, e.g. "msi addr=0xfee01000 data=0x31" or
 *		"irqline gsi=4 op=raising_pulse".
 */
struct hvsim_event {
	__u64	seq;
	char	text[HVSIM_EVENT_TEXT];
};

/**
 * struct hvsim_events - argument of HVSIM_IOCTL_GET_EVENTS: a VM slot's
 * event log (API version 4)
 * @vmid:	In: VM slot: 0 for the Service VM (CPU offlining), 1 to
 *		max_vms - 1 for a User VM.
 * @reserved:	Must be 0.
 * @count:	In: entries @buf has room for, 0 to HVSIM_EVENTS_MAX (0
 *		only reports @last_seq and @dropped). Out: entries written.
 * @since:	In: only events with a sequence number above this one
 *		(0 for all the log holds).
 * @buf:	In: user address of @count &struct hvsim_event, filled
 *		oldest first.
 * @last_seq:	Out: sequence number of the slot's newest event, 0 if the
 *		log is empty.
 * @dropped:	Out: events of the slot's log dropped because it was full.
 *
 * The simulated hypervisor logs each hypercall it accepts that changes
 * or reports a VM's devices, interrupts or power states, and the VM's
 * life cycle (create, start, pause, reset, destroy); refused hypercalls
 * log nothing. A slot's log starts afresh, @dropped at 0, when a VM is
 * created in it, and is kept after the VM is destroyed.
 *
 * Errors: ENOENT (no such slot), EINVAL (@count too large, @reserved),
 * EFAULT (bad @buf).
 */
struct hvsim_events {
	__u16	vmid;
	__u16	reserved;
	__u32	count;
	__u64	since;
	__u64	buf;
	__u64	last_seq;
	__u64	dropped;
};

/**
 * struct hvsim_irqs_off - argument of HVSIM_IOCTL_GET_IRQS_OFF: hypercalls
 * the Service VM made with interrupts disabled (API version 5)
 * @calls:  Per hypercall index, the calls made with interrupts disabled
 *	    on the calling CPU, since the simulator was loaded.
 * @max_ns: Per hypercall index, the longest of those calls, in
 *	    nanoseconds: time the Service VM's CPU spent with interrupts
 *	    off inside the hypervisor.
 *
 * The real hypervisor sees the caller's RFLAGS.IF on every vmcall; this
 * is that observation. A Service VM should only make short hypercalls
 * with interrupts off: a reset or destroy, whose duration the hypervisor
 * decides, never.
 */
struct hvsim_irqs_off {
	__u64	calls[HVSIM_NR_HYPERCALLS];
	__u64	max_ns[HVSIM_NR_HYPERCALLS];
};

/*
 * vCPU engines (API version 6): a userspace program that runs a VM's
 * guest code (e.g. with KVM) claims the VM and gets a file for it. See
 * Documentation/simulator.rst, "vCPU engines".
 */

/* struct hvsim_claim::flags */
#define HVSIM_CLAIM_NEXT	(1U << 0)	/* the next VM created, @vmid 0 */

/**
 * struct hvsim_claim - argument of HVSIM_IOCTL_ENGINE_CLAIM
 * @vmid:	VM slot of an existing VM (1 to max_vms - 1), or 0 with
 *		HVSIM_CLAIM_NEXT.
 * @flags:	HVSIM_CLAIM_*.
 * @reserved:	Must be 0.
 *
 * Returns a new file descriptor (O_CLOEXEC, O_RDWR), the claim. Claiming
 * is exclusive: one claim per VM. With HVSIM_CLAIM_NEXT the claim is
 * armed and takes the next VM created that no other armed claim took
 * (armed claims are served in the order they were made); until then its
 * read() blocks and poll() reports nothing. The claim ends when the file
 * is closed (whatever the VM's state), when the VM is destroyed, or when
 * the engine does not acknowledge a life-cycle record in time.
 *
 * Errors: EINVAL (bad @flags, @reserved, or @vmid with
 * HVSIM_CLAIM_NEXT), ENOENT (no such VM), EBUSY (the VM is claimed),
 * ENOMEM, EMFILE, EBADF (/dev/acrn_hvsim not open for writing).
 */
struct hvsim_claim {
	__u16	vmid;
	__u16	flags;
	__u32	reserved;
};

/* struct hvsim_engine_record::type */
#define HVSIM_REC_ATTACH	1	/* the claim took the VM: @vm */
#define HVSIM_REC_START		2	/* START_VM: @vm, with the BSP's registers */
#define HVSIM_REC_PAUSE		3	/* PAUSE_VM (HVSIM_REC_ACK) */
#define HVSIM_REC_RESET		4	/* RESET_VM (HVSIM_REC_ACK) */
#define HVSIM_REC_DESTROY	5	/* DESTROY_VM (HVSIM_REC_ACK); the last */
#define HVSIM_REC_EPT_MAP	6	/* SET_MEMORY_REGIONS ADD op: @ept */
#define HVSIM_REC_EPT_UNMAP	7	/* delete op: @ept (@hpa, @attr 0) */
#define HVSIM_REC_MSI		8	/* INJECT_MSI accepted: @msi */
#define HVSIM_REC_IRQLINE	9	/* SET_IRQLINE accepted: @irqline */
#define HVSIM_REC_LOST		10	/* records were lost: @lost */

/* struct hvsim_engine_record::flags */
#define HVSIM_REC_ACK		(1U << 0)	/* the hypercall waits for an ack */

/* Size of every record read() returns */
#define HVSIM_REC_SIZE		320

/**
 * struct hvsim_engine_record - one record read() of a claim returns
 * @seq:	Sequence number within the claim, from 1, every record
 *		counted (lost ones too). HVSIM_ENGINE_ACK takes it.
 * @type:	HVSIM_REC_*.
 * @vmid:	The VM.
 * @flags:	HVSIM_REC_*: HVSIM_REC_ACK if the hypercall that made the
 *		record waits until the engine acknowledges @seq (or a later
 *		record) with HVSIM_ENGINE_ACK.
 * @u:		Payload, by @type; bytes not used are 0.
 * @u.vm:	ATTACH and START.
 * @u.vm.vcpu_num: The VM's vCPUs.
 * @u.vm.regs_set: Bit n set: vCPU n got registers from SET_VCPU_REGS.
 * @u.vm.state:	HVSIM_VM_* when the record was made.
 * @u.vm.guest_flags: Guest flags the hypervisor kept from vm_flag.
 * @u.vm.bsp_regs: vCPU 0's registers as SET_VCPU_REGS gave them (zero if
 *		bit 0 of @u.vm.regs_set is clear): where the BSP starts.
 *		HVSIM_IOCTL_GET_VCPU_REGS reads the others'.
 * @u.ept:	EPT_MAP and EPT_UNMAP: the op's range, as the op gave it.
 * @u.ept.gpa:	Guest physical address.
 * @u.ept.size:	Bytes.
 * @u.ept.hpa:	EPT_MAP: Service VM physical address of @u.ept.gpa.
 * @u.ept.attr:	EPT_MAP: ACRN_MEM_TYPE_* | ACRN_MEM_ACCESS_*.
 * @u.ept.reserved: 0.
 * @u.msi:	MSI: the &struct acrn_msi_entry of INJECT_MSI.
 * @u.irqline:	IRQLINE: @u.irqline.gsi and @u.irqline.op (ACRN_IRQLINE_*).
 * @u.lost:	LOST: @u.lost.count records were lost, the last of them
 *		had sequence number @u.lost.last_seq (the record's @seq
 *		too). HVSIM_REC_ACK if one of them needed an ack.
 * @u.raw:	Pads the record to HVSIM_REC_SIZE bytes.
 */
struct hvsim_engine_record {
	__u64	seq;
	__u16	type;
	__u16	vmid;
	__u32	flags;
	union {
		struct {
			__u16	vcpu_num;
			__u16	regs_set;
			__u32	state;
			__u64	guest_flags;
			struct acrn_regs bsp_regs;
		} vm;
		struct {
			__u64	gpa;
			__u64	size;
			__u64	hpa;
			__u32	attr;
			__u32	reserved;
		} ept;
		struct {
			__u64	addr;
			__u64	data;
		} msi;
		struct {
			__u32	gsi;
			__u32	op;
		} irqline;
		struct {
			__u64	count;
			__u64	last_seq;
		} lost;
		__u8	raw[HVSIM_REC_SIZE - 16];
	} u;
};

/**
 * struct hvsim_engine_range - argument of HVSIM_ENGINE_GET_RANGE: the
 * next run of guest pages the VM's EPT maps
 * @gpa:	In: where to start looking (rounded down to 4 KiB). Out:
 *		first mapped page at or above it.
 * @size:	Out: bytes of consecutive mapped pages with the same
 *		@attr from @gpa, at most HVSIM_RANGE_MAX_PAGES pages (a
 *		longer run goes on at @gpa + @size); 0 if nothing is
 *		mapped at or above the address asked for.
 * @attr:	Out: ACRN_MEM_TYPE_* | ACRN_MEM_ACCESS_* of the run.
 * @reserved:	Must be 0.
 *
 * Errors: ENOLINK (the claim has no VM), EINVAL (@reserved), EFAULT.
 */
struct hvsim_engine_range {
	__u64	gpa;
	__u64	size;
	__u32	attr;
	__u32	reserved;
};

#define HVSIM_RANGE_MAX_PAGES	4096

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
#define HVSIM_IOCTL_GUEST_IO		\
	_IOWR(HVSIM_IOCTL_TYPE, 0xE6, struct hvsim_io)
#define HVSIM_IOCTL_GUEST_LOOP		\
	_IOWR(HVSIM_IOCTL_TYPE, 0xE7, struct hvsim_io_loop)
#define HVSIM_IOCTL_GUEST_MEM		\
	_IOWR(HVSIM_IOCTL_TYPE, 0xE8, struct hvsim_mem)
#define HVSIM_IOCTL_GET_EPT		\
	_IOWR(HVSIM_IOCTL_TYPE, 0xE9, struct hvsim_ept_info)
#define HVSIM_IOCTL_GET_EVENTS		\
	_IOWR(HVSIM_IOCTL_TYPE, 0xEA, struct hvsim_events)
#define HVSIM_IOCTL_GET_IRQS_OFF	\
	_IOR(HVSIM_IOCTL_TYPE, 0xEB, struct hvsim_irqs_off)
#define HVSIM_IOCTL_ENGINE_CLAIM	\
	_IOW(HVSIM_IOCTL_TYPE, 0xEC, struct hvsim_claim)

/*
 * On a claim file. HVSIM_ENGINE_ACK: the engine stopped running the
 * VM's guest code for every record up to the given sequence number
 * (EINVAL if no such record was made). HVSIM_ENGINE_IO: one access of
 * one vCPU, as HVSIM_IOCTL_GUEST_IO (@vmid 0 or the claim's; ENOLINK
 * once the claim has no VM). HVSIM_ENGINE_GET_RANGE: see above.
 */
#define HVSIM_ENGINE_ACK		\
	_IOW(HVSIM_IOCTL_TYPE, 0xF0, __u64)
#define HVSIM_ENGINE_IO			\
	_IOWR(HVSIM_IOCTL_TYPE, 0xF1, struct hvsim_io)
#define HVSIM_ENGINE_GET_RANGE		\
	_IOWR(HVSIM_IOCTL_TYPE, 0xF2, struct hvsim_engine_range)

#endif /* _UAPI_ACRN_HVSIM_H */
