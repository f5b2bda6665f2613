// SPDX-License-Identifier: GPL-2.0
/*
 * Counters of the request path: one instance per CPU, bumped with
 * acrn_ioreq_stat_inc() from any context, added up on demand.
 */

#include <linux/percpu.h>
#include <linux/string.h>

#include "acrn_drv.h"

DEFINE_PER_CPU(struct acrn_ioreq_stats, acrn_ioreq_stats);

/**
 * acrn_ioreq_stats_read() - add up the request path's counters
 * @sum: Set to the totals over every CPU.
 *
 * Context: Any context; the totals are not a consistent snapshot.
 */
void acrn_ioreq_stats_read(struct acrn_ioreq_stats *sum)
{
	const struct acrn_ioreq_stats *st;
	int cpu;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		st = per_cpu_ptr(&acrn_ioreq_stats, cpu);
		sum->upcalls += READ_ONCE(st->upcalls);
		sum->requests += READ_ONCE(st->requests);
		sum->dm_requests += READ_ONCE(st->dm_requests);
		sum->dm_wakeups += READ_ONCE(st->dm_wakeups);
		sum->kernel_inline += READ_ONCE(st->kernel_inline);
		sum->kernel_deferred += READ_ONCE(st->kernel_deferred);
		sum->kernel_completed += READ_ONCE(st->kernel_completed);
		sum->kernel_passed += READ_ONCE(st->kernel_passed);
		sum->notifies += READ_ONCE(st->notifies);
	}
}
