// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the I/O request path: validation, range matching, the
 * PCI configuration combiner, and the slot state machine with clients on
 * a VM that exists only in the test (its "shared page" is a kernel page
 * the test plays the hypervisor on).
 *
 * Every request is made in completion-polling mode, so no completion
 * hypercall is needed and no hypervisor backend is involved; in-kernel
 * clients are IRQ-safe, so nothing is deferred to the module's workqueue.
 * Nothing depends on module_init having run.
 */

#include <kunit/test.h>
#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "../../acrn_drv.h"

#define PIO	ACRN_IOREQ_TYPE_PORTIO
#define MMIO	ACRN_IOREQ_TYPE_MMIO
#define RD	ACRN_IOREQ_DIR_READ
#define WR	ACRN_IOREQ_DIR_WRITE

static void make_req(struct acrn_io_request *req, u32 type, u32 dir,
		     u64 addr, u64 size, u64 value)
{
	memset(req, 0, sizeof(*req));
	req->type = type;
	req->completion_polling = 1;
	if (type == MMIO) {
		req->reqs.mmio_request.direction = dir;
		req->reqs.mmio_request.address = addr;
		req->reqs.mmio_request.size = size;
		req->reqs.mmio_request.value = value;
	} else {
		req->reqs.pio_request.direction = dir;
		req->reqs.pio_request.address = addr;
		req->reqs.pio_request.size = size;
		req->reqs.pio_request.value = value;
	}
}

/* Validation */

struct valid_case {
	const char *desc;
	u32 type, dir;
	u64 addr, size;
	bool expect;
};

static const struct valid_case valid_cases[] = {
	{ "pio 1 byte",			PIO, WR, 0x3f8, 1, true },
	{ "pio 2 bytes",		PIO, RD, 0x3f8, 2, true },
	{ "pio 4 bytes",		PIO, WR, 0xcfc, 4, true },
	{ "pio 3 bytes",		PIO, WR, 0x3f8, 3, false },
	{ "pio 8 bytes",		PIO, WR, 0x3f8, 8, false },
	{ "pio 0 bytes",		PIO, WR, 0x3f8, 0, false },
	{ "pio last port",		PIO, RD, 0xffff, 1, true },
	{ "pio past the last port",	PIO, RD, 0xffff, 2, false },
	{ "pio port above 64K",		PIO, RD, 0x10000, 1, false },
	{ "pio direction 2",		PIO, 2, 0x3f8, 1, false },
	{ "mmio 8 bytes",		MMIO, RD, 0xfed00000, 8, true },
	{ "mmio 16 bytes",		MMIO, RD, 0xfed00000, 16, false },
	{ "mmio at the top",		MMIO, WR, ~0ULL - 7, 8, true },
	{ "mmio wrapping",		MMIO, WR, ~0ULL - 3, 8, false },
	{ "mmio huge size",		MMIO, WR, 0x1000, ~0ULL, false },
	{ "pcicfg from the page",	ACRN_IOREQ_TYPE_PCICFG, RD, 0, 4, false },
	{ "write-protect fault",	3, WR, 0x2000, 4, true },
	{ "unknown type",		7, WR, 0x2000, 4, false },
};

KUNIT_ARRAY_PARAM_DESC(valid, valid_cases, desc);

static void ioreq_test_valid(struct kunit *test)
{
	const struct valid_case *c = test->param_value;
	struct acrn_io_request *req = kunit_kzalloc(test, sizeof(*req), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, req);
	make_req(req, c->type == 3 ? MMIO : c->type, c->dir, c->addr, c->size, 0);
	req->type = c->type;
	KUNIT_EXPECT_EQ(test, acrn_ioreq_valid(req), c->expect);
}

/* Range matching */

struct range_case {
	const char *desc;
	u32 range_type;
	u64 start, end;
	u32 type;
	u64 addr, size;
	bool expect;
};

