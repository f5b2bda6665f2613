// SPDX-License-Identifier: GPL-2.0
/*
 * End-to-end tests of I/O request traffic: many vCPUs at once (none lost,
 * none duplicated, each vCPU's requests in order), access sizes and value
 * masking, in-kernel clients (debugfs test clients) next to the device
 * model, and the simulator's guest loop against a device-model thread.
 *
 * 16 vCPUs need acrn_hvsim loaded with pcpus>=16. Unless it already is,
 * this program reloads it so before its first test and with the default
 * parameters after its last (tests/guest/check.sh loads it with the
 * defaults, which the other programs expect).
 */
#include "e2e.h"

#define NR_VCPUS	16
#define OPS		1000	/* most accesses per vCPU in the traffic tests */
#define OPS_MS		6000	/* and for at most this long (16 vCPUs) */
#define MIN_OPS		40	/* but at least this many per vCPU */
#define LOOP_COUNT	50	/* accesses per vCPU in the guest loop tests */
#define WAIT_MS		3000
#define PORT		0x4000
#define GPA		0xd0000000ULL

static bool sim_reloaded;
static pid_t main_pid;

static void __attribute__((constructor)) traffic_init(void)
{
	struct hvsim_info info;
	int hv, err;

	main_pid = getpid();
	hv = hvsim_open();
	if (hv < 0)
		return;
	err = hvsim_get_info(hv, &info);
	close(hv);
	if (err || info.pcpus >= NR_VCPUS)
		return;
	err = e2e_sim_reload("pcpus=16");
	if (err)
		printf("# cannot reload acrn_hvsim with pcpus=16: %s\n", strerror(err));
	else
		sim_reloaded = true;
}

static void __attribute__((destructor)) traffic_exit(void)
{
	int err;

	if (!sim_reloaded || getpid() != main_pid)
		return;
	err = e2e_sim_reload("");
	if (err)
		printf("# cannot reload acrn_hvsim with its defaults: %s\n", strerror(err));
}

/* --- a vCPU thread: accesses one after another, checking reads --- */

/*
 * Access @i of vCPU @v: fills @io (vmid and vcpu preset) and returns the
 * value a read must get.
 */
typedef __u64 (*vcpu_step_fn)(unsigned int v, unsigned int i, struct hvsim_io *io);

/**
 * struct vcpu_thread - one guest vCPU
 * @thread:	The thread.
 * @e:		The test.
 * @vmid:	Its VM.
 * @vcpu:	Its vCPU.
 * @count:	Accesses to make.
 * @budget_ms:	Stop early once this long has passed since @t0 (0: never).
 * @t0:		Start of the test.
 * @step:	What access @i is.
 * @done:	Accesses completed (__atomic).
 * @finished:	The thread is done (__atomic).
 * @err:	Errno of the access that failed (the thread stops there).
 * @bad:	Reads that got a wrong value.
 * @bad_i:	First such read.
 * @got:	What it got.
 * @want:	What it should have got.
 */
struct vcpu_thread {
	pthread_t	thread;
	struct e2e	*e;
	unsigned int	vmid;
	unsigned int	vcpu;
	unsigned int	count;
	long		budget_ms;
	struct timespec	t0;
	vcpu_step_fn	step;
	unsigned int	done;
	int		finished;
	int		err;
	unsigned int	bad;
	unsigned int	bad_i;
	__u64		got;
	__u64		want;
};

static void *vcpu_main(void *p)
{
	struct vcpu_thread *t = p;
	struct hvsim_io io;
	unsigned int i;
	__u64 want;

	for (i = 0; i < t->count; i++) {
		/* The budget never stops a vCPU short of MIN_OPS: no speed asserted. */
		if (t->budget_ms && i >= MIN_OPS &&
		    e2e_ms_since(&t->t0) > t->budget_ms)
			break;
		e2e_io_init(&io, t->vmid, t->vcpu, 0, 0, 0, 0, 0);
		want = t->step(t->vcpu, i, &io);
		t->err = e2e_ioctl(t->e->hv, HVSIM_IOCTL_GUEST_IO, &io);
		if (t->err)
			break;
		if (io.direction == ACRN_IOREQ_DIR_READ && io.value != want && !t->bad++) {
			t->bad_i = i;
			t->got = io.value;
			t->want = want;
		}
		__atomic_store_n(&t->done, i + 1, __ATOMIC_RELAXED);
	}
	__atomic_store_n(&t->finished, 1, __ATOMIC_RELEASE);
	return NULL;
}

static int vcpus_start(struct e2e *e, struct vcpu_thread *t, unsigned int n,
		       unsigned int count, long budget_ms, vcpu_step_fn step)
{
	struct timespec t0;
	unsigned int i;
	int err;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < n; i++) {
		memset(&t[i], 0, sizeof(t[i]));
		t[i].budget_ms = budget_ms;
		t[i].t0 = t0;
		t[i].e = e;
		t[i].vmid = e->cv.vmid;
		t[i].vcpu = i;
		t[i].count = count;
		t[i].step = step;
		err = pthread_create(&t[i].thread, NULL, vcpu_main, &t[i]);
		if (err)
			return err;
	}
	return 0;
}

/* Wait up to @ms for all threads: 0, or the number still running (left so). */
static unsigned int vcpus_join(struct vcpu_thread *t, unsigned int n, long ms)
{
	unsigned int i, running = 0;
	struct timespec t0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < n; i++) {
		while (!__atomic_load_n(&t[i].finished, __ATOMIC_ACQUIRE) &&
		       e2e_ms_since(&t0) <= ms)
			usleep(1000);
		if (!__atomic_load_n(&t[i].finished, __ATOMIC_ACQUIRE))
			running++;
	}
	for (i = 0; i < n && !running; i++)
		pthread_join(t[i].thread, NULL);
	return running;
}

