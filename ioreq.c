// SPDX-License-Identifier: GPL-2.0
/*
 * The I/O request path: the shared page's slots, dispatch, completion.
 *
 * The device model provides a page-aligned 4 KiB buffer; vm.c pins the
 * page for the VM's lifetime and gives its physical address to the
 * hypervisor, which fills one 256-byte slot per vCPU with the accesses it
 * traps: FREE -> PENDING (hypervisor) -> PROCESSING (HSM) -> COMPLETE
 * (HSM) -> FREE (hypervisor).
 *
 * The whole request path runs in the upcall interrupt, in hard-IRQ
 * context on CPU 0, with no thread in between:
 *
 *   upcall -> for each VM (RCU list), under its ioreq.lock:
 *     for each slot < vcpu_num the kernel has not handed out yet and
 *     that reads PENDING (acquire): snapshot it, then
 *       - invalid request (type, size, direction, address): complete it;
 *       - port 0xCF8/0xCFC-0xCFF: the PCI configuration combiner answers
 *         it or rewrites it as a PCICFG request;
 *       - the oldest in-kernel client with a matching range gets it: an
 *         IRQ-safe handler runs right there (up to a budget per upcall),
 *         any other handler runs in a worker; a handler may pass the
 *         request on to the device model (ACRN_IOREQ_PASS), and an
 *         IRQ-safe one may ask for the worker (ACRN_IOREQ_DEFER);
 *       - else the device model's client gets it: PROCESSING (release),
 *         pending bit, and the sleeping ATTACH is woken directly;
 *       - else (no client yet) it stays PENDING until a client appears.
 *   Completion hypercalls (NOTIFY_REQUEST_FINISH, short) are made under
 *   the lock.
 *
 * Reset and destroy hypercalls take as long as the hypervisor needs, so
 * vm.c makes them with no lock held, between acrn_ioreq_quiesce() and
 * acrn_ioreq_resume() (refused), acrn_ioreq_reset_done() (reset) or
 * nothing (destroyed: the VM stays quiesced). While the VM is quiesced
 * the upcall skips it, NOTIFY and CLEAR_VM_IOREQ wait for the hypervisor's
 * answer (the device model must find COMPLETE in the page when they
 * return), and other completions (deferred handlers, a client's
 * destruction) only update the kernel's record: the slot is held
 * (&acrn_ioreq_slot.held), not written to the page and not notified,
 * so nothing reaches a slot the hypervisor is freeing or a vmid that may
 * already name another VM. A refusal publishes the held
 * slots; a reset or destroy drops them, the hypervisor having freed every
 * slot itself.
 *
 * Work per upcall is bounded: each slot of each VM is looked at once and
 * at most ACRN_IOREQ_INLINE_BUDGET handlers run inline; the rest goes to
 * workers. A guest can make the hypervisor raise upcalls, but each one
 * costs a bounded amount of Service VM time.
 *
 * The device model can write anything into the shared page at any time.
 * The kernel keeps its own record of which slot it handed to which
 * client (&acrn_vm.ioreq.slots) and decides everything on snapshots; it never
 * indexes, loops or trusts based on the page's content.
 *
 * Locking: acrn_vm_list_lock (mutex) orders VM list changes and the
 * upcall handler's installation; the handler reads the list under RCU.
 * Each VM's ioreq.lock (spinlock, interrupts off) covers the rest. Which
 * client serves a request is ioreq_client.c's business, decoding and the
 * PCI combiner ioreq_decode.c's. The handler runs in hard IRQ, so this
 * path is not usable on PREEMPT_RT (Kconfig).
 */

#include <linux/bitops.h>
#include <linux/io.h>
#include <linux/mutex.h>
#include <linux/rculist.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <kunit/visibility.h>

#include "ioreq.h"

/* Most in-kernel handlers run inline per upcall; the rest are deferred. */
#define ACRN_IOREQ_INLINE_BUDGET	16

/* acrn_vm_list_lock protects changes to acrn_vm_list and the handler. */
static DEFINE_MUTEX(acrn_vm_list_lock);
static LIST_HEAD(acrn_vm_list);
static struct workqueue_struct *acrn_ioreq_wq;

/* The request path */

/*
 * Write slot @i's completion into the shared page and tell the hypervisor.
 * @value_from_kernel: the kernel answered the request, so copy a read's
 * value from the snapshot first (the device model writes its own). The
 * hypervisor may reuse the slot as soon as it sees COMPLETE, so
 * completion_polling is taken from the snapshot made before the slot was
 * handed out, never read afterwards.
 */
