// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the simulated hypervisor's interrupt and power
 * management hypercalls and of its event logs: INJECT_MSI address
 * checks, SET_IRQLINE GSI and operation, the interrupt monitor's
 * commands, PM_GET_CPU_STATE answers (down to the bytes written),
 * SOS_REMOVE_CPU, which VM states each accepts, the exact event texts,
 * and the log ring (wrap, dropped count, since filter, reset at create).
 *
 * Like hvsim_test.c they run on the simulator's VM table, event logs
 * included, after its module_init (hvsim_kunit.h). The tests play the
 * Service VM: they create a VM of their own with the hypercall functions
 * and hand the hypercalls physical addresses of their own kmalloc memory,
 * as the HSM does.
 */

#include <kunit/test.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/apicdef.h>
#include <asm/smp.h>

#include "../../hvsim/hvsim.h"
#include "hvsim_kunit.h"

#define REFUSED		ACRN_HV_REFUSED
#define OFF		HVSIM_VM_POWERED_OFF
#define CREATED		HVSIM_VM_CREATED
#define RUNNING		HVSIM_VM_RUNNING
#define PAUSED		HVSIM_VM_PAUSED

/* A physical address that is not RAM (beyond any physical address width). */
#define NOT_RAM		BIT_ULL(60)

/* The test's VM, in test->priv; hvsim_intr_test_exit() removes it. */
struct intr_vm {
	u16		vmid;
	u16		vcpu_num;
	bool		live;		/* created and not destroyed yet */
	struct page	*ioreq;
};

/* Module parameters the PM tests change; put back after each test. */
static unsigned int saved_px_states, saved_cx_states;

static long hc(unsigned long id, unsigned long p1, unsigned long p2)
{
	return hvsim_hypercall(id, p1, p2);
}

/* Create a VM and bring it to @state (OFF: created, then destroyed). */
static struct intr_vm *intr_vm_create(struct kunit *test, u32 state)
{
	struct acrn_vm_creation *cv;
	struct intr_vm *v;
	u64 *buf_gpa;

	if (!hvsim_vms)
		kunit_skip(test, "no VM table (bad module parameters)");

	v = kunit_kzalloc(test, sizeof(*v), GFP_KERNEL);
	cv = kunit_kzalloc(test, sizeof(*cv), GFP_KERNEL);
	buf_gpa = kunit_kzalloc(test, sizeof(*buf_gpa), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, v);
	KUNIT_ASSERT_NOT_NULL(test, cv);
	KUNIT_ASSERT_NOT_NULL(test, buf_gpa);

	memcpy(cv->uuid, "kunit-intr", sizeof("kunit-intr"));
	KUNIT_ASSERT_EQ(test, hc(HC_CREATE_VM, virt_to_phys(cv), 0), 0);
	KUNIT_ASSERT_NE(test, cv->vmid, ACRN_INVALID_VMID);
	v->vmid = cv->vmid;
	v->vcpu_num = cv->vcpu_num;
	v->live = true;
	test->priv = v;

	switch (state) {
	case RUNNING:
		v->ioreq = alloc_page(GFP_KERNEL | __GFP_ZERO);
		KUNIT_ASSERT_NOT_NULL(test, v->ioreq);
		*buf_gpa = page_to_phys(v->ioreq);
		KUNIT_ASSERT_EQ(test, hc(HC_SET_IOREQ_BUFFER, v->vmid,
					 virt_to_phys(buf_gpa)), 0);
		KUNIT_ASSERT_EQ(test, hc(HC_START_VM, v->vmid, 0), 0);
		break;
	case PAUSED:
		KUNIT_ASSERT_EQ(test, hc(HC_PAUSE_VM, v->vmid, 0), 0);
		break;
	case OFF:
		KUNIT_ASSERT_EQ(test, hc(HC_PAUSE_VM, v->vmid, 0), 0);
		KUNIT_ASSERT_EQ(test, hc(HC_DESTROY_VM, v->vmid, 0), 0);
		v->live = false;
		break;
	}
	return v;
}

static int hvsim_intr_test_init(struct kunit *test)
{
	saved_px_states = hvsim_px_states;
	saved_cx_states = hvsim_cx_states;
	return 0;
}

static void hvsim_intr_test_exit(struct kunit *test)
{
	struct intr_vm *v = test->priv;

	WRITE_ONCE(hvsim_px_states, saved_px_states);
	WRITE_ONCE(hvsim_cx_states, saved_cx_states);
	if (!v)
		return;
	if (v->live) {
		hc(HC_PAUSE_VM, v->vmid, 0);
		hc(HC_DESTROY_VM, v->vmid, 0);
	}
	if (v->ioreq)
		__free_page(v->ioreq);
	test->priv = NULL;
}

