// SPDX-License-Identifier: GPL-2.0
/*
 * End-to-end tests of ACRN_IOCTL_IOEVENTFD: a guest write to a registered
 * port or MMIO address signals an eventfd and is completed by the kernel,
 * without the device model. The simulator plays the guest
 * (HVSIM_IOCTL_GUEST_IO) and a recording device-model thread (e2e.h)
 * shows what reached userspace. Covered:
 *  - wildcard and datamatch ioeventfds, port I/O and MMIO, lengths 1, 2,
 *    4 and 8, every access size up to the length: one write, one count
 *    (read back exactly from a non-blocking eventfd), the device model
 *    neither sees nor is woken for it (debugfs stats);
 *  - reads inside a registered range return 0 and never reach the device
 *    model;
 *  - writes into a registered range that match no ioeventfd (other value,
 *    other start address) are passed to the device model with their
 *    address and value (stat kernel_passed), or, without a device model
 *    client, completed; nothing is signalled; accesses that do not fit
 *    in a range (longer writes, overlapping reads) are the device
 *    model's;
 *  - conflicts (EEXIST) and the registrations that do not conflict;
 *  - deassign: the exact entry, else the first one of the eventfd,
 *    0 when nothing matches; afterwards writes go to the device model;
 *  - argument validation, EBADF and EINVAL for bad fds, no VM;
 *  - the 1024 ioeventfds per VM limit (ENOSPC);
 *  - DESTROY_VM and close() with ioeventfds assigned;
 *  - the fast path: a lone write is completed inline in the upcall.
 */
#include <sys/eventfd.h>

#include "e2e.h"

#define PORT		0x6000
#define GPA		0xfe100000ULL
#define WAIT_MS		3000

#define PIO		ACRN_IOREQ_TYPE_PORTIO
#define MMIO		ACRN_IOREQ_TYPE_MMIO
#define RD		ACRN_IOREQ_DIR_READ
#define WR		ACRN_IOREQ_DIR_WRITE

#define F_PIO		ACRN_IOEVENTFD_FLAG_PIO
#define F_DATA		ACRN_IOEVENTFD_FLAG_DATAMATCH
#define F_DEASSIGN	ACRN_IOEVENTFD_FLAG_DEASSIGN
#define F_ASYNCIO	0x08U	/* acrn-dm's; accepted and ignored */

#define IOEVENTFD_MAX	1024

/* --- eventfds --- */

static int efd_new(void)
{
	return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
}

/* The eventfd's count, reset by reading it: 0 if none, ~0 on error. */
static __u64 efd_take(int efd)
{
	__u64 v;

	if (read(efd, &v, sizeof(v)) == sizeof(v))
		return v;
	return errno == EAGAIN ? 0 : ~0ULL;
}

static int ioev(int fd, int efd, __u32 flags, __u64 addr, __u32 len, __u64 data)
{
	struct acrn_ioeventfd args = {
		.fd = (__u32)efd,
		.flags = flags,
		.addr = addr,
		.len = len,
		.data = data,
	};

	return e2e_ioctl(fd, ACRN_IOCTL_IOEVENTFD, &args);
}

static __u32 type_flag(__u32 type)
{
	return type == PIO ? F_PIO : 0;
}

/* --- guest accesses --- */

static int wr(struct e2e *e, __u32 type, __u64 addr, __u32 size, __u64 value)
{
	return e2e_guest_io(e, e->cv.vmid, 0, type, WR, addr, size, &value);
}

/* A read: the value the guest got, or ~0 - 1 if the access failed. */
static __u64 rd(struct e2e *e, __u32 type, __u64 addr, __u32 size)
{
	__u64 v = 0;

	if (e2e_guest_io(e, e->cv.vmid, 0, type, RD, addr, size, &v))
		return ~0ULL - 1;
	return v;
}

/* --- the recording device model --- */

static struct acrn_io_request recs[64];
static unsigned int nrecs;

/* What the device model returns for a read: never 0. */
static __u64 dm_value(__u64 addr)
{
	return 0x8877665544332211ULL ^ addr;
}

static int record(struct e2e_dm *dm, unsigned int vcpu,
		  struct acrn_io_request *req)
{
	unsigned int n = __atomic_load_n(&nrecs, __ATOMIC_RELAXED);

	(void)dm;
	(void)vcpu;
	if (n < ARRAY_SIZE(recs))
		recs[n] = *req;
	if (e2e_req_dir(req) == RD)
		e2e_req_set_value(req, dm_value(e2e_req_addr(req)));
	__atomic_store_n(&nrecs, n + 1, __ATOMIC_RELEASE);
	return 0;
}

static unsigned int nrecs_now(void)
{
	return __atomic_load_n(&nrecs, __ATOMIC_ACQUIRE);
}

/* The last request the device model saw. */
static const struct acrn_io_request *last_rec(void)
{
	unsigned int n = nrecs_now();

	return &recs[n ? (n - 1) % ARRAY_SIZE(recs) : 0];
}

/*
 * The device model saw exactly one more request since @n0: a write of
 * @type, @addr, @size and @value (masked to the size).
 */
#define EXPECT_DM_WRITE(n0, t, a, sz, v) do {				\
	const struct acrn_io_request *_r = last_rec();			\
	__u32 _sz = (sz);						\
									\
	EXPECT_EQ((n0) + 1, nrecs_now());				\
	EXPECT_EQ((__u32)(t), _r->type);				\
	EXPECT_EQ((__u32)WR, e2e_req_dir(_r));				\
	EXPECT_EQ((__u64)(a), e2e_req_addr(_r));			\
	EXPECT_EQ((__u64)_sz, e2e_req_size(_r));			\
	EXPECT_EQ((__u64)(v) & e2e_mask(_sz), e2e_req_value(_r));	\
} while (0)

/* --- debugfs counters --- */

struct stats {
	__u64 requests, dm_requests, dm_wakeups, kernel_inline;
	__u64 kernel_deferred, kernel_passed;
};

static bool have_stats(void)
{
	return e2e_hsm_stat("requests") != ~0ULL;
}

static void stats_get(struct stats *s)
{
	s->requests = e2e_hsm_stat("requests");
	s->dm_requests = e2e_hsm_stat("dm_requests");
	s->dm_wakeups = e2e_hsm_stat("dm_wakeups");
	s->kernel_inline = e2e_hsm_stat("kernel_inline");
	s->kernel_deferred = e2e_hsm_stat("kernel_deferred");
	s->kernel_passed = e2e_hsm_stat("kernel_passed");
}

/* A running 1-vCPU VM on the main file and a recording device model. */
static void vm_dm(struct __test_metadata *_metadata, struct e2e *e,
		  const char *tag, struct e2e_dm **dm)
{
	ASSERT_EQ(0, e2e_start_vm(e, tag, 1, 0));
	ASSERT_EQ(0, e2e_dm_start(e, dm, record, NULL));
}

/* --- matching writes --- */

/*
 * Wildcard, every type, length and access size up to the length: each
 * write adds exactly one to the count and goes nowhere else.
 */
