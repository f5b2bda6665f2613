// SPDX-License-Identifier: GPL-2.0
/*
 * The simulated hypervisor's power management hypercalls: the P- and
 * C-states of the simulated board (HC_PM_GET_CPU_STATE), and the Service
 * VM giving up CPUs (HC_SOS_REMOVE_CPU).
 *
 * The board has px_states P-states and cx_states C-states (module
 * parameters), the same for every VM and vCPU, with made-up but
 * deterministic data (Documentation/simulator.rst).
 */

#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/cpumask.h>
#include <linux/lockdep.h>
#include <linux/moduleparam.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <kunit/visibility.h>
#include <asm/apicdef.h>
#include <asm/smp.h>

#include "hvsim.h"

#define HVSIM_PX_STATES_MAX	16
#define HVSIM_CX_STATES_MAX	8

unsigned int hvsim_px_states;
EXPORT_SYMBOL_IF_KUNIT(hvsim_px_states);
unsigned int hvsim_cx_states = 3;
EXPORT_SYMBOL_IF_KUNIT(hvsim_cx_states);

static int hvsim_px_states_set(const char *val, const struct kernel_param *kp)
{
	return param_set_uint_minmax(val, kp, 0, HVSIM_PX_STATES_MAX);
}

static int hvsim_cx_states_set(const char *val, const struct kernel_param *kp)
{
	return param_set_uint_minmax(val, kp, 0, HVSIM_CX_STATES_MAX);
}

static const struct kernel_param_ops hvsim_px_states_ops = {
	.set	= hvsim_px_states_set,
	.get	= param_get_uint,
};

static const struct kernel_param_ops hvsim_cx_states_ops = {
	.set	= hvsim_cx_states_set,
	.get	= param_get_uint,
};

module_param_cb(px_states, &hvsim_px_states_ops, &hvsim_px_states, 0644);
__MODULE_PARM_TYPE(px_states, "uint");
MODULE_PARM_DESC(px_states, "P-states PM_GET_CPU_STATE reports (0-16, default 0)");
module_param_cb(cx_states, &hvsim_cx_states_ops, &hvsim_cx_states, 0644);
__MODULE_PARM_TYPE(cx_states, "uint");
MODULE_PARM_DESC(cx_states, "C-states PM_GET_CPU_STATE reports (0-8, default 3)");

/* P-state @i of the simulated board. */
static void hvsim_pstate(unsigned int i, struct acrn_pstate_data *px)
{
	px->core_frequency = 2000 - 100 * i;
	px->power = 15000 - 1000 * i;
	px->transition_latency = 10;
	px->bus_master_latency = 10;
	px->control = 0x1400 - 0x100 * i;
	px->status = px->control;
}

/* C-state @i (from 1) of the simulated board, padding zeroed. */
static void hvsim_cstate(unsigned int i, struct acrn_cstate_data *cx)
{
	memset(cx, 0, sizeof(*cx));
	cx->cx_reg.space_id = 1;	/* SystemIO */
	cx->cx_reg.bit_width = 8;
	cx->cx_reg.bit_offset = 0;
	cx->cx_reg.access_size = 1;
	cx->cx_reg.address = 0x1814 + i;
	cx->type = i;
	cx->latency = 10 * i;
	cx->power = 1000 - 100 * i;
}

static long hvsim_vm_get_cpu_state(struct hvsim_vm *vm, u64 cmd, u64 result)
{
	unsigned int px = READ_ONCE(hvsim_px_states);
	unsigned int cx = READ_ONCE(hvsim_cx_states);
	u8 vcpu = cmd >> ACRN_PMCMD_VCPU_SHIFT;
	u8 idx = cmd >> ACRN_PMCMD_STATE_SHIFT;
	struct acrn_pstate_data pdata;
	struct acrn_cstate_data cdata;
	u8 count;

	lockdep_assert_held(&hvsim_vms_lock);
	if (vm->state != HVSIM_VM_CREATED && vm->state != HVSIM_VM_PAUSED)
		return ACRN_HV_REFUSED;
	if (vcpu >= vm->vcpu_num)
		return ACRN_HV_REFUSED;

	switch (cmd & PMCMD_TYPE_MASK) {
	case ACRN_PMCMD_GET_PX_CNT:
		if (!px)
			return ACRN_HV_REFUSED;
		count = px;
		if (hvsim_copy_to_gpa(result, &count, sizeof(count)))
			return -EINVAL;
		hvsim_event(vm, "pm px_cnt vcpu=%u", vcpu);
		return 0;
	case ACRN_PMCMD_GET_PX_DATA:
		if (idx >= px)
			return ACRN_HV_REFUSED;
		hvsim_pstate(idx, &pdata);
		if (hvsim_copy_to_gpa(result, &pdata, sizeof(pdata)))
			return -EINVAL;
		hvsim_event(vm, "pm px_data vcpu=%u index=%u", vcpu, idx);
		return 0;
	case ACRN_PMCMD_GET_CX_CNT:
		count = cx;
		if (hvsim_copy_to_gpa(result, &count, sizeof(count)))
			return -EINVAL;
		hvsim_event(vm, "pm cx_cnt vcpu=%u", vcpu);
		return 0;
	case ACRN_PMCMD_GET_CX_DATA:
		if (!idx || idx > cx)
			return ACRN_HV_REFUSED;
		hvsim_cstate(idx, &cdata);
		if (hvsim_copy_to_gpa(result, &cdata, sizeof(cdata)))
			return -EINVAL;
		hvsim_event(vm, "pm cx_data vcpu=%u index=%u", vcpu, idx);
		return 0;
	default:
		return ACRN_HV_REFUSED;
	}
}

