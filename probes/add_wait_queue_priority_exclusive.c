// SPDX-License-Identifier: GPL-2.0
/*
 * add_wait_queue_priority_exclusive(): v6.17, "sched/wait: Add a
 * waitqueue helper for fully exclusive priority waiters" (Sean
 * Christopherson), for KVM's irqfds. Absent from 6.1 and 6.12.
 */
#include <linux/wait.h>

int probe(struct wait_queue_head *wq_head, struct wait_queue_entry *wq_entry)
{
	return add_wait_queue_priority_exclusive(wq_head, wq_entry);
}
