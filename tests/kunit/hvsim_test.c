// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the simulated hypervisor's rules: the VM state machine,
 * vCPU counts from cpu_affinity, CR0/CR4 checks, and upcall delivery. They
 * use no module state (the upcall test has its own instance), so they do
 * not depend on module_init having run.
 */

#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/preempt.h>
#include <linux/string.h>

#include "../../hvsim/hvsim.h"

#define REFUSED		ACRN_HV_REFUSED
#define OFF		HVSIM_VM_POWERED_OFF
#define CREATED		HVSIM_VM_CREATED
#define RUNNING		HVSIM_VM_RUNNING
#define READY_OFF	HVSIM_VM_READY_TO_POWEROFF
#define PAUSED		HVSIM_VM_PAUSED

struct transition_case {
	const char *desc;
	u32 state;
	unsigned long hc;
	bool has_ioreq;
	long expect;
	u32 next;
};

static const struct transition_case transition_cases[] = {
	{ "start created",	CREATED, HC_START_VM, true, 0, RUNNING },
	{ "start, no ioreq",	CREATED, HC_START_VM, false, REFUSED, CREATED },
	{ "start running",	RUNNING, HC_START_VM, true, REFUSED, RUNNING },
	{ "start paused",	PAUSED, HC_START_VM, true, REFUSED, PAUSED },
	{ "start powered off",	OFF, HC_START_VM, true, REFUSED, OFF },
	{ "pause running",	RUNNING, HC_PAUSE_VM, true, 0, PAUSED },
	{ "pause created",	CREATED, HC_PAUSE_VM, false, 0, PAUSED },
	{ "pause paused (no-op)", PAUSED, HC_PAUSE_VM, true, 0, PAUSED },
	{ "pause ready to off",	READY_OFF, HC_PAUSE_VM, true, 0, PAUSED },
	{ "pause powered off",	OFF, HC_PAUSE_VM, true, REFUSED, OFF },
	{ "reset paused",	PAUSED, HC_RESET_VM, true, 0, CREATED },
	{ "reset running",	RUNNING, HC_RESET_VM, true, REFUSED, RUNNING },
	{ "reset created",	CREATED, HC_RESET_VM, true, REFUSED, CREATED },
	{ "destroy paused",	PAUSED, HC_DESTROY_VM, true, 0, OFF },
	{ "destroy running",	RUNNING, HC_DESTROY_VM, true, REFUSED, RUNNING },
	{ "destroy created",	CREATED, HC_DESTROY_VM, true, REFUSED, CREATED },
	{ "destroy powered off", OFF, HC_DESTROY_VM, true, REFUSED, OFF },
	{ "not a lifecycle call", CREATED, HC_SET_VCPU_REGS, true, REFUSED, CREATED },
};

KUNIT_ARRAY_PARAM_DESC(transition, transition_cases, desc);

static void hvsim_test_transition(struct kunit *test)
{
	const struct transition_case *c = test->param_value;
	u32 state = c->state;

	KUNIT_EXPECT_EQ(test, hvsim_vm_transition(&state, c->hc, c->has_ioreq),
			c->expect);
	KUNIT_EXPECT_EQ(test, state, c->next);
}

struct affinity_case {
	const char *desc;
	u64 affinity;
	u64 pcpu_mask;
	long expect;
};

static const struct affinity_case affinity_cases[] = {
	{ "default is every pCPU",	0, 0xf, 4 },
	{ "one pCPU",			0x4, 0xf, 1 },
	{ "two pCPUs",			0x3, 0xf, 2 },
	{ "pCPU outside the platform",	0x10, 0xf, REFUSED },
	{ "partly outside",		0x18, 0xf, REFUSED },
	{ "sixteen pCPUs",		0xffff, 0xffffffff, 16 },
	{ "seventeen pCPUs",		0x1ffff, 0xffffffff, REFUSED },
	{ "default of 17 pCPUs is 16",	0, 0x1ffff, 16 },
	{ "default of 64 pCPUs is 16",	0, ~0ULL, 16 },
	{ "default of sparse pCPUs",	0, 0xf0f0, 8 },
	{ "sparse bits",		0x8000000000000001ULL, ~0ULL, 2 },
};

KUNIT_ARRAY_PARAM_DESC(affinity, affinity_cases, desc);

