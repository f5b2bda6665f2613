// SPDX-License-Identifier: GPL-2.0
/*
 * Guest memory: the segments a device model maps into its VM with
 * ACRN_IOCTL_SET_MEMSEG, and kernel access to guest RAM.
 *
 * A RAM segment is backed by the device model's memory. Ordinary and
 * hugetlb memory is pinned long-term and stays pinned until the VM is
 * destroyed, whatever the device model does with its mapping meanwhile:
 * the hypervisor maps the pages, not the user addresses. Memory from a
 * VM_PFNMAP mapping (a driver's device memory) has no pages to pin; it
 * is accepted page by page, only where the PTE is present, writable if
 * the guest may write, and not an ordinary refcounted page (which could
 * be freed under the guest). An MMIO segment maps a host physical range,
 * uncached.
 *
 * Each segment is kept as runs of physically contiguous pages, and each
 * run is one op for the hypervisor, so a 1 GiB hugepage costs one op
 * and scattered 4 KiB pages cost one op per run. Ops go to the
 * hypervisor in page-sized batches, so any size works. The hypervisor
 * applies a batch's ops in order and stops at the first that fails,
 * without undoing the others: on failure the HSM removes what was
 * applied (see acrn_mm_undo()) before it lets go of the pages.
 *
 * Bounds, so that no device model can hurt the host (Documentation/hsm.rst):
 * pinned pages are charged to the caller's RLIMIT_MEMLOCK (locked_vm, as
 * VFIO does) until they are unpinned; a VM holds at most
 * ACRN_MM_MAX_MEMSEGS segments; a segment never holds the same frame
 * twice, so a page is pinned at most ACRN_MM_MAX_MEMSEGS times per VM; no
 * page is pinned once its reference count passes ACRN_MM_REF_MAX; and
 * the run array grows with the pages actually found, so a huge length
 * costs nothing before it fails.
 */

#include <linux/io.h>
#include <linux/highmem.h>
#include <linux/maple_tree.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <kunit/visibility.h>

#include "acrn_drv.h"

/* Ops per batch: a batch and its ops fill one page. */
#define ACRN_MM_BATCH_OPS						\
	((PAGE_SIZE - sizeof(struct vm_memory_region_batch)) /		\
	 sizeof(struct vm_memory_region_op))

/* Pages pinned per pin_user_pages_fast() call: a page of pointers. */
#define ACRN_MM_PIN_CHUNK	(PAGE_SIZE / sizeof(struct page *))

/*
 * A folio whose reference count is above this is not pinned again: one
 * chunk adds at most ACRN_MM_PIN_CHUNK * GUP_PIN_COUNTING_BIAS (2^19),
 * and SET_MEMSEG calls of a VM are serialised, so the count stays far
 * from overflowing even with every VM pinning at once.
 */
#define ACRN_MM_REF_MAX		(INT_MAX / 2)

/**
 * acrn_memmap_check() - validate an ACRN_IOCTL_SET_MEMSEG/UNSET_MEMSEG argument
 * @m: The argument as copied from userspace.
 *
 * Context: Any context.
 * Return: 0, or -EINVAL for an unknown type, attribute bits other than
 * access rights and memory types, a zero length, an address or length
 * that is not page aligned, or a range that wraps around.
 */
