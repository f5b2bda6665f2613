// SPDX-License-Identifier: GPL-2.0
/*
 * I/O requests: the shared page, dispatch, clients and completion.
 *
 * The device model provides a page-aligned 4 KiB buffer; the HSM pins the
 * page for the VM's lifetime and gives its physical address to the
 * hypervisor, which fills one 256-byte slot per vCPU with the accesses it
 * traps: FREE -> PENDING (hypervisor) -> PROCESSING (HSM) -> COMPLETE
 * (HSM) -> FREE (hypervisor).
 *
 * The whole request path runs in the upcall interrupt, in hard-IRQ
 * context on CPU 0, with no thread in between:
 *
 *   upcall -> for each VM (RCU list), under its ioreq_lock:
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
 *   Completion hypercalls are made under the lock, which also covers the
 *   destroy and reset hypercalls, so none can race with those.
 *
 * Work per upcall is bounded: each slot of each VM is looked at once and
 * at most ACRN_IOREQ_INLINE_BUDGET handlers run inline; the rest goes to
 * workers. A guest can make the hypervisor raise upcalls, but each one
 * costs a bounded amount of Service VM time.
 *
 * The device model can write anything into the shared page at any time.
 * The kernel keeps its own record of which slot it handed to which
 * client (&acrn_vm.slots) and decides everything on snapshots; it never
 * indexes, loops or trusts based on the page's content.
 *
 * Locking: acrn_vm_list_lock (mutex) orders VM list changes and the
 * upcall handler's installation; the handler reads the list under RCU.
 * Each VM's ioreq_lock (spinlock, interrupts off) covers the rest. The
 * handler runs in hard IRQ, so this path is not usable on PREEMPT_RT
 * (Kconfig).
 */

#include <linux/bitops.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/rculist.h>
#include <linux/refcount.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <kunit/visibility.h>

#include "acrn_drv.h"

/* Most in-kernel handlers run inline per upcall; the rest are deferred. */
#define ACRN_IOREQ_INLINE_BUDGET	16

/* A write to a write-protected guest page (hypervisor.md); not in the UAPI. */
#define ACRN_IOREQ_TYPE_WP		3

#define ACRN_PCI_CONF_ADDR		0xcf8
#define ACRN_PCI_CONF_DATA		0xcfc
#define ACRN_PCI_CONF_ENABLE		BIT(31)

/**
 * struct acrn_ioreq_range - an address range an in-kernel client serves
 * @node:  Entry in &acrn_ioreq_client.ranges.
 * @type:  ACRN_IOREQ_TYPE_PORTIO or ACRN_IOREQ_TYPE_MMIO.
 * @start: First address.
 * @end:   Last address (inclusive).
 */
struct acrn_ioreq_range {
	struct list_head	node;
	u32			type;
	u64			start;
	u64			end;
};

/**
 * struct acrn_ioreq_client - a consumer of a VM's I/O requests
 * @name:    Name, for messages.
 * @vm:	     The VM; valid while the client is not @dead (and until
 *	     acrn_ioreq_client_destroy() returns for in-kernel clients).
 * @node:    Entry in &acrn_vm.clients (in-kernel clients).
 * @ranges:  Ranges served (in-kernel clients).
 * @handler: Request handler (in-kernel clients); NULL for the device
 *	     model's client.
 * @priv:    Owner's data.
 * @flags:   ACRN_IOREQ_CLIENT_*.
 * @pending: Slots handed to this client and not completed yet.
 * @dead:    Destroyed: no new requests, ATTACH returns -ENODEV.
 * @wq:	     ATTACH waiters (device model's client).
 * @work:    Runs deferred handlers (in-kernel clients).
 * @scratch: Copy of the request a deferred handler works on (only @work
 *	     uses it; the structure is too big and aligned for the stack).
 * @ref:     References: the VM's link, and each ATTACH in progress.
 *
 * @node, @ranges, @pending and @dead are protected by the VM's ioreq_lock.
 */
