// SPDX-License-Identifier: GPL-2.0
/*
 * End-to-end tests of I/O request teardown races: DESTROY_IOREQ_CLIENT,
 * DESTROY_VM, close() and rmmod while guest accesses are in flight and a
 * device model waits in ATTACH_IOREQ_CLIENT; signals during ATTACH;
 * CLEAR_VM_IOREQ under traffic; RESET_VM racing completions; every I/O
 * request ioctl at once on one file; create/traffic/destroy loops in
 * random orders from several threads.
 *
 * The simulator plays the guest: a thread in HVSIM_IOCTL_GUEST_IO is a
 * vCPU blocked on an access until the Service VM completes it. A device
 * model thread (ATTACH, scan the slots, NOTIFY_REQUEST_FINISH) plays
 * acrn-dm. Threads only record what happened; the test's main thread
 * checks, because ASSERT_*() must not run in other threads. Thread state
 * is static, not on the test's stack, so that a failed ASSERT (a longjmp
 * to the harness) cannot leave a thread writing into a dead stack frame.
 */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/syscall.h>

#include "e2e.h"

/* vCPUs the tests use: a VM with the default affinity has E2E_PCPUS. */
#define NV		4
#define NR_GUESTS	16
#define NR_DMS		8

/* Module the rmmod test unloads and loads again. */
#define SIM_NAME	"acrn_hvsim"

/* Wait up to @ms for slot @vcpu to be in @state; returns the last state. */
static __u32 td_wait_state(void *page, unsigned int vcpu, __u32 state, long ms)
{
	struct timespec t0;
	__u32 s;

	e2e_now(&t0);
	while ((s = e2e_slot_state(page, vcpu)) != state && e2e_ms_since(&t0) < ms)
		usleep(2000);
	return s;
}

/* --- guest vCPUs --- */

/**
 * struct guest - a thread making guest accesses on one vCPU
 * @thread:	 The thread.
 * @running:	 @thread exists and has not been joined.
 * @hv:		 /dev/acrn_hvsim.
 * @io:		 Template access (vmid, vcpu, timeout, ...).
 * @vary:	 Cycle through accesses of every type, direction and size.
 * @count:	 Accesses to make; 0: until *@stop or an access fails.
 * @persist:	 Go on after a failed access (until *@stop).
 * @stop:	 Set by the main thread to stop after the current access.
 * @ok:		 Accesses that returned 0 (atomic).
 * @ok_dm:	 Reads that returned the device model's value.
 * @ok_ones:	 Reads that returned all ones.
 * @ok_other:	 Reads that returned anything else.
 * @other:	 The last such value.
 * @err:	 errno of the access that failed (a guest stops at its first
 *		 failure unless @persist), 0 if none; with @persist, of the
 *		 last one that failed with anything but ECANCELED or EBUSY.
 * @canceled:	 With @persist: accesses that failed with ECANCELED.
 * @busy:	 With @persist: accesses that failed with EBUSY.
 * @failed:	 With @persist: accesses that failed otherwise.
 * @finished:	 The thread is done (atomic).
 */
struct guest {
	pthread_t	thread;
	bool		running;
	int		hv;
	struct hvsim_io	io;
	bool		vary;
	unsigned int	count;
	bool		persist;
	int		*stop;
	int		ok;
	unsigned int	ok_dm;
	unsigned int	ok_ones;
	unsigned int	ok_other;
	__u64		other;
	int		err;
	unsigned int	canceled;
	unsigned int	busy;
	unsigned int	failed;
	int		finished;
};

/* Accesses a varying guest cycles through (none near 0xCF8). */
static const struct {
	__u32 type, dir, size;
	__u64 addr;
} td_accesses[] = {
	{ ACRN_IOREQ_TYPE_PORTIO, ACRN_IOREQ_DIR_READ, 1, 0x60 },
	{ ACRN_IOREQ_TYPE_MMIO, ACRN_IOREQ_DIR_WRITE, 4, 0xfe001000 },
	{ ACRN_IOREQ_TYPE_PORTIO, ACRN_IOREQ_DIR_WRITE, 2, 0x70 },
	{ ACRN_IOREQ_TYPE_MMIO, ACRN_IOREQ_DIR_READ, 8, 0xfe002008 },
	{ ACRN_IOREQ_TYPE_PORTIO, ACRN_IOREQ_DIR_READ, 4, 0x3f8 },
	{ ACRN_IOREQ_TYPE_MMIO, ACRN_IOREQ_DIR_READ, 2, 0xfe003002 },
	{ ACRN_IOREQ_TYPE_PORTIO, ACRN_IOREQ_DIR_READ, 2, 0x402 },
	{ ACRN_IOREQ_TYPE_MMIO, ACRN_IOREQ_DIR_READ, 1, 0xfe004001 },
};

static void io_init(struct hvsim_io *io, unsigned int vmid, unsigned int vcpu,
		    __u32 type, __u32 dir, __u32 size, __u64 addr, __u32 timeout_ms)
{
	e2e_io_init(io, vmid, vcpu, type, dir, addr, size, 0x1122334455667788ULL);
	io->timeout_ms = timeout_ms;
}

static void io_pick(struct hvsim_io *io, unsigned int i)
{
	i %= ARRAY_SIZE(td_accesses);
	io->type = td_accesses[i].type;
	io->direction = td_accesses[i].dir;
	io->size = td_accesses[i].size;
	io->address = td_accesses[i].addr + 0x10000 * io->vcpu *
		      (td_accesses[i].type == ACRN_IOREQ_TYPE_MMIO);
}

static void *guest_fn(void *arg)
{
	struct guest *g = arg;
	struct hvsim_io io;
	unsigned int i;
	__u64 v;

	for (i = 0; !g->count || i < g->count; i++) {
		if (g->stop && e2e_load(g->stop))
			break;
		io = g->io;
		if (g->vary)
			io_pick(&io, i + io.vcpu);
		if (ioctl(g->hv, HVSIM_IOCTL_GUEST_IO, &io)) {
			if (!g->persist) {
				g->err = errno;
				break;
			}
			if (errno == ECANCELED) {
				g->canceled++;
			} else if (errno == EBUSY) {
				g->busy++;
			} else {
				g->failed++;
				g->err = errno;
			}
			/* The VM is paused or being reset: do not spin. */
			usleep(500);
			continue;
		}
		__atomic_add_fetch(&g->ok, 1, __ATOMIC_RELEASE);
		if (io.direction != ACRN_IOREQ_DIR_READ)
			continue;
		v = io.value & e2e_mask(io.size);
		if (v == (e2e_dm_value(io.address) & e2e_mask(io.size))) {
			g->ok_dm++;
		} else if (v == e2e_mask(io.size)) {
			g->ok_ones++;
		} else {
			g->ok_other++;
			g->other = io.value;
		}
	}
	e2e_store(&g->finished, 1);
	return NULL;
}

static struct guest guests[NR_GUESTS];

/* guest_start() flags */
#define G_VARY		0x1	/* struct guest::vary */
#define G_PERSIST	0x2	/* struct guest::persist */

/* Start guest @g: @count accesses like @io (0: until stopped or failed). */
static int guest_start(struct guest *g, int hv, const struct hvsim_io *io,
		       unsigned int count, unsigned int flags, int *stop)
{
	memset(g, 0, sizeof(*g));
	g->hv = hv;
	g->io = *io;
	g->count = count;
	g->vary = flags & G_VARY;
	g->persist = flags & G_PERSIST;
	g->stop = stop;
	if (pthread_create(&g->thread, NULL, guest_fn, g))
		return -1;
	g->running = true;
	return 0;
}

/*
 * Start guest @g making one access like @io without raising the upcall:
 * the request sits PENDING, undelivered, until something dispatches the
 * VM. Returns the slot's state after up to 2 s (PENDING if all went
 * well), or ~0U if the thread did not start.
 */
static __u32 guest_start_undelivered(struct guest *g, int hv, void *page,
				     struct hvsim_io *io)
{
	io->flags = HVSIM_IO_NO_UPCALL;
	if (guest_start(g, hv, io, 1, 0, NULL))
		return ~0U;
	return td_wait_state(page, io->vcpu, ACRN_IOREQ_STATE_PENDING, 2000);
}

/* Wait up to @ms for @g to finish and join it; -ETIMEDOUT if it did not. */
static int guest_wait(struct guest *g, long ms)
{
	struct timespec t0;

	e2e_now(&t0);
	return e2e_join_by(g->thread, &g->running, &g->finished, &t0, ms);
}

static int guest_ok(struct guest *g)
{
	return __atomic_load_n(&g->ok, __ATOMIC_ACQUIRE);
}

/* Whether every one of @n guests is blocked (not finished) after @ms. */
static bool guests_blocked(struct guest *g, int n, long ms)
{
	int i;

	usleep(ms * 1000);
	for (i = 0; i < n; i++)
		if (e2e_load(&g[i].finished))
			return false;
	return true;
}

/* --- device model --- */

/**
 * struct dm - a device model thread: ATTACH, complete, repeat
 * @thread:	  The thread.
 * @running:	  @thread exists and has not been joined.
 * @fd:		  /dev/acrn_hsm file of the VM.
 * @page:	  Its I/O request page.
 * @vcpus:	  vCPUs (slots) to scan.
 * @hold:	  vCPUs whose requests the DM keeps (never completes) while
 *		  @release is 0.
 * @once:	  One ATTACH, then exit.
 * @persist:	  On ENODEV, try again (until @stop): the client may be
 *		  created again.
 * @release:	  Set by the main thread: complete held requests too.
 * @stop:	  Set by the main thread: exit when ATTACH returns.
 * @in_attach:	  The thread is in (or about to enter) ATTACH (atomic).
 * @attach_ok:	  ATTACHes that returned 0 (atomic).
 * @end_err:	  errno of the ATTACH that ended the loop, 0 if stopped.
 * @enodev:	  ATTACHes that failed with ENODEV and were retried (@persist).
 * @served:	  Requests completed (NOTIFY returned 0) (atomic).
 * @held:	  vCPUs seen held (atomic).
 * @notify_einval: NOTIFYs that failed with EINVAL.
 * @notify_other: NOTIFYs that failed otherwise.
 * @notify_err:	  errno of the last of those.
 * @finished:	  The thread is done (atomic).
 */
