// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the simulated hypervisor's rules: the VM state machine,
 * vCPU counts from cpu_affinity, CR0/CR4 checks, upcall delivery, and the
 * guest's I/O accesses through the I/O request slots.
 *
 * They run in acrn_hvsim_kunit.ko, always after acrn_hvsim's module_init
 * (hvsim_kunit.h): the upcall tests use upcall instances of their own,
 * never the one the HSM may have installed its handler on, and the guest
 * tests use the simulator's VM table. The guest tests play the Service
 * VM: they create a VM with the hypercall functions, give it a page of
 * their own as I/O request page, and complete its requests from their
 * own upcall handler, in hard-IRQ context as the HSM does.
 */

#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/preempt.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/time64.h>

#include "../../hvsim/hvsim.h"
#include "hvsim_kunit.h"

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

struct io_check_case {
	const char *desc;
	u32 type;
	u32 direction;
	u32 size;
	u32 flags;
	u64 address;
	u64 reserved;
	int expect;
};

#define PIO	ACRN_IOREQ_TYPE_PORTIO
#define MMIO	ACRN_IOREQ_TYPE_MMIO
#define RD	ACRN_IOREQ_DIR_READ
#define WR	ACRN_IOREQ_DIR_WRITE

static const struct io_check_case io_check_cases[] = {
	{ "pio read 1",		PIO, RD, 1, 0, 0x3f8, 0, 0 },
	{ "pio write 2",	PIO, WR, 2, 0, 0xcfc, 0, 0 },
	{ "pio 4 at 0xfffc",	PIO, RD, 4, 0, 0xfffc, 0, 0 },
	{ "pio 4 at 0xfffd",	PIO, RD, 4, 0, 0xfffd, 0, -EINVAL },
	{ "pio 1 at 0xffff",	PIO, WR, 1, 0, 0xffff, 0, 0 },
	{ "pio 2 at 0xffff",	PIO, WR, 2, 0, 0xffff, 0, -EINVAL },
	{ "pio at 0x10000",	PIO, WR, 1, 0, 0x10000, 0, -EINVAL },
	{ "pio port 2^63",	PIO, WR, 1, 0, 1ULL << 63, 0, -EINVAL },
	{ "pio size 0",		PIO, RD, 0, 0, 0x60, 0, -EINVAL },
	{ "pio size 3",		PIO, RD, 3, 0, 0x60, 0, -EINVAL },
	{ "pio size 8",		PIO, RD, 8, 0, 0x60, 0, -EINVAL },
	{ "mmio 1",		MMIO, RD, 1, 0, 0xfed00000, 0, 0 },
	{ "mmio 8",		MMIO, WR, 8, 0, 0xfed00000, 0, 0 },
	{ "mmio size 3",	MMIO, RD, 3, 0, 0xfed00000, 0, -EINVAL },
	{ "mmio size 16",	MMIO, RD, 16, 0, 0xfed00000, 0, -EINVAL },
	{ "mmio last byte",	MMIO, RD, 1, 0, ~0ULL, 0, 0 },
	{ "mmio 8 at the top",	MMIO, RD, 8, 0, ~0ULL - 7, 0, 0 },
	{ "mmio wraps",		MMIO, RD, 2, 0, ~0ULL, 0, -EINVAL },
	{ "pcicfg type",	ACRN_IOREQ_TYPE_PCICFG, RD, 4, 0, 0, 0, -EINVAL },
	{ "wp type",		3, WR, 4, 0, 0, 0, -EINVAL },
	{ "direction 2",	PIO, 2, 1, 0, 0x60, 0, -EINVAL },
	{ "no-upcall flag",	PIO, RD, 1, HVSIM_IO_NO_UPCALL, 0x60, 0, 0 },
	{ "unknown flag",	PIO, RD, 1, 1U << 1, 0x60, 0, -EINVAL },
	{ "reserved set",	MMIO, RD, 4, 0, 0x1000, 1, -EINVAL },
};

KUNIT_ARRAY_PARAM_DESC(io_check, io_check_cases, desc);

static void hvsim_test_io_check(struct kunit *test)
{
	const struct io_check_case *c = test->param_value;
	struct hvsim_io io = {
		.vmid = 0xffff,		/* not looked at */
		.vcpu = 0xffff,
		.type = c->type,
		.direction = c->direction,
		.size = c->size,
		.flags = c->flags,
		.address = c->address,
		.reserved = c->reserved,
	};

	KUNIT_EXPECT_EQ(test, hvsim_io_check(&io), c->expect);
}

