// SPDX-License-Identifier: GPL-2.0
/*
 * ioeventfd: a guest write to a registered port or MMIO address signals
 * an eventfd, and the kernel completes the request; the device model is
 * not woken (a virtio doorbell, typically).
 *
 * A VM's ioeventfds are served by one in-kernel I/O request client,
 * created with the first of them, whose ranges are their address ranges.
 * Its handler is IRQ-safe, so it runs in the upcall, in hard-IRQ context:
 * no thread runs between the upcall and eventfd_signal(). The request
 * path falls back to a worker when the upcall's inline budget is spent,
 * or when the handler finds eventfd_signal() not allowed in the context
 * it was called in (a nested eventfd wakeup).
 *
 * For an access in a registered range:
 *   - a read completes with the value 0 (reads never reach userspace);
 *   - a write matching an ioeventfd (same type, the ioeventfd's start
 *     address, no longer than it, and its value if it has one) signals
 *     the first such ioeventfd's eventfd and completes;
 *   - any other write is passed on to the device model, as KVM does
 *     (upstream ACRN drops it): a write the device model cannot see is
 *     lost device state. A VM without a device model client drops it.
 *
 * Locking: the VM's ioeventfd.lock (mutex) serialises assign and
 * deassign; the handler walks the list under RCU, so an entry is freed
 * one grace period after it was unlinked.
 */

#include <linux/eventfd.h>
#include <linux/mutex.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <kunit/visibility.h>

#include "acrn_drv.h"

/* acrn-dm's flag for the hypervisor's asynchronous I/O; not in Linux */
#define ACRN_IOEVENTFD_FLAG_ASYNCIO	0x08

#define ACRN_IOEVENTFD_FLAGS	(ACRN_IOEVENTFD_FLAG_PIO |		\
				 ACRN_IOEVENTFD_FLAG_DATAMATCH |	\
				 ACRN_IOEVENTFD_FLAG_DEASSIGN |		\
				 ACRN_IOEVENTFD_FLAG_ASYNCIO)

/* Most ioeventfds per VM (KVM allows 1000 devices per bus) */
#define ACRN_IOEVENTFD_MAX	1024

/* One past the last I/O port */
#define ACRN_PIO_END		0x10000ULL

/**
 * struct acrn_ioeventfd_entry - one assigned ioeventfd
 * @node:     Entry in &acrn_vm.ioeventfd.list.
 * @eventfd:  The eventfd (a reference).
 * @addr:     First address.
 * @data:     Value a write must carry, unless @wildcard.
 * @len:      Length of the range: 1, 2, 4 or 8.
 * @type:     ACRN_IOREQ_TYPE_PORTIO or ACRN_IOREQ_TYPE_MMIO.
 * @wildcard: Any value matches.
 *
 * Fixed once on the list.
 */
struct acrn_ioeventfd_entry {
	struct list_head	node;
	struct eventfd_ctx	*eventfd;
	u64			addr;
	u64			data;
	u32			len;
	u32			type;
	bool			wildcard;
};

/**
 * acrn_ioeventfd_check() - validate an ACRN_IOCTL_IOEVENTFD argument
 * @args: The argument.
 *
 * acrn-dm's ASYNCIO flag is accepted and ignored: such an ioeventfd is
 * served like any other.
 *
 * Context: Any context.
 * Return: 0, or -EINVAL: a reserved field or an unknown flag set; to
 * assign, a length other than 1, 2, 4 or 8, a range wrapping past the end
 * of the address space, or a port range past 0xffff.
 */
