// SPDX-License-Identifier: GPL-2.0
/*
 * acrn_hvsim: a software model of the ACRN hypervisor's side of the HSM
 * ABI, so that acrn_hsm.ko and device models run without ACRN.
 *
 * It exports one object, the backend acrn_hsm looks up when this module
 * goes live, and offers /dev/acrn_hvsim for tests and tools to inspect
 * the simulated hypervisor, inject faults, make the guests' vCPUs
 * access I/O and memory, and mmap() simulated device memory.
 */

#include <linux/bits.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/stddef.h>
#include <linux/uaccess.h>
#include <linux/uio.h>

#include "hvsim.h"

unsigned int hvsim_max_vms = 8;
EXPORT_SYMBOL_IF_KUNIT(hvsim_max_vms);
module_param_named(max_vms, hvsim_max_vms, uint, 0444);
MODULE_PARM_DESC(max_vms, "VM slots including the Service VM's (2-64, default 8)");

unsigned int hvsim_pcpus = 4;
module_param_named(pcpus, hvsim_pcpus, uint, 0444);
MODULE_PARM_DESC(pcpus, "Simulated physical CPUs (1-64, default 4)");

/**
 * hvsim_pcpu_mask() - physical CPUs a VM may run on
 *
 * Context: Any context.
 * Return: One bit per simulated physical CPU.
 */
u64 hvsim_pcpu_mask(void)
{
	return GENMASK_ULL(hvsim_pcpus - 1, 0);
}

static void hvsim_backend_set_upcall(acrn_upcall_fn handler)
{
	hvsim_upcall_set(&hvsim_upcall, handler);
}

static void hvsim_backend_clear_upcall(void)
{
	hvsim_upcall_clear(&hvsim_upcall);
}

const struct acrn_hv_backend acrn_hvsim_backend = {
	.name		= "simulated hypervisor",
	.owner		= THIS_MODULE,
	.hypercall	= hvsim_hypercall,
	.set_upcall	= hvsim_backend_set_upcall,
	.clear_upcall	= hvsim_backend_clear_upcall,
};
EXPORT_SYMBOL_GPL(acrn_hvsim_backend);

static long hvsim_ctl_get_info(void __user *uarg)
{
	struct hvsim_info info = {
		.api_version	= HVSIM_API_VERSION,
		.max_vms	= hvsim_max_vms,
		.pcpus		= hvsim_pcpus,
		.max_vcpus	= ACRN_IO_REQUEST_MAX,
		.pcpu_mask	= hvsim_pcpu_mask(),
	};

	return copy_to_user(uarg, &info, sizeof(info)) ? -EFAULT : 0;
}

static long hvsim_ctl_get_vm(void __user *uarg)
{
	struct hvsim_vm_info info;
	int ret;

	if (copy_from_user(&info, uarg, sizeof(info)))
		return -EFAULT;
	ret = hvsim_vm_get_info(&info);
	if (ret)
		return ret;
	return copy_to_user(uarg, &info, sizeof(info)) ? -EFAULT : 0;
}

static long hvsim_ctl_get_vcpu_regs(void __user *uarg)
{
	struct hvsim_vcpu_regs regs;
	int ret;

	if (copy_from_user(&regs, uarg, sizeof(regs)))
		return -EFAULT;
	ret = hvsim_vm_get_vcpu_regs(&regs);
	if (ret)
		return ret;
	return copy_to_user(uarg, &regs, sizeof(regs)) ? -EFAULT : 0;
}

static long hvsim_ctl_set_fault(void __user *uarg)
{
	struct hvsim_fault fault;

	if (copy_from_user(&fault, uarg, sizeof(fault)))
		return -EFAULT;
	return hvsim_fault_set(&fault);
}

static long hvsim_ctl_get_irqs_off(void __user *uarg)
{
	struct hvsim_irqs_off *out;
	long ret = 0;

	out = kzalloc(sizeof(*out), GFP_KERNEL);
	if (!out)
		return -ENOMEM;
	hvsim_irqs_off_get(out);
	if (copy_to_user(uarg, out, sizeof(*out)))
		ret = -EFAULT;
	kfree(out);
	return ret;
}

