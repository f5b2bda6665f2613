// SPDX-License-Identifier: GPL-2.0
/*
 * I/O request clients: the device model's (the default client, which
 * ATTACH waits on and NOTIFY completes for) and in-kernel ones (ioeventfd,
 * tests), which serve address ranges with a handler. Which client a
 * request goes to is decided here (acrn_ioreq_route()); handing it out
 * and completing it is the request path's job (ioreq.c).
 *
 * Locking: a client's ranges, pending bitmap and dead flag, and the VM's
 * client list and default client, are protected by the VM's ioreq.lock
 * (interrupts off). References (&acrn_ioreq_client.ref) keep a client
 * alive for an ATTACH that sleeps without the file lock.
 */

#include <linux/bitops.h>
#include <linux/export.h>
#include <linux/list.h>
#include <linux/refcount.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <kunit/visibility.h>

#include "ioreq.h"

/**
 * acrn_ioreq_route() - the client that serves a request
 * @vm:  The VM.
 * @req: A valid request snapshot, after the PCI combiner.
 *
 * The in-kernel client created first among those with a range holding
 * the whole access, else the device model's client.
 *
 * Context: Any context, with &acrn_vm.ioreq.lock held.
 * Return: The client, or NULL if no client serves the request yet.
 */
struct acrn_ioreq_client *acrn_ioreq_route(struct acrn_vm *vm,
					   const struct acrn_io_request *req)
{
	struct acrn_ioreq_client *client;
	struct acrn_ioreq_range *range;

	lockdep_assert_held(&vm->ioreq.lock);
	list_for_each_entry(client, &vm->ioreq.kernel_clients, node) {
		list_for_each_entry(range, &client->ranges, node) {
			if (acrn_ioreq_in_range(range->type, range->start,
						range->end, req))
				return client;
		}
	}
	return vm->ioreq.default_client;
}

static struct acrn_ioreq_client *acrn_ioreq_client_alloc(struct acrn_vm *vm,
							 const char *name)
{
	struct acrn_ioreq_client *client;

	client = kzalloc(sizeof(*client), GFP_KERNEL);
	if (!client)
		return NULL;
	strscpy(client->name, name, sizeof(client->name));
	client->vm = vm;
	INIT_LIST_HEAD(&client->node);
	INIT_LIST_HEAD(&client->ranges);
	init_waitqueue_head(&client->wq);
	INIT_WORK(&client->work, acrn_ioreq_client_work);
	refcount_set(&client->ref, 1);
	return client;
}

/**
 * acrn_ioreq_client_put() - drop a reference on a client
 * @client: The client.
 *
 * Context: Any context that may free memory.
 */
void acrn_ioreq_client_put(struct acrn_ioreq_client *client)
{
	struct acrn_ioreq_range *range, *next;

	if (!refcount_dec_and_test(&client->ref))
		return;
	list_for_each_entry_safe(range, next, &client->ranges, node)
		kfree(range);
	kfree(client->scratch);
	kfree(client);
}

/* Complete every request @client still owns; it is no longer reachable. */
static void acrn_ioreq_client_flush_locked(struct acrn_ioreq_client *client)
{
	struct acrn_vm *vm = client->vm;
	unsigned int i;

	lockdep_assert_held(&vm->ioreq.lock);
	for_each_set_bit(i, &client->pending, ACRN_IO_REQUEST_MAX)
		acrn_ioreq_complete_unhandled(vm, i);
}

/**
 * acrn_ioreq_default_client_create() - create the device model's client
 * @vm: The VM.
 *
 * Requests that were waiting for a client are dispatched.
 *
 * Context: Process context.
 * Return: 0, -EEXIST if the VM has one, or -ENOMEM.
 */