/* Log what went wrong on each vCPU; returns how many vCPUs failed. */
static int vcpus_check(struct __test_metadata *_metadata,
		       struct vcpu_thread *t, unsigned int n)
{
	unsigned int i;
	int failed = 0;

	for (i = 0; i < n; i++) {
		if (t[i].err)
			TH_LOG("vCPU %u: access %u failed: %s", i, t[i].done,
			       strerror(t[i].err));
		if (t[i].bad)
			TH_LOG("vCPU %u: %u bad reads, first #%u got %#llx want %#llx",
			       i, t[i].bad, t[i].bad_i, (unsigned long long)t[i].got,
			       (unsigned long long)t[i].want);
		if (t[i].err || t[i].bad || (!t[i].budget_ms && t[i].done != t[i].count))
			failed++;
	}
	return failed;
}

/* --- the device model's record --- */

#define READ_MARK	0xffffffffU

static __u32 seen[NR_VCPUS][OPS];	/* per vCPU, in order: write values, READ_MARK */
static __u64 seen64[NR_VCPUS][LOOP_COUNT];
static unsigned int seq[NR_VCPUS];
static unsigned int dm_bad;		/* requests that were not what the vCPU does */
static unsigned int dm_bad_vcpu, dm_bad_seq;

static void dm_wrong(unsigned int vcpu)
{
	if (!dm_bad++) {
		dm_bad_vcpu = vcpu;
		dm_bad_seq = vcpu < NR_VCPUS ? seq[vcpu] : 0;
	}
}

/* Traffic: op i of vCPU v writes (v << 24 | i) to PORT + 4v, each 4th reads GPA + 8v. */
static __u64 traffic_read_value(unsigned int v, unsigned int i)
{
	return 0xabcdULL << 48 | (__u64)v << 32 | i;
}

static __u64 traffic_step(unsigned int v, unsigned int i, struct hvsim_io *io)
{
	if (i % 4 == 3) {
		io->type = ACRN_IOREQ_TYPE_MMIO;
		io->direction = ACRN_IOREQ_DIR_READ;
		io->address = GPA + 8 * v;
		io->size = 8;
		return traffic_read_value(v, i);
	}
	io->type = ACRN_IOREQ_TYPE_PORTIO;
	io->direction = ACRN_IOREQ_DIR_WRITE;
	io->address = PORT + 4 * v;
	io->size = 4;
	io->value = v << 24 | i;
	return 0;
}

static int traffic_dm(struct e2e_dm *dm, unsigned int vcpu,
		      struct acrn_io_request *req)
{
	bool read = e2e_req_dir(req) == ACRN_IOREQ_DIR_READ;
	unsigned int i;

	(void)dm;
	if (vcpu >= NR_VCPUS || seq[vcpu] >= OPS) {
		dm_wrong(vcpu);
		return 0;
	}
	i = seq[vcpu];
	if (read) {
		if (req->type != ACRN_IOREQ_TYPE_MMIO ||
		    e2e_req_addr(req) != GPA + 8 * vcpu || e2e_req_size(req) != 8)
			dm_wrong(vcpu);
		seen[vcpu][i] = READ_MARK;
		req->reqs.mmio_request.value = traffic_read_value(vcpu, i);
	} else {
		if (req->type != ACRN_IOREQ_TYPE_PORTIO ||
		    e2e_req_addr(req) != PORT + 4 * vcpu || e2e_req_size(req) != 4)
			dm_wrong(vcpu);
		seen[vcpu][i] = req->reqs.pio_request.value;
	}
	__atomic_store_n(&seq[vcpu], i + 1, __ATOMIC_RELEASE);
	return 0;
}

/* The exact sequence each vCPU made, nothing else. Returns the number of errors. */
static int traffic_verify(struct __test_metadata *_metadata,
			  const struct vcpu_thread *t, unsigned int vcpus)
{
	unsigned int v, i, want;
	int errors = 0;

	for (v = 0; v < vcpus; v++) {
		if (seq[v] != t[v].done) {
			TH_LOG("vCPU %u: device model saw %u requests, the vCPU made %u",
			       v, seq[v], t[v].done);
			errors++;
			continue;
		}
		for (i = 0; i < seq[v]; i++) {
			want = i % 4 == 3 ? READ_MARK : (v << 24 | i);
			if (seen[v][i] != want) {
				TH_LOG("vCPU %u request %u: %#x, want %#x", v, i, seen[v][i], want);
				errors++;
				break;
			}
		}
	}
	if (dm_bad) {
		TH_LOG("%u unexpected requests, first on vCPU %u after %u", dm_bad,
		       dm_bad_vcpu, dm_bad_seq);
		errors++;
	}
	return errors;
}

static void run_traffic(struct __test_metadata *_metadata, struct e2e *e,
			unsigned int vcpus, long budget_ms)
{
	struct vcpu_thread t[NR_VCPUS];
	struct hvsim_stats st0, st1;
	unsigned long total = 0;
	struct timespec t0;
	struct e2e_dm *dm;
	unsigned int v;

	ASSERT_EQ(0, e2e_start_vm(e, "traffic", vcpus, 0));
	ASSERT_EQ(0, e2e_dm_start(e, &dm, traffic_dm, NULL));
	ASSERT_EQ(0, hvsim_get_stats(e->hv, &st0));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ASSERT_EQ(0, vcpus_start(e, t, vcpus, OPS, budget_ms, traffic_step));
	ASSERT_EQ(0U, vcpus_join(t, vcpus, budget_ms + 10000));
	for (v = 0; v < vcpus; v++)
		total += t[v].done;
	TH_LOG("%u vCPUs: %lu accesses in %ld ms", vcpus, total, e2e_ms_since(&t0));
	ASSERT_EQ(0, hvsim_get_stats(e->hv, &st1));
	EXPECT_EQ(0, vcpus_check(_metadata, t, vcpus));
	/* Every vCPU got going: 16 vCPUs at once. */
	for (v = 0; v < vcpus; v++)
		EXPECT_LE(MIN_OPS, t[v].done) TH_LOG("vCPU %u", v);
	EXPECT_EQ(total, e2e_dm_handled(dm));
	ASSERT_EQ(0, e2e_dm_stop(dm, WAIT_MS));
	EXPECT_EQ(0, dm->err);
	EXPECT_EQ(0, traffic_verify(_metadata, t, vcpus));
	/* One notification per request, each for a COMPLETE slot. */
	EXPECT_EQ((__u64)total,
		  st1.hypercalls[E2E_HC_NOTIFY] - st0.hypercalls[E2E_HC_NOTIFY]);
	EXPECT_EQ(st0.notify_not_complete, st1.notify_not_complete);
	EXPECT_EQ(st0.io_unfinished, st1.io_unfinished);
}

