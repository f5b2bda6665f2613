// SPDX-License-Identifier: GPL-2.0
/*
 * End-to-end robustness tests of the shared I/O request page. The device
 * model owns the page and can write anything into it at any time: a
 * thread writes random bytes over it (states, kernel_handled, types,
 * sizes, addresses, whole slots, slots of vCPUs the VM does not have)
 * and makes random NOTIFY_REQUEST_FINISH calls, while guests make
 * accesses and a device model serves them. Afterwards CLEAR_VM_IOREQ and
 * a VM reset bring the VM back, and it must work and tear down cleanly.
 * Single-shot cases publish one malformed request and check that it is
 * completed (by the kernel, or by the device model it was handed to)
 * without harm.
 *
 * The harness scans the console: any KASAN, UBSAN, lockdep or WARN report
 * fails the run. Thread state is static, not on the test's stack (a
 * failed ASSERT longjmps out of the test while threads may still run).
 */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>

#include "e2e.h"

/* vCPUs of the storm VMs */
#define NV		4

/* --- guests --- */

/**
 * struct guest - a thread making accesses on one vCPU until stopped
 * @thread:	 The thread.
 * @running:	 @thread exists and has not been joined.
 * @hv:		 /dev/acrn_hvsim.
 * @io:		 Template access.
 * @stop:	 Set by the main thread.
 * @ok:		 Accesses that completed (atomic).
 * @timedout:	 Accesses that failed with ETIMEDOUT.
 * @unfinished:	 Accesses that failed with EPROTO.
 * @bad:	 Accesses that failed otherwise.
 * @bad_err:	 errno of the last of those.
 * @finished:	 The thread is done (atomic).
 */
struct guest {
	pthread_t	thread;
	bool		running;
	int		hv;
	struct hvsim_io	io;
	int		stop;
	int		ok;
	unsigned int	timedout;
	unsigned int	unfinished;
	unsigned int	bad;
	int		bad_err;
	int		finished;
};

static const struct {
	__u32 type, dir, size;
	__u64 addr;
} sc_accesses[] = {
	{ ACRN_IOREQ_TYPE_PORTIO, ACRN_IOREQ_DIR_READ, 1, 0x60 },
	{ ACRN_IOREQ_TYPE_MMIO, ACRN_IOREQ_DIR_WRITE, 4, 0xfe001000 },
	{ ACRN_IOREQ_TYPE_PORTIO, ACRN_IOREQ_DIR_WRITE, 2, 0x70 },
	{ ACRN_IOREQ_TYPE_MMIO, ACRN_IOREQ_DIR_READ, 8, 0xfe002008 },
	{ ACRN_IOREQ_TYPE_PORTIO, ACRN_IOREQ_DIR_READ, 4, 0xcfc },
	{ ACRN_IOREQ_TYPE_PORTIO, ACRN_IOREQ_DIR_WRITE, 4, 0xcf8 },
	{ ACRN_IOREQ_TYPE_MMIO, ACRN_IOREQ_DIR_READ, 2, 0xfe003002 },
	{ ACRN_IOREQ_TYPE_PORTIO, ACRN_IOREQ_DIR_READ, 2, 0x402 },
};

static void *guest_fn(void *arg)
{
	struct guest *g = arg;
	struct hvsim_io io;
	unsigned int i, k;

	for (i = 0; !e2e_load(&g->stop); i++) {
		io = g->io;
		k = (i + io.vcpu) % ARRAY_SIZE(sc_accesses);
		io.type = sc_accesses[k].type;
		io.direction = sc_accesses[k].dir;
		io.size = sc_accesses[k].size;
		io.address = sc_accesses[k].addr;
		io.value = 0x80000000 | i;
		if (!ioctl(g->hv, HVSIM_IOCTL_GUEST_IO, &io)) {
			__atomic_add_fetch(&g->ok, 1, __ATOMIC_RELEASE);
		} else if (errno == ETIMEDOUT) {
			g->timedout++;
		} else if (errno == EPROTO) {
			g->unfinished++;
		} else {
			g->bad++;
			g->bad_err = errno;
		}
	}
	e2e_store(&g->finished, 1);
	return NULL;
}

static struct guest guests[NV];

static int guests_start(struct e2e *e, unsigned int n, __u32 timeout_ms)
{
	unsigned int v;

	for (v = 0; v < n; v++) {
		struct guest *g = &guests[v];

		memset(g, 0, sizeof(*g));
		g->hv = e->hv;
		e2e_io_init(&g->io, e->cv.vmid, v, 0, 0, 0, 1, 0);
		g->io.timeout_ms = timeout_ms;
		if (pthread_create(&g->thread, NULL, guest_fn, g))
			return -1;
		g->running = true;
	}
	return 0;
}