static void acrn_ioreq_publish(struct acrn_vm *vm, unsigned int i,
			       bool value_from_kernel)
{
	struct acrn_io_request *slot = &vm->ioreq.buf->req_slot[i];
	struct acrn_ioreq_slot *s = &vm->ioreq.slots[i];
	long ret;

	lockdep_assert_held(&vm->ioreq.lock);

	if (value_from_kernel && acrn_ioreq_is_read(&s->req)) {
		if (s->req.type == ACRN_IOREQ_TYPE_MMIO ||
		    s->req.type == ACRN_IOREQ_TYPE_WP)
			WRITE_ONCE(slot->reqs.mmio_request.value,
				   s->req.reqs.mmio_request.value);
		else
			WRITE_ONCE(slot->reqs.pio_request.value,
				   s->req.reqs.pio_request.value);
	}
	/* Orders the value before the state, for the hypervisor. */
	smp_store_release(&slot->processed, ACRN_IOREQ_STATE_COMPLETE);
	if (s->req.completion_polling)
		return;

	acrn_ioreq_stat_inc(notifies);
	ret = hcall_notify_request_finish(vm->hv, vm->vmid, i);
	if (ret)
		pr_debug("VM %u vCPU %u: completion refused: %ld\n",
			 vm->vmid, i, ret);
}

/*
 * Complete slot @i: the kernel's record at once, the page and the
 * hypervisor unless the VM is quiesced (then the slot is held; see the
 * top of this file).
 */
static void acrn_ioreq_complete(struct acrn_vm *vm, unsigned int i,
				bool value_from_kernel)
{
	struct acrn_ioreq_slot *s = &vm->ioreq.slots[i];

	lockdep_assert_held(&vm->ioreq.lock);

	if (s->owner) {
		__clear_bit(i, &s->owner->pending);
		s->owner = NULL;
	}
	if (vm->ioreq.quiesce) {
		s->held = value_from_kernel ? ACRN_IOREQ_HELD_KERNEL_VALUE :
					      ACRN_IOREQ_HELD_DM_VALUE;
		return;
	}
	acrn_ioreq_publish(vm, i, value_from_kernel);
}

/**
 * acrn_ioreq_complete_unhandled() - complete a slot without emulating it
 * @vm: The VM.
 * @i:  The slot; the kernel's snapshot of its request is current.
 *
 * Reads return all ones.
 *
 * Context: Any context, with &acrn_vm.ioreq.lock held.
 */
void acrn_ioreq_complete_unhandled(struct acrn_vm *vm, unsigned int i)
{
	acrn_ioreq_set_read_value(&vm->ioreq.slots[i].req, ~0ULL);
	acrn_ioreq_stat_inc(kernel_completed);
	acrn_ioreq_complete(vm, i, true);
}

/*
 * Run an IRQ-safe handler on the snapshot of slot @i, in the upcall.
 * Returns the client the request still has to be handed to: NULL once it
 * is completed, @client again if the handler deferred it, or the device
 * model's client if the handler passed it on (NULL without one: then it
 * is completed unhandled, as nobody else serves that address).
 */
static struct acrn_ioreq_client *
acrn_ioreq_handle_inline(struct acrn_ioreq_client *client, unsigned int i)
{
	struct acrn_vm *vm = client->vm;
	struct acrn_io_request *req = &vm->ioreq.slots[i].req;
	int ret;

	lockdep_assert_held(&vm->ioreq.lock);
	ret = client->handler(client, req);
	if (ret == ACRN_IOREQ_DEFER)
		return client;
	if (ret == ACRN_IOREQ_PASS) {
		acrn_ioreq_stat_inc(kernel_passed);
		if (vm->ioreq.default_client)
			return vm->ioreq.default_client;
		acrn_ioreq_complete_unhandled(vm, i);
		return NULL;
	}
	if (ret)
		acrn_ioreq_set_read_value(req, ~0ULL);
	acrn_ioreq_stat_inc(kernel_inline);
	acrn_ioreq_complete(vm, i, true);
	return NULL;
}