static void hvsim_test_io_mask(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, hvsim_io_mask(1), 0xffULL);
	KUNIT_EXPECT_EQ(test, hvsim_io_mask(2), 0xffffULL);
	KUNIT_EXPECT_EQ(test, hvsim_io_mask(4), 0xffffffffULL);
	KUNIT_EXPECT_EQ(test, hvsim_io_mask(8), ~0ULL);
}

/* The Service VM side of the guest tests. */
enum guest_mode {
	GUEST_COMPLETE,		/* complete with guest.value, then notify */
	GUEST_IGNORE,		/* leave the request PENDING */
	GUEST_NOTIFY_ONLY,	/* take it (PROCESSING) and notify anyway */
};

static struct hvsim_upcall guest_upcall = HVSIM_UPCALL_INIT(guest_upcall);

static struct {
	u16 vmid;
	struct acrn_io_request_buffer *buf;
	int mode;
	u64 value;
	atomic_t requests;
	atomic_t bad_context;
	atomic_t notify_errors;
	struct acrn_io_request seen[ACRN_IO_REQUEST_MAX];
} guest;

/* What the HSM does in its upcall handler, without clients. */
static void guest_upcall_handler(void)
{
	struct acrn_io_request_buffer *buf = READ_ONCE(guest.buf);
	int mode = READ_ONCE(guest.mode);
	u16 vcpu;

	if (!in_hardirq() || smp_processor_id() != 0)
		atomic_inc(&guest.bad_context);
	if (!buf || mode == GUEST_IGNORE)
		return;

	for (vcpu = 0; vcpu < ACRN_IO_REQUEST_MAX; vcpu++) {
		struct acrn_io_request *slot = &buf->req_slot[vcpu];
		bool polling;

		/* The request before its state, as the hypervisor wrote them. */
		if (smp_load_acquire(&slot->processed) !=
		    ACRN_IOREQ_STATE_PENDING)
			continue;
		guest.seen[vcpu] = *slot;
		atomic_inc(&guest.requests);
		polling = slot->completion_polling;
		if (mode == GUEST_COMPLETE) {
			if (slot->reqs.mmio_request.direction == ACRN_IOREQ_DIR_READ) {
				if (slot->type == ACRN_IOREQ_TYPE_MMIO)
					slot->reqs.mmio_request.value = guest.value;
				else
					slot->reqs.pio_request.value = guest.value;
			}
			/* The value before COMPLETE. */
			smp_store_release(&slot->processed,
					  ACRN_IOREQ_STATE_COMPLETE);
		} else {
			WRITE_ONCE(slot->processed, ACRN_IOREQ_STATE_PROCESSING);
		}
		if (!polling &&
		    hvsim_hypercall(HC_NOTIFY_REQUEST_FINISH, guest.vmid, vcpu))
			atomic_inc(&guest.notify_errors);
	}
}

/* A VM of the test's own, in test->priv; hvsim_test_exit() removes it. */
struct guest_vm {
	struct page *page;
	struct acrn_io_request_buffer *buf;
	u16 vmid;
	u16 vcpu_num;
};

static long guest_hc(unsigned long hc, unsigned long p1, unsigned long p2)
{
	return hvsim_hypercall(hc, p1, p2);
}

/* Create (and start, if @start) a VM with @vm_flag; skip without a table. */
static struct guest_vm *guest_vm_create(struct kunit *test, u64 vm_flag,
					bool start)
{
	struct acrn_vm_creation *cv;
	struct guest_vm *g;
	u64 *buf_gpa;

	if (!hvsim_vms)
		kunit_skip(test, "no VM table (bad module parameters)");

	g = kunit_kzalloc(test, sizeof(*g), GFP_KERNEL);
	cv = kunit_kzalloc(test, sizeof(*cv), GFP_KERNEL);
	buf_gpa = kunit_kzalloc(test, sizeof(*buf_gpa), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, g);
	KUNIT_ASSERT_NOT_NULL(test, cv);
	KUNIT_ASSERT_NOT_NULL(test, buf_gpa);
	test->priv = g;

	g->page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	KUNIT_ASSERT_NOT_NULL(test, g->page);
	g->buf = page_address(g->page);

	memcpy(cv->uuid, "kunit-guest", sizeof("kunit-guest"));
	cv->vm_flag = vm_flag;
	KUNIT_ASSERT_EQ(test, guest_hc(HC_CREATE_VM, virt_to_phys(cv), 0), 0);
	KUNIT_ASSERT_NE(test, cv->vmid, ACRN_INVALID_VMID);
	g->vmid = cv->vmid;
	g->vcpu_num = cv->vcpu_num;

	*buf_gpa = page_to_phys(g->page);
	KUNIT_ASSERT_EQ(test, guest_hc(HC_SET_IOREQ_BUFFER, g->vmid,
				       virt_to_phys(buf_gpa)), 0);
	if (start)
		KUNIT_ASSERT_EQ(test, guest_hc(HC_START_VM, g->vmid, 0), 0);

	memset(&guest, 0, sizeof(guest));
	guest.vmid = g->vmid;
	guest.mode = GUEST_COMPLETE;
	WRITE_ONCE(guest.buf, g->buf);
	hvsim_upcall_set(&guest_upcall, guest_upcall_handler);
	return g;
}