/* Stop the guests and join them; -ETIMEDOUT if one does not end in @ms. */
static int guests_stop(unsigned int n, long ms)
{
	struct timespec t0;
	unsigned int v;

	for (v = 0; v < n; v++)
		e2e_store(&guests[v].stop, 1);
	e2e_now(&t0);
	for (v = 0; v < n; v++) {
		if (e2e_join_by(guests[v].thread, &guests[v].running,
				&guests[v].finished, &t0, ms))
			return -ETIMEDOUT;
	}
	return 0;
}

/* --- device model --- */

/**
 * struct dm - a device model that survives a scribbled page
 * @thread:	  The thread.
 * @running:	  @thread exists and has not been joined.
 * @fd:		  /dev/acrn_hsm file of the VM.
 * @page:	  Its I/O request page.
 * @vcpus:	  Slots to scan.
 * @in_attach:	  Set before each ATTACH, cleared when it returns (atomic):
 *		  while set, the counters are up to date.
 * @attach_ok:	  ATTACHes that returned 0 (atomic).
 * @end_err:	  errno of the ATTACH that ended the loop.
 * @served:	  Requests completed per vCPU (atomic).
 * @blind:	  Blind NOTIFYs that completed a request.
 * @notify_einval: NOTIFYs that failed with EINVAL.
 * @notify_other: NOTIFYs that failed otherwise.
 * @notify_err:	  errno of the last of those.
 * @finished:	  The thread is done (atomic).
 *
 * When ATTACH returns but no slot reads PROCESSING for the device model
 * (the page was scribbled over), the kernel may still have handed it
 * requests: it NOTIFYs every vCPU, which completes exactly those.
 */
struct dm {
	pthread_t	thread;
	bool		running;
	int		fd;
	void		*page;
	unsigned int	vcpus;
	int		in_attach;
	int		attach_ok;
	int		end_err;
	int		served[ACRN_IO_REQUEST_MAX];
	unsigned int	blind;
	unsigned int	notify_einval;
	unsigned int	notify_other;
	int		notify_err;
	int		finished;
};

static int dm_notify(struct dm *d, unsigned int v)
{
	int err = e2e_notify(d->fd, v);

	if (err == EINVAL) {
		d->notify_einval++;
	} else if (err) {
		d->notify_other++;
		d->notify_err = err;
	}
	return err;
}

static void *dm_fn(void *arg)
{
	struct dm *d = arg;
	struct acrn_io_request *s;
	unsigned int v, seen;

	for (;;) {
		e2e_store(&d->in_attach, 1);
		if (ioctl(d->fd, ACRN_IOCTL_ATTACH_IOREQ_CLIENT, 0)) {
			d->end_err = errno;
			break;
		}
		e2e_store(&d->in_attach, 0);
		__atomic_add_fetch(&d->attach_ok, 1, __ATOMIC_RELEASE);
		seen = 0;
		for (v = 0; v < d->vcpus; v++) {
			s = e2e_slot(d->page, v);
			if (e2e_slot_state(d->page, v) != ACRN_IOREQ_STATE_PROCESSING ||
			    s->kernel_handled)
				continue;
			seen++;
			e2e_dm_answer(s);
			if (!dm_notify(d, v))
				__atomic_add_fetch(&d->served[v], 1, __ATOMIC_RELEASE);
		}
		if (seen)
			continue;
		for (v = 0; v < d->vcpus; v++) {
			if (!e2e_notify(d->fd, v))
				d->blind++;
		}
		usleep(500);
	}
	e2e_store(&d->finished, 1);
	return NULL;
}

static struct dm dm;

static int dm_start(int fd, void *page, unsigned int vcpus)
{
	memset(&dm, 0, sizeof(dm));
	dm.fd = fd;
	dm.page = page;
	dm.vcpus = vcpus;
	if (pthread_create(&dm.thread, NULL, dm_fn, &dm))
		return -1;
	dm.running = true;
	return 0;
}

/* Wait up to @ms for the DM to end (its client went) and join it. */
static int dm_wait(long ms)
{
	struct timespec t0;

	e2e_now(&t0);
	return e2e_join_by(dm.thread, &dm.running, &dm.finished, &t0, ms);
}

static int dm_served(unsigned int v)
{
	return __atomic_load_n(&dm.served[v], __ATOMIC_ACQUIRE);
}

/*
 * Wait up to @ms for the DM to be back in ATTACH. Call it once an access
 * completed: the DM counts a request after its NOTIFY, which the guest
 * may see first.
 */
static bool dm_idle(long ms)
{
	struct timespec t0;

	e2e_now(&t0);
	while (!e2e_load(&dm.in_attach)) {
		if (e2e_ms_since(&t0) > ms)
			return false;
		usleep(1000);
	}
	return true;
}

/* --- the scribbler --- */

