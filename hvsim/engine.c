// SPDX-License-Identifier: GPL-2.0
/*
 * vCPU engines: a userspace program that runs a VM's guest code (with
 * KVM, say) claims the VM (HVSIM_IOCTL_ENGINE_CLAIM) and gets a file for
 * it, the claim, much as KVM hands out a file per VM. Through it the
 * engine reads records of what the hypervisor did to the VM (life cycle,
 * EPT, interrupts), acknowledges the life-cycle steps that must stop the
 * guest, makes the guest's accesses, and maps the guest's RAM. See
 * Documentation/simulator.rst, "vCPU engines".
 *
 * Locks, outermost first:
 * - hvsim_engine::zap_sem: a fault holds it for reading from the EPT
 *   lookup to the PTE insertion, a zap for writing, so no page removed
 *   from the EPT is mapped again after its zap.
 * - hvsim_vms_lock: hvsim_vm::engine, hvsim_engine::bound, the list of
 *   armed claims (hvsim_engine_armed).
 * - hvsim_engine::lock (irq-safe, taken under hvsim_vms_lock when both
 *   are held): the record ring and the sequence numbers.
 *
 * Lifetime: the file holds a reference; so does a hypercall waiting for
 * an ack. A VM slot points to its claim (hvsim_vm::engine) without one:
 * the file's release detaches the claim under hvsim_vms_lock first.
 */

#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/jiffies.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/rwsem.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include "hvsim.h"

static_assert(sizeof(struct hvsim_engine_record) == HVSIM_REC_SIZE);
static_assert(sizeof(struct hvsim_claim) == 8);
static_assert(sizeof(struct hvsim_engine_range) == 24);
static_assert(offsetof(struct hvsim_engine_record, u) == 16);

/* How long PAUSE_VM, RESET_VM and DESTROY_VM wait for an engine's ack. */
static unsigned int hvsim_engine_ack_ms = 2000;

static int hvsim_engine_ack_ms_set(const char *val,
				   const struct kernel_param *kp)
{
	unsigned int ms;
	int ret;

	ret = kstrtouint(val, 0, &ms);
	if (ret)
		return ret;
	if (ms < 1 || ms > 60000)
		return -EINVAL;
	WRITE_ONCE(hvsim_engine_ack_ms, ms);
	return 0;
}

static const struct kernel_param_ops hvsim_engine_ack_ms_ops = {
	.set	= hvsim_engine_ack_ms_set,
	.get	= param_get_uint,
};
module_param_cb(engine_ack_ms, &hvsim_engine_ack_ms_ops,
		&hvsim_engine_ack_ms, 0644);
MODULE_PARM_DESC(engine_ack_ms,
		 "Longest wait for a vCPU engine's ack, ms (1-60000, default 2000)");

/* Claims armed with HVSIM_CLAIM_NEXT, oldest first; hvsim_vms_lock. */
static LIST_HEAD(hvsim_engine_armed);

/**
 * struct hvsim_engine - a claim: one engine's hold on one VM
 * @ref:      One for the file, one for each hypercall waiting for an ack.
 * @file:     The claim file.
 * @vmid:     The VM slot, 0 while armed.
 * @armed:    On hvsim_engine_armed, waiting for the next VM created.
 * @bound:    hvsim_vms[@vmid].engine is this claim.
 * @detached: Bound once, no longer: destroyed, timed out or closed. Set
 *	      under hvsim_vms_lock and @lock.
 * @node:     Entry of hvsim_engine_armed.
 * @lock:     Protects @ring, @next_seq and @acked_seq (see the top).
 * @ring:     Records not read yet.
 * @next_seq: Sequence number of the next record.
 * @acked_seq: Highest sequence number acknowledged.
 * @rwq:      Readers and pollers: a record came, or the claim detached.
 * @ackwq:    Hypercalls waiting for an ack.
 * @read_mutex: One reader at a time.
 * @zap_sem:  Faults (read) against zaps (write); see the top.
 * @mapping:  The file's own address space, so that a zap reaches only
 *	      this claim's mappings (anon inodes share one).
 *
 * @armed, @bound and @vmid are protected by hvsim_vms_lock; @vmid does
 * not change once bound.
 */
