// SPDX-License-Identifier: GPL-2.0
/*
 * The simulated guest: the vCPUs of a running User VM making port I/O
 * and MMIO accesses that trap to the hypervisor, which hands them to the
 * Service VM through the shared I/O request page (see
 * Documentation/simulator.rst, "ACRN's I/O request page").
 *
 * An access does what the hypervisor's vCPU thread does: it fills its
 * vCPU's slot, publishes PENDING, raises the upcall and waits for
 * COMPLETE, spinning if the VM polls for completion, else sleeping on
 * the vCPU's event until NOTIFY_REQUEST_FINISH signals it; then it copies
 * a read value back and frees the slot. An MMIO access to a page the
 * VM's EPT maps does not trap: it reads or writes guest memory (ept.c).
 *
 * Lifetime: the HSM unpins the I/O request page as soon as the hypervisor
 * has agreed to destroy the VM, and the device model may free it then.
 * So an access takes its own reference on the page while the VM is known
 * to be valid (under hvsim_vms_lock) and drops it when it returns. It
 * writes the page only under the lock and only while the VM is in the
 * generation the access started in; RESET_VM and DESTROY_VM bump the
 * generation and wake every waiter, which returns ECANCELED. Reads of the
 * slot's state outside the lock (while polling) go to a page the access
 * holds, so a VM that went away meanwhile costs nothing but a stale read.
 */

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>

#include "hvsim.h"

static struct {
	atomic64_t	requests;
	atomic64_t	completed;
	atomic64_t	timeouts;
	atomic64_t	canceled;
	atomic64_t	unfinished;
	atomic64_t	notify_not_complete;
	atomic64_t	notify_polling;
} hvsim_guest_stats;

/**
 * hvsim_io_mask() - the bits an access of @size bytes carries
 * @size: Access size in bytes.
 *
 * Context: Any context.
 * Return: The low @size bytes set; all ones for 8 or more.
 */
u64 hvsim_io_mask(u32 size)
{
	return size >= 8 ? ~0ULL : BIT_ULL(size * 8) - 1;
}
EXPORT_SYMBOL_IF_KUNIT(hvsim_io_mask);

/**
 * hvsim_io_check() - validate an access's fields
 * @io: The access; @io->vmid and @io->vcpu are not looked at.
 *
 * Port I/O is 1, 2 or 4 bytes inside ports 0 to 0xffff; MMIO is 1, 2, 4
 * or 8 bytes that do not wrap around the address space.
 *
 * Context: Any context.
 * Return: 0, or -EINVAL for a bad type, direction, size, address, flag
 * or reserved field.
 */
int hvsim_io_check(const struct hvsim_io *io)
{
	u64 last;

	if ((io->flags & ~HVSIM_IO_NO_UPCALL) || io->reserved)
		return -EINVAL;
	if (io->direction != ACRN_IOREQ_DIR_READ &&
	    io->direction != ACRN_IOREQ_DIR_WRITE)
		return -EINVAL;

	switch (io->type) {
	case ACRN_IOREQ_TYPE_PORTIO:
		if (io->size != 1 && io->size != 2 && io->size != 4)
			return -EINVAL;
		if (io->address > 0x10000 - io->size)
			return -EINVAL;
		return 0;
	case ACRN_IOREQ_TYPE_MMIO:
		if (io->size != 1 && io->size != 2 && io->size != 4 &&
		    io->size != 8)
			return -EINVAL;
		if (check_add_overflow(io->address, (u64)io->size - 1, &last))
			return -EINVAL;
		return 0;
	default:
		return -EINVAL;
	}
}
EXPORT_SYMBOL_IF_KUNIT(hvsim_io_check);

/**
 * struct hvsim_access - one access in progress
 * @io:		  The access; a read value is stored in @io->value.
 * @vm:		  Its VM (the slot of the VM table).
 * @gv:		  Its vCPU's guest state.
 * @slot:	  Its vCPU's slot in the I/O request page.
 * @folio:	  The access's reference on the I/O request page.
 * @gen:	  Generation of @vm when the access started.
 * @deadline:	  Jiffies at which it times out.
 * @polling:	  The VM polls for completion.
 * @stoppable:	  Run by a kernel thread that kthread_stop() may end.
 * @published:	  The request was published: on failure it is abandoned.
 * @published_ns: When PENDING was published.
 * @completed_ns: When COMPLETE was seen.
 */
