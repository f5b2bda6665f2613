// SPDX-License-Identifier: GPL-2.0
/*
 * The User VMs' EPTs: HC_VM_SET_MEMORY_REGIONS builds them as the real
 * hypervisor does (see Documentation/simulator.rst, "ACRN's guest memory
 * map"), and the guest's memory accesses (HVSIM_IOCTL_GUEST_MEM, and MMIO
 * accesses that hit memory) go through them.
 *
 * An EPT is an xarray indexed by guest frame number whose entries are
 * xa_mk_value(host frame << 12 | attr): 4 KiB pages, the only size the
 * device model's ops need (2 MiB and 1 GiB ops are 512 and 262144 pages,
 * a few bytes each in the xarray's 64-slot nodes).
 *
 * Locks, outermost first:
 * - hvsim_vm::ept_mutex serialises the SET_MEMORY_REGIONS calls for a
 *   slot (the real hypervisor runs them under the VM's lock), so an op
 *   validated in one hold of the EPT lock is still valid in the next.
 * - hvsim_vms_lock protects hvsim_vm::ept.
 * - The EPT lock, the xarray's xa_lock: irq-safe, always taken with IRQs
 *   off, after hvsim_vms_lock when both are held. It protects the
 *   entries, the counters and @dead. An op changes at most
 *   HVSIM_EPT_CHUNK pages per hold and allocates with the lock dropped.
 *
 * Lifetime: the HSM unpins and frees a page once DEL or DESTROY_VM has
 * removed it from the EPT, so the guest's accesses copy from or to the
 * page with the EPT lock held: a DEL or a DESTROY_VM that takes the lock
 * after them finds them done. DESTROY_VM (which may come in any context,
 * with hvsim_vms_lock held) only detaches the EPT and marks it dead under
 * its lock, so that a SET_MEMORY_REGIONS still working on it stops
 * before adding anything; the last reference frees it from a work item,
 * a chunk at a time with interrupts on. Each VM gets a new EPT, so a VM
 * created later in the slot starts empty with its counters at zero.
 */

#include <linux/bitmap.h>
#include <linux/bits.h>
#include <linux/build_bug.h>
#include <linux/highmem.h>
#include <linux/kref.h>
#include <linux/llist.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/uio.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <asm/processor.h>
#include <kunit/visibility.h>

#include "hvsim.h"

/* Op types of struct vm_memory_region_op; any other type deletes. */
#define HVSIM_MR_ADD		0
#define HVSIM_MR_DEL		2
#define HVSIM_MR_MODIFY		3

/* Attribute bits an entry keeps: the memory type and access rights. */
#define HVSIM_EPT_ATTR_MASK	(ACRN_MEM_TYPE_MASK | ACRN_MEM_ACCESS_RIGHT_MASK)
#define HVSIM_EPT_ATTR_BITS	12

/* Pages an op changes or checks per hold of the EPT lock. */
#define HVSIM_EPT_CHUNK		512

/* What hvsim_ept_copy() returns for an unmapped page when asked to. */
#define HVSIM_EPT_UNMAPPED	1

static_assert(!(HVSIM_EPT_ATTR_MASK & ~GENMASK(HVSIM_EPT_ATTR_BITS - 1, 0)));

/* struct vm_memory_region_batch, as the Service VM lays it out. */
struct hvsim_mr_batch {
	__le16	vmid;
	__le16	reserved[3];
	__le32	regions_num;
	__le32	pad;
	__le64	regions_gpa;
};

/* struct vm_memory_region_op */
struct hvsim_mr_op {
	__le32	type;
	__le32	attr;
	__le64	user_vm_pa;
	__le64	service_vm_pa;
	__le64	size;
};

static_assert(sizeof(struct hvsim_mr_batch) == 24);
static_assert(sizeof(struct hvsim_mr_op) == 32);

/**
 * struct hvsim_ept - the EPT of one VM
 * @xa:		  Guest frame number to xa_mk_value(host frame << 12 | attr).
 *		  Its xa_lock is the EPT lock (see the top of ept.c).
 * @ref:	  One for the VM slot while attached, one for each
 *		  SET_MEMORY_REGIONS call working on it.
 * @free:	  On hvsim_ept_free_list once the last reference is gone.
 * @dead:	  DESTROY_VM detached it: nothing is added any more.
 * @mapped_pages: Pages mapped.
 * @batches:	  SET_MEMORY_REGIONS calls that reached the VM.
 * @ops_add:	  ADD ops applied.
 * @ops_del:	  DEL and MODIFY ops applied.
 * @ops_failed:	  Ops that failed, each ending its batch.
 * @overlaps:	  Pages applied ADD ops found mapped and left alone.
 *
 * Every field but @ref and @free is protected by the EPT lock.
 */
struct hvsim_ept {
	struct xarray		xa;
	struct kref		ref;
	struct llist_node	free;
	bool			dead;
	u64			mapped_pages;
	u64			batches;
	u64			ops_add;
	u64			ops_del;
	u64			ops_failed;
	u64			overlaps;
};