TEST_F(hsm, wildcard_sizes)
{
	static const __u32 lens[] = { 1, 2, 4, 8 };
	static const __u32 types[] = { PIO, MMIO };
	struct e2e *e = &self->e;
	unsigned int t, l, s, writes = 0;
	struct stats s0, s1;
	struct e2e_dm *dm;
	__u32 size, max;
	__u64 addr;
	int efd;

	vm_dm(_metadata, e, "evwild", &dm);
	stats_get(&s0);
	for (t = 0; t < ARRAY_SIZE(types); t++) {
		for (l = 0; l < ARRAY_SIZE(lens); l++) {
			addr = types[t] == PIO ? PORT + 0x10 * l : GPA + 0x100 * l;
			efd = efd_new();
			ASSERT_LE(0, efd);
			ASSERT_EQ(0, ioev(e->hsm, efd, type_flag(types[t]), addr, lens[l], 0));
			max = types[t] == PIO && lens[l] == 8 ? 4 : lens[l];
			for (s = 0, size = 1; size <= max; size *= 2, s++) {
				ASSERT_EQ(0, wr(e, types[t], addr, size,
						0x0102030405060708ULL * s));
				ASSERT_EQ(0, wr(e, types[t], addr, size, ~0ULL));
				writes += 2;
				EXPECT_EQ(2ULL, efd_take(efd))
					TH_LOG("%s len %u, write of %u",
					       types[t] == PIO ? "pio" : "mmio", lens[l], size);
			}
			EXPECT_EQ(0ULL, efd_take(efd));
			close(efd);
		}
	}
	EXPECT_EQ(0UL, e2e_dm_handled(dm));
	EXPECT_EQ(0U, nrecs_now());
	if (have_stats()) {
		stats_get(&s1);
		EXPECT_EQ(s0.dm_requests, s1.dm_requests);
		EXPECT_EQ(s0.dm_wakeups, s1.dm_wakeups);
		EXPECT_EQ(s0.kernel_passed, s1.kernel_passed);
		EXPECT_EQ(s0.requests + writes, s1.requests);
		EXPECT_EQ(s0.kernel_inline + s0.kernel_deferred + writes,
			  s1.kernel_inline + s1.kernel_deferred);
	}
	ASSERT_EQ(0, e2e_dm_stop(dm, WAIT_MS));
	EXPECT_EQ(0, dm->err);
}

/*
 * Datamatch, both types, every length: the value written, masked to the
 * access size, must equal data; other values go to the device model.
 */
TEST_F(hsm, datamatch)
{
	static const __u32 lens[] = { 1, 2, 4, 8 };
	static const __u32 types[] = { PIO, MMIO };
	struct e2e *e = &self->e;
	unsigned int t, l, n0;
	struct e2e_dm *dm;
	__u64 addr, data;
	__u32 len, size;
	int efd;

	vm_dm(_metadata, e, "evdata", &dm);
	for (t = 0; t < ARRAY_SIZE(types); t++) {
		for (l = 0; l < ARRAY_SIZE(lens); l++) {
			len = lens[l];
			/* The widest access: port I/O is 4 bytes at most. */
			size = types[t] == PIO && len == 8 ? 4 : len;
			data = 0xa1b2c3d4e5f60718ULL & e2e_mask(size);
			addr = types[t] == PIO ? PORT + 0x10 * l : GPA + 0x100 * l;
			efd = efd_new();
			ASSERT_LE(0, efd);
			ASSERT_EQ(0, ioev(e->hsm, efd, type_flag(types[t]) | F_DATA, addr, len,
					  data));
			n0 = nrecs_now();
			/* The value, and the value with bytes above the access size. */
			ASSERT_EQ(0, wr(e, types[t], addr, size, data));
			ASSERT_EQ(0, wr(e, types[t], addr, size, data | ~e2e_mask(size)));
			EXPECT_EQ(2ULL, efd_take(efd))
				TH_LOG("%s len %u", types[t] == PIO ? "pio" : "mmio", len);
			EXPECT_EQ(n0, nrecs_now());

			/* Another value: the device model's, with what was written. */
			ASSERT_EQ(0, wr(e, types[t], addr, size, data ^ 1));
			EXPECT_DM_WRITE(n0, types[t], addr, size, data ^ 1);
			n0 = nrecs_now();
			ASSERT_EQ(0, wr(e, types[t], addr, size, data ^ (e2e_mask(size) ^
								     (e2e_mask(size) >> 1))));
			EXPECT_EQ(n0 + 1, nrecs_now()) TH_LOG("top bit, len %u", len);
			EXPECT_EQ(0ULL, efd_take(efd));

			/* A shorter write whose bytes are data's low ones. */
			if (size > 1) {
				ASSERT_EQ(0, ioev(e->hsm, efd, type_flag(types[t]) | F_DATA,
						  addr, len, data & 0xff));
				ASSERT_EQ(0, wr(e, types[t], addr, 1, data));
				EXPECT_EQ(1ULL, efd_take(efd)) TH_LOG("1 of %u", len);
				/* As wide as data: data & 0xff zero-extended matches it. */
				n0 = nrecs_now();
				ASSERT_EQ(0, wr(e, types[t], addr, size, data & 0xff));
				EXPECT_EQ(1ULL, efd_take(efd));
				/* A byte above it set: neither entry. */
				ASSERT_EQ(0, wr(e, types[t], addr, 2, 0x100 | (data & 0xff)));
				EXPECT_EQ(0ULL, efd_take(efd));
				EXPECT_DM_WRITE(n0, types[t], addr, 2, 0x100 | (data & 0xff));
			}
			close(efd);
		}
	}
	ASSERT_EQ(0, e2e_dm_stop(dm, WAIT_MS));
	EXPECT_EQ(0, dm->err);
}

/* Reads inside a registered range: 0, and the device model sees none. */
TEST_F(hsm, reads)
{
	struct e2e *e = &self->e;
	struct stats s0, s1;
	struct e2e_dm *dm;
	unsigned int reads = 0;
	__u32 size;
	__u64 off;
	int efd;

	vm_dm(_metadata, e, "evread", &dm);
	/* The device model answers outside the ranges. */
	EXPECT_EQ(dm_value(GPA + 0x40), rd(e, MMIO, GPA + 0x40, 8));
	EXPECT_EQ(dm_value(PORT + 0x40) & 0xffffffff, rd(e, PIO, PORT + 0x40, 4));
	ASSERT_EQ(2U, nrecs_now());

	efd = efd_new();
	ASSERT_LE(0, efd);
	ASSERT_EQ(0, ioev(e->hsm, efd, 0, GPA, 8, 0));
	ASSERT_EQ(0, ioev(e->hsm, efd, F_PIO | F_DATA, PORT, 8, 0x55));
	stats_get(&s0);
	for (size = 1; size <= 8; size *= 2) {
		for (off = 0; off + size <= 8; off += size) {
			EXPECT_EQ(0ULL, rd(e, MMIO, GPA + off, size))
				TH_LOG("mmio read of %u at +%llu", size, (unsigned long long)off);
			reads++;
			if (size == 8)
				continue;
			EXPECT_EQ(0ULL, rd(e, PIO, PORT + off, size))
				TH_LOG("pio read of %u at +%llu", size, (unsigned long long)off);
			reads++;
		}
	}
	EXPECT_EQ(2U, nrecs_now());
	EXPECT_EQ(2UL, e2e_dm_handled(dm));
	EXPECT_EQ(0ULL, efd_take(efd));
	if (have_stats()) {
		stats_get(&s1);
		EXPECT_EQ(s0.dm_requests, s1.dm_requests);
		EXPECT_EQ(s0.kernel_passed, s1.kernel_passed);
		EXPECT_EQ(s0.requests + reads, s1.requests);
	}
	/* Outside again: the device model. */
	EXPECT_EQ(dm_value(GPA + 8) & 0xffffffff, rd(e, MMIO, GPA + 8, 4));
	EXPECT_EQ(3U, nrecs_now());
	close(efd);
	ASSERT_EQ(0, e2e_dm_stop(dm, WAIT_MS));
}