struct dm {
	pthread_t	thread;
	bool		running;
	int		fd;
	void		*page;
	unsigned int	vcpus;
	unsigned int	hold;
	bool		once;
	bool		persist;
	int		release;
	int		stop;
	int		in_attach;
	int		attach_ok;
	int		end_err;
	unsigned int	enodev;
	int		served;
	int		held;
	unsigned int	notify_einval;
	unsigned int	notify_other;
	int		notify_err;
	int		finished;
};

/* Complete the requests handed to the DM; returns how many were seen. */
static int dm_scan(struct dm *d)
{
	struct acrn_io_request *s;
	unsigned int v;
	int seen = 0, err;

	for (v = 0; v < d->vcpus; v++) {
		s = e2e_slot(d->page, v);
		if (e2e_slot_state(d->page, v) != ACRN_IOREQ_STATE_PROCESSING ||
		    s->kernel_handled)
			continue;
		seen++;
		if ((d->hold & (1U << v)) && !e2e_load(&d->release)) {
			__atomic_or_fetch(&d->held, 1U << v, __ATOMIC_RELEASE);
			continue;
		}
		e2e_dm_answer(s);
		err = e2e_notify(d->fd, v);
		if (!err) {
			__atomic_add_fetch(&d->served, 1, __ATOMIC_RELEASE);
		} else if (err == EINVAL) {
			d->notify_einval++;
		} else {
			d->notify_other++;
			d->notify_err = err;
		}
	}
	return seen;
}

static void *dm_fn(void *arg)
{
	struct dm *d = arg;
	int err;

	while (!e2e_load(&d->stop)) {
		e2e_store(&d->in_attach, 1);
		err = ioctl(d->fd, ACRN_IOCTL_ATTACH_IOREQ_CLIENT, 0) ? errno : 0;
		e2e_store(&d->in_attach, 0);
		if (err == ENODEV && d->persist) {
			d->enodev++;
			usleep(1000);
			continue;
		}
		if (err) {
			d->end_err = err;
			break;
		}
		__atomic_add_fetch(&d->attach_ok, 1, __ATOMIC_RELEASE);
		if (d->once)
			break;
		/* Holding requests, ATTACH returns at once: do not spin. */
		if (dm_scan(d) && e2e_load(&d->held) && !e2e_load(&d->release))
			usleep(1000);
	}
	e2e_store(&d->finished, 1);
	return NULL;
}

static struct dm dms[NR_DMS];

static void td_sig(int sig)
{
	(void)sig;
}

/* SIGUSR1 interrupts system calls (no SA_RESTART) and does nothing else. */
static void td_sigaction(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = td_sig;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
}

/* dm_start() flags */
#define DM_ONCE		0x1	/* one ATTACH, then exit */
#define DM_PERSIST	0x2	/* ENODEV: the client may come back */

static int dm_start(struct dm *d, int fd, void *page, unsigned int vcpus,
		    unsigned int hold, unsigned int flags)
{
	memset(d, 0, sizeof(*d));
	d->fd = fd;
	d->page = page;
	d->vcpus = vcpus;
	d->hold = hold;
	d->once = flags & DM_ONCE;
	d->persist = flags & DM_PERSIST;
	td_sigaction();
	if (pthread_create(&d->thread, NULL, dm_fn, d))
		return -1;
	d->running = true;
	return 0;
}

/*
 * Wait up to @ms for @d to finish by itself (ATTACH failed), and join it.
 * Returns 0, or -ETIMEDOUT (the thread is left alone).
 */
static int dm_wait(struct dm *d, long ms)
{
	struct timespec t0;

	e2e_now(&t0);
	return e2e_join_by(d->thread, &d->running, &d->finished, &t0, ms);
}

/* Stop @d: ask, and signal it out of ATTACH (which returns 0 on a signal). */
static int dm_stop(struct dm *d, long ms)
{
	struct timespec t0;

	if (!d->running)
		return 0;
	e2e_store(&d->stop, 1);
	e2e_now(&t0);
	while (!e2e_load(&d->finished)) {
		if (e2e_ms_since(&t0) > ms)
			return -ETIMEDOUT;
		pthread_kill(d->thread, SIGUSR1);
		usleep(5000);
	}
	pthread_join(d->thread, NULL);
	d->running = false;
	return 0;
}

/* Wait up to @ms until @d holds the requests of every vCPU in @mask. */
static bool dm_holding(struct dm *d, unsigned int mask, long ms)
{
	struct timespec t0;

	e2e_now(&t0);
	while (((unsigned int)e2e_load(&d->held) & mask) != mask) {
		if (e2e_ms_since(&t0) > ms)
			return false;
		usleep(2000);
	}
	return true;
}

/* --- helpers of the test's main thread --- */

/* CREATE_VM (default affinity), CREATE_IOREQ_CLIENT if @client, START_VM. */
static int vm_up(int fd, struct acrn_vm_creation *cv, void *page,
		 const char *tag, bool client)
{
	int err;

	e2e_cv_init(cv, tag, page, 0);
	err = e2e_ioctl(fd, ACRN_IOCTL_CREATE_VM, cv);
	if (!err && client)
		err = e2e_ioctl(fd, ACRN_IOCTL_CREATE_IOREQ_CLIENT, NULL);
	if (!err)
		err = e2e_ioctl(fd, ACRN_IOCTL_START_VM, NULL);
	return err;
}

/**
 * struct op - one ioctl made by another thread
 * @thread:	The thread.
 * @fd:		File.
 * @cmd:	ioctl.
 * @ret:	0 or its errno.
 */
struct op {
	pthread_t	thread;
	int		fd;
	unsigned long	cmd;
	int		ret;
};

static void *op_fn(void *arg)
{
	struct op *o = arg;

	o->ret = e2e_ioctl(o->fd, o->cmd, NULL);
	return NULL;
}

/* How a guest's accesses may end when its VM goes away under it. */
static bool gone_err(int err)
{
	return !err || err == ECANCELED || err == ENOENT || err == EBUSY;
}

static void guest_log(struct __test_metadata *_metadata, const char *what,
		      struct guest *g)
{
	TH_LOG("%s vCPU %u: %d ok (dm %u, ones %u, other %u: 0x%llx), err %s",
	       what, g->io.vcpu, guest_ok(g), g->ok_dm, g->ok_ones, g->ok_other,
	       (unsigned long long)g->other, g->err ? strerror(g->err) : "none");
}

static void dm_log(struct __test_metadata *_metadata, const char *what,
		   struct dm *d)
{
	TH_LOG("%s: attach ok %d, ended by %s, served %d, held 0x%x",
	       what, e2e_load(&d->attach_ok),
	       d->end_err ? strerror(d->end_err) : "stop", e2e_load(&d->served),
	       e2e_load(&d->held));
	TH_LOG("%s: NOTIFY failed with EINVAL %u times, otherwise %u (%s)",
	       what, d->notify_einval, d->notify_other,
	       d->notify_other ? strerror(d->notify_err) : "-");
}

/* Pages pinned before the test, for pins_back(). */
static long pins_before(struct __test_metadata *_metadata)
{
	long pins = e2e_pins_held();

	EXPECT_LE(0, pins);
	return pins;
}

/* The pins are back to @pins once the test's VMs are gone. */
static void pins_back(struct __test_metadata *_metadata, long pins)
{
	long held = e2e_wait_pins(pins, 3000);

	if (held != pins)
		TH_LOG("pins: %ld before the test, %ld after", pins, held);
	EXPECT_EQ(pins, held);
}

/* --- (a) DESTROY_IOREQ_CLIENT --- */

/*
 * Three threads wait in ATTACH; two requests are PENDING but not yet
 * delivered (no upcall). DESTROY_IOREQ_CLIENT wakes all three with
 * ENODEV; the undelivered requests go to the next client.
 */
TEST_F(hsm, destroy_client_wakes_attach)
{
	struct e2e *e = &self->e;
	struct hvsim_io io;
	long pins;
	int i;

	pins = pins_before(_metadata);
	ASSERT_EQ(0, vm_up(e->hsm, &e->cv, e->ioreq, "tdwake", true));
	ASSERT_LE(NV, e->cv.vcpu_num);

	for (i = 0; i < 2; i++) {
		io_init(&io, e->cv.vmid, 2 + i, ACRN_IOREQ_TYPE_PORTIO,
			ACRN_IOREQ_DIR_READ, 2, 0x510 + 2 * i, 8000);
		EXPECT_EQ(ACRN_IOREQ_STATE_PENDING,
			  guest_start_undelivered(&guests[i], e->hv, e->ioreq, &io));
	}
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, dm_start(&dms[i], e->hsm, e->ioreq, NV, 0, DM_ONCE));
	usleep(200000);
	for (i = 0; i < 3; i++) {
		EXPECT_EQ(0, e2e_load(&dms[i].finished));
		EXPECT_EQ(1, e2e_load(&dms[i].in_attach));
	}

	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_IOREQ_CLIENT));
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, dm_wait(&dms[i], 2000));
		EXPECT_EQ(ENODEV, dms[i].end_err);
		EXPECT_EQ(0, e2e_load(&dms[i].attach_ok));
	}
	EXPECT_EQ(ENODEV, e2e_vm_ioctl(e, ACRN_IOCTL_ATTACH_IOREQ_CLIENT));
	EXPECT_EQ(ENODEV, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_IOREQ_CLIENT));
	/* Nobody to give them to: still waiting. */
	EXPECT_TRUE(guests_blocked(guests, 2, 100));
	EXPECT_EQ(ACRN_IOREQ_STATE_PENDING, e2e_slot_state(e->ioreq, 2));
	EXPECT_EQ(ACRN_IOREQ_STATE_PENDING, e2e_slot_state(e->ioreq, 3));

	/* A new client gets them. */
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_CREATE_IOREQ_CLIENT));
	ASSERT_EQ(0, dm_start(&dms[3], e->hsm, e->ioreq, NV, 0, 0));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, guest_wait(&guests[i], 9000));
		if (guests[i].err || guests[i].ok_dm != 1)
			guest_log(_metadata, "undelivered", &guests[i]);
		EXPECT_EQ(0, guests[i].err);
		EXPECT_EQ(1U, guests[i].ok_dm);
	}
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_IOREQ_CLIENT));
	ASSERT_EQ(0, dm_wait(&dms[3], 2000));
	EXPECT_EQ(ENODEV, dms[3].end_err);
	EXPECT_EQ(2, e2e_load(&dms[3].served));
	EXPECT_EQ(0U, dms[3].notify_einval + dms[3].notify_other);

	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
	pins_back(_metadata, pins);
}