/* One SET_MEMORY_REGIONS call in progress. */
struct hvsim_batch {
	struct hvsim_vm		*vm;
	struct hvsim_ept	*ept;
};

static void *hvsim_ept_entry(u64 hpa, u32 attr)
{
	return xa_mk_value((unsigned long)PHYS_PFN(hpa) << HVSIM_EPT_ATTR_BITS |
			   (attr & HVSIM_EPT_ATTR_MASK));
}

static u64 hvsim_ept_entry_hpa(const void *entry)
{
	return PFN_PHYS(xa_to_value(entry) >> HVSIM_EPT_ATTR_BITS);
}

static u32 hvsim_ept_entry_attr(const void *entry)
{
	return xa_to_value(entry) & HVSIM_EPT_ATTR_MASK;
}

/* Physical addresses are below this, for the Service VM and the guests. */
static u64 hvsim_pa_limit(void)
{
	return BIT_ULL(boot_cpu_data.x86_phys_bits);
}

/* Freeing, in process context. */
static LLIST_HEAD(hvsim_ept_free_list);

/* Erase every entry, a chunk per hold of the lock. */
static void hvsim_ept_clear(struct hvsim_ept *ept)
{
	XA_STATE(xas, &ept->xa, 0);
	unsigned int n;
	void *entry;

	do {
		n = 0;
		xas_lock_irq(&xas);
		xas_for_each(&xas, entry, ULONG_MAX) {
			xas_store(&xas, NULL);
			if (++n == HVSIM_EPT_CHUNK) {
				xas_pause(&xas);
				break;
			}
		}
		xas_unlock_irq(&xas);
		cond_resched();
	} while (n == HVSIM_EPT_CHUNK);
}

static void hvsim_ept_free_fn(struct work_struct *work)
{
	struct llist_node *list = llist_del_all(&hvsim_ept_free_list);
	struct hvsim_ept *ept, *next;

	llist_for_each_entry_safe(ept, next, list, free) {
		hvsim_ept_clear(ept);
		xa_destroy(&ept->xa);
		kfree(ept);
	}
}

static DECLARE_WORK(hvsim_ept_free_work, hvsim_ept_free_fn);

/* The last reference is gone: free the EPT later (any context). */
static void hvsim_ept_release(struct kref *ref)
{
	struct hvsim_ept *ept = container_of(ref, struct hvsim_ept, ref);

	llist_add(&ept->free, &hvsim_ept_free_list);
	schedule_work(&hvsim_ept_free_work);
}

static struct hvsim_ept *hvsim_ept_alloc(void)
{
	struct hvsim_ept *ept = kzalloc(sizeof(*ept), GFP_KERNEL_ACCOUNT);

	if (!ept)
		return NULL;
	xa_init_flags(&ept->xa, XA_FLAGS_LOCK_IRQ | XA_FLAGS_ACCOUNT);
	kref_init(&ept->ref);
	return ept;
}

/**
 * hvsim_ept_destroy() - DESTROY_VM: take the VM's EPT away
 * @vm: The VM slot.
 *
 * Marks the EPT dead, so that a SET_MEMORY_REGIONS call working on it
 * adds nothing more, and detaches it; a guest memory access on it has
 * finished on return. The entries are freed later in process context.
 *
 * Context: Any context, with hvsim_vms_lock held (IRQs off).
 */
void hvsim_ept_destroy(struct hvsim_vm *vm)
{
	struct hvsim_ept *ept = vm->ept;

	lockdep_assert_held(&hvsim_vms_lock);
	if (!ept)
		return;
	xa_lock(&ept->xa);
	ept->dead = true;
	xa_unlock(&ept->xa);
	vm->ept = NULL;
	kref_put(&ept->ref, hvsim_ept_release);
}

/**
 * hvsim_ept_exit() - free every EPT (module exit, or a test's own table)
 *
 * Nothing may make a hypercall or a guest access any more.
 *
 * Context: Process context; sleeps until every EPT is freed.
 */
void hvsim_ept_exit(void)
{
	unsigned long flags;
	unsigned int vmid;

	spin_lock_irqsave(&hvsim_vms_lock, flags);
	for (vmid = 0; vmid < hvsim_max_vms; vmid++)
		hvsim_ept_destroy(&hvsim_vms[vmid]);
	spin_unlock_irqrestore(&hvsim_vms_lock, flags);
	flush_work(&hvsim_ept_free_work);
}

/*
 * Find the batch's VM: -1 if it is powered off, or an RT VM that runs.
 * Otherwise count the batch and take a reference on the VM's EPT,
 * creating it for the VM's first batch.
 */
