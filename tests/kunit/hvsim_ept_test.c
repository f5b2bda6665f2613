// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the simulated EPT: SET_MEMORY_REGIONS as the real
 * hypervisor applies it (op checks, order, no rollback, overlaps, DEL
 * and MODIFY), the PARTIAL fault, the EPT's life with the VM (reset
 * keeps it, destroy drops it), and the guest's memory accesses through
 * it (HVSIM_IOCTL_GUEST_MEM, MMIO to memory).
 *
 * Like hvsim_test.c they run on the simulator's VM table, after its
 * module_init (hvsim_kunit.h). The tests play the Service VM: they build
 * batches in their own kmalloc memory and hand the hypercall its
 * physical address, as the HSM does.
 */

#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uio.h>
#include <asm/processor.h>

#include "../../hvsim/hvsim.h"
#include "hvsim_kunit.h"

#define ADD		0
#define DEL		2
#define MODIFY		3
#define RW_WB		(ACRN_MEM_ACCESS_READ | ACRN_MEM_ACCESS_WRITE | \
			 ACRN_MEM_TYPE_WB)
#define R_WB		(ACRN_MEM_ACCESS_READ | ACRN_MEM_TYPE_WB)
#define W_WB		(ACRN_MEM_ACCESS_WRITE | ACRN_MEM_TYPE_WB)
#define RW_UC		(ACRN_MEM_ACCESS_READ | ACRN_MEM_ACCESS_WRITE | \
			 ACRN_MEM_TYPE_UC)
#define PG		SZ_4K

/*
 * The batch and op layouts as the HSM builds them (see
 * Documentation/simulator.rst, "ACRN's guest memory map").
 */
struct test_batch {
	__le16	vmid;
	__le16	reserved[3];
	__le32	regions_num;
	__le32	pad;
	__le64	regions_gpa;
};

struct test_op {
	u32	type;
	u32	attr;
	u64	gpa;
	u64	hpa;
	u64	size;
};

static u64 pa_limit(void)
{
	return BIT_ULL(boot_cpu_data.x86_phys_bits);
}

/* How a table entry's address is meant. */
enum { ABS, BELOW_LIMIT };

struct check_case {
	const char *desc;
	u32 type;
	int gpa_rel;
	u64 gpa;
	int hpa_rel;
	u64 hpa;
	u64 size;
	int expect;
};

static const struct check_case check_cases[] = {
	{ "one page",		ADD, ABS, 0x1000, ABS, 0x100000, PG, 0 },
	{ "2 MiB",		ADD, ABS, SZ_2M, ABS, SZ_4M, SZ_2M, 0 },
	{ "size 0, any address", ADD, ABS, 0x123, ABS, 0x456, 0, 0 },
	{ "size 2 KiB",		ADD, ABS, 0x1000, ABS, 0x2000, SZ_2K, -EINVAL },
	{ "size 4 KiB + 1",	ADD, ABS, 0x1000, ABS, 0x2000, PG + 1, -EINVAL },
	{ "size 4 KiB + 1 (DEL)", DEL, ABS, 0x1000, ABS, 0, PG + 1, -EINVAL },
	{ "gpa unaligned",	ADD, ABS, 0x1800, ABS, 0x2000, PG, -EINVAL },
	{ "gpa unaligned (DEL)", DEL, ABS, 0x1800, ABS, 0, PG, -EINVAL },
	{ "hpa unaligned",	ADD, ABS, 0x1000, ABS, 0x2010, PG, -EINVAL },
	{ "hpa unaligned (DEL: not looked at)", DEL, ABS, 0x1000, ABS, 0x2010, PG, 0 },
	{ "gpa wraps",		ADD, ABS, ~0ULL - 0xfff, ABS, 0x1000, 2 * PG, -EINVAL },
	{ "gpa wraps (MODIFY)",	MODIFY, ABS, ~0ULL - 0xfff, ABS, 0, 2 * PG, -EINVAL },
	{ "hpa wraps",		ADD, ABS, 0x1000, ABS, ~0ULL - 0xfff, 2 * PG, -EINVAL },
	{ "gpa ends at the limit", ADD, BELOW_LIMIT, PG, ABS, 0x1000, PG, 0 },
	{ "gpa beyond the limit", ADD, BELOW_LIMIT, PG, ABS, 0x1000, 2 * PG, -EINVAL },
	{ "gpa at the limit",	DEL, BELOW_LIMIT, 0, ABS, 0, PG, -EINVAL },
	{ "hpa ends at the limit", ADD, ABS, 0x1000, BELOW_LIMIT, PG, PG, 0 },
	{ "hpa beyond the limit", ADD, ABS, 0x1000, BELOW_LIMIT, PG, 2 * PG, -EINVAL },
	{ "hpa beyond the limit (DEL: not looked at)", DEL, ABS, 0x1000, BELOW_LIMIT, 0, PG, 0 },
};

KUNIT_ARRAY_PARAM_DESC(check, check_cases, desc);

static void hvsim_ept_test_check(struct kunit *test)
{
	const struct check_case *c = test->param_value;
	u64 gpa = c->gpa_rel == BELOW_LIMIT ? pa_limit() - c->gpa : c->gpa;
	u64 hpa = c->hpa_rel == BELOW_LIMIT ? pa_limit() - c->hpa : c->hpa;

	KUNIT_EXPECT_EQ(test, hvsim_mr_check(c->type, gpa, hpa, c->size),
			c->expect);
}

/* A VM of the test's own, and the pages it maps; hvsim_ept_test_exit() frees them. */
struct ept_vm {
	u16 vmid;
	u16 vcpu_num;
	struct page *ioreq;
	struct page *pages[4];
	u64 *buf_gpa;
};

static long hc(unsigned long id, unsigned long p1, unsigned long p2)
{
	return hvsim_hypercall(id, p1, p2);
}