/* --- writes that match nothing --- */

/*
 * A write into a registered range that matches no ioeventfd (another
 * value, another start address inside the range) reaches the device
 * model as it was; stat kernel_passed counts it; nothing is signalled.
 */
TEST_F(hsm, unmatched_to_dm)
{
	static const struct {
		__u32 type, flags, len, size;
		__u64 data, addr_off, value;
	} c[] = {
		/* other data */
		{ MMIO, F_DATA, 4, 4, 0x1234, 0, 0x1235 },
		{ MMIO, F_DATA, 8, 8, 0x1234, 0, 0x1234ULL << 32 | 0x1234 },
		{ PIO, F_PIO | F_DATA, 2, 2, 0xbeef, 0, 0xbeee },
		{ PIO, F_PIO | F_DATA, 1, 1, 0x7f, 0, 0x80 },
		/* another start address inside the range */
		{ MMIO, 0, 8, 4, 0, 4, 0xcafe },
		{ MMIO, 0, 8, 1, 0, 7, 0x42 },
		{ MMIO, F_DATA, 4, 2, 0x77, 2, 0x77 },
		{ PIO, F_PIO, 4, 2, 0, 2, 0xabcd },
		{ PIO, F_PIO, 2, 1, 0, 1, 0x5a },
		{ PIO, F_PIO | F_DATA, 8, 4, 0x11, 4, 0x11 },
	};
	struct e2e *e = &self->e;
	struct stats s0, s1;
	struct e2e_dm *dm;
	unsigned int i, n0;
	__u64 base;
	int efd;

	vm_dm(_metadata, e, "evpass", &dm);
	efd = efd_new();
	ASSERT_LE(0, efd);
	for (i = 0; i < ARRAY_SIZE(c); i++) {
		base = c[i].type == PIO ? PORT + 0x10 * i : GPA + 0x100 * i;
		ASSERT_EQ(0, ioev(e->hsm, efd, c[i].flags, base, c[i].len, c[i].data));
		stats_get(&s0);
		n0 = nrecs_now();
		ASSERT_EQ(0, wr(e, c[i].type, base + c[i].addr_off, c[i].size, c[i].value));
		EXPECT_DM_WRITE(n0, c[i].type, base + c[i].addr_off, c[i].size, c[i].value);
		EXPECT_EQ(0ULL, efd_take(efd)) TH_LOG("case %u", i);
		if (have_stats()) {
			stats_get(&s1);
			EXPECT_EQ(s0.kernel_passed + 1, s1.kernel_passed) TH_LOG("case %u", i);
			EXPECT_EQ(s0.dm_requests + 1, s1.dm_requests) TH_LOG("case %u", i);
		}
	}
	EXPECT_EQ((unsigned long)ARRAY_SIZE(c), e2e_dm_handled(dm));
	close(efd);
	ASSERT_EQ(0, e2e_dm_stop(dm, WAIT_MS));
	EXPECT_EQ(0, dm->err);
}

/*
 * A write longer than the ioeventfd, starting at its address, does not
 * lie inside its range: it is routed as if the ioeventfd were not there
 * (in-kernel clients serve only accesses their range holds whole), so
 * the device model gets it without the ioeventfd client seeing it.
 */
TEST_F(hsm, unmatched_longer)
{
	static const struct {
		__u32 type, len, size;
	} c[] = {
		{ MMIO, 1, 2 }, { MMIO, 2, 4 }, { MMIO, 4, 8 }, { MMIO, 1, 8 },
		{ PIO, 1, 2 }, { PIO, 2, 4 },
	};
	struct e2e *e = &self->e;
	struct stats s0, s1;
	struct e2e_dm *dm;
	unsigned int i, n0;
	__u64 addr, value;
	int efd;

	vm_dm(_metadata, e, "evlong", &dm);
	efd = efd_new();
	ASSERT_LE(0, efd);
	for (i = 0; i < ARRAY_SIZE(c); i++) {
		addr = c[i].type == PIO ? PORT + 0x10 * i : GPA + 0x100 * i;
		value = 0x0807060504030201ULL + i;
		ASSERT_EQ(0, ioev(e->hsm, efd, type_flag(c[i].type), addr, c[i].len, 0));
		stats_get(&s0);
		n0 = nrecs_now();
		ASSERT_EQ(0, wr(e, c[i].type, addr, c[i].size, value));
		EXPECT_DM_WRITE(n0, c[i].type, addr, c[i].size, value);
		EXPECT_EQ(0ULL, efd_take(efd)) TH_LOG("case %u", i);
		if (have_stats()) {
			stats_get(&s1);
			EXPECT_EQ(s0.kernel_passed, s1.kernel_passed)
				TH_LOG("%s write of %u on an ioeventfd of %u: seen by it",
				       c[i].type == PIO ? "pio" : "mmio", c[i].size, c[i].len);
		}
	}
	ASSERT_EQ(0, e2e_dm_stop(dm, WAIT_MS));
	EXPECT_EQ(0ULL, efd_take(efd));
	close(efd);
}

/*
 * A read that overlaps a registered range without fitting in it is not
 * the ioeventfd's: the device model answers it.
 */
TEST_F(hsm, read_overlapping)
{
	struct e2e *e = &self->e;
	struct e2e_dm *dm;
	int efd;

	vm_dm(_metadata, e, "evrdov", &dm);
	efd = efd_new();
	ASSERT_LE(0, efd);
	ASSERT_EQ(0, ioev(e->hsm, efd, 0, GPA, 4, 0));
	ASSERT_EQ(0, ioev(e->hsm, efd, F_PIO, PORT, 2, 0));
	EXPECT_EQ(dm_value(GPA), rd(e, MMIO, GPA, 8));
	EXPECT_EQ(dm_value(GPA + 2) & e2e_mask(4), rd(e, MMIO, GPA + 2, 4));
	EXPECT_EQ(dm_value(PORT) & e2e_mask(4), rd(e, PIO, PORT, 4));
	EXPECT_EQ(3U, nrecs_now());
	/* Inside the range: the ioeventfd's, 0. */
	EXPECT_EQ(0ULL, rd(e, MMIO, GPA, 4));
	EXPECT_EQ(3U, nrecs_now());
	EXPECT_EQ(0ULL, efd_take(efd));
	close(efd);
	ASSERT_EQ(0, e2e_dm_stop(dm, WAIT_MS));
}