struct acrn_ioreq_client {
	char			name[16];
	struct acrn_vm		*vm;
	struct list_head	node;
	struct list_head	ranges;
	acrn_ioreq_handler_t	handler;
	void			*priv;
	unsigned int		flags;
	unsigned long		pending;
	bool			dead;
	wait_queue_head_t	wq;
	struct work_struct	work;
	struct acrn_io_request	*scratch;
	refcount_t		ref;
};

DEFINE_PER_CPU(struct acrn_ioreq_stats, acrn_ioreq_stats);

/* acrn_vm_list_lock protects changes to acrn_vm_list and the handler. */
static DEFINE_MUTEX(acrn_vm_list_lock);
static LIST_HEAD(acrn_vm_list);
static struct workqueue_struct *acrn_ioreq_wq;

/**
 * acrn_ioreq_buffer_pin() - pin the device model's I/O request page
 * @vm:    The VM.
 * @uaddr: User address of the buffer, page aligned (acrn_vm_creation_check()).
 *
 * Context: Process context, in the device model's address space.
 * Return: 0, -ENOMEM, or -EFAULT if @uaddr is not a writable mapping
 * (whatever pin_user_pages_fast() said: its errors for a bad range differ
 * between kernels, 6.12 answers -EOVERFLOW for a range that wraps).
 */
int acrn_ioreq_buffer_pin(struct acrn_vm *vm, u64 uaddr)
{
	struct page *page;
	int ret;

	ret = pin_user_pages_fast(uaddr, 1, FOLL_WRITE | FOLL_LONGTERM, &page);
	if (ret != 1)
		return ret == -ENOMEM ? ret : -EFAULT;

	vm->ioreq_page = page;
	vm->ioreq_buf = page_address(page);
	return 0;
}

/**
 * acrn_ioreq_buffer_register() - give the I/O request page to the hypervisor
 * @vm: The VM, created in the hypervisor, with its page pinned.
 *
 * The hypervisor resets every slot to FREE.
 *
 * Context: Process context.
 * Return: 0, -ENOMEM, or an errno from acrn_hv_errno() (-EINVAL when the
 * hypervisor refused).
 */
int acrn_ioreq_buffer_register(struct acrn_vm *vm)
{
	u64 *page_pa;
	int ret;

	/* The hypercall takes the address of a u64 that holds the page's address. */
	page_pa = kmalloc(sizeof(*page_pa), GFP_KERNEL);
	if (!page_pa)
		return -ENOMEM;
	*page_pa = page_to_phys(vm->ioreq_page);

	ret = acrn_hv_errno(hcall_set_ioreq_buffer(vm->vmid, virt_to_phys(page_pa)),
			    -EINVAL);
	kfree(page_pa);

	return ret;
}

/**
 * acrn_ioreq_buffer_unpin() - release the I/O request page
 * @vm: The VM; the hypervisor no longer uses the page.
 *
 * Context: Process context.
 */
void acrn_ioreq_buffer_unpin(struct acrn_vm *vm)
{
	if (!vm->ioreq_page)
		return;
	unpin_user_page(vm->ioreq_page);
	vm->ioreq_page = NULL;
	vm->ioreq_buf = NULL;
}

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

/* The request path */

/**
 * acrn_ioreq_valid() - whether a request snapshot is one the hypervisor makes
 * @req: The snapshot.
 *
 * Port I/O of 1, 2 or 4 bytes inside the 64 KiB port space, MMIO and
 * write-protect faults of 1, 2, 4 or 8 bytes that do not wrap, a known
 * direction. The hypervisor never makes PCICFG requests (the HSM does).
 *
 * Context: Any context.
 * Return: true if the request can be dispatched.
 */
VISIBLE_IF_KUNIT bool acrn_ioreq_valid(const struct acrn_io_request *req)
{
	const struct acrn_mmio_request *mmio = &req->reqs.mmio_request;
	const struct acrn_pio_request *pio = &req->reqs.pio_request;

	switch (req->type) {
	case ACRN_IOREQ_TYPE_PORTIO:
		if (pio->direction > ACRN_IOREQ_DIR_WRITE)
			return false;
		if (pio->size != 1 && pio->size != 2 && pio->size != 4)
			return false;
		return pio->address <= 0x10000 - pio->size;
	case ACRN_IOREQ_TYPE_MMIO:
	case ACRN_IOREQ_TYPE_WP:
		if (mmio->direction > ACRN_IOREQ_DIR_WRITE)
			return false;
		if (mmio->size != 1 && mmio->size != 2 && mmio->size != 4 &&
		    mmio->size != 8)
			return false;
		return mmio->address <= U64_MAX - (mmio->size - 1);
	default:
		return false;
	}
}
EXPORT_SYMBOL_IF_KUNIT(acrn_ioreq_valid);