/**
 * struct scribbler - a thread writing garbage into the shared page
 * @thread:	 The thread.
 * @running:	 @thread exists and has not been joined.
 * @fd:		 /dev/acrn_hsm file, for NOTIFYs.
 * @page:	 The page.
 * @whole_page:	 Also overwrite the whole page with random bytes.
 * @seed:	 rand_r() state.
 * @stop:	 Set by the main thread.
 * @ops:	 Writes made.
 * @notifies:	 NOTIFYs made.
 * @notify_ok:	 NOTIFYs that returned 0.
 * @notify_bad:	 NOTIFYs that failed with anything but EINVAL.
 * @notify_err:	 errno of the last of those.
 * @finished:	 The thread is done (atomic).
 */
struct scribbler {
	pthread_t	thread;
	bool		running;
	int		fd;
	void		*page;
	bool		whole_page;
	unsigned int	seed;
	int		stop;
	unsigned int	ops;
	unsigned int	notifies;
	unsigned int	notify_ok;
	unsigned int	notify_bad;
	int		notify_err;
	int		finished;
};

static struct scribbler scr;

static __u64 sc_rand64(unsigned int *seed)
{
	return (__u64)rand_r(seed) << 33 ^ (__u64)rand_r(seed) << 11 ^ rand_r(seed);
}

static void put32(__u32 *p, __u32 v)
{
	__atomic_store_n(p, v, __ATOMIC_RELAXED);
}

static void put64(__u64 *p, __u64 v)
{
	__atomic_store_n(p, v, __ATOMIC_RELAXED);
}

static __u32 any_state(unsigned int *seed)
{
	return rand_r(seed) % 8 ? (__u32)rand_r(seed) % 4 : (__u32)sc_rand64(seed);
}

static __u64 any_size(unsigned int *seed)
{
	static const __u64 sizes[] = {
		0, 1, 2, 3, 4, 5, 8, 16, 1ULL << 32, ~0ULL, 0x8000000000000000ULL,
	};

	return rand_r(seed) % 8 ? sizes[rand_r(seed) % ARRAY_SIZE(sizes)] :
				  sc_rand64(seed);
}

static __u64 any_addr(unsigned int *seed)
{
	static const __u64 addrs[] = {
		0, 0x60, 0xcf8, 0xcfc, 0xcfd, 0xcff, 0xfffc, 0xffff, 0x10000,
		0xfe000000, ~0ULL, ~0ULL - 1, ~0ULL - 7, 1ULL << 63,
	};

	return rand_r(seed) % 8 ? addrs[rand_r(seed) % ARRAY_SIZE(addrs)] :
				  sc_rand64(seed);
}

/* One random write (or NOTIFY). */
static void scribble_once(struct scribbler *s)
{
	unsigned int *seed = &s->seed;
	unsigned int v = rand_r(seed) % ACRN_IO_REQUEST_MAX;
	struct acrn_io_request *r = e2e_slot(s->page, v);
	struct acrn_ioreq_notify n;
	unsigned char buf[E2E_PAGE_SIZE];
	unsigned int i, op = rand_r(seed) % 100;

	/* Mostly the slots the VM uses. */
	if (rand_r(seed) % 4)
		r = e2e_slot(s->page, v % NV);

	if (op < 30) {
		put32(&r->processed, any_state(seed));
	} else if (op < 40) {
		put32(&r->kernel_handled, rand_r(seed) % 4 ? !r->kernel_handled :
						  (__u32)sc_rand64(seed));
	} else if (op < 48) {
		put32(&r->type, rand_r(seed) % 2 ? (__u32)rand_r(seed) % 8 :
				(__u32)sc_rand64(seed));
	} else if (op < 56) {
		put64(&r->reqs.mmio_request.size, any_size(seed));
	} else if (op < 64) {
		put64(&r->reqs.mmio_request.address, any_addr(seed));
	} else if (op < 68) {
		put32(&r->reqs.mmio_request.direction, rand_r(seed) % 4);
	} else if (op < 72) {
		put64(&r->reqs.mmio_request.value, sc_rand64(seed));
	} else if (op < 75) {
		put32(&r->completion_polling, rand_r(seed) % 2);
	} else if (op < 78) {
		put32(&r->reserved0[rand_r(seed) % 14], rand_r(seed));
		put32(&r->reserved1, rand_r(seed));
	} else if (op < 84) {
		/* A request published by "the hypervisor" that never was. */
		put32(&r->type, rand_r(seed) % 3);
		put32(&r->reqs.pio_request.direction, rand_r(seed) % 2);
		put64(&r->reqs.pio_request.address, any_addr(seed));
		put64(&r->reqs.pio_request.size, any_size(seed));
		__atomic_store_n(&r->processed, ACRN_IOREQ_STATE_PENDING,
				 __ATOMIC_RELEASE);
	} else if (op < 87 && s->whole_page) {
		for (i = 0; i < sizeof(buf); i++)
			buf[i] = rand_r(seed);
		memcpy(s->page, buf, sizeof(buf));
	} else if (op < 87) {
		for (i = 0; i < sizeof(*r); i++)
			__atomic_store_n((unsigned char *)r + i,
					 (unsigned char)rand_r(seed), __ATOMIC_RELAXED);
	} else {
		memset(&n, 0, sizeof(n));
		n.vmid = rand_r(seed);
		switch (rand_r(seed) % 6) {
		case 0:
			n.vcpu = 65536 + rand_r(seed) % NV;
			break;
		case 1:
			n.vcpu = sc_rand64(seed);
			break;
		case 2:
			n.reserved = 1 + rand_r(seed) % 0xffff;
			n.vcpu = rand_r(seed) % NV;
			break;
		default:
			n.vcpu = rand_r(seed) % (NV + 2);
			break;
		}
		s->notifies++;
		if (!ioctl(s->fd, ACRN_IOCTL_NOTIFY_REQUEST_FINISH, &n)) {
			s->notify_ok++;
		} else if (errno != EINVAL) {
			s->notify_bad++;
			s->notify_err = errno;
		}
		return;
	}
	s->ops++;
}

