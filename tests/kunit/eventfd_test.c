// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the pure functions behind ACRN_IOCTL_IOEVENTFD and
 * ACRN_IOCTL_IRQFD: acrn_ioeventfd_check() (every rule that makes an
 * argument EINVAL, at its boundaries, for assign and deassign),
 * acrn_ioeventfd_match() (which guest write signals an ioeventfd: type,
 * address, size against length, wildcard, the value masked to the
 * access size, the port I/O and MMIO value fields; reads never) and
 * acrn_irqfd_check(). No VM, no eventfd and no module state involved.
 */

#include <kunit/test.h>
#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/string.h>

#include "../../acrn_drv.h"

#define PIO	ACRN_IOREQ_TYPE_PORTIO
#define MMIO	ACRN_IOREQ_TYPE_MMIO
#define RD	ACRN_IOREQ_DIR_READ
#define WR	ACRN_IOREQ_DIR_WRITE

#define F_PIO	ACRN_IOEVENTFD_FLAG_PIO
#define F_DM	ACRN_IOEVENTFD_FLAG_DATAMATCH
#define F_DE	ACRN_IOEVENTFD_FLAG_DEASSIGN
#define F_ASYNC	0x08U		/* acrn-dm's ASYNCIO: accepted, ignored */

/* acrn_ioeventfd_check() */

struct check_case {
	const char *desc;
	u32 flags;
	u64 addr;
	u32 len;
	u32 reserved;
	int expect;
};

static const struct check_case check_cases[] = {
	/* lengths */
	{ "mmio len 1",				0, 0xfe000000, 1, 0, 0 },
	{ "mmio len 2",				0, 0xfe000000, 2, 0, 0 },
	{ "mmio len 4",				0, 0xfe000000, 4, 0, 0 },
	{ "mmio len 8",				0, 0xfe000000, 8, 0, 0 },
	{ "pio len 1",				F_PIO, 0x3f8, 1, 0, 0 },
	{ "pio len 2",				F_PIO, 0x3f8, 2, 0, 0 },
	{ "pio len 4",				F_PIO, 0x3f8, 4, 0, 0 },
	{ "pio len 8",				F_PIO, 0x3f8, 8, 0, 0 },
	{ "len 0",				0, 0xfe000000, 0, 0, -EINVAL },
	{ "len 3",				0, 0xfe000000, 3, 0, -EINVAL },
	{ "len 5",				0, 0xfe000000, 5, 0, -EINVAL },
	{ "len 16",				0, 0xfe000000, 16, 0, -EINVAL },
	{ "len 0x80000008",			0, 0xfe000000, 0x80000008, 0, -EINVAL },
	{ "len all ones",			0, 0xfe000000, ~0U, 0, -EINVAL },
	{ "pio len 0",				F_PIO, 0x3f8, 0, 0, -EINVAL },
	{ "pio len 3",				F_PIO | F_DM, 0x3f8, 3, 0, -EINVAL },
	/* flags */
	{ "datamatch",				F_DM, 0xfe000000, 4, 0, 0 },
	{ "pio datamatch",			F_PIO | F_DM, 0x3f8, 4, 0, 0 },
	{ "asyncio",				F_ASYNC, 0xfe000000, 4, 0, 0 },
	{ "pio datamatch asyncio",		F_PIO | F_DM | F_ASYNC, 0x3f8, 2, 0, 0 },
	{ "flag 0x10",				0x10, 0xfe000000, 4, 0, -EINVAL },
	{ "flag 0x10 with known ones",		F_PIO | F_DM | 0x10, 0x3f8, 4, 0, -EINVAL },
	{ "flag bit 31",			0x80000000, 0xfe000000, 4, 0, -EINVAL },
	{ "flags all ones",			~0U, 0xfe000000, 4, 0, -EINVAL },
	/* reserved */
	{ "reserved 1",				0, 0xfe000000, 4, 1, -EINVAL },
	{ "reserved bit 31",			F_PIO, 0x3f8, 4, 0x80000000, -EINVAL },
	/* the top of the MMIO space */
	{ "mmio last 8 bytes",			0, 0xfffffffffffffff8ULL, 8, 0, 0 },
	{ "mmio 8 bytes wrapping by 1",		0, 0xfffffffffffffff9ULL, 8, 0, -EINVAL },
	{ "mmio last byte",			0, ~0ULL, 1, 0, 0 },
	{ "mmio last 2 bytes",			0, ~0ULL - 1, 2, 0, 0 },
	{ "mmio 2 bytes wrapping",		0, ~0ULL, 2, 0, -EINVAL },
	{ "mmio 4 bytes wrapping",		F_DM, ~0ULL - 2, 4, 0, -EINVAL },
	{ "mmio address 0",			0, 0, 8, 0, 0 },
	{ "mmio above 64K",			0, 0x10000, 8, 0, 0 },
	/* the end of the port space */
	{ "pio last 8 ports",			F_PIO, 0xfff8, 8, 0, 0 },
	{ "pio 8 ports past the end",		F_PIO, 0xfff9, 8, 0, -EINVAL },
	{ "pio last port",			F_PIO, 0xffff, 1, 0, 0 },
	{ "pio 2 ports past the end",		F_PIO, 0xffff, 2, 0, -EINVAL },
	{ "pio last 4 ports",			F_PIO | F_DM, 0xfffc, 4, 0, 0 },
	{ "pio 4 ports past the end",		F_PIO | F_DM, 0xfffd, 4, 0, -EINVAL },
	{ "pio port 0x10000",			F_PIO, 0x10000, 1, 0, -EINVAL },
	{ "pio port 2^32",			F_PIO, 0x100000000ULL, 1, 0, -EINVAL },
	{ "pio port all ones",			F_PIO, ~0ULL, 1, 0, -EINVAL },
	{ "pio port 0",				F_PIO, 0, 8, 0, 0 },
	/* deassign: only reserved and flags are checked */
	{ "deassign",				F_DE, 0xfe000000, 4, 0, 0 },
	{ "deassign every known flag",		F_PIO | F_DM | F_DE | F_ASYNC, 0x3f8, 4, 0, 0 },
	{ "deassign len 0",			F_DE, 0xfe000000, 0, 0, 0 },
	{ "deassign len 3",			F_DE | F_DM, 0xfe000000, 3, 0, 0 },
	{ "deassign len 16",			F_DE, 0xfe000000, 16, 0, 0 },
	{ "deassign wrapping",			F_DE, ~0ULL, 8, 0, 0 },
	{ "deassign pio past the end",		F_DE | F_PIO, 0xffff, 8, 0, 0 },
	{ "deassign pio port 2^32",		F_DE | F_PIO, 0x100000000ULL, 4, 0, 0 },
	{ "deassign reserved",			F_DE, 0xfe000000, 4, 1, -EINVAL },
	{ "deassign flag 0x10",			F_DE | 0x10, 0xfe000000, 4, 0, -EINVAL },
	{ "deassign flag bit 31",		F_DE | 0x80000000, 0xfe000000, 4, 0, -EINVAL },
};