/**
 * acrn_ioreq_in_range() - whether a range serves a request
 * @type:  Range type, ACRN_IOREQ_TYPE_PORTIO or ACRN_IOREQ_TYPE_MMIO.
 * @start: First address of the range.
 * @end:   Last address of the range (inclusive).
 * @req:   A valid request snapshot (acrn_ioreq_valid()).
 *
 * The request must have the range's type and lie entirely inside it.
 *
 * Context: Any context.
 * Return: true on a match.
 */
VISIBLE_IF_KUNIT bool acrn_ioreq_in_range(u32 type, u64 start, u64 end,
					  const struct acrn_io_request *req)
{
	u64 addr, size;

	if (req->type != type)
		return false;
	switch (type) {
	case ACRN_IOREQ_TYPE_PORTIO:
		addr = req->reqs.pio_request.address;
		size = req->reqs.pio_request.size;
		break;
	case ACRN_IOREQ_TYPE_MMIO:
		addr = req->reqs.mmio_request.address;
		size = req->reqs.mmio_request.size;
		break;
	default:
		return false;
	}
	return addr >= start && addr + size - 1 <= end;
}
EXPORT_SYMBOL_IF_KUNIT(acrn_ioreq_in_range);

/**
 * acrn_ioreq_pci_cfg() - the PCI configuration mechanism #1 combiner
 * @conf_addr: The VM's latched 0xCF8 value.
 * @req:       A valid request snapshot; rewritten when converted.
 *
 * A 4-byte access to 0xCF8 latches (write) or returns (read) the
 * address. An access inside 0xCFC-0xCFF reads all ones and drops writes
 * while the enable bit is clear; otherwise it becomes a PCICFG request
 * for bus 23:16, device 15:11, function 10:8 and register 7:2 plus the
 * extended register bits 27:24 (as register bits 11:8) plus the byte
 * offset of the port. Anything else, including a 0xCF8 access of another
 * size, is not a configuration access.
 *
 * Context: Any context; the caller serialises @conf_addr.
 * Return: ACRN_PCI_CFG_PASS, ACRN_PCI_CFG_DONE (@req holds a read's
 * value) or ACRN_PCI_CFG_CONVERTED.
 */
VISIBLE_IF_KUNIT int acrn_ioreq_pci_cfg(u32 *conf_addr,
					struct acrn_io_request *req)
{
	struct acrn_pio_request *pio = &req->reqs.pio_request;
	struct acrn_pci_request *pci = &req->reqs.pci_request;
	u32 dir, size, value, addr = *conf_addr;
	u64 port = pio->address;

	if (req->type != ACRN_IOREQ_TYPE_PORTIO)
		return ACRN_PCI_CFG_PASS;

	if (port == ACRN_PCI_CONF_ADDR && pio->size == 4) {
		if (pio->direction == ACRN_IOREQ_DIR_WRITE)
			*conf_addr = pio->value;
		else
			pio->value = *conf_addr;
		return ACRN_PCI_CFG_DONE;
	}

	if (port < ACRN_PCI_CONF_DATA || port + pio->size > ACRN_PCI_CONF_DATA + 4)
		return ACRN_PCI_CFG_PASS;

	if (!(addr & ACRN_PCI_CONF_ENABLE)) {
		if (pio->direction == ACRN_IOREQ_DIR_READ)
			pio->value = ~0U;
		return ACRN_PCI_CFG_DONE;
	}