VISIBLE_IF_KUNIT int acrn_ioeventfd_check(const struct acrn_ioeventfd *args)
{
	if (args->reserved || (args->flags & ~ACRN_IOEVENTFD_FLAGS))
		return -EINVAL;
	if (args->flags & ACRN_IOEVENTFD_FLAG_DEASSIGN)
		return 0;

	switch (args->len) {
	case 1:
	case 2:
	case 4:
	case 8:
		break;
	default:
		return -EINVAL;
	}
	if (args->addr > U64_MAX - (args->len - 1))
		return -EINVAL;
	if ((args->flags & ACRN_IOEVENTFD_FLAG_PIO) &&
	    args->addr > ACRN_PIO_END - args->len)
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(acrn_ioeventfd_check);

/**
 * acrn_ioeventfd_match() - whether a request triggers an ioeventfd
 * @type:     The ioeventfd's type: ACRN_IOREQ_TYPE_PORTIO or _MMIO.
 * @addr:     Its first address.
 * @len:      Its length.
 * @wildcard: Whether any value matches.
 * @data:     The value to match otherwise.
 * @req:      The request.
 *
 * Context: Any context.
 * Return: true for a write of @type at exactly @addr, of at most @len
 * bytes, whose value (only the bytes written count) is @data or any
 * value with @wildcard.
 */
VISIBLE_IF_KUNIT bool acrn_ioeventfd_match(u32 type, u64 addr, u32 len,
					   bool wildcard, u64 data,
					   const struct acrn_io_request *req)
{
	u64 raddr, size, value;
	u32 dir;

	if (req->type != type)
		return false;
	if (type == ACRN_IOREQ_TYPE_PORTIO) {
		dir = req->reqs.pio_request.direction;
		raddr = req->reqs.pio_request.address;
		size = req->reqs.pio_request.size;
		value = req->reqs.pio_request.value;
	} else if (type == ACRN_IOREQ_TYPE_MMIO) {
		dir = req->reqs.mmio_request.direction;
		raddr = req->reqs.mmio_request.address;
		size = req->reqs.mmio_request.size;
		value = req->reqs.mmio_request.value;
	} else {
		return false;
	}

	if (dir != ACRN_IOREQ_DIR_WRITE || raddr != addr || !size ||
	    size > len || size > sizeof(u64))
		return false;
	if (wildcard)
		return true;
	if (size < sizeof(u64))
		value &= BIT_ULL(size * BITS_PER_BYTE) - 1;
	return value == data;
}
EXPORT_SYMBOL_IF_KUNIT(acrn_ioeventfd_match);

/* The in-kernel client's handler: in the upcall, or in a worker. */
static int acrn_ioeventfd_handle(struct acrn_ioreq_client *client,
				 struct acrn_io_request *req)
{
	struct acrn_vm *vm = acrn_ioreq_client_priv(client);
	struct acrn_ioeventfd_entry *p;
	int ret = ACRN_IOREQ_PASS;

	if (acrn_ioreq_is_read(req)) {
		acrn_ioreq_set_read_value(req, 0);
		return 0;
	}

	rcu_read_lock();
	list_for_each_entry_rcu(p, &vm->ioeventfd.list, node) {
		if (!acrn_ioeventfd_match(p->type, p->addr, p->len,
					  p->wildcard, p->data, req))
			continue;
		if (eventfd_signal_allowed()) {
			hsm_eventfd_signal(p->eventfd);
			ret = 0;
		} else {
			ret = ACRN_IOREQ_DEFER;
		}
		break;
	}
	rcu_read_unlock();

	return ret;
}

static bool acrn_ioeventfd_conflict(struct acrn_vm *vm,
				    const struct acrn_ioeventfd_entry *new)
{
	struct acrn_ioeventfd_entry *p;

	lockdep_assert_held(&vm->ioeventfd.lock);
	list_for_each_entry(p, &vm->ioeventfd.list, node) {
		if (p->eventfd == new->eventfd && p->type == new->type &&
		    p->addr == new->addr &&
		    (p->wildcard || new->wildcard || p->data == new->data))
			return true;
	}
	return false;
}

static u32 acrn_ioeventfd_type(const struct acrn_ioeventfd *args)
{
	return args->flags & ACRN_IOEVENTFD_FLAG_PIO ? ACRN_IOREQ_TYPE_PORTIO :
						       ACRN_IOREQ_TYPE_MMIO;
}

static int acrn_ioeventfd_assign(struct acrn_vm *vm,
				 const struct acrn_ioeventfd *args)
{
	struct acrn_ioreq_client *client;
	struct acrn_ioeventfd_entry *p;
	int ret;

	p = kzalloc(sizeof(*p), GFP_KERNEL_ACCOUNT);
	if (!p)
		return -ENOMEM;
	p->eventfd = eventfd_ctx_fdget(args->fd);
	if (IS_ERR(p->eventfd)) {
		ret = PTR_ERR(p->eventfd);
		goto free_entry;
	}
	p->addr = args->addr;
	p->len = args->len;
	p->type = acrn_ioeventfd_type(args);
	p->wildcard = !(args->flags & ACRN_IOEVENTFD_FLAG_DATAMATCH);
	p->data = p->wildcard ? 0 : args->data;

	mutex_lock(&vm->ioeventfd.lock);
	if (vm->ioeventfd.nr >= ACRN_IOEVENTFD_MAX) {
		ret = -ENOSPC;
		goto unlock;
	}
	if (acrn_ioeventfd_conflict(vm, p)) {
		ret = -EEXIST;
		goto unlock;
	}
	client = vm->ioeventfd.kernel_client;
	if (!client) {
		client = acrn_ioreq_client_create(vm, "ioeventfd",
						  acrn_ioeventfd_handle, vm,
						  ACRN_IOREQ_CLIENT_IRQSAFE);
		if (IS_ERR(client)) {
			ret = PTR_ERR(client);
			goto unlock;
		}
		vm->ioeventfd.kernel_client = client;
	}

	/* Findable before its range routes anything to the handler. */
	list_add_tail_rcu(&p->node, &vm->ioeventfd.list);
	ret = acrn_ioreq_range_add(client, p->type, p->addr,
				   p->addr + p->len - 1);
	if (ret)
		goto unlink;
	vm->ioeventfd.nr++;
	mutex_unlock(&vm->ioeventfd.lock);
	return 0;

unlink:
	list_del_rcu(&p->node);
	mutex_unlock(&vm->ioeventfd.lock);
	synchronize_rcu();
	goto put_eventfd;
unlock:
	mutex_unlock(&vm->ioeventfd.lock);
put_eventfd:
	eventfd_ctx_put(p->eventfd);
free_entry:
	kfree(p);
	return ret;
}

/*
 * The entry deassign removes: the one assign would have created, else
 * (upstream's rule) the first one of that eventfd.
 */
static struct acrn_ioeventfd_entry *
acrn_ioeventfd_find(struct acrn_vm *vm, struct eventfd_ctx *eventfd,
		    const struct acrn_ioeventfd *args)
{
	bool wildcard = !(args->flags & ACRN_IOEVENTFD_FLAG_DATAMATCH);
	u32 type = acrn_ioeventfd_type(args);
	struct acrn_ioeventfd_entry *p, *first = NULL;

	lockdep_assert_held(&vm->ioeventfd.lock);
	list_for_each_entry(p, &vm->ioeventfd.list, node) {
		if (p->eventfd != eventfd)
			continue;
		if (p->type == type && p->addr == args->addr &&
		    p->len == args->len && p->wildcard == wildcard &&
		    (wildcard || p->data == args->data))
			return p;
		if (!first)
			first = p;
	}
	return first;
}

static int acrn_ioeventfd_deassign(struct acrn_vm *vm,
				   const struct acrn_ioeventfd *args)
{
	struct acrn_ioeventfd_entry *p;
	struct eventfd_ctx *eventfd;

	eventfd = eventfd_ctx_fdget(args->fd);
	if (IS_ERR(eventfd))
		return PTR_ERR(eventfd);

	mutex_lock(&vm->ioeventfd.lock);
	p = acrn_ioeventfd_find(vm, eventfd, args);
	if (p) {
		acrn_ioreq_range_del(vm->ioeventfd.kernel_client, p->type, p->addr,
				     p->addr + p->len - 1);
		list_del_rcu(&p->node);
		vm->ioeventfd.nr--;
	}
	mutex_unlock(&vm->ioeventfd.lock);
	eventfd_ctx_put(eventfd);
	if (!p)
		return 0;

	/* No handler signals it once this returns. */
	synchronize_rcu();
	eventfd_ctx_put(p->eventfd);
	kfree(p);
	return 0;
}

/**
 * acrn_ioeventfd_config() - assign or deassign an ioeventfd
 * @vm:	  The VM.
 * @args: The ACRN_IOCTL_IOEVENTFD argument.
 *
 * Assigning an ioeventfd that exists for the same eventfd, type and
 * address with a value that can match the same writes is refused;
 * different eventfds on one address are not. Deassign removes the
 * ioeventfd described, or else the first of the eventfd's; when it
 * returns, the eventfd is signalled no more for it.
 *
 * Context: Process context.
 * Return: 0 (also when deassign finds nothing); -EINVAL for a bad
 * argument (acrn_ioeventfd_check()) or an fd that is not an eventfd;
 * -EBADF for a bad fd; -EEXIST for a conflict; -ENOSPC past 1024
 * ioeventfds; -ENOMEM.
 */
int acrn_ioeventfd_config(struct acrn_vm *vm, const struct acrn_ioeventfd *args)
{
	int ret = acrn_ioeventfd_check(args);

	if (ret)
		return ret;
	if (args->flags & ACRN_IOEVENTFD_FLAG_DEASSIGN)
		return acrn_ioeventfd_deassign(vm, args);
	return acrn_ioeventfd_assign(vm, args);
}

/**
 * acrn_ioeventfd_vm_init() - set up a new VM's ioeventfd state
 * @vm: The VM, not yet visible to anyone.
 *
 * Nothing is allocated: the client comes with the first ioeventfd.
 *
 * Context: Any context.
 */
void acrn_ioeventfd_vm_init(struct acrn_vm *vm)
{
	mutex_init(&vm->ioeventfd.lock);
	INIT_LIST_HEAD(&vm->ioeventfd.list);
}

/**
 * acrn_ioeventfd_vm_deinit() - remove every ioeventfd of a VM
 * @vm: The VM, no longer dispatched (acrn_ioreq_vm_remove()).
 *
 * Context: Process context; sleeps. No ioctl can reach @vm any more.
 */
void acrn_ioeventfd_vm_deinit(struct acrn_vm *vm)
{
	struct acrn_ioeventfd_entry *p, *next;

	mutex_lock(&vm->ioeventfd.lock);
	/* On return its handler is not running and will not run again. */
	if (vm->ioeventfd.kernel_client) {
		acrn_ioreq_client_destroy(vm->ioeventfd.kernel_client);
		vm->ioeventfd.kernel_client = NULL;
	}
	list_for_each_entry_safe(p, next, &vm->ioeventfd.list, node) {
		list_del(&p->node);
		eventfd_ctx_put(p->eventfd);
		kfree(p);
	}
	vm->ioeventfd.nr = 0;
	mutex_unlock(&vm->ioeventfd.lock);
}