KUNIT_ARRAY_PARAM_DESC(check, check_cases, desc);

static void eventfd_test_ioeventfd_check(struct kunit *test)
{
	const struct check_case *c = test->param_value;
	struct acrn_ioeventfd args = {
		.fd = 3,
		.flags = c->flags,
		.addr = c->addr,
		.len = c->len,
		.reserved = c->reserved,
		.data = 0x1122334455667788ULL,
	};

	KUNIT_EXPECT_EQ(test, acrn_ioeventfd_check(&args), c->expect);
}

/* The fd and the data are not the check's business. */
static void eventfd_test_ioeventfd_check_ignores(struct kunit *test)
{
	static const u32 fds[] = { 0, 1, 0x7fffffff, 0x80000000, ~0U };
	struct acrn_ioeventfd args = {
		.flags = F_PIO | F_DM,
		.addr = 0x3f8,
		.len = 4,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fds); i++) {
		args.fd = fds[i];
		args.data = i ? ~0ULL << i : 0;
		KUNIT_EXPECT_EQ_MSG(test, acrn_ioeventfd_check(&args), 0,
				    "fd %#x", fds[i]);
		args.flags |= F_DE;
		KUNIT_EXPECT_EQ_MSG(test, acrn_ioeventfd_check(&args), 0,
				    "deassign fd %#x", fds[i]);
		args.flags &= ~F_DE;
	}
}