/* Create a VM named @name with @vm_flag; started with an I/O request page if @start. */
static u16 ept_vm_new(struct kunit *test, struct ept_vm *v, const char *name,
		      u64 vm_flag, bool start)
{
	struct acrn_vm_creation *cv;

	cv = kunit_kzalloc(test, sizeof(*cv), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, cv);
	strscpy(cv->uuid, name, sizeof(cv->uuid));
	cv->vm_flag = vm_flag;
	KUNIT_ASSERT_EQ(test, hc(HC_CREATE_VM, virt_to_phys(cv), 0), 0);
	KUNIT_ASSERT_NE(test, cv->vmid, ACRN_INVALID_VMID);
	v->vmid = cv->vmid;
	v->vcpu_num = cv->vcpu_num;
	if (!start)
		return v->vmid;

	if (!v->ioreq) {
		v->ioreq = alloc_page(GFP_KERNEL | __GFP_ZERO);
		KUNIT_ASSERT_NOT_NULL(test, v->ioreq);
	}
	*v->buf_gpa = page_to_phys(v->ioreq);
	KUNIT_ASSERT_EQ(test, hc(HC_SET_IOREQ_BUFFER, v->vmid,
				 virt_to_phys(v->buf_gpa)), 0);
	KUNIT_ASSERT_EQ(test, hc(HC_START_VM, v->vmid, 0), 0);
	return v->vmid;
}

static struct ept_vm *ept_vm_create(struct kunit *test, u64 vm_flag,
				    bool start)
{
	struct ept_vm *v;

	if (!hvsim_vms)
		kunit_skip(test, "no VM table (bad module parameters)");
	v = kunit_kzalloc(test, sizeof(*v), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, v);
	v->buf_gpa = kunit_kzalloc(test, sizeof(*v->buf_gpa), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, v->buf_gpa);
	test->priv = v;
	ept_vm_new(test, v, "kunit-ept", vm_flag, start);
	return v;
}

static void ept_vm_destroy(struct ept_vm *v)
{
	if (!v->vmid)
		return;
	hc(HC_PAUSE_VM, v->vmid, 0);
	hc(HC_DESTROY_VM, v->vmid, 0);
	v->vmid = 0;
}

static void hvsim_ept_test_exit(struct kunit *test)
{
	struct hvsim_fault off = {
		.hypercall = ACRN_HC_INDEX(HC_VM_SET_MEMORY_REGIONS),
	};
	struct ept_vm *v = test->priv;
	unsigned int i;

	hvsim_fault_set(&off);
	if (!v)
		return;
	/* The EPT goes with the VM: only then may its pages be freed. */
	ept_vm_destroy(v);
	if (v->ioreq)
		__free_page(v->ioreq);
	for (i = 0; i < ARRAY_SIZE(v->pages); i++)
		if (v->pages[i])
			__free_page(v->pages[i]);
	test->priv = NULL;
}