/* 16 vCPUs at once through the device model: every request exactly once, in order. */
TEST_F(hsm, vcpus16)
{
	if (self->e.info.pcpus < NR_VCPUS)
		SKIP(return, "acrn_hvsim has %u pCPUs", self->e.info.pcpus);
	run_traffic(_metadata, &self->e, NR_VCPUS, OPS_MS);
}

/* The same with the simulator's default 4 pCPUs' worth of vCPUs. */
TEST_F(hsm, vcpus4)
{
	run_traffic(_metadata, &self->e, 4, OPS_MS / 2);
}

/* --- sizes --- */

static struct acrn_io_request last_req;
static unsigned int nreqs;

/* Record the request; reads return all 64 bits set in a pattern. */
static int record_dm(struct e2e_dm *dm, unsigned int vcpu,
		     struct acrn_io_request *req)
{
	(void)dm;
	(void)vcpu;
	last_req = *req;
	if (e2e_req_dir(req) == ACRN_IOREQ_DIR_READ)
		e2e_req_set_value(req, 0xfedcba9876543210ULL);
	__atomic_add_fetch(&nreqs, 1, __ATOMIC_RELEASE);
	return 0;
}

/* MMIO of 1, 2, 4, 8 and port I/O of 1, 2, 4 bytes: values masked to the size. */
TEST_F(hsm, sizes)
{
	static const struct {
		__u32 type, size;
	} acc[] = {
		{ ACRN_IOREQ_TYPE_MMIO, 1 }, { ACRN_IOREQ_TYPE_MMIO, 2 },
		{ ACRN_IOREQ_TYPE_MMIO, 4 }, { ACRN_IOREQ_TYPE_MMIO, 8 },
		{ ACRN_IOREQ_TYPE_PORTIO, 1 }, { ACRN_IOREQ_TYPE_PORTIO, 2 },
		{ ACRN_IOREQ_TYPE_PORTIO, 4 },
	};
	struct e2e *e = &self->e;
	unsigned int i, n = 0;
	struct e2e_dm *dm;
	__u64 v, addr, want;
	int dir;

	ASSERT_EQ(0, e2e_start_vm(e, "sizes", 1, 0));
	ASSERT_EQ(0, e2e_dm_start(e, &dm, record_dm, NULL));
	for (i = 0; i < ARRAY_SIZE(acc); i++) {
		bool mmio = acc[i].type == ACRN_IOREQ_TYPE_MMIO;
		/* PIO values are 32 bits in the slot. */
		__u64 full = mmio ? 0xfedcba9876543210ULL : 0x76543210ULL;

		addr = mmio ? GPA + 0x100 * i : 0x10000 - acc[i].size;
		for (dir = ACRN_IOREQ_DIR_READ; dir <= ACRN_IOREQ_DIR_WRITE; dir++) {
			v = 0x8877665544332211ULL;
			ASSERT_EQ(0, e2e_guest_io(e, e->cv.vmid, 0, acc[i].type, dir,
						  addr, acc[i].size, &v));
			ASSERT_EQ(++n, __atomic_load_n(&nreqs, __ATOMIC_ACQUIRE));
			EXPECT_EQ(acc[i].type, last_req.type);
			EXPECT_EQ((__u32)dir, e2e_req_dir(&last_req));
			EXPECT_EQ(addr, e2e_req_addr(&last_req));
			EXPECT_EQ((__u64)acc[i].size, e2e_req_size(&last_req));
			/* A read got the device model's value, a write's went there. */
			want = dir ? 0x8877665544332211ULL : full;
			EXPECT_EQ(want & e2e_mask(acc[i].size), dir ? e2e_req_value(&last_req) : v)
				TH_LOG("%s %s of %u", mmio ? "MMIO" : "PIO", dir ? "write" : "read",
				       acc[i].size);
		}
	}
	/* The top of the MMIO space */
	v = 0;
	ASSERT_EQ(0, e2e_mmio(e, 0, ACRN_IOREQ_DIR_READ, ~0ULL - 7, 8, &v));
	EXPECT_EQ(0xfedcba9876543210ULL, v);
	EXPECT_EQ(~0ULL - 7, e2e_req_addr(&last_req));
	EXPECT_EQ((unsigned long)n + 1, e2e_dm_handled(dm));
}

/* --- in-kernel clients --- */

#define DM_VALUE	0x0d0d0d0d0d0d0d0dULL

static int dm_answer(struct e2e_dm *dm, unsigned int vcpu,
		     struct acrn_io_request *req)
{
	(void)dm;
	(void)vcpu;
	if (e2e_req_dir(req) == ACRN_IOREQ_DIR_READ)
		e2e_req_set_value(req, DM_VALUE);
	return 0;
}

/* A read of @size at @addr: the value the guest got (or ~0 - 1 on failure). */
static __u64 rd(struct e2e *e, __u32 type, __u64 addr, __u32 size)
{
	__u64 v = 0;

	if (e2e_guest_io(e, e->cv.vmid, 0, type, ACRN_IOREQ_DIR_READ, addr, size, &v))
		return ~0ULL - 1;
	return v;
}

static __u64 pio_rd(struct e2e *e, __u64 port, __u32 size)
{
	return rd(e, ACRN_IOREQ_TYPE_PORTIO, port, size);
}

