// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of guest memory (mm.c): SET_MEMSEG argument validation, how
 * pages become runs (hypervisor ops), and kernel access to guest RAM on a
 * VM whose segments the test builds from its own pages. No hypervisor
 * and no module state is involved, so they behave the same before and
 * after module_init.
 */

#include <kunit/test.h>
#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/maple_tree.h>
#include <linux/mm.h>
#include <linux/page_ref.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "../../acrn_drv.h"

struct memmap_case {
	const char *desc;
	u32 type;
	u32 attr;
	u64 gpa;
	u64 base;
	u64 len;
	int expect;
};

#define MM_RWX	ACRN_MEM_ACCESS_RWX
#define MM_VA	0x7f0000000000ULL

static const struct memmap_case memmap_cases[] = {
	{ "ram valid", ACRN_MEMMAP_RAM, MM_RWX, 0, MM_VA, 0x200000, 0 },
	{ "mmio valid", ACRN_MEMMAP_MMIO, MM_RWX, 0xc0000000, 0xfe000000,
	  0x1000, 0 },
	{ "memory type bits accepted", ACRN_MEMMAP_RAM,
	  MM_RWX | ACRN_MEM_TYPE_WB, 0, MM_VA, 0x1000, 0 },
	{ "no access rights", ACRN_MEMMAP_RAM, 0, 0, MM_VA, 0x1000, 0 },
	{ "unknown type", 2, MM_RWX, 0, MM_VA, 0x1000, -EINVAL },
	{ "type all ones", ~0U, MM_RWX, 0, MM_VA, 0x1000, -EINVAL },
	{ "attr bit 3", ACRN_MEMMAP_RAM, MM_RWX | 0x8, 0, MM_VA, 0x1000,
	  -EINVAL },
	{ "attr bit 11", ACRN_MEMMAP_RAM, MM_RWX | 0x800, 0, MM_VA, 0x1000,
	  -EINVAL },
	{ "attr bit 31", ACRN_MEMMAP_RAM, MM_RWX | 0x80000000, 0, MM_VA,
	  0x1000, -EINVAL },
	{ "zero length", ACRN_MEMMAP_RAM, MM_RWX, 0, MM_VA, 0, -EINVAL },
	{ "length not page aligned", ACRN_MEMMAP_RAM, MM_RWX, 0, MM_VA,
	  0x1800, -EINVAL },
	{ "gpa not page aligned", ACRN_MEMMAP_RAM, MM_RWX, 0x10, MM_VA,
	  0x1000, -EINVAL },
	{ "vma_base not page aligned", ACRN_MEMMAP_RAM, MM_RWX, 0,
	  MM_VA + 8, 0x1000, -EINVAL },
	{ "service_vm_pa not page aligned", ACRN_MEMMAP_MMIO, MM_RWX,
	  0xc0000000, 0xfe000004, 0x1000, -EINVAL },
	{ "gpa wraps", ACRN_MEMMAP_RAM, MM_RWX, 0xfffffffffffff000ULL, MM_VA,
	  0x2000, -EINVAL },
	{ "gpa ends at the top", ACRN_MEMMAP_RAM, MM_RWX,
	  0xfffffffffffff000ULL, MM_VA, 0x1000, 0 },
	{ "vma_base wraps", ACRN_MEMMAP_RAM, MM_RWX, 0,
	  0xffffffffffffe000ULL, 0x4000, -EINVAL },
	{ "length all ones (page)", ACRN_MEMMAP_RAM, MM_RWX, 0, 0,
	  0xfffffffffffff000ULL, 0 },
	{ "length ends at the top with gpa", ACRN_MEMMAP_RAM, MM_RWX, 0x1000,
	  0, 0xfffffffffffff000ULL, 0 },
	{ "length wraps with gpa", ACRN_MEMMAP_RAM, MM_RWX, 0x2000, 0,
	  0xfffffffffffff000ULL, -EINVAL },
};

