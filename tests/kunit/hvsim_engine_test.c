// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of a vCPU engine claim's record ring (hvsim/engine.c):
 * order, the room kept for life-cycle records, and overflow: records
 * lost after the ring filled are never dropped silently but stand as one
 * LOST record, after the queued ones, that counts them, carries the last
 * one's sequence number and says whether one of them needed an ack; and
 * nothing after an overflow overtakes it.
 */

#include <kunit/test.h>
#include <linux/slab.h>

#include "../../hvsim/hvsim.h"

/* A ring of @size records, freed with the test. */
static struct hvsim_ring *ring_new(struct kunit *test, u32 size)
{
	struct hvsim_ring *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, r);
	r->rec = kunit_kcalloc(test, size, sizeof(*r->rec), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r->rec);
	r->size = size;
	return r;
}

static bool push(struct hvsim_ring *r, u64 seq, u16 type, bool lifecycle)
{
	struct hvsim_engine_record rec = {
		.seq = seq,
		.type = type,
		.flags = lifecycle && type != HVSIM_REC_START ? HVSIM_REC_ACK : 0,
	};

	return hvsim_ring_push(r, &rec, lifecycle);
}

/* Records come out in order, across the end of the array. */
static void ring_order(struct kunit *test)
{
	u32 size = HVSIM_RING_RESERVED + 4;
	struct hvsim_ring *r = ring_new(test, size);
	struct hvsim_engine_record out;
	u64 seq = 1, next = 1;
	int round, i;

	for (round = 0; round < 5; round++) {
		for (i = 0; i < 3; i++)
			KUNIT_EXPECT_TRUE(test, push(r, seq++, HVSIM_REC_MSI, false));
		for (i = 0; i < 3; i++) {
			KUNIT_ASSERT_TRUE(test, hvsim_ring_pop(r, 1, &out));
			KUNIT_EXPECT_EQ(test, out.seq, next++);
			KUNIT_EXPECT_EQ(test, out.type, HVSIM_REC_MSI);
		}
	}
	KUNIT_EXPECT_FALSE(test, hvsim_ring_pop(r, 1, &out));
}

/* Ordinary records stop short of the reserve; life-cycle ones use it. */
static void ring_reserve(struct kunit *test)
{
	u32 size = HVSIM_RING_RESERVED + 4;
	struct hvsim_ring *r = ring_new(test, size);
	struct hvsim_engine_record out;
	u64 seq = 1;
	u32 i;

	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_TRUE(test, push(r, seq++, HVSIM_REC_MSI, false));
	/* Full for an MSI: lost, and so is all that follows. */
	KUNIT_EXPECT_FALSE(test, push(r, seq++, HVSIM_REC_MSI, false));
	KUNIT_EXPECT_FALSE(test, push(r, seq++, HVSIM_REC_PAUSE, true));
	KUNIT_EXPECT_EQ(test, r->lost, 2ULL);
	KUNIT_EXPECT_EQ(test, r->lost_seq, 6ULL);

	for (i = 0; i < 4; i++) {
		KUNIT_ASSERT_TRUE(test, hvsim_ring_pop(r, 3, &out));
		KUNIT_EXPECT_EQ(test, out.seq, (u64)i + 1);
	}
	KUNIT_ASSERT_TRUE(test, hvsim_ring_pop(r, 3, &out));
	KUNIT_EXPECT_EQ(test, out.type, HVSIM_REC_LOST);
	KUNIT_EXPECT_EQ(test, out.vmid, 3);
	KUNIT_EXPECT_EQ(test, out.seq, 6ULL);
	KUNIT_EXPECT_EQ(test, out.u.lost.count, 2ULL);
	KUNIT_EXPECT_EQ(test, out.u.lost.last_seq, 6ULL);
	KUNIT_EXPECT_EQ(test, out.flags, (u32)HVSIM_REC_ACK);
	KUNIT_EXPECT_FALSE(test, hvsim_ring_pop(r, 3, &out));

	/* A life-cycle record fits where an MSI does not. */
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_TRUE(test, push(r, seq++, HVSIM_REC_MSI, false));
	KUNIT_EXPECT_FALSE(test, push(r, seq, HVSIM_REC_MSI, false));
	KUNIT_ASSERT_TRUE(test, hvsim_ring_pop(r, 3, &out));
	KUNIT_ASSERT_TRUE(test, hvsim_ring_pop(r, 3, &out));
	KUNIT_ASSERT_TRUE(test, hvsim_ring_pop(r, 3, &out));
	KUNIT_ASSERT_TRUE(test, hvsim_ring_pop(r, 3, &out));
	KUNIT_ASSERT_TRUE(test, hvsim_ring_pop(r, 3, &out));
	KUNIT_EXPECT_EQ(test, out.type, HVSIM_REC_LOST);
	KUNIT_EXPECT_EQ(test, out.flags, 0U);
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_TRUE(test, push(r, ++seq, HVSIM_REC_MSI, false));
	for (i = 0; i < HVSIM_RING_RESERVED; i++)
		KUNIT_EXPECT_TRUE(test, push(r, ++seq, HVSIM_REC_PAUSE, true));
	KUNIT_EXPECT_EQ(test, r->count, size);
	KUNIT_EXPECT_FALSE(test, push(r, ++seq, HVSIM_REC_DESTROY, true));
	KUNIT_EXPECT_EQ(test, r->lost, 1ULL);
}

/* After an overflow nothing overtakes the LOST record. */
static void ring_no_overtaking(struct kunit *test)
{
	u32 size = HVSIM_RING_RESERVED + 2;
	struct hvsim_ring *r = ring_new(test, size);
	struct hvsim_engine_record out;

	KUNIT_EXPECT_TRUE(test, push(r, 1, HVSIM_REC_MSI, false));
	KUNIT_EXPECT_TRUE(test, push(r, 2, HVSIM_REC_MSI, false));
	KUNIT_EXPECT_FALSE(test, push(r, 3, HVSIM_REC_IRQLINE, false));
	KUNIT_ASSERT_TRUE(test, hvsim_ring_pop(r, 1, &out));
	/* Room again, but record 4 would come before the LOST one. */
	KUNIT_EXPECT_FALSE(test, push(r, 4, HVSIM_REC_MSI, false));
	KUNIT_ASSERT_TRUE(test, hvsim_ring_pop(r, 1, &out));
	KUNIT_EXPECT_EQ(test, out.seq, 2ULL);
	KUNIT_ASSERT_TRUE(test, hvsim_ring_pop(r, 1, &out));
	KUNIT_EXPECT_EQ(test, out.type, HVSIM_REC_LOST);
	KUNIT_EXPECT_EQ(test, out.u.lost.count, 2ULL);
	KUNIT_EXPECT_EQ(test, out.seq, 4ULL);
	KUNIT_EXPECT_TRUE(test, push(r, 5, HVSIM_REC_MSI, false));
	KUNIT_ASSERT_TRUE(test, hvsim_ring_pop(r, 1, &out));
	KUNIT_EXPECT_EQ(test, out.seq, 5ULL);
}

static struct kunit_case hvsim_engine_test_cases[] = {
	KUNIT_CASE(ring_order),
	KUNIT_CASE(ring_reserve),
	KUNIT_CASE(ring_no_overtaking),
	{}
};

static struct kunit_suite hvsim_engine_test_suite = {
	.name = "acrn_hvsim_engine",
	.test_cases = hvsim_engine_test_cases,
};

kunit_test_suites(&hvsim_engine_test_suite);
