// SPDX-License-Identifier: GPL-2.0
/*
 * follow_pfnmap_start(): v6.12 "mm: new follow_pfnmap API" (Peter Xu),
 * which also replaced follow_pte(mm, ...) for drivers. Absent from 6.1.
 */
#include <linux/mm.h>

int probe(struct follow_pfnmap_args *args)
{
	return follow_pfnmap_start(args);
}