VISIBLE_IF_KUNIT int acrn_memmap_check(const struct acrn_vm_memmap *m)
{
	u64 last;

	if (m->type != ACRN_MEMMAP_RAM && m->type != ACRN_MEMMAP_MMIO)
		return -EINVAL;
	if (m->attr & ~(ACRN_MEM_ACCESS_RIGHT_MASK | ACRN_MEM_TYPE_MASK))
		return -EINVAL;
	if (!m->len || !PAGE_ALIGNED(m->len) || !PAGE_ALIGNED(m->user_vm_pa) ||
	    !PAGE_ALIGNED(m->vma_base))
		return -EINVAL;
	if (check_add_overflow(m->user_vm_pa, m->len - 1, &last) ||
	    check_add_overflow(m->vma_base, m->len - 1, &last))
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(acrn_memmap_check);

/* Pages in run @i of @seg. */
static unsigned long acrn_mm_run_pages(const struct acrn_memseg *seg,
				       unsigned long i)
{
	unsigned long end = i + 1 < seg->nr_runs ? seg->runs[i + 1].index :
						  seg->npages;

	return end - seg->runs[i].index;
}

/**
 * acrn_mm_run_add() - append page @index of a segment, at @pfn, to its runs
 * @seg:   The segment; @seg->runs has room for one more run.
 * @index: Page of the segment; pages are added in order.
 * @pfn:   Host page frame backing it.
 *
 * The page extends the last run when it follows it physically, else it
 * starts a new one. @seg->npages becomes @index + 1.
 *
 * Context: Any context.
 */
VISIBLE_IF_KUNIT void acrn_mm_run_add(struct acrn_memseg *seg,
				      unsigned long index, unsigned long pfn)
{
	struct acrn_mm_run *last = seg->nr_runs ?
				   &seg->runs[seg->nr_runs - 1] : NULL;

	if (!last || last->pfn + (index - last->index) != pfn) {
		seg->runs[seg->nr_runs].pfn = pfn;
		seg->runs[seg->nr_runs].index = index;
		seg->nr_runs++;
	}
	seg->npages = index + 1;
}
EXPORT_SYMBOL_IF_KUNIT(acrn_mm_run_add);

/*
 * Charge @npages to the caller's locked_vm, against its RLIMIT_MEMLOCK
 * unless it has CAP_IPC_LOCK, as VFIO does for the pages it pins.
 */
static int acrn_mm_charge(struct acrn_memseg *seg, unsigned long npages)
{
	int ret;

	ret = account_locked_vm(current->mm, npages, true);
	if (ret)
		return ret;
	seg->mm = current->mm;
	mmgrab(seg->mm);
	seg->charged = npages;
	return 0;
}

/*
 * Give back @npages of the charge, to the address space that was charged
 * (whoever unpins: DESTROY_VM may come from another process, or after
 * the device model exited).
 */
static void acrn_mm_uncharge(struct acrn_memseg *seg, unsigned long npages)
{
	if (!seg->mm || !npages)
		return;
	mmap_write_lock(seg->mm);
	__account_locked_vm(seg->mm, npages, false, current, true);
	mmap_write_unlock(seg->mm);
	seg->charged -= npages;
}

/* Free a segment; a charge left is for pages that stay pinned for good. */
static void acrn_memseg_free(struct acrn_memseg *seg)
{
	if (seg->mm)
		mmdrop(seg->mm);
	kvfree(seg->runs);
	kfree(seg);
}

/**
 * acrn_mm_unpin() - unpin runs of a segment of pinned pages
 * @seg:  The segment, pinned by acrn_mm_pin() (else nothing happens).
 * @from: First run.
 * @to:	  Run after the last one.
 *
 * Unpins runs [@from, @to), marking the pages dirty if @seg is writable.
 * Its run array stays; the caller frees it.
 *
 * Context: Process context; sleeps.
 */
void acrn_mm_unpin(struct acrn_memseg *seg, unsigned long from,
		   unsigned long to)
{
	bool dirty = seg->attr & ACRN_MEM_ACCESS_WRITE;
	unsigned long i, n = 0;

	if (!seg->pinned)
		return;
	for (i = from; i < to; i++) {
		unpin_user_page_range_dirty_lock(pfn_to_page(seg->runs[i].pfn),
						 acrn_mm_run_pages(seg, i),
						 dirty);
		n += acrn_mm_run_pages(seg, i);
		cond_resched();
	}
	acrn_mm_uncharge(seg, n);
}
EXPORT_SYMBOL_NS_GPL(acrn_mm_unpin, ACRN_HSM_NS);

/**
 * acrn_mm_page_pinnable() - whether a page may be pinned once more
 * @page: A page the caller holds.
 *
 * Context: Any context.
 * Return: false if its folio's reference count is above ACRN_MM_REF_MAX:
 * pinning it further could bring the count towards overflow.
 */
VISIBLE_IF_KUNIT bool acrn_mm_page_pinnable(struct page *page)
{
	return folio_ref_count(page_folio(page)) <= ACRN_MM_REF_MAX;
}
EXPORT_SYMBOL_IF_KUNIT(acrn_mm_page_pinnable);

/* Frames [@pfn, @end) of one run, for acrn_mm_runs_check(). */
struct acrn_mm_span {
	unsigned long	pfn;
	unsigned long	end;
};

static int acrn_mm_span_cmp(const void *a, const void *b)
{
	const struct acrn_mm_span *x = a, *y = b;

	return x->pfn < y->pfn ? -1 : x->pfn > y->pfn;
}

/**
 * acrn_mm_runs_check() - check that no frame backs two pages of a segment
 * @seg: A segment whose runs are found.
 *
 * A page mapped at many addresses would otherwise be pinned once per
 * address, and enough pins overflow its reference count. The runs are
 * sorted by frame on a copy and checked for overlap.
 *
 * Context: Process context; sleeps.
 * Return: 0; -EINVAL if two runs share a frame; -ENOMEM.
 */
VISIBLE_IF_KUNIT int acrn_mm_runs_check(const struct acrn_memseg *seg)
{
	struct acrn_mm_span *spans;
	unsigned long i, end = 0;
	int ret = 0;

	if (seg->nr_runs < 2)
		return 0;
	spans = kvmalloc_array(seg->nr_runs, sizeof(*spans),
			       GFP_KERNEL | __GFP_NOWARN);
	if (!spans)
		return -ENOMEM;
	for (i = 0; i < seg->nr_runs; i++) {
		spans[i].pfn = seg->runs[i].pfn;
		spans[i].end = seg->runs[i].pfn + acrn_mm_run_pages(seg, i);
	}
	sort(spans, seg->nr_runs, sizeof(*spans), acrn_mm_span_cmp, NULL);
	for (i = 0; i < seg->nr_runs; i++) {
		if (i && spans[i].pfn < end) {
			ret = -EINVAL;
			break;
		}
		end = max(end, spans[i].end);
	}
	kvfree(spans);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(acrn_mm_runs_check);

/*
 * Make room for @n more runs, never more than the segment's pages: the
 * array doubles as pages are found, so its size follows what was pinned,
 * not what was asked.
 */
static int acrn_mm_runs_grow(struct acrn_memseg *seg, unsigned long n)
{
	unsigned long want = seg->nr_runs + n, max;
	struct acrn_mm_run *runs;

	if (want <= seg->max_runs)
		return 0;
	max = max3(want, 2 * seg->max_runs, PAGE_SIZE / sizeof(*runs));
	max = min(max, (unsigned long)(seg->len >> PAGE_SHIFT));
	runs = kvmalloc_array(max, sizeof(*runs),
			      GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!runs)
		return -ENOMEM;
	if (seg->nr_runs)
		memcpy(runs, seg->runs, seg->nr_runs * sizeof(*runs));
	kvfree(seg->runs);
	seg->runs = runs;
	seg->max_runs = max;
	return 0;
}

/* Give back the room of runs that turned out to be merged. */
static void acrn_mm_runs_trim(struct acrn_memseg *seg)
{
	struct acrn_mm_run *runs;

	if (seg->nr_runs == seg->max_runs)
		return;
	runs = kvmalloc_array(seg->nr_runs, sizeof(*runs),
			      GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!runs)
		return;		/* keep the larger array */
	memcpy(runs, seg->runs, seg->nr_runs * sizeof(*runs));
	kvfree(seg->runs);
	seg->runs = runs;
	seg->max_runs = seg->nr_runs;
}

/* Forget the runs of a segment that is not set up after all. */
static void acrn_mm_runs_free(struct acrn_memseg *seg)
{
	kvfree(seg->runs);
	seg->runs = NULL;
	seg->nr_runs = 0;
	seg->max_runs = 0;
}

/**
 * acrn_mm_pin() - pin the user memory behind a segment
 * @seg:   The segment: @seg->len (page aligned, not 0) and @seg->attr
 *	   (write access pins for writing) set, no runs yet.
 * @uaddr: User address of the memory, page aligned.
 *
 * Pins the pages behind [@uaddr, +@seg->len) for the life of the VM,
 * FOLL_LONGTERM so that they are first moved out of movable memory, and
 * records them in @seg->runs as physically contiguous runs. Undo with
 * acrn_mm_unpin() of every run, then kvfree() of @seg->runs.
 *
 * Context: Process context; sleeps.
 * Return: 0; -ENOMEM, or what pinning returned (-EFAULT for memory that
 * cannot be pinned), with nothing pinned.
 */
int acrn_mm_pin(struct acrn_memseg *seg, u64 uaddr)
{
	unsigned long npages = seg->len >> PAGE_SHIFT, done = 0;
	unsigned int gup = FOLL_LONGTERM;
	struct page **pages;
	int ret = 0;

	if (seg->attr & ACRN_MEM_ACCESS_WRITE)
		gup |= FOLL_WRITE;

	pages = (struct page **)__get_free_page(GFP_KERNEL);
	if (!pages)
		return -ENOMEM;

	seg->pinned = true;
	while (done < npages) {
		unsigned long n = min(npages - done, ACRN_MM_PIN_CHUNK);
		int i, got;

		ret = acrn_mm_runs_grow(seg, n);
		if (ret)
			goto unpin;
		got = pin_user_pages_fast(uaddr + (done << PAGE_SHIFT), n, gup,
					  pages);
		if (got <= 0) {
			ret = got ?: -EFAULT;
			goto unpin;
		}
		for (i = 0; i < got; i++) {
			if (!acrn_mm_page_pinnable(pages[i])) {
				unpin_user_pages(pages, got);
				ret = -EOVERFLOW;
				goto unpin;
			}
		}
		for (i = 0; i < got; i++)
			acrn_mm_run_add(seg, done + i, page_to_pfn(pages[i]));
		done += got;
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			goto unpin;
		}
		cond_resched();
	}
	acrn_mm_runs_trim(seg);
	free_page((unsigned long)pages);
	return 0;

unpin:
	acrn_mm_unpin(seg, 0, seg->nr_runs);
	acrn_mm_runs_free(seg);
	seg->npages = 0;
	seg->pinned = false;
	free_page((unsigned long)pages);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(acrn_mm_pin, ACRN_HSM_NS);

/*
 * Check every page of a VM_PFNMAP range and record its frames. Nothing
 * is pinned: such memory has no refcounted pages, which is exactly what
 * is checked.
 */
static int acrn_mm_pfnmap(struct acrn_memseg *seg, struct vm_area_struct *vma,
			  u64 uaddr)
{
	unsigned long npages = seg->len >> PAGE_SHIFT, i;
	bool write = seg->attr & ACRN_MEM_ACCESS_WRITE;
	int ret;

	if (uaddr + seg->len > vma->vm_end)
		return -EINVAL;

	for (i = 0; i < npages; i++) {
		unsigned long pfn;
		bool writable;

		if (!(i % ACRN_MM_PIN_CHUNK)) {
			ret = acrn_mm_runs_grow(seg, min(npages - i,
							 ACRN_MM_PIN_CHUNK));
			if (ret)
				goto free_runs;
		}

		if (hsm_follow_pfn(vma, uaddr + (i << PAGE_SHIFT), &pfn,
				   &writable)) {
			ret = -EFAULT;		/* not present */
			goto free_runs;
		}
		if (write && !writable) {
			ret = -EACCES;
			goto free_runs;
		}
		if (pfn_valid(pfn) && !PageReserved(pfn_to_page(pfn))) {
			ret = -EINVAL;		/* a page nothing holds for us */
			goto free_runs;
		}
		acrn_mm_run_add(seg, i, pfn);
	}
	acrn_mm_runs_trim(seg);
	return 0;

free_runs:
	acrn_mm_runs_free(seg);
	seg->npages = 0;
	return ret;
}

/* Whether mappings cover [@uaddr, @last] without a hole; mmap lock held. */
static bool acrn_mm_covered(struct mm_struct *mm, u64 uaddr, u64 last)
{
	struct vm_area_struct *vma;

	/* Not mmap_assert_locked(): its dump_mm() is not exported on 6.1. */
	lockdep_assert_held(&mm->mmap_lock);
	for (;;) {
		vma = vma_lookup(mm, uaddr);
		if (!vma)
			return false;
		if (vma->vm_end - 1 >= last)
			return true;
		uaddr = vma->vm_end;
	}
}

/*
 * Find the memory behind a RAM segment: pinned pages (charged to the
 * caller's RLIMIT_MEMLOCK) or PFNMAP frames. A range that is not mapped
 * all along fails before anything is allocated, whatever its length.
 */
static int acrn_mm_ram_get(struct acrn_memseg *seg, u64 uaddr)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	int ret;

	mmap_read_lock(mm);
	vma = vma_lookup(mm, uaddr);
	if (vma && (vma->vm_flags & VM_PFNMAP)) {
		ret = acrn_mm_pfnmap(seg, vma, uaddr);
		mmap_read_unlock(mm);
		if (ret)
			return ret;
		goto check;
	}
	if (!acrn_mm_covered(mm, uaddr, uaddr + seg->len - 1)) {
		mmap_read_unlock(mm);
		return -EFAULT;
	}
	mmap_read_unlock(mm);

	ret = acrn_mm_charge(seg, seg->len >> PAGE_SHIFT);
	if (ret)
		return ret;
	ret = acrn_mm_pin(seg, uaddr);
	if (ret) {
		acrn_mm_uncharge(seg, seg->charged);
		return ret;
	}
check:
	ret = acrn_mm_runs_check(seg);
	if (ret) {
		acrn_mm_unpin(seg, 0, seg->nr_runs);
		acrn_mm_runs_free(seg);
		seg->npages = 0;
		seg->pinned = false;
	}
	return ret;
}

/* Fill @batch with ops for runs [@first, +@n) of @seg. */
static void acrn_mm_batch_fill(struct vm_memory_region_batch *batch,
			       struct acrn_vm *vm, const struct acrn_memseg *seg,
			       unsigned long first, unsigned long n, u32 type)
{
	u32 mem_type = seg->type == ACRN_MEMMAP_RAM ? ACRN_MEM_TYPE_WB :
						      ACRN_MEM_TYPE_UC;
	unsigned long i;

	memset(batch, 0, struct_size(batch, regions_op, n));
	batch->vmid = vm->vmid;
	batch->regions_num = n;
	batch->regions_gpa = virt_to_phys(batch->regions_op);
	for (i = 0; i < n; i++) {
		struct vm_memory_region_op *op = &batch->regions_op[i];
		const struct acrn_mm_run *run = &seg->runs[first + i];

		op->type = type;
		op->user_vm_pa = seg->gpa + ((u64)run->index << PAGE_SHIFT);
		op->size = (u64)acrn_mm_run_pages(seg, first + i) << PAGE_SHIFT;
		if (type == ACRN_MR_ADD) {
			op->attr = mem_type |
				   (seg->attr & ACRN_MEM_ACCESS_RIGHT_MASK);
			op->service_vm_pa = PFN_PHYS(run->pfn);
		}
	}
}

static long acrn_mm_hcall(struct acrn_vm *vm, struct acrn_memseg *seg,
			  struct vm_memory_region_batch *batch,
			  unsigned long first, unsigned long n, u32 type)
{
	acrn_mm_batch_fill(batch, vm, seg, first, n, type);
	return hcall_set_memory_regions(vm->hv, virt_to_phys(batch));
}

/*
 * Remove runs [@from, @to) from the hypervisor's map, in batches. Returns
 * @to, or the first run of the batch that failed, with the hypervisor's
 * answer in *@ret.
 */
static unsigned long acrn_mm_del(struct acrn_vm *vm, struct acrn_memseg *seg,
				 struct vm_memory_region_batch *batch,
				 unsigned long from, unsigned long to, long *ret)
{
	unsigned long first, n;

	*ret = 0;
	for (first = from; first < to; first += n) {
		n = min(to - first, ACRN_MM_BATCH_OPS);
		*ret = acrn_mm_hcall(vm, seg, batch, first, n, ACRN_MR_DEL);
		if (*ret)
			return first;
	}
	return to;
}

/*
 * Remove what the hypervisor applied of runs [0, @failed + @n) after the
 * ADD batch of runs [@failed, +@n) failed; the batches before it were
 * applied whole. Returns the first run whose removal could not be
 * confirmed: runs from there to @failed + @n may still be mapped and
 * their pages must stay pinned while the VM exists.
 *
 * The failed batch is undone one op per hypercall, in order: since the
 * hypervisor stops at the first failing op, its ops are mapped up to
 * some op and unmapped from there on, and DEL of the first unmapped one
 * fails with -EINVAL. Any other answer is a refusal that proves nothing.
 */
static unsigned long acrn_mm_undo(struct acrn_vm *vm, struct acrn_memseg *seg,
				  struct vm_memory_region_batch *batch,
				  unsigned long failed, unsigned long n)
{
	unsigned long first, i;
	long ret;

	first = acrn_mm_del(vm, seg, batch, 0, failed, &ret);
	if (ret)
		return first;
	for (i = failed; i < failed + n; i++) {
		ret = acrn_mm_hcall(vm, seg, batch, i, 1, ACRN_MR_DEL);
		if (ret == -EINVAL)
			break;
		if (ret)
			return i;
	}
	return failed + n;
}

/*
 * Hand all runs of @seg to the hypervisor. On failure, *@keep_from is
 * the first run that may still be mapped; runs from there up to
 * *@keep_to must not be released.
 */
static int acrn_mm_map(struct acrn_vm *vm, struct acrn_memseg *seg,
		       unsigned long *keep_from, unsigned long *keep_to)
{
	struct vm_memory_region_batch *batch;
	unsigned long first, n;
	long ret = 0;

	batch = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!batch)
		return -ENOMEM;

	for (first = 0; first < seg->nr_runs; first += n) {
		n = min(seg->nr_runs - first, ACRN_MM_BATCH_OPS);
		ret = acrn_mm_hcall(vm, seg, batch, first, n, ACRN_MR_ADD);
		if (ret) {
			*keep_from = acrn_mm_undo(vm, seg, batch, first, n);
			*keep_to = first + n;
			break;
		}
		cond_resched();
	}

	kfree(batch);
	return acrn_hv_errno(ret, -EBUSY);
}

