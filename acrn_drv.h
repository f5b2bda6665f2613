/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal interfaces of the ACRN Hypervisor Service Module.
 */
#ifndef __ACRN_HSM_DRV_H
#define __ACRN_HSM_DRV_H

#include <linux/acrn.h>
#include <linux/atomic.h>
#include <linux/kconfig.h>
#include <linux/list.h>
#include <linux/maple_tree.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/rwsem.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>

#include "hypercall.h"

struct attribute_group;
struct dentry;
struct mm_struct;
struct page;
struct acrn_ioreq_client;

/* A write to a write-protected guest page; the hypervisor's, not in the UAPI. */
#define ACRN_IOREQ_TYPE_WP		3

/**
 * enum acrn_ioreq_held - a slot's completion waiting out a quiesce (ioreq.c)
 * @ACRN_IOREQ_HELD_NONE:	  Nothing held.
 * @ACRN_IOREQ_HELD_DM_VALUE:	  Completed; a read's value is in the page.
 * @ACRN_IOREQ_HELD_KERNEL_VALUE: Completed; a read's value is in the
 *				  snapshot.
 * @ACRN_IOREQ_HELD_PASS:	  Passed on to the device model by a deferred
 *				  handler.
 */
enum acrn_ioreq_held {
	ACRN_IOREQ_HELD_NONE,
	ACRN_IOREQ_HELD_DM_VALUE,
	ACRN_IOREQ_HELD_KERNEL_VALUE,
	ACRN_IOREQ_HELD_PASS,
};

/**
 * struct acrn_ioreq_slot - the kernel's own record of one I/O request slot
 * @owner:   Client the request was handed to (the slot is PROCESSING), or
 *	     NULL while the kernel has not handed out a request there.
 * @seq:     Bumped each time a request is handed out, so a deferred
 *	     handler can tell its request from a later one in the same slot.
 * @held:    What became of the request while the VM was quiesced
 *	     (enum acrn_ioreq_held); the page and the hypervisor have not
 *	     been told yet.
 * @req:     Snapshot of the request taken when it was dispatched. The
 *	     shared page may change under us at any time; everything the
 *	     kernel decides is decided on this copy.
 *
 * Protected by &acrn_vm.ioreq.lock.
 */
struct acrn_ioreq_slot {
	struct acrn_ioreq_client	*owner;
	u32				seq;
	u8				held;
	struct acrn_io_request		req;
};

/**
 * struct acrn_mm_run - physically contiguous pages of a guest memory segment
 * @pfn:   Host page frame of the first page.
 * @index: Offset of the first page in the segment, in pages. The run
 *	   ends where the next one starts (the last at the segment's end).
 */
struct acrn_mm_run {
	unsigned long	pfn;
	unsigned long	index;
};

/**
 * struct acrn_memseg - a guest memory segment (mm.c)
 * @type:      ACRN_MEMMAP_RAM or ACRN_MEMMAP_MMIO.
 * @attr:      Access rights and memory type bits from SET_MEMSEG.
 * @pinned:    The pages are pinned user pages (RAM not from VM_PFNMAP).
 * @gpa:       Guest physical address.
 * @len:       Length in bytes.
 * @npages:    Pages in @runs (@len in pages once fully set up).
 * @nr_runs:   Entries in @runs.
 * @runs:      Where the pages are, in guest order; one hypervisor op each.
 * @max_runs:  Room in @runs while the segment is being set up.
 * @kept:      Entry in &acrn_vm.mm.kept when the segment failed but the
 *	       hypervisor may still map runs [@keep_from, @keep_to).
 * @keep_from: See @kept.
 * @keep_to:   See @kept.
 * @mm:	       Address space whose locked_vm was charged for the pinned
 *	       pages (a reference from mmgrab()), or NULL.
 * @charged:   Pages charged to @mm and not given back yet.
 *
 * Fixed once the segment is in &acrn_vm.mm.segs, where readers find it
 * under RCU; @charged changes under &acrn_vm.mm.lock as pages are
 * unpinned.
 */