static void hvsim_test_exit(struct kunit *test)
{
	struct guest_vm *g = test->priv;

	if (!g)
		return;
	hvsim_upcall_clear(&guest_upcall);
	WRITE_ONCE(guest.buf, NULL);
	if (g->vmid) {
		guest_hc(HC_PAUSE_VM, g->vmid, 0);
		guest_hc(HC_DESTROY_VM, g->vmid, 0);
	}
	/* An access still running holds its own reference on the page. */
	if (g->page)
		__free_page(g->page);
	test->priv = NULL;
}

static struct hvsim_io guest_io(const struct guest_vm *g, u16 vcpu, u32 type,
				u32 direction, u32 size, u64 address,
				u64 value)
{
	struct hvsim_io io = {
		.vmid = g->vmid,
		.vcpu = vcpu,
		.type = type,
		.direction = direction,
		.size = size,
		.address = address,
		.value = value,
		.timeout_ms = 5000,
	};

	return io;
}

static u32 guest_slot_state(const struct guest_vm *g, u16 vcpu)
{
	/* What the simulator wrote before the state is visible too. */
	return smp_load_acquire(&g->buf->req_slot[vcpu].processed);
}

static bool guest_slot_wait(const struct guest_vm *g, u16 vcpu, u32 state)
{
	int i;

	for (i = 0; i < 2000 && guest_slot_state(g, vcpu) != state; i++)
		usleep_range(500, 1000);
	return guest_slot_state(g, vcpu) == state;
}

/* What the HSM does for a request it took: COMPLETE, then notify. */
static void guest_complete(struct kunit *test, const struct guest_vm *g,
			   u16 vcpu, u64 value, bool notify)
{
	struct acrn_io_request *slot = &g->buf->req_slot[vcpu];

	slot->reqs.mmio_request.value = value;
	/* The value before COMPLETE. */
	smp_store_release(&slot->processed, ACRN_IOREQ_STATE_COMPLETE);
	if (notify)
		KUNIT_EXPECT_EQ(test, guest_hc(HC_NOTIFY_REQUEST_FINISH,
					       g->vmid, vcpu), 0);
}

/* An access made by a kernel thread, for the tests that wait beside it. */
struct guest_thread {
	struct hvsim_io io;
	int ret;
	struct completion done;
};

static int guest_thread_fn(void *data)
{
	struct guest_thread *t = data;

	t->ret = hvsim_guest_io(&t->io, &guest_upcall, false, NULL);
	kthread_complete_and_exit(&t->done, 0);
}