/* Remove every run of @seg from the hypervisor's map. */
static int acrn_mm_unmap(struct acrn_vm *vm, struct acrn_memseg *seg)
{
	struct vm_memory_region_batch *batch;
	long ret;

	batch = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!batch)
		return -ENOMEM;
	acrn_mm_del(vm, seg, batch, 0, seg->nr_runs, &ret);
	kfree(batch);
	return acrn_hv_errno(ret, -EBUSY);
}

/*
 * The hypervisor may still map runs [@from, @to) of a segment that is
 * going away: release the other pages now and keep those until the VM
 * is destroyed.
 */
static void acrn_mm_keep(struct acrn_vm *vm, struct acrn_memseg *seg,
			 unsigned long from, unsigned long to)
{
	lockdep_assert_held(&vm->mm.lock);

	acrn_mm_unpin(seg, 0, from);
	acrn_mm_unpin(seg, to, seg->nr_runs);
	if (!seg->pinned || from == to) {
		acrn_memseg_free(seg);
		return;
	}
	pr_warn("VM %u: the hypervisor may still map guest memory at 0x%llx; its pages stay pinned until the VM is destroyed\n",
		vm->vmid, seg->gpa);
	seg->keep_from = from;
	seg->keep_to = to;
	list_add(&seg->kept, &vm->mm.kept);
	vm->mm.nr++;
}