/* A zeroed page of RAM for the guest, freed after the VM. */
static struct page *ept_page(struct kunit *test, struct ept_vm *v,
			     unsigned int i)
{
	v->pages[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
	KUNIT_ASSERT_NOT_NULL(test, v->pages[i]);
	return v->pages[i];
}

#define BATCH_SIZE(n)	(sizeof(struct test_batch) + (n) * 32)

/* One SET_MEMORY_REGIONS call for @vmid with @n ops, built in @b. */
static long ept_batch_in(struct test_batch *b, u16 vmid,
			 const struct test_op *ops, u32 n)
{
	__le32 *raw = (__le32 *)(b + 1);
	u32 i;

	for (i = 0; i < n; i++, raw += 8) {
		raw[0] = cpu_to_le32(ops[i].type);
		raw[1] = cpu_to_le32(ops[i].attr);
		*(__le64 *)&raw[2] = cpu_to_le64(ops[i].gpa);
		*(__le64 *)&raw[4] = cpu_to_le64(ops[i].hpa);
		*(__le64 *)&raw[6] = cpu_to_le64(ops[i].size);
	}
	b->vmid = cpu_to_le16(vmid);
	b->regions_num = cpu_to_le32(n);
	b->regions_gpa = cpu_to_le64(virt_to_phys(b + 1));
	return hc(HC_VM_SET_MEMORY_REGIONS, virt_to_phys(b), 0);
}

static long ept_batch(struct kunit *test, u16 vmid, const struct test_op *ops,
		      u32 n)
{
	struct test_batch *b = kunit_kzalloc(test, BATCH_SIZE(n), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, b);
	return ept_batch_in(b, vmid, ops, n);
}

static long ept_op(struct kunit *test, u16 vmid, u32 type, u64 gpa, u64 hpa,
		   u64 size, u32 attr)
{
	struct test_op op = {
		.type = type, .attr = attr, .gpa = gpa, .hpa = hpa, .size = size,
	};

	return ept_batch(test, vmid, &op, 1);
}

static struct hvsim_ept_info ept_info(u16 vmid, u64 gpa)
{
	struct hvsim_ept_info info = { .vmid = vmid, .gpa = gpa };

	if (hvsim_ept_get_info(&info))
		info.flags = 0xdead;
	return info;
}

/* @gpa maps to @hpa with @attr. */
static void expect_maps(struct kunit *test, u16 vmid, u64 gpa, u64 hpa,
			u32 attr)
{
	struct hvsim_ept_info i = ept_info(vmid, gpa);

	KUNIT_EXPECT_EQ_MSG(test, i.flags, (u16)HVSIM_EPT_MAPPED, "gpa 0x%llx", gpa);
	KUNIT_EXPECT_EQ_MSG(test, i.hpa, hpa, "gpa 0x%llx", gpa);
	KUNIT_EXPECT_EQ_MSG(test, i.attr, attr, "gpa 0x%llx", gpa);
}

static void expect_unmapped(struct kunit *test, u16 vmid, u64 gpa)
{
	struct hvsim_ept_info i = ept_info(vmid, gpa);

	KUNIT_EXPECT_EQ_MSG(test, i.flags, (u16)0, "gpa 0x%llx", gpa);
	KUNIT_EXPECT_EQ_MSG(test, i.hpa, 0ULL, "gpa 0x%llx", gpa);
	KUNIT_EXPECT_EQ_MSG(test, i.attr, 0U, "gpa 0x%llx", gpa);
}

/* The counters of @vmid's EPT, and the line of the caller. */
static void expect_counters(struct kunit *test, int line, u16 vmid,
			    u64 mapped, u64 batches, u64 add, u64 del,
			    u64 failed, u64 overlaps)
{
	struct hvsim_ept_info i = ept_info(vmid, 0);

	KUNIT_EXPECT_EQ_MSG(test, i.mapped_pages, mapped, "line %d", line);
	KUNIT_EXPECT_EQ_MSG(test, i.batches, batches, "line %d", line);
	KUNIT_EXPECT_EQ_MSG(test, i.ops_add, add, "line %d", line);
	KUNIT_EXPECT_EQ_MSG(test, i.ops_del, del, "line %d", line);
	KUNIT_EXPECT_EQ_MSG(test, i.ops_failed, failed, "line %d", line);
	KUNIT_EXPECT_EQ_MSG(test, i.overlaps, overlaps, "line %d", line);
}

static void hvsim_ept_test_order(struct kunit *test)
{
	static const struct test_op add[] = {
		{ ADD, RW_WB, 0x10000, 0x200000, 2 * PG },
		{ ADD, R_WB, 0x20000, 0x300000, PG },
		{ ADD, RW_WB, 0x30000, 0x400000, SZ_2K },	/* fails */
		{ ADD, RW_WB, 0x40000, 0x500000, PG },
	};
	static const struct test_op del[] = {
		{ DEL, 0, 0x10000, 0, 2 * PG },
		{ DEL, 0, 0x30000, 0, PG },			/* not mapped */
		{ DEL, 0, 0x20000, 0, PG },
	};
	struct ept_vm *v = ept_vm_create(test, 0, false);
	struct test_batch *b;

	/* In order, up to the failing op; what came before stays. */
	KUNIT_EXPECT_EQ(test, ept_batch(test, v->vmid, add, 4), -EINVAL);
	expect_maps(test, v->vmid, 0x10000, 0x200000, RW_WB);
	expect_maps(test, v->vmid, 0x11234, 0x201234, RW_WB);
	expect_maps(test, v->vmid, 0x20000, 0x300000, R_WB);
	expect_unmapped(test, v->vmid, 0x12000);
	expect_unmapped(test, v->vmid, 0x30000);
	expect_unmapped(test, v->vmid, 0x40000);
	expect_counters(test, __LINE__, v->vmid, 3, 1, 2, 0, 1, 0);

	KUNIT_EXPECT_EQ(test, ept_batch(test, v->vmid, del, 3), -EINVAL);
	expect_unmapped(test, v->vmid, 0x10000);
	expect_unmapped(test, v->vmid, 0x11000);
	expect_maps(test, v->vmid, 0x20000, 0x300000, R_WB);
	expect_counters(test, __LINE__, v->vmid, 1, 2, 2, 1, 2, 0);

	/* No ops; an op that cannot be read fails. */
	KUNIT_EXPECT_EQ(test, ept_batch(test, v->vmid, NULL, 0), 0);
	b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, b);
	b->vmid = cpu_to_le16(v->vmid);
	b->regions_num = cpu_to_le32(1);
	b->regions_gpa = cpu_to_le64(pa_limit() - PG);
	KUNIT_EXPECT_EQ(test, hc(HC_VM_SET_MEMORY_REGIONS, virt_to_phys(b), 0),
			-EINVAL);
	/* An op array at the top of the address space. */
	b->regions_num = cpu_to_le32(2);
	b->regions_gpa = cpu_to_le64(~0ULL - 31);
	KUNIT_EXPECT_EQ(test, hc(HC_VM_SET_MEMORY_REGIONS, virt_to_phys(b), 0),
			-EINVAL);
	expect_counters(test, __LINE__, v->vmid, 1, 5, 2, 1, 4, 0);
}

static void hvsim_ept_test_del(struct kunit *test)
{
	struct ept_vm *v = ept_vm_create(test, 0, false);
	u16 id = v->vmid;

	KUNIT_ASSERT_EQ(test, ept_op(test, id, ADD, 0x100000, 0x800000, 2 * PG,
				     RW_WB), 0);
	/* Partly mapped: nothing of the op is deleted. */
	KUNIT_EXPECT_EQ(test, ept_op(test, id, DEL, 0x100000, 0, 3 * PG, 0),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, ept_op(test, id, DEL, 0x0ff000, 0, 2 * PG, 0),
			-EINVAL);
	expect_maps(test, id, 0x100000, 0x800000, RW_WB);
	expect_maps(test, id, 0x101000, 0x801000, RW_WB);
	expect_counters(test, __LINE__, id, 2, 3, 1, 0, 2, 0);

	/* MODIFY deletes, as on ACRN, and so does an unknown type. */
	KUNIT_EXPECT_EQ(test, ept_op(test, id, MODIFY, 0x100000, 0x900000, PG,
				     R_WB), 0);
	expect_unmapped(test, id, 0x100000);
	expect_maps(test, id, 0x101000, 0x801000, RW_WB);
	KUNIT_EXPECT_EQ(test, ept_op(test, id, 1, 0x101000, 0, PG, 0), 0);
	expect_unmapped(test, id, 0x101000);
	expect_counters(test, __LINE__, id, 0, 5, 1, 2, 2, 0);
	/* Deleted means unmapped: a second DEL fails. */
	KUNIT_EXPECT_EQ(test, ept_op(test, id, DEL, 0x101000, 0, PG, 0), -EINVAL);
	/* Size 0 is a no-op that succeeds, even unmapped. */
	KUNIT_EXPECT_EQ(test, ept_op(test, id, DEL, 0x555000, 0, 0, 0), 0);
	expect_counters(test, __LINE__, id, 0, 7, 1, 3, 3, 0);
}