static const struct range_case range_cases[] = {
	{ "inside",		PIO, 0x3f8, 0x3ff, PIO, 0x3f9, 1, true },
	{ "first byte",		PIO, 0x3f8, 0x3ff, PIO, 0x3f8, 1, true },
	{ "last byte",		PIO, 0x3f8, 0x3ff, PIO, 0x3ff, 1, true },
	{ "ends on end",	PIO, 0x3f8, 0x3ff, PIO, 0x3fc, 4, true },
	{ "crosses end",	PIO, 0x3f8, 0x3ff, PIO, 0x3fe, 4, false },
	{ "crosses start",	PIO, 0x3f8, 0x3ff, PIO, 0x3f7, 2, false },
	{ "before",		PIO, 0x3f8, 0x3ff, PIO, 0x3f0, 1, false },
	{ "after",		PIO, 0x3f8, 0x3ff, PIO, 0x400, 1, false },
	{ "other type",		PIO, 0x3f8, 0x3ff, MMIO, 0x3f8, 1, false },
	{ "one-byte range",	MMIO, 0x1000, 0x1000, MMIO, 0x1000, 1, true },
	{ "one-byte range, 2 bytes", MMIO, 0x1000, 0x1000, MMIO, 0x1000, 2, false },
	{ "8 bytes at top",	MMIO, ~0ULL - 7, ~0ULL, MMIO, ~0ULL - 7, 8, true },
	{ "whole space",	MMIO, 0, ~0ULL, MMIO, 0x1234, 8, true },
};

KUNIT_ARRAY_PARAM_DESC(range, range_cases, desc);

static void ioreq_test_in_range(struct kunit *test)
{
	const struct range_case *c = test->param_value;
	struct acrn_io_request *req = kunit_kzalloc(test, sizeof(*req), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, req);
	make_req(req, c->type, WR, c->addr, c->size, 0);
	KUNIT_EXPECT_EQ(test, acrn_ioreq_in_range(c->range_type, c->start,
						  c->end, req), c->expect);
}

/* The PCI configuration combiner */

#define CFG(bus, dev, fn, reg, ext) (0x80000000U | (ext) << 24 | (bus) << 16 | \
				     (dev) << 11 | (fn) << 8 | (reg))

struct pci_case {
	const char *desc;
	u32 conf_addr;
	u32 dir;
	u64 port, size;
	u32 value;
	int expect;
	u32 conf_after;		/* latched address afterwards */
	u32 value_after;	/* DONE reads */
	u32 bus, dev, func, reg; /* CONVERTED */
};