static struct guest_thread *guest_thread_start(struct kunit *test,
					       const struct hvsim_io *io)
{
	struct task_struct *task;
	struct guest_thread *t;

	t = kzalloc(sizeof(*t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t);
	t->io = *io;
	init_completion(&t->done);
	task = kthread_run(guest_thread_fn, t, "kunit-guest");
	if (IS_ERR(task))
		kfree(t);
	KUNIT_ASSERT_FALSE(test, IS_ERR(task));
	return t;
}

/*
 * The access's result (and in @value, if not NULL, its value), or 1 if it
 * did not end within @ms: the thread then still uses @t, which is leaked
 * rather than freed under it.
 */
static int guest_thread_join(struct guest_thread *t, unsigned int ms,
			     u64 *value)
{
	int ret;

	if (!wait_for_completion_timeout(&t->done, msecs_to_jiffies(ms)))
		return 1;
	ret = t->ret;
	if (value)
		*value = t->io.value;
	kfree(t);
	return ret;
}

static void hvsim_test_guest_round_trip(struct kunit *test)
{
	struct hvsim_stats *s0, *s1;
	struct acrn_io_request *seen;
	struct guest_vm *g;
	struct hvsim_io io;
	u16 vcpu;
	u64 rtt = U64_MAX;

	s0 = kunit_kzalloc(test, sizeof(*s0), GFP_KERNEL);
	s1 = kunit_kzalloc(test, sizeof(*s1), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s0);
	KUNIT_ASSERT_NOT_NULL(test, s1);
	g = guest_vm_create(test, 0, true);
	vcpu = g->vcpu_num - 1;
	hvsim_stats_get(s0);
	guest.value = 0x123456789abcdef0ULL;

	/* MMIO read of 2 bytes: the stale value goes out masked, back masked. */
	io = guest_io(g, 0, MMIO, RD, 2, 0xfed00010, 0xa5a5a5);
	KUNIT_EXPECT_EQ(test, hvsim_guest_io(&io, &guest_upcall, false, &rtt), 0);
	KUNIT_EXPECT_EQ(test, io.value, 0xdef0ULL);
	/* Measured, but 0 is possible: the clock may be jiffies (6.1 on TCG). */
	KUNIT_EXPECT_LT(test, rtt, 5 * NSEC_PER_SEC);
	seen = &guest.seen[0];
	KUNIT_EXPECT_EQ(test, seen->type, MMIO);
	KUNIT_EXPECT_EQ(test, seen->completion_polling, 0U);
	KUNIT_EXPECT_EQ(test, seen->processed, ACRN_IOREQ_STATE_PENDING);
	KUNIT_EXPECT_EQ(test, seen->reqs.mmio_request.direction, RD);
	KUNIT_EXPECT_EQ(test, seen->reqs.mmio_request.address, 0xfed00010ULL);
	KUNIT_EXPECT_EQ(test, seen->reqs.mmio_request.size, 2ULL);
	KUNIT_EXPECT_EQ(test, seen->reqs.mmio_request.value, 0xa5a5ULL);
	KUNIT_EXPECT_EQ(test, guest_slot_state(g, 0), ACRN_IOREQ_STATE_FREE);

	/* Port read of 1 byte on the last vCPU: 32-bit value, masked. */
	io = guest_io(g, vcpu, PIO, RD, 1, 0x3f8, 0);
	KUNIT_EXPECT_EQ(test, hvsim_guest_io(&io, &guest_upcall, false, NULL), 0);
	KUNIT_EXPECT_EQ(test, io.value, 0xf0ULL);
	seen = &guest.seen[vcpu];
	KUNIT_EXPECT_EQ(test, seen->type, PIO);
	KUNIT_EXPECT_EQ(test, seen->reqs.pio_request.address, 0x3f8ULL);
	KUNIT_EXPECT_EQ(test, seen->reqs.pio_request.size, 1ULL);
	KUNIT_EXPECT_EQ(test, guest_slot_state(g, vcpu), ACRN_IOREQ_STATE_FREE);

	/* Port write of 2 bytes: the value is masked on the way out. */
	io = guest_io(g, 0, PIO, WR, 2, 0x510, 0x1abcd);
	KUNIT_EXPECT_EQ(test, hvsim_guest_io(&io, &guest_upcall, false, NULL), 0);
	KUNIT_EXPECT_EQ(test, io.value, 0x1abcdULL);
	KUNIT_EXPECT_EQ(test, guest.seen[0].reqs.pio_request.direction, WR);
	KUNIT_EXPECT_EQ(test, guest.seen[0].reqs.pio_request.value, 0xabcdU);

	/* MMIO write and read of 8 bytes: nothing masked. */
	io = guest_io(g, 0, MMIO, WR, 8, 0xfed00000, ~0ULL);
	KUNIT_EXPECT_EQ(test, hvsim_guest_io(&io, &guest_upcall, false, NULL), 0);
	KUNIT_EXPECT_EQ(test, guest.seen[0].reqs.mmio_request.value, ~0ULL);
	io = guest_io(g, 0, MMIO, RD, 8, 0xfed00000, 0);
	KUNIT_EXPECT_EQ(test, hvsim_guest_io(&io, &guest_upcall, false, NULL), 0);
	KUNIT_EXPECT_EQ(test, io.value, 0x123456789abcdef0ULL);

	KUNIT_EXPECT_EQ(test, atomic_read(&guest.requests), 5);
	KUNIT_EXPECT_EQ(test, atomic_read(&guest.bad_context), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&guest.notify_errors), 0);
	hvsim_stats_get(s1);
	KUNIT_EXPECT_EQ(test, s1->io_requests - s0->io_requests, 5ULL);
	KUNIT_EXPECT_EQ(test, s1->io_completed - s0->io_completed, 5ULL);
	KUNIT_EXPECT_EQ(test, s1->hypercalls[0x31] - s0->hypercalls[0x31], 5ULL);
	KUNIT_EXPECT_EQ(test, s1->notify_not_complete - s0->notify_not_complete, 0ULL);
}