/*
 * Without a device model client, matching writes still signal; writes
 * that do not match and reads complete at once, and signal nothing.
 */
TEST_F(hsm, no_dm_client)
{
	struct e2e *e = &self->e;
	struct e2e_dm *dm;
	struct timespec t0;
	int efd;

	ASSERT_EQ(0, e2e_start_vm(e, "evnodm", 1, 0));
	efd = efd_new();
	ASSERT_LE(0, efd);
	ASSERT_EQ(0, ioev(e->hsm, efd, F_DATA, GPA, 4, 0x99));
	ASSERT_EQ(0, ioev(e->hsm, efd, F_PIO, PORT, 2, 0));
	e2e_now(&t0);
	ASSERT_EQ(0, wr(e, MMIO, GPA, 4, 0x99));
	ASSERT_EQ(0, wr(e, PIO, PORT, 1, 0x99));
	EXPECT_EQ(2ULL, efd_take(efd));
	ASSERT_EQ(0, wr(e, MMIO, GPA, 4, 0x98));
	ASSERT_EQ(0, wr(e, MMIO, GPA + 1, 1, 0x99));
	ASSERT_EQ(0, wr(e, PIO, PORT + 1, 1, 0));
	EXPECT_EQ(0ULL, rd(e, MMIO, GPA, 4));
	EXPECT_EQ(0ULL, efd_take(efd));
	/* Completed, not waiting for a client: well under the 5 s timeout. */
	EXPECT_GT(2000, e2e_ms_since(&t0));

	/* A device model that comes later sees later writes only. */
	ASSERT_EQ(0, e2e_dm_start(e, &dm, record, NULL));
	ASSERT_EQ(0, wr(e, MMIO, GPA, 4, 0x98));
	EXPECT_DM_WRITE(0U, MMIO, GPA, 4, 0x98);
	ASSERT_EQ(0, e2e_dm_stop(dm, WAIT_MS));
	/* And once it is gone, the same again. */
	ASSERT_EQ(0, wr(e, MMIO, GPA, 4, 0x98));
	ASSERT_EQ(0, wr(e, MMIO, GPA, 4, 0x99));
	EXPECT_EQ(1U, nrecs_now());
	EXPECT_EQ(1ULL, efd_take(efd));
	close(efd);
}

/* --- registration --- */

/* EEXIST for an entry that can match the same writes; the rest is allowed. */
TEST_F(hsm, conflicts)
{
	struct e2e *e = &self->e;
	struct e2e_dm *dm;
	int a, b, c;

	vm_dm(_metadata, e, "evconf", &dm);
	a = efd_new();
	b = efd_new();
	c = efd_new();
	ASSERT_LE(0, a);
	ASSERT_LE(0, b);
	ASSERT_LE(0, c);
	/* An MMIO ioeventfd at the number of the port used below. */
	ASSERT_EQ(0, ioev(e->hsm, c, 0, PORT, 4, 0));

	/* Wildcard against anything at the same eventfd, type and address. */
	ASSERT_EQ(0, ioev(e->hsm, a, 0, GPA, 4, 0));
	EXPECT_EQ(EEXIST, ioev(e->hsm, a, 0, GPA, 4, 0));
	EXPECT_EQ(EEXIST, ioev(e->hsm, a, 0, GPA, 8, 0));
	EXPECT_EQ(EEXIST, ioev(e->hsm, a, 0, GPA, 1, 5));
	EXPECT_EQ(EEXIST, ioev(e->hsm, a, F_DATA, GPA, 4, 0x10));
	EXPECT_EQ(EEXIST, ioev(e->hsm, a, F_DATA | F_ASYNCIO, GPA, 2, 0));
	EXPECT_EQ(EEXIST, ioev(e->hsm, a, F_ASYNCIO, GPA, 4, 0));
	/* Datamatch: the same data conflicts, with a wildcard too. */
	ASSERT_EQ(0, ioev(e->hsm, a, F_DATA, GPA + 0x100, 4, 0x10));
	EXPECT_EQ(EEXIST, ioev(e->hsm, a, F_DATA, GPA + 0x100, 4, 0x10));
	EXPECT_EQ(EEXIST, ioev(e->hsm, a, F_DATA, GPA + 0x100, 8, 0x10));
	EXPECT_EQ(EEXIST, ioev(e->hsm, a, 0, GPA + 0x100, 4, 0));
	EXPECT_EQ(EEXIST, ioev(e->hsm, a, 0, GPA + 0x100, 1, 0));
	/* Allowed: other data on the same address. */
	EXPECT_EQ(0, ioev(e->hsm, a, F_DATA, GPA + 0x100, 4, 0x11));
	EXPECT_EQ(0, ioev(e->hsm, a, F_DATA, GPA + 0x100, 4, 0));
	/* Allowed: the same eventfd at another address, even inside the range. */
	EXPECT_EQ(0, ioev(e->hsm, a, 0, GPA + 1, 1, 0));
	EXPECT_EQ(0, ioev(e->hsm, a, 0, GPA + 0x200, 4, 0));
	/* Allowed: the same address with the other type. */
	EXPECT_EQ(0, ioev(e->hsm, a, F_PIO, GPA & 0xffff, 4, 0));
	EXPECT_EQ(0, ioev(e->hsm, a, 0, PORT, 4, 0));
	EXPECT_EQ(0, ioev(e->hsm, a, F_PIO, PORT, 4, 0));
	EXPECT_EQ(EEXIST, ioev(e->hsm, a, F_PIO, PORT, 2, 0));
	/* Allowed: another eventfd on the same address, with or without data. */
	EXPECT_EQ(0, ioev(e->hsm, b, 0, GPA, 4, 0));
	EXPECT_EQ(0, ioev(e->hsm, b, F_DATA, GPA + 0x100, 4, 0x10));
	EXPECT_EQ(0, ioev(e->hsm, b, F_PIO, PORT, 4, 0));
	EXPECT_EQ(EEXIST, ioev(e->hsm, b, 0, GPA, 4, 0));

	/* The first entry registered that matches takes the write: a's. */
	ASSERT_EQ(0, wr(e, MMIO, GPA, 4, 1));
	EXPECT_EQ(1ULL, efd_take(a));
	EXPECT_EQ(0ULL, efd_take(b));
	ASSERT_EQ(0, wr(e, PIO, PORT, 4, 1));
	EXPECT_EQ(1ULL, efd_take(a));
	EXPECT_EQ(0ULL, efd_take(b));
	EXPECT_EQ(0ULL, efd_take(c));
	/* The MMIO one at that number: c's, registered before a's. */
	ASSERT_EQ(0, wr(e, MMIO, PORT, 4, 1));
	EXPECT_EQ(1ULL, efd_take(c));
	EXPECT_EQ(0ULL, efd_take(a));
	/* Each of a's values; b's 0x10 comes after a's. */
	ASSERT_EQ(0, wr(e, MMIO, GPA + 0x100, 4, 0x10));
	ASSERT_EQ(0, wr(e, MMIO, GPA + 0x100, 4, 0x11));
	ASSERT_EQ(0, wr(e, MMIO, GPA + 0x100, 4, 0));
	EXPECT_EQ(3ULL, efd_take(a));
	EXPECT_EQ(0ULL, efd_take(b));
	/* a at GPA + 1 */
	ASSERT_EQ(0, wr(e, MMIO, GPA + 1, 1, 0));
	EXPECT_EQ(1ULL, efd_take(a));
	/* Nothing went to the device model, and the failures left nothing behind. */
	EXPECT_EQ(0U, nrecs_now());
	ASSERT_EQ(0, wr(e, MMIO, GPA + 0x100, 4, 0x12));
	EXPECT_DM_WRITE(0U, MMIO, GPA + 0x100, 4, 0x12);
	close(a);
	close(b);
	close(c);
	ASSERT_EQ(0, e2e_dm_stop(dm, WAIT_MS));
}