static const struct pci_case pci_cases[] = {
	{ "cf8 write latches", 0, WR, 0xcf8, 4, CFG(1, 2, 3, 0x10, 0),
	  ACRN_PCI_CFG_DONE, CFG(1, 2, 3, 0x10, 0) },
	{ "cf8 read returns the latch", CFG(0, 3, 0, 0, 0), RD, 0xcf8, 4, 0,
	  ACRN_PCI_CFG_DONE, CFG(0, 3, 0, 0, 0), CFG(0, 3, 0, 0, 0) },
	{ "cf8 one byte is plain port I/O", 0x1234, WR, 0xcf8, 1, 0xff,
	  ACRN_PCI_CFG_PASS, 0x1234 },
	{ "cf8 two bytes is plain port I/O", 0x1234, RD, 0xcf8, 2, 0,
	  ACRN_PCI_CFG_PASS, 0x1234 },
	{ "cf9 is not the address port", 0x1234, WR, 0xcf9, 1, 6,
	  ACRN_PCI_CFG_PASS, 0x1234 },
	{ "disabled read is all ones", CFG(0, 3, 0, 0, 0) & ~0x80000000U, RD,
	  0xcfc, 4, 0, ACRN_PCI_CFG_DONE, CFG(0, 3, 0, 0, 0) & ~0x80000000U,
	  0xffffffff },
	{ "disabled write is dropped", 0x00001800, WR, 0xcfe, 2, 0xbeef,
	  ACRN_PCI_CFG_DONE, 0x00001800 },
	{ "dword read", CFG(0, 3, 0, 0, 0), RD, 0xcfc, 4, 0,
	  ACRN_PCI_CFG_CONVERTED, CFG(0, 3, 0, 0, 0), 0, 0, 3, 0, 0 },
	{ "bus dev func reg", CFG(0xab, 0x1f, 7, 0xfc, 0), WR, 0xcfc, 4, 0x5a5a,
	  ACRN_PCI_CFG_CONVERTED, CFG(0xab, 0x1f, 7, 0xfc, 0), 0,
	  0xab, 0x1f, 7, 0xfc },
	{ "word at offset 2", CFG(0, 1, 2, 0x04, 0), RD, 0xcfe, 2, 0,
	  ACRN_PCI_CFG_CONVERTED, CFG(0, 1, 2, 0x04, 0), 0, 0, 1, 2, 0x06 },
	{ "byte at offset 3", CFG(0, 1, 0, 0x3c, 0), RD, 0xcff, 1, 0,
	  ACRN_PCI_CFG_CONVERTED, CFG(0, 1, 0, 0x3c, 0), 0, 0, 1, 0, 0x3f },
	{ "extended register bits", CFG(2, 4, 1, 0x40, 0xa), RD, 0xcfc, 4, 0,
	  ACRN_PCI_CFG_CONVERTED, CFG(2, 4, 1, 0x40, 0xa), 0, 2, 4, 1, 0xa40 },
	{ "extended register, all bits", CFG(0, 0, 0, 0xfc, 0xf), RD, 0xcfd, 1, 0,
	  ACRN_PCI_CFG_CONVERTED, CFG(0, 0, 0, 0xfc, 0xf), 0, 0, 0, 0, 0xffd },
	{ "low address bits ignored", CFG(0, 3, 0, 0x10, 0) | 3, RD, 0xcfc, 4, 0,
	  ACRN_PCI_CFG_CONVERTED, CFG(0, 3, 0, 0x10, 0) | 3, 0, 0, 3, 0, 0x10 },
	{ "dword at cfd crosses the window", CFG(0, 3, 0, 0, 0), RD, 0xcfd, 4, 0,
	  ACRN_PCI_CFG_PASS, CFG(0, 3, 0, 0, 0) },
	{ "cfb is outside", CFG(0, 3, 0, 0, 0), RD, 0xcfb, 1, 0,
	  ACRN_PCI_CFG_PASS, CFG(0, 3, 0, 0, 0) },
	{ "d00 is outside", CFG(0, 3, 0, 0, 0), RD, 0xd00, 1, 0,
	  ACRN_PCI_CFG_PASS, CFG(0, 3, 0, 0, 0) },
};

KUNIT_ARRAY_PARAM_DESC(pci, pci_cases, desc);

static void ioreq_test_pci_cfg(struct kunit *test)
{
	const struct pci_case *c = test->param_value;
	struct acrn_io_request *req = kunit_kzalloc(test, sizeof(*req), GFP_KERNEL);
	const struct acrn_pci_request *pci = &req->reqs.pci_request;
	u32 conf = c->conf_addr;

	KUNIT_ASSERT_NOT_NULL(test, req);
	make_req(req, PIO, c->dir, c->port, c->size, c->value);
	KUNIT_ASSERT_EQ(test, acrn_ioreq_pci_cfg(&conf, req), c->expect);
	KUNIT_EXPECT_EQ(test, conf, c->conf_after);

	switch (c->expect) {
	case ACRN_PCI_CFG_PASS:
		KUNIT_EXPECT_EQ(test, req->type, (u32)PIO);
		KUNIT_EXPECT_EQ(test, req->reqs.pio_request.value, c->value);
		break;
	case ACRN_PCI_CFG_DONE:
		KUNIT_EXPECT_EQ(test, req->type, (u32)PIO);
		if (c->dir == RD)
			KUNIT_EXPECT_EQ(test, req->reqs.pio_request.value,
					c->value_after);
		break;
	case ACRN_PCI_CFG_CONVERTED:
		KUNIT_EXPECT_EQ(test, req->type, (u32)ACRN_IOREQ_TYPE_PCICFG);
		KUNIT_EXPECT_EQ(test, pci->direction, c->dir);
		KUNIT_EXPECT_EQ(test, pci->size, (s64)c->size);
		KUNIT_EXPECT_EQ(test, pci->value, (s32)c->value);
		KUNIT_EXPECT_EQ(test, pci->bus, c->bus);
		KUNIT_EXPECT_EQ(test, pci->dev, c->dev);
		KUNIT_EXPECT_EQ(test, pci->func, c->func);
		KUNIT_EXPECT_EQ(test, pci->reg, c->reg);
		/* The PIO view keeps direction, size and value in place. */
		KUNIT_EXPECT_EQ(test, req->reqs.pio_request.size, c->size);
		break;
	}
}