/*
 * The device model holds a request of every vCPU (reads and a write of
 * every type); DESTROY_IOREQ_CLIENT completes them: reads return all
 * ones. A request made without a client then stays PENDING until a new
 * client exists.
 */
TEST_F(hsm, destroy_client_completes_held)
{
	static const struct {
		__u32 type, dir, size;
		__u64 addr;
	} acc[NV] = {
		{ ACRN_IOREQ_TYPE_PORTIO, ACRN_IOREQ_DIR_READ, 1, 0x61 },
		{ ACRN_IOREQ_TYPE_PORTIO, ACRN_IOREQ_DIR_READ, 2, 0x72 },
		{ ACRN_IOREQ_TYPE_MMIO, ACRN_IOREQ_DIR_READ, 8, 0xfe010000 },
		{ ACRN_IOREQ_TYPE_MMIO, ACRN_IOREQ_DIR_WRITE, 4, 0xfe020000 },
	};
	struct e2e *e = &self->e;
	struct acrn_ioreq_notify n;
	struct hvsim_io io;
	unsigned int v;
	long pins;

	pins = pins_before(_metadata);
	ASSERT_EQ(0, vm_up(e->hsm, &e->cv, e->ioreq, "tdheld", true));
	ASSERT_LE(NV, e->cv.vcpu_num);
	ASSERT_EQ(0, dm_start(&dms[0], e->hsm, e->ioreq, NV, 0xf, 0));
	for (v = 0; v < NV; v++) {
		io_init(&io, e->cv.vmid, v, acc[v].type, acc[v].dir, acc[v].size,
			acc[v].addr, 8000);
		ASSERT_EQ(0, guest_start(&guests[v], e->hv, &io, 1, 0, NULL));
	}
	ASSERT_TRUE(dm_holding(&dms[0], 0xf, 3000)) {
		TH_LOG("held 0x%x", e2e_load(&dms[0].held));
	}
	EXPECT_TRUE(guests_blocked(guests, NV, 50));

	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_IOREQ_CLIENT));
	for (v = 0; v < NV; v++) {
		ASSERT_EQ(0, guest_wait(&guests[v], 3000)) {
			TH_LOG("vCPU %u still waiting after DESTROY_IOREQ_CLIENT", v);
		}
		EXPECT_EQ(0, guests[v].err);
		EXPECT_EQ(1, guest_ok(&guests[v]));
		if (acc[v].dir == ACRN_IOREQ_DIR_READ) {
			EXPECT_EQ(1U, guests[v].ok_ones) {
				guest_log(_metadata, "held", &guests[v]);
			}
		}
	}
	ASSERT_EQ(0, dm_wait(&dms[0], 2000));
	EXPECT_EQ(ENODEV, dms[0].end_err);
	EXPECT_EQ(0, e2e_load(&dms[0].served));
	for (v = 0; v < NV; v++)
		EXPECT_EQ(ACRN_IOREQ_STATE_FREE,
			  td_wait_state(e->ioreq, v, ACRN_IOREQ_STATE_FREE, 1000));
	/* The completed requests are no longer the DM's to finish. */
	memset(&n, 0, sizeof(n));
	EXPECT_EQ(EINVAL, e2e_ioctl(e->hsm, ACRN_IOCTL_NOTIFY_REQUEST_FINISH, &n));

	/* No client: a new request stays PENDING, and ATTACH fails. */
	io_init(&io, e->cv.vmid, 0, ACRN_IOREQ_TYPE_PORTIO, ACRN_IOREQ_DIR_READ,
		4, 0x3fc, 8000);
	ASSERT_EQ(0, guest_start(&guests[0], e->hv, &io, 1, 0, NULL));
	EXPECT_EQ(ACRN_IOREQ_STATE_PENDING,
		  td_wait_state(e->ioreq, 0, ACRN_IOREQ_STATE_PENDING, 2000));
	EXPECT_TRUE(guests_blocked(guests, 1, 300));
	EXPECT_EQ(ACRN_IOREQ_STATE_PENDING, e2e_slot_state(e->ioreq, 0));
	EXPECT_EQ(ENODEV, e2e_vm_ioctl(e, ACRN_IOCTL_ATTACH_IOREQ_CLIENT));

	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_CREATE_IOREQ_CLIENT));
	ASSERT_EQ(0, dm_start(&dms[1], e->hsm, e->ioreq, NV, 0, 0));
	ASSERT_EQ(0, guest_wait(&guests[0], 9000));
	EXPECT_EQ(0, guests[0].err);
	EXPECT_EQ(1U, guests[0].ok_dm);

	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_IOREQ_CLIENT));
	ASSERT_EQ(0, dm_wait(&dms[1], 2000));
	EXPECT_EQ(ENODEV, dms[1].end_err);
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
	pins_back(_metadata, pins);
}

/*
 * DESTROY_IOREQ_CLIENT at a random moment of traffic on every vCPU, then
 * a new client and device model; several rounds on one VM. Every access
 * completes, with the device model's value or (completed by the destroy)
 * all ones; the device model's thread ends with ENODEV.
 */
TEST_F(hsm, destroy_client_under_traffic)
{
	struct e2e *e = &self->e;
	unsigned int seed = getpid();
	int round, i, stop, before[NV];
	struct timespec t0;
	struct hvsim_io io;
	long pins;

	pins = pins_before(_metadata);
	ASSERT_EQ(0, vm_up(e->hsm, &e->cv, e->ioreq, "tdctraf", true));
	ASSERT_LE(NV, e->cv.vcpu_num);
	stop = 0;
	ASSERT_EQ(0, dm_start(&dms[0], e->hsm, e->ioreq, NV, 0, 0));
	for (i = 0; i < NV; i++) {
		io_init(&io, e->cv.vmid, i, 0, 0, 1, 0, 5000);
		ASSERT_EQ(0, guest_start(&guests[i], e->hv, &io, 0, G_VARY, &stop));
	}
	for (round = 0; round < 5; round++) {
		struct dm *d = &dms[round % 2];

		usleep(5000 + rand_r(&seed) % 40000);
		ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_IOREQ_CLIENT));
		ASSERT_EQ(0, dm_wait(d, 2000)) {
			TH_LOG("round %d: the DM is still in ATTACH", round);
		}
		EXPECT_EQ(ENODEV, d->end_err);
		EXPECT_EQ(0U, d->notify_other);
		EXPECT_LT(0, e2e_load(&d->served));
		for (i = 0; i < NV; i++)
			before[i] = guest_ok(&guests[i]);
		usleep(50000);
		/* Without a client the guests make no progress... */
		for (i = 0; i < NV; i++) {
			EXPECT_EQ(0, e2e_load(&guests[i].finished));
			EXPECT_GE(before[i] + 1, guest_ok(&guests[i]));
		}
		/* ...and with a new one they do again. */
		ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_CREATE_IOREQ_CLIENT));
		d = &dms[(round + 1) % 2];
		ASSERT_EQ(0, dm_start(d, e->hsm, e->ioreq, NV, 0, 0));
		e2e_now(&t0);
		for (i = 0; i < NV; i++) {
			while (guest_ok(&guests[i]) < before[i] + 3 &&
			       !e2e_load(&guests[i].finished) &&
			       e2e_ms_since(&t0) < 5000)
				usleep(2000);
			EXPECT_LE(before[i] + 3, guest_ok(&guests[i])) {
				guest_log(_metadata, "after a new client", &guests[i]);
			}
		}
	}
	e2e_store(&stop, 1);
	for (i = 0; i < NV; i++) {
		ASSERT_EQ(0, guest_wait(&guests[i], 6000));
		if (guests[i].err || guests[i].ok_other)
			guest_log(_metadata, "traffic", &guests[i]);
		EXPECT_EQ(0, guests[i].err);
		EXPECT_EQ(0U, guests[i].ok_other);
		EXPECT_LT(0U, guests[i].ok_dm);
	}
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_IOREQ_CLIENT));
	ASSERT_EQ(0, dm_wait(&dms[1], 2000));
	EXPECT_EQ(ENODEV, dms[1].end_err);
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
	pins_back(_metadata, pins);
}

/* --- (b) DESTROY_VM --- */

/*
 * Two threads wait in ATTACH, two requests are PENDING undelivered;
 * DESTROY_VM from another thread: ATTACH fails with ENODEV, the accesses
 * are cancelled, the page is unpinned.
 */