/* Every single flag bit: exactly the four known ones pass. */
static void eventfd_test_ioeventfd_check_flag_bits(struct kunit *test)
{
	struct acrn_ioeventfd args = { .addr = 0x3f8, .len = 1 };
	unsigned int bit;

	for (bit = 0; bit < 32; bit++) {
		args.flags = 1U << bit;
		KUNIT_EXPECT_EQ_MSG(test, acrn_ioeventfd_check(&args),
				    bit < 4 ? 0 : -EINVAL, "flag bit %u", bit);
	}
}

/* acrn_ioeventfd_match() */

static void make_req(struct acrn_io_request *req, u32 type, u32 dir,
		     u64 addr, u64 size, u64 value)
{
	memset(req, 0, sizeof(*req));
	req->type = type;
	if (type == PIO) {
		req->reqs.pio_request.direction = dir;
		req->reqs.pio_request.address = addr;
		req->reqs.pio_request.size = size;
		req->reqs.pio_request.value = value;
	} else {
		req->reqs.mmio_request.direction = dir;
		req->reqs.mmio_request.address = addr;
		req->reqs.mmio_request.size = size;
		req->reqs.mmio_request.value = value;
	}
}

struct match_case {
	const char *desc;
	/* the ioeventfd */
	u32 type;
	u64 addr;
	u32 len;
	bool wildcard;
	u64 data;
	/* the request */
	u32 rtype, dir;
	u64 raddr, size, value;
	bool expect;
};

#define GPA	0xfe000000ULL
#define PORT	0x3f8ULL
#define ANY	true
#define DATA	false