static void hvsim_ept_test_overlap(struct kunit *test)
{
	struct ept_vm *v = ept_vm_create(test, 0, false);
	u16 id = v->vmid;

	KUNIT_ASSERT_EQ(test, ept_op(test, id, ADD, 0x201000, 0x700000, PG,
				     R_WB), 0);
	/* The mapped page keeps its mapping; the others are added. */
	KUNIT_EXPECT_EQ(test, ept_op(test, id, ADD, 0x200000, 0x900000, 3 * PG,
				     RW_UC), 0);
	expect_maps(test, id, 0x200000, 0x900000, RW_UC);
	expect_maps(test, id, 0x201000, 0x700000, R_WB);
	expect_maps(test, id, 0x202000, 0x902000, RW_UC);
	expect_counters(test, __LINE__, id, 3, 2, 2, 0, 0, 1);

	/* Only the memory type and access bits are kept. */
	KUNIT_EXPECT_EQ(test, ept_op(test, id, ADD, 0x300000, 0xa00000, PG,
				     0xffffffff), 0);
	expect_maps(test, id, 0x300000, 0xa00000, 0x7c7);
	expect_counters(test, __LINE__, id, 4, 3, 3, 0, 0, 1);
}

static void hvsim_ept_test_partial(struct kunit *test)
{
	static const struct test_op ops[] = {
		{ ADD, RW_WB, 0x400000, 0x800000, PG },
		{ ADD, RW_WB, 0x401000, 0x801000, PG },
		{ ADD, RW_WB, 0x402000, 0x802000, PG },
		{ ADD, RW_WB, 0x403000, 0x803000, PG },
	};
	struct test_op bad[4];
	struct hvsim_fault f = {
		.hypercall = ACRN_HC_INDEX(HC_VM_SET_MEMORY_REGIONS),
		.count = 1,
		.ret = -22,
		.action = HVSIM_FAULT_PARTIAL,
		.value = 2,
	};
	struct ept_vm *v = ept_vm_create(test, 0, false);
	struct hvsim_fault other = f;
	u16 id = v->vmid;

	/* SET_MEMORY_REGIONS only. */
	other.hypercall = ACRN_HC_INDEX(HC_CREATE_VM);
	KUNIT_EXPECT_EQ(test, hvsim_fault_set(&other), -EINVAL);
	other.hypercall = ACRN_HC_INDEX(HC_VM_SET_MEMORY_REGIONS) + 1;
	KUNIT_EXPECT_EQ(test, hvsim_fault_set(&other), -EINVAL);

	KUNIT_ASSERT_EQ(test, hvsim_fault_set(&f), 0);
	KUNIT_EXPECT_EQ(test, ept_batch(test, id, ops, 4), -22);
	expect_maps(test, id, 0x401000, 0x801000, RW_WB);
	expect_unmapped(test, id, 0x402000);
	expect_unmapped(test, id, 0x403000);
	expect_counters(test, __LINE__, id, 2, 1, 2, 0, 1, 0);

	/* Used up: the same batch applies all, the first two overlap. */
	KUNIT_EXPECT_EQ(test, ept_batch(test, id, ops, 4), 0);
	expect_maps(test, id, 0x403000, 0x803000, RW_WB);
	expect_counters(test, __LINE__, id, 4, 2, 6, 0, 1, 2);

	/* An op among the first @value that fails on its own wins. */
	memcpy(bad, ops, sizeof(bad));
	bad[0].gpa = 0x500000;
	bad[1].gpa = 0x501800;
	bad[2].gpa = 0x502000;
	f.value = 3;
	KUNIT_ASSERT_EQ(test, hvsim_fault_set(&f), 0);
	KUNIT_EXPECT_EQ(test, ept_batch(test, id, bad, 4), -EINVAL);
	expect_maps(test, id, 0x500000, 0x800000, RW_WB);
	expect_unmapped(test, id, 0x502000);
	expect_counters(test, __LINE__, id, 5, 3, 7, 0, 2, 2);
	/* It fired on that call all the same: used up. */
	bad[1].gpa = 0x501000;
	KUNIT_EXPECT_EQ(test, ept_batch(test, id, bad, 4), 0);
	expect_maps(test, id, 0x502000, 0x802000, RW_WB);
	expect_counters(test, __LINE__, id, 7, 4, 11, 0, 2, 4);

	/* @value beyond the batch: everything applied, then @ret. */
	f.value = 10;
	f.ret = -1;
	KUNIT_ASSERT_EQ(test, hvsim_fault_set(&f), 0);
	KUNIT_EXPECT_EQ(test, ept_op(test, id, DEL, 0x500000, 0, 3 * PG, 0), -1);
	expect_unmapped(test, id, 0x501000);
	expect_counters(test, __LINE__, id, 4, 5, 11, 1, 2, 4);
}