TEST_F(hsm, destroy_vm_wakes_attach)
{
	struct e2e *e = &self->e;
	struct hvsim_io io;
	struct op op;
	long pins;
	int i;

	pins = pins_before(_metadata);
	ASSERT_EQ(0, vm_up(e->hsm, &e->cv, e->ioreq, "tdvwake", true));
	ASSERT_LE(NV, e->cv.vcpu_num);
	for (i = 0; i < 2; i++) {
		io_init(&io, e->cv.vmid, 2 + i, ACRN_IOREQ_TYPE_MMIO,
			ACRN_IOREQ_DIR_READ, 4, 0xfe100000 + 0x1000 * i, 8000);
		EXPECT_EQ(ACRN_IOREQ_STATE_PENDING,
			  guest_start_undelivered(&guests[i], e->hv, e->ioreq, &io));
	}
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, dm_start(&dms[i], e->hsm, e->ioreq, NV, 0, DM_ONCE));
	usleep(200000);
	for (i = 0; i < 2; i++)
		EXPECT_EQ(0, e2e_load(&dms[i].finished));

	memset(&op, 0, sizeof(op));
	op.fd = e->hsm;
	op.cmd = ACRN_IOCTL_DESTROY_VM;
	ASSERT_EQ(0, pthread_create(&op.thread, NULL, op_fn, &op));
	ASSERT_EQ(0, pthread_join(op.thread, NULL));
	EXPECT_EQ(0, op.ret);
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, dm_wait(&dms[i], 2000));
		EXPECT_EQ(ENODEV, dms[i].end_err);
		ASSERT_EQ(0, guest_wait(&guests[i], 3000));
		EXPECT_EQ(ECANCELED, guests[i].err);
	}
	EXPECT_EQ(e->baseline, e2e_count(e->hv));
	pins_back(_metadata, pins);
	/* The file has no VM any more. */
	EXPECT_NE(0, e2e_vm_ioctl(e, ACRN_IOCTL_ATTACH_IOREQ_CLIENT));
}

/*
 * The device model holds two requests, a third is undelivered, the DM
 * thread keeps calling ATTACH (which returns at once while it holds
 * requests); DESTROY_VM from another thread cancels or completes the
 * accesses and ends the DM's loop.
 */
TEST_F(hsm, destroy_vm_held)
{
	struct e2e *e = &self->e;
	struct hvsim_io io;
	struct op op;
	long pins;
	int i;

	pins = pins_before(_metadata);
	ASSERT_EQ(0, vm_up(e->hsm, &e->cv, e->ioreq, "tdvheld", true));
	ASSERT_LE(NV, e->cv.vcpu_num);
	ASSERT_EQ(0, dm_start(&dms[0], e->hsm, e->ioreq, NV, 0xf, 0));
	for (i = 0; i < 2; i++) {
		io_init(&io, e->cv.vmid, i, ACRN_IOREQ_TYPE_PORTIO,
			ACRN_IOREQ_DIR_READ, 4, 0x600 + 4 * i, 8000);
		ASSERT_EQ(0, guest_start(&guests[i], e->hv, &io, 1, 0, NULL));
	}
	ASSERT_TRUE(dm_holding(&dms[0], 0x3, 3000));
	io_init(&io, e->cv.vmid, 2, ACRN_IOREQ_TYPE_MMIO, ACRN_IOREQ_DIR_WRITE,
		8, 0xfe200000, 8000);
	EXPECT_EQ(ACRN_IOREQ_STATE_PENDING,
		  guest_start_undelivered(&guests[2], e->hv, e->ioreq, &io));
	EXPECT_TRUE(guests_blocked(guests, 3, 50));

	memset(&op, 0, sizeof(op));
	op.fd = e->hsm;
	op.cmd = ACRN_IOCTL_DESTROY_VM;
	ASSERT_EQ(0, pthread_create(&op.thread, NULL, op_fn, &op));
	ASSERT_EQ(0, pthread_join(op.thread, NULL));
	EXPECT_EQ(0, op.ret);
	ASSERT_EQ(0, dm_wait(&dms[0], 2000));
	EXPECT_TRUE(dms[0].end_err == ENODEV || dms[0].end_err == EINVAL) {
		dm_log(_metadata, "DM", &dms[0]);
	}
	EXPECT_EQ(0U, dms[0].notify_other);
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, guest_wait(&guests[i], 3000));
		EXPECT_TRUE(guests[i].err == ECANCELED ||
			    (!guests[i].err && !guests[i].ok_dm && !guests[i].ok_other)) {
			guest_log(_metadata, "held", &guests[i]);
		}
	}
	EXPECT_EQ(e->baseline, e2e_count(e->hv));
	pins_back(_metadata, pins);
}

/*
 * Requests held by the device model when the VM goes (DESTROY_VM, or the
 * release of a closed file): the hypervisor has cancelled them, so no
 * completion hypercall may follow for that vmid. The vmid is free for the
 * next VM as soon as the hypervisor destroyed this one, and a late
 * notification would wake one of the new VM's vCPUs with its request not
 * complete (EPROTO here; on ACRN the vCPU resumes without its I/O).
 */
TEST_F(hsm, destroy_vm_no_late_notify)
{
	struct e2e *e = &self->e;
	int mode, i, completed;
	struct hvsim_io io;
	__u64 hc;

	for (mode = 0; mode < 2; mode++) {
		if (e->hsm < 0) {
			e->hsm = e2e_open_hsm();
			ASSERT_LE(0, e->hsm);
		}
		ASSERT_EQ(0, vm_up(e->hsm, &e->cv, e->ioreq, "tdlate", true));
		ASSERT_LE(NV, e->cv.vcpu_num);
		ASSERT_EQ(0, dm_start(&dms[0], e->hsm, e->ioreq, NV, 0xf, 0));
		for (i = 0; i < NV; i++) {
			io_init(&io, e->cv.vmid, i, ACRN_IOREQ_TYPE_PORTIO,
				ACRN_IOREQ_DIR_READ, 1, 0xa00 + i, 8000);
			ASSERT_EQ(0, guest_start(&guests[i], e->hv, &io, 1, 0, NULL));
		}
		ASSERT_TRUE(dm_holding(&dms[0], 0xf, 3000));
		hc = e2e_hc(e->hv, E2E_HC_NOTIFY);
		if (mode) {
			/* The DM thread is looping: the file goes with its ATTACH. */
			e2e_close(&e->hsm);
			ASSERT_EQ(0, dm_wait(&dms[0], 3000));
		} else {
			ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
			ASSERT_EQ(0, dm_wait(&dms[0], 3000));
		}
		completed = 0;
		for (i = 0; i < NV; i++) {
			ASSERT_EQ(0, guest_wait(&guests[i], 3000));
			EXPECT_TRUE(guests[i].err == ECANCELED || !guests[i].err);
			completed += !guests[i].err;
		}
		EXPECT_EQ(e->baseline, e2e_wait_count(e->hv, e->baseline, 2000));
		EXPECT_EQ(hc + completed, e2e_hc(e->hv, E2E_HC_NOTIFY)) {
			TH_LOG("%s: %llu completion hypercalls for %d completed requests",
			       mode ? "close" : "DESTROY_VM",
			       (unsigned long long)(e2e_hc(e->hv, E2E_HC_NOTIFY) - hc),
			       completed);
		}
	}
}

/* Requests PENDING with no client at all: DESTROY_VM cancels them. */
TEST_F(hsm, destroy_vm_no_client)
{
	struct e2e *e = &self->e;
	struct hvsim_io io;
	long pins;
	int i;

	pins = pins_before(_metadata);
	ASSERT_EQ(0, vm_up(e->hsm, &e->cv, e->ioreq, "tdnocli", false));
	ASSERT_LE(NV, e->cv.vcpu_num);
	for (i = 0; i < NV; i++) {
		io_init(&io, e->cv.vmid, i, 0, 0, 1, 0, 8000);
		io_pick(&io, i);
		ASSERT_EQ(0, guest_start(&guests[i], e->hv, &io, 1, 0, NULL));
	}
	for (i = 0; i < NV; i++)
		EXPECT_EQ(ACRN_IOREQ_STATE_PENDING,
			  td_wait_state(e->ioreq, i, ACRN_IOREQ_STATE_PENDING, 2000));
	EXPECT_TRUE(guests_blocked(guests, NV, 200));
	EXPECT_EQ(ENODEV, e2e_vm_ioctl(e, ACRN_IOCTL_ATTACH_IOREQ_CLIENT));
	for (i = 0; i < NV; i++)
		EXPECT_EQ(ACRN_IOREQ_STATE_PENDING, e2e_slot_state(e->ioreq, i));

	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
	for (i = 0; i < NV; i++) {
		ASSERT_EQ(0, guest_wait(&guests[i], 3000));
		EXPECT_EQ(ECANCELED, guests[i].err);
	}
	pins_back(_metadata, pins);
}

/* DESTROY_VM at a random moment of traffic, VM after VM. */
TEST_F(hsm, destroy_vm_under_traffic)
{
	struct e2e *e = &self->e;
	unsigned int seed = getpid();
	struct hvsim_io io;
	int round, i, stop;
	long pins;

	pins = pins_before(_metadata);
	for (round = 0; round < 6; round++) {
		ASSERT_EQ(0, vm_up(e->hsm, &e->cv, e->ioreq, "tdvtraf", true));
		ASSERT_LE(NV, e->cv.vcpu_num);
		stop = 0;
		ASSERT_EQ(0, dm_start(&dms[0], e->hsm, e->ioreq, NV, 0, 0));
		for (i = 0; i < NV; i++) {
			io_init(&io, e->cv.vmid, i, 0, 0, 1, 0, 5000);
			ASSERT_EQ(0, guest_start(&guests[i], e->hv, &io, 0, G_VARY, &stop));
		}
		usleep(2000 + rand_r(&seed) % 30000);
		if (round % 2) {
			struct op op = { .fd = e->hsm, .cmd = ACRN_IOCTL_DESTROY_VM };

			ASSERT_EQ(0, pthread_create(&op.thread, NULL, op_fn, &op));
			ASSERT_EQ(0, pthread_join(op.thread, NULL));
			EXPECT_EQ(0, op.ret);
		} else {
			ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
		}
		ASSERT_EQ(0, dm_wait(&dms[0], 2000));
		EXPECT_TRUE(dms[0].end_err == ENODEV || dms[0].end_err == EINVAL) {
			dm_log(_metadata, "DM", &dms[0]);
		}
		EXPECT_EQ(0U, dms[0].notify_other);
		for (i = 0; i < NV; i++) {
			ASSERT_EQ(0, guest_wait(&guests[i], 6000));
			EXPECT_TRUE(guests[i].err && gone_err(guests[i].err) &&
				    !guests[i].ok_other) {
				guest_log(_metadata, "traffic", &guests[i]);
			}
		}
		EXPECT_EQ(e->baseline, e2e_count(e->hv));
	}
	pins_back(_metadata, pins);
}

/* --- (c) close() --- */