/* Whether any segment overlaps [@gpa, @last]. */
static bool acrn_mm_overlaps(struct acrn_vm *vm, u64 gpa, u64 last)
{
	unsigned long index = gpa;

	lockdep_assert_held(&vm->mm.lock);
	return mt_find(&vm->mm.segs, &index, last);
}

/**
 * acrn_mm_memseg_set() - map a segment into a VM (ACRN_IOCTL_SET_MEMSEG)
 * @vm: The VM.
 * @m:	The argument.
 *
 * A RAM segment stays until the VM is destroyed; an MMIO segment until
 * acrn_mm_memseg_unset(). On failure nothing is mapped and nothing is
 * held, except pages the hypervisor refused to give back (logged; they
 * stay pinned until the VM is destroyed).
 *
 * Context: Process context; sleeps. Takes &acrn_vm.mm.lock and, for RAM,
 * the caller's mmap lock.
 * Return: 0; -EINVAL for a bad argument (see acrn_memmap_check()), a
 * PFNMAP range that leaves its mapping or holds ordinary pages, RAM
 * whose range maps one host page twice, or an op the hypervisor
 * rejected; -EEXIST if the guest range overlaps a segment; -ENOSPC if
 * the VM holds ACRN_MM_MAX_MEMSEGS segments; -EFAULT for a range not
 * mapped all along, memory that cannot be pinned or PFNMAP memory that
 * is not present; -EACCES for read-only memory with write access asked;
 * -ENOMEM when out of memory or over the caller's RLIMIT_MEMLOCK;
 * -EOVERFLOW for a page whose reference count is already huge; -EINTR
 * if a fatal signal came while pinning; -EBUSY when the hypervisor
 * refused (VM state); -ENODEV or -EIO from acrn_hv_errno().
 */