static bool no_kclients(void)
{
	return access(E2E_TEST_DEBUGFS "/kclients", W_OK);
}

static unsigned long long kc_count(const char *name, bool writes)
{
	struct e2e_kclient kc;

	if (e2e_kclient_get(name, &kc))
		return ~0ULL;
	return writes ? kc.writes : kc.reads;
}

/*
 * Overlapping ranges: the in-kernel client created first wins, whatever
 * the order the ranges were added in; the whole access must be inside a
 * range of the request's type; anything else goes to the device model.
 */
TEST_F(hsm, kclient_precedence)
{
	struct e2e *e = &self->e;
	char a[16], b[16];
	struct e2e_kclient kc;
	struct e2e_dm *dm;
	__u64 v;

	if (no_kclients())
		SKIP(return, "no kclients in debugfs");
	ASSERT_EQ(0, e2e_start_vm(e, "kprec", 1, 0));
	ASSERT_EQ(0, e2e_dm_start(e, &dm, dm_answer, NULL));
	e2e_kname(a, sizeof(a), "ka");
	e2e_kname(b, sizeof(b), "kb");
	ASSERT_EQ(0, e2e_kclients("create %d %s irq 0xa1a1a1a1", e->hsm, a));
	ASSERT_EQ(0, e2e_kclients("create %d %s thread 0xb2b2b2b2", e->hsm, b));
	/* b's ranges first */
	ASSERT_EQ(0, e2e_kclients("add %s pio 0x180 0x27f", b));
	ASSERT_EQ(0, e2e_kclients("add %s mmio 0x%llx 0x%llx", b,
				  GPA, GPA + 0xfff));
	ASSERT_EQ(0, e2e_kclients("add %s pio 0x100 0x1ff", a));

	EXPECT_EQ(0xa1a1a1a1ULL, pio_rd(e, 0x180, 4));		/* both: a */
	EXPECT_EQ(0xa1a1ULL, pio_rd(e, 0x1fe, 2));		/* a's last two */
	EXPECT_EQ(0xb2b2b2b2ULL, pio_rd(e, 0x1fe, 4));	/* past a: b */
	EXPECT_EQ(0xb2ULL, pio_rd(e, 0x27f, 1));		/* b's last */
	EXPECT_EQ(0xa1ULL, pio_rd(e, 0x100, 1));		/* a's first */
	EXPECT_EQ(DM_VALUE & 0xffff, pio_rd(e, 0x27f, 2));	/* past b */
	EXPECT_EQ(DM_VALUE & 0xffff, pio_rd(e, 0xfe, 2));	/* before a */
	EXPECT_EQ(DM_VALUE & 0xffffffff, pio_rd(e, 0x300, 4));
	/* Type must match: MMIO at a's port numbers, PIO at b's MMIO. */
	EXPECT_EQ(DM_VALUE & 0xffffffff, rd(e, ACRN_IOREQ_TYPE_MMIO, 0x180, 4));
	EXPECT_EQ(0xb2b2b2b2b2b2b2b2ULL & 0xffffffff,
		  rd(e, ACRN_IOREQ_TYPE_MMIO, GPA + 0xffc, 4));
	EXPECT_EQ(DM_VALUE, rd(e, ACRN_IOREQ_TYPE_MMIO, GPA + 0xffc, 8));

	EXPECT_EQ(3ULL, kc_count(a, false));
	EXPECT_EQ(3ULL, kc_count(b, false));
	EXPECT_EQ(5UL, e2e_dm_handled(dm));

	/* A write: what the client saw. */
	v = 0x12345678;
	ASSERT_EQ(0, e2e_pio(e, 0, ACRN_IOREQ_DIR_WRITE, 0x1fc, 2, &v));
	ASSERT_EQ(0, e2e_kclient_get(a, &kc));
	EXPECT_EQ(1ULL, kc.writes) TH_LOG("%s", kc.line);
	EXPECT_EQ(e->cv.vmid, kc.vmid);
	EXPECT_STREQ("irq", kc.mode);
	EXPECT_STREQ("pio", kc.last_type) TH_LOG("%s", kc.line);
	EXPECT_EQ(0x1fcULL, kc.last_addr);
	EXPECT_EQ(2U, kc.last_size);
	EXPECT_EQ(0x5678ULL, kc.last_value);
	EXPECT_FALSE(kc.dead);
	ASSERT_EQ(0, e2e_kclient_get(b, &kc));
	EXPECT_STREQ("thread", kc.mode);
	EXPECT_STREQ("mmio", kc.last_type) TH_LOG("%s", kc.line);
	EXPECT_EQ(GPA + 0xffc, kc.last_addr);
	EXPECT_EQ(4U, kc.last_size);

	EXPECT_EQ(0, e2e_kclients("destroy %s", a));
	EXPECT_EQ(0, e2e_kclients("destroy %s", b));
	ASSERT_EQ(0, e2e_dm_stop(dm, WAIT_MS));
	EXPECT_EQ(0, dm->err);
}