/*
 * close() while another thread waits in ATTACH and accesses are in
 * flight: the waiting ioctl keeps the file (and the VM) alive; a signal
 * makes ATTACH return 0; when it has returned the last reference goes,
 * the release destroys the VM and cancels the accesses.
 */
TEST_F(hsm, close_while_attach)
{
	struct e2e *e = &self->e;
	struct hvsim_io io;
	unsigned int vmid;
	long pins;
	int i;

	pins = pins_before(_metadata);
	ASSERT_EQ(0, vm_up(e->hsm, &e->cv, e->ioreq, "tdclose", true));
	ASSERT_LE(NV, e->cv.vcpu_num);
	vmid = e->cv.vmid;
	for (i = 0; i < 2; i++) {
		io_init(&io, vmid, 1 + i, ACRN_IOREQ_TYPE_PORTIO,
			ACRN_IOREQ_DIR_READ, 1, 0x700 + i, 10000);
		EXPECT_EQ(ACRN_IOREQ_STATE_PENDING,
			  guest_start_undelivered(&guests[i], e->hv, e->ioreq, &io));
	}
	ASSERT_EQ(0, dm_start(&dms[0], e->hsm, e->ioreq, NV, 0, DM_ONCE));
	usleep(100000);
	ASSERT_EQ(0, e2e_load(&dms[0].finished));

	/* Nothing in this thread opens a file until the DM thread is done. */
	e2e_close(&e->hsm);
	usleep(300000);
	EXPECT_EQ(0, e2e_load(&dms[0].finished));
	EXPECT_EQ(HVSIM_VM_RUNNING, e2e_state(e->hv, vmid));
	EXPECT_TRUE(guests_blocked(guests, 2, 0));

	pthread_kill(dms[0].thread, SIGUSR1);
	ASSERT_EQ(0, dm_wait(&dms[0], 2000));
	EXPECT_EQ(0, dms[0].end_err);
	EXPECT_EQ(1, e2e_load(&dms[0].attach_ok));

	EXPECT_EQ(e->baseline, e2e_wait_count(e->hv, e->baseline, 3000));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, guest_wait(&guests[i], 3000));
		EXPECT_EQ(ECANCELED, guests[i].err);
	}
	pins_back(_metadata, pins);
}

/* close() at a random moment of traffic, the DM in and out of ATTACH. */
TEST_F(hsm, close_under_traffic)
{
	struct e2e *e = &self->e;
	unsigned int seed = getpid();
	struct hvsim_io io;
	int round, i, stop;
	long pins;

	pins = pins_before(_metadata);
	for (round = 0; round < 5; round++) {
		if (e->hsm < 0) {
			e->hsm = e2e_open_hsm();
			ASSERT_LE(0, e->hsm);
		}
		ASSERT_EQ(0, vm_up(e->hsm, &e->cv, e->ioreq, "tdctraf", true));
		ASSERT_LE(NV, e->cv.vcpu_num);
		stop = 0;
		ASSERT_EQ(0, dm_start(&dms[0], e->hsm, e->ioreq, NV, 0, 0));
		for (i = 0; i < NV; i++) {
			io_init(&io, e->cv.vmid, i, 0, 0, 1, 0, 5000);
			ASSERT_EQ(0, guest_start(&guests[i], e->hv, &io, 0, G_VARY, &stop));
		}
		usleep(2000 + rand_r(&seed) % 30000);
		/* No open() in this thread until the DM is gone: no fd reuse. */
		e2e_close(&e->hsm);
		ASSERT_EQ(0, dm_wait(&dms[0], 3000)) {
			dm_log(_metadata, "DM after close", &dms[0]);
		}
		EXPECT_EQ(EBADF, dms[0].end_err);
		EXPECT_TRUE(!dms[0].notify_other || dms[0].notify_err == EBADF);
		for (i = 0; i < NV; i++) {
			ASSERT_EQ(0, guest_wait(&guests[i], 6000));
			EXPECT_TRUE(guests[i].err && gone_err(guests[i].err) &&
				    !guests[i].ok_other) {
				guest_log(_metadata, "traffic", &guests[i]);
			}
		}
		EXPECT_EQ(e->baseline, e2e_wait_count(e->hv, e->baseline, 2000));
	}
	pins_back(_metadata, pins);
}

/* --- (e) signals --- */

/* 200 signals to a DM waiting in ATTACH: each makes ATTACH return 0. */
TEST_F(hsm, signal_attach_quiet)
{
	struct e2e *e = &self->e;
	struct timespec t0;
	int i, before, missed = 0;

	ASSERT_EQ(0, vm_up(e->hsm, &e->cv, e->ioreq, "tdsigq", true));
	ASSERT_EQ(0, dm_start(&dms[0], e->hsm, e->ioreq, e->cv.vcpu_num, 0, 0));
	for (i = 0; i < 200; i++) {
		before = e2e_load(&dms[0].attach_ok);
		e2e_now(&t0);
		/* A signal outside the ioctl is lost: send until one lands in it. */
		do {
			pthread_kill(dms[0].thread, SIGUSR1);
			usleep(1000);
		} while (e2e_load(&dms[0].attach_ok) == before &&
			 !e2e_load(&dms[0].finished) && e2e_ms_since(&t0) < 1000);
		if (e2e_load(&dms[0].attach_ok) == before)
			missed++;
		if (e2e_load(&dms[0].finished))
			break;
	}
	EXPECT_EQ(0, missed);
	EXPECT_EQ(0, e2e_load(&dms[0].finished)) {
		dm_log(_metadata, "DM", &dms[0]);
	}
	/*
	 * Without signals (or requests) ATTACH blocks. The loop above sends
	 * one signal a millisecond until one lands: let the last ones land
	 * before counting.
	 */
	usleep(100000);
	before = e2e_load(&dms[0].attach_ok);
	usleep(100000);
	EXPECT_EQ(before, e2e_load(&dms[0].attach_ok));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_IOREQ_CLIENT));
	ASSERT_EQ(0, dm_wait(&dms[0], 2000));
	EXPECT_EQ(ENODEV, dms[0].end_err);
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
}

/* 200 signals to a DM serving traffic on every vCPU: nothing is lost. */
TEST_F(hsm, signal_attach_traffic)
{
	struct e2e *e = &self->e;
	unsigned int seed = getpid();
	struct hvsim_io io;
	int i, stop;

	ASSERT_EQ(0, vm_up(e->hsm, &e->cv, e->ioreq, "tdsigt", true));
	ASSERT_LE(NV, e->cv.vcpu_num);
	stop = 0;
	ASSERT_EQ(0, dm_start(&dms[0], e->hsm, e->ioreq, NV, 0, 0));
	for (i = 0; i < NV; i++) {
		io_init(&io, e->cv.vmid, i, 0, 0, 1, 0, 5000);
		ASSERT_EQ(0, guest_start(&guests[i], e->hv, &io, 0, G_VARY, &stop));
	}
	for (i = 0; i < 200 && !e2e_load(&dms[0].finished); i++) {
		pthread_kill(dms[0].thread, SIGUSR1);
		usleep(rand_r(&seed) % 2000);
	}
	e2e_store(&stop, 1);
	for (i = 0; i < NV; i++) {
		ASSERT_EQ(0, guest_wait(&guests[i], 6000));
		if (guests[i].err || guests[i].ok_other || guests[i].ok_ones)
			guest_log(_metadata, "traffic", &guests[i]);
		EXPECT_EQ(0, guests[i].err);
		EXPECT_EQ(0U, guests[i].ok_other + guests[i].ok_ones);
		EXPECT_LT(0U, guests[i].ok_dm);
	}
	EXPECT_EQ(0, e2e_load(&dms[0].finished)) {
		dm_log(_metadata, "DM", &dms[0]);
	}
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_IOREQ_CLIENT));
	ASSERT_EQ(0, dm_wait(&dms[0], 2000));
	EXPECT_EQ(ENODEV, dms[0].end_err);
	EXPECT_EQ(0U, dms[0].notify_einval + dms[0].notify_other) {
		dm_log(_metadata, "DM", &dms[0]);
	}
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
}

/* --- (f) CLEAR_VM_IOREQ --- */

/*
 * CLEAR_VM_IOREQ over and over while four vCPUs make accesses: every
 * access ends (a cleared read's value is not checked), none hangs; then
 * the VM works as before.
 */
TEST_F(hsm, clear_under_traffic)
{
	struct e2e *e = &self->e;
	unsigned int seed = getpid();
	int i, n, stop, total = 0;
	struct hvsim_io io;
	struct timespec t0;

	ASSERT_EQ(0, vm_up(e->hsm, &e->cv, e->ioreq, "tdclear", true));
	ASSERT_LE(NV, e->cv.vcpu_num);
	stop = 0;
	ASSERT_EQ(0, dm_start(&dms[0], e->hsm, e->ioreq, NV, 0, 0));
	for (i = 0; i < NV; i++) {
		io_init(&io, e->cv.vmid, i, 0, 0, 1, 0, 5000);
		ASSERT_EQ(0, guest_start(&guests[i], e->hv, &io, 0, G_VARY, &stop));
	}
	e2e_now(&t0);
	for (n = 0; n < 600 && e2e_ms_since(&t0) < 8000; n++) {
		ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_CLEAR_VM_IOREQ));
		usleep(rand_r(&seed) % 3000);
	}
	TH_LOG("%d clears in %ld ms", n, e2e_ms_since(&t0));
	e2e_store(&stop, 1);
	for (i = 0; i < NV; i++) {
		ASSERT_EQ(0, guest_wait(&guests[i], 6000));
		if (guests[i].err)
			guest_log(_metadata, "during clears", &guests[i]);
		EXPECT_EQ(0, guests[i].err);
		EXPECT_LT(0, guest_ok(&guests[i]));
		total += guest_ok(&guests[i]);
	}
	TH_LOG("%d accesses during the clears", total);
	EXPECT_EQ(0, e2e_load(&dms[0].finished));
	EXPECT_EQ(0U, dms[0].notify_other);

	/* Quiet again: every read gets the device model's value. */
	for (i = 0; i < NV; i++) {
		io_init(&io, e->cv.vmid, i, 0, 0, 1, 0, 3000);
		ASSERT_EQ(0, guest_start(&guests[i], e->hv, &io, 16, G_VARY, NULL));
	}
	for (i = 0; i < NV; i++) {
		ASSERT_EQ(0, guest_wait(&guests[i], 6000));
		EXPECT_EQ(0, guests[i].err);
		EXPECT_EQ(16, guest_ok(&guests[i]));
		EXPECT_EQ(0U, guests[i].ok_ones + guests[i].ok_other) {
			guest_log(_metadata, "after the clears", &guests[i]);
		}
	}
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_IOREQ_CLIENT));
	ASSERT_EQ(0, dm_wait(&dms[0], 2000));
	EXPECT_EQ(ENODEV, dms[0].end_err);
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
}