/*
 * Deassign removes the entry described, else the first one of the
 * eventfd; 0 when the eventfd has none. Writes then go to the device
 * model and the eventfd is not signalled.
 */
TEST_F(hsm, deassign)
{
	struct e2e *e = &self->e;
	struct e2e_dm *dm;
	unsigned int n0;
	int a, b, c;

	vm_dm(_metadata, e, "evdeas", &dm);
	a = efd_new();
	b = efd_new();
	c = efd_new();
	ASSERT_LE(0, a);
	ASSERT_LE(0, b);
	ASSERT_LE(0, c);

	/* Exact: the second of a's entries, although the first is a's too. */
	ASSERT_EQ(0, ioev(e->hsm, a, 0, GPA, 4, 0));
	ASSERT_EQ(0, ioev(e->hsm, a, 0, GPA + 0x100, 4, 0));
	ASSERT_EQ(0, ioev(e->hsm, a, F_DEASSIGN, GPA + 0x100, 4, 0));
	n0 = nrecs_now();
	ASSERT_EQ(0, wr(e, MMIO, GPA + 0x100, 4, 7));
	EXPECT_DM_WRITE(n0, MMIO, GPA + 0x100, 4, 7);
	ASSERT_EQ(0, wr(e, MMIO, GPA, 4, 7));
	EXPECT_EQ(1ULL, efd_take(a));
	EXPECT_EQ(n0 + 1, nrecs_now());

	/* Exact by data: the entry with data 2, not the one with data 1. */
	ASSERT_EQ(0, ioev(e->hsm, b, F_DATA, GPA + 0x200, 8, 1));
	ASSERT_EQ(0, ioev(e->hsm, b, F_DATA, GPA + 0x200, 8, 2));
	ASSERT_EQ(0, ioev(e->hsm, b, F_DATA | F_DEASSIGN, GPA + 0x200, 8, 2));
	n0 = nrecs_now();
	ASSERT_EQ(0, wr(e, MMIO, GPA + 0x200, 8, 2));
	EXPECT_DM_WRITE(n0, MMIO, GPA + 0x200, 8, 2);
	ASSERT_EQ(0, wr(e, MMIO, GPA + 0x200, 8, 1));
	EXPECT_EQ(1ULL, efd_take(b));

	/*
	 * Fallback: nothing of b's looks like this (other address, length
	 * and type): b's first entry goes, the data 1 one.
	 */
	ASSERT_EQ(0, ioev(e->hsm, b, F_PIO, PORT, 2, 0));
	ASSERT_EQ(0, ioev(e->hsm, b, F_PIO | F_DEASSIGN, PORT + 8, 1, 0));
	n0 = nrecs_now();
	ASSERT_EQ(0, wr(e, MMIO, GPA + 0x200, 8, 1));
	EXPECT_DM_WRITE(n0, MMIO, GPA + 0x200, 8, 1);
	ASSERT_EQ(0, wr(e, PIO, PORT, 2, 1));
	EXPECT_EQ(1ULL, efd_take(b));
	/* Fallback by eventfd only: c's deassign of b's entry removes nothing. */
	ASSERT_EQ(0, ioev(e->hsm, c, F_PIO | F_DEASSIGN, PORT, 2, 0));
	ASSERT_EQ(0, wr(e, PIO, PORT, 2, 1));
	EXPECT_EQ(1ULL, efd_take(b));
	/* Wildcard deassign of a datamatch entry: the fallback takes it. */
	ASSERT_EQ(0, ioev(e->hsm, c, F_DATA, GPA + 0x300, 4, 3));
	ASSERT_EQ(0, ioev(e->hsm, c, F_DEASSIGN, GPA + 0x300, 4, 0));
	n0 = nrecs_now();
	ASSERT_EQ(0, wr(e, MMIO, GPA + 0x300, 4, 3));
	EXPECT_DM_WRITE(n0, MMIO, GPA + 0x300, 4, 3);
	EXPECT_EQ(0ULL, efd_take(c));

	/* Unknown: 0, several times over. */
	EXPECT_EQ(0, ioev(e->hsm, c, F_DEASSIGN, GPA, 4, 0));
	EXPECT_EQ(0, ioev(e->hsm, c, F_DEASSIGN | F_PIO | F_DATA, 0x10, 8, 9));
	ASSERT_EQ(0, wr(e, MMIO, GPA, 4, 7));
	EXPECT_EQ(1ULL, efd_take(a));

	/* The last ones: then everything goes to the device model. */
	ASSERT_EQ(0, ioev(e->hsm, a, F_DEASSIGN, GPA, 4, 0));
	EXPECT_EQ(0, ioev(e->hsm, a, F_DEASSIGN, GPA, 4, 0));
	ASSERT_EQ(0, ioev(e->hsm, b, F_DEASSIGN | F_PIO, PORT, 2, 0));
	EXPECT_EQ(0, ioev(e->hsm, b, F_DEASSIGN | F_PIO, PORT, 2, 0));
	n0 = nrecs_now();
	ASSERT_EQ(0, wr(e, MMIO, GPA, 4, 7));
	ASSERT_EQ(0, wr(e, PIO, PORT, 2, 1));
	EXPECT_DM_WRITE(n0 + 1, PIO, PORT, 2, 1);
	/* Reads in the old ranges are the device model's again. */
	EXPECT_EQ(dm_value(GPA) & 0xffffffff, rd(e, MMIO, GPA, 4));
	EXPECT_EQ(dm_value(PORT) & 0xffff, rd(e, PIO, PORT, 2));
	EXPECT_EQ(dm_value(GPA + 0x100) & 0xffffffff, rd(e, MMIO, GPA + 0x100, 4));
	EXPECT_EQ(dm_value(GPA + 0x200), rd(e, MMIO, GPA + 0x200, 8));
	EXPECT_EQ(dm_value(GPA + 0x300) & 0xffffffff, rd(e, MMIO, GPA + 0x300, 4));
	EXPECT_EQ(0ULL, efd_take(a));
	EXPECT_EQ(0ULL, efd_take(b));
	EXPECT_EQ(0ULL, efd_take(c));
	/* And they can be assigned again. */
	ASSERT_EQ(0, ioev(e->hsm, a, 0, GPA, 4, 0));
	ASSERT_EQ(0, wr(e, MMIO, GPA, 4, 7));
	EXPECT_EQ(1ULL, efd_take(a));
	close(a);
	close(b);
	close(c);
	ASSERT_EQ(0, e2e_dm_stop(dm, WAIT_MS));
}