KUNIT_ARRAY_PARAM_DESC(memmap, memmap_cases, desc);

static void mm_test_memmap_check(struct kunit *test)
{
	const struct memmap_case *c = test->param_value;
	struct acrn_vm_memmap m = {
		.type = c->type,
		.attr = c->attr,
		.user_vm_pa = c->gpa,
		.vma_base = c->base,
		.len = c->len,
	};

	KUNIT_EXPECT_EQ(test, acrn_memmap_check(&m), c->expect);
}

/* Pages become runs: contiguous frames merge, anything else splits. */
static void mm_test_runs(struct kunit *test)
{
	static const unsigned long pfns[] = {
		100, 101, 102,		/* one run */
		200,			/* jump forward */
		199,			/* backwards: new run */
		200, 201,		/* follows 199 */
		201,			/* same frame again: new run */
		500,
	};
	static const struct acrn_mm_run expect[] = {
		{ 100, 0 }, { 200, 3 }, { 199, 4 }, { 201, 7 }, { 500, 8 },
	};
	struct acrn_memseg seg = { };
	unsigned long i;

	seg.runs = kunit_kcalloc(test, ARRAY_SIZE(pfns), sizeof(*seg.runs),
				 GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, seg.runs);
	for (i = 0; i < ARRAY_SIZE(pfns); i++)
		acrn_mm_run_add(&seg, i, pfns[i]);

	KUNIT_EXPECT_EQ(test, seg.npages, ARRAY_SIZE(pfns));
	KUNIT_ASSERT_EQ(test, seg.nr_runs, ARRAY_SIZE(expect));
	for (i = 0; i < ARRAY_SIZE(expect); i++) {
		KUNIT_EXPECT_EQ(test, seg.runs[i].pfn, expect[i].pfn);
		KUNIT_EXPECT_EQ(test, seg.runs[i].index, expect[i].index);
	}
}

