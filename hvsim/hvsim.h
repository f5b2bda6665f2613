/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal interfaces of acrn_hvsim, the simulated ACRN hypervisor.
 */
#ifndef __ACRN_HVSIM_H
#define __ACRN_HVSIM_H

#include <linux/acrn.h>
#include <linux/acrn_hvsim.h>
#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/irq_work.h>
#include <linux/kconfig.h>
#include <linux/mutex.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <kunit/visibility.h>

struct file;
struct hvsim_ept;
struct iov_iter;
struct vm_area_struct;

#include "../hv_abi.h"

/* Limits of the module parameters */
#define HVSIM_MAX_VMS_LIMIT	64

/*
 * Pages a VM's EPT maps at most (64 GiB; about 150 MiB of xarray): an ADD
 * beyond gets -EINVAL, as a hypervisor whose EPT page pool is exhausted.
 */
#define HVSIM_EPT_MAX_PAGES	BIT_ULL(24)
#define HVSIM_PCPUS_LIMIT	64

/* Guest flags the hypervisor takes from the device model's vm_flag */
#define HVSIM_GUEST_FLAG_SECURE_WORLD	BIT_ULL(0)
#define HVSIM_GUEST_FLAG_LAPIC_PT	BIT_ULL(1)
#define HVSIM_GUEST_FLAG_IO_POLLING	BIT_ULL(2)
#define HVSIM_GUEST_FLAG_RT		BIT_ULL(4)
#define HVSIM_GUEST_FLAGS_DM_OWNED	(HVSIM_GUEST_FLAG_SECURE_WORLD | \
					 HVSIM_GUEST_FLAG_LAPIC_PT | \
					 HVSIM_GUEST_FLAG_IO_POLLING | \
					 HVSIM_GUEST_FLAG_RT)

extern const struct acrn_hv_backend acrn_hvsim_backend;
extern unsigned int hvsim_max_vms;
extern unsigned int hvsim_pcpus;

u64 hvsim_pcpu_mask(void);

/**
 * struct hvsim_upcall - the upcall interrupt into the Service VM
 * @handler: Function the interrupt runs, NULL for none.
 * @lock:    Serialises the raisers' use of @csd, as
 *	     smp_call_function_single_async() requires.
 * @csd:     Gets CPU 0 (the Service VM's BSP, which the real hypervisor
 *	     always targets) to queue @work.
 * @work:    Runs @handler on CPU 0 in hard-IRQ context.
 * @kicks:   Kicks sent to CPU 0 that have not finished queueing @work.
 * @raised:  Number of upcalls raised.
 */
struct hvsim_upcall {
	acrn_upcall_fn		handler;
	raw_spinlock_t		lock;
	call_single_data_t	csd;
	struct irq_work		work;
	atomic_t		kicks;
	atomic64_t		raised;
};

/* Static initialiser; @name is the instance being initialised. */
#define HVSIM_UPCALL_INIT(name) {					\
	.lock = __RAW_SPIN_LOCK_UNLOCKED(hvsim_upcall.lock),		\
	.csd = CSD_INIT(hvsim_upcall_kick, &(name)),			\
	.work = IRQ_WORK_INIT_HARD(hvsim_upcall_run),			\
}

extern struct hvsim_upcall hvsim_upcall;

void hvsim_upcall_kick(void *info);
void hvsim_upcall_run(struct irq_work *work);
void hvsim_upcall_set(struct hvsim_upcall *u, acrn_upcall_fn handler);
void hvsim_upcall_clear(struct hvsim_upcall *u);
void hvsim_upcall_raise(struct hvsim_upcall *u);

/**
 * struct hvsim_vcpu - a simulated vCPU, as the hypervisor keeps it
 * @regs_set: SET_VCPU_REGS gave it registers since creation or reset.
 * @regs:     The registers it was given.
 */
struct hvsim_vcpu {
	bool			regs_set;
	struct acrn_regs	regs;
};