static void hvsim_test_guest_no_upcall(struct kunit *test)
{
	struct guest_thread *t;
	struct guest_vm *g;
	struct hvsim_io io;
	u64 value = 0;
	long raised;

	g = guest_vm_create(test, 0, true);
	raised = atomic64_read(&guest_upcall.raised);

	/* PENDING is published, but only a Service VM that looks finds it. */
	io = guest_io(g, 0, PIO, RD, 4, 0xcfc, 0);
	io.flags = HVSIM_IO_NO_UPCALL;
	t = guest_thread_start(test, &io);
	KUNIT_ASSERT_TRUE(test, guest_slot_wait(g, 0, ACRN_IOREQ_STATE_PENDING));
	KUNIT_EXPECT_EQ(test, atomic64_read(&guest_upcall.raised), raised);

	/* The HSM rewrote it as PCICFG: the value still comes from offset 24. */
	g->buf->req_slot[0].type = ACRN_IOREQ_TYPE_PCICFG;
	g->buf->req_slot[0].reqs.pci_request.value = 0x80861234;
	/* The value before COMPLETE. */
	smp_store_release(&g->buf->req_slot[0].processed,
			  ACRN_IOREQ_STATE_COMPLETE);
	KUNIT_EXPECT_EQ(test, guest_hc(HC_NOTIFY_REQUEST_FINISH, g->vmid, 0), 0);
	KUNIT_EXPECT_EQ(test, guest_thread_join(t, 2000, &value), 0);
	KUNIT_EXPECT_EQ(test, value, 0x80861234ULL);
	KUNIT_EXPECT_EQ(test, guest_slot_state(g, 0), ACRN_IOREQ_STATE_FREE);
}

static void hvsim_test_guest_polling(struct kunit *test)
{
	struct hvsim_stats *s0, *s1;
	struct guest_vm *g;
	struct hvsim_io io;
	u64 rtt = U64_MAX;

	s0 = kunit_kzalloc(test, sizeof(*s0), GFP_KERNEL);
	s1 = kunit_kzalloc(test, sizeof(*s1), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s0);
	KUNIT_ASSERT_NOT_NULL(test, s1);
	g = guest_vm_create(test, HVSIM_GUEST_FLAG_IO_POLLING, true);
	hvsim_stats_get(s0);
	guest.value = 0x123456789abcdef0ULL;

	io = guest_io(g, 0, MMIO, RD, 4, 0xfed00000, 0);
	KUNIT_EXPECT_EQ(test, hvsim_guest_io(&io, &guest_upcall, false, &rtt), 0);
	KUNIT_EXPECT_EQ(test, io.value, 0x9abcdef0ULL);
	KUNIT_EXPECT_LT(test, rtt, 5 * NSEC_PER_SEC);
	KUNIT_EXPECT_EQ(test, guest.seen[0].completion_polling, 1U);
	KUNIT_EXPECT_EQ(test, guest_slot_state(g, 0), ACRN_IOREQ_STATE_FREE);

	/* A notification is accepted and signals nothing. */
	KUNIT_EXPECT_EQ(test, guest_hc(HC_NOTIFY_REQUEST_FINISH, g->vmid, 0), 0);
	hvsim_stats_get(s1);
	KUNIT_EXPECT_EQ(test, s1->hypercalls[0x31] - s0->hypercalls[0x31], 1ULL);
	KUNIT_EXPECT_EQ(test, s1->notify_polling - s0->notify_polling, 1ULL);
	KUNIT_EXPECT_EQ(test, atomic_read(&guest.notify_errors), 0);
}