/* --- RESET_VM racing completions --- */

/**
 * struct notifier - a thread that NOTIFYs vCPUs 0 to NV - 1 once released
 * @thread:	The thread.
 * @fd:		The VM's file.
 * @barrier:	Released together with the RESET_VM of the main thread.
 * @delay_us:	Wait this long after the barrier.
 * @clear:	CLEAR_VM_IOREQ instead of NOTIFYs.
 * @ok:		NOTIFYs that returned 0.
 * @bad:	Calls that failed with anything but EINVAL.
 */
struct notifier {
	pthread_t		thread;
	int			fd;
	pthread_barrier_t	*barrier;
	unsigned int		delay_us;
	bool			clear;
	unsigned int		ok;
	unsigned int		bad;
};

static void *notifier_fn(void *arg)
{
	struct notifier *n = arg;
	unsigned int v;
	int err;

	pthread_barrier_wait(n->barrier);
	if (n->delay_us)
		usleep(n->delay_us);
	if (n->clear) {
		n->bad += !!e2e_ioctl(n->fd, ACRN_IOCTL_CLEAR_VM_IOREQ, NULL);
		return NULL;
	}
	for (v = 0; v < NV; v++) {
		err = e2e_notify(n->fd, v);
		n->ok += !err;
		n->bad += err && err != EINVAL;
	}
	return NULL;
}

/*
 * A read of vCPU @v served by hand; 0, or why it failed: ETIMEDOUT if the
 * request never reached the device model (the slot never became FREE for
 * it), else the access's errno.
 */
static int served_read(struct e2e *e, unsigned int v)
{
	struct guest *g = &guests[NR_GUESTS - 1];
	struct acrn_io_request *r = e2e_slot(e->ioreq, v);
	struct hvsim_io io;
	int err = ENOMEM;

	io_init(&io, e->cv.vmid, v, ACRN_IOREQ_TYPE_PORTIO, ACRN_IOREQ_DIR_READ,
		4, 0x900 + 4 * v, 1000);
	if (guest_start(g, e->hv, &io, 1, 0, NULL))
		return err;
	if (!e2e_slot_wait_dm(e->ioreq, v, 1500)) {
		r->reqs.pio_request.value = e2e_dm_value(io.address);
		e2e_notify(e->hsm, v);
	}
	err = ETIMEDOUT;
	if (!guest_wait(g, 3000))
		err = g->err ? g->err : g->ok_dm == 1 ? 0 : EBADMSG;
	return err;
}

/*
 * RESET_VM of a paused VM while another thread completes the requests
 * the device model holds (NOTIFY, or CLEAR_VM_IOREQ), in the same
 * instant, over and over. The hypervisor frees every slot on reset; a
 * completion that lands after that must not leave a slot COMPLETE behind
 * the hypervisor's back, or the vCPU's next access waits for a FREE slot
 * forever. After each reset, every vCPU must work again.
 */
static void reset_race(struct __test_metadata *_metadata, struct e2e *e,
		       bool clear, int rounds)
{
	unsigned int seed = getpid(), v, stuck = 0;
	pthread_barrier_t barrier;
	struct notifier n;
	struct hvsim_io io;
	int round, err;

	ASSERT_EQ(0, vm_up(e->hsm, &e->cv, e->ioreq, "tdreset", true));
	ASSERT_LE(NV, e->cv.vcpu_num);
	for (round = 0; round < rounds && !stuck; round++) {
		for (v = 0; v < NV; v++) {
			io_init(&io, e->cv.vmid, v, ACRN_IOREQ_TYPE_MMIO,
				ACRN_IOREQ_DIR_READ, 4, 0xfe400000 + 0x10 * v, 3000);
			ASSERT_EQ(0, guest_start(&guests[v], e->hv, &io, 1, 0, NULL));
		}
		for (v = 0; v < NV; v++)
			ASSERT_EQ(0, e2e_slot_wait_dm(e->ioreq, v, 2000));
		ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_PAUSE_VM));

		ASSERT_EQ(0, pthread_barrier_init(&barrier, NULL, 2));
		memset(&n, 0, sizeof(n));
		n.fd = e->hsm;
		n.barrier = &barrier;
		n.clear = clear;
		n.delay_us = rand_r(&seed) % 200;
		ASSERT_EQ(0, pthread_create(&n.thread, NULL, notifier_fn, &n));
		pthread_barrier_wait(&barrier);
		EXPECT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_RESET_VM));
		ASSERT_EQ(0, pthread_join(n.thread, NULL));
		pthread_barrier_destroy(&barrier);
		EXPECT_EQ(0U, n.bad);
		for (v = 0; v < NV; v++) {
			ASSERT_EQ(0, guest_wait(&guests[v], 4000));
			EXPECT_TRUE(!guests[v].err || guests[v].err == ECANCELED) {
				guest_log(_metadata, "reset", &guests[v]);
			}
		}

		ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_START_VM));
		for (v = 0; v < NV; v++) {
			err = served_read(e, v);
			if (!err)
				continue;
			stuck++;
			TH_LOG("round %d (%s %u us after the reset): vCPU %u: %s, slot %u",
			       round, clear ? "clear" : "notify", n.delay_us, v,
			       strerror(err), e2e_slot_state(e->ioreq, v));
		}
	}
	EXPECT_EQ(0U, stuck);
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
}

TEST_F(hsm, reset_races_notify)
{
	reset_race(_metadata, &self->e, false, 20);
}

TEST_F(hsm, reset_races_clear)
{
	reset_race(_metadata, &self->e, true, 20);
}

/* --- many ioctls at once --- */

enum {
	H_CLEAR,
	H_NOTIFY,
	H_DESTROY_CLIENT,
	H_CREATE_CLIENT,
	H_PAUSE,
	H_START,
	H_RESET,
	NR_HOPS
};

static const char * const hop_names[NR_HOPS] = {
	"CLEAR_VM_IOREQ", "NOTIFY_REQUEST_FINISH", "DESTROY_IOREQ_CLIENT",
	"CREATE_IOREQ_CLIENT", "PAUSE_VM", "START_VM", "RESET_VM",
};

/**
 * struct hammer - a thread making random I/O request and life-cycle
 *		   ioctls on one file
 * @thread:	The thread.
 * @fd:		The file.
 * @seed:	rand_r() state.
 * @stop:	Set by the main thread.
 * @calls:	Calls per operation.
 * @bad_op:	First operation with an unexpected result.
 * @bad_err:	Its errno, 0 if none.
 */
struct hammer {
	pthread_t	thread;
	int		fd;
	unsigned int	seed;
	int		*stop;
	unsigned int	calls[NR_HOPS];
	int		bad_op;
	int		bad_err;
};

static bool hop_ok(int op, int err)
{
	switch (op) {
	case H_CLEAR:
		return !err;
	case H_NOTIFY:
		return !err || err == EINVAL;
	case H_DESTROY_CLIENT:
		return !err || err == ENODEV;
	case H_CREATE_CLIENT:
		return !err || err == EEXIST;
	default:
		/* Life-cycle calls in the wrong state. */
		return !err || err == EBUSY || err == EINVAL;
	}
}

static void *hammer_fn(void *arg)
{
	static const unsigned char weights[NR_HOPS] = { 25, 25, 10, 15, 5, 12, 8 };
	static const unsigned long cmds[NR_HOPS] = {
		[H_CLEAR]		= ACRN_IOCTL_CLEAR_VM_IOREQ,
		[H_DESTROY_CLIENT]	= ACRN_IOCTL_DESTROY_IOREQ_CLIENT,
		[H_CREATE_CLIENT]	= ACRN_IOCTL_CREATE_IOREQ_CLIENT,
		[H_PAUSE]		= ACRN_IOCTL_PAUSE_VM,
		[H_START]		= ACRN_IOCTL_START_VM,
		[H_RESET]		= ACRN_IOCTL_RESET_VM,
	};
	struct hammer *h = arg;
	int op, r, err;

	while (!e2e_load(h->stop)) {
		r = rand_r(&h->seed) % 100;
		for (op = 0; r >= weights[op]; op++)
			r -= weights[op];
		if (op == H_NOTIFY)
			err = e2e_notify(h->fd, rand_r(&h->seed) % NV);
		else
			err = e2e_ioctl(h->fd, cmds[op], NULL);
		h->calls[op]++;
		if (!hop_ok(op, err) && !h->bad_err) {
			h->bad_op = op;
			h->bad_err = err;
		}
		usleep(rand_r(&h->seed) % 1500);
	}
	return NULL;
}

/*
 * Two threads make random CLEAR, NOTIFY, client create/destroy, PAUSE,
 * START and RESET calls on one file while four vCPUs make accesses and a
 * device model serves them. Every call answers as documented, no access
 * hangs, and once the hammering stops the VM works and goes away.
 */