/**
 * struct hvsim_guest_vcpu - a vCPU as the guest side (guest.c) drives it
 * @wq:		 Woken by NOTIFY_REQUEST_FINISH for the vCPU and by RESET_VM
 *		 and DESTROY_VM of the VM.
 * @event:	 The vCPU's I/O request event (VCPU_EVENT_IOREQ on ACRN):
 *		 set by NOTIFY_REQUEST_FINISH, consumed by the access that
 *		 waits for it. It is a level, so a notification that comes
 *		 before the access sleeps is not lost; an access clears it
 *		 when it publishes its request.
 * @busy:	 An access of this vCPU is in progress (one at a time).
 * @abandoned:	 The request in the slot was given up (timeout, signal, or
 *		 notified before it was COMPLETE): the next access frees the
 *		 slot once the Service VM has completed it.
 * @late_notify: The next access freed an abandoned request that was
 *		 COMPLETE before its notification came; that notification
 *		 is still due and must not end the new request early.
 *
 * Everything but @wq is protected by hvsim_vms_lock.
 */
struct hvsim_guest_vcpu {
	wait_queue_head_t	wq;
	bool			event;
	bool			busy;
	bool			abandoned;
	bool			late_notify;
};

/**
 * struct hvsim_ptdev_state - passthrough and virtual devices of a VM
 * @nr_pcidevs:		Entries of @pcidev in use.
 * @nr_intx:		Entries of @intx in use.
 * @nr_mmiodevs:	Entries of @mmiodev in use.
 * @nr_vdevs:		Entries of @vdev in use.
 * @pcidev:		PCI devices passed through (ASSIGN_PCIDEV), oldest
 *			first.
 * @pcidev.virt_bdf:	Bus/device/function the VM sees.
 * @pcidev.phys_bdf:	The simulated board's device.
 * @pcidev.type:	&struct acrn_pcidev type, as given.
 * @pcidev.intr_line:	PCI interrupt line, as given.
 * @pcidev.intr_pin:	PCI interrupt pin, as given.
 * @intx:		INTx remappings (SET_PTDEV_INTR) of the devices in
 *			@pcidev, in the order they were set.
 * @intx.virt_bdf:	The device's virtual bus/device/function.
 * @intx.phys_bdf:	The device's physical bus/device/function.
 * @intx.virt_pin:	Virtual IOAPIC pin, or virtual PIC pin if @intx.pic.
 * @intx.phys_pin:	Physical IOAPIC pin (GSI) of the board.
 * @intx.pic:		@intx.virt_pin is a PIC pin.
 * @mmiodev:		MMIO devices passed through (ASSIGN_MMIODEV),
 *			oldest first.
 * @mmiodev.name:	Name, as given (not NUL-terminated if 8 bytes long).
 * @mmiodev.res:	Resources; an unused one is all zero.
 * @mmiodev.res.gpa:	Guest physical address.
 * @mmiodev.res.hpa:	Host physical address, inside a board MMIO window.
 * @mmiodev.res.size:	Size in bytes, 0 for an unused resource.
 * @vdev:		Virtual devices (CREATE_VDEV), oldest first.
 * @vdev.id:		&struct acrn_vdev id.value.
 * @vdev.slot:		Virtual bus/device/function.
 *
 * Owned by ptdev.c; protected by hvsim_vms_lock; all zero for a free
 * slot. RESET_VM keeps it, DESTROY_VM clears it.
 */
struct hvsim_ptdev_state {
	/* BEGIN ptdev.c fields */
	u8	nr_pcidevs;
	u8	nr_intx;
	u8	nr_mmiodevs;
	u8	nr_vdevs;
	struct {
		u16	virt_bdf;
		u16	phys_bdf;
		u32	type;
		u8	intr_line;
		u8	intr_pin;
	} pcidev[8];
	struct {
		u16	virt_bdf;
		u16	phys_bdf;
		u8	virt_pin;
		u8	phys_pin;
		bool	pic;
	} intx[24];
	struct {
		u8	name[8];
		struct {
			u64	gpa;
			u64	hpa;
			u64	size;
		} res[ACRN_MMIODEV_RES_NUM];
	} mmiodev[3];
	struct {
		u64	id;
		u16	slot;
	} vdev[8];
	/* END ptdev.c fields */
};