static void hvsim_ept_test_lifecycle(struct kunit *test)
{
	struct ept_vm *v = ept_vm_create(test, 0, false);
	struct test_batch *b;
	u16 id = v->vmid;

	KUNIT_ASSERT_EQ(test, ept_op(test, id, ADD, 0x100000, 0x200000, 2 * PG,
				     RW_WB), 0);

	/* Reset keeps the EPT and its counters. */
	KUNIT_ASSERT_EQ(test, hc(HC_PAUSE_VM, id, 0), 0);
	KUNIT_ASSERT_EQ(test, hc(HC_RESET_VM, id, 0), 0);
	expect_maps(test, id, 0x101000, 0x201000, RW_WB);
	expect_counters(test, __LINE__, id, 2, 1, 1, 0, 0, 0);

	/* Destroy clears it; the slot takes no batch. */
	KUNIT_ASSERT_EQ(test, hc(HC_PAUSE_VM, id, 0), 0);
	KUNIT_ASSERT_EQ(test, hc(HC_DESTROY_VM, id, 0), 0);
	v->vmid = 0;
	expect_unmapped(test, id, 0x101000);
	expect_counters(test, __LINE__, id, 0, 0, 0, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, ept_op(test, id, ADD, 0x100000, 0x200000, PG,
				     RW_WB), -1);
	expect_counters(test, __LINE__, id, 0, 0, 0, 0, 0, 0);

	/* A new VM starts empty. */
	ept_vm_new(test, v, "kunit-ept", 0, false);
	expect_unmapped(test, v->vmid, 0x101000);
	expect_counters(test, __LINE__, v->vmid, 0, 0, 0, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, ept_op(test, v->vmid, ADD, 0x100000, 0x300000, PG,
				     R_WB), 0);
	expect_maps(test, v->vmid, 0x100000, 0x300000, R_WB);
	expect_counters(test, __LINE__, v->vmid, 1, 1, 1, 0, 0, 0);

	/* Targets. */
	KUNIT_EXPECT_EQ(test, ept_op(test, 0, ADD, 0, 0, PG, RW_WB), -ENOTTY);
	KUNIT_EXPECT_EQ(test, ept_op(test, hvsim_max_vms, ADD, 0, 0, PG, RW_WB),
			-ENOTTY);
	KUNIT_EXPECT_EQ(test, hc(HC_VM_SET_MEMORY_REGIONS, pa_limit() - PG, 0),
			-EINVAL);
	/* The vmid is in the batch; param1's upper bits mean nothing. */
	b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, b);
	b->vmid = cpu_to_le16(v->vmid);
	KUNIT_EXPECT_EQ(test, hc(HC_VM_SET_MEMORY_REGIONS, virt_to_phys(b), 0),
			0);
	expect_counters(test, __LINE__, v->vmid, 1, 2, 1, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, ept_info(0, 0).flags, 0xdead);
	KUNIT_EXPECT_EQ(test, ept_info(hvsim_max_vms, 0).flags, 0xdead);
}

static void hvsim_ept_test_rt(struct kunit *test)
{
	struct ept_vm *v = ept_vm_create(test, HVSIM_GUEST_FLAG_RT, true);

	/* A running RT VM's memory map is fixed; the batch is counted. */
	KUNIT_EXPECT_EQ(test, ept_op(test, v->vmid, ADD, 0, 0x100000, PG, RW_WB),
			-1);
	expect_unmapped(test, v->vmid, 0);
	expect_counters(test, __LINE__, v->vmid, 0, 1, 0, 0, 0, 0);
	KUNIT_ASSERT_EQ(test, hc(HC_PAUSE_VM, v->vmid, 0), 0);
	KUNIT_EXPECT_EQ(test, ept_op(test, v->vmid, ADD, 0, 0x100000, PG, RW_WB),
			0);
	expect_counters(test, __LINE__, v->vmid, 1, 2, 1, 0, 0, 0);
}

/* The guest's memory access, with a kernel buffer. */
static int ept_mem(u16 vmid, bool write, u64 gpa, void *buf, u32 len,
		   u32 *done)
{
	struct hvsim_mem mem = {
		.vmid = vmid,
		.flags = write ? HVSIM_MEM_WRITE : 0,
		.len = len,
		.gpa = gpa,
	};
	struct kvec kv = { .iov_base = buf, .iov_len = len };
	struct iov_iter iter;
	int ret;

	iov_iter_kvec(&iter, write ? ITER_SOURCE : ITER_DEST, &kv, 1, len);
	ret = hvsim_ept_mem(&mem, &iter);
	*done = mem.done;
	return ret;
}

#define G(n)	(0x40000000ULL + (n) * PG)

/*
 * G(0) RW, G(1) R, G(2) W only, G(3) UC, G(4) not RAM, G(5) unmapped,
 * G(6) RW (the page of G(0) again), G(7) unmapped.
 */
static void ept_mem_setup(struct kunit *test, struct ept_vm *v, u8 **a,
			  u8 **b, u8 **c)
{
	u16 id = v->vmid;

	*a = page_address(ept_page(test, v, 0));
	*b = page_address(ept_page(test, v, 1));
	*c = page_address(ept_page(test, v, 2));
	memset(*a, 0xaa, PG);
	memset(*b, 0xbb, PG);
	KUNIT_ASSERT_EQ(test, ept_op(test, id, ADD, G(0), virt_to_phys(*a), PG,
				     RW_WB), 0);
	KUNIT_ASSERT_EQ(test, ept_op(test, id, ADD, G(1), virt_to_phys(*b), PG,
				     R_WB), 0);
	KUNIT_ASSERT_EQ(test, ept_op(test, id, ADD, G(2), virt_to_phys(*c), PG,
				     W_WB), 0);
	KUNIT_ASSERT_EQ(test, ept_op(test, id, ADD, G(3), virt_to_phys(*c), PG,
				     RW_UC), 0);
	KUNIT_ASSERT_EQ(test, ept_op(test, id, ADD, G(4), pa_limit() - PG, PG,
				     RW_WB), 0);
	KUNIT_ASSERT_EQ(test, ept_op(test, id, ADD, G(6), virt_to_phys(*a), PG,
				     RW_WB), 0);
}

