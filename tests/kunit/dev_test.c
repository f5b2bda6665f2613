// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the checks the HSM makes before it hands interrupt,
 * passthrough and power state requests to the hypervisor (intr.c,
 * ptdev.c, pm.c). Pure functions: no hypervisor and no module state, so
 * they behave the same before and after module_init.
 */

#include <kunit/test.h>
#include <linux/errno.h>

#include "../../acrn_drv.h"

struct irqline_case {
	const char *desc;
	u64 ops;
	int expect;
};

#define IRQLINE(gsi, op)	(((u64)(op) << 32) | (gsi))

static const struct irqline_case irqline_cases[] = {
	{ "set_high gsi 0", IRQLINE(0, ACRN_IRQLINE_SET_HIGH), 0 },
	{ "set_low gsi 4", IRQLINE(4, ACRN_IRQLINE_SET_LOW), 0 },
	{ "raising pulse gsi 47", IRQLINE(47, ACRN_IRQLINE_RAISING_PULSE), 0 },
	{ "falling pulse", IRQLINE(9, ACRN_IRQLINE_FALLING_PULSE), 0 },
	/* the GSI range is the hypervisor's to check */
	{ "gsi 48 passes", IRQLINE(48, ACRN_IRQLINE_SET_HIGH), 0 },
	{ "gsi all ones passes", IRQLINE(0xffffffff, 0), 0 },
	{ "op 4", IRQLINE(4, 4), -EINVAL },
	{ "op bit 63", IRQLINE(4, 0x80000000), -EINVAL },
	{ "op all ones", IRQLINE(0, 0xffffffff), -EINVAL },
};

KUNIT_ARRAY_PARAM_DESC(irqline, irqline_cases, desc);

static void dev_test_irqline(struct kunit *test)
{
	const struct irqline_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, acrn_irqline_check(c->ops), c->expect);
}

struct ptdev_case {
	const char *desc;
	u32 type;
	u32 is_pic_pin;
	int expect;
};

static const struct ptdev_case ptdev_cases[] = {
	{ "intx ioapic", ACRN_PTDEV_IRQ_INTX, 0, 0 },
	{ "intx pic", ACRN_PTDEV_IRQ_INTX, 1, 0 },
	{ "msi", ACRN_PTDEV_IRQ_MSI, 0, 0 },
	{ "msix", ACRN_PTDEV_IRQ_MSIX, 0, 0 },
	{ "type 3", 3, 0, -EINVAL },
	{ "type all ones", ~0U, 0, -EINVAL },
	{ "is_pic_pin 2", ACRN_PTDEV_IRQ_INTX, 2, -EINVAL },
	{ "is_pic_pin all ones", ACRN_PTDEV_IRQ_INTX, ~0U, -EINVAL },
};

KUNIT_ARRAY_PARAM_DESC(ptdev, ptdev_cases, desc);

static void dev_test_ptdev_irq(struct kunit *test)
{
	const struct ptdev_case *c = test->param_value;
	struct acrn_ptdev_irq irq = {
		.type = c->type,
		.virt_bdf = 0x18,
		.phys_bdf = 0x100,
		.intx = { .virt_pin = 0xffffffff, .phys_pin = 0xffffffff,
			  .is_pic_pin = c->is_pic_pin },
	};

	KUNIT_EXPECT_EQ(test, acrn_ptdev_irq_check(&irq), c->expect);
}

static void dev_test_pcidev(struct kunit *test)
{
	struct acrn_pcidev dev = { .virt_bdf = 0x18, .phys_bdf = 0x100 };
	unsigned int bit;

	KUNIT_EXPECT_EQ(test, acrn_pcidev_check(&dev), 0);
	dev.type = ACRN_PTDEV_QUIRK_ASSIGN;
	KUNIT_EXPECT_EQ(test, acrn_pcidev_check(&dev), 0);
	for (bit = 1; bit < 32; bit++) {
		dev.type = ACRN_PTDEV_QUIRK_ASSIGN | BIT(bit);
		KUNIT_EXPECT_EQ_MSG(test, acrn_pcidev_check(&dev), -EINVAL,
				    "type bit %u", bit);
	}
}