struct hvsim_event_log;
struct hvsim_engine;

/* Records a claim's ring holds; the last few only for life-cycle ones. */
#define HVSIM_RING_SIZE		256
#define HVSIM_RING_RESERVED	16

/**
 * struct hvsim_ring - the records a claim has not read yet (engine.c)
 * @rec:	 HVSIM_RING_SIZE records.
 * @size:	 Entries of @rec.
 * @head:	 Oldest record.
 * @count:	 Records queued.
 * @lost:	 Records lost since the reader last got a LOST record.
 * @lost_seq:	 Sequence number of the last of them.
 * @lost_flags:	 HVSIM_REC_ACK if one of them needed an ack.
 *
 * Protected by the claim's lock.
 */
struct hvsim_ring {
	struct hvsim_engine_record	*rec;
	u32				size;
	u32				head;
	u32				count;
	u32				lost_flags;
	u64				lost;
	u64				lost_seq;
};

/**
 * struct hvsim_engine_wait - a hypercall waiting for an engine's ack
 * @engine:  The claim, referenced.
 * @seq:     The record to be acknowledged.
 * @destroy: DESTROY_VM: the claim's mappings go, whatever the engine does.
 */
struct hvsim_engine_wait {
	struct hvsim_engine	*engine;
	u64			seq;
	bool			destroy;
};

/**
 * struct hvsim_vm - a VM slot of the simulated hypervisor
 * @state:	  HVSIM_VM_*; POWERED_OFF means the slot is free.
 * @name:	  Name from CREATE_VM; empty for a free slot.
 * @guest_flags:  Flags kept from the device model's vm_flag.
 * @cpu_affinity: Physical CPUs of the vCPUs.
 * @vcpu_num:	  Number of vCPUs.
 * @ioreq_gpa:	  Physical address of the I/O request page, 0 if none.
 * @ioreq:	  The I/O request page, NULL if none.
 * @vcpu:	  The vCPUs.
 * @ptdev:	  Passthrough devices, their interrupts and virtual devices.
 * @intr_delay_ms: Interrupt injection delay the interrupt monitor's
 *		  DELAY_INT command set, in milliseconds (intr.c; kept,
 *		  as no interrupt is injected).
 * @gen:	  Bumped by RESET_VM and DESTROY_VM: an access that started
 *		  under another generation is cancelled. Survives DESTROY_VM,
 *		  so a VM created later in the slot has a new generation.
 * @guest:	  Guest side of the vCPUs; survives DESTROY_VM (an access
 *		  may still be on its way out, holding @guest.busy).
 * @ept_mutex:	  Serialises the SET_MEMORY_REGIONS calls for the slot
 *		  (the real hypervisor runs them under the VM's lock); it
 *		  is taken before hvsim_vms_lock, and survives DESTROY_VM.
 * @ept:	  The VM's EPT (ept.c), NULL until the first
 *		  SET_MEMORY_REGIONS call for the VM. DESTROY_VM detaches
 *		  it (hvsim_ept_destroy()), so a VM created later in the
 *		  slot starts with none.
 * @events:	  The slot's event log (events.c); allocated with the
 *		  table, emptied when a VM is created in the slot.
 * @engine:	  The claim of the vCPU engine that serves the VM (engine.c),
 *		  NULL for none; not a reference: a claim detaches itself
 *		  before it goes. DESTROY_VM detaches it.
 *
 * DESTROY_VM clears the fields before @gen (hvsim_vm_clear()), the
 * hypervisor's state of the VM, after detaching @ept. Every field but
 * @ept_mutex is protected by hvsim_vms_lock; @gen is also read without
 * it (READ_ONCE()) by accesses that poll.
 */
struct hvsim_vm {
	u32				state;
	u8				name[16];
	u64				guest_flags;
	u64				cpu_affinity;
	u16				vcpu_num;
	u64				ioreq_gpa;
	struct acrn_io_request_buffer	*ioreq;
	struct hvsim_vcpu		vcpu[ACRN_IO_REQUEST_MAX];
	struct hvsim_ptdev_state	ptdev;
	u64				intr_delay_ms;