/* The state machine, on a VM that exists only in the test */

static struct acrn_vm *fake_vm_create(struct kunit *test, u16 vcpus)
{
	struct acrn_vm *vm = kunit_kzalloc(test, sizeof(*vm), GFP_KERNEL);
	struct page *page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	int i;

	KUNIT_ASSERT_NOT_NULL(test, vm);
	KUNIT_ASSERT_NOT_NULL(test, page);
	acrn_ioreq_vm_init(vm);
	vm->vmid = 1;
	vm->vcpu_num = vcpus;
	vm->ioreq.page = page;
	vm->ioreq.buf = page_address(page);
	for (i = 0; i < ACRN_IO_REQUEST_MAX; i++)
		vm->ioreq.buf->req_slot[i].processed = ACRN_IOREQ_STATE_FREE;
	return vm;
}

static void fake_vm_destroy(struct acrn_vm *vm)
{
	acrn_ioreq_vm_deinit(vm);
	__free_page(vm->ioreq.page);
}

/* Play the hypervisor: publish a request in slot @vcpu. */
static void guest_access(struct acrn_vm *vm, unsigned int vcpu, u32 type,
			 u32 dir, u64 addr, u64 size, u64 value)
{
	struct acrn_io_request *slot = &vm->ioreq.buf->req_slot[vcpu];

	make_req(slot, type, dir, addr, size, value);
	slot->processed = ACRN_IOREQ_STATE_FREE;
	/* The request body before PENDING, as the hypervisor does. */
	smp_store_release(&slot->processed, ACRN_IOREQ_STATE_PENDING);
	acrn_ioreq_dispatch(vm);
}

static u32 slot_state(struct acrn_vm *vm, unsigned int vcpu)
{
	/* A completed request's value is read after its state. */
	return smp_load_acquire(&vm->ioreq.buf->req_slot[vcpu].processed);
}

static u64 slot_value(struct acrn_vm *vm, unsigned int vcpu)
{
	struct acrn_io_request *slot = &vm->ioreq.buf->req_slot[vcpu];

	return slot->type == MMIO ? slot->reqs.mmio_request.value :
				    slot->reqs.pio_request.value;
}

/* The hypervisor frees a completed slot. */
static void hv_free(struct acrn_vm *vm, unsigned int vcpu)
{
	WRITE_ONCE(vm->ioreq.buf->req_slot[vcpu].processed, ACRN_IOREQ_STATE_FREE);
}

static int notify(struct acrn_vm *vm, u32 vcpu)
{
	struct acrn_ioreq_notify n = { .vmid = vm->vmid, .vcpu = vcpu };

	return acrn_ioreq_notify(vm, &n);
}

static void ioreq_test_default_client(struct kunit *test)
{
	struct acrn_vm *vm = fake_vm_create(test, 4);
	struct acrn_ioreq_notify bad = { .reserved = 1, .vcpu = 0 };
	struct acrn_io_request *slot = &vm->ioreq.buf->req_slot[1];

	/* No client yet: the request waits, PENDING. */
	guest_access(vm, 1, PIO, WR, 0x3f8, 1, 'A');
	KUNIT_EXPECT_EQ(test, slot_state(vm, 1), ACRN_IOREQ_STATE_PENDING);
	KUNIT_EXPECT_EQ(test, notify(vm, 1), -EINVAL);

	/* The device model's client gets it when it appears. */
	KUNIT_ASSERT_EQ(test, acrn_ioreq_default_client_create(vm), 0);
	KUNIT_EXPECT_EQ(test, acrn_ioreq_default_client_create(vm), -EEXIST);
	KUNIT_EXPECT_EQ(test, slot_state(vm, 1), ACRN_IOREQ_STATE_PROCESSING);
	KUNIT_EXPECT_EQ(test, slot->kernel_handled, 0U);

	/* NOTIFY checks: reserved, vCPU range in 32 bits, ownership. */
	KUNIT_EXPECT_EQ(test, acrn_ioreq_notify(vm, &bad), -EINVAL);
	KUNIT_EXPECT_EQ(test, notify(vm, 4), -EINVAL);
	KUNIT_EXPECT_EQ(test, notify(vm, 0x10001), -EINVAL);
	KUNIT_EXPECT_EQ(test, notify(vm, 0), -EINVAL);	/* FREE slot */

	/* The device model answers; NOTIFY completes; once only. */
	slot->reqs.pio_request.value = 0x42;
	KUNIT_EXPECT_EQ(test, notify(vm, 1), 0);
	KUNIT_EXPECT_EQ(test, slot_state(vm, 1), ACRN_IOREQ_STATE_COMPLETE);
	KUNIT_EXPECT_EQ(test, slot_value(vm, 1), 0x42ULL);
	KUNIT_EXPECT_EQ(test, notify(vm, 1), -EINVAL);

	/* The device model writing PENDING over a slot it owns changes nothing. */
	hv_free(vm, 1);
	guest_access(vm, 2, PIO, RD, 0x3fd, 1, 0);
	WRITE_ONCE(vm->ioreq.buf->req_slot[2].processed, ACRN_IOREQ_STATE_PENDING);
	acrn_ioreq_dispatch(vm);
	KUNIT_EXPECT_EQ(test, notify(vm, 2), 0);
	KUNIT_EXPECT_EQ(test, notify(vm, 2), -EINVAL);

	fake_vm_destroy(vm);
}