/* Up to @count events of slot @vmid after @since, in @req and the result. */
static struct hvsim_event *get_events(struct kunit *test, u16 vmid, u64 since,
				      u32 count, struct hvsim_events *req)
{
	struct hvsim_event *buf;

	buf = kunit_kcalloc(test, count, sizeof(*buf), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	memset(req, 0, sizeof(*req));
	req->vmid = vmid;
	req->count = count;
	req->since = since;
	KUNIT_ASSERT_EQ(test, hvsim_events_get(req, buf), 0);
	return buf;
}

static u64 last_seq(struct kunit *test, u16 vmid)
{
	struct hvsim_events req = { .vmid = vmid };

	KUNIT_ASSERT_EQ(test, hvsim_events_get(&req, NULL), 0);
	KUNIT_EXPECT_EQ(test, req.count, 0U);
	return req.last_seq;
}

/* Slot @vmid logged exactly one event, @text, after @since. */
static void expect_event(struct kunit *test, u16 vmid, u64 since,
			 const char *text)
{
	struct hvsim_events req;
	struct hvsim_event *e = get_events(test, vmid, since, 4, &req);

	KUNIT_ASSERT_EQ(test, req.count, 1U);
	KUNIT_EXPECT_STREQ(test, e[0].text, text);
	KUNIT_EXPECT_GT(test, e[0].seq, since);
	KUNIT_EXPECT_EQ(test, e[0].seq, req.last_seq);
}

/* Slot @vmid logged nothing after @since. */
static void expect_no_event(struct kunit *test, u16 vmid, u64 since)
{
	KUNIT_EXPECT_EQ(test, last_seq(test, vmid), since);
}

struct msi_case {
	const char *desc;
	u64 addr;
	u64 data;
	long expect;
};

static const struct msi_case msi_cases[] = {
	{ "window base",		0xfee00000, 0x31, 0 },
	{ "destination 0x12",		0xfee12000, 0x4041, 0 },
	{ "window top",			0xfeefffff, 0, 0 },
	{ "data not checked",		0xfee01000, ~0ULL, 0 },
	{ "below the window",		0xfed00000, 0x31, REFUSED },
	{ "above the window",		0xfef00000, 0x31, REFUSED },
	{ "zero",			0, 0x31, REFUSED },
	{ "bit 32 set",			0x1fee00000ULL, 0x31, REFUSED },
	{ "bit 63 set",			BIT_ULL(63) | 0xfee00000, 0x31, REFUSED },
	{ "low bits only",		0xfee, 0x31, REFUSED },
};

KUNIT_ARRAY_PARAM_DESC(msi, msi_cases, desc);

static void hvsim_test_msi(struct kunit *test)
{
	const struct msi_case *c = test->param_value;
	struct acrn_msi_entry *msi;
	struct intr_vm *v;
	char text[HVSIM_EVENT_TEXT];
	u64 seq;

	msi = kunit_kzalloc(test, sizeof(*msi), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, msi);
	v = intr_vm_create(test, CREATED);
	msi->msi_addr = c->addr;
	msi->msi_data = c->data;
	seq = last_seq(test, v->vmid);

	KUNIT_EXPECT_EQ(test, hc(HC_INJECT_MSI, v->vmid, virt_to_phys(msi)),
			c->expect);
	if (c->expect) {
		expect_no_event(test, v->vmid, seq);
		return;
	}
	snprintf(text, sizeof(text), "msi addr=0x%llx data=0x%llx", c->addr,
		 c->data);
	expect_event(test, v->vmid, seq, text);
}

struct irqline_case {
	const char *desc;
	u32 gsi;
	u32 op;
	long expect;
	const char *text;
};

static const struct irqline_case irqline_cases[] = {
	{ "gsi 0 set_high",	0, 0, 0, "irqline gsi=0 op=set_high" },
	{ "gsi 16 set_low",	16, 1, 0, "irqline gsi=16 op=set_low" },
	{ "gsi 4 raising",	4, 2, 0, "irqline gsi=4 op=raising_pulse" },
	{ "gsi 47 falling",	47, 3, 0, "irqline gsi=47 op=falling_pulse" },
	{ "gsi 48",		48, 0, REFUSED, NULL },
	{ "gsi 2^32-1",		~0U, 0, REFUSED, NULL },
	{ "gsi 48, bad op: gsi first", 48, 4, REFUSED, NULL },
	{ "op 4",		0, 4, -EINVAL, NULL },
	{ "op 2^32-1",		47, ~0U, -EINVAL, NULL },
};

KUNIT_ARRAY_PARAM_DESC(irqline, irqline_cases, desc);

static void hvsim_test_irqline(struct kunit *test)
{
	const struct irqline_case *c = test->param_value;
	struct intr_vm *v = intr_vm_create(test, CREATED);
	u64 seq = last_seq(test, v->vmid);

	KUNIT_EXPECT_EQ(test, hc(HC_SET_IRQLINE, v->vmid,
				 (u64)c->op << 32 | c->gsi), c->expect);
	if (c->text)
		expect_event(test, v->vmid, seq, c->text);
	else
		expect_no_event(test, v->vmid, seq);
}

/* Page offset of the monitor's page that is not page aligned */
#define UNALIGNED	8

struct monitor_case {
	const char *desc;
	u32 cmd;
	u32 buf_cnt;
	u64 buffer0;
	int where;		/* 0: the page, UNALIGNED, or -1: not RAM */
	long expect;
	const char *text;
};

static const struct monitor_case monitor_cases[] = {
	{ "get_data 0",		0, 0, 0, 0, 0, "intr_monitor get_data buf_cnt=0" },
	{ "get_data 48",	0, 48, 0, 0, 0, "intr_monitor get_data buf_cnt=0" },
	{ "get_data 49",	0, 49, 0, 0, -EINVAL, NULL },
	{ "get_data 2^32-1",	0, ~0U, 0, 0, -EINVAL, NULL },
	{ "delay_int 250 ms",	1, 0, 250, 0, 0, "intr_monitor delay_int ms=250" },
	{ "delay_int 0 ms",	1, 48, 0, 0, 0, "intr_monitor delay_int ms=0" },
	{ "delay_int huge",	1, 2, ~0ULL, 0, 0,
	  "intr_monitor delay_int ms=18446744073709551615" },
	{ "delay_int, buf_cnt 49", 1, 49, 250, 0, -EINVAL, NULL },
	{ "cmd 2",		2, 0, 0, 0, -EINVAL, NULL },
	{ "cmd 2^32-1",		~0U, 0, 0, 0, -EINVAL, NULL },
	{ "page not aligned",	0, 0, 0, UNALIGNED, -EINVAL, NULL },
	{ "page not RAM",	0, 0, 0, -1, -EINVAL, NULL },
};

KUNIT_ARRAY_PARAM_DESC(monitor, monitor_cases, desc);

static void hvsim_test_monitor(struct kunit *test)
{
	const struct monitor_case *c = test->param_value;
	struct acrn_intr_monitor *mon;
	struct intr_vm *v;
	struct page *page;
	u64 gpa, seq, delay;
	unsigned long flags;
	int i;

	page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	KUNIT_ASSERT_NOT_NULL(test, page);
	mon = page_address(page);
	mon->cmd = c->cmd;
	mon->buf_cnt = c->buf_cnt;
	memset(mon->buffer, 0xaa, sizeof(mon->buffer));
	mon->buffer[0] = c->buffer0;
	gpa = c->where < 0 ? NOT_RAM : page_to_phys(page) + c->where;

	v = intr_vm_create(test, CREATED);
	spin_lock_irqsave(&hvsim_vms_lock, flags);
	hvsim_vms[v->vmid].intr_delay_ms = 7;
	spin_unlock_irqrestore(&hvsim_vms_lock, flags);
	seq = last_seq(test, v->vmid);

	KUNIT_EXPECT_EQ(test, hc(HC_VM_INTR_MONITOR, v->vmid, gpa), c->expect);
	spin_lock_irqsave(&hvsim_vms_lock, flags);
	delay = hvsim_vms[v->vmid].intr_delay_ms;
	spin_unlock_irqrestore(&hvsim_vms_lock, flags);

	if (c->text)
		expect_event(test, v->vmid, seq, c->text);
	else
		expect_no_event(test, v->vmid, seq);

	/* A VM without passthrough interrupts: no entries, the rest untouched. */
	KUNIT_EXPECT_EQ(test, mon->cmd, c->cmd);
	if (!c->expect && c->cmd == ACRN_INTR_CMD_GET_DATA)
		KUNIT_EXPECT_EQ(test, mon->buf_cnt, 0U);
	else
		KUNIT_EXPECT_EQ(test, mon->buf_cnt, c->buf_cnt);
	KUNIT_EXPECT_EQ(test, mon->buffer[0], c->buffer0);
	for (i = 1; i < ACRN_INTR_MONITOR_MAX; i++)
		KUNIT_EXPECT_EQ(test, mon->buffer[i], 0xaaaaaaaaaaaaaaaaULL);
	KUNIT_EXPECT_EQ(test, delay,
			!c->expect && c->cmd == ACRN_INTR_CMD_DELAY_INT ?
			c->buffer0 : 7);
	__free_page(page);
}

/* vCPU of a PM case */
enum { VCPU_0, VCPU_LAST, VCPU_BEYOND };

struct pm_case {
	const char *desc;
	u32 state;
	unsigned int px_states;
	unsigned int cx_states;
	u8 type;
	int vcpu;
	u8 index;
	long expect;
};

#define PX_CNT	ACRN_PMCMD_GET_PX_CNT
#define PX_DATA	ACRN_PMCMD_GET_PX_DATA
#define CX_CNT	ACRN_PMCMD_GET_CX_CNT
#define CX_DATA	ACRN_PMCMD_GET_CX_DATA

static const struct pm_case pm_cases[] = {
	{ "px_cnt, no P-states",	CREATED, 0, 3, PX_CNT, VCPU_0, 0, REFUSED },
	{ "px_cnt 5",			CREATED, 5, 3, PX_CNT, VCPU_0, 0, 0 },
	{ "px_cnt 16, last vCPU",	CREATED, 16, 3, PX_CNT, VCPU_LAST, 0, 0 },
	{ "px_cnt ignores the index",	CREATED, 5, 3, PX_CNT, VCPU_0, 9, 0 },
	{ "px_data 0",			CREATED, 5, 3, PX_DATA, VCPU_0, 0, 0 },
	{ "px_data 15 of 16",		CREATED, 16, 3, PX_DATA, VCPU_LAST, 15, 0 },
	{ "px_data 5 of 5",		CREATED, 5, 3, PX_DATA, VCPU_0, 5, REFUSED },
	{ "px_data, no P-states",	CREATED, 0, 3, PX_DATA, VCPU_0, 0, REFUSED },
	{ "cx_cnt 3",			CREATED, 0, 3, CX_CNT, VCPU_0, 0, 0 },
	{ "cx_cnt 0 is an answer",	CREATED, 0, 0, CX_CNT, VCPU_0, 0, 0 },
	{ "cx_cnt 8, last vCPU",	CREATED, 0, 8, CX_CNT, VCPU_LAST, 0, 0 },
	{ "cx_data 1",			CREATED, 0, 3, CX_DATA, VCPU_0, 1, 0 },
	{ "cx_data 3 of 3",		CREATED, 0, 3, CX_DATA, VCPU_0, 3, 0 },
	{ "cx_data 8 of 8",		CREATED, 0, 8, CX_DATA, VCPU_LAST, 8, 0 },
	{ "cx_data 0",			CREATED, 0, 3, CX_DATA, VCPU_0, 0, REFUSED },
	{ "cx_data 4 of 3",		CREATED, 0, 3, CX_DATA, VCPU_0, 4, REFUSED },
	{ "cx_data, no C-states",	CREATED, 0, 0, CX_DATA, VCPU_0, 1, REFUSED },
	{ "type 4",			CREATED, 5, 3, 4, VCPU_0, 0, REFUSED },
	{ "type 0xff",			CREATED, 5, 3, 0xff, VCPU_0, 0, REFUSED },
	{ "px_cnt, vCPU beyond",	CREATED, 5, 3, PX_CNT, VCPU_BEYOND, 0, REFUSED },
	{ "cx_data, vCPU beyond",	CREATED, 0, 3, CX_DATA, VCPU_BEYOND, 1, REFUSED },
	{ "paused: cx_cnt",		PAUSED, 0, 3, CX_CNT, VCPU_0, 0, 0 },
	{ "paused: px_data 1",		PAUSED, 2, 3, PX_DATA, VCPU_0, 1, 0 },
	{ "running: cx_cnt",		RUNNING, 0, 3, CX_CNT, VCPU_0, 0, REFUSED },
	{ "running: px_cnt",		RUNNING, 5, 3, PX_CNT, VCPU_0, 0, REFUSED },
	{ "powered off: cx_cnt",	OFF, 0, 3, CX_CNT, VCPU_0, 0, REFUSED },
};

KUNIT_ARRAY_PARAM_DESC(pm, pm_cases, desc);

/* The result buffer's fill; what the hypervisor does not write stays. */
#define FILL	0xaa
#define RESULT	64

/* Little-endian fields of the result, at any offset. */
static u64 le64_at(const u8 *p)
{
	__le64 v;

	memcpy(&v, p, sizeof(v));
	return le64_to_cpu(v);
}

static u32 le32_at(const u8 *p)
{
	__le32 v;

	memcpy(&v, p, sizeof(v));
	return le32_to_cpu(v);
}

static void expect_untouched(struct kunit *test, const u8 *buf, size_t from)
{
	size_t i;

	for (i = from; i < RESULT; i++)
		KUNIT_EXPECT_EQ_MSG(test, buf[i], FILL, "byte %zu", i);
}

/* P-state @i as Documentation/simulator.rst gives it, byte by byte. */
static void expect_pstate(struct kunit *test, const u8 *buf, unsigned int i)
{
	KUNIT_EXPECT_EQ(test, le64_at(buf), 2000ULL - 100 * i);
	KUNIT_EXPECT_EQ(test, le64_at(buf + 8), 15000ULL - 1000 * i);
	KUNIT_EXPECT_EQ(test, le64_at(buf + 16), 10ULL);
	KUNIT_EXPECT_EQ(test, le64_at(buf + 24), 10ULL);
	KUNIT_EXPECT_EQ(test, le64_at(buf + 32), 0x1400ULL - 0x100 * i);
	KUNIT_EXPECT_EQ(test, le64_at(buf + 40), 0x1400ULL - 0x100 * i);
	expect_untouched(test, buf, sizeof(struct acrn_pstate_data));
}

/* C-state @i: the generic address (12 bytes), type, padding 0, latency, power. */
static void expect_cstate(struct kunit *test, const u8 *buf, unsigned int i)
{
	KUNIT_EXPECT_EQ(test, buf[0], 1);	/* SystemIO */
	KUNIT_EXPECT_EQ(test, buf[1], 8);
	KUNIT_EXPECT_EQ(test, buf[2], 0);
	KUNIT_EXPECT_EQ(test, buf[3], 1);
	KUNIT_EXPECT_EQ(test, le64_at(buf + 4), 0x1814ULL + i);
	KUNIT_EXPECT_EQ(test, buf[12], i);
	KUNIT_EXPECT_EQ(test, buf[13], 0);
	KUNIT_EXPECT_EQ(test, buf[14], 0);
	KUNIT_EXPECT_EQ(test, buf[15], 0);
	KUNIT_EXPECT_EQ(test, le32_at(buf + 16), 10U * i);
	KUNIT_EXPECT_EQ(test, le32_at(buf + 20), 0U);
	KUNIT_EXPECT_EQ(test, le64_at(buf + 24), 1000ULL - 100 * i);
	expect_untouched(test, buf, sizeof(struct acrn_cstate_data));
}

static u64 pm_cmd(u16 vmid, unsigned int vcpu, unsigned int index, u8 type)
{
	return (u64)vmid << ACRN_PMCMD_VMID_SHIFT |
	       (u64)vcpu << ACRN_PMCMD_VCPU_SHIFT |
	       (u64)index << ACRN_PMCMD_STATE_SHIFT | type;
}

static void hvsim_test_pm(struct kunit *test)
{
	static const char * const names[] = {
		"px_cnt", "px_data", "cx_cnt", "cx_data",
	};
	const struct pm_case *c = test->param_value;
	char text[HVSIM_EVENT_TEXT];
	unsigned int vcpu = 0;
	struct intr_vm *v;
	u8 *buf;
	u64 seq;

	BUILD_BUG_ON(sizeof(struct acrn_pstate_data) != 48);
	BUILD_BUG_ON(sizeof(struct acrn_cstate_data) != 32);
	buf = kunit_kzalloc(test, RESULT, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	memset(buf, FILL, RESULT);
	v = intr_vm_create(test, c->state);
	if (c->vcpu == VCPU_LAST)
		vcpu = v->vcpu_num - 1;
	else if (c->vcpu == VCPU_BEYOND)
		vcpu = v->vcpu_num;
	WRITE_ONCE(hvsim_px_states, c->px_states);
	WRITE_ONCE(hvsim_cx_states, c->cx_states);
	seq = last_seq(test, v->vmid);

	KUNIT_EXPECT_EQ(test, hc(HC_PM_GET_CPU_STATE,
				 pm_cmd(v->vmid, vcpu, c->index, c->type),
				 virt_to_phys(buf)), c->expect);
	if (c->expect) {
		expect_untouched(test, buf, 0);
		expect_no_event(test, v->vmid, seq);
		return;
	}

	switch (c->type) {
	case PX_CNT:
		KUNIT_EXPECT_EQ(test, buf[0], c->px_states);
		expect_untouched(test, buf, 1);
		break;
	case CX_CNT:
		KUNIT_EXPECT_EQ(test, buf[0], c->cx_states);
		expect_untouched(test, buf, 1);
		break;
	case PX_DATA:
		expect_pstate(test, buf, c->index);
		break;
	case CX_DATA:
		expect_cstate(test, buf, c->index);
		break;
	}
	if (c->type == PX_DATA || c->type == CX_DATA)
		snprintf(text, sizeof(text), "pm %s vcpu=%u index=%u",
			 names[c->type], vcpu, c->index);
	else
		snprintf(text, sizeof(text), "pm %s vcpu=%u", names[c->type],
			 vcpu);
	expect_event(test, v->vmid, seq, text);
}

/* px_states and cx_states take only values in their range. */
static void hvsim_test_pm_params(struct kunit *test)
{
	static const struct {
		const char *name;
		const char *val;
		int expect;
		unsigned int *var;
		unsigned int value;	/* afterwards */
	} writes[] = {
		{ "px_states", "16", 0, &hvsim_px_states, 16 },
		{ "px_states", "17", -EINVAL, &hvsim_px_states, 16 },
		{ "px_states", "0", 0, &hvsim_px_states, 0 },
		{ "px_states", "-1", -EINVAL, &hvsim_px_states, 0 },
		{ "cx_states", "8", 0, &hvsim_cx_states, 8 },
		{ "cx_states", "9", -EINVAL, &hvsim_cx_states, 8 },
		{ "cx_states", "0", 0, &hvsim_cx_states, 0 },
		{ "cx_states", "x", -EINVAL, &hvsim_cx_states, 0 },
	};
	const struct kernel_param *kp = NULL;
	/* acrn_hvsim's own parameters, not this test module's */
	struct module *mod = acrn_hvsim_backend.owner;
	unsigned int i, j;
	int ret;

	if (!mod)
		kunit_skip(test, "built in: no module parameters to look up");
	for (i = 0; i < ARRAY_SIZE(writes); i++) {
		for (j = 0, kp = NULL; j < mod->num_kp; j++)
			if (!strcmp(mod->kp[j].name, writes[i].name))
				kp = &mod->kp[j];
		KUNIT_ASSERT_NOT_NULL(test, kp);
		kernel_param_lock(mod);
		ret = kp->ops->set(writes[i].val, kp);
		kernel_param_unlock(mod);
		KUNIT_EXPECT_EQ_MSG(test, ret, writes[i].expect, "%s=%s",
				    writes[i].name, writes[i].val);
		KUNIT_EXPECT_EQ(test, READ_ONCE(*writes[i].var), writes[i].value);
	}
}

/* The target comes from bits 31:24 of the command, nothing else. */
static void hvsim_test_pm_target(struct kunit *test)
{
	struct intr_vm *v;
	u8 *buf;
	u64 seq;

	buf = kunit_kzalloc(test, RESULT, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	memset(buf, FILL, RESULT);
	v = intr_vm_create(test, CREATED);
	seq = last_seq(test, v->vmid);

	/* vmid 0 in bits 31:24, though the low 16 bits name a User VM. */
	KUNIT_EXPECT_EQ(test, hc(HC_PM_GET_CPU_STATE,
				 pm_cmd(0, 0, 0, CX_CNT) | v->vmid,
				 virt_to_phys(buf)), -ENOTTY);
	KUNIT_EXPECT_EQ(test, hc(HC_PM_GET_CPU_STATE, pm_cmd(0, 0, 0, CX_CNT),
				 virt_to_phys(buf)), -ENOTTY);
	if (hvsim_max_vms < 256)
		KUNIT_EXPECT_EQ(test, hc(HC_PM_GET_CPU_STATE,
					 pm_cmd(hvsim_max_vms, 0, 0, CX_CNT),
					 virt_to_phys(buf)), -ENOTTY);
	KUNIT_EXPECT_EQ(test, hc(HC_PM_GET_CPU_STATE,
				 pm_cmd(v->vmid, 0, 1, CX_DATA),
				 NOT_RAM), -EINVAL);
	expect_untouched(test, buf, 0);
	expect_no_event(test, v->vmid, seq);

	/* Bits 63:32 are not looked at. */
	WRITE_ONCE(hvsim_cx_states, 3);
	KUNIT_EXPECT_EQ(test, hc(HC_PM_GET_CPU_STATE,
				 pm_cmd(v->vmid, 0, 0, CX_CNT) | 0xffffffff00000000ULL,
				 virt_to_phys(buf)), 0);
	KUNIT_EXPECT_EQ(test, buf[0], 3);
	expect_untouched(test, buf, 1);
	expect_event(test, v->vmid, seq, "pm cx_cnt vcpu=0");
}

/* Which VM states the interrupt hypercalls accept. */
static void hvsim_test_intr_states(struct kunit *test)
{
	static const u32 states[] = { OFF, CREATED, RUNNING, PAUSED };
	struct acrn_intr_monitor *mon;
	struct acrn_msi_entry *msi;
	struct page *page;
	unsigned int i;
	u64 seq;

	msi = kunit_kzalloc(test, sizeof(*msi), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, msi);
	msi->msi_addr = 0xfee00000;
	page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	KUNIT_ASSERT_NOT_NULL(test, page);
	mon = page_address(page);
	mon->cmd = ACRN_INTR_CMD_DELAY_INT;

	for (i = 0; i < ARRAY_SIZE(states); i++) {
		long expect = states[i] == OFF ? REFUSED : 0;
		struct intr_vm *v = intr_vm_create(test, states[i]);

		seq = last_seq(test, v->vmid);
		KUNIT_EXPECT_EQ(test, hc(HC_INJECT_MSI, v->vmid,
					 virt_to_phys(msi)), expect);
		KUNIT_EXPECT_EQ(test, hc(HC_SET_IRQLINE, v->vmid, 3), expect);
		KUNIT_EXPECT_EQ(test, hc(HC_VM_INTR_MONITOR, v->vmid,
					 page_to_phys(page)), expect);
		if (states[i] == OFF) {
			/* Refused before the arguments are looked at. */
			KUNIT_EXPECT_EQ(test, hc(HC_INJECT_MSI, v->vmid,
						 NOT_RAM), REFUSED);
			KUNIT_EXPECT_EQ(test, hc(HC_SET_IRQLINE, v->vmid,
						 4ULL << 32), REFUSED);
			KUNIT_EXPECT_EQ(test, hc(HC_VM_INTR_MONITOR, v->vmid,
						 NOT_RAM), REFUSED);
			expect_no_event(test, v->vmid, seq);
		} else {
			struct hvsim_events req;

			KUNIT_EXPECT_EQ(test, hc(HC_INJECT_MSI, v->vmid,
						 NOT_RAM), -EINVAL);
			get_events(test, v->vmid, seq, 8, &req);
			KUNIT_EXPECT_EQ(test, req.count, 3U);
		}
		hvsim_intr_test_exit(test);
	}

	/* Targets that are not User VM slots. */
	KUNIT_EXPECT_EQ(test, hc(HC_INJECT_MSI, 0, virt_to_phys(msi)), -ENOTTY);
	KUNIT_EXPECT_EQ(test, hc(HC_SET_IRQLINE, hvsim_max_vms, 0), -ENOTTY);
	KUNIT_EXPECT_EQ(test, hc(HC_VM_INTR_MONITOR, 0, page_to_phys(page)),
			-ENOTTY);
	__free_page(page);
}

/* The monitor's delay lives with the VM: reset keeps it, destroy clears it. */
static void hvsim_test_delay_lifetime(struct kunit *test)
{
	struct acrn_intr_monitor *mon;
	struct intr_vm *v;
	struct page *page;
	u16 vmid;

	page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	KUNIT_ASSERT_NOT_NULL(test, page);
	mon = page_address(page);
	mon->cmd = ACRN_INTR_CMD_DELAY_INT;
	mon->buffer[0] = 40;

	v = intr_vm_create(test, PAUSED);
	vmid = v->vmid;
	KUNIT_EXPECT_EQ(test, hc(HC_VM_INTR_MONITOR, vmid, page_to_phys(page)), 0);
	KUNIT_EXPECT_EQ(test, hc(HC_RESET_VM, vmid, 0), 0);
	KUNIT_EXPECT_EQ(test, READ_ONCE(hvsim_vms[vmid].intr_delay_ms), 40ULL);
	KUNIT_EXPECT_EQ(test, hc(HC_PAUSE_VM, vmid, 0), 0);
	KUNIT_EXPECT_EQ(test, hc(HC_DESTROY_VM, vmid, 0), 0);
	v->live = false;
	KUNIT_EXPECT_EQ(test, READ_ONCE(hvsim_vms[vmid].intr_delay_ms), 0ULL);
	__free_page(page);
}

/* The life-cycle events, exactly, and nothing for refused calls. */
static void hvsim_test_lifecycle_events(struct kunit *test)
{
	static const char * const expect[] = {
		NULL, /* create, filled in below */
		"pause", "pause", "reset", "pause", "destroy",
	};
	char create[HVSIM_EVENT_TEXT];
	struct hvsim_events req;
	struct hvsim_event *e;
	struct intr_vm *v;
	unsigned int i;
	u16 vmid;

	v = intr_vm_create(test, CREATED);
	vmid = v->vmid;
	snprintf(create, sizeof(create), "create vcpus=%u", v->vcpu_num);

	/* Refused: no I/O request page, not paused, not paused. */
	KUNIT_EXPECT_EQ(test, hc(HC_START_VM, vmid, 0), REFUSED);
	KUNIT_EXPECT_EQ(test, hc(HC_RESET_VM, vmid, 0), REFUSED);
	KUNIT_EXPECT_EQ(test, hc(HC_DESTROY_VM, vmid, 0), REFUSED);
	KUNIT_EXPECT_EQ(test, hc(HC_PAUSE_VM, vmid, 0), 0);
	KUNIT_EXPECT_EQ(test, hc(HC_PAUSE_VM, vmid, 0), 0);	/* no-op, accepted */
	KUNIT_EXPECT_EQ(test, hc(HC_START_VM, vmid, 0), REFUSED);
	KUNIT_EXPECT_EQ(test, hc(HC_RESET_VM, vmid, 0), 0);
	KUNIT_EXPECT_EQ(test, hc(HC_PAUSE_VM, vmid, 0), 0);
	KUNIT_EXPECT_EQ(test, hc(HC_DESTROY_VM, vmid, 0), 0);
	v->live = false;
	KUNIT_EXPECT_EQ(test, hc(HC_PAUSE_VM, vmid, 0), REFUSED);

	/* The log outlives the VM. */
	e = get_events(test, vmid, 0, HVSIM_EVENTS_MAX, &req);
	KUNIT_ASSERT_EQ(test, req.count, (u32)ARRAY_SIZE(expect));
	KUNIT_EXPECT_EQ(test, req.dropped, 0ULL);
	KUNIT_EXPECT_EQ(test, req.last_seq, e[req.count - 1].seq);
	for (i = 0; i < req.count; i++) {
		KUNIT_EXPECT_STREQ(test, e[i].text, expect[i] ?: create);
		if (i)
			KUNIT_EXPECT_GT(test, e[i].seq, e[i - 1].seq);
	}
}

/* A running VM: start is logged, and so is the pause before destroy. */
static void hvsim_test_start_event(struct kunit *test)
{
	struct hvsim_events req;
	struct hvsim_event *e;
	struct intr_vm *v;

	v = intr_vm_create(test, RUNNING);
	e = get_events(test, v->vmid, 0, 4, &req);
	KUNIT_ASSERT_EQ(test, req.count, 2U);
	KUNIT_EXPECT_STREQ(test, e[1].text, "start");
	KUNIT_EXPECT_EQ(test, hc(HC_PAUSE_VM, v->vmid, 0), 0);
	expect_event(test, v->vmid, e[1].seq, "pause");
}

/* The ring: wrap, dropped, since, count, errors, reset at create. */
static void hvsim_test_event_ring(struct kunit *test)
{
	const unsigned int calls = HVSIM_EVENTS_MAX + 44;
	struct acrn_msi_entry *msi;
	struct hvsim_events req;
	struct hvsim_event *e;
	char text[HVSIM_EVENT_TEXT];
	struct intr_vm *v;
	unsigned int i;
	u16 vmid;
	u64 first, tenth;

	msi = kunit_kzalloc(test, sizeof(*msi), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, msi);
	v = intr_vm_create(test, CREATED);
	vmid = v->vmid;

	/* create, then @calls MSIs: the oldest 45 events are dropped. */
	msi->msi_addr = 0xfee00000;
	for (i = 0; i < calls; i++) {
		msi->msi_data = i;
		KUNIT_ASSERT_EQ(test, hc(HC_INJECT_MSI, vmid, virt_to_phys(msi)), 0);
	}
	e = get_events(test, vmid, 0, HVSIM_EVENTS_MAX, &req);
	KUNIT_ASSERT_EQ(test, req.count, (u32)HVSIM_EVENTS_MAX);
	KUNIT_EXPECT_EQ(test, req.dropped, (u64)calls + 1 - HVSIM_EVENTS_MAX);
	KUNIT_EXPECT_EQ(test, req.last_seq, e[HVSIM_EVENTS_MAX - 1].seq);
	for (i = 0; i < HVSIM_EVENTS_MAX; i++) {
		snprintf(text, sizeof(text), "msi addr=0xfee00000 data=0x%x",
			 calls - HVSIM_EVENTS_MAX + i);
		KUNIT_EXPECT_STREQ(test, e[i].text, text);
		if (i)
			KUNIT_EXPECT_GT(test, e[i].seq, e[i - 1].seq);
	}
	first = e[0].seq;
	tenth = e[9].seq;

	/* since: only the newer ones, oldest first. */
	e = get_events(test, vmid, tenth, HVSIM_EVENTS_MAX, &req);
	KUNIT_EXPECT_EQ(test, req.count, (u32)HVSIM_EVENTS_MAX - 10);
	snprintf(text, sizeof(text), "msi addr=0xfee00000 data=0x%x",
		 calls - HVSIM_EVENTS_MAX + 10);
	KUNIT_EXPECT_STREQ(test, e[0].text, text);

	/* count smaller than what there is: the oldest ones. */
	e = get_events(test, vmid, 0, 3, &req);
	KUNIT_EXPECT_EQ(test, req.count, 3U);
	KUNIT_EXPECT_EQ(test, e[0].seq, first);
	KUNIT_EXPECT_EQ(test, req.dropped, (u64)calls + 1 - HVSIM_EVENTS_MAX);

	/* since at or past the newest: nothing, but last_seq and dropped. */
	e = get_events(test, vmid, req.last_seq, 3, &req);
	KUNIT_EXPECT_EQ(test, req.count, 0U);
	KUNIT_EXPECT_NE(test, req.last_seq, 0ULL);
	e = get_events(test, vmid, U64_MAX, 3, &req);
	KUNIT_EXPECT_EQ(test, req.count, 0U);

	/* Bad requests. */
	memset(&req, 0, sizeof(req));
	req.vmid = vmid;
	req.reserved = 1;
	KUNIT_EXPECT_EQ(test, hvsim_events_get(&req, NULL), -EINVAL);
	req.reserved = 0;
	req.count = HVSIM_EVENTS_MAX + 1;
	KUNIT_EXPECT_EQ(test, hvsim_events_get(&req, NULL), -EINVAL);
	req.count = 0;
	req.vmid = hvsim_max_vms;
	KUNIT_EXPECT_EQ(test, hvsim_events_get(&req, NULL), -ENOENT);
	req.vmid = 0;		/* the Service VM's log */
	KUNIT_EXPECT_EQ(test, hvsim_events_get(&req, NULL), 0);

	/* Destroy keeps the log; a VM created in the slot starts it afresh. */
	KUNIT_EXPECT_EQ(test, hc(HC_PAUSE_VM, vmid, 0), 0);
	KUNIT_EXPECT_EQ(test, hc(HC_DESTROY_VM, vmid, 0), 0);
	v->live = false;
	e = get_events(test, vmid, 0, HVSIM_EVENTS_MAX, &req);
	KUNIT_EXPECT_EQ(test, req.count, (u32)HVSIM_EVENTS_MAX);
	KUNIT_EXPECT_EQ(test, req.dropped, (u64)calls + 3 - HVSIM_EVENTS_MAX);
	KUNIT_EXPECT_STREQ(test, e[HVSIM_EVENTS_MAX - 1].text, "destroy");

	hvsim_intr_test_exit(test);
	v = intr_vm_create(test, CREATED);
	KUNIT_ASSERT_EQ_MSG(test, v->vmid, vmid, "the VM went to another slot");
	e = get_events(test, vmid, 0, HVSIM_EVENTS_MAX, &req);
	KUNIT_EXPECT_EQ(test, req.count, 1U);
	KUNIT_EXPECT_EQ(test, req.dropped, 0ULL);
	snprintf(text, sizeof(text), "create vcpus=%u", v->vcpu_num);
	KUNIT_EXPECT_STREQ(test, e[0].text, text);
	KUNIT_EXPECT_EQ(test, req.last_seq, e[0].seq);
	KUNIT_EXPECT_GT(test, e[0].seq, first);
}

/* Texts are cut at HVSIM_EVENT_TEXT - 1 characters. */
static void hvsim_test_event_truncated(struct kunit *test)
{
	struct hvsim_events req;
	struct hvsim_event *e;
	unsigned long flags;
	struct intr_vm *v;
	char *long_text;

	long_text = kunit_kzalloc(test, 2 * HVSIM_EVENT_TEXT, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, long_text);
	memset(long_text, 'x', 2 * HVSIM_EVENT_TEXT - 1);
	v = intr_vm_create(test, CREATED);

	spin_lock_irqsave(&hvsim_vms_lock, flags);
	hvsim_event(&hvsim_vms[v->vmid], "%s", long_text);
	spin_unlock_irqrestore(&hvsim_vms_lock, flags);

	e = get_events(test, v->vmid, 0, 4, &req);
	KUNIT_ASSERT_EQ(test, req.count, 2U);
	KUNIT_EXPECT_EQ(test, strlen(e[1].text), (size_t)HVSIM_EVENT_TEXT - 1);
	long_text[HVSIM_EVENT_TEXT - 1] = '\0';
	KUNIT_EXPECT_STREQ(test, e[1].text, long_text);
}

/* SOS_REMOVE_CPU without taking a CPU offline. */
static void hvsim_test_remove_cpu(struct kunit *test)
{
	unsigned int cpu;
	u64 seq;

	if (!hvsim_vms)
		kunit_skip(test, "no VM table (bad module parameters)");
	seq = last_seq(test, 0);

	/* No CPU has that id: accepted, nothing recorded. */
	KUNIT_EXPECT_EQ(test, hc(HC_SOS_REMOVE_CPU, 0xfffffff0UL, 0), 0);
	KUNIT_EXPECT_EQ(test, hc(HC_SOS_REMOVE_CPU, ~0UL, 0), 0);
	/* Possible CPUs that are not present have no id. */
	KUNIT_EXPECT_EQ(test, hc(HC_SOS_REMOVE_CPU, BAD_APICID, 0), 0);
	/* The bootstrap CPU. */
	KUNIT_EXPECT_EQ(test, hc(HC_SOS_REMOVE_CPU, cpu_physical_id(0), 0),
			REFUSED);
	/* CPUs Linux still has online. */
	for_each_online_cpu(cpu)
		KUNIT_EXPECT_EQ(test, hc(HC_SOS_REMOVE_CPU,
					 cpu_physical_id(cpu), 0), REFUSED);
	expect_no_event(test, 0, seq);
}

/* A CPU Linux offlined is given up once; online again, it can be again. */
static void hvsim_test_remove_cpu_offline(struct kunit *test)
{
	unsigned int cpu, target = nr_cpu_ids;
	char text[HVSIM_EVENT_TEXT];
	int round;
	u64 seq;

	if (!hvsim_vms)
		kunit_skip(test, "no VM table (bad module parameters)");
	if (!IS_ENABLED(CONFIG_HOTPLUG_CPU))
		kunit_skip(test, "no CPU hotplug");
	for_each_online_cpu(cpu) {
		if (cpu && cpu_is_hotpluggable(cpu)) {
			target = cpu;
			break;
		}
	}
	if (target >= nr_cpu_ids)
		kunit_skip(test, "no second CPU to take offline");
	snprintf(text, sizeof(text), "offline_cpu lapic=%u cpu=%u",
		 (unsigned int)cpu_physical_id(target), target);

	for (round = 0; round < 2; round++) {
		KUNIT_ASSERT_EQ(test, remove_cpu(target), 0);
		seq = last_seq(test, 0);
		KUNIT_EXPECT_EQ(test, hc(HC_SOS_REMOVE_CPU,
					 cpu_physical_id(target), 0), 0);
		expect_event(test, 0, seq, text);
		/* Given up already: accepted, nothing recorded. */
		seq = last_seq(test, 0);
		KUNIT_EXPECT_EQ(test, hc(HC_SOS_REMOVE_CPU,
					 cpu_physical_id(target), 0), 0);
		expect_no_event(test, 0, seq);

		KUNIT_ASSERT_EQ(test, add_cpu(target), 0);
		/* The callback is not registered if module_init has not run. */
		hvsim_pm_cpu_online(target);
		KUNIT_EXPECT_EQ(test, hc(HC_SOS_REMOVE_CPU,
					 cpu_physical_id(target), 0), REFUSED);
		expect_no_event(test, 0, seq);
	}
}

static struct kunit_case hvsim_intr_test_cases[] = {
	KUNIT_CASE_PARAM(hvsim_test_msi, msi_gen_params),
	KUNIT_CASE_PARAM(hvsim_test_irqline, irqline_gen_params),
	KUNIT_CASE_PARAM(hvsim_test_monitor, monitor_gen_params),
	KUNIT_CASE_PARAM(hvsim_test_pm, pm_gen_params),
	KUNIT_CASE(hvsim_test_pm_params),
	KUNIT_CASE(hvsim_test_pm_target),
	KUNIT_CASE(hvsim_test_intr_states),
	KUNIT_CASE(hvsim_test_delay_lifetime),
	KUNIT_CASE(hvsim_test_lifecycle_events),
	KUNIT_CASE(hvsim_test_start_event),
	KUNIT_CASE(hvsim_test_event_ring),
	KUNIT_CASE(hvsim_test_event_truncated),
	KUNIT_CASE(hvsim_test_remove_cpu),
	KUNIT_CASE(hvsim_test_remove_cpu_offline),
	{}
};

static struct kunit_suite hvsim_intr_test_suite = {
	.name = "acrn_hvsim_intr",
	.suite_init = hvsim_kunit_suite_init,
	.init = hvsim_intr_test_init,
	.exit = hvsim_intr_test_exit,
	.test_cases = hvsim_intr_test_cases,
};

kunit_test_suites(&hvsim_intr_test_suite);