/* Deleting a range or destroying a client moves its traffic to the next in line. */
TEST_F(hsm, kclient_moves)
{
	struct e2e *e = &self->e;
	char a[16], b[16];
	struct e2e_dm *dm;

	if (no_kclients())
		SKIP(return, "no kclients in debugfs");
	ASSERT_EQ(0, e2e_start_vm(e, "kmove", 1, 0));
	ASSERT_EQ(0, e2e_dm_start(e, &dm, dm_answer, NULL));
	e2e_kname(a, sizeof(a), "ma");
	e2e_kname(b, sizeof(b), "mb");
	ASSERT_EQ(0, e2e_kclients("create %d %s thread 0xaaaa", e->hsm, a));
	ASSERT_EQ(0, e2e_kclients("create %d %s irq 0xbbbb", e->hsm, b));
	ASSERT_EQ(0, e2e_kclients("add %s pio 0x200 0x2ff", a));
	ASSERT_EQ(0, e2e_kclients("add %s pio 0x280 0x28f", a));
	ASSERT_EQ(0, e2e_kclients("add %s pio 0x200 0x3ff", b));
	EXPECT_EQ(0xaaaaULL, pio_rd(e, 0x280, 2));

	/* Not a range a has: nothing changes. */
	EXPECT_EQ(ENOENT, e2e_kclients("del %s pio 0x200 0x2fe", a));
	EXPECT_EQ(ENOENT, e2e_kclients("del %s mmio 0x200 0x2ff", a));
	EXPECT_EQ(0xaaaaULL, pio_rd(e, 0x280, 2));
	/* a keeps 0x280-0x28f. */
	ASSERT_EQ(0, e2e_kclients("del %s pio 0x200 0x2ff", a));
	EXPECT_EQ(0xaaaaULL, pio_rd(e, 0x280, 2));
	EXPECT_EQ(0xbbbbULL, pio_rd(e, 0x200, 2));
	ASSERT_EQ(0, e2e_kclients("del %s pio 0x280 0x28f", a));
	EXPECT_EQ(0xbbbbULL, pio_rd(e, 0x280, 2));
	EXPECT_EQ(ENOENT, e2e_kclients("del %s pio 0x280 0x28f", a));
	/* Back to a */
	ASSERT_EQ(0, e2e_kclients("add %s pio 0x280 0x281", a));
	EXPECT_EQ(0xaaaaULL, pio_rd(e, 0x280, 2));
	EXPECT_EQ(0xbbbbULL, pio_rd(e, 0x281, 2));

	/* Destroyed: to b, then to the device model. */
	ASSERT_EQ(0, e2e_kclients("destroy %s", a));
	EXPECT_EQ(ENOENT, e2e_kclient_get(a, &(struct e2e_kclient){ 0 }));
	EXPECT_EQ(0xbbbbULL, pio_rd(e, 0x280, 2));
	ASSERT_EQ(0, e2e_kclients("destroy %s", b));
	EXPECT_EQ(DM_VALUE & 0xffff, pio_rd(e, 0x280, 2));
	EXPECT_EQ(ENOENT, e2e_kclients("destroy %s", b));
	EXPECT_EQ(1UL, e2e_dm_handled(dm));
}

/*
 * A request waiting for a client (no device model) goes to an in-kernel
 * client as soon as it has a range for it.
 */
TEST_F(hsm, kclient_takes_pending)
{
	struct e2e *e = &self->e;
	struct e2e_async *io;
	char a[16];

	if (no_kclients())
		SKIP(return, "no kclients in debugfs");
	ASSERT_EQ(0, e2e_start_vm(e, "kpend", 1, 0));
	e2e_kname(a, sizeof(a), "pa");
	ASSERT_EQ(0, e2e_kclients("create %d %s irq 0x77", e->hsm, a));
	io = e2e_guest_io_async(e, e->cv.vmid, 0, ACRN_IOREQ_TYPE_MMIO,
				ACRN_IOREQ_DIR_READ, GPA, 2, 0);
	ASSERT_NE(NULL, io);
	ASSERT_EQ(0, e2e_slot_wait(e->ioreq, 0, ACRN_IOREQ_STATE_PENDING, WAIT_MS));
	usleep(100000);
	ASSERT_FALSE(e2e_async_done(io));
	/* A range that does not cover it changes nothing. */
	ASSERT_EQ(0, e2e_kclients("add %s mmio 0x%llx 0x%llx", a, GPA + 1, GPA + 16));
	usleep(100000);
	ASSERT_FALSE(e2e_async_done(io));
	ASSERT_EQ(0, e2e_kclients("add %s mmio 0x%llx 0x%llx", a, GPA, GPA + 1));
	ASSERT_EQ(0, e2e_async_join(io, WAIT_MS));
	EXPECT_EQ(0x77ULL, io->io.value);
	e2e_async_free(&io);
	EXPECT_EQ(1ULL, kc_count(a, false));
	EXPECT_EQ(0, e2e_kclients("destroy %s", a));
}

FIXTURE(kmode) {
	struct e2e e;
};

FIXTURE_VARIANT(kmode) {
	const char *mode;
	bool fails;
	bool passes;	/* every request goes on to the device model */
	const char *stat;	/* counter one request bumps, or NULL */
};

FIXTURE_VARIANT_ADD(kmode, irq) {
	.mode = "irq",
};

FIXTURE_VARIANT_ADD(kmode, thread) {
	.mode = "thread",
};

FIXTURE_VARIANT_ADD(kmode, fail) {
	.mode = "fail", .fails = true,
};

/* The handler asks for the worker from the upcall; the worker answers. */
FIXTURE_VARIANT_ADD(kmode, defer) {
	.mode = "defer", .stat = "kernel_deferred",
};

/* Passed on from the upcall, then from a worker. */
FIXTURE_VARIANT_ADD(kmode, pass) {
	.mode = "pass", .passes = true, .stat = "kernel_passed",
};

FIXTURE_VARIANT_ADD(kmode, tpass) {
	.mode = "tpass", .passes = true, .stat = "kernel_passed",
};

FIXTURE_SETUP(kmode)
{
	e2e_setup(_metadata, &self->e);
}

FIXTURE_TEARDOWN(kmode)
{
	e2e_teardown(_metadata, &self->e);
}

/*
 * Each mode completes every request exactly once: reads get the client's
 * value (all ones when it fails, the device model's when it passes),
 * masked to the size; writes complete. The handler counts each request
 * once, so the counts are exact; so are the device model's and the
 * path's counter.
 */