static void *scribble_fn(void *arg)
{
	struct scribbler *s = arg;

	while (!e2e_load(&s->stop)) {
		scribble_once(s);
		if (rand_r(&s->seed) % 4 == 0)
			usleep(rand_r(&s->seed) % 300);
	}
	e2e_store(&s->finished, 1);
	return NULL;
}

/* --- the storm --- */

static void guest_log(struct __test_metadata *_metadata, const char *what,
		      struct guest *g)
{
	TH_LOG("%s vCPU %u: %d ok, %u timed out, %u unfinished, %u bad (%s)",
	       what, g->io.vcpu, __atomic_load_n(&g->ok, __ATOMIC_ACQUIRE),
	       g->timedout, g->unfinished, g->bad,
	       g->bad ? strerror(g->bad_err) : "-");
}

/* One fresh read on vCPU @v: 0 if it returned the device model's value. */
static int fresh_read(struct e2e *e, unsigned int v, __u32 timeout_ms)
{
	struct hvsim_io io;
	__u64 addr = 0x500 + v * 4;

	e2e_io_init(&io, e->cv.vmid, v, ACRN_IOREQ_TYPE_PORTIO,
		    ACRN_IOREQ_DIR_READ, addr, 4, 0);
	io.timeout_ms = timeout_ms;
	if (ioctl(e->hv, HVSIM_IOCTL_GUEST_IO, &io))
		return errno;
	return io.value == (e2e_dm_value(addr) & 0xffffffff) ? 0 : EBADMSG;
}

static const char *state_name(__u32 s)
{
	static const char * const names[] = {
		"PENDING", "COMPLETE", "PROCESSING", "FREE",
	};

	return s < ARRAY_SIZE(names) ? names[s] : "garbage";
}

/*
 * Create a VM of @vcpus vCPUs (@flags), serve it, run guests on every
 * vCPU and scribble for @ms; then stop scribbling, CLEAR_VM_IOREQ, check
 * that the VM works (on the vCPUs whose slot is FREE, and on every vCPU
 * after a reset) and tear it down.
 */