static const struct match_case match_cases[] = {
	/* wildcard: any write at the address, no longer than len */
	{ "mmio wildcard 4/4",		MMIO, GPA, 4, ANY, 0, MMIO, WR, GPA, 4, 0xdead, true },
	{ "mmio wildcard 1/8",		MMIO, GPA, 8, ANY, 0, MMIO, WR, GPA, 1, 0, true },
	{ "mmio wildcard 2/8",		MMIO, GPA, 8, ANY, 0, MMIO, WR, GPA, 2, ~0ULL, true },
	{ "mmio wildcard 8/8",		MMIO, GPA, 8, ANY, 0, MMIO, WR, GPA, 8, ~0ULL, true },
	{ "mmio wildcard 1/1",		MMIO, GPA, 1, ANY, 0, MMIO, WR, GPA, 1, 0x5a, true },
	{ "mmio wildcard 2/1 too long",	MMIO, GPA, 1, ANY, 0, MMIO, WR, GPA, 2, 0, false },
	{ "mmio wildcard 8/4 too long",	MMIO, GPA, 4, ANY, 0, MMIO, WR, GPA, 8, 0, false },
	{ "mmio wildcard 4/2 too long",	MMIO, GPA, 2, ANY, 0, MMIO, WR, GPA, 4, 0, false },
	{ "pio wildcard 1/1",		PIO, PORT, 1, ANY, 0, PIO, WR, PORT, 1, 0x12, true },
	{ "pio wildcard 2/2",		PIO, PORT, 2, ANY, 0, PIO, WR, PORT, 2, 0x1234, true },
	{ "pio wildcard 4/4",		PIO, PORT, 4, ANY, 0, PIO, WR, PORT, 4, ~0U, true },
	{ "pio wildcard 4/8",		PIO, PORT, 8, ANY, 0, PIO, WR, PORT, 4, 7, true },
	{ "pio wildcard 4/2 too long",	PIO, PORT, 2, ANY, 0, PIO, WR, PORT, 4, 7, false },
	{ "pio wildcard 2/1 too long",	PIO, PORT, 1, ANY, 0, PIO, WR, PORT, 2, 7, false },
	/* the address must be the first one, exactly */
	{ "mmio one byte in",		MMIO, GPA, 8, ANY, 0, MMIO, WR, GPA + 1, 1, 0, false },
	{ "mmio last byte",		MMIO, GPA, 8, ANY, 0, MMIO, WR, GPA + 7, 1, 0, false },
	{ "mmio one byte before",	MMIO, GPA, 8, ANY, 0, MMIO, WR, GPA - 1, 1, 0, false },
	{ "mmio other page",		MMIO, GPA, 4, ANY, 0, MMIO, WR, GPA + 0x1000, 4, 0, false },
	{ "mmio high bits differ",	MMIO, GPA, 4, ANY, 0, MMIO, WR, GPA | 1ULL << 40, 4, 0,
					false },
	{ "pio one port in",		PIO, PORT, 4, ANY, 0, PIO, WR, PORT + 2, 2, 0, false },
	{ "pio next port",		PIO, PORT, 1, ANY, 0, PIO, WR, PORT + 1, 1, 0, false },
	{ "mmio at address 0",		MMIO, 0, 4, ANY, 0, MMIO, WR, 0, 4, 0, true },
	{ "mmio at the top",		MMIO, ~0ULL - 7, 8, ANY, 0, MMIO, WR, ~0ULL - 7, 8, 1,
					true },
	/* the type must be the same */
	{ "mmio entry, pio write",	MMIO, PORT, 4, ANY, 0, PIO, WR, PORT, 4, 0, false },
	{ "pio entry, mmio write",	PIO, PORT, 4, ANY, 0, MMIO, WR, PORT, 4, 0, false },
	{ "pcicfg write",		PIO, 0xcfc, 4, ANY, 0, ACRN_IOREQ_TYPE_PCICFG, WR,
					0xcfc, 4, 0, false },
	{ "write-protect fault",	MMIO, GPA, 4, ANY, 0, 3, WR, GPA, 4, 0, false },
	/* reads never match */
	{ "mmio wildcard read",		MMIO, GPA, 4, ANY, 0, MMIO, RD, GPA, 4, 0, false },
	{ "mmio datamatch read",	MMIO, GPA, 4, DATA, 0, MMIO, RD, GPA, 4, 0, false },
	{ "pio wildcard read",		PIO, PORT, 1, ANY, 0, PIO, RD, PORT, 1, 0, false },
	{ "pio datamatch read",		PIO, PORT, 4, DATA, 5, PIO, RD, PORT, 4, 5, false },
	{ "direction 2",		MMIO, GPA, 4, ANY, 0, MMIO, 2, GPA, 4, 0, false },
	/* datamatch: the value written, masked to the access size */
	{ "mmio data 4 equal",		MMIO, GPA, 4, DATA, 0x12345678, MMIO, WR, GPA, 4,
					0x12345678, true },
	{ "mmio data 4 differs",	MMIO, GPA, 4, DATA, 0x12345678, MMIO, WR, GPA, 4,
					0x12345679, false },
	{ "mmio data 4 upper bytes",	MMIO, GPA, 4, DATA, 0x12345678, MMIO, WR, GPA, 4,
					0xffffffff12345678ULL, true },
	{ "mmio data 1 masked",		MMIO, GPA, 1, DATA, 0x78, MMIO, WR, GPA, 1,
					0x12345678, true },
	{ "mmio data 1 differs",	MMIO, GPA, 1, DATA, 0x78, MMIO, WR, GPA, 1,
					0x12345677, false },
	{ "mmio data 2 masked",		MMIO, GPA, 2, DATA, 0x5678, MMIO, WR, GPA, 2,
					0xabcd5678, true },
	{ "mmio data 2 wider than 2",	MMIO, GPA, 2, DATA, 0x15678, MMIO, WR, GPA, 2,
					0x15678, false },
	{ "mmio data 8 equal",		MMIO, GPA, 8, DATA, 0x8877665544332211ULL, MMIO, WR,
					GPA, 8, 0x8877665544332211ULL, true },
	{ "mmio data 8 top bit",	MMIO, GPA, 8, DATA, 0x0877665544332211ULL, MMIO, WR,
					GPA, 8, 0x8877665544332211ULL, false },
	{ "mmio data 8, write 4",	MMIO, GPA, 8, DATA, 0x44332211, MMIO, WR, GPA, 4,
					0x8877665544332211ULL, true },
	{ "mmio data 8, write 4 short",	MMIO, GPA, 8, DATA, 0x8877665544332211ULL, MMIO, WR,
					GPA, 4, 0x8877665544332211ULL, false },
	{ "mmio data 0",		MMIO, GPA, 4, DATA, 0, MMIO, WR, GPA, 4, 0, true },
	{ "mmio data 0, write 1",	MMIO, GPA, 4, DATA, 0, MMIO, WR, GPA, 1, 0x100, true },
	{ "mmio data all ones",		MMIO, GPA, 8, DATA, ~0ULL, MMIO, WR, GPA, 8, ~0ULL, true },
	{ "mmio data, too long",	MMIO, GPA, 4, DATA, 0x11, MMIO, WR, GPA, 8, 0x11, false },
	{ "mmio data, one byte in",	MMIO, GPA, 4, DATA, 0x11, MMIO, WR, GPA + 1, 1, 0x11,
					false },
	{ "pio data 4 equal",		PIO, PORT, 4, DATA, 0xcafef00d, PIO, WR, PORT, 4,
					0xcafef00d, true },
	{ "pio data 4 differs",		PIO, PORT, 4, DATA, 0xcafef00d, PIO, WR, PORT, 4,
					0xcafef00c, false },
	{ "pio data 1 masked",		PIO, PORT, 1, DATA, 0x0d, PIO, WR, PORT, 1,
					0xcafef00d, true },
	{ "pio data 2 masked",		PIO, PORT, 2, DATA, 0xf00d, PIO, WR, PORT, 2,
					0xcafef00d, true },
	{ "pio data 2 differs",		PIO, PORT, 2, DATA, 0xf00e, PIO, WR, PORT, 2,
					0xcafef00d, false },
	{ "pio data above 32 bits",	PIO, PORT, 8, DATA, 0x1cafef00dULL, PIO, WR, PORT, 4,
					0xcafef00d, false },
	{ "pio data, too long",		PIO, PORT, 2, DATA, 0x0d, PIO, WR, PORT, 4, 0x0d, false },
};