struct hvsim_access {
	struct hvsim_io			*io;
	struct hvsim_vm			*vm;
	struct hvsim_guest_vcpu		*gv;
	struct acrn_io_request		*slot;
	struct folio			*folio;
	unsigned long			gen;
	unsigned long			deadline;
	bool				polling;
	bool				stoppable;
	bool				published;
	u64				published_ns;
	u64				completed_ns;
};

/* The VM was reset or destroyed since the access started. */
static bool hvsim_access_canceled(const struct hvsim_access *a)
{
	return READ_ONCE(a->vm->gen) != a->gen;
}

static bool hvsim_access_stopped(const struct hvsim_access *a)
{
	return a->stoppable && kthread_should_stop();
}

/* The state of the access's slot. */
static u32 hvsim_access_state(const struct hvsim_access *a)
{
	/* Pairs with the Service VM's release of COMPLETE: its value first. */
	return smp_load_acquire(&a->slot->processed);
}

/* Something a waiter for a FREE slot must look at. */
static bool hvsim_access_slot_moved(const struct hvsim_access *a, u32 seen)
{
	return hvsim_access_canceled(a) || hvsim_access_stopped(a) ||
	       READ_ONCE(a->slot->processed) != seen;
}

/* Something a waiter for the notification must look at. */
static bool hvsim_access_woken(const struct hvsim_access *a)
{
	return READ_ONCE(a->gv->event) || hvsim_access_canceled(a) ||
	       hvsim_access_stopped(a);
}

/* Jiffies left before the deadline, 0 once it has passed. */
static long hvsim_access_left(const struct hvsim_access *a)
{
	long left = (long)(a->deadline - jiffies);

	return max(left, 0L);
}

/*
 * Find the VM and vCPU, check that the VM runs and the vCPU is idle, take
 * a reference on the I/O request page and mark the vCPU busy.
 */
static int hvsim_access_begin(struct hvsim_access *a)
{
	const struct hvsim_io *io = a->io;
	struct hvsim_vm *vm;
	unsigned long flags;
	int ret = 0;

	if (!io->vmid || io->vmid >= hvsim_max_vms)
		return -ENOENT;

	spin_lock_irqsave(&hvsim_vms_lock, flags);
	vm = &hvsim_vms[io->vmid];
	if (vm->state == HVSIM_VM_POWERED_OFF || io->vcpu >= vm->vcpu_num) {
		ret = -ENOENT;
		goto unlock;
	}
	if (vm->state != HVSIM_VM_RUNNING || !vm->ioreq ||
	    vm->guest[io->vcpu].busy) {
		ret = -EBUSY;
		goto unlock;
	}
	/* The HSM's pin keeps the page while the VM exists, but no longer. */
	a->folio = page_folio(pfn_to_page(PHYS_PFN(vm->ioreq_gpa)));
	if (!folio_try_get(a->folio)) {
		ret = -EFAULT;
		goto unlock;
	}
	a->vm = vm;
	a->gv = &vm->guest[io->vcpu];
	a->gv->busy = true;
	a->slot = &vm->ioreq->req_slot[io->vcpu];
	a->gen = vm->gen;
	a->polling = vm->guest_flags & HVSIM_GUEST_FLAG_IO_POLLING;
unlock:
	spin_unlock_irqrestore(&hvsim_vms_lock, flags);
	return ret;
}

/* Undo hvsim_access_begin(); abandon a request that did not complete. */
static void hvsim_access_release(struct hvsim_access *a, int ret)
{
	unsigned long flags;

	spin_lock_irqsave(&hvsim_vms_lock, flags);
	if (a->published && ret && !hvsim_access_canceled(a))
		a->gv->abandoned = true;
	a->gv->busy = false;
	spin_unlock_irqrestore(&hvsim_vms_lock, flags);
	folio_put(a->folio);
}