static void storm(struct __test_metadata *_metadata, struct e2e *e,
		  const char *tag, unsigned int vcpus, __u64 flags,
		  bool whole_page, long ms)
{
	unsigned int v, usable = 0, total = 0;
	struct timespec t0;
	__u32 state;
	long pins;
	int err;

	pins = e2e_pins_held();
	ASSERT_LE(0, pins);
	ASSERT_EQ(0, e2e_start_vm(e, tag, vcpus, flags));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_CREATE_IOREQ_CLIENT));
	ASSERT_EQ(0, dm_start(e->hsm, e->ioreq, vcpus));
	ASSERT_EQ(0, guests_start(e, vcpus, 200));

	memset(&scr, 0, sizeof(scr));
	scr.fd = e->hsm;
	scr.page = e->ioreq;
	scr.whole_page = whole_page;
	scr.seed = getpid();
	ASSERT_EQ(0, pthread_create(&scr.thread, NULL, scribble_fn, &scr));
	scr.running = true;
	usleep(ms * 1000);
	e2e_store(&scr.stop, 1);
	ASSERT_EQ(0, pthread_join(scr.thread, NULL));
	scr.running = false;
	TH_LOG("%u writes, %u NOTIFYs (%u completed a request)", scr.ops,
	       scr.notifies, scr.notify_ok);
	/*
	 * The device model repairs the one field it spoiled for itself:
	 * the HSM notifies the hypervisor unless a slot says
	 * completion_polling, which only the hypervisor sets (and never
	 * clears). Anything else in the page is the protocol's to fix.
	 */
	for (v = 0; v < ACRN_IO_REQUEST_MAX; v++)
		put32(&e2e_slot(e->ioreq, v)->completion_polling, 0);
	EXPECT_EQ(0U, scr.notify_bad) {
		TH_LOG("NOTIFY failed with %s", strerror(scr.notify_err));
	}

	/* Guests wait 200 ms at most per access. */
	ASSERT_EQ(0, guests_stop(vcpus, 3000));
	for (v = 0; v < vcpus; v++) {
		guest_log(_metadata, "while scribbling", &guests[v]);
		EXPECT_EQ(0U, guests[v].bad);
		total += guests[v].ok;
	}
	EXPECT_LT(0U, total);

	/* Clear, and whatever slot is FREE serves a fresh access. */
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_CLEAR_VM_IOREQ));
	usleep(50000);
	for (v = 0; v < vcpus; v++) {
		state = e2e_slot_state(e->ioreq, v);
		if (state != ACRN_IOREQ_STATE_FREE) {
			TH_LOG("slot %u after the clear: %s (%u)", v,
			       state_name(state), state);
			continue;
		}
		usable++;
		err = fresh_read(e, v, 3000);
		EXPECT_EQ(0, err) {
			TH_LOG("vCPU %u after the clear: %s", v, strerror(err));
		}
	}
	TH_LOG("%u of %u slots FREE after the clear", usable, vcpus);

	/* A reset frees every slot: all vCPUs work again. */
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_PAUSE_VM));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_CLEAR_VM_IOREQ));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_RESET_VM));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_START_VM));
	for (v = 0; v < vcpus; v++) {
		err = fresh_read(e, v, 3000);
		EXPECT_EQ(0, err) {
			TH_LOG("vCPU %u after the reset: %s (slot %s)", v,
			       strerror(err), state_name(e2e_slot_state(e->ioreq, v)));
		}
	}
	EXPECT_EQ(0, e2e_load(&dm.finished));
	EXPECT_EQ(0U, dm.notify_other) {
		TH_LOG("DM: NOTIFY failed with %s", strerror(dm.notify_err));
	}
	TH_LOG("DM: %d ATTACHes, %u blind completions, %u NOTIFY EINVAL",
	       dm.attach_ok, dm.blind, dm.notify_einval);

	e2e_now(&t0);
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_IOREQ_CLIENT));
	ASSERT_EQ(0, dm_wait(2000));
	EXPECT_EQ(ENODEV, dm.end_err);
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
	EXPECT_EQ(e->baseline, e2e_count(e->hv));
	EXPECT_EQ(pins, e2e_wait_pins(pins, 3000));
	EXPECT_GT(2000, e2e_ms_since(&t0));
}

/* Random states, kernel_handled flips, types, sizes, addresses, NOTIFYs. */
TEST_F(hsm, scribble_fields)
{
	storm(_metadata, &self->e, "scfield", NV, 0, false, 3000);
}

/* The same, plus the whole page overwritten with random bytes. */
TEST_F(hsm, scribble_whole_page)
{
	storm(_metadata, &self->e, "scpage", NV, 0, true, 2000);
}

/* A VM of two vCPUs: the scribbled slots 2-15 belong to nobody. */
TEST_F(hsm, scribble_two_vcpus)
{
	storm(_metadata, &self->e, "sctwo", 2, 0, true, 2000);
}

/* A VM whose hypervisor polls for completion. */
TEST_F(hsm, scribble_polling)
{
	storm(_metadata, &self->e, "scpoll", NV,
	      E2E_GUEST_FLAG_IO_COMPLETION_POLLING, false, 2000);
}

/* --- single-shot malformed requests --- */

/* Who completes a crafted request. */
enum {
	BY_KERNEL,	/* invalid, or the PCI combiner answers it */
	BY_DM,		/* handed to the device model */
};

/**
 * struct craft - a malformed (or odd) request put into a slot
 * @name:	What it is.
 * @type:	Slot type.
 * @dir:	Direction.
 * @size:	Size (PIO and MMIO layouts share its offset).
 * @addr:	Address.
 * @cf8:	Value latched at 0xCF8 first (0: none).
 * @by:		BY_*.
 */
struct craft {
	const char	*name;
	__u32		type;
	__u32		dir;
	__u64		size;
	__u64		addr;
	__u32		cf8;
	int		by;
};

#define R	ACRN_IOREQ_DIR_READ
#define W	ACRN_IOREQ_DIR_WRITE
#define PIO	ACRN_IOREQ_TYPE_PORTIO
#define MMIO	ACRN_IOREQ_TYPE_MMIO

