// SPDX-License-Identifier: GPL-2.0
/*
 * ACRN Hypervisor Service Module: /dev/acrn_hsm and ioctl routing.
 *
 * Each open file manages at most one VM at a time. Handlers here only
 * copy arguments and route; the logic lives in the file that owns it.
 */

#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/notifier.h>
#include <linux/rwsem.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "acrn_drv.h"

/**
 * struct hsm_file - state of one open /dev/acrn_hsm
 * @lock: Taken for writing by the ioctls that create or destroy @vm and
 *	  for reading by every other VM ioctl, so no ioctl ever sees a VM
 *	  being torn down and lifecycle changes never overlap.
 * @vm:	  The file's VM, or NULL before CREATE_VM and after DESTROY_VM.
 * @hv:	  Backend reference held while the file is open.
 */
struct hsm_file {
	struct rw_semaphore		lock;
	struct acrn_vm			*vm;
	const struct acrn_hv_backend	*hv;
};

static long hsm_create_vm(struct hsm_file *f, void __user *uarg)
{
	struct acrn_vm_creation param;
	struct acrn_vm *vm;
	long ret = 0;

	if (copy_from_user(&param, uarg, sizeof(param)))
		return -EFAULT;

	down_write(&f->lock);
	if (f->vm) {
		ret = -EEXIST;
		goto unlock;
	}
	vm = acrn_vm_create(&param);
	if (IS_ERR(vm)) {
		ret = PTR_ERR(vm);
		goto unlock;
	}
	if (copy_to_user(uarg, &param, sizeof(param))) {
		acrn_vm_release(vm);
		ret = -EFAULT;
		goto unlock;
	}
	f->vm = vm;
unlock:
	up_write(&f->lock);
	return ret;
}

static long hsm_destroy_vm(struct hsm_file *f)
{
	long ret;

	down_write(&f->lock);
	if (!f->vm) {
		ret = -EINVAL;
	} else {
		ret = acrn_vm_destroy(f->vm);
		if (!ret)
			f->vm = NULL;
	}
	up_write(&f->lock);
	return ret;
}

static long hsm_start_vm(struct acrn_vm *vm, unsigned long arg)
{
	return acrn_vm_start(vm);
}

static long hsm_pause_vm(struct acrn_vm *vm, unsigned long arg)
{
	return acrn_vm_pause(vm);
}

static long hsm_reset_vm(struct acrn_vm *vm, unsigned long arg)
{
	return acrn_vm_reset(vm);
}

static long hsm_set_vcpu_regs(struct acrn_vm *vm, unsigned long arg)
{
	struct acrn_vcpu_regs regs;

	if (copy_from_user(&regs, (void __user *)arg, sizeof(regs)))
		return -EFAULT;
	return acrn_vm_set_vcpu_regs(vm, &regs);
}

static long hsm_set_memseg(struct acrn_vm *vm, unsigned long arg)
{
	struct acrn_vm_memmap m;

	if (copy_from_user(&m, (void __user *)arg, sizeof(m)))
		return -EFAULT;
	return acrn_mm_memseg_set(vm, &m);
}

static long hsm_unset_memseg(struct acrn_vm *vm, unsigned long arg)
{
	struct acrn_vm_memmap m;

	if (copy_from_user(&m, (void __user *)arg, sizeof(m)))
		return -EFAULT;
	return acrn_mm_memseg_unset(vm, &m);
}

static long hsm_inject_msi(struct acrn_vm *vm, unsigned long arg)
{
	struct acrn_msi_entry msi;

	if (copy_from_user(&msi, (void __user *)arg, sizeof(msi)))
		return -EFAULT;
	return acrn_msi_inject(vm, msi.msi_addr, msi.msi_data);
}

/* The argument is the user address of the page itself. */
static long hsm_vm_intr_monitor(struct acrn_vm *vm, unsigned long arg)
{
	return acrn_vm_intr_monitor(vm, arg);
}