struct acrn_memseg {
	u32			type;
	u32			attr;
	bool			pinned;
	u64			gpa;
	u64			len;
	unsigned long		npages;
	unsigned long		nr_runs;
	struct acrn_mm_run	*runs;
	unsigned long		max_runs;
	struct list_head	kept;
	unsigned long		keep_from;
	unsigned long		keep_to;
	struct mm_struct	*mm;
	unsigned long		charged;
};

/*
 * Segments a VM may hold, failed ones whose pages stay pinned included
 * (SET_MEMSEG gives -ENOSPC beyond). Device models use a handful;
 * upstream allows 256 RAM segments.
 */
#define ACRN_MM_MAX_MEMSEGS	1024

/**
 * struct acrn_vm_ioreq - a VM's I/O request state (ioreq.c, ioreq_client.c)
 * @lock:	    Taken with interrupts off (the upcall handler takes it in
 *		    hard-IRQ context). Protects @kernel_clients, @default_client,
 *		    @slots, @pci_conf_addr, @quiesce, every client's pending
 *		    bitmap and range list, and all writes the kernel makes to
 *		    the shared page's state fields.
 * @page:	    Pinned user page holding the shared I/O request buffer
 *		    (vm.c pins and registers it).
 * @buf:	    Kernel view of @page.
 * @list:	    Entry in the list of VMs the upcall dispatches for
 *		    (written under acrn_vm_list_lock, read under RCU).
 * @listed:	    @list is linked (under acrn_vm_list_lock).
 * @kernel_clients: In-kernel clients, oldest first (oldest wins on overlap).
 * @default_client: The device model's client, or NULL.
 * @slots:	    Kernel-private state of the I/O request slots.
 * @pci_conf_addr:  Last value the guest wrote to port 0xCF8.
 * @quiesce:	    Non-zero while a reset or destroy hypercall may be
 *		    running (and for good once the VM is destroyed: its vmid
 *		    may already name another VM): completions are held, not
 *		    published, and the upcall skips the VM.
 * @quiesce_wq:	    NOTIFY and CLEAR_VM_IOREQ wait here for @quiesce to
 *		    drop to 0.
 *
 * @page and @buf are fixed between acrn_vm_create() and the VM's
 * destruction.
 */
struct acrn_vm_ioreq {
	spinlock_t			lock;		/* see above */
	struct page			*page;
	struct acrn_io_request_buffer	*buf;
	struct list_head		list;
	bool				listed;
	struct list_head		kernel_clients;
	struct acrn_ioreq_client	*default_client;
	struct acrn_ioreq_slot		slots[ACRN_IO_REQUEST_MAX];
	u32				pci_conf_addr;
	unsigned int			quiesce;
	wait_queue_head_t		quiesce_wq;
};

/**
 * struct acrn_vm_mm - a VM's guest memory (mm.c)
 * @lock:  Serialises changes to the VM's guest memory: protects writes
 *	   to @segs and @kept, and @nr.
 * @segs:  Guest memory segments by guest physical range (RCU mode:
 *	   readers need only rcu_read_lock()).
 * @kept:  Failed segments whose pages the hypervisor may still map; they
 *	   stay pinned until the VM is destroyed.
 * @nr:	   Segments in @segs and @kept, at most ACRN_MM_MAX_MEMSEGS.
 */
struct acrn_vm_mm {
	struct mutex		lock;	/* see above */
	struct maple_tree	segs;
	struct list_head	kept;
	unsigned int		nr;
};

/**
 * struct acrn_vm_intr - a VM's interrupt state (intr.c)
 * @monitor_lock: Serialises VM_INTR_MONITOR calls; protects
 *		  @monitor_page.
 * @monitor_page: Pinned user page the hypervisor last accepted as the
 *		  interrupt monitor page, or NULL.
 * @inject_sem:   Held for reading by each irqfd injection, and for
 *		  writing across the destroy hypercall: protects @destroyed.
 * @destroyed:	  The hypervisor destroyed the VM: irqfds inject nothing.
 */