	dir = pio->direction;
	size = pio->size;
	value = pio->value;
	memset(&req->reqs, 0, sizeof(req->reqs));
	req->type = ACRN_IOREQ_TYPE_PCICFG;
	pci->direction = dir;
	pci->size = size;
	pci->value = value;
	pci->bus = (addr >> 16) & 0xff;
	pci->dev = (addr >> 11) & 0x1f;
	pci->func = (addr >> 8) & 0x7;
	pci->reg = (addr & 0xfc) + ((addr >> 16) & 0xf00) +
		   (port - ACRN_PCI_CONF_DATA);
	return ACRN_PCI_CFG_CONVERTED;
}
EXPORT_SYMBOL_IF_KUNIT(acrn_ioreq_pci_cfg);

/**
 * acrn_ioreq_set_read_value() - answer a read in a request snapshot
 * @req:   The snapshot.
 * @value: The value the guest reads (port I/O keeps the low 32 bits).
 *
 * For the kernel's own answers and in-kernel clients' handlers.
 *
 * Context: Any context.
 */
void acrn_ioreq_set_read_value(struct acrn_io_request *req, u64 value)
{
	if (req->type == ACRN_IOREQ_TYPE_MMIO || req->type == ACRN_IOREQ_TYPE_WP)
		req->reqs.mmio_request.value = value;
	else
		req->reqs.pio_request.value = value;
}
EXPORT_SYMBOL_NS_GPL(acrn_ioreq_set_read_value, ACRN_HSM_NS);

/**
 * acrn_ioreq_is_read() - whether a request is a read
 * @req: The request.
 *
 * Context: Any context.
 * Return: true for a read, of any request type.
 */
bool acrn_ioreq_is_read(const struct acrn_io_request *req)
{
	/* direction is the first field of every request layout */
	return req->reqs.pio_request.direction == ACRN_IOREQ_DIR_READ;
}
EXPORT_SYMBOL_NS_GPL(acrn_ioreq_is_read, ACRN_HSM_NS);

/*
 * Publish COMPLETE for slot @i. @value_from_kernel: the kernel answered
 * the request, so copy a read's value from the snapshot first (the
 * device model writes its own). The hypervisor may reuse the slot as soon
 * as it sees COMPLETE, so completion_polling is taken from the snapshot
 * made before the slot was handed out, never read afterwards.
 *
 * The completion hypercall is issued here, under the lock: the lock also
 * covers the destroy and reset hypercalls (acrn_ioreq_hv_destroy(),
 * acrn_ioreq_hv_reset()), so no completion can reach a VM the hypervisor
 * has destroyed (whose vmid may already name a new VM) or a slot it has
 * just freed.
 */
static void acrn_ioreq_complete(struct acrn_vm *vm, unsigned int i,
				bool value_from_kernel)
{
	struct acrn_io_request *slot = &vm->ioreq_buf->req_slot[i];
	struct acrn_ioreq_slot *s = &vm->slots[i];
	long ret;

	lockdep_assert_held(&vm->ioreq_lock);

	if (s->owner) {
		__clear_bit(i, &s->owner->pending);
		s->owner = NULL;
	}
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
	if (s->req.completion_polling || vm->hv_gone)
		return;

	acrn_ioreq_stat_inc(notifies);
	ret = hcall_notify_request_finish(vm->vmid, i);
	if (ret)
		pr_debug("VM %u vCPU %u: completion refused: %ld\n",
			 vm->vmid, i, ret);
}

/* Complete slot @i without emulating it: reads return all ones. */
static void acrn_ioreq_complete_unhandled(struct acrn_vm *vm, unsigned int i)
{
	acrn_ioreq_set_read_value(&vm->slots[i].req, ~0ULL);
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
	struct acrn_io_request *req = &vm->slots[i].req;
	int ret;

	lockdep_assert_held(&vm->ioreq_lock);
	ret = client->handler(client, req);
	if (ret == ACRN_IOREQ_DEFER)
		return client;
	if (ret == ACRN_IOREQ_PASS) {
		acrn_ioreq_stat_inc(kernel_passed);
		if (vm->default_client)
			return vm->default_client;
		acrn_ioreq_complete_unhandled(vm, i);
		return NULL;
	}
	if (ret)
		acrn_ioreq_set_read_value(req, ~0ULL);
	acrn_ioreq_stat_inc(kernel_inline);
	acrn_ioreq_complete(vm, i, true);
	return NULL;
}