static void hvsim_test_affinity(struct kunit *test)
{
	const struct affinity_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, hvsim_affinity_vcpus(c->affinity, c->pcpu_mask),
			c->expect);
}

struct cr_case {
	const char *desc;
	u64 cr0;
	u64 cr4;
	bool valid;
};

static const struct cr_case cr_cases[] = {
	{ "real mode reset value",	0x60000010, 0, true },
	{ "protected mode (bzImage)",	0x31, 0, true },
	{ "long mode",			0x80050033, 0x6f0, true },
	{ "CR0 bit 6 reserved",		0x40, 0, false },
	{ "CR0 bit 32 reserved",	1ULL << 32, 0, false },
	{ "PG without PE",		0x80000000, 0, false },
	{ "NW without CD",		0x20000001, 0, false },
	{ "CR4 bit 15 reserved",	0x31, 1 << 15, false },
	{ "CR4 bit 25 reserved",	0x31, 1 << 25, false },
	{ "CR4 PKS",			0x31, 1 << 24, true },
};

KUNIT_ARRAY_PARAM_DESC(cr, cr_cases, desc);

static void hvsim_test_cr0_cr4(struct kunit *test)
{
	const struct cr_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, hvsim_cr0_cr4_valid(c->cr0, c->cr4), c->valid);
}

/* Upcall delivery, on an instance of its own. */
static struct hvsim_upcall test_upcall = HVSIM_UPCALL_INIT(test_upcall);
static atomic_t test_upcall_calls;
static atomic_t test_upcall_bad_context;

static void test_upcall_handler(void)
{
	if (!in_hardirq() || smp_processor_id() != 0)
		atomic_inc(&test_upcall_bad_context);
	atomic_inc(&test_upcall_calls);
}

static bool test_upcall_wait(int calls)
{
	int i;

	for (i = 0; i < 1000 && atomic_read(&test_upcall_calls) < calls; i++)
		usleep_range(1000, 2000);
	return atomic_read(&test_upcall_calls) >= calls;
}

static void hvsim_test_upcall(struct kunit *test)
{
	int calls;

	atomic_set(&test_upcall_calls, 0);
	atomic_set(&test_upcall_bad_context, 0);

	/* Without a handler an upcall is raised but runs nothing. */
	hvsim_upcall_raise(&test_upcall);
	hvsim_upcall_clear(&test_upcall);
	KUNIT_EXPECT_EQ(test, atomic_read(&test_upcall_calls), 0);

	hvsim_upcall_set(&test_upcall, test_upcall_handler);
	hvsim_upcall_raise(&test_upcall);
	KUNIT_ASSERT_TRUE(test, test_upcall_wait(1));

	/* Several raises deliver at least one upcall, and at most one each. */
	hvsim_upcall_raise(&test_upcall);
	hvsim_upcall_raise(&test_upcall);
	hvsim_upcall_raise(&test_upcall);
	KUNIT_EXPECT_TRUE(test, test_upcall_wait(2));

	/* After clear returns nothing runs any more. */
	hvsim_upcall_clear(&test_upcall);
	calls = atomic_read(&test_upcall_calls);
	KUNIT_EXPECT_LE(test, calls, 4);
	hvsim_upcall_raise(&test_upcall);
	hvsim_upcall_clear(&test_upcall);
	KUNIT_EXPECT_EQ(test, atomic_read(&test_upcall_calls), calls);

	KUNIT_EXPECT_EQ(test, atomic_read(&test_upcall_bad_context), 0);
	KUNIT_EXPECT_EQ(test, atomic64_read(&test_upcall.raised), 6);
}

static struct kunit_case hvsim_test_cases[] = {
	KUNIT_CASE_PARAM(hvsim_test_transition, transition_gen_params),
	KUNIT_CASE_PARAM(hvsim_test_affinity, affinity_gen_params),
	KUNIT_CASE_PARAM(hvsim_test_cr0_cr4, cr_gen_params),
	KUNIT_CASE(hvsim_test_upcall),
	{}
};

static struct kunit_suite hvsim_test_suite = {
	.name = "acrn_hvsim",
	.test_cases = hvsim_test_cases,
};

kunit_test_suites(&hvsim_test_suite);