/* Two eventfds on one address: deassigning one leaves the other working. */
TEST_F(hsm, deassign_shared)
{
	struct e2e *e = &self->e;
	struct e2e_dm *dm;
	int a, b;

	vm_dm(_metadata, e, "evshar", &dm);
	a = efd_new();
	b = efd_new();
	ASSERT_LE(0, a);
	ASSERT_LE(0, b);
	ASSERT_EQ(0, ioev(e->hsm, a, F_PIO, PORT, 4, 0));
	ASSERT_EQ(0, ioev(e->hsm, b, F_PIO, PORT, 4, 0));
	ASSERT_EQ(0, ioev(e->hsm, a, 0, GPA, 8, 0));
	ASSERT_EQ(0, ioev(e->hsm, b, 0, GPA, 8, 0));
	ASSERT_EQ(0, wr(e, PIO, PORT, 4, 1));
	ASSERT_EQ(0, wr(e, MMIO, GPA, 8, 1));
	EXPECT_EQ(2ULL, efd_take(a));
	EXPECT_EQ(0ULL, efd_take(b));

	ASSERT_EQ(0, ioev(e->hsm, a, F_PIO | F_DEASSIGN, PORT, 4, 0));
	ASSERT_EQ(0, ioev(e->hsm, a, F_DEASSIGN, GPA, 8, 0));
	ASSERT_EQ(0, wr(e, PIO, PORT, 4, 1));
	ASSERT_EQ(0, wr(e, MMIO, GPA, 8, 1));
	EXPECT_EQ(0ULL, efd_take(a));
	EXPECT_EQ(2ULL, efd_take(b));
	/* The range is still the ioeventfds': reads are 0, not the device model's. */
	EXPECT_EQ(0ULL, rd(e, MMIO, GPA, 8));
	EXPECT_EQ(0ULL, rd(e, PIO, PORT, 4));
	EXPECT_EQ(0U, nrecs_now());

	ASSERT_EQ(0, ioev(e->hsm, b, F_PIO | F_DEASSIGN, PORT, 4, 0));
	ASSERT_EQ(0, ioev(e->hsm, b, F_DEASSIGN, GPA, 8, 0));
	ASSERT_EQ(0, wr(e, PIO, PORT, 4, 1));
	EXPECT_DM_WRITE(0U, PIO, PORT, 4, 1);
	ASSERT_EQ(0, wr(e, MMIO, GPA, 8, 1));
	EXPECT_DM_WRITE(1U, MMIO, GPA, 8, 1);
	EXPECT_EQ(0ULL, efd_take(b));
	close(a);
	close(b);
	ASSERT_EQ(0, e2e_dm_stop(dm, WAIT_MS));
}

/* Bad arguments: EINVAL, EBADF, EFAULT; nothing is left registered. */
TEST_F(hsm, validation)
{
	static const struct {
		__u32 flags, len, reserved;
		__u64 addr;
	} bad[] = {
		{ 0, 4, 1, GPA },
		{ F_PIO, 4, 0x80000000, PORT },
		{ F_DEASSIGN, 4, 1, GPA },
		{ 0x10, 4, 0, GPA },
		{ F_PIO | F_DATA | 0x80000000, 4, 0, PORT },
		{ F_DEASSIGN | 0x20, 4, 0, GPA },
		{ 0, 0, 0, GPA },
		{ 0, 3, 0, GPA },
		{ 0, 16, 0, GPA },
		{ F_PIO, 0, 0, PORT },
		{ F_PIO | F_DATA, 3, 0, PORT },
		{ 0, 8, 0, 0xfffffffffffffff9ULL },
		{ 0, 2, 0, ~0ULL },
		{ F_PIO, 2, 0, 0xffff },
		{ F_PIO, 8, 0, 0xfff9 },
		{ F_PIO, 1, 0, 0x10000 },
		{ F_PIO, 4, 0, 0x100006000ULL },
	};
	struct acrn_ioeventfd args = { .len = 4, .addr = GPA };
	struct e2e *e = &self->e;
	struct e2e_dm *dm;
	unsigned int i;
	int efd, null, closed;

	vm_dm(_metadata, e, "evval", &dm);
	efd = efd_new();
	ASSERT_LE(0, efd);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		struct acrn_ioeventfd a = {
			.fd = (__u32)efd,
			.flags = bad[i].flags,
			.addr = bad[i].addr,
			.len = bad[i].len,
			.reserved = bad[i].reserved,
		};

		EXPECT_EQ(EINVAL, e2e_ioctl(e->hsm, ACRN_IOCTL_IOEVENTFD, &a))
			TH_LOG("case %u", i);
	}
	/* The edges that are fine. */
	EXPECT_EQ(0, ioev(e->hsm, efd, 0, 0xfffffffffffffff8ULL, 8, 0));
	EXPECT_EQ(0, ioev(e->hsm, efd, 0, ~0ULL, 1, 0));
	EXPECT_EQ(0, ioev(e->hsm, efd, F_PIO, 0xfff8, 8, 0));
	EXPECT_EQ(0, ioev(e->hsm, efd, F_PIO, 0xffff, 1, 0));
	EXPECT_EQ(0, ioev(e->hsm, efd, 0, 0, 8, 0));
	ASSERT_EQ(0, wr(e, MMIO, 0xfffffffffffffff8ULL, 8, 1));
	ASSERT_EQ(0, wr(e, PIO, 0xffff, 1, 1));
	ASSERT_EQ(0, wr(e, PIO, 0xfff8, 4, 1));
	EXPECT_EQ(3ULL, efd_take(efd));
	/* Deassign checks flags and reserved only. */
	EXPECT_EQ(0, ioev(e->hsm, efd, F_DEASSIGN, 0xfffffffffffffff9ULL, 3, 0));
	/* ASYNCIO is served as a plain ioeventfd. */
	ASSERT_EQ(0, ioev(e->hsm, efd, F_ASYNCIO | F_DATA, GPA + 0x800, 4, 6));
	ASSERT_EQ(0, wr(e, MMIO, GPA + 0x800, 4, 6));
	EXPECT_EQ(1ULL, efd_take(efd));

	/* fds: not open (nothing opened after the close), not an eventfd. */
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, null);
	closed = efd_new();
	ASSERT_LE(0, closed);
	close(closed);
	EXPECT_EQ(EBADF, ioev(e->hsm, closed, 0, GPA, 4, 0));
	EXPECT_EQ(EBADF, ioev(e->hsm, -1, 0, GPA, 4, 0));
	EXPECT_EQ(EBADF, ioev(e->hsm, closed, F_DEASSIGN, GPA, 4, 0));
	EXPECT_EQ(EINVAL, ioev(e->hsm, null, 0, GPA, 4, 0));
	EXPECT_EQ(EINVAL, ioev(e->hsm, null, F_DEASSIGN, GPA, 4, 0));
	EXPECT_EQ(EINVAL, ioev(e->hsm, e->hsm, F_PIO, PORT, 4, 0));
	EXPECT_EQ(EFAULT, e2e_ioctl(e->hsm, ACRN_IOCTL_IOEVENTFD, e2e_hole()));
	args.fd = (__u32)efd;
	EXPECT_EQ(EFAULT, e2e_ioctl(e->hsm, ACRN_IOCTL_IOEVENTFD,
				    (char *)e2e_hole() + 8));
	close(null);

	/* None of the failures registered anything. */
	ASSERT_EQ(0, wr(e, MMIO, GPA, 4, 2));
	EXPECT_DM_WRITE(0U, MMIO, GPA, 4, 2);
	ASSERT_EQ(0, wr(e, PIO, PORT, 4, 3));
	EXPECT_DM_WRITE(1U, PIO, PORT, 4, 3);
	EXPECT_EQ(0ULL, efd_take(efd));
	/* The argument that works, for contrast. */
	EXPECT_EQ(0, e2e_ioctl(e->hsm, ACRN_IOCTL_IOEVENTFD, &args));
	ASSERT_EQ(0, wr(e, MMIO, GPA, 4, 2));
	EXPECT_EQ(1ULL, efd_take(efd));
	close(efd);
	ASSERT_EQ(0, e2e_dm_stop(dm, WAIT_MS));
}