static const struct craft crafts[] = {
	{ "pio size 2^32", PIO, R, 1ULL << 32, 0x3f8, 0, BY_KERNEL },
	{ "pio size 3", PIO, R, 3, 0x60, 0, BY_KERNEL },
	{ "pio size 0", PIO, W, 0, 0x60, 0, BY_KERNEL },
	{ "pio size ~0", PIO, R, ~0ULL, 0x60, 0, BY_KERNEL },
	{ "pio past 0xffff", PIO, R, 4, 0xfffe, 0, BY_KERNEL },
	{ "pio port 2^64-1", PIO, R, 1, ~0ULL, 0, BY_KERNEL },
	{ "pio 0xffff size 1", PIO, R, 1, 0xffff, 0, BY_DM },
	{ "cf8 size 2", PIO, R, 2, 0xcf8, 0, BY_DM },
	{ "cf8 size 1 write", PIO, W, 1, 0xcf8, 0, BY_DM },
	{ "cfc size 8", PIO, R, 8, 0xcfc, 0x80000000, BY_KERNEL },
	{ "cfe size 4", PIO, R, 4, 0xcfe, 0x80000000, BY_DM },
	{ "cfc disabled", PIO, R, 4, 0xcfc, 0x7fffffff, BY_KERNEL },
	{ "cfc enabled", PIO, R, 4, 0xcfc, 0x80fff8fc, BY_DM },
	{ "cfd enabled size 2", PIO, R, 2, 0xcfd, 0x8f000000, BY_DM },
	{ "mmio size ~0", MMIO, R, ~0ULL, 0x1000, 0, BY_KERNEL },
	{ "mmio size 2^63", MMIO, R, 1ULL << 63, 0x1000, 0, BY_KERNEL },
	{ "mmio wraps", MMIO, R, 8, ~0ULL - 3, 0, BY_KERNEL },
	{ "mmio size 0", MMIO, W, 0, 0xfe000000, 0, BY_KERNEL },
	{ "mmio last byte", MMIO, R, 1, ~0ULL, 0, BY_DM },
	{ "mmio last 8 bytes", MMIO, R, 8, ~0ULL - 7, 0, BY_DM },
	{ "type pcicfg", ACRN_IOREQ_TYPE_PCICFG, R, 4, 0, 0, BY_KERNEL },
	{ "type wp", 3, W, 8, 0xfe000000, 0, BY_DM },
	{ "type 7", 7, R, 4, 0x60, 0, BY_KERNEL },
	{ "type ~0", ~0U, R, 4, 0x60, 0, BY_KERNEL },
	{ "direction 2", PIO, 2, 4, 0x60, 0, BY_KERNEL },
	{ "direction ~0", MMIO, ~0U, 4, 0xfe000000, 0, BY_KERNEL },
};

/* Overwrite slot @r with @c (all but the state). */
static void craft_fill(struct acrn_io_request *r, const struct craft *c)
{
	r->type = c->type;
	r->reqs.mmio_request.direction = c->dir;
	r->reqs.mmio_request.address = c->addr;
	r->reqs.mmio_request.size = c->size;
	r->reqs.mmio_request.value = 0x5555555555555555ULL;
	r->completion_polling = 0;
}

static int latch_cf8(struct e2e *e, __u32 value)
{
	__u64 v = value;

	return e2e_pio(e, 0, ACRN_IOREQ_DIR_WRITE, 0xcf8, 4, &v);
}

/*
 * Slot 1 gets @c published PENDING by hand (no access waits for it);
 * an access on vCPU 0 raises the upcall. The kernel completes the
 * crafted request or hands it to the device model, which completes it.
 * Then the slot is freed by hand, as the hypervisor would, and vCPU 1
 * works.
 */
static void craft_by_hand(struct __test_metadata *_metadata, struct e2e *e,
			  const struct craft *c)
{
	struct acrn_io_request *r = e2e_slot(e->ioreq, 1);
	int served0, served1, err;
	__u32 state;

	ASSERT_TRUE(dm_idle(1000));
	served0 = dm_served(0);
	served1 = dm_served(1);
	if (c->cf8)
		ASSERT_EQ(0, latch_cf8(e, c->cf8));
	craft_fill(r, c);
	__atomic_store_n(&r->processed, ACRN_IOREQ_STATE_PENDING, __ATOMIC_RELEASE);
	err = fresh_read(e, 0, 3000);
	EXPECT_EQ(0, err) {
		TH_LOG("%s: vCPU 0: %s", c->name, strerror(err));
	}
	EXPECT_EQ(0, e2e_slot_wait(e->ioreq, 1, ACRN_IOREQ_STATE_COMPLETE, 2000)) {
		state = e2e_slot_state(e->ioreq, 1);
		TH_LOG("%s: slot %s (%u)", c->name, state_name(state), state);
	}
	EXPECT_TRUE(dm_idle(1000));
	EXPECT_EQ(served0 + 1, dm_served(0));
	EXPECT_EQ(served1 + (c->by == BY_DM), dm_served(1)) {
		TH_LOG("%s: %s the device model", c->name,
		       c->by == BY_DM ? "not given to" : "given to");
	}
	if (c->by == BY_KERNEL && c->dir == R && r->type == PIO && c->size < 8) {
		EXPECT_EQ(0xffffffffU, r->reqs.pio_request.value) {
			TH_LOG("%s: read 0x%x", c->name, r->reqs.pio_request.value);
		}
	}
	__atomic_store_n(&r->processed, ACRN_IOREQ_STATE_FREE, __ATOMIC_RELEASE);
	if (c->cf8)
		ASSERT_EQ(0, latch_cf8(e, 0));
	err = fresh_read(e, 1, 3000);
	EXPECT_EQ(0, err) {
		TH_LOG("%s: vCPU 1 afterwards: %s", c->name, strerror(err));
	}
}