static void hvsim_test_guest_timeout(struct kunit *test)
{
	struct guest_thread *t;
	struct guest_vm *g;
	struct hvsim_io io;
	u64 value = 0;

	g = guest_vm_create(test, 0, true);

	/* Not completed in time: ETIMEDOUT, the request stays in the slot. */
	guest.mode = GUEST_IGNORE;
	io = guest_io(g, 0, MMIO, RD, 4, 0x1000, 0);
	io.timeout_ms = 50;
	KUNIT_EXPECT_EQ(test, hvsim_guest_io(&io, &guest_upcall, false, NULL),
			-ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, guest_slot_state(g, 0), ACRN_IOREQ_STATE_PENDING);

	/* Completed late: the next access frees it and makes its own. */
	guest_complete(test, g, 0, 0x11, true);
	guest.mode = GUEST_COMPLETE;
	guest.value = 0x22;
	io.timeout_ms = 2000;
	KUNIT_EXPECT_EQ(test, hvsim_guest_io(&io, &guest_upcall, false, NULL), 0);
	KUNIT_EXPECT_EQ(test, io.value, 0x22ULL);

	/* Notified but not COMPLETE: EPROTO, as the vCPU resumes anyway. */
	guest.mode = GUEST_NOTIFY_ONLY;
	KUNIT_EXPECT_EQ(test, hvsim_guest_io(&io, &guest_upcall, false, NULL),
			-EPROTO);
	KUNIT_EXPECT_EQ(test, guest_slot_state(g, 0),
			ACRN_IOREQ_STATE_PROCESSING);
	/* Meanwhile the slot is not free: the next access times out. */
	io.timeout_ms = 30;
	KUNIT_EXPECT_EQ(test, hvsim_guest_io(&io, &guest_upcall, false, NULL),
			-ETIMEDOUT);
	guest_complete(test, g, 0, 0x33, true);
	guest.mode = GUEST_COMPLETE;
	guest.value = 0x44;
	io.timeout_ms = 2000;
	KUNIT_EXPECT_EQ(test, hvsim_guest_io(&io, &guest_upcall, false, NULL), 0);
	KUNIT_EXPECT_EQ(test, io.value, 0x44ULL);

	/*
	 * Completed late but notified later still, while the next request
	 * is pending: that notification does not end the new request.
	 */
	guest.mode = GUEST_IGNORE;
	io.timeout_ms = 50;
	KUNIT_EXPECT_EQ(test, hvsim_guest_io(&io, &guest_upcall, false, NULL),
			-ETIMEDOUT);
	guest_complete(test, g, 0, 0x55, false);
	io.timeout_ms = 5000;
	t = guest_thread_start(test, &io);
	KUNIT_ASSERT_TRUE(test, guest_slot_wait(g, 0, ACRN_IOREQ_STATE_PENDING));
	KUNIT_EXPECT_EQ(test, guest_hc(HC_NOTIFY_REQUEST_FINISH, g->vmid, 0), 0);
	msleep(20);
	KUNIT_EXPECT_FALSE(test, completion_done(&t->done));
	guest_complete(test, g, 0, 0x66, true);
	KUNIT_ASSERT_EQ(test, guest_thread_join(t, 2000, &value), 0);
	KUNIT_EXPECT_EQ(test, value, 0x66ULL);
	KUNIT_EXPECT_EQ(test, guest_slot_state(g, 0), ACRN_IOREQ_STATE_FREE);
	KUNIT_EXPECT_EQ(test, atomic_read(&guest.notify_errors), 0);
}

/* An access waiting in @g when @hc (after PAUSE) cancels it. */
static void guest_cancel_case(struct kunit *test, struct guest_vm *g,
			      unsigned long hc)
{
	struct guest_thread *t;
	struct hvsim_io io;

	guest.mode = GUEST_IGNORE;
	io = guest_io(g, 0, MMIO, RD, 8, 0x2000, 0);
	io.timeout_ms = 20000;
	t = guest_thread_start(test, &io);
	KUNIT_ASSERT_TRUE(test, guest_slot_wait(g, 0, ACRN_IOREQ_STATE_PENDING));

	/* One access per vCPU at a time. */
	KUNIT_EXPECT_EQ(test, hvsim_guest_io(&io, &guest_upcall, false, NULL),
			-EBUSY);

	/* Pausing does not cancel. */
	KUNIT_EXPECT_EQ(test, guest_hc(HC_PAUSE_VM, g->vmid, 0), 0);
	msleep(20);
	KUNIT_EXPECT_FALSE(test, completion_done(&t->done));

	KUNIT_EXPECT_EQ(test, guest_hc(hc, g->vmid, 0), 0);
	KUNIT_EXPECT_EQ(test, guest_thread_join(t, 1000, NULL), -ECANCELED);
}

static void hvsim_test_guest_cancel(struct kunit *test)
{
	struct guest_vm *g;
	struct hvsim_io io;

	/* Reset: the slots are FREE again, and the VM can start anew. */
	g = guest_vm_create(test, 0, true);
	guest_cancel_case(test, g, HC_RESET_VM);
	KUNIT_EXPECT_EQ(test, guest_slot_state(g, 0), ACRN_IOREQ_STATE_FREE);
	KUNIT_ASSERT_EQ(test, guest_hc(HC_START_VM, g->vmid, 0), 0);
	guest.mode = GUEST_COMPLETE;
	guest.value = 7;
	io = guest_io(g, 0, PIO, RD, 1, 0x61, 0);
	KUNIT_EXPECT_EQ(test, hvsim_guest_io(&io, &guest_upcall, false, NULL), 0);
	KUNIT_EXPECT_EQ(test, io.value, 7ULL);

	/* Destroy: the page is the access's own until it returns. */
	guest_cancel_case(test, g, HC_DESTROY_VM);
	g->vmid = 0;
	hvsim_test_exit(test);

	/* Polling: the spinning vCPU sees the destroy too. */
	g = guest_vm_create(test, HVSIM_GUEST_FLAG_IO_POLLING, true);
	guest_cancel_case(test, g, HC_DESTROY_VM);
	g->vmid = 0;
}