int acrn_mm_memseg_set(struct acrn_vm *vm, const struct acrn_vm_memmap *m)
{
	unsigned long keep_from = 0, keep_to = 0;
	struct acrn_memseg *seg;
	int ret;

	ret = acrn_memmap_check(m);
	if (ret)
		return ret;

	seg = kzalloc(sizeof(*seg), GFP_KERNEL_ACCOUNT);
	if (!seg)
		return -ENOMEM;
	seg->type = m->type;
	seg->attr = m->attr;
	seg->gpa = m->user_vm_pa;
	seg->len = m->len;
	INIT_LIST_HEAD(&seg->kept);

	mutex_lock(&vm->mm.lock);
	if (acrn_mm_overlaps(vm, seg->gpa, seg->gpa + seg->len - 1)) {
		ret = -EEXIST;
		goto free_seg;
	}
	if (vm->mm.nr >= ACRN_MM_MAX_MEMSEGS) {
		ret = -ENOSPC;
		goto free_seg;
	}

	if (seg->type == ACRN_MEMMAP_RAM) {
		ret = acrn_mm_ram_get(seg, m->vma_base);
	} else {
		ret = acrn_mm_runs_grow(seg, 1);
		if (!ret)
			acrn_mm_run_add(seg, 0, PHYS_PFN(m->service_vm_pa));
		seg->npages = seg->len >> PAGE_SHIFT;
	}
	if (ret)
		goto free_seg;

	ret = acrn_mm_map(vm, seg, &keep_from, &keep_to);
	if (ret)
		goto release;

	ret = mtree_insert_range(&vm->mm.segs, seg->gpa,
				 seg->gpa + seg->len - 1, seg,
				 GFP_KERNEL_ACCOUNT);
	if (ret) {
		if (acrn_mm_unmap(vm, seg))
			keep_to = seg->nr_runs;	/* keep it all */
		goto release;
	}
	vm->mm.nr++;
	mutex_unlock(&vm->mm.lock);
	return 0;

release:
	acrn_mm_keep(vm, seg, keep_from, keep_to);
	mutex_unlock(&vm->mm.lock);
	return ret;
free_seg:
	mutex_unlock(&vm->mm.lock);
	acrn_memseg_free(seg);
	return ret;
}