static void ioreq_test_destroy_completes(struct kunit *test)
{
	struct acrn_vm *vm = fake_vm_create(test, 2);

	KUNIT_ASSERT_EQ(test, acrn_ioreq_default_client_create(vm), 0);
	guest_access(vm, 0, MMIO, RD, 0x1000, 4, 0x1234);
	guest_access(vm, 1, PIO, WR, 0x80, 1, 0x55);
	KUNIT_EXPECT_EQ(test, slot_state(vm, 0), ACRN_IOREQ_STATE_PROCESSING);

	/* Destroying the client completes what it owned: reads read ~0. */
	KUNIT_EXPECT_EQ(test, acrn_ioreq_default_client_destroy(vm), 0);
	KUNIT_EXPECT_EQ(test, acrn_ioreq_default_client_destroy(vm), -ENODEV);
	KUNIT_EXPECT_EQ(test, slot_state(vm, 0), ACRN_IOREQ_STATE_COMPLETE);
	KUNIT_EXPECT_EQ(test, slot_state(vm, 1), ACRN_IOREQ_STATE_COMPLETE);
	KUNIT_EXPECT_EQ(test, slot_value(vm, 0), ~0ULL);
	KUNIT_EXPECT_EQ(test, slot_value(vm, 1), 0x55ULL);

	fake_vm_destroy(vm);
}

struct kclient {
	struct acrn_ioreq_client *client;
	u64 value;
	int ret;
	unsigned int calls;
};

static int kclient_handler(struct acrn_ioreq_client *client,
			   struct acrn_io_request *req)
{
	struct kclient *kc = acrn_ioreq_client_priv(client);

	kc->calls++;
	if (kc->ret == ACRN_IOREQ_PASS)
		return kc->ret;
	if (req->type == MMIO)
		req->reqs.mmio_request.value = kc->value;
	else
		req->reqs.pio_request.value = kc->value;
	return kc->ret;
}

static void kclient_create(struct kunit *test, struct acrn_vm *vm,
			   struct kclient *kc, u64 value, int ret)
{
	kc->value = value;
	kc->ret = ret;
	kc->calls = 0;
	kc->client = acrn_ioreq_client_create(vm, "test", kclient_handler, kc,
					      ACRN_IOREQ_CLIENT_IRQSAFE);
	KUNIT_ASSERT_FALSE(test, IS_ERR(kc->client));
}

/* Read on vCPU 0 and return what the guest would see, or ~1 if not complete. */
static u64 guest_read(struct acrn_vm *vm, u32 type, u64 addr, u64 size)
{
	u64 v;

	guest_access(vm, 0, type, RD, addr, size, 0);
	if (slot_state(vm, 0) != ACRN_IOREQ_STATE_COMPLETE)
		return ~1ULL;
	v = slot_value(vm, 0);
	hv_free(vm, 0);
	return v;
}