static void hvsim_test_guest_errors(struct kunit *test)
{
	struct guest_vm *g;
	struct hvsim_io io;

	g = guest_vm_create(test, 0, false);

	io = guest_io(g, 0, PIO, RD, 1, 0x60, 0);
	KUNIT_EXPECT_EQ(test, hvsim_guest_io(&io, &guest_upcall, false, NULL),
			-EBUSY);		/* created, not running */
	io.size = 3;
	KUNIT_EXPECT_EQ(test, hvsim_guest_io(&io, &guest_upcall, false, NULL),
			-EINVAL);
	io = guest_io(g, g->vcpu_num, PIO, RD, 1, 0x60, 0);
	KUNIT_EXPECT_EQ(test, hvsim_guest_io(&io, &guest_upcall, false, NULL),
			-ENOENT);
	io.vcpu = 0;
	io.vmid = 0;
	KUNIT_EXPECT_EQ(test, hvsim_guest_io(&io, &guest_upcall, false, NULL),
			-ENOENT);
	io.vmid = hvsim_max_vms;
	KUNIT_EXPECT_EQ(test, hvsim_guest_io(&io, &guest_upcall, false, NULL),
			-ENOENT);

	/* NOTIFY_REQUEST_FINISH: the hypervisor's answers. */
	KUNIT_EXPECT_EQ(test, guest_hc(HC_NOTIFY_REQUEST_FINISH, 0, 0), -ENOTTY);
	KUNIT_EXPECT_EQ(test, guest_hc(HC_NOTIFY_REQUEST_FINISH, hvsim_max_vms, 0),
			-ENOTTY);
	KUNIT_EXPECT_EQ(test, guest_hc(HC_NOTIFY_REQUEST_FINISH, g->vmid,
				       g->vcpu_num), ACRN_HV_REFUSED);
	KUNIT_EXPECT_EQ(test, guest_hc(HC_NOTIFY_REQUEST_FINISH, g->vmid,
				       0x10000), ACRN_HV_REFUSED);
	KUNIT_EXPECT_EQ(test, guest_hc(HC_NOTIFY_REQUEST_FINISH, g->vmid, 0), 0);

	KUNIT_ASSERT_EQ(test, guest_hc(HC_START_VM, g->vmid, 0), 0);
	KUNIT_ASSERT_EQ(test, guest_hc(HC_PAUSE_VM, g->vmid, 0), 0);
	io = guest_io(g, 0, PIO, RD, 1, 0x60, 0);
	KUNIT_EXPECT_EQ(test, hvsim_guest_io(&io, &guest_upcall, false, NULL),
			-EBUSY);		/* paused */
	KUNIT_EXPECT_EQ(test, guest_hc(HC_NOTIFY_REQUEST_FINISH, g->vmid, 0), 0);

	KUNIT_ASSERT_EQ(test, guest_hc(HC_DESTROY_VM, g->vmid, 0), 0);
	KUNIT_EXPECT_EQ(test, hvsim_guest_io(&io, &guest_upcall, false, NULL),
			-ENOENT);		/* a free slot */
	KUNIT_EXPECT_EQ(test, guest_hc(HC_NOTIFY_REQUEST_FINISH, g->vmid, 0),
			ACRN_HV_REFUSED);
	g->vmid = 0;
}

