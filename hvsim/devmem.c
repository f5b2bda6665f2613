// SPDX-License-Identifier: GPL-2.0
/*
 * Simulated device memory: what a device model gets when it mmap()s a
 * driver's aperture (a framebuffer, an ivshmem region), a VM_PFNMAP
 * mapping of memory that no refcount protects. SET_MEMSEG must map such
 * memory by frame (follow_pfnmap), and refuse ordinary refcounted pages
 * mapped the same way.
 *
 * At load the module allocates HVSIM_DEVMEM_SIZE bytes as
 * HVSIM_DEVMEM_CHUNK-sized physically contiguous chunks, zeroed, each
 * page marked reserved (PG_reserved, as device and firmware memory is),
 * and HVSIM_NORMAL_SIZE bytes of ordinary pages; both are kept until
 * unload. mmap() of /dev/acrn_hvsim maps them with remap_pfn_range()
 * (VM_PFNMAP | VM_IO), the page offset choosing a region (the UAPI's
 * HVSIM_MMAP_*). A mapping holds the file and the file holds the module,
 * so the memory outlives every mapping.
 */

#include <linux/build_bug.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/page-flags.h>
#include <linux/types.h>

#include "hvsim.h"

#define HVSIM_DEVMEM_CHUNKS	(HVSIM_DEVMEM_SIZE / HVSIM_DEVMEM_CHUNK)
#define HVSIM_CHUNK_PAGES	(HVSIM_DEVMEM_CHUNK >> PAGE_SHIFT)
#define HVSIM_CHUNK_ORDER	ilog2(HVSIM_CHUNK_PAGES)
#define HVSIM_NORMAL_PAGES	(HVSIM_NORMAL_SIZE >> PAGE_SHIFT)

/* mmap() regions: the page offset's bits 32 and up, in bytes. */
#define HVSIM_MMAP_REGION_SHIFT	32

static_assert(HVSIM_DEVMEM_SIZE % HVSIM_DEVMEM_CHUNK == 0);
static_assert(!(HVSIM_CHUNK_PAGES & (HVSIM_CHUNK_PAGES - 1)));
static_assert(HVSIM_NORMAL_SIZE % PAGE_SIZE == 0);

/* First pages of the chunks, and the ordinary pages; set at load only. */
static struct page *hvsim_devmem_chunk[HVSIM_DEVMEM_CHUNKS];
static struct page *hvsim_normal_page[HVSIM_NORMAL_PAGES];

/**
 * hvsim_devmem_exit() - free the simulated device memory
 *
 * Nothing maps it any more: every mapping holds the module.
 *
 * Context: Process context (module exit, or a failed init).
 */
void hvsim_devmem_exit(void)
{
	unsigned int c, i;

	for (c = 0; c < HVSIM_DEVMEM_CHUNKS; c++) {
		struct page *page = hvsim_devmem_chunk[c];

		if (!page)
			continue;
		for (i = 0; i < HVSIM_CHUNK_PAGES; i++)
			ClearPageReserved(page + i);
		__free_pages(page, HVSIM_CHUNK_ORDER);
		hvsim_devmem_chunk[c] = NULL;
	}
	for (i = 0; i < HVSIM_NORMAL_PAGES; i++) {
		if (hvsim_normal_page[i])
			__free_page(hvsim_normal_page[i]);
		hvsim_normal_page[i] = NULL;
	}
}

/**
 * hvsim_devmem_init() - allocate the simulated device memory
 *
 * Context: Process context (module init).
 * Return: 0 or -ENOMEM.
 */
int hvsim_devmem_init(void)
{
	unsigned int c, i;

	for (c = 0; c < HVSIM_DEVMEM_CHUNKS; c++) {
		struct page *page = alloc_pages(GFP_KERNEL | __GFP_ZERO |
						__GFP_NOWARN, HVSIM_CHUNK_ORDER);

		if (!page)
			goto fail;
		for (i = 0; i < HVSIM_CHUNK_PAGES; i++)
			SetPageReserved(page + i);
		hvsim_devmem_chunk[c] = page;
	}
	for (i = 0; i < HVSIM_NORMAL_PAGES; i++) {
		hvsim_normal_page[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!hvsim_normal_page[i])
			goto fail;
	}
	return 0;

fail:
	hvsim_devmem_exit();
	return -ENOMEM;
}