/* API version 1's GET_STATS: the hypercall counters and upcalls only. */
#define HVSIM_IOCTL_GET_STATS_V1					\
	_IOC(_IOC_READ, HVSIM_IOCTL_TYPE, 0xE5,				\
	     offsetof(struct hvsim_stats, io_requests))

static long hvsim_ctl_get_stats(void __user *uarg, size_t size)
{
	struct hvsim_stats *stats;
	long ret = 0;

	stats = kzalloc(sizeof(*stats), GFP_KERNEL);
	if (!stats)
		return -ENOMEM;
	hvsim_stats_get(stats);
	if (copy_to_user(uarg, stats, size))
		ret = -EFAULT;
	kfree(stats);

	return ret;
}

static long hvsim_ctl_guest_io(void __user *uarg)
{
	struct hvsim_io io;
	int ret;

	if (copy_from_user(&io, uarg, sizeof(io)))
		return -EFAULT;
	ret = hvsim_guest_io(&io, &hvsim_upcall, false, NULL);
	if (ret)
		return ret;
	return copy_to_user(uarg, &io, sizeof(io)) ? -EFAULT : 0;
}

static long hvsim_ctl_guest_loop(void __user *uarg)
{
	struct hvsim_io_loop loop;
	int ret;

	if (copy_from_user(&loop, uarg, sizeof(loop)))
		return -EFAULT;
	ret = hvsim_guest_loop(&loop, &hvsim_upcall);
	if (ret)
		return ret;
	return copy_to_user(uarg, &loop, sizeof(loop)) ? -EFAULT : 0;
}

static long hvsim_ctl_guest_mem(void __user *uarg)
{
	struct hvsim_mem mem;
	struct iov_iter iter;
	int ret;

	if (copy_from_user(&mem, uarg, sizeof(mem)))
		return -EFAULT;
	iov_iter_ubuf(&iter, mem.flags & HVSIM_MEM_WRITE ? ITER_SOURCE : ITER_DEST,
		      u64_to_user_ptr(mem.buf), mem.len);
	ret = hvsim_ept_mem(&mem, &iter);
	/* @done tells how far a failed access got. */
	if (copy_to_user(uarg, &mem, sizeof(mem)))
		return -EFAULT;
	return ret;
}

static long hvsim_ctl_get_ept(void __user *uarg)
{
	struct hvsim_ept_info info;
	int ret;

	if (copy_from_user(&info, uarg, sizeof(info)))
		return -EFAULT;
	ret = hvsim_ept_get_info(&info);
	if (ret)
		return ret;
	return copy_to_user(uarg, &info, sizeof(info)) ? -EFAULT : 0;
}

static long hvsim_ctl_engine_claim(void __user *uarg)
{
	struct hvsim_claim req;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	return hvsim_engine_claim(&req);
}

static long hvsim_ctl_get_events(void __user *uarg)
{
	struct hvsim_event *buf = NULL;
	struct hvsim_events req;
	long ret;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if (req.count > HVSIM_EVENTS_MAX)
		return -EINVAL;
	if (req.count) {
		buf = kvmalloc_array(req.count, sizeof(*buf), GFP_KERNEL);
		if (!buf)
			return -ENOMEM;
	}

	/* A snapshot under the lock, copied out without it. */
	ret = hvsim_events_get(&req, buf);
	if (!ret && req.count &&
	    copy_to_user(u64_to_user_ptr(req.buf), buf,
			 array_size(req.count, sizeof(*buf))))
		ret = -EFAULT;
	if (!ret && copy_to_user(uarg, &req, sizeof(req)))
		ret = -EFAULT;
	kvfree(buf);
	return ret;
}

/*
 * Queries work on any open file. Every other command injects faults or
 * plays the guest (its accesses reach the device model and guest memory)
 * and needs a file opened for writing: -EBADF otherwise, as write(2)
 * answers, for an unknown command too.
 */
static int hvsim_ctl_access(const struct file *filp, unsigned int cmd)
{
	switch (cmd) {
	case HVSIM_IOCTL_GET_INFO:
	case HVSIM_IOCTL_GET_VM:
	case HVSIM_IOCTL_GET_VCPU_REGS:
	case HVSIM_IOCTL_GET_STATS:
	case HVSIM_IOCTL_GET_STATS_V1:
	case HVSIM_IOCTL_GET_EPT:
	case HVSIM_IOCTL_GET_EVENTS:
	case HVSIM_IOCTL_GET_IRQS_OFF:
		return 0;
	default:
		return filp->f_mode & FMODE_WRITE ? 0 : -EBADF;
	}
}