static long hvsim_batch_begin(struct hvsim_batch *b)
{
	struct hvsim_vm *vm = b->vm;
	struct hvsim_ept *new = NULL;
	unsigned long flags;
	long ret = 0;

	lockdep_assert_held(&vm->ept_mutex);
	for (;;) {
		spin_lock_irqsave(&hvsim_vms_lock, flags);
		if (vm->state == HVSIM_VM_POWERED_OFF) {
			ret = ACRN_HV_REFUSED;
			goto unlock;
		}
		if (!vm->ept && new) {
			vm->ept = new;
			new = NULL;
		}
		if (vm->ept)
			break;
		spin_unlock_irqrestore(&hvsim_vms_lock, flags);
		new = hvsim_ept_alloc();
		if (!new)
			return -ENOMEM;
	}

	b->ept = vm->ept;
	xa_lock(&b->ept->xa);
	b->ept->batches++;
	xa_unlock(&b->ept->xa);
	if ((vm->guest_flags & HVSIM_GUEST_FLAG_RT) &&
	    vm->state == HVSIM_VM_RUNNING)
		ret = ACRN_HV_REFUSED;
	else
		kref_get(&b->ept->ref);
unlock:
	spin_unlock_irqrestore(&hvsim_vms_lock, flags);
	kfree(new);	/* an empty xarray holds no memory */
	return ret;
}

/* Undo hvsim_ept_reserve() for the first @n pages from @first. */
static void hvsim_ept_unreserve(struct hvsim_batch *b, unsigned long first,
				unsigned long n)
{
	XA_STATE(xas, &b->ept->xa, first);
	unsigned long i = 0, stop;

	lockdep_assert_held(&b->vm->ept_mutex);
	while (i < n) {
		xas_lock_irq(&xas);
		for (stop = min(n, i + HVSIM_EPT_CHUNK); i < stop; i++) {
			/* Anew for each page: a store of NULL may free nodes. */
			xas_set(&xas, first + i);
			if (xa_is_zero(xas_load(&xas)))
				xas_store(&xas, NULL);
		}
		xas_unlock_irq(&xas);
		cond_resched();
	}
}

/*
 * Put a zero entry (reserved, reads as unmapped) in each free slot of
 * @n pages from @first, so that the op cannot fail once it starts
 * mapping. -ENOMEM undoes it, and so does a fatal signal (-EINTR): the
 * caller can be killed however large the op; -1 if the EPT died
 * meanwhile.
 */
static int hvsim_ept_reserve(struct hvsim_batch *b, unsigned long first,
			     unsigned long n)
{
	struct hvsim_ept *ept = b->ept;
	XA_STATE(xas, &ept->xa, first);
	unsigned long i = 0, stop;
	int ret = 0;

	lockdep_assert_held(&b->vm->ept_mutex);
	while (i < n && !ret) {
		if (fatal_signal_pending(current)) {
			hvsim_ept_unreserve(b, first, i);
			return -EINTR;
		}
		xas_lock_irq(&xas);
		if (ept->dead)
			ret = ACRN_HV_REFUSED;
		for (stop = min(n, i + HVSIM_EPT_CHUNK); !ret && i < stop; i++) {
			xas_set(&xas, first + i);
			if (xas_load(&xas))
				continue;
			xas_store(&xas, XA_ZERO_ENTRY);
			if (xas_error(&xas))
				break;
		}
		xas_unlock_irq(&xas);
		/* Allocate with the lock dropped, and retry page i. */
		if (xas_nomem(&xas, GFP_KERNEL_ACCOUNT))
			continue;
		if (xas_error(&xas)) {
			hvsim_ept_unreserve(b, first, i);
			return -ENOMEM;
		}
		cond_resched();
	}
	return ret;
}

/*
 * ADD of at most HVSIM_EPT_CHUNK pages in one hold of the lock, if the
 * xarray has the nodes it needs or can get them without sleeping: the
 * common case, one page or one 2 MiB page. -EAGAIN, with nothing
 * changed, if it needs to allocate.
 */
static int hvsim_ept_add_fast(struct hvsim_batch *b, unsigned long first,
			      unsigned long n, u64 hpa, u32 attr)
{
	DECLARE_BITMAP(added, HVSIM_EPT_CHUNK);
	struct hvsim_ept *ept = b->ept;
	XA_STATE(xas, &ept->xa, first);
	unsigned long i, nr_added = 0;
	void *entry;
	int ret = 0;

	lockdep_assert_held(&b->vm->ept_mutex);
	xas_lock_irq(&xas);
	if (ept->dead) {
		ret = ACRN_HV_REFUSED;
		goto unlock;
	}
	bitmap_zero(added, n);
	for (i = 0; i < n; i++) {
		/* Storing into a slot frees no node: xas_next() may go on. */
		entry = i ? xas_next(&xas) : xas_load(&xas);
		if (entry)
			continue;	/* mapped: kept */
		xas_store(&xas, hvsim_ept_entry(hpa + PFN_PHYS(i), attr));
		if (xas_error(&xas))
			break;
		__set_bit(i, added);
		nr_added++;
	}
	if (!xas_error(&xas)) {
		ept->mapped_pages += nr_added;
		ept->overlaps += n - nr_added;
		ept->ops_add++;
		goto unlock;
	}
	/* Take back what this try added. */
	ret = -EAGAIN;
	for_each_set_bit(i, added, n) {
		xas_set(&xas, first + i);
		xas_store(&xas, NULL);
	}
unlock:
	xas_unlock_irq(&xas);
	return ret;
}

