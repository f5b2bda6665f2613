// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of how irqfd injections are ordered against a VM's destroy
 * hypercall (intr.c): while acrn_intr_quiesce() holds the VM, an
 * injection waits and reaches no hypervisor; acrn_intr_resume() (the
 * hypervisor refused) lets it through exactly once; acrn_intr_destroyed()
 * (the hypervisor agreed) drops it and every later one. The VM is the
 * test's own, on a recording backend: no hypervisor and no module state
 * is involved.
 */

#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/err.h>
#include <linux/irqflags.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/slab.h>

#include "../../acrn_drv.h"
#include "../../hypercall.h"

/* Long enough for an injection that does not wait to have gone out. */
#define INTR_TEST_GRACE_MS	200
#define INTR_TEST_WAIT_MS	5000

static atomic_t intr_test_injects;
static atomic_t intr_test_irqs_off;

static long intr_test_hypercall(unsigned long id, unsigned long p1,
				unsigned long p2)
{
	if (irqs_disabled())
		atomic_inc(&intr_test_irqs_off);
	if (id == HC_INJECT_MSI)
		atomic_inc(&intr_test_injects);
	return 0;
}

static const struct acrn_hv_backend intr_test_hv = {
	.name = "intr_test",
	.hypercall = intr_test_hypercall,
};

struct intr_test_ctx {
	struct acrn_vm *vm;
	struct acrn_msi_entry *msi;
	struct completion done;
	int ret;
};

static int intr_test_injector(void *data)
{
	struct intr_test_ctx *ctx = data;

	ctx->ret = acrn_msi_inject_entry(ctx->vm, ctx->msi);
	complete(&ctx->done);
	return 0;
}

static struct intr_test_ctx *intr_test_setup(struct kunit *test)
{
	struct intr_test_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, ctx);
	ctx->vm = kunit_kzalloc(test, sizeof(*ctx->vm), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx->vm);
	/* The hypervisor reads it by physical address: not on the stack. */
	ctx->msi = kunit_kzalloc(test, sizeof(*ctx->msi), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx->msi);
	ctx->msi->msi_addr = 0xfee00000;
	ctx->msi->msi_data = 0x41;
	ctx->vm->hv = &intr_test_hv;
	ctx->vm->vmid = 3;
	acrn_intr_vm_init(ctx->vm);
	init_completion(&ctx->done);
	atomic_set(&intr_test_injects, 0);
	atomic_set(&intr_test_irqs_off, 0);
	return ctx;
}

/* Start an injection in a thread; it must not be done within the grace. */
static void intr_test_start_waiting(struct kunit *test, struct intr_test_ctx *ctx)
{
	struct task_struct *t;

	t = kthread_run(intr_test_injector, ctx, "intr_test");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	KUNIT_EXPECT_EQ(test, 0UL,
			wait_for_completion_timeout(&ctx->done,
						    msecs_to_jiffies(INTR_TEST_GRACE_MS)));
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&intr_test_injects));
}

static void intr_test_wait_done(struct kunit *test, struct intr_test_ctx *ctx)
{
	KUNIT_ASSERT_NE(test, 0UL,
			wait_for_completion_timeout(&ctx->done,
						    msecs_to_jiffies(INTR_TEST_WAIT_MS)));
}

/* Not quiesced: the injection goes out at once, interrupts on. */
static void intr_test_inject(struct kunit *test)
{
	struct intr_test_ctx *ctx = intr_test_setup(test);

	KUNIT_EXPECT_EQ(test, 0, acrn_msi_inject_entry(ctx->vm, ctx->msi));
	KUNIT_EXPECT_EQ(test, 1, atomic_read(&intr_test_injects));
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&intr_test_irqs_off));
}

/* During the destroy hypercall it waits; refused, it goes out once. */
static void intr_test_refused_destroy(struct kunit *test)
{
	struct intr_test_ctx *ctx = intr_test_setup(test);

	acrn_intr_quiesce(ctx->vm);
	intr_test_start_waiting(test, ctx);
	acrn_intr_resume(ctx->vm);
	intr_test_wait_done(test, ctx);
	KUNIT_EXPECT_EQ(test, 0, ctx->ret);
	KUNIT_EXPECT_EQ(test, 1, atomic_read(&intr_test_injects));
	/* And the VM takes injections as before. */
	KUNIT_EXPECT_EQ(test, 0, acrn_msi_inject_entry(ctx->vm, ctx->msi));
	KUNIT_EXPECT_EQ(test, 2, atomic_read(&intr_test_injects));
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&intr_test_irqs_off));
}

/* Destroyed: the waiting injection and every later one are dropped. */
static void intr_test_destroyed(struct kunit *test)
{
	struct intr_test_ctx *ctx = intr_test_setup(test);

	acrn_intr_quiesce(ctx->vm);
	intr_test_start_waiting(test, ctx);
	acrn_intr_destroyed(ctx->vm);
	intr_test_wait_done(test, ctx);
	KUNIT_EXPECT_EQ(test, -ENODEV, ctx->ret);
	KUNIT_EXPECT_EQ(test, -ENODEV, acrn_msi_inject_entry(ctx->vm, ctx->msi));
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&intr_test_injects));
}

static struct kunit_case intr_test_cases[] = {
	KUNIT_CASE(intr_test_inject),
	KUNIT_CASE(intr_test_refused_destroy),
	KUNIT_CASE(intr_test_destroyed),
	{}
};

static struct kunit_suite intr_test_suite = {
	.name = "acrn_hsm_intr",
	.test_cases = intr_test_cases,
};

kunit_test_suite(intr_test_suite);