TEST_F(hsm, ioctl_hammer)
{
	enum { NH = 2 };
	struct e2e *e = &self->e;
	struct hammer h[NH];
	int i, stop, gstop, before[NV];
	struct timespec t0;
	struct hvsim_io io;
	long pins;
	int err;

	pins = pins_before(_metadata);
	ASSERT_EQ(0, vm_up(e->hsm, &e->cv, e->ioreq, "tdhammer", true));
	ASSERT_LE(NV, e->cv.vcpu_num);
	ASSERT_EQ(0, dm_start(&dms[0], e->hsm, e->ioreq, NV, 0, DM_PERSIST));
	gstop = 0;
	for (i = 0; i < NV; i++) {
		io_init(&io, e->cv.vmid, i, 0, 0, 1, 0, 5000);
		ASSERT_EQ(0, guest_start(&guests[i], e->hv, &io, 0,
					 G_VARY | G_PERSIST, &gstop));
	}
	stop = 0;
	memset(h, 0, sizeof(h));
	for (i = 0; i < NH; i++) {
		h[i].fd = e->hsm;
		h[i].seed = getpid() * 31 + i;
		h[i].stop = &stop;
		ASSERT_EQ(0, pthread_create(&h[i].thread, NULL, hammer_fn, &h[i]));
	}
	usleep(3000000);
	e2e_store(&stop, 1);
	for (i = 0; i < NH; i++) {
		ASSERT_EQ(0, pthread_join(h[i].thread, NULL));
		TH_LOG("thread %d: %u clears, %u notifies, %u/%u client destroys/creates",
		       i, h[i].calls[H_CLEAR], h[i].calls[H_NOTIFY],
		       h[i].calls[H_DESTROY_CLIENT], h[i].calls[H_CREATE_CLIENT]);
		TH_LOG("thread %d: %u pauses, %u starts, %u resets", i,
		       h[i].calls[H_PAUSE], h[i].calls[H_START], h[i].calls[H_RESET]);
		EXPECT_EQ(0, h[i].bad_err) {
			TH_LOG("thread %d: %s: %s", i, hop_names[h[i].bad_op],
			       strerror(h[i].bad_err));
		}
	}

	/* Back to a running VM with a client: the guests make progress. */
	err = e2e_vm_ioctl(e, ACRN_IOCTL_CREATE_IOREQ_CLIENT);
	EXPECT_TRUE(!err || err == EEXIST);
	if (e2e_state(e->hv, e->cv.vmid) == HVSIM_VM_PAUSED)
		EXPECT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_RESET_VM));
	if (e2e_state(e->hv, e->cv.vmid) == HVSIM_VM_CREATED)
		EXPECT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_START_VM));
	EXPECT_EQ(HVSIM_VM_RUNNING, e2e_state(e->hv, e->cv.vmid));
	for (i = 0; i < NV; i++)
		before[i] = guest_ok(&guests[i]);
	e2e_now(&t0);
	for (i = 0; i < NV; i++) {
		while (guest_ok(&guests[i]) < before[i] + 3 &&
		       e2e_ms_since(&t0) < 6000)
			usleep(2000);
		EXPECT_LE(before[i] + 3, guest_ok(&guests[i])) {
			guest_log(_metadata, "after the hammering", &guests[i]);
			TH_LOG("slot %d: %u", i, e2e_slot_state(e->ioreq, i));
		}
	}
	e2e_store(&gstop, 1);
	for (i = 0; i < NV; i++) {
		ASSERT_EQ(0, guest_wait(&guests[i], 6000));
		TH_LOG("vCPU %d: %d ok, %u cancelled, %u busy, %u failed (%s)",
		       i, guest_ok(&guests[i]), guests[i].canceled, guests[i].busy,
		       guests[i].failed,
		       guests[i].failed ? strerror(guests[i].err) : "-");
		EXPECT_EQ(0U, guests[i].failed);
	}
	EXPECT_EQ(0U, dms[0].notify_other);
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
	ASSERT_EQ(0, dm_stop(&dms[0], 2000));
	EXPECT_EQ(e->baseline, e2e_count(e->hv));
	pins_back(_metadata, pins);
}

/* --- (g) random life cycles from several threads --- */

enum {
	ORD_CLIENT_FIRST,	/* DESTROY_IOREQ_CLIENT, DESTROY_VM */
	ORD_VM_FIRST,		/* DESTROY_VM with the client in place */
	ORD_CLOSE,		/* the file goes (dup2 of /dev/null over it) */
	ORD_NEW_CLIENT,		/* a second client, then DESTROY_VM */
	ORD_CLEAR_RESET,	/* PAUSE, CLEAR_VM_IOREQ, RESET, DESTROY_VM */
	ORD_PAUSE,		/* PAUSE, DESTROY_VM */
	NR_ORDERS
};

static const char * const ord_names[NR_ORDERS] = {
	"client-first", "vm-first", "close", "new-client", "clear-reset", "pause",
};

#define NR_LIVES	4
#define LIFE_GUESTS	2

/**
 * struct life - a thread running VM life cycles on its own file
 * @thread:	The thread.
 * @id:		Its index.
 * @fd:		Its /dev/acrn_hsm file (-1 if closed).
 * @page:	Its I/O request page.
 * @hv:		/dev/acrn_hvsim.
 * @null:	/dev/null, dup2()ed over @fd to drop the file.
 * @max:	Most iterations.
 * @t0:		When the test started.
 * @budget_ms:	No new iteration after this long.
 * @cv:		CREATE_VM argument.
 * @dm:		Device model threads.
 * @g:		Guest threads.
 * @gstop:	Stops @g.
 * @iterations:	Iterations done.
 * @orders:	Iterations per teardown order.
 * @bad:	First unexpected result, "" if none.
 */
struct life {
	pthread_t		thread;
	int			id;
	int			fd;
	void			*page;
	int			hv;
	int			null;
	unsigned int		max;
	struct timespec		*t0;
	long			budget_ms;
	struct acrn_vm_creation	cv;
	struct dm		dm[2];
	struct guest		g[LIFE_GUESTS];
	int			gstop;
	unsigned int		iterations;
	unsigned int		orders[NR_ORDERS];
	char			bad[160];
};

static struct life lives[NR_LIVES];

static void life_bad(struct life *l, int order, const char *what, int err)
{
	if (!l->bad[0])
		snprintf(l->bad, sizeof(l->bad), "iteration %u (%s): %s: %s",
			 l->iterations, order < 0 ? "-" : ord_names[order], what,
			 err ? strerror(err) : "unexpected");
}

static int life_ioctl(struct life *l, int order, unsigned long cmd,
		      const char *what)
{
	int err = e2e_ioctl(l->fd, cmd, NULL);

	if (err)
		life_bad(l, order, what, err);
	return err;
}

/* The DM thread @d must end by itself (its client or VM went) with one of @ok. */
static void life_dm_end(struct life *l, int order, struct dm *d, int ok1, int ok2)
{
	if (dm_wait(d, 3000)) {
		life_bad(l, order, "DM thread still running", 0);
		dm_stop(d, 2000);
		return;
	}
	if (d->end_err != ok1 && d->end_err != ok2)
		life_bad(l, order, "DM loop ended with", d->end_err);
}

static void life_one(struct life *l, unsigned int *seed)
{
	int order = rand_r(seed) % NR_ORDERS;
	unsigned int vcpus, i;
	struct hvsim_io io;
	char tag[16];
	int err;

	if (l->fd < 0) {
		l->fd = e2e_open_hsm();
		if (l->fd < 0) {
			life_bad(l, -1, "open", errno);
			return;
		}
	}
	/* The simulator finds VMs by name: one name per thread. */
	snprintf(tag, sizeof(tag), "life%d", l->id);
	err = vm_up(l->fd, &l->cv, l->page, tag, true);
	if (err) {
		life_bad(l, -1, "create", err);
		e2e_ioctl(l->fd, ACRN_IOCTL_DESTROY_VM, NULL);
		return;
	}
	vcpus = l->cv.vcpu_num < NV ? l->cv.vcpu_num : NV;
	dm_start(&l->dm[0], l->fd, l->page, vcpus, 0, 0);
	l->gstop = 0;
	for (i = 0; i < LIFE_GUESTS; i++) {
		io_init(&io, l->cv.vmid, (i + rand_r(seed)) % vcpus, 0, 0, 1, 0, 5000);
		io.vcpu = i == 1 && io.vcpu == l->g[0].io.vcpu ?
			  (io.vcpu + 1) % vcpus : io.vcpu;
		guest_start(&l->g[i], l->hv, &io, 0, G_VARY, &l->gstop);
	}
	usleep(rand_r(seed) % 4000);

	switch (order) {
	case ORD_CLIENT_FIRST:
		life_ioctl(l, order, ACRN_IOCTL_DESTROY_IOREQ_CLIENT, "DESTROY_IOREQ_CLIENT");
		life_dm_end(l, order, &l->dm[0], ENODEV, ENODEV);
		usleep(rand_r(seed) % 2000);
		life_ioctl(l, order, ACRN_IOCTL_DESTROY_VM, "DESTROY_VM");
		break;
	case ORD_VM_FIRST:
		life_ioctl(l, order, ACRN_IOCTL_DESTROY_VM, "DESTROY_VM");
		life_dm_end(l, order, &l->dm[0], ENODEV, EINVAL);
		break;
	case ORD_CLOSE:
		/* The number stays taken: the DM's next ioctl meets /dev/null. */
		if (dup2(l->null, l->fd) < 0)
			life_bad(l, order, "dup2", errno);
		if (dm_stop(&l->dm[0], 3000))
			life_bad(l, order, "DM thread still running", 0);
		else if (l->dm[0].end_err && l->dm[0].end_err != ENOTTY)
			life_bad(l, order, "DM loop ended with", l->dm[0].end_err);
		e2e_close(&l->fd);
		break;
	case ORD_NEW_CLIENT:
		life_ioctl(l, order, ACRN_IOCTL_DESTROY_IOREQ_CLIENT, "DESTROY_IOREQ_CLIENT");
		life_dm_end(l, order, &l->dm[0], ENODEV, ENODEV);
		life_ioctl(l, order, ACRN_IOCTL_CREATE_IOREQ_CLIENT, "CREATE_IOREQ_CLIENT");
		dm_start(&l->dm[1], l->fd, l->page, vcpus, 0, 0);
		usleep(rand_r(seed) % 4000);
		life_ioctl(l, order, ACRN_IOCTL_DESTROY_VM, "DESTROY_VM");
		life_dm_end(l, order, &l->dm[1], ENODEV, EINVAL);
		break;
	case ORD_CLEAR_RESET:
		life_ioctl(l, order, ACRN_IOCTL_PAUSE_VM, "PAUSE_VM");
		life_ioctl(l, order, ACRN_IOCTL_CLEAR_VM_IOREQ, "CLEAR_VM_IOREQ");
		life_ioctl(l, order, ACRN_IOCTL_RESET_VM, "RESET_VM");
		life_ioctl(l, order, ACRN_IOCTL_DESTROY_VM, "DESTROY_VM");
		life_dm_end(l, order, &l->dm[0], ENODEV, EINVAL);
		break;
	case ORD_PAUSE:
		life_ioctl(l, order, ACRN_IOCTL_PAUSE_VM, "PAUSE_VM");
		usleep(rand_r(seed) % 2000);
		life_ioctl(l, order, ACRN_IOCTL_DESTROY_VM, "DESTROY_VM");
		life_dm_end(l, order, &l->dm[0], ENODEV, EINVAL);
		break;
	}
	e2e_store(&l->gstop, 1);
	for (i = 0; i < LIFE_GUESTS; i++) {
		if (guest_wait(&l->g[i], 7000)) {
			life_bad(l, order, "guest access still waiting", 0);
			continue;
		}
		if (!gone_err(l->g[i].err))
			life_bad(l, order, "guest access failed with", l->g[i].err);
		if (l->g[i].ok_other)
			life_bad(l, order, "guest read a value nobody wrote", 0);
	}
	if (l->dm[0].notify_other && l->dm[0].notify_err != ENOTTY)
		life_bad(l, order, "NOTIFY failed with", l->dm[0].notify_err);
	l->orders[order]++;
}