int acrn_ioreq_default_client_create(struct acrn_vm *vm)
{
	struct acrn_ioreq_client *client;
	unsigned long flags;
	int ret = 0;

	client = acrn_ioreq_client_alloc(vm, "acrndm");
	if (!client)
		return -ENOMEM;

	spin_lock_irqsave(&vm->ioreq.lock, flags);
	if (vm->ioreq.default_client)
		ret = -EEXIST;
	else
		vm->ioreq.default_client = client;
	spin_unlock_irqrestore(&vm->ioreq.lock, flags);

	if (ret) {
		acrn_ioreq_client_put(client);
		return ret;
	}
	acrn_ioreq_dispatch(vm);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(acrn_ioreq_default_client_create);

/**
 * acrn_ioreq_default_client_destroy() - destroy the device model's client
 * @vm: The VM.
 *
 * Requests it still owns are completed (reads return all ones), so no
 * vCPU is left waiting; ATTACH calls in progress return -ENODEV.
 *
 * Context: Process context.
 * Return: 0, or -ENODEV if the VM has no such client.
 */
int acrn_ioreq_default_client_destroy(struct acrn_vm *vm)
{
	struct acrn_ioreq_client *client;
	unsigned long flags;

	spin_lock_irqsave(&vm->ioreq.lock, flags);
	client = vm->ioreq.default_client;
	if (client) {
		vm->ioreq.default_client = NULL;
		client->dead = true;
		acrn_ioreq_client_flush_locked(client);
	}
	spin_unlock_irqrestore(&vm->ioreq.lock, flags);
	if (!client)
		return -ENODEV;

	wake_up_all(&client->wq);
	acrn_ioreq_client_put(client);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(acrn_ioreq_default_client_destroy);

/**
 * acrn_ioreq_default_client_get() - reference the device model's client
 * @vm: The VM.
 *
 * Context: Process context; the VM's file lock keeps @vm alive.
 * Return: The client, to be released with acrn_ioreq_client_put(), or
 * ERR_PTR(-ENODEV) if there is none.
 */
struct acrn_ioreq_client *acrn_ioreq_default_client_get(struct acrn_vm *vm)
{
	struct acrn_ioreq_client *client;
	unsigned long flags;

	spin_lock_irqsave(&vm->ioreq.lock, flags);
	client = vm->ioreq.default_client;
	if (client)
		refcount_inc(&client->ref);
	spin_unlock_irqrestore(&vm->ioreq.lock, flags);

	return client ?: ERR_PTR(-ENODEV);
}

/**
 * acrn_ioreq_client_wait() - ATTACH: wait for requests
 * @client: The device model's client, referenced by the caller.
 *
 * Touches nothing but @client, so the VM may be destroyed meanwhile.
 *
 * Context: Process context, no lock held; sleeps.
 * Return: 0 once the client owns a request, 0 as well when a signal
 * interrupts the wait (device models rely on it), -ENODEV once the client
 * is destroyed.
 */
int acrn_ioreq_client_wait(struct acrn_ioreq_client *client)
{
	wait_event_interruptible(client->wq,
				 READ_ONCE(client->pending) || READ_ONCE(client->dead));
	return READ_ONCE(client->dead) ? -ENODEV : 0;
}

/**
 * acrn_ioreq_client_create() - create an in-kernel client
 * @vm:	     The VM.
 * @name:    Name, for messages (truncated to 15 characters).
 * @handler: Called for each request in the client's ranges.
 * @priv:    Returned by acrn_ioreq_client_priv().
 * @flags:   ACRN_IOREQ_CLIENT_IRQSAFE if @handler may run in hard IRQ.
 *
 * The client serves nothing until ranges are added. When ranges of
 * several in-kernel clients overlap, the client created first wins; any
 * in-kernel client wins over the device model.
 *
 * Context: Process context; the caller keeps @vm alive and destroys the
 * client before the VM goes away.
 * Return: The client, or an ERR_PTR(): -EINVAL without a handler,
 * -ENOMEM.
 */
struct acrn_ioreq_client *
acrn_ioreq_client_create(struct acrn_vm *vm, const char *name,
			 acrn_ioreq_handler_t handler, void *priv,
			 unsigned int flags)
{
	struct acrn_ioreq_client *client;
	unsigned long irqflags;

	if (!handler || (flags & ~ACRN_IOREQ_CLIENT_IRQSAFE))
		return ERR_PTR(-EINVAL);

	client = acrn_ioreq_client_alloc(vm, name);
	if (!client)
		return ERR_PTR(-ENOMEM);
	client->scratch = kmalloc(sizeof(*client->scratch), GFP_KERNEL);
	if (!client->scratch) {
		acrn_ioreq_client_put(client);
		return ERR_PTR(-ENOMEM);
	}
	client->handler = handler;
	client->priv = priv;
	client->flags = flags;

	spin_lock_irqsave(&vm->ioreq.lock, irqflags);
	list_add_tail(&client->node, &vm->ioreq.kernel_clients);
	spin_unlock_irqrestore(&vm->ioreq.lock, irqflags);

	return client;
}
EXPORT_SYMBOL_NS_GPL(acrn_ioreq_client_create, ACRN_HSM_NS);

/**
 * acrn_ioreq_client_destroy() - destroy an in-kernel client
 * @client: The client.
 *
 * Waits for a deferred handler that is running, then completes whatever
 * the client still owns (reads return all ones).
 *
 * Context: Process context; sleeps.
 */
void acrn_ioreq_client_destroy(struct acrn_ioreq_client *client)
{
	struct acrn_vm *vm = client->vm;
	unsigned long flags;

	spin_lock_irqsave(&vm->ioreq.lock, flags);
	client->dead = true;
	list_del_init(&client->node);
	spin_unlock_irqrestore(&vm->ioreq.lock, flags);

	cancel_work_sync(&client->work);

	spin_lock_irqsave(&vm->ioreq.lock, flags);
	acrn_ioreq_client_flush_locked(client);
	spin_unlock_irqrestore(&vm->ioreq.lock, flags);

	acrn_ioreq_client_put(client);
}
EXPORT_SYMBOL_NS_GPL(acrn_ioreq_client_destroy, ACRN_HSM_NS);

/**
 * acrn_ioreq_client_priv() - an in-kernel client's private data
 * @client: The client.
 *
 * Context: Any context.
 * Return: The @priv given at creation.
 */
void *acrn_ioreq_client_priv(const struct acrn_ioreq_client *client)
{
	return client->priv;
}
EXPORT_SYMBOL_NS_GPL(acrn_ioreq_client_priv, ACRN_HSM_NS);

/**
 * acrn_ioreq_range_add() - let an in-kernel client serve a range
 * @client: The client.
 * @type:   ACRN_IOREQ_TYPE_PORTIO or ACRN_IOREQ_TYPE_MMIO.
 * @start:  First address.
 * @end:    Last address (inclusive).
 *
 * Requests that were waiting for a client are dispatched.
 *
 * Context: Process context.
 * Return: 0, -EINVAL for a bad type or @end below @start, -ENOMEM.
 */
int acrn_ioreq_range_add(struct acrn_ioreq_client *client, u32 type,
			 u64 start, u64 end)
{
	struct acrn_vm *vm = client->vm;
	struct acrn_ioreq_range *range;
	unsigned long flags;

	if ((type != ACRN_IOREQ_TYPE_PORTIO && type != ACRN_IOREQ_TYPE_MMIO) ||
	    end < start)
		return -EINVAL;

	range = kzalloc(sizeof(*range), GFP_KERNEL);
	if (!range)
		return -ENOMEM;
	range->type = type;
	range->start = start;
	range->end = end;

	spin_lock_irqsave(&vm->ioreq.lock, flags);
	list_add_tail(&range->node, &client->ranges);
	spin_unlock_irqrestore(&vm->ioreq.lock, flags);

	acrn_ioreq_dispatch(vm);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(acrn_ioreq_range_add, ACRN_HSM_NS);

/**
 * acrn_ioreq_range_del() - stop serving a range
 * @client: The client.
 * @type:   Type given to acrn_ioreq_range_add().
 * @start:  First address given to acrn_ioreq_range_add().
 * @end:    Last address given to acrn_ioreq_range_add().
 *
 * Requests already handed to the client are still completed by it.
 *
 * Context: Process context.
 * Return: 0, or -ENOENT if the client has no such range.
 */
int acrn_ioreq_range_del(struct acrn_ioreq_client *client, u32 type,
			 u64 start, u64 end)
{
	struct acrn_ioreq_range *range, *found = NULL;
	struct acrn_vm *vm = client->vm;
	unsigned long flags;

	spin_lock_irqsave(&vm->ioreq.lock, flags);
	list_for_each_entry(range, &client->ranges, node) {
		if (range->type == type && range->start == start &&
		    range->end == end) {
			found = range;
			list_del(&found->node);
			break;
		}
	}
	spin_unlock_irqrestore(&vm->ioreq.lock, flags);

	kfree(found);
	return found ? 0 : -ENOENT;
}
EXPORT_SYMBOL_NS_GPL(acrn_ioreq_range_del, ACRN_HSM_NS);

/**
 * acrn_ioreq_vm_deinit() - destroy a VM's clients
 * @vm: The VM, removed from dispatch (acrn_ioreq_vm_remove()).
 *
 * ATTACH calls in progress return -ENODEV. In-kernel clients are
 * destroyed by their owners first; one left behind is destroyed here.
 *
 * Context: Process context; sleeps.
 */
void acrn_ioreq_vm_deinit(struct acrn_vm *vm)
{
	struct acrn_ioreq_client *client;
	unsigned long flags;

	acrn_ioreq_default_client_destroy(vm);
	for (;;) {
		spin_lock_irqsave(&vm->ioreq.lock, flags);
		client = list_first_entry_or_null(&vm->ioreq.kernel_clients,
						  struct acrn_ioreq_client, node);
		spin_unlock_irqrestore(&vm->ioreq.lock, flags);
		if (!client)
			break;
		pr_err("VM %u: client %s outlived its owner\n", vm->vmid,
		       client->name);
		acrn_ioreq_client_destroy(client);
	}
}
EXPORT_SYMBOL_IF_KUNIT(acrn_ioreq_vm_deinit);