/* Every ioeventfd ioctl needs a VM: EINVAL before CREATE_VM and after DESTROY_VM. */
TEST_F(hsm, no_vm)
{
	struct e2e *e = &self->e;
	int efd = efd_new();

	ASSERT_LE(0, efd);
	EXPECT_EQ(EINVAL, ioev(e->hsm, efd, 0, GPA, 4, 0));
	EXPECT_EQ(EINVAL, ioev(e->hsm, efd, F_DEASSIGN, GPA, 4, 0));
	ASSERT_EQ(0, e2e_start_vm(e, "evnovm", 1, 0));
	ASSERT_EQ(0, ioev(e->hsm, efd, 0, GPA, 4, 0));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
	EXPECT_EQ(EINVAL, ioev(e->hsm, efd, 0, GPA, 4, 0));
	EXPECT_EQ(EINVAL, ioev(e->hsm, efd, F_DEASSIGN, GPA, 4, 0));
	close(efd);
}

/* 1024 ioeventfds per VM, then ENOSPC; a freed slot can be used again. */
TEST_F(hsm, limit)
{
	struct e2e *e = &self->e;
	unsigned int i;
	int efd, other;

	ASSERT_EQ(0, e2e_start_vm(e, "evmax", 1, 0));
	efd = efd_new();
	other = efd_new();
	ASSERT_LE(0, efd);
	ASSERT_LE(0, other);
	for (i = 0; i < IOEVENTFD_MAX; i++)
		ASSERT_EQ(0, ioev(e->hsm, efd, 0, GPA + 8 * i, 8, 0)) TH_LOG("#%u", i);
	EXPECT_EQ(ENOSPC, ioev(e->hsm, efd, 0, GPA + 8 * i, 8, 0));
	EXPECT_EQ(ENOSPC, ioev(e->hsm, other, F_PIO, PORT, 1, 0));
	/* The first and the last still work. */
	ASSERT_EQ(0, wr(e, MMIO, GPA, 8, 1));
	ASSERT_EQ(0, wr(e, MMIO, GPA + 8 * (IOEVENTFD_MAX - 1), 8, 1));
	EXPECT_EQ(2ULL, efd_take(efd));
	/* One less, one more. */
	ASSERT_EQ(0, ioev(e->hsm, efd, F_DEASSIGN, GPA + 8 * 5, 8, 0));
	EXPECT_EQ(0, ioev(e->hsm, other, F_PIO, PORT, 1, 0));
	EXPECT_EQ(ENOSPC, ioev(e->hsm, other, F_PIO, PORT + 1, 1, 0));
	ASSERT_EQ(0, wr(e, PIO, PORT, 1, 1));
	EXPECT_EQ(1ULL, efd_take(other));
	/* The limit is per VM. */
	ASSERT_EQ(0, e2e_open_fd(e, 0));
	ASSERT_EQ(0, e2e_vm_up(e->fd[0], &e->fcv[0], e->page[0], "evmax2", 1, 0));
	EXPECT_EQ(0, ioev(e->fd[0], efd, 0, GPA, 8, 0));
	/* Closing with 1024 assigned frees them (tear-down, kmemleak). */
	close(efd);
	close(other);
}

/* Several eventfds, each counting its own writes exactly. */
TEST_F(hsm, several_eventfds)
{
	static const struct {
		__u32 type, flags, len;
		__u64 addr, data;
	} ev[] = {
		{ MMIO, 0, 4, GPA, 0 },
		{ MMIO, F_DATA, 8, GPA + 0x1000, 0x1122334455667788ULL },
		{ PIO, F_PIO, 2, PORT, 0 },
		{ PIO, F_PIO | F_DATA, 4, PORT + 4, 0xfeedface },
		{ MMIO, 0, 1, GPA + 0x2000, 0 },
	};
	__u64 want[ARRAY_SIZE(ev)] = { 0 }, shared = 0, to_dm = 0;
	int efd[ARRAY_SIZE(ev)], both;
	struct e2e *e = &self->e;
	struct e2e_dm *dm;
	unsigned int i, j;

	vm_dm(_metadata, e, "evmany", &dm);
	for (i = 0; i < ARRAY_SIZE(ev); i++) {
		efd[i] = efd_new();
		ASSERT_LE(0, efd[i]);
		ASSERT_EQ(0, ioev(e->hsm, efd[i], ev[i].flags, ev[i].addr, ev[i].len,
				  ev[i].data));
	}
	/* One eventfd on two addresses adds both up. */
	both = efd_new();
	ASSERT_LE(0, both);
	ASSERT_EQ(0, ioev(e->hsm, both, 0, GPA + 0x3000, 4, 0));
	ASSERT_EQ(0, ioev(e->hsm, both, F_PIO, PORT + 0x20, 1, 0));
	for (j = 0; j < 40; j++) {
		i = (j * 7 + j / 5) % ARRAY_SIZE(ev);
		ASSERT_EQ(0, wr(e, ev[i].type, ev[i].addr, ev[i].len == 8 && j % 2 ? 4 : ev[i].len,
				ev[i].data));
		if ((ev[i].flags & F_DATA) && ev[i].len == 8 && j % 2)
			to_dm++;
		else
			want[i]++;
		if (j % 3 == 0) {
			ASSERT_EQ(0, wr(e, j % 2 ? PIO : MMIO, j % 2 ? PORT + 0x20 : GPA + 0x3000,
					1, j));
			shared++;
		}
	}
	for (i = 0; i < ARRAY_SIZE(ev); i++) {
		EXPECT_EQ(want[i], efd_take(efd[i])) TH_LOG("eventfd %u", i);
		close(efd[i]);
	}
	EXPECT_EQ(shared, efd_take(both));
	close(both);
	/* The 4-byte writes of the 8-byte datamatch went to the device model. */
	EXPECT_NE(0ULL, to_dm);
	EXPECT_EQ(to_dm, (__u64)nrecs_now());
	EXPECT_EQ(to_dm, (__u64)e2e_dm_handled(dm));
	ASSERT_EQ(0, e2e_dm_stop(dm, WAIT_MS));
	EXPECT_EQ(0, dm->err);
}