struct pm_case {
	const char *desc;
	u64 cmd;
	int expect;
};

/* The caller is VM 3 with 2 vCPUs. */
#define PM_VMID		3
#define PM_VCPUS	2
#define PMCMD(vmid, vcpu, idx, type)					\
	(((u64)(vmid) << 24) | ((vcpu) << 16) | ((idx) << 8) | (type))

static const struct pm_case pm_cases[] = {
	{ "px_cnt", PMCMD(PM_VMID, 0, 0, ACRN_PMCMD_GET_PX_CNT), 8 },
	{ "cx_cnt", PMCMD(PM_VMID, 1, 0, ACRN_PMCMD_GET_CX_CNT), 8 },
	{ "px_data", PMCMD(PM_VMID, 0, 5, ACRN_PMCMD_GET_PX_DATA), 48 },
	{ "cx_data", PMCMD(PM_VMID, 1, 255, ACRN_PMCMD_GET_CX_DATA), 32 },
	{ "unknown type 4", PMCMD(PM_VMID, 0, 0, 4), -EINVAL },
	{ "unknown type 0xff", PMCMD(PM_VMID, 0, 0, 0xff), -EINVAL },
	{ "another vm", PMCMD(PM_VMID + 1, 0, 0, ACRN_PMCMD_GET_CX_CNT),
	  -EINVAL },
	{ "vm 0", PMCMD(0, 0, 0, ACRN_PMCMD_GET_CX_CNT), -EINVAL },
	{ "vcpu past the last", PMCMD(PM_VMID, PM_VCPUS, 0,
				      ACRN_PMCMD_GET_CX_CNT), -EINVAL },
	{ "vcpu 255", PMCMD(PM_VMID, 255, 1, ACRN_PMCMD_GET_CX_DATA),
	  -EINVAL },
	{ "bit 32", BIT_ULL(32) | PMCMD(PM_VMID, 0, 0, ACRN_PMCMD_GET_CX_CNT),
	  -EINVAL },
	{ "bit 63", BIT_ULL(63) | PMCMD(PM_VMID, 0, 0, ACRN_PMCMD_GET_CX_CNT),
	  -EINVAL },
	/* 8-bit vmid field: 0x103 must not alias VM 3 */
	{ "vmid in bit 32", PMCMD(PM_VMID + 0x100, 0, 0,
				  ACRN_PMCMD_GET_CX_CNT), -EINVAL },
};

KUNIT_ARRAY_PARAM_DESC(pm, pm_cases, desc);

static void dev_test_pm_cmd(struct kunit *test)
{
	const struct pm_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, acrn_pm_cmd_len(c->cmd, PM_VMID, PM_VCPUS),
			c->expect);
}

static void dev_test_pm_sizes(struct kunit *test)
{
	/* What the union must hold, and the UAPI sizes the answers have. */
	KUNIT_EXPECT_EQ(test, sizeof(struct acrn_pstate_data), 48);
	KUNIT_EXPECT_EQ(test, sizeof(struct acrn_cstate_data), 32);
	KUNIT_EXPECT_EQ(test, sizeof(union acrn_pm_result), 48);
}

static struct kunit_case dev_test_cases[] = {
	KUNIT_CASE_PARAM(dev_test_irqline, irqline_gen_params),
	KUNIT_CASE_PARAM(dev_test_ptdev_irq, ptdev_gen_params),
	KUNIT_CASE(dev_test_pcidev),
	KUNIT_CASE_PARAM(dev_test_pm_cmd, pm_gen_params),
	KUNIT_CASE(dev_test_pm_sizes),
	{}
};

static struct kunit_suite dev_test_suite = {
	.name = "acrn_hsm_dev",
	.test_cases = dev_test_cases,
};

kunit_test_suite(dev_test_suite);