struct acrn_vm_intr {
	struct mutex		monitor_lock;	/* see above */
	struct page		*monitor_page;
	struct rw_semaphore	inject_sem;	/* see above */
	bool			destroyed;
};

/**
 * struct acrn_vm_ioeventfds - a VM's ioeventfds (ioeventfd.c)
 * @lock:   Serialises assign and deassign; protects writes to @list,
 *	    @nr and @kernel_client.
 * @list:   The ioeventfds, oldest first (RCU list: the request handler
 *	    reads it under RCU).
 * @nr:	    Entries in @list.
 * @kernel_client: In-kernel client serving the ioeventfds' ranges,
 *	    created with the first ioeventfd, or NULL.
 */
struct acrn_vm_ioeventfds {
	struct mutex			lock;	/* see above */
	struct list_head		list;
	unsigned int			nr;
	struct acrn_ioreq_client	*kernel_client;
};

/**
 * struct acrn_vm_irqfds - a VM's irqfds (irqfd.c)
 * @lock:  Protects @list and @nr; held across an irqfd's set-up, from
 *	   its wait entry's installation to its publication.
 * @list:  The irqfds.
 * @nr:	   Entries in @list.
 */
struct acrn_vm_irqfds {
	struct mutex		lock;	/* see above */
	struct list_head	list;
	unsigned int		nr;
};

/**
 * struct acrn_vm - a User VM as the HSM sees it
 * @hv:		 Backend the VM lives in; the VM holds a reference on it,
 *		 and every hypercall for the VM goes through it.
 * @vmid:	 Id the hypervisor gave the VM, ACRN_INVALID_VMID until then.
 * @vcpu_num:	 Number of vCPUs, 1 to ACRN_IO_REQUEST_MAX.
 * @orphan_node: Entry in the list of VMs the hypervisor refused to destroy
 *		 when their file was closed (vm.c, under acrn_vm_orphans_lock).
 * @ioreq:	 I/O requests: the shared page, clients, slots.
 * @mm:		 Guest memory.
 * @intr:	 Interrupt injection and the interrupt monitor page.
 * @ioeventfd:	 ioeventfds.
 * @irqfd:	 irqfds.
 *
 * Each part is owned by one file and documents its own lock. A VM
 * belongs to the file descriptor that created it. The file's lock (see
 * hsm.c) serialises changes to the VM's life cycle (vm.c); @hv, @vmid and
 * @vcpu_num are fixed between acrn_vm_create() and the VM's destruction.
 */
struct acrn_vm {
	const struct acrn_hv_backend	*hv;
	u16				vmid;
	u16				vcpu_num;
	struct list_head		orphan_node;

	struct acrn_vm_ioreq		ioreq;
	struct acrn_vm_mm		mm;
	struct acrn_vm_intr		intr;
	struct acrn_vm_ioeventfds	ioeventfd;
	struct acrn_vm_irqfds		irqfd;
};

/**
 * union acrn_pm_result - answer of a PM_GET_CPU_STATE query
 * @count: PX_CNT, CX_CNT: the number of states (the hypervisor writes the
 *	   low byte).
 * @px:	   PX_DATA: one P-state.
 * @cx:	   CX_DATA: one C-state.
 */
union acrn_pm_result {
	u64			count;
	struct acrn_pstate_data	px;
	struct acrn_cstate_data	cx;
};