/* The argument is the value itself: gsi in bits 31:0, operation in 63:32. */
static long hsm_set_irqline(struct acrn_vm *vm, unsigned long arg)
{
	return acrn_vm_set_irqline(vm, arg);
}

static long hsm_ptdev_intr(struct acrn_vm *vm, unsigned long arg, bool set)
{
	struct acrn_ptdev_irq irq;

	if (copy_from_user(&irq, (void __user *)arg, sizeof(irq)))
		return -EFAULT;
	return acrn_vm_ptdev_intr(vm, &irq, set);
}

static long hsm_set_ptdev_intr(struct acrn_vm *vm, unsigned long arg)
{
	return hsm_ptdev_intr(vm, arg, true);
}

static long hsm_reset_ptdev_intr(struct acrn_vm *vm, unsigned long arg)
{
	return hsm_ptdev_intr(vm, arg, false);
}

static long hsm_pcidev(struct acrn_vm *vm, unsigned long arg, bool assign)
{
	struct acrn_pcidev dev;

	if (copy_from_user(&dev, (void __user *)arg, sizeof(dev)))
		return -EFAULT;
	return acrn_vm_pcidev(vm, &dev, assign);
}

static long hsm_assign_pcidev(struct acrn_vm *vm, unsigned long arg)
{
	return hsm_pcidev(vm, arg, true);
}

static long hsm_deassign_pcidev(struct acrn_vm *vm, unsigned long arg)
{
	return hsm_pcidev(vm, arg, false);
}

static long hsm_mmiodev(struct acrn_vm *vm, unsigned long arg, bool assign)
{
	struct acrn_mmiodev dev;

	if (copy_from_user(&dev, (void __user *)arg, sizeof(dev)))
		return -EFAULT;
	return acrn_vm_mmiodev(vm, &dev, assign);
}

static long hsm_assign_mmiodev(struct acrn_vm *vm, unsigned long arg)
{
	return hsm_mmiodev(vm, arg, true);
}

static long hsm_deassign_mmiodev(struct acrn_vm *vm, unsigned long arg)
{
	return hsm_mmiodev(vm, arg, false);
}

static long hsm_vdev(struct acrn_vm *vm, unsigned long arg, bool create)
{
	struct acrn_vdev vdev;

	if (copy_from_user(&vdev, (void __user *)arg, sizeof(vdev)))
		return -EFAULT;
	return acrn_vm_vdev(vm, &vdev, create);
}

static long hsm_create_vdev(struct acrn_vm *vm, unsigned long arg)
{
	return hsm_vdev(vm, arg, true);
}

static long hsm_destroy_vdev(struct acrn_vm *vm, unsigned long arg)
{
	return hsm_vdev(vm, arg, false);
}

/*
 * The argument points at the u64 command; the answer overwrites it, with
 * as many bytes as the sub-command defines (8, 32 or 48), even though
 * the ioctl number declares 8 (as upstream).
 */
static long hsm_pm_get_cpu_state(struct acrn_vm *vm, unsigned long arg)
{
	void __user *uarg = (void __user *)arg;
	union acrn_pm_result res;
	u64 cmd;
	int len;

	if (copy_from_user(&cmd, uarg, sizeof(cmd)))
		return -EFAULT;
	len = acrn_vm_get_cpu_state(vm, cmd, &res);
	if (len < 0)
		return len;
	return copy_to_user(uarg, &res, len) ? -EFAULT : 0;
}

static long hsm_ioeventfd(struct acrn_vm *vm, unsigned long arg)
{
	struct acrn_ioeventfd args;

	if (copy_from_user(&args, (void __user *)arg, sizeof(args)))
		return -EFAULT;
	return acrn_ioeventfd_config(vm, &args);
}

static long hsm_irqfd(struct acrn_vm *vm, unsigned long arg)
{
	struct acrn_irqfd args;

	if (copy_from_user(&args, (void __user *)arg, sizeof(args)))
		return -EFAULT;
	return acrn_irqfd_config(vm, &args);
}

