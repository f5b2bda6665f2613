// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of acrn_hsm's pure helpers: argument validation tables and
 * the hypervisor errno mapping. They use no module state (and run from
 * acrn_hsm_kunit.ko, after acrn_hsm's module_init, on every kernel).
 */

#include <kunit/test.h>
#include <linux/errno.h>
#include <linux/string.h>

#include "../../acrn_drv.h"

struct creation_case {
	const char *desc;
	u16 reserved0;
	u16 reserved1;
	u64 ioreq_buf;
	int expect;
};

static const struct creation_case creation_cases[] = {
	{ "valid",			0, 0, 0x7f0000001000ULL, 0 },
	{ "reserved0 set",		1, 0, 0x7f0000001000ULL, -EINVAL },
	{ "reserved1 set",		0, 0x8000, 0x7f0000001000ULL, -EINVAL },
	{ "ioreq_buf off by one",	0, 0, 0x7f0000001001ULL, -EINVAL },
	{ "ioreq_buf half a page in",	0, 0, 0x7f0000001800ULL, -EINVAL },
	/* Address 0 is aligned; pinning it fails later with -EFAULT. */
	{ "ioreq_buf zero",		0, 0, 0, 0 },
};

KUNIT_ARRAY_PARAM_DESC(creation, creation_cases, desc);

static void hsm_test_creation_check(struct kunit *test)
{
	const struct creation_case *c = test->param_value;
	struct acrn_vm_creation param = {
		.reserved0 = c->reserved0,
		.reserved1 = c->reserved1,
		.ioreq_buf = c->ioreq_buf,
		.vm_flag = ~0ULL,		/* passed through, never checked */
		.cpu_affinity = ~0ULL,
		.uuid = "any name",
	};

	KUNIT_EXPECT_EQ(test, acrn_vm_creation_check(&param), c->expect);
}

enum regs_field {
	REGS_NONE,
	REGS_VCPU_ID,
	REGS_RESERVED,
	REGS_RESERVED_32,
	REGS_RESERVED_64,
	REGS_GDT_RESERVED,
	REGS_IDT_RESERVED,
};

struct regs_case {
	const char *desc;
	enum regs_field field;
	unsigned int index;	/* element of the array field */
	u16 vcpu_id;
	int expect;
};

static const struct regs_case regs_cases[] = {
	{ "valid vcpu 0",		REGS_NONE, 0, 0, 0 },
	{ "valid last vcpu",		REGS_NONE, 0, 3, 0 },
	{ "vcpu == vcpu_num",		REGS_VCPU_ID, 0, 4, -EINVAL },
	{ "vcpu 65535",			REGS_VCPU_ID, 0, 0xffff, -EINVAL },
	{ "reserved[0]",		REGS_RESERVED, 0, 0, -EINVAL },
	{ "reserved[2]",		REGS_RESERVED, 2, 0, -EINVAL },
	{ "reserved_32[0]",		REGS_RESERVED_32, 0, 0, -EINVAL },
	{ "reserved_32[2]",		REGS_RESERVED_32, 2, 0, -EINVAL },
	{ "reserved_64[0]",		REGS_RESERVED_64, 0, 0, -EINVAL },
	{ "reserved_64[3]",		REGS_RESERVED_64, 3, 0, -EINVAL },
	{ "gdt.reserved[1]",		REGS_GDT_RESERVED, 1, 0, -EINVAL },
	{ "idt.reserved[2]",		REGS_IDT_RESERVED, 2, 0, -EINVAL },
};

KUNIT_ARRAY_PARAM_DESC(regs, regs_cases, desc);

static void hsm_test_vcpu_regs_check(struct kunit *test)
{
	const struct regs_case *c = test->param_value;
	struct acrn_vcpu_regs regs;
	struct acrn_regs *r = &regs.vcpu_regs;

	/* Every non-reserved field set, so only the case's field can matter. */
	memset(&regs, 0xa5, sizeof(regs));
	memset(regs.reserved, 0, sizeof(regs.reserved));
	memset(r->reserved_32, 0, sizeof(r->reserved_32));
	memset(r->reserved_64, 0, sizeof(r->reserved_64));
	memset(r->gdt.reserved, 0, sizeof(r->gdt.reserved));
	memset(r->idt.reserved, 0, sizeof(r->idt.reserved));
	regs.vcpu_id = c->vcpu_id;

	switch (c->field) {
	case REGS_RESERVED:
		regs.reserved[c->index] = 1;
		break;
	case REGS_RESERVED_32:
		r->reserved_32[c->index] = cpu_to_le32(0x80000000);
		break;
	case REGS_RESERVED_64:
		r->reserved_64[c->index] = cpu_to_le64(1);
		break;
	case REGS_GDT_RESERVED:
		r->gdt.reserved[c->index] = cpu_to_le16(1);
		break;
	case REGS_IDT_RESERVED:
		r->idt.reserved[c->index] = cpu_to_le16(0x100);
		break;
	default:
		break;
	}

	KUNIT_EXPECT_EQ(test, acrn_vcpu_regs_check(&regs, 4), c->expect);
}

struct errno_case {
	const char *desc;
	long hv_ret;
	int refused;
	int expect;
};

static const struct errno_case errno_cases[] = {
	{ "success",			0, -EBUSY, 0 },
	{ "refusal, lifecycle",		-1, -EBUSY, -EBUSY },
	{ "refusal, parameters",	-1, -EINVAL, -EINVAL },
	{ "bad argument",		-EINVAL, -EBUSY, -EINVAL },
	{ "unknown hypercall or VM",	-ENOTTY, -EBUSY, -ENODEV },
	{ "unexpected errno",		-EFAULT, -EBUSY, -EIO },
	{ "unexpected positive",	1, -EBUSY, -EIO },
	{ "unexpected large negative",	-4096, -EINVAL, -EIO },
};

KUNIT_ARRAY_PARAM_DESC(errno, errno_cases, desc);

static void hsm_test_hv_errno(struct kunit *test)
{
	const struct errno_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, acrn_hv_errno(c->hv_ret, c->refused), c->expect);
}

/* No hypervisor answer may ever reach userspace as EPERM or ENOTTY. */
static void hsm_test_hv_errno_never_raw(struct kunit *test)
{
	long hv_ret;

	for (hv_ret = -4200; hv_ret <= 8; hv_ret++) {
		int err = acrn_hv_errno(hv_ret, -EBUSY);

		KUNIT_EXPECT_NE(test, err, -EPERM);
		KUNIT_EXPECT_NE(test, err, -ENOTTY);
		KUNIT_EXPECT_LE(test, err, 0);
	}
}

static struct kunit_case hsm_test_cases[] = {
	KUNIT_CASE_PARAM(hsm_test_creation_check, creation_gen_params),
	KUNIT_CASE_PARAM(hsm_test_vcpu_regs_check, regs_gen_params),
	KUNIT_CASE_PARAM(hsm_test_hv_errno, errno_gen_params),
	KUNIT_CASE(hsm_test_hv_errno_never_raw),
	{}
};

static struct kunit_suite hsm_test_suite = {
	.name = "acrn_hsm",
	.test_cases = hsm_test_cases,
};

kunit_test_suites(&hsm_test_suite);