static void ioreq_test_precedence(struct kunit *test)
{
	struct acrn_vm *vm = fake_vm_create(test, 2);
	struct kclient a, b;

	KUNIT_ASSERT_EQ(test, acrn_ioreq_default_client_create(vm), 0);
	kclient_create(test, vm, &a, 0xa, 0);
	kclient_create(test, vm, &b, 0xb, 0);
	KUNIT_EXPECT_EQ(test, acrn_ioreq_range_add(a.client, PIO, 0x200, 0x1ff),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, acrn_ioreq_range_add(a.client, 2, 0, 1), -EINVAL);
	KUNIT_ASSERT_EQ(test, acrn_ioreq_range_add(a.client, PIO, 0x100, 0x1ff), 0);
	KUNIT_ASSERT_EQ(test, acrn_ioreq_range_add(b.client, PIO, 0x150, 0x15f), 0);
	KUNIT_ASSERT_EQ(test, acrn_ioreq_range_add(b.client, MMIO, 0x150, 0x15f), 0);

	/* Overlap: the client created first wins. */
	KUNIT_EXPECT_EQ(test, guest_read(vm, PIO, 0x150, 1), 0xaULL);
	/* Only b has an MMIO range there. */
	KUNIT_EXPECT_EQ(test, guest_read(vm, MMIO, 0x150, 4), 0xbULL);
	/* Straddling the end of every range: the device model's. */
	guest_access(vm, 0, PIO, RD, 0x1fe, 4, 0);
	KUNIT_EXPECT_EQ(test, slot_state(vm, 0), ACRN_IOREQ_STATE_PROCESSING);
	KUNIT_EXPECT_EQ(test, notify(vm, 0), 0);
	hv_free(vm, 0);

	/* a drops the range: b serves it. */
	KUNIT_EXPECT_EQ(test, acrn_ioreq_range_del(a.client, PIO, 0x100, 0x1fe),
			-ENOENT);
	KUNIT_ASSERT_EQ(test, acrn_ioreq_range_del(a.client, PIO, 0x100, 0x1ff), 0);
	KUNIT_EXPECT_EQ(test, guest_read(vm, PIO, 0x150, 2), 0xbULL);
	/* b goes away: the device model serves it. */
	acrn_ioreq_client_destroy(b.client);
	guest_access(vm, 0, PIO, RD, 0x150, 1, 0);
	KUNIT_EXPECT_EQ(test, slot_state(vm, 0), ACRN_IOREQ_STATE_PROCESSING);
	KUNIT_EXPECT_EQ(test, notify(vm, 0), 0);

	KUNIT_EXPECT_EQ(test, a.calls, 1U);
	KUNIT_EXPECT_EQ(test, b.calls, 2U);
	acrn_ioreq_client_destroy(a.client);
	fake_vm_destroy(vm);
}

static void ioreq_test_failing_handler(struct kunit *test)
{
	struct acrn_vm *vm = fake_vm_create(test, 1);
	struct kclient k;

	kclient_create(test, vm, &k, 0x77, -EIO);
	KUNIT_ASSERT_EQ(test, acrn_ioreq_range_add(k.client, MMIO, 0, ~0ULL), 0);

	/* Completed once, read as all ones; no retry, no client left owning it. */
	KUNIT_EXPECT_EQ(test, guest_read(vm, MMIO, 0x2000, 8), ~0ULL);
	KUNIT_EXPECT_EQ(test, k.calls, 1U);
	acrn_ioreq_dispatch(vm);
	KUNIT_EXPECT_EQ(test, k.calls, 1U);

	acrn_ioreq_client_destroy(k.client);
	fake_vm_destroy(vm);
}