/* --- tear-down with ioeventfds assigned --- */

/*
 * DESTROY_VM with ioeventfds assigned: they go with the VM; the eventfds
 * stay usable and can serve a new VM on the same file and address.
 */
TEST_F(hsm, destroy_assigned)
{
	struct e2e *e = &self->e;
	struct e2e_dm *dm;
	__u64 one = 1;
	int a, b, c;

	ASSERT_EQ(0, e2e_start_vm(e, "evdest", 1, 0));
	a = efd_new();
	b = efd_new();
	ASSERT_LE(0, a);
	ASSERT_LE(0, b);
	ASSERT_EQ(0, ioev(e->hsm, a, 0, GPA, 4, 0));
	ASSERT_EQ(0, ioev(e->hsm, a, F_PIO | F_DATA, PORT, 2, 5));
	ASSERT_EQ(0, ioev(e->hsm, b, 0, GPA, 4, 0));
	ASSERT_EQ(0, wr(e, MMIO, GPA, 4, 1));
	EXPECT_EQ(1ULL, efd_take(a));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
	EXPECT_EQ(0ULL, efd_take(a));
	ASSERT_EQ(sizeof(one), (size_t)write(a, &one, sizeof(one)));
	EXPECT_EQ(1ULL, efd_take(a));

	/* A new VM starts without them, and takes the same ones again. */
	ASSERT_EQ(0, e2e_start_vm(e, "evdest2", 1, 0));
	ASSERT_EQ(0, ioev(e->hsm, a, 0, GPA, 4, 0));
	ASSERT_EQ(0, ioev(e->hsm, a, F_PIO | F_DATA, PORT, 2, 5));
	ASSERT_EQ(0, wr(e, MMIO, GPA, 4, 1));
	ASSERT_EQ(0, wr(e, PIO, PORT, 2, 5));
	EXPECT_EQ(2ULL, efd_take(a));
	EXPECT_EQ(0ULL, efd_take(b));
	close(b);
	/* An eventfd closed while assigned: writes are still harmless. */
	ASSERT_EQ(0, e2e_dm_start(e, &dm, record, NULL));
	c = efd_new();
	ASSERT_LE(0, c);
	ASSERT_EQ(0, ioev(e->hsm, c, 0, GPA + 0x100, 4, 0));
	close(c);
	ASSERT_EQ(0, wr(e, MMIO, GPA + 0x100, 4, 1));
	ASSERT_EQ(0, wr(e, MMIO, GPA + 0x100, 4, 2));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
	ASSERT_EQ(0, e2e_dm_join(dm, WAIT_MS));
	EXPECT_EQ(0ULL, efd_take(a));
	close(a);
}

/* close() of the VM's file with ioeventfds assigned, eventfds open or not. */
TEST_F(hsm, close_assigned)
{
	struct e2e *e = &self->e;
	int i, efd[3];
	char tag[8];

	for (i = 0; i < 3; i++) {
		efd[i] = efd_new();
		ASSERT_LE(0, efd[i]);
	}
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, e2e_open_fd(e, i));
		snprintf(tag, sizeof(tag), "evclo%d", i);
		ASSERT_EQ(0, e2e_vm_up(e->fd[i], &e->fcv[i], e->page[i], tag, 1, 0));
		ASSERT_EQ(0, ioev(e->fd[i], efd[0], 0, GPA, 8, 0));
		ASSERT_EQ(0, ioev(e->fd[i], efd[1], F_PIO, PORT, 4, 0));
		ASSERT_EQ(0, ioev(e->fd[i], efd[2], F_DATA, GPA, 8, 3));
		ASSERT_EQ(0, e2e_guest_io(e, e->fcv[i].vmid, 0, MMIO, WR, GPA, 8,
					  &(__u64){ 3 }));
	}
	EXPECT_EQ(3ULL, efd_take(efd[0]));
	/* One VM goes with its eventfds open, one after they were closed. */
	e2e_close(&e->fd[0]);
	EXPECT_EQ(2, e2e_wait_count(e->hv, e->baseline + 2, WAIT_MS) - e->baseline);
	for (i = 0; i < 3; i++)
		close(efd[i]);
	e2e_close(&e->fd[1]);
	EXPECT_EQ(1, e2e_wait_count(e->hv, e->baseline + 1, WAIT_MS) - e->baseline);
	/* fd[2]'s VM goes at tear-down, its eventfds closed already. */
}

/* --- the fast path --- */

/* A lone matching write is completed in the upcall: kernel_inline, not deferred. */
TEST_F(hsm, inline_path)
{
	struct e2e *e = &self->e;
	struct stats s0, s1;
	struct e2e_dm *dm;
	unsigned int i;
	int efd, err;

	if (!have_stats())
		SKIP(return, "no debugfs stats");
	vm_dm(_metadata, e, "evinl", &dm);
	efd = efd_new();
	ASSERT_LE(0, efd);
	ASSERT_EQ(0, ioev(e->hsm, efd, F_PIO, PORT, 2, 0));
	ASSERT_EQ(0, ioev(e->hsm, efd, F_DATA, GPA, 8, 0x1234));
	for (i = 0; i < 6; i++) {
		stats_get(&s0);
		if (i % 2)
			err = wr(e, PIO, PORT, 2, i);
		else
			err = wr(e, MMIO, GPA, 8, 0x1234);
		ASSERT_EQ(0, err);
		stats_get(&s1);
		EXPECT_EQ(1ULL, efd_take(efd)) TH_LOG("#%u", i);
		EXPECT_EQ(s0.kernel_inline + 1, s1.kernel_inline) TH_LOG("#%u", i);
		EXPECT_EQ(s0.kernel_deferred, s1.kernel_deferred) TH_LOG("#%u", i);
		EXPECT_EQ(s0.dm_requests, s1.dm_requests) TH_LOG("#%u", i);
		EXPECT_EQ(s0.requests + 1, s1.requests) TH_LOG("#%u", i);
	}
	EXPECT_EQ(0U, nrecs_now());
	close(efd);
	ASSERT_EQ(0, e2e_dm_stop(dm, WAIT_MS));
}

TEST_HARNESS_MAIN
