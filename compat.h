/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place where kernel-version differences are handled.
 *
 * scripts/probe.sh compiles each probes/<name>.c against the target kernel
 * and writes HSM_HAVE_<NAME> for each one that compiles into
 * compat_probes.h; the wrappers below choose on those, never on a version
 * number (distribution kernels backport too much for that).
 */
#ifndef __ACRN_HSM_COMPAT_H
#define __ACRN_HSM_COMPAT_H

#include <linux/kconfig.h>

#include "compat_probes.h"

#include <linux/stringify.h>

/*
 * HSM_NS(ns): symbol namespace @ns as EXPORT_SYMBOL_NS_GPL() and
 * MODULE_IMPORT_NS() want it, a bare identifier before v6.13 and a string
 * literal since.
 */
#if defined(HSM_HAVE_MODULE_NS_IDENT)
#define HSM_NS(ns)	ns
#else
#define HSM_NS(ns)	__stringify(ns)
#endif

/* The namespace of what acrn_hsm.ko exports to other modules. */
#define ACRN_HSM_NS	HSM_NS(ACRN_HSM)

#if IS_ENABLED(CONFIG_KUNIT) && !defined(HSM_HAVE_KUNIT_ARRAY_PARAM_DESC)
#include <kunit/test.h>

/*
 * Parameter generator over a table whose entries name themselves in
 * @desc_member. Kernels without it only offer KUNIT_ARRAY_PARAM(), which
 * wants a description function for every table.
 */
static inline const void *hsm_kunit_param_next(const void *prev, char *desc,
					       const void *base, size_t n,
					       size_t size, size_t desc_offset)
{
	const char *p = prev ? (const char *)prev + size : base;

	if (p >= (const char *)base + n * size)
		return NULL;
	strscpy(desc, *(const char * const *)(p + desc_offset),
		KUNIT_PARAM_DESC_SIZE);
	return p;
}

#define KUNIT_ARRAY_PARAM_DESC(name, array, desc_member)			\
	static const void *name##_gen_params(const void *prev, char *desc)	\
	{									\
		return hsm_kunit_param_next(prev, desc, array,			\
			sizeof(array) / sizeof((array)[0]), sizeof((array)[0]),	\
			offsetof(typeof((array)[0]), desc_member));		\
	}
#endif

#include <linux/mm.h>

/**
 * hsm_follow_pfn() - look up the frame a VM_PFNMAP address maps
 * @vma:      The VMA; the caller holds the mmap lock.
 * @addr:     User address in @vma.
 * @pfn:      Set to the page frame.
 * @writable: Set to whether the mapping is writable.
 *
 * Context: Process context; the mmap lock held.
 * Return: 0, or a negative errno if nothing is mapped at @addr.
 */
static inline int hsm_follow_pfn(struct vm_area_struct *vma,
				 unsigned long addr, unsigned long *pfn,
				 bool *writable)
{
#if defined(HSM_HAVE_FOLLOW_PFNMAP)
	struct follow_pfnmap_args args = { .vma = vma, .address = addr };
	int ret = follow_pfnmap_start(&args);

	if (ret)
		return ret;
	*pfn = args.pfn;
	*writable = args.writable;
	follow_pfnmap_end(&args);
	return 0;
#elif defined(HSM_HAVE_FOLLOW_PTE_MM)
	spinlock_t *ptl;		/* the PTE's, taken by follow_pte() */
	pte_t *ptep, pte;
	int ret = follow_pte(vma->vm_mm, addr, &ptep, &ptl);

	if (ret)
		return ret;
	__acquire(ptl);			/* follow_pte() took it */
	pte = ptep_get(ptep);
	*pfn = pte_pfn(pte);
	*writable = pte_write(pte);
	pte_unmap_unlock(ptep, ptl);
	return 0;
#else
#error "no way to look up VM_PFNMAP frames on this kernel"
#endif
}

#include <linux/eventfd.h>

/**
 * hsm_eventfd_signal() - add one to an eventfd's counter
 * @ctx: The eventfd.
 *
 * Context: Any context where eventfd_signal_allowed().
 */
static inline void hsm_eventfd_signal(struct eventfd_ctx *ctx)
{
#if defined(HSM_HAVE_EVENTFD_SIGNAL_1ARG)
	eventfd_signal(ctx);
#else
	eventfd_signal(ctx, 1);
#endif
}

#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/wait.h>

/**
 * hsm_add_wait_queue_priority_exclusive() - add the one exclusive priority
 *	waiter of a wait queue
 * @wq_head:  The wait queue.
 * @wq_entry: The entry; WQ_FLAG_EXCLUSIVE and WQ_FLAG_PRIORITY are set in
 *	      its flags, whether or not it is added.
 *
 * Adds @wq_entry at the head of @wq_head, so a wakeup calls it first and,
 * when it returns non-zero, nothing after it; unless the first entry is a
 * priority waiter already, which then keeps every wakeup. The check and
 * the insertion are one critical section of @wq_head's lock, taken with
 * interrupts saved and disabled. Kernels without the helper get the same
 * code here.
 *
 * Context: Any context that may take @wq_head's lock; not with it held.
 * Return: 0, or -EBUSY if @wq_head already has a priority waiter.
 */
static inline int
hsm_add_wait_queue_priority_exclusive(struct wait_queue_head *wq_head,
				      struct wait_queue_entry *wq_entry)
{
#if defined(HSM_HAVE_ADD_WAIT_QUEUE_PRIORITY_EXCLUSIVE)
	return add_wait_queue_priority_exclusive(wq_head, wq_entry);
#else
	struct wait_queue_entry *first;
	unsigned long flags;
	int ret = 0;

	wq_entry->flags |= WQ_FLAG_EXCLUSIVE | WQ_FLAG_PRIORITY;
	spin_lock_irqsave(&wq_head->lock, flags);
	first = list_first_entry_or_null(&wq_head->head,
					 struct wait_queue_entry, entry);
	if (first && (first->flags & WQ_FLAG_PRIORITY))
		ret = -EBUSY;
	else
		list_add(&wq_entry->entry, &wq_head->head);
	spin_unlock_irqrestore(&wq_head->lock, flags);
	return ret;
#endif
}

/**
 * hsm_vm_flags_set() - set flags of a VMA being set up by ->mmap()
 * @vma:   The VMA.
 * @flags: VM_* flags to set.
 *
 * vm_flags_set() since v6.3; before, drivers wrote vma->vm_flags.
 *
 * Context: ->mmap(), with the mmap lock held for writing.
 */
static inline void hsm_vm_flags_set(struct vm_area_struct *vma,
				    vm_flags_t flags)
{
#if defined(HSM_HAVE_VM_FLAGS_SET)
	vm_flags_set(vma, flags);
#else
	vma->vm_flags |= flags;
#endif
}

#endif /* __ACRN_HSM_COMPAT_H */