/* The frame page @p of @region maps, false for a hole. */
static bool hvsim_devmem_pfn(unsigned int region, unsigned long p,
			     unsigned long *pfn)
{
	unsigned long c = p / HVSIM_CHUNK_PAGES, i = p % HVSIM_CHUNK_PAGES;

	switch (region) {
	case HVSIM_MMAP_DEVMEM_HOLES >> HVSIM_MMAP_REGION_SHIFT:
		if (p & 1)
			return false;
		fallthrough;
	case HVSIM_MMAP_DEVMEM >> HVSIM_MMAP_REGION_SHIFT:
		*pfn = page_to_pfn(hvsim_devmem_chunk[c]) + i;
		return true;
	case HVSIM_MMAP_DEVMEM_REVERSED >> HVSIM_MMAP_REGION_SHIFT:
		*pfn = page_to_pfn(hvsim_devmem_chunk[HVSIM_DEVMEM_CHUNKS - 1 - c]) + i;
		return true;
	default:
		*pfn = page_to_pfn(hvsim_normal_page[p]);
		return true;
	}
}

/**
 * hvsim_devmem_mmap() - mmap() of /dev/acrn_hvsim
 * @filp: The file.
 * @vma:  The new mapping.
 *
 * The page offset's bits 32 and up choose the region (HVSIM_MMAP_*), the
 * rest is the offset in it; the mapping must end inside the region.
 * Runs of physically contiguous pages are mapped with remap_pfn_range()
 * with @vma->vm_page_prot (so a PROT_READ mapping is read-only); the
 * holes of HVSIM_MMAP_DEVMEM_HOLES (its odd pages) are left unmapped. A
 * mapping with no page mapped (one odd page of the holes) is not
 * VM_PFNMAP, as remap_pfn_range() was never called.
 *
 * Context: Process context, with the mmap lock held for writing.
 * Return: 0; -EINVAL for a private mapping, an unknown region, or a
 * mapping beyond the region; an error of remap_pfn_range().
 */
int hvsim_devmem_mmap(struct file *filp, struct vm_area_struct *vma)
{
	u64 off = (u64)vma->vm_pgoff << PAGE_SHIFT;
	unsigned int region = off >> HVSIM_MMAP_REGION_SHIFT;
	unsigned long n = vma_pages(vma), first, p, q, pfn, next;
	u64 start = lower_32_bits(off), size;
	int ret;

	if (!(vma->vm_flags & VM_MAYSHARE))
		return -EINVAL;
	switch (off & ~(u64)U32_MAX) {
	case HVSIM_MMAP_DEVMEM:
	case HVSIM_MMAP_DEVMEM_HOLES:
	case HVSIM_MMAP_DEVMEM_REVERSED:
		size = HVSIM_DEVMEM_SIZE;
		break;
	case HVSIM_MMAP_NORMAL:
		size = HVSIM_NORMAL_SIZE;
		break;
	default:
		return -EINVAL;
	}
	if (start > size || PFN_PHYS((u64)n) > size - start)
		return -EINVAL;

	first = PHYS_PFN(start);
	for (p = 0; p < n; p = q) {
		q = p + 1;
		if (!hvsim_devmem_pfn(region, first + p, &pfn))
			continue;
		while (q < n && hvsim_devmem_pfn(region, first + q, &next) &&
		       next == pfn + (q - p))
			q++;
		ret = remap_pfn_range(vma, vma->vm_start + PFN_PHYS(p), pfn,
				      PFN_PHYS(q - p), vma->vm_page_prot);
		if (ret)
			return ret;
	}
	return 0;
}