/**
 * typedef acrn_ioreq_handler_t - an in-kernel client's request handler
 * @client: The client.
 * @req:    A private copy of the request. For a read, the handler stores
 *	    the value in @req->reqs.pio_request.value (port I/O) or
 *	    @req->reqs.mmio_request.value (MMIO).
 *
 * Context: For a client created with ACRN_IOREQ_CLIENT_IRQSAFE, hard-IRQ
 * context with &acrn_vm.ioreq.lock held (it must not sleep nor call the
 * client API), or a worker when the upcall's budget is spent; otherwise
 * always a worker, in process context with no lock held.
 * Return: 0: the request is completed. A negative errno: it is completed
 * anyway and a read returns all ones. ACRN_IOREQ_PASS (@req left
 * unchanged): the client does not serve this access after all; it goes
 * to the device model's client, or is completed unhandled if the VM has
 * none. ACRN_IOREQ_DEFER, in hard-IRQ context only: call the handler
 * again from a worker.
 */
typedef int (*acrn_ioreq_handler_t)(struct acrn_ioreq_client *client,
				    struct acrn_io_request *req);

/* The handler may run in the upcall, in hard-IRQ context. */
#define ACRN_IOREQ_CLIENT_IRQSAFE	BIT(0)

/* acrn_ioreq_handler_t results besides 0 and a negative errno */
#define ACRN_IOREQ_PASS			1
#define ACRN_IOREQ_DEFER		2

/**
 * struct acrn_ioreq_stats - counters of the request path (debugfs "stats")
 * @upcalls:	      Upcall interrupts handled.
 * @requests:	      PENDING requests the kernel took.
 * @dm_requests:      Requests handed to a device model.
 * @dm_wakeups:	      Of those, the ones that woke a sleeping ATTACH.
 * @kernel_inline:    Requests an in-kernel client handled in the upcall.
 * @kernel_deferred:  Requests an in-kernel client handled in a worker.
 * @kernel_completed: Requests the kernel completed without a client
 *		      (PCI address port, disabled PCI access, invalid request,
 *		      CLEAR_VM_IOREQ, destroyed client).
 * @kernel_passed:    Requests an in-kernel client passed on to the device
 *		      model (ACRN_IOREQ_PASS).
 * @notifies:	      Completion hypercalls issued.
 *
 * One instance per CPU, so counting costs the request path no shared
 * cache line; acrn_ioreq_stats_read() adds them up.
 */
struct acrn_ioreq_stats {
	u64	upcalls;
	u64	requests;
	u64	dm_requests;
	u64	dm_wakeups;
	u64	kernel_inline;
	u64	kernel_deferred;
	u64	kernel_completed;
	u64	kernel_passed;
	u64	notifies;
};

DECLARE_PER_CPU(struct acrn_ioreq_stats, acrn_ioreq_stats);

/* Count one event of the request path; any context. */
#define acrn_ioreq_stat_inc(field)	this_cpu_inc(acrn_ioreq_stats.field)

void acrn_ioreq_stats_read(struct acrn_ioreq_stats *sum);

/* hv.c: the hypervisor backend */
int acrn_hv_init(void);
void acrn_hv_exit(void);
const struct acrn_hv_backend *acrn_hv_get(void);
void acrn_hv_put(const struct acrn_hv_backend *hv);
int acrn_hv_errno(long ret, int refused);

/* An hcall_*() wrapper whose argument is a kernel buffer's physical address */
typedef long (*acrn_vm_hcall_t)(const struct acrn_hv_backend *hv, u16 vmid,
				u64 arg);
int acrn_hv_call_copy(struct acrn_vm *vm, acrn_vm_hcall_t hcall,
		      const void *arg, size_t len, int refused);

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

/* mm.c: guest memory */
void acrn_mm_vm_init(struct acrn_vm *vm);
void acrn_mm_vm_free(struct acrn_vm *vm);
void acrn_mm_vm_abandon(struct acrn_vm *vm);
int acrn_mm_memseg_set(struct acrn_vm *vm, const struct acrn_vm_memmap *m);
int acrn_mm_memseg_unset(struct acrn_vm *vm, const struct acrn_vm_memmap *m);
int acrn_vm_gpa_read(struct acrn_vm *vm, u64 gpa, void *buf, size_t len);
int acrn_vm_gpa_write(struct acrn_vm *vm, u64 gpa, const void *buf,
		      size_t len);