/* Hand slot @i, snapshotted, to @client. */
static void acrn_ioreq_hand_out(struct acrn_vm *vm, unsigned int i,
				struct acrn_ioreq_client *client,
				bool converted, int *budget)
{
	struct acrn_io_request *slot = &vm->ioreq.buf->req_slot[i];
	struct acrn_ioreq_slot *s = &vm->ioreq.slots[i];
	bool in_kernel = client->handler;

	lockdep_assert_held(&vm->ioreq.lock);
	if (in_kernel && (client->flags & ACRN_IOREQ_CLIENT_IRQSAFE) &&
	    *budget > 0) {
		(*budget)--;
		client = acrn_ioreq_handle_inline(client, i);
		if (!client)
			return;
		in_kernel = client->handler;
	}

	s->owner = client;
	s->seq++;
	__set_bit(i, &client->pending);

	if (converted) {
		WRITE_ONCE(slot->type, s->req.type);
		memcpy(&slot->reqs, &s->req.reqs, sizeof(slot->reqs));
	}
	WRITE_ONCE(slot->kernel_handled, in_kernel);
	if (!in_kernel)
		acrn_ioreq_stat_inc(dm_requests);
	/* The request body (and its rewrite) before the state. */
	smp_store_release(&slot->processed, ACRN_IOREQ_STATE_PROCESSING);

	if (in_kernel) {
		queue_work(acrn_ioreq_wq, &client->work);
		return;
	}
	if (wq_has_sleeper(&client->wq)) {
		acrn_ioreq_stat_inc(dm_wakeups);
		wake_up(&client->wq);
	}
}

/* Take one PENDING slot: validate, combine, route. */
static void acrn_ioreq_dispatch_slot(struct acrn_vm *vm, unsigned int i,
				     int *budget)
{
	struct acrn_io_request *slot = &vm->ioreq.buf->req_slot[i];
	struct acrn_ioreq_slot *s = &vm->ioreq.slots[i];
	struct acrn_ioreq_client *client;
	int pci;

	lockdep_assert_held(&vm->ioreq.lock);

	/* Everything the hypervisor wrote before PENDING, once. */
	memcpy(&s->req, slot, offsetof(struct acrn_io_request, reserved1));

	/*
	 * Counters are bumped before the request is answered, so whoever
	 * sees the answer sees them.
	 */
	if (!acrn_ioreq_valid(&s->req)) {
		pr_debug("VM %u vCPU %u: invalid request type %u\n",
			 vm->vmid, i, s->req.type);
		acrn_ioreq_stat_inc(requests);
		acrn_ioreq_complete_unhandled(vm, i);
		return;
	}

	pci = acrn_ioreq_pci_cfg(&vm->ioreq.pci_conf_addr, &s->req);
	if (pci == ACRN_PCI_CFG_DONE) {
		acrn_ioreq_stat_inc(requests);
		acrn_ioreq_stat_inc(kernel_completed);
		acrn_ioreq_complete(vm, i, true);
		return;
	}

	client = acrn_ioreq_route(vm, &s->req);
	/* No client: left PENDING, dispatched when one appears. */
	if (!client)
		return;
	acrn_ioreq_stat_inc(requests);
	acrn_ioreq_hand_out(vm, i, client, pci == ACRN_PCI_CFG_CONVERTED, budget);
}

/* One pass over the VM's slots. */
static void acrn_ioreq_dispatch_locked(struct acrn_vm *vm, int *budget)
{
	struct acrn_io_request_buffer *buf = vm->ioreq.buf;
	unsigned int i;

	lockdep_assert_held(&vm->ioreq.lock);
	/* Picked up by acrn_ioreq_resume() if the hypervisor refuses. */
	if (vm->ioreq.quiesce)
		return;
	for (i = 0; i < vm->vcpu_num; i++) {
		if (vm->ioreq.slots[i].owner)
			continue;
		/* Pairs with the hypervisor's barrier before PENDING. */
		if (smp_load_acquire(&buf->req_slot[i].processed) !=
		    ACRN_IOREQ_STATE_PENDING)
			continue;
		acrn_ioreq_dispatch_slot(vm, i, budget);
	}
}

/**
 * acrn_ioreq_dispatch() - dispatch a VM's pending requests now
 * @vm: The VM.
 *
 * Used where a request may have been waiting for a client.
 *
 * Context: Process context; the VM's file lock keeps @vm alive.
 */
