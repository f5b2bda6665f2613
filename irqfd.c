// SPDX-License-Identifier: GPL-2.0
/*
 * irqfd: signalling an eventfd injects an MSI into a User VM.
 *
 * An irqfd is a wait entry on its eventfd's wait queue. The wakeup runs
 * in whatever context signalled the eventfd, with the eventfd's wait
 * queue lock held and interrupts off: it consumes the count, counts the
 * signal and queues the irqfd's inject work, which makes the injection
 * hypercall with interrupts on (the hypervisor decides how long it
 * takes), once per signal, on an MSI entry allocated with the irqfd:
 * nothing is allocated per interrupt. The entry is an exclusive priority
 * waiter, as KVM's irqfds are: the signal is consumed by the irqfd, and
 * an eventfd feeds one irqfd only.
 *
 * Lifetime, what upstream's 2026 fix "virt: acrn: Fix irqfd
 * use-after-free during eventfd shutdown" was about (the tests are in
 * Documentation/upstream-bugs.rst): an irqfd
 * is freed by its shutdown work and by nothing else, and that work is
 * queued at most once (the SHUTDOWN bit), by whoever ends the irqfd
 * first: deassign, the VM's destruction, or the eventfd's release
 * (EPOLLHUP, from the wakeup, which cannot sleep). Deassign and the VM's
 * destruction then flush the workqueue, so that on return the eventfd is
 * detached and every signal counted before is injected (or, once the VM
 * is destroyed, dropped). An irqfd is fully set up before its wait entry is installed,
 * and the VM's irqfd.lock is held from the installation to its
 * publication on the VM's list, so that nothing can end it half-built.
 *
 * Locking: the VM's irqfd.lock (mutex) covers its irqfd list; the
 * eventfd's wait queue lock covers the wait entry and the count;
 * &acrn_vm.intr.inject_sem orders injections against the VM's
 * destruction: while its hypercall runs they wait, and go out if it is
 * refused (acrn_msi_inject_entry()).
 */

#include <linux/atomic.h>
#include <linux/eventfd.h>
#include <linux/file.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <kunit/visibility.h>

#include "acrn_drv.h"

/* Most irqfds per VM */
#define ACRN_IRQFD_MAX		1024

/* &acrn_irqfd_entry.flags: the shutdown work is queued */
#define ACRN_IRQFD_SHUTDOWN	0

/**
 * struct acrn_irqfd_entry - one assigned irqfd
 * @vm:	      The VM.
 * @eventfd:  The eventfd (a reference).
 * @msi:      The MSI it injects; the hypervisor reads it by physical
 *	      address, so it lives here, in kmalloc()ed memory.
 * @wait:     Entry on the eventfd's wait queue.
 * @pt:	      Installs @wait, through vfs_poll().
 * @pending:  Count found in the eventfd when @wait was installed.
 * @poll_err: Why @wait could not be installed, or 0.
 * @signals:  Signals not injected yet: raised by the wakeup, lowered by
 *	      @inject.
 * @inject:   Injects @msi once per signal.
 * @shutdown: Unlinks, detaches and frees the irqfd.
 * @node:     Entry in &acrn_vm.irqfd.list, while assigned.
 * @flags:    ACRN_IRQFD_SHUTDOWN.
 *
 * @node is protected by the VM's irqfd.lock; the rest is fixed once
 * @wait is installed.
 */
struct acrn_irqfd_entry {
	struct acrn_vm		*vm;
	struct eventfd_ctx	*eventfd;
	struct acrn_msi_entry	msi;
	wait_queue_entry_t	wait;
	poll_table		pt;
	u64			pending;
	int			poll_err;
	atomic_t		signals;
	struct work_struct	inject;
	struct work_struct	shutdown;
	struct list_head	node;
	unsigned long		flags;
};

/* Runs every irqfd's shutdown; flushed by deassign and VM destruction. */
static struct workqueue_struct *acrn_irqfd_wq;

/**
 * acrn_irqfd_check() - validate an ACRN_IOCTL_IRQFD argument
 * @args: The argument.
 *
 * The MSI itself is the hypervisor's to check, at each injection.
 *
 * Context: Any context.
 * Return: 0, or -EINVAL for an unknown flag.
 */
VISIBLE_IF_KUNIT int acrn_irqfd_check(const struct acrn_irqfd *args)
{
	return args->flags & ~ACRN_IRQFD_FLAG_DEASSIGN ? -EINVAL : 0;
}
EXPORT_SYMBOL_IF_KUNIT(acrn_irqfd_check);

/* Process context, interrupts on: the hypervisor takes its time. */
static void acrn_irqfd_inject(struct work_struct *work)
{
	struct acrn_irqfd_entry *irqfd =
		container_of(work, struct acrn_irqfd_entry, inject);

	/* A refused MSI is the device model's mistake: nothing to report. */
	while (atomic_add_unless(&irqfd->signals, -1, 0))
		acrn_msi_inject_entry(irqfd->vm, &irqfd->msi);
}