struct hvsim_engine {
	struct kref		ref;
	struct file		*file;
	u16			vmid;
	bool			armed;
	bool			bound;
	bool			detached;
	struct list_head	node;
	spinlock_t		lock;	/* see above */
	struct hvsim_ring	ring;
	u64			next_seq;
	u64			acked_seq;
	wait_queue_head_t	rwq;
	wait_queue_head_t	ackwq;
	struct mutex		read_mutex;	/* see above */
	struct rw_semaphore	zap_sem;
	struct address_space	mapping;
};

/**
 * hvsim_ring_push() - queue a record, or count it lost
 * @r:	      The ring.
 * @rec:      The record, its sequence number set.
 * @reserved: A life-cycle record, which may use the last
 *	      HVSIM_RING_RESERVED slots.
 *
 * Records keep their order: once one is lost, every later one is lost
 * too until the reader has taken the LOST record that stands for them.
 *
 * Context: Any context; the caller serialises the ring's users.
 * Return: true if queued, false if lost.
 */
VISIBLE_IF_KUNIT bool hvsim_ring_push(struct hvsim_ring *r,
				      const struct hvsim_engine_record *rec,
				      bool reserved)
{
	u32 room = reserved ? r->size : r->size - HVSIM_RING_RESERVED;

	if (r->lost || r->count >= room) {
		r->lost++;
		r->lost_seq = rec->seq;
		r->lost_flags |= rec->flags & HVSIM_REC_ACK;
		return false;
	}
	r->rec[(r->head + r->count) % r->size] = *rec;
	r->count++;
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(hvsim_ring_push);

/**
 * hvsim_ring_pop() - take the oldest record
 * @r:	  The ring.
 * @vmid: VM to put in a LOST record.
 * @out:  The record.
 *
 * After the queued records comes one LOST record for those that were
 * lost, if any.
 *
 * Context: Any context; the caller serialises the ring's users.
 * Return: true if @out was filled, false if there is nothing to read.
 */
VISIBLE_IF_KUNIT bool hvsim_ring_pop(struct hvsim_ring *r, u16 vmid,
				     struct hvsim_engine_record *out)
{
	if (r->count) {
		*out = r->rec[r->head];
		r->head = (r->head + 1) % r->size;
		r->count--;
		return true;
	}
	if (!r->lost)
		return false;
	memset(out, 0, sizeof(*out));
	out->seq = r->lost_seq;
	out->type = HVSIM_REC_LOST;
	out->vmid = vmid;
	out->flags = r->lost_flags;
	out->u.lost.count = r->lost;
	out->u.lost.last_seq = r->lost_seq;
	r->lost = 0;
	r->lost_flags = 0;
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(hvsim_ring_pop);

/* Whether the ring has something to read. */
static bool hvsim_ring_readable(const struct hvsim_ring *r)
{
	return r->count || r->lost;
}

static void hvsim_engine_release(struct kref *ref)
{
	struct hvsim_engine *e = container_of(ref, struct hvsim_engine, ref);

	mutex_destroy(&e->read_mutex);
	kvfree(e->ring.rec);
	kfree(e);
}

static void hvsim_engine_put(struct hvsim_engine *e)
{
	kref_put(&e->ref, hvsim_engine_release);
}

/*
 * Queue a record for @e, with hvsim_vms_lock held. Its sequence number
 * is set here. Return it.
 */
static u64 hvsim_engine_queue(struct hvsim_engine *e,
			      struct hvsim_engine_record *rec, bool lifecycle)
{
	lockdep_assert_held(&hvsim_vms_lock);
	spin_lock(&e->lock);
	rec->seq = e->next_seq++;
	rec->vmid = e->vmid;
	hvsim_ring_push(&e->ring, rec, lifecycle);
	spin_unlock(&e->lock);
	wake_up_interruptible_poll(&e->rwq, EPOLLIN | EPOLLRDNORM);
	return rec->seq;
}

/* Fill @rec's VM description (ATTACH, START). */
static void hvsim_engine_describe(struct hvsim_vm *vm,
				  struct hvsim_engine_record *rec)
{
	unsigned int i;

	rec->u.vm.vcpu_num = vm->vcpu_num;
	rec->u.vm.state = vm->state;
	rec->u.vm.guest_flags = vm->guest_flags;
	for (i = 0; i < vm->vcpu_num; i++)
		if (vm->vcpu[i].regs_set)
			rec->u.vm.regs_set |= BIT(i);
	if (vm->vcpu[0].regs_set)
		rec->u.vm.bsp_regs = vm->vcpu[0].regs;
}

/* Bind @e to @vm (slot @vmid) and queue ATTACH; hvsim_vms_lock held. */
static void hvsim_engine_bind(struct hvsim_engine *e, struct hvsim_vm *vm,
			      u16 vmid)
{
	struct hvsim_engine_record rec = { .type = HVSIM_REC_ATTACH };

	lockdep_assert_held(&hvsim_vms_lock);
	e->vmid = vmid;
	e->bound = true;
	vm->engine = e;
	hvsim_engine_describe(vm, &rec);
	hvsim_engine_queue(e, &rec, true);
	hvsim_event(vm, "engine_attach");
}

/*
 * Detach @e from its VM, with hvsim_vms_lock held: the VM is served by
 * no engine from now on, and the claim's reader sees the end once it
 * has read what is queued.
 */
static void hvsim_engine_detach(struct hvsim_engine *e, const char *why)
{
	struct hvsim_vm *vm = &hvsim_vms[e->vmid];

	lockdep_assert_held(&hvsim_vms_lock);
	if (e->armed) {
		list_del_init(&e->node);
		e->armed = false;
	}
	if (e->bound) {
		vm->engine = NULL;
		e->bound = false;
		hvsim_event(vm, "engine_detach reason=%s", why);
	}
	spin_lock(&e->lock);
	e->detached = true;
	spin_unlock(&e->lock);
	wake_up_all(&e->ackwq);
	wake_up_interruptible_poll(&e->rwq, EPOLLHUP);
}

/* Remove the claim's mappings of [@gpa, @gpa + @size); 0 size: all. */
static void hvsim_engine_zap(struct hvsim_engine *e, u64 gpa, u64 size)
{
	down_write(&e->zap_sem);
	unmap_mapping_range(&e->mapping, gpa, size, 1);
	up_write(&e->zap_sem);
}

/**
 * hvsim_engine_vm_created() - a VM was created: an armed claim takes it
 * @vm:	  The VM, just created.
 * @vmid: Its slot.
 *
 * Context: Any context, with hvsim_vms_lock held.
 */
void hvsim_engine_vm_created(struct hvsim_vm *vm, u16 vmid)
{
	struct hvsim_engine *e;

	lockdep_assert_held(&hvsim_vms_lock);
	e = list_first_entry_or_null(&hvsim_engine_armed, struct hvsim_engine,
				     node);
	if (!e)
		return;
	list_del_init(&e->node);
	e->armed = false;
	hvsim_engine_bind(e, vm, vmid);
}

/**
 * hvsim_engine_record() - tell the VM's engine, if any, about an event
 * @vm:	 The VM.
 * @rec: The record: @rec->type and the payload; the rest is filled in.
 *
 * For records no hypercall waits for: START, EPT changes, interrupts.
 *
 * Context: Any context, with hvsim_vms_lock held.
 */
void hvsim_engine_record(struct hvsim_vm *vm, struct hvsim_engine_record *rec)
{
	lockdep_assert_held(&hvsim_vms_lock);
	if (!vm->engine)
		return;
	if (rec->type == HVSIM_REC_START)
		hvsim_engine_describe(vm, rec);
	hvsim_engine_queue(vm->engine, rec,
			   rec->type <= HVSIM_REC_DESTROY);
}

/**
 * hvsim_engine_step() - queue a life-cycle record the hypercall waits for
 * @vm:	  The VM, whose PAUSE_VM, RESET_VM or DESTROY_VM was accepted.
 * @type: HVSIM_REC_PAUSE, HVSIM_REC_RESET or HVSIM_REC_DESTROY.
 * @wait: Filled in for hvsim_engine_wait(), which the caller must call
 *	  once it has dropped hvsim_vms_lock if this returns true.
 *
 * DESTROY is the claim's last record: the VM is detached from it here.
 *
 * Context: Any context, with hvsim_vms_lock held.
 * Return: true if an engine serves the VM.
 */
bool hvsim_engine_step(struct hvsim_vm *vm, u16 type,
		       struct hvsim_engine_wait *wait)
{
	struct hvsim_engine_record rec = {
		.type = type,
		.flags = HVSIM_REC_ACK,
	};
	struct hvsim_engine *e = vm->engine;

	lockdep_assert_held(&hvsim_vms_lock);
	if (!e)
		return false;
	kref_get(&e->ref);
	wait->engine = e;
	wait->seq = hvsim_engine_queue(e, &rec, true);
	wait->destroy = type == HVSIM_REC_DESTROY;
	if (wait->destroy)
		hvsim_engine_detach(e, "destroy");
	return true;
}

/* The engine acknowledged @seq, or can no longer. */
static bool hvsim_engine_acked(struct hvsim_engine *e, u64 seq, bool destroy)
{
	unsigned long flags;
	bool done;

	spin_lock_irqsave(&e->lock, flags);
	done = e->acked_seq >= seq || (!destroy && e->detached) ||
	       !e->file;
	spin_unlock_irqrestore(&e->lock, flags);
	return done;
}

/**
 * hvsim_engine_wait() - wait for the engine to stop the VM's vCPUs
 * @wait: What hvsim_engine_step() filled in.
 *
 * Waits until the engine acknowledges the record, its claim ends, or
 * engine_ack_ms pass. An engine that does not answer in time loses the
 * VM: the claim is detached and its mappings removed. After DESTROY_VM
 * the claim's mappings are removed in any case, before the hypercall
 * returns and the HSM unpins the guest's memory.
 *
 * Context: Process context, no lock held; sleeps.
 */
void hvsim_engine_wait(struct hvsim_engine_wait *wait)
{
	struct hvsim_engine *e = wait->engine;
	unsigned long flags;
	long left;

	might_sleep();
	left = wait_event_timeout(e->ackwq,
				  hvsim_engine_acked(e, wait->seq, wait->destroy),
				  msecs_to_jiffies(READ_ONCE(hvsim_engine_ack_ms)));
	if (!left) {
		pr_warn_ratelimited("VM %u: engine did not ack record %llu in %u ms: claim revoked\n",
				    e->vmid, wait->seq,
				    READ_ONCE(hvsim_engine_ack_ms));
		spin_lock_irqsave(&hvsim_vms_lock, flags);
		hvsim_engine_detach(e, "timeout");
		spin_unlock_irqrestore(&hvsim_vms_lock, flags);
	}
	if (!left || wait->destroy)
		hvsim_engine_zap(e, 0, 0);
	hvsim_engine_put(e);
}

/**
 * hvsim_engine_ept_changed() - an op of SET_MEMORY_REGIONS was applied
 * @vm:	  The VM; its EPT is @ept.
 * @ept:  The EPT the op changed: nothing is recorded if the VM no longer
 *	  has it (destroyed meanwhile).
 * @rec:  HVSIM_REC_EPT_MAP or HVSIM_REC_EPT_UNMAP, its payload set.
 *
 * For a delete, the claim's mappings of the range are removed before
 * this returns, so the engine cannot reach a page the HSM may unpin once
 * the hypercall returns.
 *
 * Context: Process context (SET_MEMORY_REGIONS), no spinlock held.
 */
void hvsim_engine_ept_changed(struct hvsim_vm *vm, struct hvsim_ept *ept,
			      struct hvsim_engine_record *rec)
{
	struct hvsim_engine *e = NULL;
	unsigned long flags;

	spin_lock_irqsave(&hvsim_vms_lock, flags);
	if (vm->engine && vm->ept == ept) {
		e = vm->engine;
		hvsim_engine_queue(e, rec, false);
		kref_get(&e->ref);
	}
	spin_unlock_irqrestore(&hvsim_vms_lock, flags);
	if (!e)
		return;
	if (rec->type == HVSIM_REC_EPT_UNMAP)
		hvsim_engine_zap(e, rec->u.ept.gpa, rec->u.ept.size);
	hvsim_engine_put(e);
}

static ssize_t hvsim_engine_read(struct file *filp, char __user *buf,
				 size_t len, loff_t *ppos)
{
	struct hvsim_engine *e = filp->private_data;
	struct hvsim_engine_record rec;
	unsigned long flags;
	size_t done = 0;
	bool got, end;
	int ret;

	if (len < sizeof(rec))
		return -EINVAL;
	ret = mutex_lock_interruptible(&e->read_mutex);
	if (ret)
		return ret;
	while (done + sizeof(rec) <= len) {
		spin_lock_irqsave(&e->lock, flags);
		got = hvsim_ring_pop(&e->ring, e->vmid, &rec);
		end = e->detached;
		spin_unlock_irqrestore(&e->lock, flags);
		if (got) {
			if (copy_to_user(buf + done, &rec, sizeof(rec))) {
				ret = -EFAULT;
				break;
			}
			done += sizeof(rec);
			continue;
		}
		if (done || end)
			break;
		if (filp->f_flags & O_NONBLOCK) {
			ret = -EAGAIN;
			break;
		}
		ret = wait_event_interruptible(e->rwq,
					       READ_ONCE(e->detached) ||
					       READ_ONCE(e->ring.count) ||
					       READ_ONCE(e->ring.lost));
		if (ret)
			break;
	}
	mutex_unlock(&e->read_mutex);
	return done ?: ret;
}

static __poll_t hvsim_engine_poll(struct file *filp, poll_table *pt)
{
	struct hvsim_engine *e = filp->private_data;
	unsigned long flags;
	__poll_t mask = 0;

	poll_wait(filp, &e->rwq, pt);
	spin_lock_irqsave(&e->lock, flags);
	if (hvsim_ring_readable(&e->ring))
		mask |= EPOLLIN | EPOLLRDNORM;
	if (e->detached)
		mask |= EPOLLHUP;
	spin_unlock_irqrestore(&e->lock, flags);
	return mask;
}

static long hvsim_engine_ack(struct hvsim_engine *e, u64 __user *uarg)
{
	unsigned long flags;
	long ret = 0;
	u64 seq;

	if (get_user(seq, uarg))
		return -EFAULT;
	spin_lock_irqsave(&e->lock, flags);
	if (!seq || seq >= e->next_seq)
		ret = -EINVAL;
	else if (seq > e->acked_seq)
		e->acked_seq = seq;
	spin_unlock_irqrestore(&e->lock, flags);
	if (!ret)
		wake_up_all(&e->ackwq);
	return ret;
}

/* The VM slot of a bound claim, or 0 (under hvsim_vms_lock). */
static u16 hvsim_engine_vmid(struct hvsim_engine *e)
{
	unsigned long flags;
	u16 vmid;

	spin_lock_irqsave(&hvsim_vms_lock, flags);
	vmid = e->bound ? e->vmid : 0;
	spin_unlock_irqrestore(&hvsim_vms_lock, flags);
	return vmid;
}

static long hvsim_engine_io(struct hvsim_engine *e, void __user *uarg)
{
	struct hvsim_io io;
	u16 vmid;
	int ret;

	if (copy_from_user(&io, uarg, sizeof(io)))
		return -EFAULT;
	vmid = hvsim_engine_vmid(e);
	if (!vmid)
		return -ENOLINK;
	if (io.vmid && io.vmid != vmid)
		return -EINVAL;
	io.vmid = vmid;
	ret = hvsim_guest_io(&io, &hvsim_upcall, false, NULL);
	if (ret)
		return ret;
	return copy_to_user(uarg, &io, sizeof(io)) ? -EFAULT : 0;
}

static long hvsim_engine_get_range(struct hvsim_engine *e, void __user *uarg)
{
	struct hvsim_engine_range range;
	unsigned long flags;
	int ret = -ENOLINK;

	if (copy_from_user(&range, uarg, sizeof(range)))
		return -EFAULT;
	if (range.reserved)
		return -EINVAL;
	spin_lock_irqsave(&hvsim_vms_lock, flags);
	if (e->bound)
		ret = hvsim_ept_next_range(&hvsim_vms[e->vmid], &range);
	spin_unlock_irqrestore(&hvsim_vms_lock, flags);
	if (ret)
		return ret;
	return copy_to_user(uarg, &range, sizeof(range)) ? -EFAULT : 0;
}

static long hvsim_engine_ioctl(struct file *filp, unsigned int cmd,
			       unsigned long arg)
{
	struct hvsim_engine *e = filp->private_data;
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case HVSIM_ENGINE_ACK:
		return hvsim_engine_ack(e, uarg);
	case HVSIM_ENGINE_IO:
		return hvsim_engine_io(e, uarg);
	case HVSIM_ENGINE_GET_RANGE:
		return hvsim_engine_get_range(e, uarg);
	default:
		return -ENOTTY;
	}
}

/*
 * A page of the mapping: the guest page at the same guest physical
 * address, if the EPT maps it to RAM (pfn_valid(): the device model's
 * memory, or device memory like the simulator's own) with the access
 * asked for; mapped cached, whatever the EPT's memory type. PFN
 * mappings, so that the guest's pages (the device model's own memory,
 * pinned by the HSM) get no other user: their refcounts and rmaps are
 * left alone, and only the zaps end the mapping.
 */
static vm_fault_t hvsim_engine_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct hvsim_engine *e = vma->vm_file->private_data;
	bool write = vmf->flags & FAULT_FLAG_WRITE;
	vm_fault_t ret = VM_FAULT_SIGBUS;
	unsigned long flags;
	pgprot_t prot;
	u32 attr = 0;
	u64 hpa = 0;
	int found = -ENXIO;

	down_read(&e->zap_sem);
	spin_lock_irqsave(&hvsim_vms_lock, flags);
	if (e->bound)
		found = hvsim_ept_lookup(&hvsim_vms[e->vmid],
					 (u64)vmf->pgoff << PAGE_SHIFT,
					 &hpa, &attr);
	spin_unlock_irqrestore(&hvsim_vms_lock, flags);
	if (found || !(attr & ACRN_MEM_ACCESS_READ) ||
	    (write && !(attr & ACRN_MEM_ACCESS_WRITE)) ||
	    !pfn_valid(PHYS_PFN(hpa)))
		goto unlock;
	prot = vma->vm_page_prot;
	if (!(attr & ACRN_MEM_ACCESS_WRITE))
		prot = vm_get_page_prot(vma->vm_flags & ~VM_WRITE);
	ret = vmf_insert_pfn_prot(vma, vmf->address, PHYS_PFN(hpa), prot);
unlock:
	up_read(&e->zap_sem);
	return ret;
}