static long hsm_create_ioreq_client(struct acrn_vm *vm, unsigned long arg)
{
	return acrn_ioreq_default_client_create(vm);
}

static long hsm_destroy_ioreq_client(struct acrn_vm *vm, unsigned long arg)
{
	return acrn_ioreq_default_client_destroy(vm);
}

static long hsm_notify_request_finish(struct acrn_vm *vm, unsigned long arg)
{
	struct acrn_ioreq_notify notify;

	if (copy_from_user(&notify, (void __user *)arg, sizeof(notify)))
		return -EFAULT;
	return acrn_ioreq_notify(vm, &notify);
}

static long hsm_clear_vm_ioreq(struct acrn_vm *vm, unsigned long arg)
{
	acrn_ioreq_clear(vm);
	return 0;
}

/*
 * ATTACH sleeps until the device model has requests. It holds the client,
 * not the file lock, while it sleeps, so DESTROY_IOREQ_CLIENT and
 * DESTROY_VM from other threads go ahead and wake it with -ENODEV.
 */
static long hsm_attach_ioreq_client(struct hsm_file *f)
{
	struct acrn_ioreq_client *client;
	long ret;

	down_read(&f->lock);
	client = f->vm ? acrn_ioreq_default_client_get(f->vm) : ERR_PTR(-EINVAL);
	up_read(&f->lock);
	if (IS_ERR(client))
		return PTR_ERR(client);

	ret = acrn_ioreq_client_wait(client);
	acrn_ioreq_client_put(client);
	return ret;
}

/**
 * struct hsm_ioctl - an ioctl of <linux/acrn.h>
 * @cmd:   The ioctl number.
 * @fn:	   Handler of an ioctl acting on the file's existing VM, called
 *	   under the file lock held for reading; NULL for the three ioctls
 *	   hsm_ioctl() hands the file itself (CREATE_VM, DESTROY_VM,
 *	   ATTACH_IOREQ_CLIENT).
 * @query: The ioctl changes nothing, in the kernel or in the hypervisor,
 *	   and may be issued on a file opened without write access. Every
 *	   other ioctl needs FMODE_WRITE: handing someone a read-only
 *	   descriptor must not hand over control of a VM.
 */
struct hsm_ioctl {
	unsigned int	cmd;
	long		(*fn)(struct acrn_vm *vm, unsigned long arg);
	bool		query;
};

static const struct hsm_ioctl hsm_ioctls[] = {
	{ ACRN_IOCTL_CREATE_VM,		NULL },
	{ ACRN_IOCTL_DESTROY_VM,	NULL },
	{ ACRN_IOCTL_ATTACH_IOREQ_CLIENT, NULL },
	{ ACRN_IOCTL_START_VM,		hsm_start_vm },
	{ ACRN_IOCTL_PAUSE_VM,		hsm_pause_vm },
	{ ACRN_IOCTL_RESET_VM,		hsm_reset_vm },
	{ ACRN_IOCTL_SET_VCPU_REGS,	hsm_set_vcpu_regs },
	{ ACRN_IOCTL_INJECT_MSI,	hsm_inject_msi },
	{ ACRN_IOCTL_VM_INTR_MONITOR,	hsm_vm_intr_monitor },
	{ ACRN_IOCTL_SET_IRQLINE,	hsm_set_irqline },
	{ ACRN_IOCTL_SET_MEMSEG,	hsm_set_memseg },
	{ ACRN_IOCTL_UNSET_MEMSEG,	hsm_unset_memseg },
	{ ACRN_IOCTL_CREATE_IOREQ_CLIENT, hsm_create_ioreq_client },
	{ ACRN_IOCTL_DESTROY_IOREQ_CLIENT, hsm_destroy_ioreq_client },
	{ ACRN_IOCTL_NOTIFY_REQUEST_FINISH, hsm_notify_request_finish },
	{ ACRN_IOCTL_CLEAR_VM_IOREQ,	hsm_clear_vm_ioreq },
	{ ACRN_IOCTL_SET_PTDEV_INTR,	hsm_set_ptdev_intr },
	{ ACRN_IOCTL_RESET_PTDEV_INTR,	hsm_reset_ptdev_intr },
	{ ACRN_IOCTL_ASSIGN_PCIDEV,	hsm_assign_pcidev },
	{ ACRN_IOCTL_DEASSIGN_PCIDEV,	hsm_deassign_pcidev },
	{ ACRN_IOCTL_ASSIGN_MMIODEV,	hsm_assign_mmiodev },
	{ ACRN_IOCTL_DEASSIGN_MMIODEV,	hsm_deassign_mmiodev },
	{ ACRN_IOCTL_CREATE_VDEV,	hsm_create_vdev },
	{ ACRN_IOCTL_DESTROY_VDEV,	hsm_destroy_vdev },
	{ ACRN_IOCTL_PM_GET_CPU_STATE,	hsm_pm_get_cpu_state, true },
	{ ACRN_IOCTL_IOEVENTFD,		hsm_ioeventfd },
	{ ACRN_IOCTL_IRQFD,		hsm_irqfd },
};