KUNIT_ARRAY_PARAM_DESC(match, match_cases, desc);

static void eventfd_test_ioeventfd_match(struct kunit *test)
{
	const struct match_case *c = test->param_value;
	struct acrn_io_request *req = kunit_kzalloc(test, sizeof(*req), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, req);
	make_req(req, c->rtype, c->dir, c->raddr, c->size, c->value);
	KUNIT_EXPECT_EQ(test, acrn_ioeventfd_match(c->type, c->addr, c->len,
						   c->wildcard, c->data, req),
			c->expect);
}

/*
 * Port I/O values are the 32-bit pio_request.value: the four bytes after
 * it (the top half of mmio_request.value, in the same union) are not part
 * of a port write. For MMIO they are.
 */
static void eventfd_test_ioeventfd_match_value_fields(struct kunit *test)
{
	struct acrn_io_request *req = kunit_kzalloc(test, sizeof(*req), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, req);
	make_req(req, PIO, WR, PORT, 4, 0x89abcdef);
	req->reqs.mmio_request.value |= 0x5555555500000000ULL;
	KUNIT_EXPECT_EQ(test, req->reqs.pio_request.value, 0x89abcdefU);
	KUNIT_EXPECT_TRUE(test, acrn_ioeventfd_match(PIO, PORT, 4, false,
						     0x89abcdef, req));
	KUNIT_EXPECT_TRUE(test, acrn_ioeventfd_match(PIO, PORT, 8, false,
						     0x89abcdef, req));
	KUNIT_EXPECT_FALSE(test, acrn_ioeventfd_match(PIO, PORT, 8, false,
						      0x5555555589abcdefULL, req));

	make_req(req, MMIO, WR, GPA, 8, 0x5555555589abcdefULL);
	KUNIT_EXPECT_TRUE(test, acrn_ioeventfd_match(MMIO, GPA, 8, false,
						     0x5555555589abcdefULL, req));
	KUNIT_EXPECT_FALSE(test, acrn_ioeventfd_match(MMIO, GPA, 8, false,
						      0x89abcdef, req));
	/* Garbage in the request's other fields does not matter. */
	make_req(req, MMIO, WR, GPA, 2, 0xbeef);
	req->completion_polling = 1;
	req->reqs.mmio_request.reserved = ~0U;
	req->kernel_handled = 1;
	req->processed = ACRN_IOREQ_STATE_PROCESSING;
	KUNIT_EXPECT_TRUE(test, acrn_ioeventfd_match(MMIO, GPA, 2, false,
						     0xbeef, req));
}