static const struct vm_operations_struct hvsim_engine_vm_ops = {
	.fault = hvsim_engine_fault,
};

static int hvsim_engine_mmap(struct file *filp, struct vm_area_struct *vma)
{
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	hsm_vm_flags_set(vma, VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_ops = &hvsim_engine_vm_ops;
	return 0;
}

static int hvsim_engine_file_release(struct inode *inode, struct file *filp)
{
	struct hvsim_engine *e = filp->private_data;
	unsigned long flags;

	/* No mapping is left: each holds the file. */
	spin_lock_irqsave(&hvsim_vms_lock, flags);
	hvsim_engine_detach(e, "close");
	spin_lock(&e->lock);
	e->file = NULL;
	spin_unlock(&e->lock);
	spin_unlock_irqrestore(&hvsim_vms_lock, flags);
	wake_up_all(&e->ackwq);
	hvsim_engine_put(e);
	return 0;
}

static const struct file_operations hvsim_engine_fops = {
	.owner		= THIS_MODULE,
	.read		= hvsim_engine_read,
	.poll		= hvsim_engine_poll,
	.unlocked_ioctl	= hvsim_engine_ioctl,
	.mmap		= hvsim_engine_mmap,
	.release	= hvsim_engine_file_release,
	.llseek		= noop_llseek,
};

static struct hvsim_engine *hvsim_engine_alloc(void)
{
	struct hvsim_engine *e;

	e = kzalloc(sizeof(*e), GFP_KERNEL);
	if (!e)
		return NULL;
	e->ring.size = HVSIM_RING_SIZE;
	e->ring.rec = kvcalloc(HVSIM_RING_SIZE, sizeof(*e->ring.rec),
			       GFP_KERNEL);
	if (!e->ring.rec) {
		kfree(e);
		return NULL;
	}
	kref_init(&e->ref);
	INIT_LIST_HEAD(&e->node);
	spin_lock_init(&e->lock);
	e->next_seq = 1;
	init_waitqueue_head(&e->rwq);
	init_waitqueue_head(&e->ackwq);
	mutex_init(&e->read_mutex);
	init_rwsem(&e->zap_sem);
	address_space_init_once(&e->mapping);
	return e;
}

/**
 * hvsim_engine_claim() - HVSIM_IOCTL_ENGINE_CLAIM
 * @req: The claim asked for.
 *
 * Context: Process context; sleeps.
 * Return: A new file descriptor, or -EINVAL, -ENOENT, -EBUSY, -ENOMEM or
 * another errno of file descriptor allocation.
 */
int hvsim_engine_claim(const struct hvsim_claim *req)
{
	struct hvsim_engine *e;
	struct file *file;
	unsigned long flags;
	struct hvsim_vm *vm;
	int fd, ret;

	if (req->reserved || (req->flags & ~HVSIM_CLAIM_NEXT))
		return -EINVAL;
	if (req->flags & HVSIM_CLAIM_NEXT ? req->vmid :
	    !req->vmid || req->vmid >= hvsim_max_vms)
		return req->flags & HVSIM_CLAIM_NEXT ? -EINVAL : -ENOENT;

	e = hvsim_engine_alloc();
	if (!e)
		return -ENOMEM;
	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		ret = fd;
		goto put_engine;
	}
	file = anon_inode_getfile("acrn_hvsim-engine", &hvsim_engine_fops, e,
				  O_RDWR | O_CLOEXEC);
	if (IS_ERR(file)) {
		ret = PTR_ERR(file);
		goto put_fd;
	}
	/* Its own address space: the anon inode's is everyone's. */
	e->mapping.host = file_inode(file);
	e->mapping.a_ops = file->f_mapping->a_ops;
	file->f_mapping = &e->mapping;
	e->file = file;

	spin_lock_irqsave(&hvsim_vms_lock, flags);
	if (req->flags & HVSIM_CLAIM_NEXT) {
		e->armed = true;
		list_add_tail(&e->node, &hvsim_engine_armed);
		ret = 0;
	} else {
		vm = &hvsim_vms[req->vmid];
		if (vm->state == HVSIM_VM_POWERED_OFF)
			ret = -ENOENT;
		else if (vm->engine)
			ret = -EBUSY;
		else
			ret = 0;
		if (!ret)
			hvsim_engine_bind(e, vm, req->vmid);
	}
	spin_unlock_irqrestore(&hvsim_vms_lock, flags);
	if (ret)
		goto put_file;

	fd_install(fd, file);
	return fd;

put_file:
	/* The release detaches nothing and drops the file's reference. */
	fput(file);
	put_unused_fd(fd);
	return ret;
put_fd:
	put_unused_fd(fd);
put_engine:
	hvsim_engine_put(e);
	return ret;
}