/* The sole place an irqfd is freed. */
static void acrn_irqfd_shutdown(struct work_struct *work)
{
	struct acrn_irqfd_entry *irqfd =
		container_of(work, struct acrn_irqfd_entry, shutdown);
	struct acrn_vm *vm = irqfd->vm;
	u64 cnt;

	mutex_lock(&vm->irqfd.lock);
	if (!list_empty(&irqfd->node)) {
		list_del_init(&irqfd->node);
		vm->irqfd.nr--;
	}
	mutex_unlock(&vm->irqfd.lock);

	/* Waits for a wakeup in progress, and drains the count. */
	eventfd_ctx_remove_wait_queue(irqfd->eventfd, &irqfd->wait, &cnt);
	/* No wakeup queues it again: inject what was signalled before. */
	flush_work(&irqfd->inject);
	eventfd_ctx_put(irqfd->eventfd);
	kfree(irqfd);
}

/* Queue @irqfd's shutdown unless someone already did. Any context. */
static void acrn_irqfd_end(struct acrn_irqfd_entry *irqfd)
{
	if (!test_and_set_bit(ACRN_IRQFD_SHUTDOWN, &irqfd->flags))
		queue_work(acrn_irqfd_wq, &irqfd->shutdown);
}

/* Take @irqfd off its VM's list and end it. */
static void acrn_irqfd_unlink(struct acrn_irqfd_entry *irqfd)
{
	struct acrn_vm *vm = irqfd->vm;

	lockdep_assert_held(&vm->irqfd.lock);
	list_del_init(&irqfd->node);
	vm->irqfd.nr--;
	acrn_irqfd_end(irqfd);
}

/* The eventfd's wait queue lock is held, interrupts are off. */
static int acrn_irqfd_wakeup(wait_queue_entry_t *wait, unsigned int mode,
			     int sync, void *key)
{
	struct acrn_irqfd_entry *irqfd =
		container_of(wait, struct acrn_irqfd_entry, wait);
	__poll_t events = key_to_poll(key);
	u64 cnt;

	if (events & EPOLLHUP)
		acrn_irqfd_end(irqfd);
	if (!(events & EPOLLIN))
		return 0;

	eventfd_ctx_do_read(irqfd->eventfd, &cnt);
	if (!test_bit(ACRN_IRQFD_SHUTDOWN, &irqfd->flags)) {
		atomic_inc(&irqfd->signals);
		queue_work(system_highpri_wq, &irqfd->inject);
	}
	/* Consumed: no other waiter needs waking. */
	return 1;
}

/*
 * vfs_poll()'s callback: install the wait entry, unless the eventfd
 * already feeds an exclusive priority waiter (another irqfd, of this
 * VM, another VM or KVM), which would take every signal first. The
 * count pending once the entry is in is then taken, so that each signal
 * is injected once: by the assign, or by the wakeup. A signal between
 * the two is consumed by the wakeup together with what was pending, as
 * if it had come before the assign.
 */
static void acrn_irqfd_queue_proc(struct file *file, wait_queue_head_t *wqh,
				  poll_table *pt)
{
	struct acrn_irqfd_entry *irqfd =
		container_of(pt, struct acrn_irqfd_entry, pt);
	unsigned long flags;

	irqfd->poll_err = hsm_add_wait_queue_priority_exclusive(wqh, &irqfd->wait);
	if (irqfd->poll_err)
		return;

	spin_lock_irqsave(&wqh->lock, flags);
	eventfd_ctx_do_read(irqfd->eventfd, &irqfd->pending);
	spin_unlock_irqrestore(&wqh->lock, flags);
}

static bool acrn_irqfd_bound(struct acrn_vm *vm, struct eventfd_ctx *eventfd)
{
	struct acrn_irqfd_entry *irqfd;

	lockdep_assert_held(&vm->irqfd.lock);
	list_for_each_entry(irqfd, &vm->irqfd.list, node) {
		if (irqfd->eventfd == eventfd)
			return true;
	}
	return false;
}