/* Fill the FREE slot and publish PENDING, as acrn_insert_request() does. */
static void hvsim_access_fill(struct hvsim_access *a, bool late_notify)
{
	struct acrn_io_request *slot = a->slot;
	const struct hvsim_io *io = a->io;
	u64 value = io->value & hvsim_io_mask(io->size);

	lockdep_assert_held(&hvsim_vms_lock);
	slot->type = io->type;
	memset(&slot->reqs, 0, sizeof(slot->reqs));
	if (io->type == ACRN_IOREQ_TYPE_PORTIO) {
		slot->reqs.pio_request.direction = io->direction;
		slot->reqs.pio_request.address = io->address;
		slot->reqs.pio_request.size = io->size;
		slot->reqs.pio_request.value = value;
	} else {
		slot->reqs.mmio_request.direction = io->direction;
		slot->reqs.mmio_request.address = io->address;
		slot->reqs.mmio_request.size = io->size;
		slot->reqs.mmio_request.value = value;
	}
	/* Set for a polling VM, never cleared: the page starts zeroed. */
	if (a->polling)
		slot->completion_polling = 1;

	/* A notification from before this request does not complete it. */
	a->gv->event = false;
	a->gv->late_notify = late_notify;

	/* The hypervisor's write barrier, then PENDING. */
	smp_store_release(&slot->processed, ACRN_IOREQ_STATE_PENDING);
	a->published_ns = ktime_get_ns();
	a->published = true;
}

/*
 * Wait for the vCPU's slot to be FREE and publish the request there. A
 * request this vCPU abandoned is freed once the Service VM completed it.
 */
static int hvsim_access_publish(struct hvsim_access *a)
{
	struct hvsim_guest_vcpu *gv = a->gv;
	bool late_notify = false;
	unsigned long flags;
	long ret;
	u32 state;

	for (;;) {
		spin_lock_irqsave(&hvsim_vms_lock, flags);
		if (hvsim_access_canceled(a)) {
			spin_unlock_irqrestore(&hvsim_vms_lock, flags);
			return -ECANCELED;
		}
		state = hvsim_access_state(a);
		if (state == ACRN_IOREQ_STATE_COMPLETE && gv->abandoned) {
			/*
			 * Drop the late answer. If its notification has not
			 * come yet, it will: the new request must not take
			 * it for its own.
			 */
			gv->abandoned = false;
			late_notify = !a->polling && !gv->event;
			WRITE_ONCE(a->slot->processed, ACRN_IOREQ_STATE_FREE);
			state = ACRN_IOREQ_STATE_FREE;
		}
		if (state == ACRN_IOREQ_STATE_FREE) {
			hvsim_access_fill(a, late_notify);
			spin_unlock_irqrestore(&hvsim_vms_lock, flags);
			return 0;
		}
		spin_unlock_irqrestore(&hvsim_vms_lock, flags);

		if (!hvsim_access_left(a))
			return -ETIMEDOUT;
		/* Look again when the slot or the VM changes, or each tick. */
		ret = wait_event_interruptible_timeout(gv->wq,
						       hvsim_access_slot_moved(a, state),
						       1);
		if (ret < 0 || hvsim_access_stopped(a))
			return -EINTR;
	}
}

/* Copy a read value back and free the slot, with the lock held. */
static void hvsim_access_collect(struct hvsim_access *a)
{
	struct acrn_io_request *slot = a->slot;
	struct hvsim_io *io = a->io;
	u64 value;

	lockdep_assert_held(&hvsim_vms_lock);
	if (io->direction == ACRN_IOREQ_DIR_READ) {
		/* Port I/O and PCICFG keep the value at the same offset. */
		if (io->type == ACRN_IOREQ_TYPE_PORTIO)
			value = READ_ONCE(slot->reqs.pio_request.value);
		else
			value = READ_ONCE(slot->reqs.mmio_request.value);
		io->value = value & hvsim_io_mask(io->size);
	}
	WRITE_ONCE(slot->processed, ACRN_IOREQ_STATE_FREE);
}

/* A polling VM: spin until the slot is COMPLETE. */
static int hvsim_access_poll(struct hvsim_access *a)
{
	unsigned long flags;
	int ret = 0;

	while (hvsim_access_state(a) != ACRN_IOREQ_STATE_COMPLETE) {
		if (hvsim_access_canceled(a))
			return -ECANCELED;
		if (signal_pending(current) || hvsim_access_stopped(a))
			return -EINTR;
		if (!hvsim_access_left(a))
			return -ETIMEDOUT;
		cpu_relax();
		cond_resched();
	}
	a->completed_ns = ktime_get_ns();

	spin_lock_irqsave(&hvsim_vms_lock, flags);
	if (hvsim_access_canceled(a))
		ret = -ECANCELED;
	else
		hvsim_access_collect(a);
	spin_unlock_irqrestore(&hvsim_vms_lock, flags);
	return ret;
}