void *acrn_vm_gpa_map(struct acrn_vm *vm, u64 gpa, size_t len);

/* intr.c: interrupts */
void acrn_intr_vm_init(struct acrn_vm *vm);
void acrn_intr_vm_free(struct acrn_vm *vm);
int acrn_msi_inject(struct acrn_vm *vm, u64 msi_addr, u64 msi_data);
int acrn_vm_set_irqline(struct acrn_vm *vm, u64 ops);
int acrn_vm_intr_monitor(struct acrn_vm *vm, unsigned long uaddr);
int acrn_msi_inject_entry(struct acrn_vm *vm, const struct acrn_msi_entry *msi);
void acrn_intr_quiesce(struct acrn_vm *vm);
void acrn_intr_resume(struct acrn_vm *vm);
void acrn_intr_destroyed(struct acrn_vm *vm);

/* ioeventfd.c: guest writes signalling eventfds */
void acrn_ioeventfd_vm_init(struct acrn_vm *vm);
void acrn_ioeventfd_vm_deinit(struct acrn_vm *vm);
int acrn_ioeventfd_config(struct acrn_vm *vm, const struct acrn_ioeventfd *args);

/* irqfd.c: eventfds injecting MSIs */
int acrn_irqfd_init(void);
void acrn_irqfd_exit(void);
void acrn_irqfd_vm_init(struct acrn_vm *vm);
void acrn_irqfd_vm_deinit(struct acrn_vm *vm);
int acrn_irqfd_config(struct acrn_vm *vm, const struct acrn_irqfd *args);

/* ptdev.c: passthrough and hypervisor-emulated devices */
int acrn_vm_ptdev_intr(struct acrn_vm *vm, const struct acrn_ptdev_irq *irq,
		       bool set);
int acrn_vm_pcidev(struct acrn_vm *vm, const struct acrn_pcidev *dev,
		   bool assign);
int acrn_vm_mmiodev(struct acrn_vm *vm, const struct acrn_mmiodev *dev,
		    bool assign);
int acrn_vm_vdev(struct acrn_vm *vm, const struct acrn_vdev *vdev,
		 bool create);

/* pm.c: power states */
int acrn_vm_get_cpu_state(struct acrn_vm *vm, u64 cmd,
			  union acrn_pm_result *res);

/* cpu.c: the remove_cpu attribute */
extern const struct attribute_group *acrn_hsm_groups[];

/* ioreq.c: I/O requests */
int acrn_ioreq_init(void);
void acrn_ioreq_exit(void);
void acrn_ioreq_vm_init(struct acrn_vm *vm);
void acrn_ioreq_vm_add(struct acrn_vm *vm);
void acrn_ioreq_vm_remove(struct acrn_vm *vm);
void acrn_ioreq_vm_deinit(struct acrn_vm *vm);
void acrn_ioreq_quiesce(struct acrn_vm *vm);
void acrn_ioreq_resume(struct acrn_vm *vm);
void acrn_ioreq_reset_done(struct acrn_vm *vm);
void acrn_ioreq_dispatch(struct acrn_vm *vm);
void acrn_ioreq_clear(struct acrn_vm *vm);
int acrn_ioreq_notify(struct acrn_vm *vm, const struct acrn_ioreq_notify *n);
int acrn_ioreq_default_client_create(struct acrn_vm *vm);
int acrn_ioreq_default_client_destroy(struct acrn_vm *vm);
struct acrn_ioreq_client *acrn_ioreq_default_client_get(struct acrn_vm *vm);
int acrn_ioreq_client_wait(struct acrn_ioreq_client *client);
void acrn_ioreq_client_put(struct acrn_ioreq_client *client);
struct acrn_ioreq_client *
acrn_ioreq_client_create(struct acrn_vm *vm, const char *name,
			 acrn_ioreq_handler_t handler, void *priv,
			 unsigned int flags);