static int acrn_irqfd_assign(struct acrn_vm *vm, const struct acrn_irqfd *args)
{
	struct acrn_irqfd_entry *irqfd;
	struct file *file;
	int ret;

	irqfd = kzalloc(sizeof(*irqfd), GFP_KERNEL_ACCOUNT);
	if (!irqfd)
		return -ENOMEM;
	irqfd->vm = vm;
	irqfd->msi = args->msi;
	INIT_LIST_HEAD(&irqfd->node);
	INIT_WORK(&irqfd->inject, acrn_irqfd_inject);
	INIT_WORK(&irqfd->shutdown, acrn_irqfd_shutdown);
	init_waitqueue_func_entry(&irqfd->wait, acrn_irqfd_wakeup);
	init_poll_funcptr(&irqfd->pt, acrn_irqfd_queue_proc);

	/* Our reference keeps EPOLLHUP away until the irqfd is listed. */
	file = fget(args->fd);
	if (!file) {
		ret = -EBADF;
		goto free_irqfd;
	}
	irqfd->eventfd = eventfd_ctx_fileget(file);
	if (IS_ERR(irqfd->eventfd)) {
		ret = PTR_ERR(irqfd->eventfd);
		goto put_file;
	}

	mutex_lock(&vm->irqfd.lock);
	if (vm->irqfd.nr >= ACRN_IRQFD_MAX) {
		ret = -ENOSPC;
		goto unlock;
	}
	if (acrn_irqfd_bound(vm, irqfd->eventfd)) {
		ret = -EBUSY;
		goto unlock;
	}
	/* From here on a signal injects. */
	vfs_poll(file, &irqfd->pt);
	if (irqfd->poll_err) {
		ret = irqfd->poll_err;
		goto unlock;
	}
	list_add_tail(&irqfd->node, &vm->irqfd.list);
	vm->irqfd.nr++;
	if (irqfd->pending)
		acrn_msi_inject_entry(vm, &irqfd->msi);
	mutex_unlock(&vm->irqfd.lock);
	fput(file);
	return 0;

unlock:
	mutex_unlock(&vm->irqfd.lock);
	eventfd_ctx_put(irqfd->eventfd);
put_file:
	fput(file);
free_irqfd:
	kfree(irqfd);
	return ret;
}

static int acrn_irqfd_deassign(struct acrn_vm *vm, const struct acrn_irqfd *args)
{
	struct acrn_irqfd_entry *irqfd;
	struct eventfd_ctx *eventfd;

	eventfd = eventfd_ctx_fdget(args->fd);
	if (IS_ERR(eventfd))
		return PTR_ERR(eventfd);

	mutex_lock(&vm->irqfd.lock);
	list_for_each_entry(irqfd, &vm->irqfd.list, node) {
		if (irqfd->eventfd == eventfd) {
			acrn_irqfd_unlink(irqfd);
			break;
		}
	}
	mutex_unlock(&vm->irqfd.lock);
	eventfd_ctx_put(eventfd);

	/* Also waits for a shutdown EPOLLHUP queued before we looked. */
	flush_workqueue(acrn_irqfd_wq);
	return 0;
}

/**
 * acrn_irqfd_config() - assign or deassign an irqfd
 * @vm:	  The VM.
 * @args: The ACRN_IOCTL_IRQFD argument.
 *
 * Once assigned, each signal of the eventfd injects @args->msi once, and
 * a count already pending injects once at assign. When deassign returns,
 * the eventfd is detached and injects no more.
 *
 * Context: Process context; sleeps.
 * Return: 0 (also when deassign finds nothing); -EINVAL for an unknown
 * flag or an fd that is not an eventfd; -EBADF for a bad fd; -EBUSY when
 * the eventfd already feeds an irqfd (of this VM or another); -ENOSPC
 * past 1024 irqfds; -ENOMEM.
 */
int acrn_irqfd_config(struct acrn_vm *vm, const struct acrn_irqfd *args)
{
	int ret = acrn_irqfd_check(args);

	if (ret)
		return ret;
	if (args->flags & ACRN_IRQFD_FLAG_DEASSIGN)
		return acrn_irqfd_deassign(vm, args);
	return acrn_irqfd_assign(vm, args);
}

/**
 * acrn_irqfd_vm_init() - set up a new VM's irqfd state
 * @vm: The VM, not yet visible to anyone.
 *
 * Context: Any context.
 */
void acrn_irqfd_vm_init(struct acrn_vm *vm)
{
	mutex_init(&vm->irqfd.lock);
	INIT_LIST_HEAD(&vm->irqfd.list);
}

/**
 * acrn_irqfd_vm_deinit() - remove every irqfd of a VM
 * @vm: The VM.
 *
 * On return every irqfd of @vm is freed and detached from its eventfd,
 * including those whose eventfd was being released meanwhile.
 *
 * Context: Process context; sleeps. No ioctl can reach @vm any more.
 */
void acrn_irqfd_vm_deinit(struct acrn_vm *vm)
{
	struct acrn_irqfd_entry *irqfd, *next;

	mutex_lock(&vm->irqfd.lock);
	list_for_each_entry_safe(irqfd, next, &vm->irqfd.list, node)
		acrn_irqfd_unlink(irqfd);
	mutex_unlock(&vm->irqfd.lock);

	flush_workqueue(acrn_irqfd_wq);
}

/**
 * acrn_irqfd_init() - set up the irqfd workqueue
 *
 * Context: Process context (module init).
 * Return: 0 or -ENOMEM.
 */
int acrn_irqfd_init(void)
{
	acrn_irqfd_wq = alloc_workqueue("acrn_irqfd", 0, 0);
	return acrn_irqfd_wq ? 0 : -ENOMEM;
}

/**
 * acrn_irqfd_exit() - tear down the irqfd workqueue
 *
 * Context: Process context (module exit); no irqfd is left.
 */
void acrn_irqfd_exit(void)
{
	destroy_workqueue(acrn_irqfd_wq);
}