static void hvsim_test_guest_loop(struct kunit *test)
{
	struct hvsim_io_loop *l;
	struct guest_vm *g;
	u32 vcpus, last;

	l = kunit_kzalloc(test, sizeof(*l), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, l);
	g = guest_vm_create(test, 0, true);
	vcpus = min_t(u32, g->vcpu_num, 2);
	last = vcpus - 1;

	l->io = guest_io(g, 0, MMIO, WR, 8, 0x3000, 0x100);
	l->vcpus = vcpus;
	l->count = 50;
	l->flags = HVSIM_LOOP_VARY_VALUE;
	KUNIT_ASSERT_EQ(test, hvsim_guest_loop(l, &guest_upcall), 0);
	KUNIT_EXPECT_EQ(test, l->completed, 50ULL * vcpus);
	KUNIT_EXPECT_EQ(test, l->failed, 0ULL);
	KUNIT_EXPECT_EQ(test, l->first_error, 0);
	KUNIT_EXPECT_LE(test, l->p50_ns, l->p99_ns);
	KUNIT_EXPECT_LE(test, l->p99_ns, l->max_ns);
	KUNIT_EXPECT_LT(test, l->max_ns, 5 * NSEC_PER_SEC);
	KUNIT_EXPECT_GE(test, l->elapsed_ns, l->max_ns);
	KUNIT_EXPECT_EQ(test, guest.seen[last].reqs.mmio_request.value,
			0x100 + ((u64)last << 32) + 49);

	/* Port I/O: the vCPU goes to bit 24, and the size masks it. */
	l->io = guest_io(g, 0, PIO, WR, 4, 0x510, 0x100);
	KUNIT_ASSERT_EQ(test, hvsim_guest_loop(l, &guest_upcall), 0);
	KUNIT_EXPECT_EQ(test, l->completed, 50ULL * vcpus);
	KUNIT_EXPECT_EQ(test, guest.seen[last].reqs.pio_request.value,
			0x100 + (last << 24) + 49);
	l->io.size = 2;
	KUNIT_ASSERT_EQ(test, hvsim_guest_loop(l, &guest_upcall), 0);
	KUNIT_EXPECT_EQ(test, guest.seen[last].reqs.pio_request.value,
			0x100U + 49);

	/* Every vCPU stops at its first failure. */
	guest.mode = GUEST_IGNORE;
	l->io.timeout_ms = 20;
	KUNIT_ASSERT_EQ(test, hvsim_guest_loop(l, &guest_upcall), 0);
	KUNIT_EXPECT_EQ(test, l->completed, 0ULL);
	KUNIT_EXPECT_EQ(test, l->failed, (u64)vcpus);
	KUNIT_EXPECT_EQ(test, l->first_error, ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, l->p50_ns, 0ULL);
	/*
	 * Each vCPU thread slept until its access timed out, so it switched
	 * at least once. (Where the upcall completes an access at once, on
	 * the thread's own CPU, a thread need not switch at all.)
	 */
	KUNIT_EXPECT_GE(test, l->ctx_switches, (u64)vcpus);

	/* Loops that cannot start. */
	l->vcpus = 0;
	KUNIT_EXPECT_EQ(test, hvsim_guest_loop(l, &guest_upcall), -EINVAL);
	l->vcpus = g->vcpu_num + 1;
	KUNIT_EXPECT_EQ(test, hvsim_guest_loop(l, &guest_upcall),
			g->vcpu_num < ACRN_IO_REQUEST_MAX ? -ENOENT : -EINVAL);
	l->vcpus = 1;
	l->count = 0;
	KUNIT_EXPECT_EQ(test, hvsim_guest_loop(l, &guest_upcall), -EINVAL);
	l->count = HVSIM_LOOP_MAX_COUNT + 1;
	KUNIT_EXPECT_EQ(test, hvsim_guest_loop(l, &guest_upcall), -EINVAL);
	l->count = 1;
	l->flags = 1U << 1;
	KUNIT_EXPECT_EQ(test, hvsim_guest_loop(l, &guest_upcall), -EINVAL);
	l->flags = 0;
	l->io.size = 8;
	KUNIT_EXPECT_EQ(test, hvsim_guest_loop(l, &guest_upcall), -EINVAL);
	l->io.size = 1;
	KUNIT_ASSERT_EQ(test, guest_hc(HC_PAUSE_VM, g->vmid, 0), 0);
	KUNIT_EXPECT_EQ(test, hvsim_guest_loop(l, &guest_upcall), -EBUSY);
}

static struct kunit_case hvsim_test_cases[] = {
	KUNIT_CASE_PARAM(hvsim_test_transition, transition_gen_params),
	KUNIT_CASE_PARAM(hvsim_test_affinity, affinity_gen_params),
	KUNIT_CASE_PARAM(hvsim_test_cr0_cr4, cr_gen_params),
	KUNIT_CASE(hvsim_test_upcall),
	KUNIT_CASE_PARAM(hvsim_test_io_check, io_check_gen_params),
	KUNIT_CASE(hvsim_test_io_mask),
	KUNIT_CASE(hvsim_test_guest_round_trip),
	KUNIT_CASE(hvsim_test_guest_no_upcall),
	KUNIT_CASE(hvsim_test_guest_polling),
	KUNIT_CASE(hvsim_test_guest_timeout),
	KUNIT_CASE(hvsim_test_guest_cancel),
	KUNIT_CASE(hvsim_test_guest_errors),
	KUNIT_CASE(hvsim_test_guest_loop),
	{}
};

static struct kunit_suite hvsim_test_suite = {
	.name = "acrn_hvsim",
	.suite_init = hvsim_kunit_suite_init,
	.exit = hvsim_test_exit,
	.test_cases = hvsim_test_cases,
};

kunit_test_suites(&hvsim_test_suite);