static long hsm_ioctl(struct file *filp, unsigned int cmd, unsigned long arg)
{
	struct hsm_file *f = filp->private_data;
	const struct hsm_ioctl *op = NULL;
	long ret;
	int i;

	for (i = 0; i < ARRAY_SIZE(hsm_ioctls); i++) {
		if (hsm_ioctls[i].cmd == cmd) {
			op = &hsm_ioctls[i];
			break;
		}
	}
	if (!op)
		return -ENOTTY;
	/* As write(2) on a file opened read-only. */
	if (!op->query && !(filp->f_mode & FMODE_WRITE))
		return -EBADF;

	switch (cmd) {
	case ACRN_IOCTL_CREATE_VM:
		return hsm_create_vm(f, (void __user *)arg);
	case ACRN_IOCTL_DESTROY_VM:
		return hsm_destroy_vm(f);
	case ACRN_IOCTL_ATTACH_IOREQ_CLIENT:
		return hsm_attach_ioreq_client(f);
	}

	down_read(&f->lock);
	ret = f->vm ? op->fn(f->vm, arg) : -EINVAL;
	up_read(&f->lock);
	return ret;
}

static int hsm_open(struct inode *inode, struct file *filp)
{
	struct hsm_file *f;

	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return -ENOMEM;

	f->hv = acrn_hv_get();
	if (IS_ERR(f->hv)) {
		int ret = PTR_ERR(f->hv);

		kfree(f);
		return ret;
	}
	init_rwsem(&f->lock);
	filp->private_data = f;

	return 0;
}

static int hsm_release(struct inode *inode, struct file *filp)
{
	struct hsm_file *f = filp->private_data;

	if (f->vm)
		acrn_vm_release(f->vm);
	acrn_hv_put(f->hv);
	kfree(f);

	return 0;
}

static const struct file_operations hsm_fops = {
	.owner		= THIS_MODULE,
	.open		= hsm_open,
	.release	= hsm_release,
	.unlocked_ioctl	= hsm_ioctl,
	.llseek		= noop_llseek,
};

/**
 * acrn_vm_file_call() - run a function on the VM of an open /dev/acrn_hsm
 * @filp: The file; the caller holds a reference to it (fget()).
 * @fn:	  Called with the file's VM.
 * @arg:  Passed to @fn.
 *
 * For modules that act on a VM which a device model names by its file
 * descriptor (the test module, acrn_hsm_test.ko). @fn runs as an ioctl of
 * @filp would: the VM is neither created nor destroyed meanwhile. The
 * pointer is valid only until @fn returns; whoever keeps something
 * attached to the VM beyond that (an in-kernel client) must drop it when
 * the VM is torn down (acrn_vm_notifier_register()).
 *
 * Context: Process context; @fn runs with the file's lock held for
 * reading and may sleep.
 * Return: What @fn returned, -EBADF if @filp is not a /dev/acrn_hsm file,
 * or -ENOENT if it has no VM.
 */
