// SPDX-License-Identifier: GPL-2.0
/*
 * The simulated hypervisor's event logs: what it did for each VM slot,
 * for tests and tools to check (HVSIM_IOCTL_GET_EVENTS).
 *
 * Each slot of the VM table has a ring of the last HVSIM_EVENTS_MAX
 * events. Sequence numbers are global, so they order the events of all
 * slots. Everything here is protected by hvsim_vms_lock, which the
 * hypercall handlers that record events hold anyway.
 */

#include <linux/kernel.h>
#include <linux/lockdep.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include "hvsim.h"

/**
 * struct hvsim_event_log - the event log of a VM slot
 * @ring:    The events; the oldest is at @head.
 * @head:    Index of the oldest event in @ring.
 * @count:   Events in @ring.
 * @dropped: Events dropped because @ring was full, since the log was
 *	     last emptied.
 */
struct hvsim_event_log {
	struct hvsim_event	ring[HVSIM_EVENTS_MAX];
	unsigned int		head;
	unsigned int		count;
	u64			dropped;
};

/* The logs of the current table, one per slot. */
static struct hvsim_event_log *hvsim_event_logs;

/* Sequence number of the last event of any slot; never reset. */
static u64 hvsim_event_seq;

/**
 * hvsim_events_init() - give every slot of the VM table an event log
 *
 * Called once the table (hvsim_vms, hvsim_max_vms slots) is allocated.
 *
 * Context: Process context; sleeps.
 * Return: 0 or -ENOMEM.
 */
int hvsim_events_init(void)
{
	unsigned int vmid;

	hvsim_event_logs = kvcalloc(hvsim_max_vms, sizeof(*hvsim_event_logs),
				    GFP_KERNEL);
	if (!hvsim_event_logs)
		return -ENOMEM;
	for (vmid = 0; vmid < hvsim_max_vms; vmid++)
		hvsim_vms[vmid].events = &hvsim_event_logs[vmid];
	return 0;
}

/**
 * hvsim_events_exit() - free the event logs
 *
 * Called before the VM table is freed, when no hypercall can run.
 *
 * Context: Process context.
 */
void hvsim_events_exit(void)
{
	unsigned int vmid;

	if (hvsim_vms)
		for (vmid = 0; vmid < hvsim_max_vms; vmid++)
			hvsim_vms[vmid].events = NULL;
	kvfree(hvsim_event_logs);
	hvsim_event_logs = NULL;
}

/**
 * hvsim_events_reset() - empty a slot's event log
 * @vm: The slot, when a VM is created in it.
 *
 * Context: Any context; hvsim_vms_lock must be held.
 */
void hvsim_events_reset(struct hvsim_vm *vm)
{
	struct hvsim_event_log *log = vm->events;

	lockdep_assert_held(&hvsim_vms_lock);
	if (WARN_ON_ONCE(!log))
		return;
	log->head = 0;
	log->count = 0;
	log->dropped = 0;
}

/**
 * hvsim_event() - record an event in a slot's log
 * @vm:	 The slot.
 * @fmt: printf format of the event's text, cut at HVSIM_EVENT_TEXT - 1
 *	 characters.
 * @...: Its arguments.
 *
 * A full log drops its oldest event.
 *
 * Context: Any context; hvsim_vms_lock must be held.
 */
void hvsim_event(struct hvsim_vm *vm, const char *fmt, ...)
{
	struct hvsim_event_log *log = vm->events;
	struct hvsim_event *e;
	va_list args;

	lockdep_assert_held(&hvsim_vms_lock);
	if (WARN_ON_ONCE(!log))
		return;

	if (log->count == HVSIM_EVENTS_MAX) {
		e = &log->ring[log->head];
		log->head = (log->head + 1) % HVSIM_EVENTS_MAX;
		log->dropped++;
	} else {
		e = &log->ring[(log->head + log->count) % HVSIM_EVENTS_MAX];
		log->count++;
	}

	memset(e, 0, sizeof(*e));
	e->seq = ++hvsim_event_seq;
	va_start(args, fmt);
	vsnprintf(e->text, sizeof(e->text), fmt, args);
	va_end(args);
}
EXPORT_SYMBOL_IF_KUNIT(hvsim_event);

/**
 * hvsim_events_get() - read a slot's event log (HVSIM_IOCTL_GET_EVENTS)
 * @req: In: vmid, reserved, count and since of &struct hvsim_events.
 *	 Out: count (entries written), last_seq and dropped; the other
 *	 fields are left alone.
 * @out: Room for @req->count events (may be NULL if it is 0): the
 *	 events after @req->since, oldest first.
 *
 * The log is copied under the lock, so @out is one consistent view.
 *
 * Context: Any context.
 * Return: 0; -EINVAL for a non-zero reserved field or a count above
 * HVSIM_EVENTS_MAX; -ENOENT for a vmid that is not a slot.
 */
int hvsim_events_get(struct hvsim_events *req, struct hvsim_event *out)
{
	const struct hvsim_event_log *log;
	unsigned int i, n = 0;
	unsigned long flags;

	if (req->reserved || req->count > HVSIM_EVENTS_MAX)
		return -EINVAL;
	if (req->vmid >= hvsim_max_vms)
		return -ENOENT;

	spin_lock_irqsave(&hvsim_vms_lock, flags);
	log = hvsim_vms[req->vmid].events;
	if (log) {
		for (i = 0; i < log->count && n < req->count; i++) {
			const struct hvsim_event *e =
				&log->ring[(log->head + i) % HVSIM_EVENTS_MAX];

			if (e->seq > req->since)
				out[n++] = *e;
		}
		req->last_seq = log->count ?
			log->ring[(log->head + log->count - 1) %
				  HVSIM_EVENTS_MAX].seq : 0;
		req->dropped = log->dropped;
	} else {
		req->last_seq = 0;
		req->dropped = 0;
	}
	spin_unlock_irqrestore(&hvsim_vms_lock, flags);

	req->count = n;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(hvsim_events_get);