	unsigned long			gen;
	struct hvsim_guest_vcpu		guest[ACRN_IO_REQUEST_MAX];
	struct mutex			ept_mutex;	/* see above */
	struct hvsim_ept		*ept;
	struct hvsim_event_log		*events;
	struct hvsim_engine		*engine;
};

/*
 * The VM table, hvsim_max_vms slots, and its lock: irq-safe, as
 * hypercalls may come from any context (the HSM's upcall handler issues
 * NOTIFY_REQUEST_FINISH in hard-IRQ context).
 */
extern spinlock_t hvsim_vms_lock;
extern struct hvsim_vm *hvsim_vms;

/* hypercall.c: dispatch, fault injection, statistics, guest memory */
long hvsim_hypercall(unsigned long id, unsigned long param1,
		     unsigned long param2);
void *hvsim_gpa_to_hva(u64 gpa, size_t len);
int hvsim_copy_from_gpa(void *dst, u64 gpa, size_t len);
int hvsim_copy_to_gpa(u64 gpa, const void *src, size_t len);
int hvsim_fault_set(const struct hvsim_fault *fault);
void hvsim_faults_clear(void);
void hvsim_stats_get(struct hvsim_stats *stats);
void hvsim_irqs_off_get(struct hvsim_irqs_off *out);

/* vm.c: the VM table and the VM management hypercalls */
int hvsim_vms_init(void);
void hvsim_vms_exit(void);
long hvsim_vm_create(u64 param_gpa, const struct hvsim_fault *quirk);
long hvsim_hc_create_vm(unsigned long param1, unsigned long param2);
long hvsim_hc_destroy_vm(unsigned long param1, unsigned long param2);
long hvsim_hc_start_vm(unsigned long param1, unsigned long param2);
long hvsim_hc_pause_vm(unsigned long param1, unsigned long param2);
long hvsim_hc_reset_vm(unsigned long param1, unsigned long param2);
long hvsim_hc_set_vcpu_regs(unsigned long param1, unsigned long param2);
long hvsim_hc_set_ioreq_buffer(unsigned long param1, unsigned long param2);
int hvsim_vm_get_info(struct hvsim_vm_info *info);
int hvsim_vm_get_vcpu_regs(struct hvsim_vcpu_regs *regs);
long hvsim_hc_notify_request_finish(unsigned long param1,
				    unsigned long param2);

/* A hypercall handler for a User VM, run with hvsim_vms_lock held. */
typedef long (*hvsim_vm_op_t)(struct hvsim_vm *vm, unsigned long hc,
			      unsigned long param2);
long hvsim_on_target(unsigned long hc, unsigned long param1,
		     unsigned long param2, hvsim_vm_op_t op);

/* events.c: the per-slot event logs */
int hvsim_events_init(void);
void hvsim_events_exit(void);
void hvsim_events_reset(struct hvsim_vm *vm);
__printf(2, 3) void hvsim_event(struct hvsim_vm *vm, const char *fmt, ...);
int hvsim_events_get(struct hvsim_events *req, struct hvsim_event *out);

/* intr.c: interrupt injection and the interrupt monitor */
long hvsim_hc_inject_msi(unsigned long param1, unsigned long param2);
long hvsim_hc_vm_intr_monitor(unsigned long param1, unsigned long param2);
long hvsim_hc_set_irqline(unsigned long param1, unsigned long param2);

/* pm.c: power state queries and Service VM CPU offlining */
extern unsigned int hvsim_px_states;
extern unsigned int hvsim_cx_states;
long hvsim_hc_get_cpu_state(unsigned long param1, unsigned long param2);
long hvsim_hc_sos_remove_cpu(unsigned long param1, unsigned long param2);
int hvsim_pm_init(void);
void hvsim_pm_exit(void);