void acrn_ioreq_dispatch(struct acrn_vm *vm)
{
	int budget = ACRN_IOREQ_INLINE_BUDGET;
	unsigned long flags;

	spin_lock_irqsave(&vm->ioreq.lock, flags);
	acrn_ioreq_dispatch_locked(vm, &budget);
	spin_unlock_irqrestore(&vm->ioreq.lock, flags);
}
EXPORT_SYMBOL_IF_KUNIT(acrn_ioreq_dispatch);

/* The upcall handler: hard-IRQ context on CPU 0. */
static void acrn_ioreq_upcall(void)
{
	int budget = ACRN_IOREQ_INLINE_BUDGET;
	struct acrn_vm *vm;

	acrn_ioreq_stat_inc(upcalls);
	rcu_read_lock();
	list_for_each_entry_rcu(vm, &acrn_vm_list, ioreq.list) {
		spin_lock(&vm->ioreq.lock);
		acrn_ioreq_dispatch_locked(vm, &budget);
		spin_unlock(&vm->ioreq.lock);
	}
	rcu_read_unlock();
}

/*
 * Hand slot @i, whose request the kernel owns, to the device model, or
 * complete it unhandled if there is none. The slot already reads
 * PROCESSING; the request is rewritten from the snapshot, as the device
 * model must see what the kernel decided on.
 */
static void acrn_ioreq_to_dm(struct acrn_vm *vm, unsigned int i)
{
	int budget = 0;

	lockdep_assert_held(&vm->ioreq.lock);
	if (vm->ioreq.default_client)
		acrn_ioreq_hand_out(vm, i, vm->ioreq.default_client, true, &budget);
	else
		acrn_ioreq_complete_unhandled(vm, i);
}

/* A deferred handler passed slot @i on (ACRN_IOREQ_PASS). */
static void acrn_ioreq_pass_on(struct acrn_vm *vm, unsigned int i)
{
	struct acrn_ioreq_slot *s = &vm->ioreq.slots[i];

	lockdep_assert_held(&vm->ioreq.lock);
	acrn_ioreq_stat_inc(kernel_passed);
	__clear_bit(i, &s->owner->pending);
	s->owner = NULL;
	if (vm->ioreq.quiesce)
		s->held = ACRN_IOREQ_HELD_PASS;
	else
		acrn_ioreq_to_dm(vm, i);
}

/**
 * acrn_ioreq_client_work() - run an in-kernel client's deferred handlers
 * @work: &acrn_ioreq_client.work.
 *
 * Context: Process context (the acrn_ioreq workqueue).
 */
void acrn_ioreq_client_work(struct work_struct *work)
{
	struct acrn_ioreq_client *client =
		container_of(work, struct acrn_ioreq_client, work);
	struct acrn_io_request *req = client->scratch;
	struct acrn_vm *vm = client->vm;
	unsigned int i;
	u32 seq;
	int ret;

	spin_lock_irq(&vm->ioreq.lock);
	while (client->pending && !client->dead) {
		i = __ffs(client->pending);
		*req = vm->ioreq.slots[i].req;
		seq = vm->ioreq.slots[i].seq;
		spin_unlock_irq(&vm->ioreq.lock);

		ret = client->handler(client, req);

		spin_lock_irq(&vm->ioreq.lock);
		/* CLEAR_VM_IOREQ or a reset may have taken the slot meanwhile. */
		if (vm->ioreq.slots[i].owner != client || vm->ioreq.slots[i].seq != seq)
			continue;
		if (ret == ACRN_IOREQ_PASS) {
			acrn_ioreq_pass_on(vm, i);
			continue;
		}
		if (ret)
			acrn_ioreq_set_read_value(req, ~0ULL);
		vm->ioreq.slots[i].req.reqs = req->reqs;
		acrn_ioreq_stat_inc(kernel_deferred);
		acrn_ioreq_complete(vm, i, true);
	}
	spin_unlock_irq(&vm->ioreq.lock);
}

/*
 * Take the VM's ioreq.lock for an ioctl that completes requests, once no
 * reset quiesces the VM: when NOTIFY or CLEAR_VM_IOREQ returns, the
 * device model must find the slots COMPLETE in the page, or it would
 * emulate them again. Only a reset can be in flight here: DESTROY_VM
 * excludes every other ioctl of the file.
 */