/*
 * vCPU 1 makes a real access without an upcall; while it is PENDING the
 * device model's page gets @c in its place; an access on vCPU 0 raises
 * the upcall. vCPU 1's access completes (a read returns all ones, or the
 * device model's value), and vCPU 1 works afterwards.
 */
static void craft_in_flight(struct __test_metadata *_metadata, struct e2e *e,
			    const struct craft *c)
{
	struct acrn_io_request *r = e2e_slot(e->ioreq, 1);
	struct e2e_async *a;
	struct hvsim_io io;
	int served1, err;
	__u64 want;

	ASSERT_TRUE(dm_idle(1000));
	served1 = dm_served(1);
	if (c->cf8)
		ASSERT_EQ(0, latch_cf8(e, c->cf8));
	e2e_io_init(&io, e->cv.vmid, 1, PIO, R, 0x510, 4, 0);
	io.flags = HVSIM_IO_NO_UPCALL;
	io.timeout_ms = 3000;
	a = e2e_guest_io_start(e, &io);
	ASSERT_NE(NULL, a);
	ASSERT_EQ(0, e2e_slot_wait(e->ioreq, 1, ACRN_IOREQ_STATE_PENDING, 2000));
	craft_fill(r, c);
	/* The body before the state, as the hypervisor orders them. */
	__atomic_store_n(&r->processed, ACRN_IOREQ_STATE_PENDING, __ATOMIC_RELEASE);
	err = fresh_read(e, 0, 3000);
	EXPECT_EQ(0, err) {
		TH_LOG("%s: vCPU 0: %s", c->name, strerror(err));
	}
	err = e2e_async_join(a, 4000);
	EXPECT_EQ(0, err) {
		TH_LOG("%s: vCPU 1's access: %s", c->name,
		       err == E2E_RUNNING ? "still waiting" : strerror(err));
	}
	if (!err && c->dir == R) {
		/* A PCICFG conversion left its register in the freed slot. */
		if (c->by == BY_KERNEL)
			want = ~0ULL;
		else if (r->type == ACRN_IOREQ_TYPE_PCICFG)
			want = e2e_dm_value(r->reqs.pci_request.reg);
		else
			want = e2e_dm_value(c->addr);
		EXPECT_EQ(want & 0xffffffff, a->io.value) {
			TH_LOG("%s: vCPU 1 read 0x%llx", c->name,
			       (unsigned long long)a->io.value);
		}
	}
	EXPECT_TRUE(dm_idle(1000));
	EXPECT_EQ(served1 + (c->by == BY_DM), dm_served(1)) {
		TH_LOG("%s: %s the device model", c->name,
		       c->by == BY_DM ? "not given to" : "given to");
	}
	e2e_async_free(&a);
	if (c->cf8)
		ASSERT_EQ(0, latch_cf8(e, 0));
	err = fresh_read(e, 1, 3000);
	EXPECT_EQ(0, err) {
		TH_LOG("%s: vCPU 1 afterwards: %s", c->name, strerror(err));
	}
}

static void crafted(struct __test_metadata *_metadata, struct e2e *e,
		    bool in_flight)
{
	unsigned int i;
	long pins;

	pins = e2e_pins_held();
	ASSERT_LE(0, pins);
	ASSERT_EQ(0, e2e_start_vm(e, in_flight ? "scflight" : "schand", NV, 0));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_CREATE_IOREQ_CLIENT));
	ASSERT_EQ(0, dm_start(e->hsm, e->ioreq, NV));
	for (i = 0; i < ARRAY_SIZE(crafts); i++) {
		if (in_flight)
			craft_in_flight(_metadata, e, &crafts[i]);
		else
			craft_by_hand(_metadata, e, &crafts[i]);
	}
	EXPECT_EQ(0U, dm.notify_einval + dm.notify_other);
	EXPECT_EQ(0U, dm.blind);
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_IOREQ_CLIENT));
	ASSERT_EQ(0, dm_wait(2000));
	EXPECT_EQ(ENODEV, dm.end_err);
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
	EXPECT_EQ(pins, e2e_wait_pins(pins, 3000));
}