/*
 * ADD: map each page not mapped yet; the op was checked. -EINVAL, with
 * nothing changed, if the EPT could come to map more than
 * HVSIM_EPT_MAX_PAGES pages (counting every page of the op, mapped
 * already or not): the bound keeps an op of any size from reserving
 * slots, and memory, without end.
 */
static int hvsim_ept_add(struct hvsim_batch *b, u64 gpa, u64 hpa, u64 size,
			 u32 attr)
{
	unsigned long first = PHYS_PFN(gpa), n = PHYS_PFN(size), i = 0, stop;
	struct hvsim_ept *ept = b->ept;
	XA_STATE(xas, &ept->xa, first);
	u64 added = 0;
	void *entry;
	bool full;
	int ret;

	lockdep_assert_held(&b->vm->ept_mutex);
	/* Only this call adds pages until it drops ept_mutex. */
	xa_lock_irq(&ept->xa);
	full = n > HVSIM_EPT_MAX_PAGES - ept->mapped_pages;
	xa_unlock_irq(&ept->xa);
	if (full)
		return -EINVAL;
	if (n <= HVSIM_EPT_CHUNK) {
		ret = hvsim_ept_add_fast(b, first, n, hpa, attr);
		if (ret != -EAGAIN)
			return ret;
	}

	ret = hvsim_ept_reserve(b, first, n);
	if (ret)
		return ret;
	/* Only zero entries are replaced: nothing is allocated. */
	while (i < n) {
		xas_lock_irq(&xas);
		if (ept->dead) {
			xas_unlock_irq(&xas);
			return ACRN_HV_REFUSED;
		}
		xas_set(&xas, first + i);
		for (stop = min(n, i + HVSIM_EPT_CHUNK); i < stop; i++) {
			entry = i % HVSIM_EPT_CHUNK ? xas_next(&xas) : xas_load(&xas);
			if (!xa_is_zero(entry))
				continue;	/* mapped before: kept */
			xas_store(&xas, hvsim_ept_entry(hpa + PFN_PHYS(i), attr));
			added++;
		}
		if (i == n) {
			ept->mapped_pages += added;
			ept->overlaps += n - added;
			ept->ops_add++;
		}
		xas_unlock_irq(&xas);
		cond_resched();
	}
	return 0;
}

/*
 * Whether every page of [@first, @first + @n) is mapped, for at most
 * HVSIM_EPT_CHUNK pages: with the EPT lock held, from @xas at @first.
 */
static bool hvsim_ept_all_mapped(struct xa_state *xas, unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++)
		if (!xa_is_value(i ? xas_next(xas) : xas_load(xas)))
			return false;
	return true;
}

/* Delete the @n pages from @first, all mapped; EPT lock held. */
static void hvsim_ept_erase(struct hvsim_ept *ept, unsigned long first,
			    unsigned long n)
{
	XA_STATE(xas, &ept->xa, first);
	unsigned long i;

	lockdep_assert_held(&ept->xa.xa_lock);
	for (i = 0; i < n; i++) {
		/* Anew for each page: a store of NULL may free nodes. */
		xas_set(&xas, first + i);
		xas_store(&xas, NULL);
	}
	ept->mapped_pages -= n;
}

/* DEL of at most HVSIM_EPT_CHUNK pages, in one hold of the lock. */
static int hvsim_ept_del_fast(struct hvsim_batch *b, unsigned long first,
			      unsigned long n)
{
	struct hvsim_ept *ept = b->ept;
	XA_STATE(xas, &ept->xa, first);
	int ret = 0;

	lockdep_assert_held(&b->vm->ept_mutex);
	xas_lock_irq(&xas);
	if (ept->dead) {
		ret = ACRN_HV_REFUSED;
	} else if (!hvsim_ept_all_mapped(&xas, n)) {
		ret = -EINVAL;
	} else {
		hvsim_ept_erase(ept, first, n);
		ept->ops_del++;
	}
	xas_unlock_irq(&xas);
	return ret;
}

