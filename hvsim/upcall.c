// SPDX-License-Identifier: GPL-2.0
/*
 * The simulated upcall: the interrupt the hypervisor injects into the
 * Service VM (vector 0xF3 on ACRN) when it has put a request in a VM's
 * I/O request page. Like the real one it always targets CPU 0 and its
 * handler runs there in hard-IRQ context: an IPI to CPU 0 queues a hard
 * irq_work, which runs the handler.
 */

#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/spinlock.h>

#include "hvsim.h"

/* The upcall the backend offers the HSM. */
struct hvsim_upcall hvsim_upcall = HVSIM_UPCALL_INIT(hvsim_upcall);
EXPORT_SYMBOL_IF_KUNIT(hvsim_upcall);

/**
 * hvsim_upcall_kick() - raise the upcall on CPU 0
 * @info: The &struct hvsim_upcall.
 *
 * Context: CPU 0 with interrupts off (an IPI, or a direct call there).
 */
void hvsim_upcall_kick(void *info)
{
	struct hvsim_upcall *u = info;

	irq_work_queue(&u->work);
	atomic_dec(&u->kicks);
}
EXPORT_SYMBOL_IF_KUNIT(hvsim_upcall_kick);

/**
 * hvsim_upcall_run() - deliver an upcall
 * @work: &hvsim_upcall.work of the upcall.
 *
 * Context: Hard-IRQ context on CPU 0.
 */
void hvsim_upcall_run(struct irq_work *work)
{
	struct hvsim_upcall *u = container_of(work, struct hvsim_upcall, work);
	acrn_upcall_fn handler = READ_ONCE(u->handler);

	if (handler)
		handler();
}
EXPORT_SYMBOL_IF_KUNIT(hvsim_upcall_run);

/**
 * hvsim_upcall_set() - install the upcall handler
 * @u:	     The upcall.
 * @handler: Function run in hard-IRQ context on each upcall.
 *
 * Context: Any context.
 */
void hvsim_upcall_set(struct hvsim_upcall *u, acrn_upcall_fn handler)
{
	WRITE_ONCE(u->handler, handler);
}
EXPORT_SYMBOL_IF_KUNIT(hvsim_upcall_set);

/**
 * hvsim_upcall_clear() - remove the upcall handler and drain deliveries
 * @u: The upcall.
 *
 * Context: Process context. On return the old handler is not running and
 * will not be called again, and no kick or delivery is left in flight.
 */
void hvsim_upcall_clear(struct hvsim_upcall *u)
{
	WRITE_ONCE(u->handler, NULL);

	while (atomic_read(&u->kicks))
		schedule_timeout_uninterruptible(1);
	/*
	 * A kick has returned from its function once the IPI handler that
	 * ran it has (an RCU reader), and a delivery that read the old
	 * handler runs in hard IRQ: wait for both, then for the irq_work.
	 */
	synchronize_rcu();
	irq_work_sync(&u->work);
}
EXPORT_SYMBOL_IF_KUNIT(hvsim_upcall_clear);

/**
 * hvsim_upcall_raise() - inject an upcall into the Service VM
 * @u: The upcall.
 *
 * Upcalls raised while one is pending are merged, as a pending interrupt
 * is on real hardware: the handler looks at all pending work anyway.
 *
 * Context: Any context.
 */
void hvsim_upcall_raise(struct hvsim_upcall *u)
{
	unsigned long flags;
	int ret;

	atomic64_inc(&u->raised);
	atomic_inc(&u->kicks);
	/* vCPUs raise from several CPUs at once; the csd takes one at a time. */
	raw_spin_lock_irqsave(&u->lock, flags);
	/*
	 * Orders the caller's request before the csd's busy check: a kick
	 * found pending has not run yet, and will queue the delivery after
	 * the request is visible.
	 */
	smp_mb();
	ret = smp_call_function_single_async(0, &u->csd);
	raw_spin_unlock_irqrestore(&u->lock, flags);
	if (ret)
		atomic_dec(&u->kicks);
	/* -EBUSY: the previous kick has not run yet and covers this one. */
	if (ret && ret != -EBUSY)
		irq_work_queue(&u->work);	/* CPU 0 is offline: not lost */
}
EXPORT_SYMBOL_IF_KUNIT(hvsim_upcall_raise);