/* ptdev.c: passthrough devices, their interrupts, virtual devices */
long hvsim_hc_set_ptdev_intr(unsigned long param1, unsigned long param2);
long hvsim_hc_reset_ptdev_intr(unsigned long param1, unsigned long param2);
long hvsim_hc_assign_pcidev(unsigned long param1, unsigned long param2);
long hvsim_hc_deassign_pcidev(unsigned long param1, unsigned long param2);
long hvsim_hc_assign_mmiodev(unsigned long param1, unsigned long param2);
long hvsim_hc_deassign_mmiodev(unsigned long param1, unsigned long param2);
long hvsim_hc_create_vdev(unsigned long param1, unsigned long param2);
long hvsim_hc_destroy_vdev(unsigned long param1, unsigned long param2);
u32 hvsim_ptdev_intr_data(struct hvsim_vm *vm, u64 *buf, u32 cnt);

/* guest.c: the guest's vCPUs making I/O accesses */
int hvsim_io_check(const struct hvsim_io *io);
u64 hvsim_io_mask(u32 size);
int hvsim_guest_io(struct hvsim_io *io, struct hvsim_upcall *upcall,
		   bool stoppable, u64 *rtt_ns);
int hvsim_guest_loop(struct hvsim_io_loop *loop, struct hvsim_upcall *upcall);
void hvsim_guest_notify(struct hvsim_vm *vm, u16 vcpu);
void hvsim_guest_cancel(struct hvsim_vm *vm);
void hvsim_guest_stats_get(struct hvsim_stats *stats);

/* ept.c: the User VMs' EPTs, SET_MEMORY_REGIONS and guest memory */
long hvsim_hc_set_memory_regions(unsigned long param1, unsigned long param2);
long hvsim_ept_set_regions(u64 batch_gpa, const struct hvsim_fault *partial);
void hvsim_ept_destroy(struct hvsim_vm *vm);
void hvsim_ept_exit(void);
int hvsim_ept_get_info(struct hvsim_ept_info *info);
int hvsim_ept_mem(struct hvsim_mem *mem, struct iov_iter *iter);
int hvsim_ept_mmio(struct hvsim_io *io);

/* engine.c: vCPU engines claiming VMs */
int hvsim_engine_claim(const struct hvsim_claim *req);
void hvsim_engine_vm_created(struct hvsim_vm *vm, u16 vmid);
void hvsim_engine_record(struct hvsim_vm *vm, struct hvsim_engine_record *rec);
bool hvsim_engine_step(struct hvsim_vm *vm, u16 type,
		       struct hvsim_engine_wait *wait);
void hvsim_engine_wait(struct hvsim_engine_wait *wait);
void hvsim_engine_ept_changed(struct hvsim_vm *vm, struct hvsim_ept *ept,
			      struct hvsim_engine_record *rec);
int hvsim_ept_lookup(struct hvsim_vm *vm, u64 gpa, u64 *hpa, u32 *attr);
int hvsim_ept_next_range(struct hvsim_vm *vm, struct hvsim_engine_range *range);

/* devmem.c: simulated device memory behind mmap() of /dev/acrn_hvsim */
int hvsim_devmem_init(void);
void hvsim_devmem_exit(void);
int hvsim_devmem_mmap(struct file *filp, struct vm_area_struct *vma);

#if IS_ENABLED(CONFIG_KUNIT)
long hvsim_vm_transition(u32 *state, unsigned long hc, bool has_ioreq);
long hvsim_affinity_vcpus(u64 affinity, u64 pcpu_mask);
bool hvsim_cr0_cr4_valid(u64 cr0, u64 cr4);
int hvsim_mr_check(u32 type, u64 user_vm_pa, u64 service_vm_pa, u64 size);
int hvsim_pm_cpu_online(unsigned int cpu);
bool hvsim_ring_push(struct hvsim_ring *r,
		     const struct hvsim_engine_record *rec, bool reserved);
bool hvsim_ring_pop(struct hvsim_ring *r, u16 vmid,
		    struct hvsim_engine_record *out);
#endif

#endif /* __ACRN_HVSIM_H */