static void acrn_ioreq_lock_unquiesced(struct acrn_vm *vm)
	__acquires(&vm->ioreq.lock)
{
	spin_lock_irq(&vm->ioreq.lock);
	while (vm->ioreq.quiesce) {
		spin_unlock_irq(&vm->ioreq.lock);
		wait_event(vm->ioreq.quiesce_wq, !READ_ONCE(vm->ioreq.quiesce));
		spin_lock_irq(&vm->ioreq.lock);
	}
}

/**
 * acrn_ioreq_notify() - NOTIFY_REQUEST_FINISH: the device model is done
 * @vm: The VM.
 * @n:  The ioctl argument; its vmid is not used (the file names the VM).
 *
 * Only a request the kernel handed to the device model's client, per the
 * kernel's own records, can be completed this way.
 *
 * Context: Process context.
 * Return: 0, or -EINVAL for a reserved field, a vCPU the VM does not
 * have, or a slot holding no request of the device model.
 */
int acrn_ioreq_notify(struct acrn_vm *vm, const struct acrn_ioreq_notify *n)
{
	u32 vcpu = n->vcpu;
	int ret = -EINVAL;

	if (n->reserved || vcpu >= vm->vcpu_num)
		return -EINVAL;

	acrn_ioreq_lock_unquiesced(vm);
	if (vm->ioreq.default_client && vm->ioreq.slots[vcpu].owner == vm->ioreq.default_client) {
		acrn_ioreq_complete(vm, vcpu, false);
		ret = 0;
	}
	spin_unlock_irq(&vm->ioreq.lock);

	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(acrn_ioreq_notify);

/**
 * acrn_ioreq_clear() - CLEAR_VM_IOREQ: complete every outstanding request
 * @vm: The VM.
 *
 * Requests handed to any client and requests still PENDING are completed
 * without emulation (reads return all ones), in one pass under the lock.
 * A deferred handler still running for one of them finds its slot taken
 * and leaves it alone.
 *
 * Context: Process context.
 */
void acrn_ioreq_clear(struct acrn_vm *vm)
{
	struct acrn_io_request_buffer *buf = vm->ioreq.buf;
	unsigned int i;

	acrn_ioreq_lock_unquiesced(vm);
	for (i = 0; i < vm->vcpu_num; i++) {
		if (!vm->ioreq.slots[i].owner) {
			/* As in dispatch: the request body after PENDING. */
			if (smp_load_acquire(&buf->req_slot[i].processed) !=
			    ACRN_IOREQ_STATE_PENDING)
				continue;
			memcpy(&vm->ioreq.slots[i].req, &buf->req_slot[i],
			       offsetof(struct acrn_io_request, reserved1));
		}
		acrn_ioreq_complete_unhandled(vm, i);
	}
	spin_unlock_irq(&vm->ioreq.lock);
}
EXPORT_SYMBOL_IF_KUNIT(acrn_ioreq_clear);

/* Reset and destroy: quiescing */

/**
 * acrn_ioreq_quiesce() - stop completions reaching the hypervisor
 * @vm: The VM.
 *
 * For the reset and destroy hypercalls. On return no completion is being
 * published and none will be until the matching acrn_ioreq_resume() or
 * acrn_ioreq_reset_done(); the upcall skips the VM. Calls nest.
 *
 * Context: Process context.
 */
void acrn_ioreq_quiesce(struct acrn_vm *vm)
{
	spin_lock_irq(&vm->ioreq.lock);
	vm->ioreq.quiesce++;
	spin_unlock_irq(&vm->ioreq.lock);
}

/**
 * acrn_ioreq_resume() - the hypervisor refused: publish what was held
 * @vm: The VM, quiesced by acrn_ioreq_quiesce().
 *
 * Completions made meanwhile reach the page and the hypervisor, requests
 * passed on reach the device model, and pending requests are dispatched.
 *
 * Context: Process context.
 */
void acrn_ioreq_resume(struct acrn_vm *vm)
{
	int budget = ACRN_IOREQ_INLINE_BUDGET;
	struct acrn_ioreq_slot *s;
	unsigned int i;

	spin_lock_irq(&vm->ioreq.lock);
	if (--vm->ioreq.quiesce)
		goto unlock;
	for (i = 0; i < vm->vcpu_num; i++) {
		s = &vm->ioreq.slots[i];
		switch (s->held) {
		case ACRN_IOREQ_HELD_NONE:
			continue;
		case ACRN_IOREQ_HELD_PASS:
			s->held = ACRN_IOREQ_HELD_NONE;
			acrn_ioreq_to_dm(vm, i);
			break;
		default:
			acrn_ioreq_publish(vm, i,
					   s->held == ACRN_IOREQ_HELD_KERNEL_VALUE);
			s->held = ACRN_IOREQ_HELD_NONE;
			break;
		}
	}
	acrn_ioreq_dispatch_locked(vm, &budget);
unlock:
	spin_unlock_irq(&vm->ioreq.lock);
	wake_up_all(&vm->ioreq.quiesce_wq);
}

/**
 * acrn_ioreq_reset_done() - the hypervisor reset the VM: forget requests
 * @vm: The VM, quiesced by acrn_ioreq_quiesce().
 *
 * The hypervisor freed every slot, so the kernel forgets the requests it
 * handed out and the completions it held: a NOTIFY, CLEAR_VM_IOREQ or
 * deferred handler that comes later finds nothing to complete. The PCI
 * address latch goes back to 0, as in a reset machine.
 *
 * Context: Process context.
 */
void acrn_ioreq_reset_done(struct acrn_vm *vm)
{
	struct acrn_ioreq_slot *s;
	unsigned int i;

	spin_lock_irq(&vm->ioreq.lock);
	for (i = 0; i < ACRN_IO_REQUEST_MAX; i++) {
		s = &vm->ioreq.slots[i];
		if (s->owner)
			__clear_bit(i, &s->owner->pending);
		s->owner = NULL;
		s->held = ACRN_IOREQ_HELD_NONE;
	}
	vm->ioreq.pci_conf_addr = 0;
	vm->ioreq.quiesce--;
	spin_unlock_irq(&vm->ioreq.lock);
	wake_up_all(&vm->ioreq.quiesce_wq);
}

/* VMs */

/**
 * acrn_ioreq_vm_init() - initialise a new VM's request state
 * @vm: The VM, not yet visible to anyone.
 *
 * Context: Any context.
 */
void acrn_ioreq_vm_init(struct acrn_vm *vm)
{
	spin_lock_init(&vm->ioreq.lock);
	init_waitqueue_head(&vm->ioreq.quiesce_wq);
	INIT_LIST_HEAD(&vm->ioreq.kernel_clients);
	INIT_LIST_HEAD(&vm->ioreq.list);
}
EXPORT_SYMBOL_IF_KUNIT(acrn_ioreq_vm_init);

/**
 * acrn_ioreq_vm_add() - start dispatching a VM's requests
 * @vm: The VM, with its I/O request page registered.
 *
 * The first VM installs the upcall handler.
 *
 * Context: Process context.
 */
void acrn_ioreq_vm_add(struct acrn_vm *vm)
{
	mutex_lock(&acrn_vm_list_lock);
	if (list_empty(&acrn_vm_list))
		vm->hv->set_upcall(acrn_ioreq_upcall);
	list_add_tail_rcu(&vm->ioreq.list, &acrn_vm_list);
	vm->ioreq.listed = true;
	mutex_unlock(&acrn_vm_list_lock);
}

/**
 * acrn_ioreq_vm_remove() - stop dispatching a VM's requests
 * @vm: The VM.
 *
 * On return no upcall handler is looking at the VM. The last VM removes
 * the handler.
 *
 * Context: Process context; sleeps.
 */
void acrn_ioreq_vm_remove(struct acrn_vm *vm)
{
	mutex_lock(&acrn_vm_list_lock);
	if (vm->ioreq.listed) {
		list_del_rcu(&vm->ioreq.list);
		vm->ioreq.listed = false;
		if (list_empty(&acrn_vm_list))
			vm->hv->clear_upcall();
		else
			synchronize_rcu();
	}
	mutex_unlock(&acrn_vm_list_lock);
}

/**
 * acrn_ioreq_init() - set up the request path
 *
 * Context: Process context (module init).
 * Return: 0 or -ENOMEM.
 */
int acrn_ioreq_init(void)
{
	acrn_ioreq_wq = alloc_workqueue("acrn_ioreq", WQ_HIGHPRI | WQ_UNBOUND, 0);
	return acrn_ioreq_wq ? 0 : -ENOMEM;
}

/**
 * acrn_ioreq_exit() - tear down the request path
 *
 * Context: Process context (module exit); no VM is listed.
 */
void acrn_ioreq_exit(void)
{
	destroy_workqueue(acrn_ioreq_wq);
}