TEST_F(kmode, requests)
{
	static const __u32 sizes[] = { 1, 2, 4, 8 };
	struct e2e *e = &self->e;
	unsigned int i, n = 40;
	struct e2e_kclient kc;
	struct timespec t0;
	struct e2e_dm *dm;
	__u64 v, want, stat0;
	__u32 type, size;
	char a[16];

	if (no_kclients())
		SKIP(return, "no kclients in debugfs");
	ASSERT_EQ(0, e2e_start_vm(e, "kmode", 1, 0));
	ASSERT_EQ(0, e2e_dm_start(e, &dm, dm_answer, NULL));
	e2e_kname(a, sizeof(a), "md");
	ASSERT_EQ(0, e2e_kclients("create %d %s %s 0x123456789abcdef0", e->hsm,
				  a, variant->mode));
	ASSERT_EQ(0, e2e_kclients("add %s pio 0x%x 0x%x", a, PORT, PORT + 3));
	ASSERT_EQ(0, e2e_kclients("add %s mmio 0x%llx 0x%llx", a, GPA, GPA + 7));
	stat0 = variant->stat ? e2e_hsm_stat(variant->stat) : 0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < n; i++) {
		type = i % 2 ? ACRN_IOREQ_TYPE_MMIO : ACRN_IOREQ_TYPE_PORTIO;
		size = sizes[i / 2 % (type == ACRN_IOREQ_TYPE_MMIO ? 4 : 3)];
		v = 0x1111111111111111ULL * (i % 16);
		if (i % 4 < 2) {
			ASSERT_EQ(0, e2e_guest_io(e, e->cv.vmid, 0, type, ACRN_IOREQ_DIR_READ,
						  type ? GPA : PORT, size, &v)) TH_LOG("#%u", i);
			want = variant->fails ? ~0ULL : 0x123456789abcdef0ULL;
			if (variant->passes)
				want = DM_VALUE;
			/* Port I/O values are 32 bits. */
			if (type == ACRN_IOREQ_TYPE_PORTIO)
				want &= 0xffffffff;
			EXPECT_EQ(want & e2e_mask(size), v) TH_LOG("#%u size %u", i, size);
		} else {
			ASSERT_EQ(0, e2e_guest_io(e, e->cv.vmid, 0, type, ACRN_IOREQ_DIR_WRITE,
						  type ? GPA : PORT, size, &v)) TH_LOG("#%u", i);
		}
	}
	TH_LOG("%u requests in %ld ms", n, e2e_ms_since(&t0));
	ASSERT_EQ(0, e2e_kclient_get(a, &kc));
	EXPECT_EQ(n / 2, kc.reads) TH_LOG("%s", kc.line);
	EXPECT_EQ(n / 2, kc.writes) TH_LOG("%s", kc.line);
	EXPECT_STREQ(variant->mode, kc.mode);
	EXPECT_EQ(variant->passes ? n : 0UL, e2e_dm_handled(dm));
	/* No other test runs meanwhile: the counter moved for ours only. */
	if (variant->stat && stat0 != ~0ULL)
		EXPECT_EQ(stat0 + n, e2e_hsm_stat(variant->stat)) TH_LOG("%s", variant->stat);
	/* Still exact a moment later: nothing retries. */
	usleep(200000);
	ASSERT_EQ(0, e2e_kclient_get(a, &kc));
	EXPECT_EQ(n / 2, kc.reads) TH_LOG("%s", kc.line);
	EXPECT_EQ(0, e2e_kclients("destroy %s", a));
	ASSERT_EQ(0, e2e_dm_stop(dm, WAIT_MS));
}

/* Commands the kclients file refuses, with the errno the spec gives. */
TEST_F(hsm, kclient_errors)
{
	struct e2e *e = &self->e;
	char a[16];
	int nofd;

	if (no_kclients())
		SKIP(return, "no kclients in debugfs");
	ASSERT_EQ(0, e2e_create(e, "kerr", 0x1));
	e2e_kname(a, sizeof(a), "er");
	/* The VM is named by a /dev/acrn_hsm file of the writer. */
	nofd = e2e_open_hsm();
	ASSERT_LE(0, nofd);
	EXPECT_EQ(ENOENT, e2e_kclients("create %d %s irq 1", nofd, a));	/* no VM */
	close(nofd);
	EXPECT_EQ(EBADF, e2e_kclients("create 999 %s irq 1", a));	/* not open */
	EXPECT_EQ(EBADF, e2e_kclients("create %d %s irq 1", e->hv, a));	/* not the HSM */
	EXPECT_EQ(EINVAL, e2e_kclients("create -1 %s irq 1", a));
	EXPECT_EQ(EINVAL, e2e_kclients("create %d %s bogus 1", e->hsm, a));
	EXPECT_EQ(EINVAL, e2e_kclients("create %d %s irq", e->hsm, a));
	EXPECT_EQ(EINVAL, e2e_kclients("create %d %s irq 1 2", e->hsm, a));
	EXPECT_EQ(EINVAL, e2e_kclients("create %d %s irq zz", e->hsm, a));
	EXPECT_EQ(EINVAL, e2e_kclients("create %d name_of_16_chars irq 1", e->hsm));
	EXPECT_EQ(EINVAL, e2e_kclients("frobnicate %s", a));
	EXPECT_EQ(EINVAL, e2e_kclients("add"));
	EXPECT_EQ(ENOENT, e2e_kclient_get(a, &(struct e2e_kclient){ 0 }));

	ASSERT_EQ(0, e2e_kclients("create %d %s fail 1", e->hsm, a));
	EXPECT_EQ(EEXIST, e2e_kclients("create %d %s irq 1", e->hsm, a));
	EXPECT_EQ(EINVAL, e2e_kclients("add %s pio 0x20 0x1f", a));
	EXPECT_EQ(EINVAL, e2e_kclients("add %s port 0x20 0x2f", a));
	EXPECT_EQ(EINVAL, e2e_kclients("add %s pio 0x20", a));
	EXPECT_EQ(EINVAL, e2e_kclients("add %s pio x y", a));
	EXPECT_EQ(ENOENT, e2e_kclients("add %sX pio 0x20 0x2f", a));
	EXPECT_EQ(ENOENT, e2e_kclients("del %s pio 0x20 0x2f", a));
	EXPECT_EQ(0, e2e_kclients("add %s pio 0x20 0x20", a));	/* one port */
	EXPECT_EQ(0, e2e_kclients("add %s mmio 0 0xffffffffffffffff", a));
	EXPECT_EQ(0, e2e_kclients("del %s pio 0x20 0x20", a));
	EXPECT_EQ(EINVAL, e2e_kclients("destroy"));
	EXPECT_EQ(EINVAL, e2e_kclients("destroy %s %s", a, a));
	EXPECT_EQ(ENOENT, e2e_kclients("destroy %sX", a));
	EXPECT_EQ(0, e2e_kclients("destroy %s", a));
	EXPECT_EQ(ENOENT, e2e_kclients("destroy %s", a));
}

