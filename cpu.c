// SPDX-License-Identifier: GPL-2.0
/*
 * Giving Service VM CPUs to the hypervisor: the remove_cpu attribute of
 * /dev/acrn_hsm's device. ACRN's launch scripts write a CPU number to it
 * to take that CPU away from Linux so the hypervisor can run User VM
 * vCPUs on it.
 *
 * The CPU goes offline in Linux first; only then may the hypervisor take
 * it. If the hypervisor refuses, a CPU that was online is brought back,
 * so a failed write leaves things as they were.
 */

#include <linux/cpu.h>
#include <linux/device.h>
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/sysfs.h>
#include <asm/smp.h>

#include "acrn_drv.h"

/* Serialises writers, so offline, hypercall and restore do not interleave. */
static DEFINE_MUTEX(acrn_cpu_lock);

/* Offline @cpu and hand it to the hypervisor @hv; the caller holds @hv. */
static int acrn_cpu_remove(const struct acrn_hv_backend *hv, unsigned int cpu)
{
	bool was_online;
	int ret;

	mutex_lock(&acrn_cpu_lock);
	was_online = cpu_online(cpu);
	if (was_online) {
		ret = remove_cpu(cpu);
		if (ret < 0)
			goto unlock;
	}

	ret = acrn_hv_errno(hcall_sos_remove_cpu(hv, cpu_physical_id(cpu)), -EBUSY);
	if (ret && was_online && add_cpu(cpu))
		pr_err("CPU %u: the hypervisor refused it and it cannot be brought back online\n",
		       cpu);
unlock:
	mutex_unlock(&acrn_cpu_lock);
	return ret;
}

static ssize_t remove_cpu_store(struct device *dev,
				struct device_attribute *attr,
				const char *buf, size_t count)
{
	const struct acrn_hv_backend *hv;
	unsigned int cpu;
	int ret;

	ret = kstrtouint(buf, 0, &cpu);
	if (ret)
		return ret;
	if (!cpu || cpu >= nr_cpu_ids || !cpu_possible(cpu) ||
	    !cpu_is_hotpluggable(cpu))
		return -EINVAL;

	hv = acrn_hv_get();
	if (IS_ERR(hv))
		return PTR_ERR(hv);
	ret = acrn_cpu_remove(hv, cpu);
	acrn_hv_put(hv);

	return ret ?: count;
}
static DEVICE_ATTR_WO(remove_cpu);

static struct attribute *acrn_cpu_attrs[] = {
	&dev_attr_remove_cpu.attr,
	NULL
};

static umode_t acrn_cpu_attr_visible(struct kobject *kobj,
				     struct attribute *attr, int n)
{
	return IS_ENABLED(CONFIG_HOTPLUG_CPU) ? attr->mode : 0;
}

static const struct attribute_group acrn_cpu_group = {
	.attrs		= acrn_cpu_attrs,
	.is_visible	= acrn_cpu_attr_visible,
};

/* Attribute groups of the misc device (hsm.c) */
const struct attribute_group *acrn_hsm_groups[] = {
	&acrn_cpu_group,
	NULL
};