/* Each access size keeps exactly its own bytes of the value. */
static void eventfd_test_ioeventfd_match_sizes(struct kunit *test)
{
	static const u32 sizes[] = { 1, 2, 4, 8 };
	const u64 v = 0xf1e2d3c4b5a69788ULL;
	struct acrn_io_request *req = kunit_kzalloc(test, sizeof(*req), GFP_KERNEL);
	unsigned int i;
	u64 mask;

	KUNIT_ASSERT_NOT_NULL(test, req);
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		mask = sizes[i] == 8 ? ~0ULL : (1ULL << (sizes[i] * 8)) - 1;
		make_req(req, MMIO, WR, GPA, sizes[i], v);
		KUNIT_EXPECT_TRUE_MSG(test, acrn_ioeventfd_match(MMIO, GPA, 8, false,
								 v & mask, req),
				      "size %u", sizes[i]);
		/* One bit above the access is not written: no match with it set. */
		if (sizes[i] < 8)
			KUNIT_EXPECT_FALSE_MSG(test,
					       acrn_ioeventfd_match(MMIO, GPA, 8, false,
								    (v & mask) | (mask + 1),
								    req),
					       "size %u", sizes[i]);
		/* The top bit of the access is. */
		KUNIT_EXPECT_FALSE_MSG(test,
				       acrn_ioeventfd_match(MMIO, GPA, 8, false,
							    (v & mask) ^ (mask ^ (mask >> 1)),
							    req),
				       "size %u", sizes[i]);
		if (sizes[i] == 8)
			continue;
		make_req(req, PIO, WR, PORT, sizes[i], v);
		KUNIT_EXPECT_TRUE_MSG(test, acrn_ioeventfd_match(PIO, PORT, 4, false,
								 v & mask, req),
				      "pio size %u", sizes[i]);
	}
}

/* acrn_irqfd_check() */

struct irqfd_case {
	const char *desc;
	s32 fd;
	u32 flags;
	u64 msi_addr;
	int expect;
};

static const struct irqfd_case irqfd_cases[] = {
	{ "assign",			3, 0, 0xfee00000, 0 },
	{ "deassign",			3, ACRN_IRQFD_FLAG_DEASSIGN, 0xfee00000, 0 },
	/* the fd and the MSI are checked elsewhere (or by the hypervisor) */
	{ "fd -1",			-1, 0, 0xfee00000, 0 },
	{ "not an msi address",		3, 0, 0x12345000, 0 },
	{ "msi address 0, deassign",	0, ACRN_IRQFD_FLAG_DEASSIGN, 0, 0 },
	{ "flag 0x2",			3, 0x2, 0xfee00000, -EINVAL },
	{ "flag 0x2 with deassign",	3, 0x3, 0xfee00000, -EINVAL },
	{ "flag bit 31",		3, 0x80000000, 0xfee00000, -EINVAL },
	{ "flags all ones",		3, ~0U, 0xfee00000, -EINVAL },
};

KUNIT_ARRAY_PARAM_DESC(irqfd, irqfd_cases, desc);

static void eventfd_test_irqfd_check(struct kunit *test)
{
	const struct irqfd_case *c = test->param_value;
	struct acrn_irqfd args = {
		.fd = c->fd,
		.flags = c->flags,
		.msi = { .msi_addr = c->msi_addr, .msi_data = 0x31 },
	};

	KUNIT_EXPECT_EQ(test, acrn_irqfd_check(&args), c->expect);
}

/* Every single flag bit: only DEASSIGN passes. */
static void eventfd_test_irqfd_check_flag_bits(struct kunit *test)
{
	struct acrn_irqfd args = { .fd = 3 };
	unsigned int bit;

	for (bit = 0; bit < 32; bit++) {
		args.flags = 1U << bit;
		KUNIT_EXPECT_EQ_MSG(test, acrn_irqfd_check(&args),
				    args.flags == ACRN_IRQFD_FLAG_DEASSIGN ? 0 : -EINVAL,
				    "flag bit %u", bit);
	}
}

static struct kunit_case eventfd_test_cases[] = {
	KUNIT_CASE_PARAM(eventfd_test_ioeventfd_check, check_gen_params),
	KUNIT_CASE(eventfd_test_ioeventfd_check_ignores),
	KUNIT_CASE(eventfd_test_ioeventfd_check_flag_bits),
	KUNIT_CASE_PARAM(eventfd_test_ioeventfd_match, match_gen_params),
	KUNIT_CASE(eventfd_test_ioeventfd_match_value_fields),
	KUNIT_CASE(eventfd_test_ioeventfd_match_sizes),
	KUNIT_CASE_PARAM(eventfd_test_irqfd_check, irqfd_gen_params),
	KUNIT_CASE(eventfd_test_irqfd_check_flag_bits),
	{}
};

static struct kunit_suite eventfd_test_suite = {
	.name = "acrn_hsm_eventfd",
	.test_cases = eventfd_test_cases,
};

kunit_test_suites(&eventfd_test_suite);