int acrn_vm_file_call(struct file *filp,
		      int (*fn)(struct acrn_vm *vm, void *arg), void *arg)
{
	struct hsm_file *f;
	int ret = -ENOENT;

	if (filp->f_op != &hsm_fops)
		return -EBADF;
	f = filp->private_data;
	down_read(&f->lock);
	if (f->vm)
		ret = fn(f->vm, arg);
	up_read(&f->lock);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(acrn_vm_file_call, ACRN_HSM_NS);

/* Called as each VM is torn down; see acrn_vm_notifier_register(). */
static BLOCKING_NOTIFIER_HEAD(acrn_vm_notifier);

/**
 * acrn_vm_notifier_register() - be told when VMs are torn down
 * @nb: The notifier. Its callback gets ACRN_VM_TEARDOWN and the struct
 *	acrn_vm, in process context, once the VM's requests are no longer
 *	dispatched and before its remaining in-kernel clients are destroyed:
 *	the callback destroys the clients it created on that VM and forgets
 *	the VM.
 *
 * Context: Process context.
 * Return: 0 (blocking_notifier_chain_register()).
 */
int acrn_vm_notifier_register(struct notifier_block *nb)
{
	return blocking_notifier_chain_register(&acrn_vm_notifier, nb);
}
EXPORT_SYMBOL_NS_GPL(acrn_vm_notifier_register, ACRN_HSM_NS);

/**
 * acrn_vm_notifier_unregister() - stop being told about VM teardowns
 * @nb: A notifier passed to acrn_vm_notifier_register().
 *
 * Waits for a callback in progress to return.
 *
 * Context: Process context; sleeps.
 * Return: 0, or -ENOENT if @nb was not registered.
 */
int acrn_vm_notifier_unregister(struct notifier_block *nb)
{
	return blocking_notifier_chain_unregister(&acrn_vm_notifier, nb);
}
EXPORT_SYMBOL_NS_GPL(acrn_vm_notifier_unregister, ACRN_HSM_NS);

/**
 * acrn_vm_notify_teardown() - tell the notifiers a VM is going away
 * @vm: The VM, no longer dispatched.
 *
 * Context: Process context; sleeps.
 */
void acrn_vm_notify_teardown(struct acrn_vm *vm)
{
	blocking_notifier_call_chain(&acrn_vm_notifier, ACRN_VM_TEARDOWN, vm);
}

static struct miscdevice hsm_miscdev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "acrn_hsm",
	.fops	= &hsm_fops,
	.groups	= acrn_hsm_groups,
};

static int __init hsm_init(void)
{
	int ret;

	ret = acrn_ioreq_init();
	if (ret)
		return ret;

	ret = acrn_irqfd_init();
	if (ret)
		goto exit_ioreq;

	ret = acrn_hv_init();
	if (ret)
		goto exit_irqfd;

	acrn_debugfs_init();
	ret = misc_register(&hsm_miscdev);
	if (ret) {
		pr_err("cannot register /dev/acrn_hsm: %d\n", ret);
		goto exit_debugfs;
	}

	return 0;

exit_debugfs:
	acrn_debugfs_exit();
	acrn_hv_exit();
exit_irqfd:
	acrn_irqfd_exit();
exit_ioreq:
	acrn_ioreq_exit();
	return ret;
}

static void __exit hsm_exit(void)
{
	misc_deregister(&hsm_miscdev);
	acrn_vm_exit();
	acrn_debugfs_exit();
	acrn_hv_exit();
	acrn_irqfd_exit();
	acrn_ioreq_exit();
}

module_init(hsm_init);
module_exit(hsm_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ACRN Hypervisor Service Module");