static void hvsim_ept_test_mem(struct kunit *test)
{
	struct ept_vm *v = ept_vm_create(test, 0, false);
	u16 id = v->vmid;
	u8 *a, *b, *c, *buf;
	u32 done;

	buf = kunit_kzalloc(test, 4 * PG, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	ept_mem_setup(test, v, &a, &b, &c);

	/* Across two pages; in any VM state but powered off. */
	KUNIT_EXPECT_EQ(test, ept_mem(id, false, G(0) + 0xff8, buf, 16, &done), 0);
	KUNIT_EXPECT_EQ(test, done, 16U);
	KUNIT_EXPECT_EQ(test, buf[7], 0xaa);
	KUNIT_EXPECT_EQ(test, buf[8], 0xbb);
	KUNIT_EXPECT_EQ(test, ept_mem(id, false, G(0), buf, 2 * PG, &done), 0);
	KUNIT_EXPECT_EQ(test, done, 2 * PG);
	KUNIT_EXPECT_EQ(test, memcmp(buf, a, PG), 0);
	KUNIT_EXPECT_EQ(test, memcmp(buf + PG, b, PG), 0);

	/* A write stops at the read-only page, after the bytes before it. */
	memset(buf, 0x5a, 2 * PG);
	KUNIT_EXPECT_EQ(test, ept_mem(id, true, G(0) + 0x800, buf, 0x1000, &done),
			-EACCES);
	KUNIT_EXPECT_EQ(test, done, 0x800U);
	KUNIT_EXPECT_EQ(test, a[0x7ff], 0xaa);
	KUNIT_EXPECT_EQ(test, a[0x800], 0x5a);
	KUNIT_EXPECT_EQ(test, a[0xfff], 0x5a);
	KUNIT_EXPECT_EQ(test, b[0], 0xbb);

	/* Write-only: no read. A read runs into it after two pages. */
	KUNIT_EXPECT_EQ(test, ept_mem(id, true, G(2) + 4, buf, 4, &done), 0);
	KUNIT_EXPECT_EQ(test, c[4], 0x5a);
	KUNIT_EXPECT_EQ(test, ept_mem(id, false, G(2), buf, 1, &done), -EACCES);
	KUNIT_EXPECT_EQ(test, done, 0U);
	KUNIT_EXPECT_EQ(test, ept_mem(id, false, G(0), buf, 3 * PG, &done),
			-EACCES);
	KUNIT_EXPECT_EQ(test, done, 2 * PG);

	/* Uncached, not RAM, unmapped. */
	KUNIT_EXPECT_EQ(test, ept_mem(id, false, G(3), buf, 1, &done), -EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, ept_mem(id, true, G(4), buf, 1, &done), -EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, ept_mem(id, false, G(7) - 2, buf, 4, &done), -ENXIO);
	KUNIT_EXPECT_EQ(test, done, 2U);
	KUNIT_EXPECT_EQ(test, ept_mem(id, false, G(5), buf, 4, &done), -ENXIO);
	KUNIT_EXPECT_EQ(test, ept_mem(id, false, G(0) - 4, buf, 8, &done), -ENXIO);

	/* Bad arguments. */
	KUNIT_EXPECT_EQ(test, ept_mem(id, false, G(0), buf, 0, &done), -EINVAL);
	KUNIT_EXPECT_EQ(test, ept_mem(id, false, ~0ULL, buf, 2, &done), -EINVAL);
	KUNIT_EXPECT_EQ(test, ept_mem(0, false, G(0), buf, 1, &done), -ENOENT);
	KUNIT_EXPECT_EQ(test, ept_mem(hvsim_max_vms, false, G(0), buf, 1, &done),
			-ENOENT);
	{
		struct hvsim_mem m = { .vmid = id, .len = 1, .gpa = G(0) };
		struct iov_iter it;
		struct kvec kv = { .iov_base = buf, .iov_len = 1 };

		iov_iter_kvec(&it, ITER_DEST, &kv, 1, 1);
		m.flags = 2;
		KUNIT_EXPECT_EQ(test, hvsim_ept_mem(&m, &it), -EINVAL);
		m.flags = 0;
		m.reserved = 1;
		KUNIT_EXPECT_EQ(test, hvsim_ept_mem(&m, &it), -EINVAL);
		m.reserved = 0;
		m.len = HVSIM_MEM_MAX_LEN + 1;
		KUNIT_EXPECT_EQ(test, hvsim_ept_mem(&m, &it), -EINVAL);
	}

	/* Deleted: unmapped. Destroyed: no VM. */
	KUNIT_ASSERT_EQ(test, ept_op(test, id, DEL, G(1), 0, PG, 0), 0);
	KUNIT_EXPECT_EQ(test, ept_mem(id, false, G(1), buf, 1, &done), -ENXIO);
	ept_vm_destroy(v);
	KUNIT_EXPECT_EQ(test, ept_mem(id, false, G(0), buf, 1, &done), -ENOENT);
}

static struct hvsim_upcall ept_upcall = HVSIM_UPCALL_INIT(ept_upcall);

static struct hvsim_io ept_io(u16 vmid, u32 dir, u32 size, u64 addr, u64 value)
{
	struct hvsim_io io = {
		.vmid = vmid,
		.type = ACRN_IOREQ_TYPE_MMIO,
		.direction = dir,
		.size = size,
		.address = addr,
		.value = value,
		.timeout_ms = 20,
		.flags = HVSIM_IO_NO_UPCALL,
	};

	return io;
}

static void hvsim_ept_test_mmio(struct kunit *test)
{
	struct ept_vm *v = ept_vm_create(test, 0, true);
	struct hvsim_stats *s0, *s1;
	struct acrn_io_request *slot;
	u16 id = v->vmid;
	struct hvsim_io io;
	u8 *a, *b, *c;

	s0 = kunit_kzalloc(test, sizeof(*s0), GFP_KERNEL);
	s1 = kunit_kzalloc(test, sizeof(*s1), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s0);
	KUNIT_ASSERT_NOT_NULL(test, s1);
	ept_mem_setup(test, v, &a, &b, &c);
	memset(a, 0, PG);
	hvsim_stats_get(s0);

	/* Little endian, masked to the size, no request. */
	io = ept_io(id, ACRN_IOREQ_DIR_WRITE, 4, G(0) + 0x10, 0x11223344aabbccddULL);
	KUNIT_EXPECT_EQ(test, hvsim_guest_io(&io, &ept_upcall, false, NULL), 0);
	KUNIT_EXPECT_EQ(test, a[0x10], 0xdd);
	KUNIT_EXPECT_EQ(test, a[0x13], 0xaa);
	KUNIT_EXPECT_EQ(test, a[0x14], 0);
	io = ept_io(id, ACRN_IOREQ_DIR_READ, 8, G(0) + 0x10, 0x77);
	KUNIT_EXPECT_EQ(test, hvsim_guest_io(&io, &ept_upcall, false, NULL), 0);
	KUNIT_EXPECT_EQ(test, io.value, 0xaabbccddULL);
	io = ept_io(id, ACRN_IOREQ_DIR_READ, 8, G(1) - 4, 0);
	KUNIT_EXPECT_EQ(test, hvsim_guest_io(&io, &ept_upcall, false, NULL), 0);
	KUNIT_EXPECT_EQ(test, io.value, 0xbbbbbbbb00000000ULL);

	/* Rights; an access across pages checks both before writing. */
	io = ept_io(id, ACRN_IOREQ_DIR_WRITE, 2, G(1), 0);
	KUNIT_EXPECT_EQ(test, hvsim_guest_io(&io, &ept_upcall, false, NULL),
			-EACCES);
	io = ept_io(id, ACRN_IOREQ_DIR_WRITE, 8, G(1) - 4, ~0ULL);
	KUNIT_EXPECT_EQ(test, hvsim_guest_io(&io, &ept_upcall, false, NULL),
			-EACCES);
	KUNIT_EXPECT_EQ(test, a[PG - 1], 0);
	io = ept_io(id, ACRN_IOREQ_DIR_READ, 4, G(3), 0);
	KUNIT_EXPECT_EQ(test, hvsim_guest_io(&io, &ept_upcall, false, NULL),
			-EOPNOTSUPP);
	/* The first page mapped, the second not: an EPT violation. */
	io = ept_io(id, ACRN_IOREQ_DIR_READ, 8, G(7) - 4, 0);
	KUNIT_EXPECT_EQ(test, hvsim_guest_io(&io, &ept_upcall, false, NULL),
			-ENXIO);
	io = ept_io(id, ACRN_IOREQ_DIR_READ, 4, G(0) - 2, 0);
	/* First byte unmapped: it traps, and nobody answers. */
	KUNIT_EXPECT_EQ(test, hvsim_guest_io(&io, &ept_upcall, false, NULL),
			-ETIMEDOUT);
	slot = &((struct acrn_io_request_buffer *)page_address(v->ioreq))->req_slot[0];
	KUNIT_EXPECT_EQ(test, slot->reqs.mmio_request.address, G(0) - 2);
	KUNIT_EXPECT_EQ(test, atomic64_read(&ept_upcall.raised), 0);
	hvsim_stats_get(s1);
	KUNIT_EXPECT_EQ(test, s1->io_requests - s0->io_requests, 1ULL);

	/* A memory access needs a running VM too. */
	KUNIT_ASSERT_EQ(test, hc(HC_PAUSE_VM, id, 0), 0);
	io = ept_io(id, ACRN_IOREQ_DIR_READ, 4, G(0), 0);
	KUNIT_EXPECT_EQ(test, hvsim_guest_io(&io, &ept_upcall, false, NULL),
			-EBUSY);
	io.vcpu = v->vcpu_num;
	KUNIT_EXPECT_EQ(test, hvsim_guest_io(&io, &ept_upcall, false, NULL),
			-ENOENT);
}

/* A thread adding pages until its VM is gone. */
struct ept_racer {
	u16 vmid;
	long ret;
	unsigned long batches;
	struct completion done;
};

static int ept_racer_fn(void *data)
{
	struct ept_racer *r = data;
	struct test_batch *b;
	struct test_op *ops;
	unsigned int i;

	ops = kcalloc(64, sizeof(*ops), GFP_KERNEL);
	b = kzalloc(BATCH_SIZE(64), GFP_KERNEL);
	r->ret = -ENOMEM;
	if (!ops || !b)
		goto out;
	do {
		for (i = 0; i < 64; i++) {
			ops[i].type = ADD;
			ops[i].attr = RW_WB;
			ops[i].gpa = PFN_PHYS(r->batches * 64 + i);
			ops[i].hpa = 0x100000;
			ops[i].size = PG;
		}
		r->ret = ept_batch_in(b, r->vmid, ops, 64);
		r->batches++;
	} while (!r->ret && r->batches < 100000);
out:
	kfree(b);
	kfree(ops);
	kthread_complete_and_exit(&r->done, 0);
}

static void hvsim_ept_test_destroy_race(struct kunit *test)
{
	struct ept_vm *v = ept_vm_create(test, 0, false);
	struct task_struct *task;
	struct ept_racer *r;
	u16 id = v->vmid;

	r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	r->vmid = id;
	init_completion(&r->done);
	task = kthread_run(ept_racer_fn, r, "kunit-ept-racer");
	KUNIT_ASSERT_FALSE(test, IS_ERR(task));
	msleep(50);
	ept_vm_destroy(v);
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&r->done, 30 * HZ));
	KUNIT_EXPECT_EQ(test, r->ret, -1L);
	/* Whatever it was doing, the slot kept nothing. */
	expect_counters(test, __LINE__, id, 0, 0, 0, 0, 0, 0);
	ept_vm_new(test, v, "kunit-ept", 0, false);
	expect_counters(test, __LINE__, v->vmid, 0, 0, 0, 0, 0, 0);
	kunit_info(test, "%lu batches before the destroy\n", r->batches);
}