/* DEL (and MODIFY): every page must be mapped; nothing changes if not. */
static int hvsim_ept_del(struct hvsim_batch *b, u64 gpa, u64 size)
{
	unsigned long first = PHYS_PFN(gpa), n = PHYS_PFN(size), i, stop;
	struct hvsim_ept *ept = b->ept;
	XA_STATE(xas, &ept->xa, first);
	int ret = 0;

	lockdep_assert_held(&b->vm->ept_mutex);
	if (n <= HVSIM_EPT_CHUNK)
		return hvsim_ept_del_fast(b, first, n);

	/*
	 * Check, then delete, a chunk per hold of the lock: only DESTROY_VM
	 * changes the EPT between two holds, and it kills it.
	 */
	for (i = 0; i < n && !ret; i = stop) {
		stop = min(n, i + HVSIM_EPT_CHUNK);
		xas_lock_irq(&xas);
		xas_set(&xas, first + i);
		if (ept->dead)
			ret = ACRN_HV_REFUSED;
		else if (!hvsim_ept_all_mapped(&xas, stop - i))
			ret = -EINVAL;
		xas_unlock_irq(&xas);
		cond_resched();
	}
	for (i = 0; i < n && !ret; i = stop) {
		stop = min(n, i + HVSIM_EPT_CHUNK);
		xas_lock_irq(&xas);
		if (ept->dead) {
			ret = ACRN_HV_REFUSED;
		} else {
			hvsim_ept_erase(ept, first + i, stop - i);
			if (stop == n)
				ept->ops_del++;
		}
		xas_unlock_irq(&xas);
		cond_resched();
	}
	return ret;
}

/**
 * hvsim_mr_check() - the checks of one op that do not look at the EPT
 * @type:	   Op type; only ADD looks at @service_vm_pa.
 * @user_vm_pa:	   Guest physical address.
 * @service_vm_pa: Service VM physical address (ADD).
 * @size:	   Size in bytes.
 *
 * As ACRN: the size must be a multiple of 4 KiB. Stricter than ACRN:
 * both addresses must be 4 KiB aligned, and neither range may wrap or
 * reach beyond the physical address limit (1 << x86_phys_bits). The
 * Service VM's EPT maps every page below that limit, so this is also
 * ACRN's check that the Service VM range is valid.
 *
 * Context: Any context.
 * Return: 0 or -EINVAL. A size of 0 passes (a no-op).
 */