/* Malformed requests published by hand in an idle vCPU's slot. */
TEST_F(hsm, crafted_by_hand)
{
	crafted(_metadata, &self->e, false);
}

/* Malformed requests in place of a real access waiting for completion. */
TEST_F(hsm, crafted_in_flight)
{
	crafted(_metadata, &self->e, true);
}

/*
 * Slots of vCPUs the VM does not have, published PENDING by hand: never
 * looked at, neither by the upcall nor by CLEAR_VM_IOREQ; a slot faked
 * PROCESSING for the device model cannot be completed by NOTIFY.
 */
TEST_F(hsm, crafted_foreign_slots)
{
	static const struct craft valid = {
		"valid", PIO, R, 2, 0x64, 0, BY_DM,
	};
	struct e2e *e = &self->e;
	struct acrn_io_request *r;
	unsigned int v;
	int err;

	ASSERT_EQ(0, e2e_start_vm(e, "scforeign", 2, 0));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_CREATE_IOREQ_CLIENT));
	for (v = 2; v < ACRN_IO_REQUEST_MAX; v++) {
		r = e2e_slot(e->ioreq, v);
		craft_fill(r, &valid);
		__atomic_store_n(&r->processed, ACRN_IOREQ_STATE_PENDING,
				 __ATOMIC_RELEASE);
	}
	/* vCPU 1: PROCESSING for the device model, by hand. */
	r = e2e_slot(e->ioreq, 1);
	craft_fill(r, &valid);
	r->kernel_handled = 0;
	__atomic_store_n(&r->processed, ACRN_IOREQ_STATE_PROCESSING, __ATOMIC_RELEASE);
	EXPECT_EQ(EINVAL, e2e_notify(e->hsm, 1));
	EXPECT_EQ(ACRN_IOREQ_STATE_PROCESSING, e2e_slot_state(e->ioreq, 1));
	for (v = 2; v < ACRN_IO_REQUEST_MAX; v++)
		EXPECT_EQ(EINVAL, e2e_notify(e->hsm, v));

	ASSERT_EQ(0, dm_start(e->hsm, e->ioreq, ACRN_IO_REQUEST_MAX));
	err = fresh_read(e, 0, 3000);
	EXPECT_EQ(0, err);
	EXPECT_TRUE(dm_idle(1000));
	EXPECT_EQ(1, dm_served(0));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_CLEAR_VM_IOREQ));
	usleep(50000);
	for (v = 2; v < ACRN_IO_REQUEST_MAX; v++) {
		EXPECT_EQ(ACRN_IOREQ_STATE_PENDING, e2e_slot_state(e->ioreq, v));
		EXPECT_EQ(0, dm_served(v));
	}
	/* The DM saw slot 1 PROCESSING and was refused. */
	EXPECT_EQ(0, dm_served(1));
	EXPECT_EQ(ACRN_IOREQ_STATE_PROCESSING, e2e_slot_state(e->ioreq, 1));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_IOREQ_CLIENT));
	ASSERT_EQ(0, dm_wait(2000));
	EXPECT_EQ(ENODEV, dm.end_err);
	EXPECT_EQ(0U, dm.notify_other);
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
}

/*
 * completion_polling set by the device model in a slot of a VM the
 * hypervisor does not poll for: the HSM takes the slot's word for it (as
 * upstream does) and sends no completion hypercall, so the access times
 * out; or it knows better and the access completes. Either way nothing
 * else suffers, and once the field is 0 again the vCPU works.
 */
TEST_F(hsm, crafted_polling_flag)
{
	struct e2e *e = &self->e;
	struct acrn_io_request *r;
	int err;

	ASSERT_EQ(0, e2e_start_vm(e, "scpflag", 2, 0));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_CREATE_IOREQ_CLIENT));
	ASSERT_EQ(0, dm_start(e->hsm, e->ioreq, 2));
	r = e2e_slot(e->ioreq, 1);
	put32(&r->completion_polling, 1);
	err = fresh_read(e, 1, 500);
	TH_LOG("an access whose slot says completion_polling: %s",
	       err ? strerror(err) : "completed");
	EXPECT_TRUE(!err || err == ETIMEDOUT);
	EXPECT_EQ(0, fresh_read(e, 0, 3000));

	put32(&r->completion_polling, 0);
	EXPECT_EQ(0, fresh_read(e, 1, 3000));
	EXPECT_TRUE(dm_idle(1000));
	EXPECT_EQ(0U, dm.notify_einval + dm.notify_other + dm.blind);
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_IOREQ_CLIENT));
	ASSERT_EQ(0, dm_wait(2000));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
}

TEST_HARNESS_MAIN