/*
 * 16 MiB of scattered 4 KiB pages, 127 ops per batch, as the HSM sends
 * them. Small: it runs in every make check VM under KASAN; mm_memseg's
 * ram_4k_big maps 520 MiB this way through the HSM.
 */
static void hvsim_ept_test_scale(struct kunit *test)
{
	const u32 pages = SZ_16M / PG, per = 127;
	struct ept_vm *v = ept_vm_create(test, 0, false);
	struct test_op *ops;
	u64 t0, t1;
	u32 p, i, n;

	ops = kunit_kcalloc(test, per, sizeof(*ops), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ops);
	t0 = ktime_get_ns();
	for (p = 0; p < pages; p += n) {
		n = min(per, pages - p);
		for (i = 0; i < n; i++) {
			ops[i].type = ADD;
			ops[i].attr = RW_WB;
			ops[i].gpa = PFN_PHYS((u64)p + i);
			/* Scattered host pages, as pinned ones are. */
			ops[i].hpa = PFN_PHYS(((u64)(p + i) * 7919) % pages);
			ops[i].size = PG;
		}
		KUNIT_ASSERT_EQ(test, ept_batch(test, v->vmid, ops, n), 0);
	}
	t1 = ktime_get_ns();
	expect_counters(test, __LINE__, v->vmid, pages, DIV_ROUND_UP(pages, per), pages,
			0, 0, 0);
	expect_maps(test, v->vmid, SZ_16M - PG,
		    PFN_PHYS(((u64)(pages - 1) * 7919) % pages), RW_WB);
	kunit_info(test, "16 MiB in 4 KiB pages mapped in %llu ms\n",
		   (t1 - t0) / NSEC_PER_MSEC);
	/* One op deletes it all. */
	KUNIT_EXPECT_EQ(test, ept_op(test, v->vmid, DEL, 0, 0, SZ_16M, 0), 0);
	expect_counters(test, __LINE__, v->vmid, 0, DIV_ROUND_UP(pages, per) + 1, pages,
			1, 0, 0);
	kunit_info(test, "and deleted in %llu ms\n",
		   (ktime_get_ns() - t1) / NSEC_PER_MSEC);
}