/* A huge folio's worth of consecutive frames is one run. */
static void mm_test_runs_huge(struct kunit *test)
{
	struct acrn_memseg seg = { };
	unsigned long i;

	seg.runs = kunit_kcalloc(test, 1024, sizeof(*seg.runs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, seg.runs);
	for (i = 0; i < 512; i++)
		acrn_mm_run_add(&seg, i, 0x40000 + i);
	KUNIT_EXPECT_EQ(test, seg.nr_runs, 1UL);
	/* The next folio elsewhere: a second run. */
	for (i = 512; i < 1024; i++)
		acrn_mm_run_add(&seg, i, 0x80000 + i - 512);
	KUNIT_EXPECT_EQ(test, seg.nr_runs, 2UL);
	KUNIT_EXPECT_EQ(test, seg.runs[1].index, 512UL);
}

/*
 * A VM with guest RAM built from the test's pages:
 *   0x10000: 3 pages, runs [page A, page A+1] [page B]
 *   0x20000: 1 page  (page C)
 *   0x30000: an MMIO segment (not accessible)
 */
struct mm_fixture {
	struct acrn_vm		vm;
	struct page		*a, *b, *c;
};

#define MM_RAM1		0x10000ULL
#define MM_RAM2		0x20000ULL
#define MM_MMIO		0x30000ULL

static struct acrn_memseg *mm_seg(struct kunit *test, u32 type, u64 gpa,
				  unsigned long npages)
{
	struct acrn_memseg *seg = kzalloc(sizeof(*seg), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, seg);
	seg->runs = kvcalloc(npages, sizeof(*seg->runs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, seg->runs);
	seg->type = type;
	seg->attr = ACRN_MEM_ACCESS_RWX;
	seg->gpa = gpa;
	seg->len = (u64)npages << PAGE_SHIFT;
	INIT_LIST_HEAD(&seg->kept);
	return seg;
}

static void mm_insert(struct kunit *test, struct acrn_vm *vm,
		      struct acrn_memseg *seg)
{
	KUNIT_ASSERT_EQ(test, mtree_insert_range(&vm->mm.segs, seg->gpa,
						 seg->gpa + seg->len - 1, seg,
						 GFP_KERNEL), 0);
}

static int mm_fixture_init(struct kunit *test)
{
	struct mm_fixture *f;
	struct acrn_memseg *seg;

	f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	if (!f)
		return -ENOMEM;
	acrn_mm_vm_init(&f->vm);
	f->a = alloc_pages(GFP_KERNEL | __GFP_ZERO, 1);
	f->b = alloc_page(GFP_KERNEL | __GFP_ZERO);
	f->c = alloc_page(GFP_KERNEL | __GFP_ZERO);
	test->priv = f;
	if (!f->a || !f->b || !f->c)
		return -ENOMEM;

	seg = mm_seg(test, ACRN_MEMMAP_RAM, MM_RAM1, 3);
	acrn_mm_run_add(seg, 0, page_to_pfn(f->a));
	acrn_mm_run_add(seg, 1, page_to_pfn(f->a) + 1);
	acrn_mm_run_add(seg, 2, page_to_pfn(f->b));
	mm_insert(test, &f->vm, seg);

	seg = mm_seg(test, ACRN_MEMMAP_RAM, MM_RAM2, 1);
	acrn_mm_run_add(seg, 0, page_to_pfn(f->c));
	mm_insert(test, &f->vm, seg);

	seg = mm_seg(test, ACRN_MEMMAP_MMIO, MM_MMIO, 1);
	acrn_mm_run_add(seg, 0, page_to_pfn(f->c));
	mm_insert(test, &f->vm, seg);
	return 0;
}

static void mm_fixture_exit(struct kunit *test)
{
	struct mm_fixture *f = test->priv;

	if (!f)
		return;
	acrn_mm_vm_free(&f->vm);	/* nothing is pinned: frees bookkeeping */
	if (f->a)
		__free_pages(f->a, 1);
	if (f->b)
		__free_page(f->b);
	if (f->c)
		__free_page(f->c);
}

/*
 * Tearing down a VM with thousands of segments (more than SET_MEMSEG
 * allows, to make the tree deep): its maple tree used to be destroyed in
 * RCU mode, and the RCU callback then walked freed nodes (KASAN:
 * null-ptr-deref in mte_dead_walk, seen with 4096 segments and gaps
 * between them; 2048 survived). 3072 segments, built as below, crash
 * both 6.1 and 6.12 without the fix (mt_clear_in_rcu() before
 * mtree_destroy() in acrn_mm_vm_drop()). rcu_barrier() runs the
 * callbacks while the test is still on.
 */
static void mm_test_teardown_many(struct kunit *test)
{
	struct acrn_vm *vm = kunit_kzalloc(test, sizeof(*vm), GFP_KERNEL);
	struct acrn_memseg *seg;
	unsigned long i;

	KUNIT_ASSERT_NOT_NULL(test, vm);
	acrn_mm_vm_init(vm);
	/*
	 * Built out of RCU mode, as fork() builds a new mm's tree, then
	 * switched to it before the destruction: no node copied and freed
	 * through RCU for every insertion. Each allocation costs under
	 * KASAN, kmemleak and TCG; this took most of a minute on 6.1.
	 */
	mt_clear_in_rcu(&vm->mm.segs);
	for (i = 0; i < 3 * ACRN_MM_MAX_MEMSEGS; i++) {
		/* No run array: one allocation per segment, not two. */
		seg = kzalloc(sizeof(*seg), GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, seg);
		seg->type = ACRN_MEMMAP_MMIO;
		seg->attr = ACRN_MEM_ACCESS_RWX;
		seg->gpa = (u64)i * 2 * PAGE_SIZE;
		seg->len = PAGE_SIZE;
		INIT_LIST_HEAD(&seg->kept);
		mm_insert(test, vm, seg);
		vm->mm.nr++;
	}
	mt_set_in_rcu(&vm->mm.segs);
	KUNIT_ASSERT_TRUE(test, mt_in_rcu(&vm->mm.segs));
	acrn_mm_vm_free(vm);
	KUNIT_EXPECT_EQ(test, vm->mm.nr, 0U);
	rcu_barrier();
}

static void mm_test_gpa_copy(struct kunit *test)
{
	struct mm_fixture *f = test->priv;
	const size_t len = 3 * PAGE_SIZE;
	u8 *a = page_address(f->a), *b = page_address(f->b);
	u8 *out = kunit_kmalloc(test, len, GFP_KERNEL);
	u8 *in = kunit_kmalloc(test, len, GFP_KERNEL);
	size_t i;

	KUNIT_ASSERT_NOT_NULL(test, out);
	KUNIT_ASSERT_NOT_NULL(test, in);
	for (i = 0; i < len; i++)
		out[i] = i * 7 + 1;
	KUNIT_ASSERT_EQ(test, acrn_vm_gpa_write(&f->vm, MM_RAM1, out, len), 0);
	/* Each guest page landed in its own host page. */
	KUNIT_EXPECT_EQ(test, memcmp(a, out, 2 * PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ(test, memcmp(b, out + 2 * PAGE_SIZE, PAGE_SIZE), 0);

	memset(in, 0, len);
	KUNIT_ASSERT_EQ(test, acrn_vm_gpa_read(&f->vm, MM_RAM1, in, len), 0);
	KUNIT_EXPECT_EQ(test, memcmp(in, out, len), 0);

	/* Unaligned, across the run boundary. */
	memset(in, 0, len);
	KUNIT_ASSERT_EQ(test, acrn_vm_gpa_read(&f->vm, MM_RAM1 + 2 * PAGE_SIZE - 5,
					       in, 10), 0);
	KUNIT_EXPECT_EQ(test, memcmp(in, out + 2 * PAGE_SIZE - 5, 10), 0);
}

static void mm_test_gpa_bounds(struct kunit *test)
{
	struct mm_fixture *f = test->priv;
	u8 buf[16] = { 0x5a };

	/* Past the end of the first segment: a gap. */
	KUNIT_EXPECT_EQ(test, acrn_vm_gpa_read(&f->vm, MM_RAM1 + 3 * PAGE_SIZE - 8,
					       buf, 16), -EFAULT);
	KUNIT_EXPECT_EQ(test, acrn_vm_gpa_read(&f->vm, MM_RAM1 - 1, buf, 2),
			-EFAULT);
	KUNIT_EXPECT_EQ(test, acrn_vm_gpa_read(&f->vm, 0, buf, 1), -EFAULT);
	/* MMIO is not guest RAM, even when it points at RAM. */
	KUNIT_EXPECT_EQ(test, acrn_vm_gpa_read(&f->vm, MM_MMIO, buf, 1), -EFAULT);
	KUNIT_EXPECT_EQ(test, acrn_vm_gpa_write(&f->vm, MM_MMIO, buf, 1),
			-EFAULT);
	KUNIT_EXPECT_EQ(test, acrn_vm_gpa_read(&f->vm, ~0ULL, buf, 2), -EINVAL);
	KUNIT_EXPECT_EQ(test, acrn_vm_gpa_read(&f->vm, MM_RAM2, buf, 0), 0);
	/* The page behind MM_MMIO was not written through it. */
	KUNIT_EXPECT_EQ(test, ((u8 *)page_address(f->c))[0], 0);
}

static void mm_test_gpa_map(struct kunit *test)
{
	struct mm_fixture *f = test->priv;
	u8 *a = page_address(f->a);

	/* Two pages of one run: one pointer. */
	KUNIT_EXPECT_PTR_EQ(test, acrn_vm_gpa_map(&f->vm, MM_RAM1 + 8,
						  2 * PAGE_SIZE - 8),
			    (void *)(a + 8));
	/* Into the next run: not contiguous. */
	KUNIT_EXPECT_NULL(test, acrn_vm_gpa_map(&f->vm, MM_RAM1 + 8,
						2 * PAGE_SIZE));
	KUNIT_EXPECT_PTR_EQ(test, acrn_vm_gpa_map(&f->vm, MM_RAM1 + 2 * PAGE_SIZE,
						  PAGE_SIZE),
			    page_address(f->b));
	KUNIT_EXPECT_NULL(test, acrn_vm_gpa_map(&f->vm, MM_MMIO, 1));
	KUNIT_EXPECT_NULL(test, acrn_vm_gpa_map(&f->vm, MM_RAM2, 0));
	KUNIT_EXPECT_NULL(test, acrn_vm_gpa_map(&f->vm, MM_RAM2 + PAGE_SIZE, 1));
}

/* A segment that maps one host frame twice is refused. */
static void mm_test_runs_check(struct kunit *test)
{
	static const struct {
		const char *desc;
		unsigned long pfns[6];
		int expect;
	} cases[] = {
		{ "distinct", { 10, 11, 30, 20, 21, 40 }, 0 },
		{ "one run", { 10, 11, 12, 13, 14, 15 }, 0 },
		{ "adjacent runs reversed", { 20, 21, 18, 19, 16, 17 }, 0 },
		{ "same page twice", { 10, 11, 30, 10, 50, 60 }, -EINVAL },
		{ "same page six times", { 7, 7, 7, 7, 7, 7 }, -EINVAL },
		{ "run inside a run", { 10, 11, 12, 13, 11, 12 }, -EINVAL },
		{ "last page again", { 1, 2, 3, 90, 91, 3 }, -EINVAL },
	};
	struct acrn_memseg seg = { };
	unsigned long i, j;

	seg.runs = kunit_kcalloc(test, 6, sizeof(*seg.runs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, seg.runs);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		seg.nr_runs = 0;
		seg.npages = 0;
		for (j = 0; j < 6; j++)
			acrn_mm_run_add(&seg, j, cases[i].pfns[j]);
		KUNIT_EXPECT_EQ_MSG(test, acrn_mm_runs_check(&seg),
				    cases[i].expect, "%s", cases[i].desc);
	}
}

/* No page is pinned once its reference count is near overflowing. */
static void mm_test_page_pinnable(struct kunit *test)
{
	struct page *page = alloc_page(GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_EXPECT_TRUE(test, acrn_mm_page_pinnable(page));
	page_ref_add(page, INT_MAX / 2);
	KUNIT_EXPECT_FALSE(test, acrn_mm_page_pinnable(page));
	page_ref_sub(page, INT_MAX / 2);
	KUNIT_EXPECT_TRUE(test, acrn_mm_page_pinnable(page));
	__free_page(page);
}

static struct kunit_case mm_test_cases[] = {
	KUNIT_CASE_PARAM(mm_test_memmap_check, memmap_gen_params),
	KUNIT_CASE(mm_test_runs),
	KUNIT_CASE(mm_test_runs_huge),
	KUNIT_CASE(mm_test_runs_check),
	KUNIT_CASE(mm_test_page_pinnable),
	KUNIT_CASE(mm_test_teardown_many),
	{}
};

static struct kunit_suite mm_test_suite = {
	.name = "acrn_hsm_mm",
	.test_cases = mm_test_cases,
};

static struct kunit_case mm_gpa_test_cases[] = {
	KUNIT_CASE(mm_test_gpa_copy),
	KUNIT_CASE(mm_test_gpa_bounds),
	KUNIT_CASE(mm_test_gpa_map),
	{}
};

static struct kunit_suite mm_gpa_test_suite = {
	.name = "acrn_hsm_gpa",
	.init = mm_fixture_init,
	.exit = mm_fixture_exit,
	.test_cases = mm_gpa_test_cases,
};

kunit_test_suites(&mm_test_suite, &mm_gpa_test_suite);