static void ioreq_test_pass_on(struct kunit *test)
{
	struct acrn_vm *vm = fake_vm_create(test, 2);
	struct acrn_io_request *slot = &vm->ioreq.buf->req_slot[1];
	struct kclient k;

	kclient_create(test, vm, &k, 0x77, ACRN_IOREQ_PASS);
	KUNIT_ASSERT_EQ(test, acrn_ioreq_range_add(k.client, PIO, 0x100, 0x1ff), 0);

	/* Without a device model client: completed unhandled, once. */
	guest_access(vm, 1, PIO, WR, 0x100, 4, 0x12345678);
	KUNIT_EXPECT_EQ(test, slot_state(vm, 1), ACRN_IOREQ_STATE_COMPLETE);
	KUNIT_EXPECT_EQ(test, k.calls, 1U);
	hv_free(vm, 1);
	KUNIT_EXPECT_EQ(test, guest_read(vm, PIO, 0x1f0, 2), 0xffffffffULL);
	KUNIT_EXPECT_EQ(test, k.calls, 2U);

	/* With one: the device model gets the request as the guest made it. */
	KUNIT_ASSERT_EQ(test, acrn_ioreq_default_client_create(vm), 0);
	guest_access(vm, 1, PIO, WR, 0x104, 2, 0xbeef);
	KUNIT_EXPECT_EQ(test, slot_state(vm, 1), ACRN_IOREQ_STATE_PROCESSING);
	KUNIT_EXPECT_EQ(test, slot->kernel_handled, 0U);
	KUNIT_EXPECT_EQ(test, slot->reqs.pio_request.address, 0x104ULL);
	KUNIT_EXPECT_EQ(test, slot->reqs.pio_request.value, 0xbeefU);
	KUNIT_EXPECT_EQ(test, k.calls, 3U);
	KUNIT_EXPECT_EQ(test, notify(vm, 1), 0);
	KUNIT_EXPECT_EQ(test, slot_state(vm, 1), ACRN_IOREQ_STATE_COMPLETE);
	/* Its NOTIFY completed it: the client is not asked again. */
	acrn_ioreq_dispatch(vm);
	KUNIT_EXPECT_EQ(test, k.calls, 3U);

	acrn_ioreq_client_destroy(k.client);
	fake_vm_destroy(vm);
}

static void ioreq_test_pci_dispatch(struct kunit *test)
{
	struct acrn_vm *vm = fake_vm_create(test, 1);
	struct acrn_io_request *slot = &vm->ioreq.buf->req_slot[0];

	KUNIT_ASSERT_EQ(test, acrn_ioreq_default_client_create(vm), 0);

	/* The address port never reaches the device model. */
	guest_access(vm, 0, PIO, WR, 0xcf8, 4, CFG(0, 3, 0, 0x08, 0));
	KUNIT_EXPECT_EQ(test, slot_state(vm, 0), ACRN_IOREQ_STATE_COMPLETE);
	hv_free(vm, 0);
	KUNIT_EXPECT_EQ(test, guest_read(vm, PIO, 0xcf8, 4),
			(u64)CFG(0, 3, 0, 0x08, 0));

	/* The data port reaches it as PCICFG, rewritten in the slot. */
	guest_access(vm, 0, PIO, RD, 0xcfe, 2, 0);
	KUNIT_EXPECT_EQ(test, slot_state(vm, 0), ACRN_IOREQ_STATE_PROCESSING);
	KUNIT_EXPECT_EQ(test, slot->type, (u32)ACRN_IOREQ_TYPE_PCICFG);
	KUNIT_EXPECT_EQ(test, slot->reqs.pci_request.dev, 3);
	KUNIT_EXPECT_EQ(test, slot->reqs.pci_request.reg, 0x0a);
	KUNIT_EXPECT_EQ(test, slot->kernel_handled, 0U);
	KUNIT_EXPECT_EQ(test, notify(vm, 0), 0);
	hv_free(vm, 0);

	/* A 2-byte access to 0xCF8 is plain port I/O, for the device model. */
	guest_access(vm, 0, PIO, WR, 0xcf8, 2, 0xffff);
	KUNIT_EXPECT_EQ(test, slot_state(vm, 0), ACRN_IOREQ_STATE_PROCESSING);
	KUNIT_EXPECT_EQ(test, slot->type, (u32)PIO);
	KUNIT_EXPECT_EQ(test, notify(vm, 0), 0);

	fake_vm_destroy(vm);
}