/*
 * An ADD that would take the EPT beyond HVSIM_EPT_MAX_PAGES fails with
 * -EINVAL at once, having reserved nothing: a 512 GiB MMIO segment used
 * to reserve 2^27 slots first.
 */
static void hvsim_ept_test_limit(struct kunit *test)
{
	struct ept_vm *v = ept_vm_create(test, 0, false);
	u64 max = PFN_PHYS(HVSIM_EPT_MAX_PAGES);
	u16 id = v->vmid;
	u64 t0;

	KUNIT_ASSERT_EQ(test, ept_op(test, id, ADD, 0, 0x700000, 2 * PG,
				     RW_WB), 0);
	t0 = ktime_get_ns();
	KUNIT_EXPECT_EQ(test, ept_op(test, id, ADD, 0x100000, 0, max - PG,
				     RW_UC), -EINVAL);
	KUNIT_EXPECT_EQ(test, ept_op(test, id, ADD, 0, 0, max + PG, RW_UC),
			-EINVAL);
	if (pa_limit() >= SZ_1G * 1024ULL)
		KUNIT_EXPECT_EQ(test, ept_op(test, id, ADD, 0, 0, SZ_1G * 512ULL,
					     RW_UC), -EINVAL);
	/* Refused up front, not after reserving gigabytes of slots. */
	KUNIT_EXPECT_LT(test, ktime_get_ns() - t0, 2 * NSEC_PER_SEC);
	expect_maps(test, id, 0, 0x700000, RW_WB);
	expect_unmapped(test, id, 0x100000);
	KUNIT_EXPECT_EQ(test, ept_info(id, 0).mapped_pages, 2ULL);
	KUNIT_EXPECT_EQ(test, ept_info(id, 0).ops_add, 1ULL);
	/* The EPT still takes what fits. */
	KUNIT_EXPECT_EQ(test, ept_op(test, id, ADD, 0x100000, 0x800000, PG,
				     RW_WB), 0);
}

static struct kunit_case hvsim_ept_test_cases[] = {
	KUNIT_CASE_PARAM(hvsim_ept_test_check, check_gen_params),
	KUNIT_CASE(hvsim_ept_test_order),
	KUNIT_CASE(hvsim_ept_test_del),
	KUNIT_CASE(hvsim_ept_test_overlap),
	KUNIT_CASE(hvsim_ept_test_partial),
	KUNIT_CASE(hvsim_ept_test_lifecycle),
	KUNIT_CASE(hvsim_ept_test_rt),
	KUNIT_CASE(hvsim_ept_test_mem),
	KUNIT_CASE(hvsim_ept_test_mmio),
	KUNIT_CASE(hvsim_ept_test_destroy_race),
	KUNIT_CASE(hvsim_ept_test_scale),
	KUNIT_CASE(hvsim_ept_test_limit),
	{}
};

static struct kunit_suite hvsim_ept_test_suite = {
	.name = "acrn_hvsim_ept",
	.suite_init = hvsim_kunit_suite_init,
	.exit = hvsim_ept_test_exit,
	.test_cases = hvsim_ept_test_cases,
};

kunit_test_suites(&hvsim_ept_test_suite);