void acrn_ioreq_client_destroy(struct acrn_ioreq_client *client);
void *acrn_ioreq_client_priv(const struct acrn_ioreq_client *client);
int acrn_ioreq_range_add(struct acrn_ioreq_client *client, u32 type,
			 u64 start, u64 end);
int acrn_ioreq_range_del(struct acrn_ioreq_client *client, u32 type,
			 u64 start, u64 end);
bool acrn_ioreq_is_read(const struct acrn_io_request *req);
bool acrn_ioreq_valid(const struct acrn_io_request *req);
bool acrn_ioreq_in_range(u32 type, u64 start, u64 end,
			 const struct acrn_io_request *req);
int acrn_ioreq_pci_cfg(u32 *conf_addr, struct acrn_io_request *req);
void acrn_ioreq_set_read_value(struct acrn_io_request *req, u64 value);

/* acrn_ioreq_pci_cfg() results */
enum acrn_pci_cfg {
	ACRN_PCI_CFG_PASS,	/* not a PCI configuration access */
	ACRN_PCI_CFG_DONE,	/* answered by the kernel */
	ACRN_PCI_CFG_CONVERTED,	/* rewritten as a PCICFG request */
};

/* debugfs.c: the request path's counters */
#if IS_ENABLED(CONFIG_DEBUG_FS)
void acrn_debugfs_init(void);
void acrn_debugfs_exit(void);
#else
static inline void acrn_debugfs_init(void) { }
static inline void acrn_debugfs_exit(void) { }
#endif

/*
 * hsm.c: what other modules (the test module acrn_hsm_test.ko) reach a VM
 * through, exported in the ACRN_HSM_NS namespace with the in-kernel
 * client API and the guest memory accessors.
 */
struct file;
struct notifier_block;

int acrn_vm_file_call(struct file *filp,
		      int (*fn)(struct acrn_vm *vm, void *arg), void *arg);
int acrn_vm_notifier_register(struct notifier_block *nb);
int acrn_vm_notifier_unregister(struct notifier_block *nb);
void acrn_vm_notify_teardown(struct acrn_vm *vm);

/* acrn_vm_notifier_register() events; the data is the struct acrn_vm. */
#define ACRN_VM_TEARDOWN	1

/* mm.c: pinning as SET_MEMSEG does, also exported for the test module */
int acrn_mm_pin(struct acrn_memseg *seg, u64 uaddr);
void acrn_mm_unpin(struct acrn_memseg *seg, unsigned long from,
		   unsigned long to);

#if IS_ENABLED(CONFIG_KUNIT)
int acrn_vm_creation_check(const struct acrn_vm_creation *param);
int acrn_vcpu_regs_check(const struct acrn_vcpu_regs *regs, u16 vcpu_num);

int acrn_memmap_check(const struct acrn_vm_memmap *m);
int acrn_irqline_check(u64 ops);
int acrn_ptdev_irq_check(const struct acrn_ptdev_irq *irq);
int acrn_pcidev_check(const struct acrn_pcidev *dev);
int acrn_pm_cmd_len(u64 cmd, u16 vmid, u16 vcpu_num);
void acrn_mm_run_add(struct acrn_memseg *seg, unsigned long index,
		     unsigned long pfn);
int acrn_mm_runs_check(const struct acrn_memseg *seg);
bool acrn_mm_page_pinnable(struct page *page);

int acrn_ioeventfd_check(const struct acrn_ioeventfd *args);
bool acrn_ioeventfd_match(u32 type, u64 addr, u32 len, bool wildcard, u64 data,
			  const struct acrn_io_request *req);
int acrn_irqfd_check(const struct acrn_irqfd *args);

#endif

#endif /* __ACRN_HSM_DRV_H */