/*
 * Sleep until NOTIFY_REQUEST_FINISH signals the vCPU's event, then look
 * at the slot once: COMPLETE, or EPROTO. The notification owed to an
 * abandoned request (late_notify) is absorbed instead.
 */
static int hvsim_access_wait_notify(struct hvsim_access *a)
{
	struct hvsim_guest_vcpu *gv = a->gv;
	unsigned long flags;
	long left;
	int ret;

	do {
		left = wait_event_interruptible_timeout(gv->wq,
							hvsim_access_woken(a),
							hvsim_access_left(a));
		if (left < 0 || hvsim_access_stopped(a))
			return -EINTR;

		spin_lock_irqsave(&hvsim_vms_lock, flags);
		if (hvsim_access_canceled(a)) {
			ret = -ECANCELED;
		} else if (!gv->event) {
			ret = left ? -EAGAIN : -ETIMEDOUT;
		} else {
			gv->event = false;
			if (hvsim_access_state(a) == ACRN_IOREQ_STATE_COMPLETE) {
				a->completed_ns = ktime_get_ns();
				hvsim_access_collect(a);
				ret = 0;
			} else if (gv->late_notify) {
				gv->late_notify = false;
				ret = -EAGAIN;
			} else {
				ret = -EPROTO;
			}
		}
		spin_unlock_irqrestore(&hvsim_vms_lock, flags);
	} while (ret == -EAGAIN);

	return ret;
}

static void hvsim_access_count(int ret)
{
	switch (ret) {
	case 0:
		atomic64_inc(&hvsim_guest_stats.completed);
		break;
	case -ETIMEDOUT:
		atomic64_inc(&hvsim_guest_stats.timeouts);
		break;
	case -ECANCELED:
		atomic64_inc(&hvsim_guest_stats.canceled);
		break;
	case -EPROTO:
		atomic64_inc(&hvsim_guest_stats.unfinished);
		break;
	}
}

/**
 * hvsim_guest_io() - one access of a guest vCPU (HVSIM_IOCTL_GUEST_IO)
 * @io:	       The access (see &struct hvsim_io). For a completed read,
 *	       @io->value is set to the value returned, masked to the size.
 * @upcall:    Upcall to raise (&hvsim_upcall, or a test's own).
 * @stoppable: The caller is a kernel thread whose kthread_stop() ends the
 *	       access with -EINTR.
 * @rtt_ns:    If not NULL, set to the round trip of a completed access:
 *	       from PENDING published to COMPLETE seen.
 *
 * An MMIO access whose first byte's page is mapped in the VM's EPT is
 * a memory access instead (hvsim_ept_mmio()): no request, no upcall.
 *
 * Context: Process context; sleeps. Takes hvsim_vms_lock; raises
 * @upcall with no lock held.
 * Return: 0 when the Service VM completed the request, or the memory
 * access was made; -EINVAL, -ENOENT, -EBUSY, -EFAULT, -ETIMEDOUT,
 * -ECANCELED, -EPROTO or -EINTR as &struct hvsim_io describes; -ENXIO,
 * -EACCES or -EOPNOTSUPP for a memory access that failed.
 */
