// SPDX-License-Identifier: GPL-2.0
/*
 * follow_pte() taking the mm: up to v6.9 (v6.10 made it take the VMA,
 * v6.12 replaced it with follow_pfnmap_start()). Present in 6.1.
 */
#include <linux/mm.h>

int probe(struct mm_struct *mm, unsigned long addr, pte_t **ptep,
	  spinlock_t **ptl)
{
	return follow_pte(mm, addr, ptep, ptl);
}