/* Test clients die with their VM: still listed, marked dead, until destroyed. */
TEST_F(hsm, kclient_dead)
{
	struct e2e *e = &self->e;
	struct e2e_kclient kc;
	char a[16];
	__u64 v = 5;

	if (no_kclients())
		SKIP(return, "no kclients in debugfs");
	ASSERT_EQ(0, e2e_start_vm(e, "kdead", 1, 0));
	e2e_kname(a, sizeof(a), "dd");
	ASSERT_EQ(0, e2e_kclients("create %d %s thread 0x1", e->hsm, a));
	ASSERT_EQ(0, e2e_kclients("add %s pio 0x60 0x64", a));
	ASSERT_EQ(0, e2e_pio(e, 0, ACRN_IOREQ_DIR_WRITE, 0x60, 1, &v));
	ASSERT_EQ(0, e2e_kclient_get(a, &kc));
	EXPECT_FALSE(kc.dead);
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
	ASSERT_EQ(0, e2e_kclient_get(a, &kc));
	EXPECT_TRUE(kc.dead) TH_LOG("%s", kc.line);
	EXPECT_EQ(1ULL, kc.writes);
	EXPECT_EQ(ENOENT, e2e_kclients("add %s pio 0x70 0x74", a));
	/* A new VM may well get the same vmid: the dead client is not its. */
	ASSERT_EQ(0, e2e_start_vm(e, "kdead2", 1, 0));
	ASSERT_EQ(0, e2e_kclients("create %d %sn irq 0x2", e->hsm, a));
	ASSERT_EQ(0, e2e_kclients("destroy %s", a));
	EXPECT_EQ(ENOENT, e2e_kclient_get(a, &kc));
	ASSERT_EQ(0, e2e_kclients("add %sn pio 0x60 0x64", a));
	v = 0;
	ASSERT_EQ(0, e2e_pio(e, 0, ACRN_IOREQ_DIR_READ, 0x60, 1, &v));
	EXPECT_EQ(2ULL, v);
	/* Closing the file takes this one along too. */
	e2e_close(&e->hsm);
	ASSERT_EQ(0, e2e_kclient_get(strcat(a, "n"), &kc));
	EXPECT_TRUE(kc.dead) TH_LOG("%s", kc.line);
	EXPECT_EQ(0, e2e_kclients("destroy %s", a));
}

/* --- everything at once --- */

/* vCPU 0: irq client (PIO), 1: thread client (MMIO), 2: failing client, 3: device model. */
static __u64 mixed_step(unsigned int v, unsigned int i, struct hvsim_io *io)
{
	static const __u64 want[] = {
		0x11111111, 0x2222222222222222ULL, ~0ULL, DM_VALUE,
	};

	io->type = v == 1 || v == 3 ? ACRN_IOREQ_TYPE_MMIO : ACRN_IOREQ_TYPE_PORTIO;
	io->address = io->type == ACRN_IOREQ_TYPE_MMIO ? GPA + 0x1000 * v : PORT + 0x10 * v;
	io->size = io->type == ACRN_IOREQ_TYPE_MMIO ? 8 : 4;
	io->direction = i % 2 ? ACRN_IOREQ_DIR_WRITE : ACRN_IOREQ_DIR_READ;
	io->value = i;
	return want[v] & e2e_mask(io->size);
}