static void *life_fn(void *arg)
{
	struct life *l = arg;
	unsigned int seed = l->id * 104729 + getpid();

	while (l->iterations < l->max && e2e_ms_since(l->t0) < l->budget_ms) {
		life_one(l, &seed);
		l->iterations++;
		if (l->bad[0])
			break;
	}
	return NULL;
}

TEST_F(hsm, random_lifecycles)
{
	struct e2e *e = &self->e;
	unsigned int total = 0, orders[NR_ORDERS] = { 0 };
	struct timespec t0;
	int i, j, null;
	long pins;

	pins = pins_before(_metadata);
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, null);
	e2e_now(&t0);
	for (i = 0; i < NR_LIVES; i++) {
		struct life *l = &lives[i];

		ASSERT_EQ(0, e2e_open_fd(e, i));
		memset(l, 0, sizeof(*l));
		l->id = i;
		l->fd = e->fd[i];
		l->page = e->page[i];
		l->hv = e->hv;
		l->null = null;
		l->max = 15;
		l->t0 = &t0;
		l->budget_ms = 12000;
	}
	for (i = 0; i < NR_LIVES; i++)
		ASSERT_EQ(0, pthread_create(&lives[i].thread, NULL, life_fn, &lives[i]));
	for (i = 0; i < NR_LIVES; i++) {
		struct life *l = &lives[i];

		ASSERT_EQ(0, pthread_join(l->thread, NULL));
		e->fd[i] = l->fd;
		if (l->bad[0])
			TH_LOG("thread %d: %s", i, l->bad);
		EXPECT_EQ(0, l->bad[0]);
		total += l->iterations;
		for (j = 0; j < NR_ORDERS; j++)
			orders[j] += l->orders[j];
	}
	TH_LOG("%u life cycles in %ld ms", total, e2e_ms_since(&t0));
	for (j = 0; j < NR_ORDERS; j++)
		TH_LOG("  %s: %u", ord_names[j], orders[j]);
	EXPECT_LE(40U, total);
	close(null);
	EXPECT_EQ(e->baseline, e2e_wait_count(e->hv, e->baseline, 3000));
	pins_back(_metadata, pins);
}

/* --- (d) rmmod --- */

static int td_delete_module(const char *name)
{
	return syscall(SYS_delete_module, name, O_NONBLOCK) ? errno : 0;
}

/* The simulator's current parameters as "name=value ...". */
static void td_sim_params(char *buf, size_t size)
{
	static const char * const names[] = { "max_vms", "pcpus" };
	char path[128], val[64];
	size_t len = 0, i;
	FILE *f;

	buf[0] = '\0';
	for (i = 0; i < ARRAY_SIZE(names) && len < size; i++) {
		snprintf(path, sizeof(path), "/sys/module/%s/parameters/%s",
			 SIM_NAME, names[i]);
		f = fopen(path, "re");
		if (!f)
			continue;
		if (fgets(val, sizeof(val), f)) {
			val[strcspn(val, "\n")] = '\0';
			len += snprintf(buf + len, size - len, "%s%s=%s",
					len ? " " : "", names[i], val);
		}
		fclose(f);
	}
}

/*
 * rmmod acrn_hvsim (and acrn_hsm) while requests are in flight, and while
 * only the device model's file is open: refused, and everything keeps
 * working. After the teardown the simulator unloads and loads again
 * (with the parameters it had) and runs VMs. The last test of the
 * program, so that a failed reload cannot disturb the others.
 */
TEST_F(hsm, rmmod_in_flight)
{
	struct e2e *e = &self->e;
	char params[128];
	struct hvsim_io io;
	long pins;
	int i, err;

	if (access(E2E_MODDIR "/" SIM_NAME ".ko", R_OK))
		SKIP(return, "no %s in %s (not in the test VM)", SIM_NAME, E2E_MODDIR);
	td_sim_params(params, sizeof(params));
	pins = pins_before(_metadata);
	ASSERT_EQ(0, vm_up(e->hsm, &e->cv, e->ioreq, "tdrmmod", true));
	ASSERT_LE(NV, e->cv.vcpu_num);
	ASSERT_EQ(0, dm_start(&dms[0], e->hsm, e->ioreq, NV, 0x3, 0));
	for (i = 0; i < 2; i++) {
		io_init(&io, e->cv.vmid, i, ACRN_IOREQ_TYPE_MMIO,
			ACRN_IOREQ_DIR_READ, 4, 0xfe300000 + 0x100 * i, 10000);
		ASSERT_EQ(0, guest_start(&guests[i], e->hv, &io, 1, 0, NULL));
	}
	ASSERT_TRUE(dm_holding(&dms[0], 0x3, 3000));
	io_init(&io, e->cv.vmid, 2, ACRN_IOREQ_TYPE_PORTIO, ACRN_IOREQ_DIR_READ,
		2, 0x800, 10000);
	EXPECT_EQ(ACRN_IOREQ_STATE_PENDING,
		  guest_start_undelivered(&guests[2], e->hv, e->ioreq, &io));

	err = td_delete_module(SIM_NAME);
	EXPECT_TRUE(err == EWOULDBLOCK || err == EBUSY) {
		TH_LOG("rmmod %s with requests in flight: %s", SIM_NAME,
		       err ? strerror(err) : "unloaded");
	}
	ASSERT_NE(0, err);
	err = td_delete_module("acrn_hsm");
	EXPECT_TRUE(err == EWOULDBLOCK || err == EBUSY);
	ASSERT_NE(0, err);
	EXPECT_TRUE(guests_blocked(guests, 3, 50));

	/* Everything still works: complete the held ones, deliver the third. */
	e2e_store(&dms[0].release, 1);
	io_init(&io, e->cv.vmid, 3, ACRN_IOREQ_TYPE_PORTIO, ACRN_IOREQ_DIR_READ,
		1, 0x801, 5000);
	ASSERT_EQ(0, guest_start(&guests[3], e->hv, &io, 1, 0, NULL));
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, guest_wait(&guests[i], 11000));
		EXPECT_EQ(0, guests[i].err);
		EXPECT_EQ(1U, guests[i].ok_dm) {
			guest_log(_metadata, "after the refused rmmod", &guests[i]);
		}
	}

	/* Only the device model's file open, DM in ATTACH: still refused. */
	e2e_close(&e->hv);
	usleep(50000);
	err = td_delete_module(SIM_NAME);
	EXPECT_TRUE(err == EWOULDBLOCK || err == EBUSY);
	if (!err) {
		/* Put it back for the programs after this one. */
		e2e_sim_reload(params);
		e->hv = hvsim_open();
	}
	ASSERT_NE(0, err);

	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_IOREQ_CLIENT));
	ASSERT_EQ(0, dm_wait(&dms[0], 2000));
	EXPECT_EQ(ENODEV, dms[0].end_err);
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
	e2e_close(&e->hsm);

	/* Nothing open any more: it unloads, and loads again. */
	err = e2e_sim_reload(params);
	EXPECT_EQ(0, err) {
		TH_LOG("reloading %s %s: %s", SIM_NAME, params, strerror(err));
	}
	e->hv = hvsim_open();
	ASSERT_LE(0, e->hv);
	ASSERT_EQ(0, hvsim_get_info(e->hv, &e->info));

	/* And a VM's requests work with the new simulator under the same HSM. */
	e->hsm = e2e_open_hsm();
	ASSERT_LE(0, e->hsm);
	ASSERT_EQ(0, vm_up(e->hsm, &e->cv, e->ioreq, "tdrmmod2", true));
	ASSERT_EQ(0, dm_start(&dms[1], e->hsm, e->ioreq, e->cv.vcpu_num, 0, 0));
	io_init(&io, e->cv.vmid, 0, ACRN_IOREQ_TYPE_PORTIO, ACRN_IOREQ_DIR_READ,
		4, 0x804, 5000);
	ASSERT_EQ(0, guest_start(&guests[0], e->hv, &io, 1, 0, NULL));
	ASSERT_EQ(0, guest_wait(&guests[0], 6000));
	EXPECT_EQ(0, guests[0].err);
	EXPECT_EQ(1U, guests[0].ok_dm);
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_IOREQ_CLIENT));
	ASSERT_EQ(0, dm_wait(&dms[1], 2000));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
	pins_back(_metadata, pins);
}

TEST_HARNESS_MAIN