VISIBLE_IF_KUNIT int hvsim_mr_check(u32 type, u64 user_vm_pa, u64 service_vm_pa,
				    u64 size)
{
	u64 limit = hvsim_pa_limit(), end;

	if (size % SZ_4K)
		return -EINVAL;
	if (!size)
		return 0;
	if (!IS_ALIGNED(user_vm_pa, SZ_4K) ||
	    check_add_overflow(user_vm_pa, size, &end) || end > limit)
		return -EINVAL;
	if (type == HVSIM_MR_ADD &&
	    (!IS_ALIGNED(service_vm_pa, SZ_4K) ||
	     check_add_overflow(service_vm_pa, size, &end) || end > limit))
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(hvsim_mr_check);

/* Apply op @i of the batch at @ops_gpa. */
static long hvsim_batch_op(struct hvsim_batch *b, u64 ops_gpa, u32 i)
{
	struct hvsim_ept *ept = b->ept;
	struct hvsim_mr_op raw;
	u64 gpa, hpa, size, op_gpa;
	u32 type;
	long ret;

	if (check_add_overflow(ops_gpa, (u64)i * sizeof(raw), &op_gpa) ||
	    hvsim_copy_from_gpa(&raw, op_gpa, sizeof(raw)))
		return -EINVAL;
	type = le32_to_cpu(raw.type);
	gpa = le64_to_cpu(raw.user_vm_pa);
	hpa = le64_to_cpu(raw.service_vm_pa);
	size = le64_to_cpu(raw.size);

	ret = hvsim_mr_check(type, gpa, hpa, size);
	if (ret)
		return ret;
	if (size) {
		struct hvsim_engine_record rec = {
			.type = HVSIM_REC_EPT_UNMAP,
			.u.ept = { .gpa = gpa, .size = size },
		};

		if (type == HVSIM_MR_ADD) {
			ret = hvsim_ept_add(b, gpa, hpa, size,
					    le32_to_cpu(raw.attr));
			rec.type = HVSIM_REC_EPT_MAP;
			rec.u.ept.hpa = hpa;
			rec.u.ept.attr = le32_to_cpu(raw.attr) &
					 HVSIM_EPT_ATTR_MASK;
		} else {
			ret = hvsim_ept_del(b, gpa, size);
		}
		/* The engine learns of it; a delete leaves it no mapping. */
		if (!ret)
			hvsim_engine_ept_changed(b->vm, ept, &rec);
		return ret;
	}

	/* Size 0: nothing to do, but applied. */
	xa_lock_irq(&ept->xa);
	if (type == HVSIM_MR_ADD)
		ept->ops_add++;
	else
		ept->ops_del++;
	xa_unlock_irq(&ept->xa);
	return 0;
}

/**
 * hvsim_ept_set_regions() - HC_VM_SET_MEMORY_REGIONS
 * @batch_gpa: Service VM physical address of a struct
 *	       vm_memory_region_batch (24 bytes).
 * @partial:   A HVSIM_FAULT_PARTIAL fault that fired for this call, or
 *	       NULL.
 *
 * Applies the ops in order and stops at the first that fails, without
 * undoing the ones before (as ACRN). Each op is checked entirely before
 * it changes anything (hvsim_mr_check(); a DEL needs every page mapped).
 * ADD maps each page that is not mapped yet and leaves a mapped page
 * alone (counted in overlaps); any other type deletes. With @partial the
 * first @partial->value ops are applied, then the call returns
 * @partial->ret; an error before that wins.
 *
 * Context: Process context; sleeps (takes the slot's ept_mutex, then
 * hvsim_vms_lock and the EPT lock, allocates with GFP_KERNEL).
 * Return: 0; -EINVAL for unreadable memory or a failing op; -ENOTTY if
 * the vmid in the batch is not a User VM slot; -1 if the VM is powered
 * off, is an RT VM that runs, or was destroyed during the call; -ENOMEM
 * if the simulator ran out of memory, -EINTR if the caller got a fatal
 * signal during a large ADD (the failing op changed nothing).
 */
long hvsim_ept_set_regions(u64 batch_gpa, const struct hvsim_fault *partial)
{
	struct hvsim_mr_batch hdr;
	struct hvsim_batch b = { };
	u32 i, num;
	u16 vmid;
	long ret;

	might_sleep();
	if (hvsim_copy_from_gpa(&hdr, batch_gpa, sizeof(hdr)))
		return -EINVAL;
	vmid = le16_to_cpu(hdr.vmid);
	if (!vmid || vmid >= hvsim_max_vms)
		return -ENOTTY;
	b.vm = &hvsim_vms[vmid];

	mutex_lock(&b.vm->ept_mutex);
	ret = hvsim_batch_begin(&b);
	if (ret)
		goto unlock;

	num = le32_to_cpu(hdr.regions_num);
	for (i = 0; i < num; i++) {
		if (partial && i == partial->value) {
			ret = partial->ret;
			break;
		}
		ret = hvsim_batch_op(&b, le64_to_cpu(hdr.regions_gpa), i);
		if (ret)
			break;
		cond_resched();
	}
	if (i < num) {
		xa_lock_irq(&b.ept->xa);
		b.ept->ops_failed++;
		xa_unlock_irq(&b.ept->xa);
	} else if (partial) {
		ret = partial->ret;
	}
	kref_put(&b.ept->ref, hvsim_ept_release);
unlock:
	mutex_unlock(&b.vm->ept_mutex);
	return ret;
}

/**
 * hvsim_hc_set_memory_regions() - HC_VM_SET_MEMORY_REGIONS handler
 * @param1: Service VM physical address of the batch.
 * @param2: Unused.
 *
 * Context: Process context; sleeps.
 * Return: See hvsim_ept_set_regions().
 */
long hvsim_hc_set_memory_regions(unsigned long param1, unsigned long param2)
{
	return hvsim_ept_set_regions(param1, NULL);
}

/**
 * hvsim_ept_get_info() - a VM's EPT counters and one translation
 * (HVSIM_IOCTL_GET_EPT)
 * @info: In: vmid and gpa. Out: the rest (see &struct hvsim_ept_info).
 *
 * A free slot, or a VM without SET_MEMORY_REGIONS calls yet, reads as
 * all zero.
 *
 * Context: Any context. Takes hvsim_vms_lock, then the EPT lock.
 * Return: 0; -EINVAL for a non-zero reserved field; -ENOENT for a vmid
 * that is not a User VM slot.
 */
int hvsim_ept_get_info(struct hvsim_ept_info *info)
{
	u16 vmid = info->vmid;
	u64 gpa = info->gpa;
	struct hvsim_ept *ept;
	unsigned long flags;
	void *entry;

	if (info->reserved)
		return -EINVAL;
	if (!vmid || vmid >= hvsim_max_vms)
		return -ENOENT;

	memset(info, 0, sizeof(*info));
	info->vmid = vmid;
	info->gpa = gpa;
	spin_lock_irqsave(&hvsim_vms_lock, flags);
	ept = hvsim_vms[vmid].ept;
	if (ept) {
		xa_lock(&ept->xa);
		info->mapped_pages = ept->mapped_pages;
		info->batches = ept->batches;
		info->ops_add = ept->ops_add;
		info->ops_del = ept->ops_del;
		info->ops_failed = ept->ops_failed;
		info->overlaps = ept->overlaps;
		entry = xa_load(&ept->xa, PHYS_PFN(gpa));
		if (xa_is_value(entry)) {
			info->flags = HVSIM_EPT_MAPPED;
			info->hpa = hvsim_ept_entry_hpa(entry) + offset_in_page(gpa);
			info->attr = hvsim_ept_entry_attr(entry);
		}
		xa_unlock(&ept->xa);
	}
	spin_unlock_irqrestore(&hvsim_vms_lock, flags);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(hvsim_ept_get_info);

/**
 * hvsim_ept_lookup() - translate one guest page for a vCPU engine's mapping
 * @vm:	  The VM.
 * @gpa:  Guest physical address.
 * @hpa:  Out: the host physical address of @gpa's page.
 * @attr: Out: the page's attributes, as the ADD op gave them.
 *
 * Context: Any context, with hvsim_vms_lock held; takes the EPT lock.
 * Return: 0, or -ENXIO if the page is not mapped.
 */
int hvsim_ept_lookup(struct hvsim_vm *vm, u64 gpa, u64 *hpa, u32 *attr)
{
	struct hvsim_ept *ept = vm->ept;
	void *entry;
	int ret = -ENXIO;

	lockdep_assert_held(&hvsim_vms_lock);
	if (!ept)
		return ret;
	xa_lock(&ept->xa);
	entry = xa_load(&ept->xa, PHYS_PFN(gpa));
	if (xa_is_value(entry)) {
		*hpa = hvsim_ept_entry_hpa(entry);
		*attr = hvsim_ept_entry_attr(entry);
		ret = 0;
	}
	xa_unlock(&ept->xa);
	return ret;
}

/**
 * hvsim_ept_next_range() - the next run of mapped guest pages
 * @vm:	   The VM.
 * @range: In: @range->gpa, where to look from. Out: see &struct
 *	   hvsim_engine_range.
 *
 * At most HVSIM_RANGE_MAX_PAGES pages, in one hold of the EPT lock.
 *
 * Context: Any context, with hvsim_vms_lock held; takes the EPT lock.
 * Return: 0 (@range->size 0 if nothing is mapped from there on).
 */
int hvsim_ept_next_range(struct hvsim_vm *vm, struct hvsim_engine_range *range)
{
	struct hvsim_ept *ept = vm->ept;
	unsigned long first = PHYS_PFN(range->gpa), n;
	XA_STATE(xas, NULL, 0);
	void *entry;

	lockdep_assert_held(&hvsim_vms_lock);
	range->size = 0;
	range->attr = 0;
	if (!ept)
		return 0;
	xa_lock(&ept->xa);
	entry = xa_find(&ept->xa, &first, ULONG_MAX, XA_PRESENT);
	/* Reserved (zero) entries of an ADD in progress are not mapped. */
	while (entry && !xa_is_value(entry)) {
		if (first == ULONG_MAX) {
			entry = NULL;
			break;
		}
		first++;
		entry = xa_find(&ept->xa, &first, ULONG_MAX, XA_PRESENT);
	}
	if (entry) {
		range->gpa = PFN_PHYS((u64)first);
		range->attr = hvsim_ept_entry_attr(entry);
		xas.xa = &ept->xa;
		xas_set(&xas, first);
		xas_load(&xas);
		for (n = 1; n < HVSIM_RANGE_MAX_PAGES; n++) {
			entry = xas_next(&xas);
			if (!xa_is_value(entry) ||
			    hvsim_ept_entry_attr(entry) != range->attr)
				break;
		}
		range->size = PFN_PHYS((u64)n);
	}
	xa_unlock(&ept->xa);
	return 0;
}

/* The errno an access to the page of @entry gets, 0 if it may go on. */
static int hvsim_ept_access_check(const void *entry, bool write)
{
	u32 attr;

	if (!xa_is_value(entry))
		return -ENXIO;
	attr = hvsim_ept_entry_attr(entry);
	if (!(attr & (write ? ACRN_MEM_ACCESS_WRITE : ACRN_MEM_ACCESS_READ)))
		return -EACCES;
	/* ACRN takes the first type set, WB first. */
	if (!(attr & ACRN_MEM_TYPE_WB) ||
	    !pfn_valid(PHYS_PFN(hvsim_ept_entry_hpa(entry))))
		return -EOPNOTSUPP;
	return 0;
}

/*
 * Copy between @buf and the guest range [@gpa, @gpa + @len), which must
 * lie in at most two pages, once every page passed
 * hvsim_ept_access_check(); @unmapped is returned if the first page is
 * not mapped. The copy is made with the EPT lock held: the pages stay
 * mapped, so pinned by the HSM, until it is done.
 */
static int hvsim_ept_copy(struct hvsim_vm *vm, u64 gpa, void *buf,
			  size_t len, bool write, int unmapped)
{
	unsigned long gfn = PHYS_PFN(gpa), last = PHYS_PFN(gpa + len - 1);
	struct hvsim_ept *ept = vm->ept;
	unsigned long pfn[2];
	unsigned int n = 0;
	size_t off, chunk;
	void *entry, *p;
	int ret = 0;

	lockdep_assert_held(&hvsim_vms_lock);
	if (last - gfn >= ARRAY_SIZE(pfn))
		return -EINVAL;
	if (!ept)
		return unmapped;
	xa_lock(&ept->xa);
	for (; gfn <= last; gfn++) {
		entry = xa_load(&ept->xa, gfn);
		ret = hvsim_ept_access_check(entry, write);
		if (ret) {
			if (!n && ret == -ENXIO)
				ret = unmapped;
			goto unlock;
		}
		pfn[n++] = PHYS_PFN(hvsim_ept_entry_hpa(entry));
	}
	for (n = 0, off = offset_in_page(gpa); len; n++, off = 0) {
		chunk = min(len, PAGE_SIZE - off);
		p = kmap_local_pfn(pfn[n]);
		if (write)
			memcpy(p + off, buf, chunk);
		else
			memcpy(buf, p + off, chunk);
		kunmap_local(p);
		buf += chunk;
		len -= chunk;
	}
unlock:
	xa_unlock(&ept->xa);
	return ret;
}

/**
 * hvsim_ept_mem() - the guest reads or writes its memory
 * (HVSIM_IOCTL_GUEST_MEM)
 * @mem:  The access (see &struct hvsim_mem); @mem->buf is not looked at
 *	  and @mem->done is set.
 * @iter: The caller's buffer of @mem->len bytes: the source of a write,
 *	  the destination of a read.
 *
 * A page at a time: a write copies the data from @iter first, a read
 * copies it to @iter after; both with no lock held.
 *
 * Context: Process context; sleeps. Takes hvsim_vms_lock, then the EPT
 * lock, for each page.
 * Return: 0; -EINVAL, -ENOENT, -EFAULT, -ENXIO, -EACCES, -EOPNOTSUPP as
 * &struct hvsim_mem describes; -ENOMEM.
 */
int hvsim_ept_mem(struct hvsim_mem *mem, struct iov_iter *iter)
{
	bool write = mem->flags & HVSIM_MEM_WRITE;
	unsigned long flags;
	struct hvsim_vm *vm;
	void *bounce;
	size_t n;
	u64 gpa;
	int ret = 0;

	mem->done = 0;
	if ((mem->flags & ~HVSIM_MEM_WRITE) || mem->reserved || !mem->len ||
	    mem->len > HVSIM_MEM_MAX_LEN ||
	    check_add_overflow(mem->gpa, (u64)mem->len - 1, &gpa))
		return -EINVAL;
	if (!mem->vmid || mem->vmid >= hvsim_max_vms)
		return -ENOENT;

	bounce = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!bounce)
		return -ENOMEM;
	while (mem->done < mem->len) {
		gpa = mem->gpa + mem->done;
		n = min_t(size_t, mem->len - mem->done,
			  PAGE_SIZE - offset_in_page(gpa));
		if (write && copy_from_iter(bounce, n, iter) != n) {
			ret = -EFAULT;
			break;
		}

		spin_lock_irqsave(&hvsim_vms_lock, flags);
		vm = &hvsim_vms[mem->vmid];
		if (vm->state == HVSIM_VM_POWERED_OFF)
			ret = -ENOENT;
		else
			ret = hvsim_ept_copy(vm, gpa, bounce, n, write, -ENXIO);
		spin_unlock_irqrestore(&hvsim_vms_lock, flags);
		if (ret)
			break;

		if (!write && copy_to_iter(bounce, n, iter) != n) {
			ret = -EFAULT;
			break;
		}
		mem->done += n;
		cond_resched();
	}
	kfree(bounce);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(hvsim_ept_mem);

/**
 * hvsim_ept_mmio() - a guest MMIO access that hits the VM's memory
 * @io: A checked access (hvsim_io_check()); for a read done here
 *	@io->value is set.
 *
 * If the page of the access's first byte is mapped in the VM's EPT, the
 * access is a memory access, as on real hardware: @io->size bytes, little
 * endian, read or written through the EPT with the checks of
 * hvsim_ept_mem(). The VM must run, as for any guest access.
 *
 * Context: Any context. Takes hvsim_vms_lock, then the EPT lock.
 * Return: 0 when done as a memory access; 1 when it is not one (port
 * I/O, or the first page unmapped): the access traps; -ENOENT, -EBUSY
 * as hvsim_guest_io(); -ENXIO (the second page of the access is not
 * mapped), -EACCES, -EOPNOTSUPP as hvsim_ept_mem().
 */
int hvsim_ept_mmio(struct hvsim_io *io)
{
	__le64 value = cpu_to_le64(io->value & hvsim_io_mask(io->size));
	bool write = io->direction == ACRN_IOREQ_DIR_WRITE;
	unsigned long flags;
	struct hvsim_vm *vm;
	int ret;

	if (io->type != ACRN_IOREQ_TYPE_MMIO)
		return HVSIM_EPT_UNMAPPED;
	if (!io->vmid || io->vmid >= hvsim_max_vms)
		return -ENOENT;

	spin_lock_irqsave(&hvsim_vms_lock, flags);
	vm = &hvsim_vms[io->vmid];
	if (vm->state == HVSIM_VM_POWERED_OFF || io->vcpu >= vm->vcpu_num) {
		ret = -ENOENT;
	} else if (vm->state != HVSIM_VM_RUNNING || vm->guest[io->vcpu].busy) {
		ret = -EBUSY;
	} else {
		if (!write)
			value = 0;
		ret = hvsim_ept_copy(vm, io->address, &value, io->size, write,
				     HVSIM_EPT_UNMAPPED);
	}
	spin_unlock_irqrestore(&hvsim_vms_lock, flags);
	if (!ret && !write)
		io->value = le64_to_cpu(value);
	return ret;
}