/* In-kernel clients of each mode and the device model serve vCPUs at the same time. */
TEST_F(hsm, mixed_clients)
{
	static const char * const modes[] = { "irq", "thread", "fail" };
	static const __u64 values[] = { 0x11111111, 0x2222222222222222ULL, 0x3333 };
	struct e2e *e = &self->e;
	struct vcpu_thread t[4];
	char names[3][16], tag[4];
	struct timespec t0;
	struct e2e_dm *dm;
	unsigned int i, n = 150;
	int err;

	if (no_kclients())
		SKIP(return, "no kclients in debugfs");
	ASSERT_EQ(0, e2e_start_vm(e, "mixed", 4, 0));
	ASSERT_EQ(0, e2e_dm_start(e, &dm, dm_answer, NULL));
	for (i = 0; i < 3; i++) {
		snprintf(tag, sizeof(tag), "x%u", i);
		e2e_kname(names[i], sizeof(names[i]), tag);
		ASSERT_EQ(0, e2e_kclients("create %d %s %s 0x%llx", e->hsm, names[i],
					  modes[i], (unsigned long long)values[i]));
		if (i == 1)
			err = e2e_kclients("add %s mmio 0x%llx 0x%llx", names[i],
					   GPA + 0x1000, GPA + 0x1fff);
		else
			err = e2e_kclients("add %s pio 0x%x 0x%x", names[i],
					   PORT + 0x10 * i, PORT + 0x10 * i + 3);
		ASSERT_EQ(0, err);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ASSERT_EQ(0, vcpus_start(e, t, 4, n, 0, mixed_step));
	ASSERT_EQ(0U, vcpus_join(t, 4, 20000));
	TH_LOG("4 vCPUs x %u accesses in %ld ms", n, e2e_ms_since(&t0));
	EXPECT_EQ(0, vcpus_check(_metadata, t, 4));
	for (i = 0; i < 3; i++) {
		EXPECT_EQ(n / 2, kc_count(names[i], false)) TH_LOG("%s", modes[i]);
		EXPECT_EQ(n / 2, kc_count(names[i], true)) TH_LOG("%s", modes[i]);
		EXPECT_EQ(0, e2e_kclients("destroy %s", names[i]));
	}
	EXPECT_EQ((unsigned long)n, e2e_dm_handled(dm));
	ASSERT_EQ(0, e2e_dm_stop(dm, WAIT_MS));
	EXPECT_EQ(0, dm->err);
}

/* --- the simulator's guest loop --- */

static int loop_dm(struct e2e_dm *dm, unsigned int vcpu,
		   struct acrn_io_request *req)
{
	unsigned int i;

	(void)dm;
	if (vcpu >= NR_VCPUS || seq[vcpu] >= LOOP_COUNT) {
		dm_wrong(vcpu);
		return 0;
	}
	i = seq[vcpu];
	if (e2e_req_dir(req) == ACRN_IOREQ_DIR_READ)
		req->reqs.mmio_request.value = 0x5151515151515151ULL;
	else
		seen64[vcpu][i] = req->reqs.mmio_request.value;
	__atomic_store_n(&seq[vcpu], i + 1, __ATOMIC_RELEASE);
	return 0;
}

/*
 * HVSIM_IOCTL_GUEST_LOOP with every vCPU writing distinct values
 * (HVSIM_LOOP_VARY_VALUE), then reading, against the device-model thread;
 * then against an in-kernel client. Counts match on both sides.
 */
TEST_F(hsm, guest_loop)
{
	struct e2e *e = &self->e;
	unsigned int vcpus, v, i, errors = 0;
	struct hvsim_io_loop loop;
	struct e2e_dm *dm;
	char a[16];

	vcpus = e->info.pcpus >= NR_VCPUS ? NR_VCPUS : e->info.pcpus;
	ASSERT_EQ(0, e2e_start_vm(e, "loop", vcpus, 0));
	ASSERT_EQ(0, e2e_dm_start(e, &dm, loop_dm, NULL));

	memset(&loop, 0, sizeof(loop));
	e2e_io_init(&loop.io, e->cv.vmid, 0, ACRN_IOREQ_TYPE_MMIO,
		    ACRN_IOREQ_DIR_WRITE, GPA, 8, 0x1000);
	loop.vcpus = vcpus;
	loop.count = LOOP_COUNT;
	loop.flags = HVSIM_LOOP_VARY_VALUE;
	ASSERT_EQ(0, e2e_ioctl(e->hv, HVSIM_IOCTL_GUEST_LOOP, &loop));
	TH_LOG("writes: %u vCPUs x %u in %llu ms, p50 %llu us, p99 %llu us", vcpus,
	       LOOP_COUNT, (unsigned long long)loop.elapsed_ns / 1000000,
	       (unsigned long long)loop.p50_ns / 1000,
	       (unsigned long long)loop.p99_ns / 1000);
	EXPECT_EQ((__u64)vcpus * LOOP_COUNT, loop.completed);
	EXPECT_EQ(0ULL, loop.failed);
	EXPECT_EQ(0, loop.first_error);
	EXPECT_EQ((unsigned long)vcpus * LOOP_COUNT, e2e_dm_handled(dm));
	for (v = 0; v < vcpus; v++) {
		EXPECT_EQ(LOOP_COUNT, __atomic_load_n(&seq[v], __ATOMIC_ACQUIRE));
		for (i = 0; i < LOOP_COUNT && i < seq[v]; i++) {
			if (seen64[v][i] != 0x1000 + ((__u64)v << 32) + i && !errors++)
				TH_LOG("vCPU %u write %u: %#llx", v, i,
				       (unsigned long long)seen64[v][i]);
		}
	}
	EXPECT_EQ(0U, errors);
	EXPECT_EQ(0U, dm_bad);

	memset(seq, 0, sizeof(seq));
	loop.io.direction = ACRN_IOREQ_DIR_READ;
	loop.flags = 0;
	ASSERT_EQ(0, e2e_ioctl(e->hv, HVSIM_IOCTL_GUEST_LOOP, &loop));
	EXPECT_EQ((__u64)vcpus * LOOP_COUNT, loop.completed);
	EXPECT_EQ(0ULL, loop.failed);
	EXPECT_EQ(2UL * vcpus * LOOP_COUNT, e2e_dm_handled(dm));

	if (access(E2E_TEST_DEBUGFS "/kclients", W_OK))
		return;
	/* The same range through an in-kernel client: the device model sees nothing. */
	e2e_kname(a, sizeof(a), "lp");
	ASSERT_EQ(0, e2e_kclients("create %d %s irq 0x9", e->hsm, a));
	ASSERT_EQ(0, e2e_kclients("add %s mmio 0x%llx 0x%llx", a, GPA, GPA + 7));
	loop.io.direction = ACRN_IOREQ_DIR_WRITE;
	loop.flags = HVSIM_LOOP_VARY_VALUE;
	ASSERT_EQ(0, e2e_ioctl(e->hv, HVSIM_IOCTL_GUEST_LOOP, &loop));
	TH_LOG("in-kernel: %u vCPUs x %u in %llu ms", vcpus, LOOP_COUNT,
	       (unsigned long long)loop.elapsed_ns / 1000000);
	EXPECT_EQ((__u64)vcpus * LOOP_COUNT, loop.completed);
	EXPECT_EQ((unsigned long long)vcpus * LOOP_COUNT, kc_count(a, true));
	EXPECT_EQ(2UL * vcpus * LOOP_COUNT, e2e_dm_handled(dm));
	EXPECT_EQ(0, e2e_kclients("destroy %s", a));
	ASSERT_EQ(0, e2e_dm_stop(dm, WAIT_MS));
	EXPECT_EQ(0, dm->err);
}

TEST_HARNESS_MAIN