int hvsim_guest_io(struct hvsim_io *io, struct hvsim_upcall *upcall,
		   bool stoppable, u64 *rtt_ns)
{
	struct hvsim_access a = { .io = io, .stoppable = stoppable };
	int ret;

	ret = hvsim_io_check(io);
	if (ret)
		return ret;
	/* MMIO to guest memory does not trap. */
	a.published_ns = ktime_get_ns();
	ret = hvsim_ept_mmio(io);
	if (ret <= 0) {
		if (!ret && rtt_ns)
			*rtt_ns = ktime_get_ns() - a.published_ns;
		return ret;
	}
	a.deadline = jiffies +
		     msecs_to_jiffies(io->timeout_ms ?: HVSIM_IO_TIMEOUT_MS);

	ret = hvsim_access_begin(&a);
	if (ret)
		return ret;

	ret = hvsim_access_publish(&a);
	if (ret)
		goto release_access;
	atomic64_inc(&hvsim_guest_stats.requests);
	if (!(io->flags & HVSIM_IO_NO_UPCALL))
		hvsim_upcall_raise(upcall);

	if (a.polling)
		ret = hvsim_access_poll(&a);
	else
		ret = hvsim_access_wait_notify(&a);
	if (!ret && rtt_ns)
		*rtt_ns = a.completed_ns - a.published_ns;

release_access:
	hvsim_access_release(&a, ret);
	hvsim_access_count(ret);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(hvsim_guest_io);

/**
 * hvsim_guest_notify() - NOTIFY_REQUEST_FINISH for a vCPU
 * @vm:	  The VM, which has an I/O request page.
 * @vcpu: One of its vCPUs.
 *
 * Signals the vCPU's I/O request event, unless the VM polls for
 * completion. The slot is not looked at, as on ACRN, except to count
 * notifications of requests that are not COMPLETE.
 *
 * Context: Any context, with hvsim_vms_lock held.
 */
void hvsim_guest_notify(struct hvsim_vm *vm, u16 vcpu)
{
	struct hvsim_guest_vcpu *gv = &vm->guest[vcpu];

	lockdep_assert_held(&hvsim_vms_lock);
	if (vm->guest_flags & HVSIM_GUEST_FLAG_IO_POLLING) {
		atomic64_inc(&hvsim_guest_stats.notify_polling);
		return;
	}
	if (READ_ONCE(vm->ioreq->req_slot[vcpu].processed) !=
	    ACRN_IOREQ_STATE_COMPLETE)
		atomic64_inc(&hvsim_guest_stats.notify_not_complete);
	gv->event = true;
	wake_up(&gv->wq);
}

/**
 * hvsim_guest_cancel() - cancel every access of a VM (RESET_VM, DESTROY_VM)
 * @vm: The VM.
 *
 * Starts a new generation, forgets the vCPUs' events and abandoned
 * requests, and wakes every waiter, which returns -ECANCELED.
 *
 * Context: Any context, with hvsim_vms_lock held.
 */
void hvsim_guest_cancel(struct hvsim_vm *vm)
{
	int i;

	lockdep_assert_held(&hvsim_vms_lock);
	WRITE_ONCE(vm->gen, vm->gen + 1);
	for (i = 0; i < ACRN_IO_REQUEST_MAX; i++) {
		struct hvsim_guest_vcpu *gv = &vm->guest[i];

		gv->event = false;
		gv->abandoned = false;
		gv->late_notify = false;
		wake_up(&gv->wq);
	}
}

/**
 * hvsim_guest_stats_get() - the guest's counters
 * @stats: Their fields are filled in.
 *
 * Context: Any context.
 */
void hvsim_guest_stats_get(struct hvsim_stats *stats)
{
	stats->io_requests = atomic64_read(&hvsim_guest_stats.requests);
	stats->io_completed = atomic64_read(&hvsim_guest_stats.completed);
	stats->io_timeouts = atomic64_read(&hvsim_guest_stats.timeouts);
	stats->io_canceled = atomic64_read(&hvsim_guest_stats.canceled);
	stats->io_unfinished = atomic64_read(&hvsim_guest_stats.unfinished);
	stats->notify_not_complete =
		atomic64_read(&hvsim_guest_stats.notify_not_complete);
	stats->notify_polling = atomic64_read(&hvsim_guest_stats.notify_polling);
}

struct hvsim_loop;

/**
 * struct hvsim_loop_vcpu - one vCPU thread of HVSIM_IOCTL_GUEST_LOOP
 * @loop:	  The loop.
 * @task:	  The thread.
 * @vcpu:	  Its vCPU.
 * @rtt:	  Round trips of its completed accesses, sorted at the end.
 * @completed:	  Accesses completed.
 * @failed:	  It stopped at a failed access.
 * @start_ns:	  Before its first access.
 * @end_ns:	  After its last access.
 * @ctx_switches: Its context switches during the accesses.
 */
struct hvsim_loop_vcpu {
	struct hvsim_loop	*loop;
	struct task_struct	*task;
	u16			vcpu;
	u64			*rtt;
	u32			completed;
	bool			failed;
	u64			start_ns;
	u64			end_ns;
	u64			ctx_switches;
};

/**
 * struct hvsim_loop - HVSIM_IOCTL_GUEST_LOOP in progress
 * @arg:	 The request.
 * @upcall:	 Upcall the accesses raise.
 * @running:	 vCPU threads still making accesses.
 * @done:	 Completed when @running drops to 0.
 * @first_error: errno of the first failed access, 0 if none.
 * @vcpu:	 The vCPU threads.
 */
struct hvsim_loop {
	const struct hvsim_io_loop	*arg;
	struct hvsim_upcall		*upcall;
	atomic_t			running;
	struct completion		done;
	atomic_t			first_error;
	struct hvsim_loop_vcpu		vcpu[ACRN_IO_REQUEST_MAX];
};

static int hvsim_loop_cmp(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* The value of access @i of @vcpu (HVSIM_LOOP_VARY_VALUE). */
static u64 hvsim_loop_value(const struct hvsim_io_loop *arg, u16 vcpu, u32 i)
{
	unsigned int shift = arg->io.type == ACRN_IOREQ_TYPE_PORTIO ? 24 : 32;

	if (!(arg->flags & HVSIM_LOOP_VARY_VALUE))
		return arg->io.value;
	return arg->io.value + ((u64)vcpu << shift) + i;
}

static int hvsim_loop_thread(void *data)
{
	struct hvsim_loop_vcpu *lv = data;
	struct hvsim_loop *l = lv->loop;
	const struct hvsim_io_loop *arg = l->arg;
	unsigned long switches = current->nvcsw + current->nivcsw;
	struct hvsim_io io = arg->io;
	int ret;
	u32 i;

	io.vcpu = lv->vcpu;
	lv->start_ns = ktime_get_ns();
	for (i = 0; i < arg->count && !kthread_should_stop(); i++) {
		io.value = hvsim_loop_value(arg, lv->vcpu, i);
		ret = hvsim_guest_io(&io, l->upcall, true, &lv->rtt[i]);
		if (ret) {
			lv->failed = true;
			atomic_cmpxchg(&l->first_error, 0, -ret);
			break;
		}
		lv->completed++;
	}
	lv->end_ns = ktime_get_ns();
	lv->ctx_switches = current->nvcsw + current->nivcsw - switches;
	sort(lv->rtt, lv->completed, sizeof(*lv->rtt), hvsim_loop_cmp, NULL);
	if (atomic_dec_and_test(&l->running))
		complete(&l->done);

	/* Stay until kthread_stop(), which collects the thread. */
	set_current_state(TASK_INTERRUPTIBLE);
	while (!kthread_should_stop()) {
		schedule();
		set_current_state(TASK_INTERRUPTIBLE);
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

/* Fill in the results; every vCPU thread has finished. */
static void hvsim_loop_report(struct hvsim_loop *l, struct hvsim_io_loop *arg)
{
	u32 pos[ACRN_IO_REQUEST_MAX] = { };
	u64 start = U64_MAX, end = 0, rank, r50, r99;
	struct hvsim_loop_vcpu *lv;
	unsigned int v;

	arg->completed = 0;
	arg->failed = 0;
	arg->ctx_switches = 0;
	arg->p50_ns = 0;
	arg->p99_ns = 0;
	arg->max_ns = 0;
	for (v = 0; v < arg->vcpus; v++) {
		lv = &l->vcpu[v];
		arg->completed += lv->completed;
		arg->failed += lv->failed;
		arg->ctx_switches += lv->ctx_switches;
		start = min(start, lv->start_ns);
		end = max(end, lv->end_ns);
		if (lv->completed)
			arg->max_ns = max(arg->max_ns,
					  lv->rtt[lv->completed - 1]);
	}
	arg->elapsed_ns = end - start;
	arg->first_error = atomic_read(&l->first_error);
	arg->reserved2 = 0;
	if (!arg->completed)
		return;

	/* Nearest rank, merging the vCPUs' sorted round trips. */
	r50 = DIV_ROUND_UP_ULL(arg->completed * 50, 100) - 1;
	r99 = DIV_ROUND_UP_ULL(arg->completed * 99, 100) - 1;
	for (rank = 0; rank <= r99; rank++) {
		int best = -1;
		u64 rtt = 0;

		for (v = 0; v < arg->vcpus; v++) {
			lv = &l->vcpu[v];
			if (pos[v] < lv->completed &&
			    (best < 0 || lv->rtt[pos[v]] < rtt)) {
				best = v;
				rtt = lv->rtt[pos[v]];
			}
		}
		pos[best]++;
		if (rank == r50)
			arg->p50_ns = rtt;
		if (rank == r99)
			arg->p99_ns = rtt;
		if (!(rank & 0xffff))
			cond_resched();
	}
}

/* The VM exists with at least @vcpus vCPUs and runs. */
static int hvsim_loop_vm_check(u16 vmid, u32 vcpus)
{
	struct hvsim_vm *vm;
	unsigned long flags;
	int ret = 0;

	if (!vmid || vmid >= hvsim_max_vms)
		return -ENOENT;

	spin_lock_irqsave(&hvsim_vms_lock, flags);
	vm = &hvsim_vms[vmid];
	if (vm->state == HVSIM_VM_POWERED_OFF || vcpus > vm->vcpu_num)
		ret = -ENOENT;
	else if (vm->state != HVSIM_VM_RUNNING)
		ret = -EBUSY;
	spin_unlock_irqrestore(&hvsim_vms_lock, flags);
	return ret;
}

/**
 * hvsim_guest_loop() - vCPUs making accesses back to back (HVSIM_IOCTL_GUEST_LOOP)
 * @arg:    In: the template access, vCPUs, count and flags. Out: the
 *	    results (see &struct hvsim_io_loop).
 * @upcall: Upcall the accesses raise (&hvsim_upcall, or a test's own).
 *
 * One kernel thread per vCPU, 0 to @arg->vcpus - 1, each making
 * @arg->count accesses with hvsim_guest_io() and stopping at its first
 * failure. The threads start together once all exist.
 *
 * Context: Process context; sleeps until every thread has finished.
 * Return: 0 with the results filled in, also when accesses failed;
 * -EINVAL, -ENOENT or -EBUSY for a loop that cannot start; -ENOMEM;
 * -EINTR if a signal came (the threads are stopped, nothing is reported).
 */
int hvsim_guest_loop(struct hvsim_io_loop *arg, struct hvsim_upcall *upcall)
{
	struct hvsim_io io = arg->io;
	unsigned int v, created = 0;
	struct hvsim_loop *l;
	u64 *rtt;
	int ret;

	io.vcpu = 0;
	ret = hvsim_io_check(&io);
	if (ret)
		return ret;
	if ((arg->flags & ~HVSIM_LOOP_VARY_VALUE) || arg->reserved ||
	    !arg->vcpus || arg->vcpus > ACRN_IO_REQUEST_MAX ||
	    !arg->count || arg->count > HVSIM_LOOP_MAX_COUNT)
		return -EINVAL;
	ret = hvsim_loop_vm_check(io.vmid, arg->vcpus);
	if (ret)
		return ret;

	l = kzalloc(sizeof(*l), GFP_KERNEL);
	if (!l)
		return -ENOMEM;
	rtt = kvmalloc_array((size_t)arg->vcpus * arg->count, sizeof(*rtt),
			     GFP_KERNEL_ACCOUNT);
	if (!rtt) {
		ret = -ENOMEM;
		goto free_loop;
	}
	l->arg = arg;
	l->upcall = upcall;
	atomic_set(&l->running, arg->vcpus);
	init_completion(&l->done);

	for (v = 0; v < arg->vcpus; v++) {
		struct hvsim_loop_vcpu *lv = &l->vcpu[v];

		lv->loop = l;
		lv->vcpu = v;
		lv->rtt = rtt + (size_t)v * arg->count;
		lv->task = kthread_create(hvsim_loop_thread, lv, "hvsim-%u-vcpu%u",
					  io.vmid, v);
		if (IS_ERR(lv->task)) {
			ret = PTR_ERR(lv->task);
			goto stop_threads;
		}
		created++;
	}
	for (v = 0; v < arg->vcpus; v++)
		wake_up_process(l->vcpu[v].task);

	if (wait_for_completion_interruptible(&l->done))
		ret = -EINTR;
	else
		hvsim_loop_report(l, arg);

stop_threads:
	/* A thread never woken up exits without running. */
	for (v = 0; v < created; v++)
		kthread_stop(l->vcpu[v].task);
	kvfree(rtt);
free_loop:
	kfree(l);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(hvsim_guest_loop);