/**
 * acrn_mm_memseg_unset() - unmap an MMIO segment (ACRN_IOCTL_UNSET_MEMSEG)
 * @vm: The VM.
 * @m:	The argument: type, guest address and length of a segment mapped
 *	before; the host address is not looked at.
 *
 * RAM segments cannot be unmapped: they go away with the VM.
 *
 * Context: Process context; sleeps. Takes &acrn_vm.mm.lock.
 * Return: 0; -EINVAL for a bad argument or a RAM segment; -ENOENT if no
 * MMIO segment has exactly that guest range; -EBUSY, -ENODEV, -EIO if
 * the hypervisor refused (the segment stays mapped).
 */
int acrn_mm_memseg_unset(struct acrn_vm *vm, const struct acrn_vm_memmap *m)
{
	struct acrn_memseg *seg;
	int ret;

	ret = acrn_memmap_check(m);
	if (ret)
		return ret;
	if (m->type != ACRN_MEMMAP_MMIO)
		return -EINVAL;

	mutex_lock(&vm->mm.lock);
	seg = mtree_load(&vm->mm.segs, m->user_vm_pa);
	if (!seg || seg->type != ACRN_MEMMAP_MMIO || seg->gpa != m->user_vm_pa ||
	    seg->len != m->len) {
		ret = -ENOENT;
		goto unlock;
	}
	ret = acrn_mm_unmap(vm, seg);
	if (ret)
		goto unlock;
	mtree_erase(&vm->mm.segs, seg->gpa);
	vm->mm.nr--;
	synchronize_rcu();		/* acrn_vm_gpa_*() may be looking at it */
	acrn_memseg_free(seg);
unlock:
	mutex_unlock(&vm->mm.lock);
	return ret;
}