static struct acrn_ioreq_client *acrn_ioreq_route(struct acrn_vm *vm,
						  const struct acrn_io_request *req)
{
	struct acrn_ioreq_client *client;
	struct acrn_ioreq_range *range;

	lockdep_assert_held(&vm->ioreq_lock);
	list_for_each_entry(client, &vm->clients, node) {
		list_for_each_entry(range, &client->ranges, node) {
			if (acrn_ioreq_in_range(range->type, range->start,
						range->end, req))
				return client;
		}
	}
	return vm->default_client;
}

/* Hand slot @i, snapshotted, to @client. */
static void acrn_ioreq_hand_out(struct acrn_vm *vm, unsigned int i,
				struct acrn_ioreq_client *client,
				bool converted, int *budget)
{
	struct acrn_io_request *slot = &vm->ioreq_buf->req_slot[i];
	struct acrn_ioreq_slot *s = &vm->slots[i];
	bool in_kernel = client->handler;

	lockdep_assert_held(&vm->ioreq_lock);
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
	struct acrn_io_request *slot = &vm->ioreq_buf->req_slot[i];
	struct acrn_ioreq_slot *s = &vm->slots[i];
	struct acrn_ioreq_client *client;
	int pci;

	lockdep_assert_held(&vm->ioreq_lock);

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

	pci = acrn_ioreq_pci_cfg(&vm->pci_conf_addr, &s->req);
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
	struct acrn_io_request_buffer *buf = vm->ioreq_buf;
	unsigned int i;

	lockdep_assert_held(&vm->ioreq_lock);
	for (i = 0; i < vm->vcpu_num; i++) {
		if (vm->slots[i].owner)
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
VISIBLE_IF_KUNIT void acrn_ioreq_dispatch(struct acrn_vm *vm)
{
	int budget = ACRN_IOREQ_INLINE_BUDGET;
	unsigned long flags;

	spin_lock_irqsave(&vm->ioreq_lock, flags);
	acrn_ioreq_dispatch_locked(vm, &budget);
	spin_unlock_irqrestore(&vm->ioreq_lock, flags);
}
EXPORT_SYMBOL_IF_KUNIT(acrn_ioreq_dispatch);

/* The upcall handler: hard-IRQ context on CPU 0. */
static void acrn_ioreq_upcall(void)
{
	int budget = ACRN_IOREQ_INLINE_BUDGET;
	struct acrn_vm *vm;

	acrn_ioreq_stat_inc(upcalls);
	rcu_read_lock();
	list_for_each_entry_rcu(vm, &acrn_vm_list, list) {
		spin_lock(&vm->ioreq_lock);
		acrn_ioreq_dispatch_locked(vm, &budget);
		spin_unlock(&vm->ioreq_lock);
	}
	rcu_read_unlock();
}

/*
 * A deferred handler passed slot @i on: hand it to the device model, or
 * complete it unhandled if there is none. The slot already reads
 * PROCESSING, owned by the kernel; the request is rewritten from the
 * snapshot, as the device model must see what the kernel decided on.
 */
static void acrn_ioreq_pass_on(struct acrn_vm *vm, unsigned int i)
{
	struct acrn_ioreq_slot *s = &vm->slots[i];
	int budget = 0;

	lockdep_assert_held(&vm->ioreq_lock);
	acrn_ioreq_stat_inc(kernel_passed);
	__clear_bit(i, &s->owner->pending);
	s->owner = NULL;
	if (vm->default_client)
		acrn_ioreq_hand_out(vm, i, vm->default_client, true, &budget);
	else
		acrn_ioreq_complete_unhandled(vm, i);
}

/* Deferred handlers of an in-kernel client, in process context. */
static void acrn_ioreq_client_work(struct work_struct *work)
{
	struct acrn_ioreq_client *client =
		container_of(work, struct acrn_ioreq_client, work);
	struct acrn_io_request *req = client->scratch;
	struct acrn_vm *vm = client->vm;
	unsigned int i;
	u32 seq;
	int ret;

	spin_lock_irq(&vm->ioreq_lock);
	while (client->pending && !client->dead) {
		i = __ffs(client->pending);
		*req = vm->slots[i].req;
		seq = vm->slots[i].seq;
		spin_unlock_irq(&vm->ioreq_lock);

		ret = client->handler(client, req);

		spin_lock_irq(&vm->ioreq_lock);
		/* CLEAR_VM_IOREQ or a reset may have taken the slot meanwhile. */
		if (vm->slots[i].owner != client || vm->slots[i].seq != seq)
			continue;
		if (ret == ACRN_IOREQ_PASS) {
			acrn_ioreq_pass_on(vm, i);
			continue;
		}
		if (ret)
			acrn_ioreq_set_read_value(req, ~0ULL);
		vm->slots[i].req.reqs = req->reqs;
		acrn_ioreq_stat_inc(kernel_deferred);
		acrn_ioreq_complete(vm, i, true);
	}
	spin_unlock_irq(&vm->ioreq_lock);
}

/* Clients */

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

	lockdep_assert_held(&vm->ioreq_lock);
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

	spin_lock_irqsave(&vm->ioreq_lock, flags);
	if (vm->default_client)
		ret = -EEXIST;
	else
		vm->default_client = client;
	spin_unlock_irqrestore(&vm->ioreq_lock, flags);

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

	spin_lock_irqsave(&vm->ioreq_lock, flags);
	client = vm->default_client;
	if (client) {
		vm->default_client = NULL;
		client->dead = true;
		acrn_ioreq_client_flush_locked(client);
	}
	spin_unlock_irqrestore(&vm->ioreq_lock, flags);
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

	spin_lock_irqsave(&vm->ioreq_lock, flags);
	client = vm->default_client;
	if (client)
		refcount_inc(&client->ref);
	spin_unlock_irqrestore(&vm->ioreq_lock, flags);

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
	unsigned long flags;
	u32 vcpu = n->vcpu;
	int ret = -EINVAL;

	if (n->reserved || vcpu >= vm->vcpu_num)
		return -EINVAL;

	spin_lock_irqsave(&vm->ioreq_lock, flags);
	if (vm->default_client && vm->slots[vcpu].owner == vm->default_client) {
		acrn_ioreq_complete(vm, vcpu, false);
		ret = 0;
	}
	spin_unlock_irqrestore(&vm->ioreq_lock, flags);

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
	struct acrn_io_request_buffer *buf = vm->ioreq_buf;
	unsigned long flags;
	unsigned int i;

	spin_lock_irqsave(&vm->ioreq_lock, flags);
	for (i = 0; i < vm->vcpu_num; i++) {
		if (!vm->slots[i].owner) {
			/* As in dispatch: the request body after PENDING. */
			if (smp_load_acquire(&buf->req_slot[i].processed) !=
			    ACRN_IOREQ_STATE_PENDING)
				continue;
			memcpy(&vm->slots[i].req, &buf->req_slot[i],
			       offsetof(struct acrn_io_request, reserved1));
		}
		acrn_ioreq_complete_unhandled(vm, i);
	}
	spin_unlock_irqrestore(&vm->ioreq_lock, flags);
}
EXPORT_SYMBOL_IF_KUNIT(acrn_ioreq_clear);

/**
 * acrn_ioreq_hv_reset() - reset the VM in the hypervisor, forgetting requests
 * @vm: The VM.
 *
 * The hypervisor frees every slot; in the same critical section the
 * kernel forgets the requests it handed out, so no NOTIFY, CLEAR or
 * deferred handler can complete a slot the hypervisor just freed.
 *
 * Context: Process context.
 * Return: The hypervisor's answer to HC_RESET_VM.
 */
long acrn_ioreq_hv_reset(struct acrn_vm *vm)
{
	struct acrn_ioreq_client *client;
	unsigned long flags;
	unsigned int i;
	long ret;

	spin_lock_irqsave(&vm->ioreq_lock, flags);
	ret = hcall_reset_vm(vm->vmid);
	if (!ret) {
		for (i = 0; i < ACRN_IO_REQUEST_MAX; i++) {
			client = vm->slots[i].owner;
			if (client)
				__clear_bit(i, &client->pending);
			vm->slots[i].owner = NULL;
		}
		vm->pci_conf_addr = 0;
	}
	spin_unlock_irqrestore(&vm->ioreq_lock, flags);
	return ret;
}

/**
 * acrn_ioreq_hv_destroy() - destroy the VM in the hypervisor
 * @vm: The VM, paused.
 *
 * Once the hypervisor agrees, its vmid may name a new VM at once, so in
 * the same critical section the kernel stops sending completions and
 * irqfd injections for this one (requests still completed afterwards
 * only change the page).
 *
 * Context: Process context.
 * Return: The hypervisor's answer to HC_DESTROY_VM.
 */
long acrn_ioreq_hv_destroy(struct acrn_vm *vm)
{
	unsigned long flags;
	long ret;

	spin_lock_irqsave(&vm->ioreq_lock, flags);
	spin_lock(&vm->inject_lock);
	ret = hcall_destroy_vm(vm->vmid);
	if (!ret)
		vm->hv_gone = true;
	spin_unlock(&vm->inject_lock);
	spin_unlock_irqrestore(&vm->ioreq_lock, flags);
	return ret;
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

	spin_lock_irqsave(&vm->ioreq_lock, irqflags);
	list_add_tail(&client->node, &vm->clients);
	spin_unlock_irqrestore(&vm->ioreq_lock, irqflags);

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

	spin_lock_irqsave(&vm->ioreq_lock, flags);
	client->dead = true;
	list_del_init(&client->node);
	spin_unlock_irqrestore(&vm->ioreq_lock, flags);

	cancel_work_sync(&client->work);

	spin_lock_irqsave(&vm->ioreq_lock, flags);
	acrn_ioreq_client_flush_locked(client);
	spin_unlock_irqrestore(&vm->ioreq_lock, flags);

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

	spin_lock_irqsave(&vm->ioreq_lock, flags);
	list_add_tail(&range->node, &client->ranges);
	spin_unlock_irqrestore(&vm->ioreq_lock, flags);

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

	spin_lock_irqsave(&vm->ioreq_lock, flags);
	list_for_each_entry(range, &client->ranges, node) {
		if (range->type == type && range->start == start &&
		    range->end == end) {
			found = range;
			list_del(&found->node);
			break;
		}
	}
	spin_unlock_irqrestore(&vm->ioreq_lock, flags);

	kfree(found);
	return found ? 0 : -ENOENT;
}
EXPORT_SYMBOL_NS_GPL(acrn_ioreq_range_del, ACRN_HSM_NS);

/* VMs */

/**
 * acrn_ioreq_vm_init() - initialise a new VM's request state
 * @vm: The VM, not yet visible to anyone.
 *
 * Context: Any context.
 */
void acrn_ioreq_vm_init(struct acrn_vm *vm)
{
	spin_lock_init(&vm->ioreq_lock);
	INIT_LIST_HEAD(&vm->clients);
	INIT_LIST_HEAD(&vm->list);
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
	list_add_tail_rcu(&vm->list, &acrn_vm_list);
	vm->listed = true;
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
	if (vm->listed) {
		list_del_rcu(&vm->list);
		vm->listed = false;
		if (list_empty(&acrn_vm_list))
			vm->hv->clear_upcall();
		else
			synchronize_rcu();
	}
	mutex_unlock(&acrn_vm_list_lock);
}

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
		spin_lock_irqsave(&vm->ioreq_lock, flags);
		client = list_first_entry_or_null(&vm->clients,
						  struct acrn_ioreq_client, node);
		spin_unlock_irqrestore(&vm->ioreq_lock, flags);
		if (!client)
			break;
		pr_err("VM %u: client %s outlived its owner\n", vm->vmid,
		       client->name);
		acrn_ioreq_client_destroy(client);
	}
}
EXPORT_SYMBOL_IF_KUNIT(acrn_ioreq_vm_deinit);

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