/**
 * hvsim_hc_get_cpu_state() - HC_PM_GET_CPU_STATE handler
 * @param1: The command: relative vmid in bits 31:24, vCPU in 23:16,
 *	    state index in 15:8, ACRN_PMCMD_* type in 7:0. Bits 63:32 are
 *	    ignored, as on ACRN.
 * @param2: Physical address of the result: 1 byte for a count, a
 *	    &struct acrn_pstate_data or a &struct acrn_cstate_data.
 *
 * The target is the command's vmid, not the low bits of @param1. A count
 * is written as exactly one byte; the bytes after it are not touched.
 *
 * Context: Any context.
 * Return: 0; -1 unless the VM is created or paused, for a vCPU it does
 * not have, a state index it does not have, PX_CNT with no P-states, or
 * an unknown type; -EINVAL if the result is not RAM; -ENOTTY if the vmid
 * is not a User VM slot.
 */
long hvsim_hc_get_cpu_state(unsigned long param1, unsigned long param2)
{
	u8 vmid = param1 >> ACRN_PMCMD_VMID_SHIFT;
	unsigned long flags;
	long ret;

	if (!vmid || vmid >= hvsim_max_vms)
		return -ENOTTY;

	spin_lock_irqsave(&hvsim_vms_lock, flags);
	ret = hvsim_vm_get_cpu_state(&hvsim_vms[vmid], param1, param2);
	spin_unlock_irqrestore(&hvsim_vms_lock, flags);
	return ret;
}

/*
 * Linux CPUs the Service VM gave up (SOS_REMOVE_CPU) and has not brought
 * online since; protected by hvsim_vms_lock.
 */
static struct cpumask hvsim_cpus_given_up;

/* The CPU hotplug state of hvsim_pm_cpu_online(), 0 if not set up. */
static int hvsim_pm_cpuhp_state;

/**
 * hvsim_pm_cpu_online() - forget that a CPU was given up
 * @cpu: A CPU Linux brought online.
 *
 * On ACRN a CPU given to the hypervisor is gone; in the simulator Linux
 * may bring it back, after which it can be given up again.
 *
 * Context: Process context (a CPU hotplug callback).
 * Return: 0.
 */
VISIBLE_IF_KUNIT int hvsim_pm_cpu_online(unsigned int cpu)
{
	unsigned long flags;

	spin_lock_irqsave(&hvsim_vms_lock, flags);
	__cpumask_clear_cpu(cpu, &hvsim_cpus_given_up);
	spin_unlock_irqrestore(&hvsim_vms_lock, flags);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(hvsim_pm_cpu_online);

/* The possible CPU with local APIC id @lapic, or nr_cpu_ids. */
static unsigned int hvsim_cpu_of_lapic(unsigned long lapic)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu)
		if (cpu_physical_id(cpu) != BAD_APICID &&
		    cpu_physical_id(cpu) == lapic)
			return cpu;
	return nr_cpu_ids;
}

/**
 * hvsim_hc_sos_remove_cpu() - HC_SOS_REMOVE_CPU handler
 * @param1: Local APIC id of the Service VM CPU to give up.
 * @param2: Unused.
 *
 * The CPU must be offline in Linux (the real hypervisor would take it
 * away from under the Service VM; the simulator insists that the HSM
 * offlined it first). Giving up a CPU records an event in slot 0, the
 * Service VM's.
 *
 * Context: Any context.
 * Return: 0, also when no CPU has that id or the CPU was already given
 * up (nothing is recorded then); -1 for CPU 0 (the bootstrap CPU) or a
 * CPU that is online.
 */
long hvsim_hc_sos_remove_cpu(unsigned long param1, unsigned long param2)
{
	unsigned int cpu = hvsim_cpu_of_lapic(param1);
	unsigned long flags;

	if (cpu >= nr_cpu_ids)
		return 0;
	if (!cpu || cpu_online(cpu))
		return ACRN_HV_REFUSED;

	spin_lock_irqsave(&hvsim_vms_lock, flags);
	if (!cpumask_test_cpu(cpu, &hvsim_cpus_given_up)) {
		__cpumask_set_cpu(cpu, &hvsim_cpus_given_up);
		hvsim_event(&hvsim_vms[0], "offline_cpu lapic=%u cpu=%u",
			    (unsigned int)cpu_physical_id(cpu), cpu);
	}
	spin_unlock_irqrestore(&hvsim_vms_lock, flags);
	return 0;
}

/**
 * hvsim_pm_init() - start following CPUs coming online
 *
 * Every CPU online now is not given up.
 *
 * Context: Process context (module init); sleeps.
 * Return: 0 or a negative errno.
 */
int hvsim_pm_init(void)
{
	int ret;

	ret = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "acrn_hvsim:online",
				hvsim_pm_cpu_online, NULL);
	if (ret < 0)
		return ret;
	hvsim_pm_cpuhp_state = ret;
	return 0;
}

/**
 * hvsim_pm_exit() - stop following CPUs
 *
 * Context: Process context (module exit); sleeps.
 */
void hvsim_pm_exit(void)
{
	if (hvsim_pm_cpuhp_state > 0)
		cpuhp_remove_state_nocalls(hvsim_pm_cpuhp_state);
	hvsim_pm_cpuhp_state = 0;
}