/**
 * acrn_mm_vm_init() - set up a new VM's guest memory bookkeeping
 * @vm: The VM.
 *
 * Context: Any context.
 */
void acrn_mm_vm_init(struct acrn_vm *vm)
{
	mutex_init(&vm->mm.lock);
	mt_init_flags(&vm->mm.segs, MT_FLAGS_USE_RCU);
	INIT_LIST_HEAD(&vm->mm.kept);
}
EXPORT_SYMBOL_IF_KUNIT(acrn_mm_vm_init);

/* Drop the bookkeeping; @release: unpin too (the hypervisor let go). */
static void acrn_mm_vm_drop(struct acrn_vm *vm, bool release)
{
	struct acrn_memseg *seg, *next;
	unsigned long index = 0;

	mutex_lock(&vm->mm.lock);
	/*
	 * No reader is left. Leave RCU mode first, as exit_mmap() does:
	 * destroying a large tree in RCU mode frees its nodes from an RCU
	 * callback that walks them after they died.
	 */
	mt_clear_in_rcu(&vm->mm.segs);
	mt_for_each(&vm->mm.segs, seg, index, ULONG_MAX) {
		if (release)
			acrn_mm_unpin(seg, 0, seg->nr_runs);
		acrn_memseg_free(seg);
	}
	mtree_destroy(&vm->mm.segs);
	list_for_each_entry_safe(seg, next, &vm->mm.kept, kept) {
		if (release)
			acrn_mm_unpin(seg, seg->keep_from, seg->keep_to);
		list_del(&seg->kept);
		acrn_memseg_free(seg);
	}
	vm->mm.nr = 0;
	mutex_unlock(&vm->mm.lock);
}

/**
 * acrn_mm_vm_free() - unpin and forget a destroyed VM's guest memory
 * @vm: The VM; the hypervisor has destroyed it, so nothing maps the
 *	pages any more, and no in-kernel client is left to access them.
 *
 * Context: Process context; sleeps.
 */
void acrn_mm_vm_free(struct acrn_vm *vm)
{
	acrn_mm_vm_drop(vm, true);
}
EXPORT_SYMBOL_IF_KUNIT(acrn_mm_vm_free);

/**
 * acrn_mm_vm_abandon() - forget a VM's guest memory without unpinning it
 * @vm: The VM the hypervisor never agreed to destroy: it may still map
 *	the pages, so they stay pinned for good.
 *
 * Context: Process context; sleeps.
 */
void acrn_mm_vm_abandon(struct acrn_vm *vm)
{
	acrn_mm_vm_drop(vm, false);
}

/*
 * Find the host frame behind guest page @gpa of a RAM segment, if it is
 * a page the kernel can access, and the end of the run it is in. Under
 * RCU.
 */