static long hvsim_ctl_ioctl(struct file *filp, unsigned int cmd,
			    unsigned long arg)
{
	void __user *uarg = (void __user *)arg;
	int ret;

	ret = hvsim_ctl_access(filp, cmd);
	if (ret)
		return ret;

	switch (cmd) {
	case HVSIM_IOCTL_GET_INFO:
		return hvsim_ctl_get_info(uarg);
	case HVSIM_IOCTL_GET_VM:
		return hvsim_ctl_get_vm(uarg);
	case HVSIM_IOCTL_GET_VCPU_REGS:
		return hvsim_ctl_get_vcpu_regs(uarg);
	case HVSIM_IOCTL_SET_FAULT:
		return hvsim_ctl_set_fault(uarg);
	case HVSIM_IOCTL_CLEAR_FAULTS:
		hvsim_faults_clear();
		return 0;
	case HVSIM_IOCTL_GET_STATS:
		return hvsim_ctl_get_stats(uarg, sizeof(struct hvsim_stats));
	case HVSIM_IOCTL_GET_STATS_V1:
		return hvsim_ctl_get_stats(uarg, _IOC_SIZE(cmd));
	case HVSIM_IOCTL_GUEST_IO:
		return hvsim_ctl_guest_io(uarg);
	case HVSIM_IOCTL_GUEST_LOOP:
		return hvsim_ctl_guest_loop(uarg);
	case HVSIM_IOCTL_GUEST_MEM:
		return hvsim_ctl_guest_mem(uarg);
	case HVSIM_IOCTL_GET_EPT:
		return hvsim_ctl_get_ept(uarg);
	case HVSIM_IOCTL_GET_EVENTS:
		return hvsim_ctl_get_events(uarg);
	case HVSIM_IOCTL_GET_IRQS_OFF:
		return hvsim_ctl_get_irqs_off(uarg);
	case HVSIM_IOCTL_ENGINE_CLAIM:
		return hvsim_ctl_engine_claim(uarg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations hvsim_ctl_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= hvsim_ctl_ioctl,
	.mmap		= hvsim_devmem_mmap,
	.llseek		= noop_llseek,
};

static struct miscdevice hvsim_ctl_miscdev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "acrn_hvsim",
	.fops	= &hvsim_ctl_fops,
};

static int __init hvsim_init(void)
{
	int ret;

	if (hvsim_max_vms < 2 || hvsim_max_vms > HVSIM_MAX_VMS_LIMIT ||
	    !hvsim_pcpus || hvsim_pcpus > HVSIM_PCPUS_LIMIT) {
		pr_err("max_vms must be 2-%d and pcpus 1-%d\n",
		       HVSIM_MAX_VMS_LIMIT, HVSIM_PCPUS_LIMIT);
		return -EINVAL;
	}

	/* The VM table and its event logs, then the CPU hotplug callback. */
	ret = hvsim_vms_init();
	if (ret)
		return ret;

	ret = hvsim_pm_init();
	if (ret)
		goto exit_vms;

	ret = hvsim_devmem_init();
	if (ret)
		goto exit_pm;

	ret = misc_register(&hvsim_ctl_miscdev);
	if (ret)
		goto exit_devmem;

	pr_info("%u VM slots, %u physical CPUs\n", hvsim_max_vms, hvsim_pcpus);
	return 0;

exit_devmem:
	hvsim_devmem_exit();
exit_pm:
	hvsim_pm_exit();
exit_vms:
	hvsim_vms_exit();
	return ret;
}

static void __exit hvsim_exit(void)
{
	misc_deregister(&hvsim_ctl_miscdev);
	hvsim_upcall_clear(&hvsim_upcall);
	hvsim_devmem_exit();
	hvsim_pm_exit();
	hvsim_vms_exit();
}

module_init(hvsim_init);
module_exit(hvsim_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ACRN hypervisor simulator for the ACRN HSM");