static void ioreq_test_invalid_and_clear(struct kunit *test)
{
	struct acrn_vm *vm = fake_vm_create(test, 4);
	struct acrn_io_request *slot = &vm->ioreq.buf->req_slot[3];

	KUNIT_ASSERT_EQ(test, acrn_ioreq_default_client_create(vm), 0);

	/* Garbage published as a request is completed, never handed out. */
	make_req(slot, 7, RD, ~0ULL, ~0ULL, 0);
	/* Published like the hypervisor publishes requests. */
	smp_store_release(&slot->processed, ACRN_IOREQ_STATE_PENDING);
	acrn_ioreq_dispatch(vm);
	KUNIT_EXPECT_EQ(test, slot_state(vm, 3), ACRN_IOREQ_STATE_COMPLETE);
	hv_free(vm, 3);

	/* CLEAR completes owned and still-PENDING requests, not FREE slots. */
	guest_access(vm, 0, PIO, RD, 0x60, 1, 0);
	KUNIT_EXPECT_EQ(test, acrn_ioreq_default_client_destroy(vm), 0);
	KUNIT_ASSERT_EQ(test, acrn_ioreq_default_client_create(vm), 0);
	KUNIT_EXPECT_EQ(test, slot_state(vm, 0), ACRN_IOREQ_STATE_COMPLETE);
	hv_free(vm, 0);
	guest_access(vm, 0, PIO, RD, 0x60, 1, 0);
	KUNIT_EXPECT_EQ(test, acrn_ioreq_default_client_destroy(vm), 0);
	guest_access(vm, 1, MMIO, WR, 0x1000, 8, 1);	/* no client: PENDING */
	KUNIT_ASSERT_EQ(test, acrn_ioreq_default_client_create(vm), 0);
	guest_access(vm, 2, MMIO, RD, 0x1000, 8, 1);
	KUNIT_EXPECT_EQ(test, slot_state(vm, 1), ACRN_IOREQ_STATE_PROCESSING);
	/* Published, the upcall not handled yet. */
	make_req(slot, PIO, RD, 0x61, 1, 0);
	/* Published like the hypervisor publishes requests. */
	smp_store_release(&slot->processed, ACRN_IOREQ_STATE_PENDING);
	acrn_ioreq_clear(vm);
	KUNIT_EXPECT_EQ(test, slot_state(vm, 1), ACRN_IOREQ_STATE_COMPLETE);
	KUNIT_EXPECT_EQ(test, slot_state(vm, 2), ACRN_IOREQ_STATE_COMPLETE);
	KUNIT_EXPECT_EQ(test, slot_value(vm, 2), ~0ULL);
	KUNIT_EXPECT_EQ(test, slot_state(vm, 3), ACRN_IOREQ_STATE_COMPLETE);
	KUNIT_EXPECT_EQ(test, slot_value(vm, 3), (u64)0xffffffff);
	KUNIT_EXPECT_EQ(test, notify(vm, 1), -EINVAL);
	hv_free(vm, 0);
	hv_free(vm, 1);
	hv_free(vm, 2);
	hv_free(vm, 3);

	/* Slots past vcpu_num are never looked at. */
	make_req(&vm->ioreq.buf->req_slot[5], PIO, RD, 0x60, 1, 0);
	vm->ioreq.buf->req_slot[5].processed = ACRN_IOREQ_STATE_PENDING;
	acrn_ioreq_dispatch(vm);
	KUNIT_EXPECT_EQ(test, slot_state(vm, 5), ACRN_IOREQ_STATE_PENDING);
	KUNIT_EXPECT_EQ(test, notify(vm, 5), -EINVAL);

	fake_vm_destroy(vm);
}

static struct kunit_case ioreq_test_cases[] = {
	KUNIT_CASE_PARAM(ioreq_test_valid, valid_gen_params),
	KUNIT_CASE_PARAM(ioreq_test_in_range, range_gen_params),
	KUNIT_CASE_PARAM(ioreq_test_pci_cfg, pci_gen_params),
	KUNIT_CASE(ioreq_test_default_client),
	KUNIT_CASE(ioreq_test_destroy_completes),
	KUNIT_CASE(ioreq_test_precedence),
	KUNIT_CASE(ioreq_test_failing_handler),
	KUNIT_CASE(ioreq_test_pass_on),
	KUNIT_CASE(ioreq_test_pci_dispatch),
	KUNIT_CASE(ioreq_test_invalid_and_clear),
	{}
};

static struct kunit_suite ioreq_test_suite = {
	.name = "acrn_hsm_ioreq",
	.test_cases = ioreq_test_cases,
};

kunit_test_suites(&ioreq_test_suite);