static bool acrn_mm_gpa_pfn(struct acrn_vm *vm, u64 gpa, unsigned long *pfnp,
			    u64 *run_end)
{
	const struct acrn_memseg *seg;
	unsigned long page, lo, hi, pfn;

	seg = mtree_load(&vm->mm.segs, gpa);
	if (!seg || seg->type != ACRN_MEMMAP_RAM)
		return false;

	page = (gpa - seg->gpa) >> PAGE_SHIFT;
	lo = 0;
	hi = seg->nr_runs;
	while (hi - lo > 1) {		/* last run starting at or before page */
		unsigned long mid = lo + (hi - lo) / 2;

		if (seg->runs[mid].index <= page)
			lo = mid;
		else
			hi = mid;
	}
	pfn = seg->runs[lo].pfn + (page - seg->runs[lo].index);
	if (!pfn_valid(pfn))
		return false;		/* PFNMAP memory without pages */
	*pfnp = pfn;
	*run_end = seg->gpa + ((u64)(seg->runs[lo].index +
				     acrn_mm_run_pages(seg, lo)) << PAGE_SHIFT);
	return true;
}

static int acrn_vm_gpa_copy(struct acrn_vm *vm, u64 gpa, void *buf,
			    size_t len, bool write)
{
	u64 last, run_end;
	int ret = 0;

	if (!len)
		return 0;
	if (check_add_overflow(gpa, (u64)len - 1, &last))
		return -EINVAL;

	rcu_read_lock();
	while (len) {
		size_t n = min_t(size_t, len, PAGE_SIZE - offset_in_page(gpa));
		unsigned long pfn;
		void *kaddr;

		if (!acrn_mm_gpa_pfn(vm, gpa, &pfn, &run_end)) {
			ret = -EFAULT;
			break;
		}
		kaddr = kmap_local_pfn(pfn);
		if (write)
			memcpy(kaddr + offset_in_page(gpa), buf, n);
		else
			memcpy(buf, kaddr + offset_in_page(gpa), n);
		kunmap_local(kaddr);
		gpa += n;
		buf += n;
		len -= n;
	}
	rcu_read_unlock();
	return ret;
}

/**
 * acrn_vm_gpa_read() - copy from guest RAM
 * @vm:	 The VM.
 * @gpa: Guest physical address.
 * @buf: Destination.
 * @len: Bytes.
 *
 * Only RAM segments backed by pages are accessible; the pages stay pinned
 * until the VM is destroyed, so this needs no lock.
 *
 * Context: Any context (in-kernel clients call it from their handlers).
 * Return: 0, -EINVAL if the range wraps, -EFAULT if part of it is not
 * guest RAM the kernel can access (@buf is then partly filled).
 */
int acrn_vm_gpa_read(struct acrn_vm *vm, u64 gpa, void *buf, size_t len)
{
	return acrn_vm_gpa_copy(vm, gpa, buf, len, false);
}
EXPORT_SYMBOL_NS_GPL(acrn_vm_gpa_read, ACRN_HSM_NS);

/**
 * acrn_vm_gpa_write() - copy to guest RAM
 * @vm:	 The VM.
 * @gpa: Guest physical address.
 * @buf: Source.
 * @len: Bytes.
 *
 * Like a device's DMA, this ignores the guest's access rights.
 *
 * Context: Any context.
 * Return: 0, -EINVAL if the range wraps, -EFAULT if part of it is not
 * guest RAM the kernel can access (part may have been written).
 */
int acrn_vm_gpa_write(struct acrn_vm *vm, u64 gpa, const void *buf,
		      size_t len)
{
	return acrn_vm_gpa_copy(vm, gpa, (void *)buf, len, true);
}
EXPORT_SYMBOL_NS_GPL(acrn_vm_gpa_write, ACRN_HSM_NS);

/**
 * acrn_vm_gpa_map() - translate a guest RAM range to kernel memory
 * @vm:	 The VM.
 * @gpa: Guest physical address.
 * @len: Bytes, at least 1.
 *
 * Context: Any context.
 * Return: The kernel address of @gpa, valid until the VM is destroyed,
 * if [@gpa, +@len) lies in physically contiguous pages of one RAM segment
 * in the kernel's direct map; NULL otherwise (use acrn_vm_gpa_read()).
 */
void *acrn_vm_gpa_map(struct acrn_vm *vm, u64 gpa, size_t len)
{
	unsigned long pfn;
	void *kaddr = NULL;
	u64 last, run_end;

	if (!len || check_add_overflow(gpa, (u64)len - 1, &last))
		return NULL;

	rcu_read_lock();
	if (acrn_mm_gpa_pfn(vm, gpa, &pfn, &run_end) && last < run_end &&
	    !PageHighMem(pfn_to_page(pfn)))
		kaddr = page_address(pfn_to_page(pfn)) + offset_in_page(gpa);
	rcu_read_unlock();
	return kaddr;
}
EXPORT_SYMBOL_NS_GPL(acrn_vm_gpa_map, ACRN_HSM_NS);
