// SPDX-License-Identifier: GPL-2.0
/*
 * Race stress of irqfds and ioeventfds (ACRN_IOCTL_IRQFD,
 * ACRN_IOCTL_IOEVENTFD):
 *  - deassign_vs_close: IRQFD deassign in one thread while another
 *    assigns fresh eventfds and close()s them (the EPOLLHUP removal);
 *  - assign_vs_deassign: assign and deassign of one eventfd on one VM
 *    from two threads, with the eventfd signalled all along;
 *  - destroy_vs_signal: a thread writes to the eventfds of a VM's irqfds
 *    without pause while the VM is created, given its irqfds, and
 *    destroyed (DESTROY_VM or close() of its file), over and over, and a
 *    bystander's VMs, created meanwhile in the slots freed, must receive
 *    no MSI;
 *  - ioeventfd_vs_guest: threads assign and deassign ioeventfds on a port
 *    the guest keeps writing to (HVSIM_IOCTL_GUEST_LOOP), a device-model
 *    thread taking the writes no ioeventfd matched.
 * The loops run free, without a handshake per iteration: which
 * interleavings happen is up to the scheduler, and each race is counted
 * in operations done while the other side ran. After each race the state
 * must be sane: nothing left bound, a new irqfd injects exactly once per
 * write, 1024 irqfds still fit. Sanitizer, lockdep and kmemleak reports
 * are the VM harness' to find (console scan, kmemleak at the end).
 *
 * Iterations: under TCG on the debug kernels an eventfd()+close() costs
 * about 2 ms and an ioeventfd deassign a grace period, so make check runs
 * the counts below (about half a minute per kernel): every race and
 * every check after it, a few hundred times, not a soak.
 * $EVENTFD_RACE_ITERS sets every race's count: `make stress`
 * (scripts/stress.sh) runs them all at 100000 on both debug kernels,
 * about half an hour.
 *
 * "eventfd_races rmmod" is not a test but the helper of eventfd_rmmod.sh:
 * it keeps eventfds open, forked writers signalling them without pause,
 * and on each "setup" line on stdin gives a new VM irqfds and ioeventfds
 * on them and closes /dev/acrn_hsm again, so that the script can unload
 * and reload acrn_hsm under the writes (see there).
 */
#include <signal.h>
#include <sched.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "e2e.h"

/*
 * Iterations of each race in make check; make stress sets
 * $EVENTFD_RACE_ITERS (100000) for all of them. The timeout fits both:
 * QEMU's own limit ends a hung make check run long before it.
 */
#define ITERS_CLOSE	500UL
#define ITERS_FLIP	1000UL
#define ITERS_IOEV	320UL
#define RACE_TIMEOUT	1800
/* Writes racing VM lifetimes in destroy_vs_signal, and lifetimes */
#define ITERS_DESTROY	30000UL
#define DESTROY_VMS	50UL

#define MSI_ADDR	0xfee01000ULL
#define MSI_DATA	0x31ULL

/* Port the guest writes to in ioeventfd_vs_guest */
#define RACE_PORT	0x5a0

/* @def, or $EVENTFD_RACE_ITERS if set */
static unsigned long race_iters(unsigned long def)
{
	const char *s = getenv("EVENTFD_RACE_ITERS");
	unsigned long n = s ? strtoul(s, NULL, 0) : 0;

	return n ? n : def;
}

static int race_efd(void)
{
	return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
}

static int race_irqfd(int fd, int efd, __u32 flags, __u64 data)
{
	struct acrn_irqfd args = {
		.fd = efd,
		.flags = flags,
		.msi = { .msi_addr = MSI_ADDR, .msi_data = data },
	};

	return e2e_ioctl(fd, ACRN_IOCTL_IRQFD, &args);
}

static int race_assign(int fd, int efd)
{
	return race_irqfd(fd, efd, 0, MSI_DATA);
}

static int race_deassign(int fd, int efd)
{
	return race_irqfd(fd, efd, ACRN_IRQFD_FLAG_DEASSIGN, 0);
}

static int race_ioeventfd(int fd, int efd, __u32 flags, __u64 addr)
{
	struct acrn_ioeventfd args = {
		.fd = efd,
		.flags = flags | ACRN_IOEVENTFD_FLAG_PIO,
		.addr = addr,
		.len = 1,
	};

	return e2e_ioctl(fd, ACRN_IOCTL_IOEVENTFD, &args);
}

static int race_signal(int efd)
{
	__u64 one = 1;

	return write(efd, &one, sizeof(one)) == sizeof(one) ? 0 : errno;
}

/* Non-blocking read: the count, or -errno (-EAGAIN: zero). */
static long long race_count(int efd)
{
	__u64 v;

	return read(efd, &v, sizeof(v)) == sizeof(v) ? (long long)v : -errno;
}

static double race_secs(const struct timespec *t0)
{
	return e2e_ms_since(t0) / 1000.0;
}

/* First unexpected result of a thread: which operation, which errno. */
struct race_bad {
	const char	*op;
	int		err;
	unsigned long	at;
};

static void race_bad(struct race_bad *b, const char *op, int err,
		     unsigned long at)
{
	if (!b->err) {
		b->op = op;
		b->at = at;
		__atomic_store_n(&b->err, err, __ATOMIC_RELEASE);
	}
}

static void race_good(struct __test_metadata *_metadata,
		      const struct race_bad *b)
{
	if (b->err)
		TH_LOG("%s #%lu: %s", b->op, b->at, strerror(b->err));
	EXPECT_EQ(0, b->err);
}

#define EXPECT_GOOD(b)	race_good(_metadata, b)

static __u64 race_seq(int hv, unsigned int vmid)
{
	__u64 last;

	return hvsim_get_events(hv, vmid, 0, NULL, 0, NULL, &last) ? ~0ULL : last;
}

/*
 * The state after a race on the VM of @fd (slot @vmid): with @limit, no
 * irqfd left (deassign flushes the removals still queued, then 1024 fit,
 * the 1025th does not; a few seconds under TCG); a new irqfd injects
 * exactly once per write, and is gone once deassigned.
 */
static void race_sane(struct __test_metadata *_metadata, struct e2e *e,
		      int fd, unsigned int vmid, bool limit)
{
	static int fds[1025];
	struct hvsim_event ev[4];
	unsigned int got = 0;
	__u64 seq;
	int n, err = 0, efd = race_efd();

	ASSERT_LE(0, efd);
	EXPECT_EQ(0, race_deassign(fd, efd));
	for (n = 0; n < 1025 && limit; n++) {
		fds[n] = race_efd();
		if (fds[n] < 0) {
			err = errno;
			break;
		}
		err = race_assign(fd, fds[n]);
		if (err) {
			close(fds[n]);
			break;
		}
	}
	if (limit && (n != 1024 || err != ENOSPC))
		TH_LOG("%d irqfds fit, then %s", n, strerror(err));
	if (limit) {
		EXPECT_EQ(1024, n);
		EXPECT_EQ(ENOSPC, err);
	}
	while (n-- > 0)
		close(fds[n]);

	/* Removed asynchronously (EPOLLHUP): a deassign waits for that. */
	EXPECT_EQ(0, race_deassign(fd, efd));
	seq = race_seq(e->hv, vmid);
	ASSERT_EQ(0, race_assign(fd, efd));
	ASSERT_EQ(0, race_signal(efd));
	ASSERT_EQ(0, race_signal(efd));
	EXPECT_EQ(-EAGAIN, race_count(efd));
	/* Deassign returns once the signals before it are injected. */
	EXPECT_EQ(0, race_deassign(fd, efd));
	EXPECT_EQ(0, hvsim_get_events(e->hv, vmid, seq, ev, 4, &got, NULL));
	EXPECT_EQ(2U, got);
	EXPECT_EQ(0, race_signal(efd));
	EXPECT_EQ(1, race_count(efd));
	close(efd);
}

static void race_nofile(struct __test_metadata *_metadata)
{
	struct rlimit rl = { 4096, 4096 };

	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &rl));
}

/* --- (a) IRQFD deassign vs close(eventfd) --- */

struct close_race {
	int		fd;		/* /dev/acrn_hsm with the VM */
	int		cur;		/* the eventfd number assigned last */
	int		stop;
	unsigned long	deassigns;
	unsigned long	ebadf;
	struct race_bad	bad;
};

/* Deassign whatever eventfd the main thread assigned last. */
static void *deassigner(void *arg)
{
	struct close_race *r = arg;
	int err;

	while (!e2e_load(&r->stop)) {
		err = race_deassign(r->fd, e2e_load(&r->cur));
		r->deassigns++;
		if (err == EBADF)
			r->ebadf++;
		else if (err)
			race_bad(&r->bad, "deassign", err, r->deassigns);
	}
	return NULL;
}

TEST_F_TIMEOUT(hsm, deassign_vs_close, RACE_TIMEOUT)
{
	struct e2e *e = &self->e;
	struct close_race r = { .fd = e->hsm, .cur = -1 };
	unsigned long i, n = race_iters(ITERS_CLOSE), nospc = 0;
	struct race_bad bad = { 0 };
	struct timespec t0;
	pthread_t thread;
	int efd, err;

	race_nofile(_metadata);
	ASSERT_EQ(0, e2e_create(e, "rclose", 0));
	ASSERT_EQ(0, pthread_create(&thread, NULL, deassigner, &r));
	e2e_now(&t0);
	for (i = 0; i < n && !bad.err; i++) {
		efd = race_efd();
		if (efd < 0) {
			race_bad(&bad, "eventfd", errno, i);
			break;
		}
		/* Closed irqfds go asynchronously: wait out a full VM. */
		while ((err = race_assign(e->hsm, efd)) == ENOSPC &&
		       nospc < 100000) {
			nospc++;
			sched_yield();
		}
		if (err)
			race_bad(&bad, "assign", err, i);
		e2e_store(&r.cur, efd);
		/* Now and then a signal in the middle of it. */
		if (!(i & 3) && race_signal(efd))
			race_bad(&bad, "write", errno, i);
		close(efd);
	}
	e2e_store(&r.stop, 1);
	pthread_join(thread, NULL);
	TH_LOG("deassign vs close: %lu assign+close in %.1f s", i,
	       race_secs(&t0));
	TH_LOG("against %lu deassigns (%lu EBADF), %lu ENOSPC retries",
	       r.deassigns, r.ebadf, nospc);
	EXPECT_GOOD(&bad);
	EXPECT_GOOD(&r.bad);
	EXPECT_EQ(n, i);
	race_sane(_metadata, e, e->hsm, e->cv.vmid, true);
}

/* --- (b) IRQFD assign vs deassign, two threads, one eventfd --- */

struct flip_race {
	int		fd;
	int		efd;
	unsigned long	n;
	unsigned long	done;
	unsigned long	assigned;
	unsigned long	busy;
	unsigned long	writes;
	struct race_bad	bad;
};

/*
 * Assign, signal every other time, deassign, @n times: each call races
 * with the other thread's doing the same on the same VM and eventfd.
 */
static void *flipper(void *arg)
{
	struct flip_race *r = arg;
	int err;

	for (r->done = 0; r->done < r->n; r->done++) {
		err = race_assign(r->fd, r->efd);
		if (!err)
			r->assigned++;
		else if (err == EBUSY)
			r->busy++;
		else
			race_bad(&r->bad, "assign", err, r->done);
		if (r->done & 1) {
			if (race_signal(r->efd))
				race_bad(&r->bad, "write", errno, r->done);
			r->writes++;
		}
		err = race_deassign(r->fd, r->efd);
		if (err)
			race_bad(&r->bad, "deassign", err, r->done);
	}
	return NULL;
}

TEST_F_TIMEOUT(hsm, assign_vs_deassign, RACE_TIMEOUT)
{
	struct e2e *e = &self->e;
	unsigned long n = race_iters(ITERS_FLIP), done = 0, assigned = 0;
	unsigned long busy = 0, writes = 0;
	struct flip_race r[2];
	struct timespec t0;
	pthread_t thread[2];
	long long left;
	int i, efd;
	__u64 hc;

	ASSERT_EQ(0, e2e_create(e, "rflip", 0));
	efd = race_efd();
	ASSERT_LE(0, efd);
	memset(r, 0, sizeof(r));
	hc = e2e_hc(e->hv, HVSIM_HC_INJECT_MSI);
	e2e_now(&t0);
	for (i = 0; i < 2; i++) {
		r[i].fd = e->hsm;
		r[i].efd = efd;
		r[i].n = (n + 1) / 2;
		ASSERT_EQ(0, pthread_create(&thread[i], NULL, flipper, &r[i]));
	}
	for (i = 0; i < 2; i++) {
		pthread_join(thread[i], NULL);
		done += r[i].done;
		assigned += r[i].assigned;
		busy += r[i].busy;
		writes += r[i].writes;
		EXPECT_GOOD(&r[i].bad);
	}
	hc = e2e_hc(e->hv, HVSIM_HC_INJECT_MSI) - hc;
	/* Both deassigned last: nothing bound, what is left is counted. */
	left = race_count(efd);
	TH_LOG("assign vs deassign: %lu assign+deassign (2 threads) in %.1f s",
	       done, race_secs(&t0));
	TH_LOG("%lu assigned, %lu EBUSY; %lu writes, %llu injections, %lld left in the count",
	       assigned, busy, writes, (unsigned long long)hc, left > 0 ? left : 0);
	EXPECT_LE(n, done);
	EXPECT_EQ(done, assigned + busy);
	/* Each injection took at least one write's count. */
	EXPECT_GE((__u64)writes, hc + (left > 0 ? left : 0));
	EXPECT_EQ(0, race_signal(efd));
	EXPECT_EQ(1, race_count(efd));
	close(efd);
	race_sane(_metadata, e, e->hsm, e->cv.vmid, false);
}

/* --- (c) VM destroy vs signal --- */

#define DESTROY_NFD	16

struct signal_race {
	int		efd[DESTROY_NFD];
	int		stop;
	unsigned long	writes;		/* __atomic */
	struct race_bad	bad;
};

/* Write to every eventfd, round and round, until stopped. */
static void *signaller(void *arg)
{
	struct signal_race *r = arg;
	unsigned long n = 0;
	int i;

	while (!e2e_load(&r->stop)) {
		for (i = 0; i < DESTROY_NFD; i++) {
			if (race_signal(r->efd[i]))
				race_bad(&r->bad, "write", errno, n);
			n++;
		}
		__atomic_store_n(&r->writes, n, __ATOMIC_RELEASE);
	}
	return NULL;
}

static unsigned long race_writes(struct signal_race *r)
{
	return __atomic_load_n(&r->writes, __ATOMIC_ACQUIRE);
}

/*
 * A bystander creates and destroys VMs of its own, without irqfds, on
 * its own file, so that its VMs take the slots (vmids) the race frees:
 * an irqfd of a destroyed VM injecting after the hypervisor destroyed
 * it would show as an "msi" event in a bystander's VM.
 */
struct bystander {
	int		hv;
	int		fd;
	void		*page;
	int		*stop;
	unsigned long	vms;
	unsigned long	stray;
	struct race_bad	bad;
};

static void *bystander_run(void *arg)
{
	struct bystander *b = arg;
	struct hvsim_event ev[8];
	struct acrn_vm_creation cv;
	unsigned int i, got;
	__u64 seq;
	int err;

	while (!e2e_load(b->stop)) {
		e2e_cv_init(&cv, "rbystand", b->page, 0);
		err = e2e_ioctl(b->fd, ACRN_IOCTL_CREATE_VM, &cv);
		if (err == ENOSPC) {
			sched_yield();
			continue;
		}
		if (err) {
			race_bad(&b->bad, "bystander create", err, b->vms);
			break;
		}
		seq = race_seq(b->hv, cv.vmid);
		sched_yield();
		got = 0;
		if (hvsim_get_events(b->hv, cv.vmid, seq, ev, ARRAY_SIZE(ev),
				     &got, NULL))
			race_bad(&b->bad, "bystander events", errno, b->vms);
		for (i = 0; i < got; i++)
			if (!strncmp(ev[i].text, "msi ", 4))
				b->stray++;
		err = e2e_ioctl(b->fd, ACRN_IOCTL_DESTROY_VM, NULL);
		if (err) {
			race_bad(&b->bad, "bystander destroy", err, b->vms);
			break;
		}
		b->vms++;
	}
	return NULL;
}

TEST_F_TIMEOUT(hsm, destroy_vs_signal, RACE_TIMEOUT)
{
	struct e2e *e = &self->e;
	unsigned long n = race_iters(ITERS_DESTROY), vms = 0, racing = 0, w0, total;
	unsigned long min_vms = DESTROY_VMS;
	struct race_bad bad = { 0 };
	struct bystander by;
	struct signal_race r;
	struct timespec t0;
	pthread_t thread, other;
	__u64 seq;
	int i, err, fd;

	/* make stress: a VM lifetime per 50 racing writes */
	if (getenv("EVENTFD_RACE_ITERS") && n / 50 > min_vms)
		min_vms = n / 50;
	memset(&r, 0, sizeof(r));
	for (i = 0; i < DESTROY_NFD; i++) {
		r.efd[i] = race_efd();
		ASSERT_LE(0, r.efd[i]);
	}
	ASSERT_EQ(0, e2e_open_fd(e, 0));
	ASSERT_EQ(0, e2e_open_fd(e, 1));
	memset(&by, 0, sizeof(by));
	by.hv = e->hv;
	by.fd = e->fd[1];
	by.page = e->page[1];
	by.stop = &r.stop;
	e2e_now(&t0);
	ASSERT_EQ(0, pthread_create(&thread, NULL, signaller, &r));
	ASSERT_EQ(0, pthread_create(&other, NULL, bystander_run, &by));
	/* At least @n writes, and writes into @min_vms VM lifetimes. */
	while ((race_writes(&r) < n || vms < min_vms) && !bad.err &&
	       !e2e_load(&r.bad.err)) {
		/* Odd VMs are closed with their file, even ones destroyed. */
		fd = vms & 1 ? e->fd[0] : e->hsm;
		e2e_cv_init(&e->cv, "rdestroy", vms & 1 ? e->page[0] : e->ioreq, 0);
		err = e2e_ioctl(fd, ACRN_IOCTL_CREATE_VM, &e->cv);
		if (err) {
			race_bad(&bad, "create", err, vms);
			break;
		}
		/* EBUSY would be an irqfd of an earlier VM left behind. */
		for (i = 0; i < DESTROY_NFD; i++) {
			err = race_assign(fd, r.efd[i]);
			if (err)
				race_bad(&bad, "assign", err, vms);
		}
		/* Let some writes be injected. */
		sched_yield();
		w0 = race_writes(&r);
		if (vms & 1) {
			close(fd);
			e->fd[0] = e2e_open_hsm();
			if (e->fd[0] < 0)
				race_bad(&bad, "open", errno, vms);
		} else {
			err = e2e_ioctl(fd, ACRN_IOCTL_DESTROY_VM, NULL);
			if (err)
				race_bad(&bad, "destroy", err, vms);
		}
		racing += race_writes(&r) - w0;
		vms++;
	}
	e2e_store(&r.stop, 1);
	pthread_join(thread, NULL);
	pthread_join(other, NULL);
	total = race_writes(&r);
	TH_LOG("destroy vs signal: %lu writes over %lu VMs in %.1f s", total,
	       vms, race_secs(&t0));
	TH_LOG("%lu writes during a DESTROY_VM or close(); %lu bystander VMs",
	       racing, by.vms);
	EXPECT_GOOD(&bad);
	EXPECT_GOOD(&r.bad);
	EXPECT_GOOD(&by.bad);
	EXPECT_EQ(0UL, by.stray) TH_LOG("MSIs injected into a bystander's VM");
	EXPECT_LT(0UL, by.vms);
	EXPECT_LE(n, total);

	/* Nothing bound: the eventfds count, a new VM takes them all. */
	for (i = 0; i < DESTROY_NFD; i++) {
		race_count(r.efd[i]);
		EXPECT_EQ(0, race_signal(r.efd[i]));
		EXPECT_EQ(1, race_count(r.efd[i]));
	}
	ASSERT_EQ(0, e2e_create(e, "rdestroy", 0));
	seq = race_seq(e->hv, e->cv.vmid);
	for (i = 0; i < DESTROY_NFD; i++) {
		EXPECT_EQ(0, race_assign(e->hsm, r.efd[i]));
		EXPECT_EQ(0, race_signal(r.efd[i]));
	}
	{
		/* Injected by the irqfds' workers, after the writes returned. */
		struct hvsim_event ev[DESTROY_NFD + 1];
		unsigned int got = 0;

		e2e_now(&t0);
		do {
			EXPECT_EQ(0, hvsim_get_events(e->hv, e->cv.vmid, seq, ev,
						      DESTROY_NFD + 1, &got,
						      NULL));
		} while (got < DESTROY_NFD && e2e_ms_since(&t0) < 5000 &&
			 !usleep(1000));
		/* And no more than one each. */
		usleep(100000);
		EXPECT_EQ(0, hvsim_get_events(e->hv, e->cv.vmid, seq, ev,
					      DESTROY_NFD + 1, &got, NULL));
		EXPECT_EQ((unsigned int)DESTROY_NFD, got);
	}
	for (i = 0; i < DESTROY_NFD; i++)
		close(r.efd[i]);
	race_sane(_metadata, e, e->hsm, e->cv.vmid, false);
}

/* --- (d) ioeventfd assign/deassign vs guest writes --- */

#define IOEV_THREADS	16

struct guest_race {
	struct e2e	*e;
	unsigned int	vmid;
	int		stop;
	unsigned long	writes;
	unsigned long	loops;
	struct race_bad	bad;
};

/* The guest writes to RACE_PORT, 1000 writes per GUEST_LOOP, until stopped. */
static void *guest_writer(void *arg)
{
	struct guest_race *g = arg;
	struct hvsim_io_loop loop;
	int err;

	while (!e2e_load(&g->stop)) {
		memset(&loop, 0, sizeof(loop));
		e2e_io_init(&loop.io, g->vmid, 0, ACRN_IOREQ_TYPE_PORTIO,
			    ACRN_IOREQ_DIR_WRITE, RACE_PORT, 1, 0x5a);
		loop.vcpus = 1;
		loop.count = 1000;
		err = e2e_ioctl(g->e->hv, HVSIM_IOCTL_GUEST_LOOP, &loop);
		if (!err && loop.failed)
			err = loop.first_error ? loop.first_error : EIO;
		if (err) {
			race_bad(&g->bad, "guest loop", err, g->loops);
			break;
		}
		g->loops++;
		__atomic_add_fetch(&g->writes, loop.completed, __ATOMIC_RELEASE);
	}
	return NULL;
}

struct ioev_race {
	int		fd;
	int		efd;
	unsigned long	n;
	unsigned long	done;
	struct race_bad	bad;
};

/* Assign and deassign an ioeventfd on RACE_PORT, @n times. */
static void *ioev_flipper(void *arg)
{
	struct ioev_race *r = arg;
	int err;

	for (r->done = 0; r->done < r->n; r->done++) {
		err = race_ioeventfd(r->fd, r->efd, 0, RACE_PORT);
		if (err) {
			race_bad(&r->bad, "assign", err, r->done);
			break;
		}
		err = race_ioeventfd(r->fd, r->efd, ACRN_IOEVENTFD_FLAG_DEASSIGN,
				     RACE_PORT);
		if (err) {
			race_bad(&r->bad, "deassign", err, r->done);
			break;
		}
	}
	return NULL;
}

TEST_F_TIMEOUT(hsm, ioeventfd_vs_guest, RACE_TIMEOUT)
{
	struct e2e *e = &self->e;
	struct ioev_race r[IOEV_THREADS];
	unsigned long n = race_iters(ITERS_IOEV), total = 0, signals = 0;
	struct guest_race g;
	struct e2e_dm *dm;
	struct timespec t0;
	pthread_t gt, t[IOEV_THREADS];
	unsigned long dm0;
	long long c;
	__u64 v;
	int i, efd;

	ASSERT_EQ(0, e2e_start_vm(e, "rioev", 1, 0));
	ASSERT_EQ(0, e2e_dm_start(e, &dm, NULL, NULL));
	memset(&g, 0, sizeof(g));
	g.e = e;
	g.vmid = e->cv.vmid;
	memset(r, 0, sizeof(r));
	e2e_now(&t0);
	ASSERT_EQ(0, pthread_create(&gt, NULL, guest_writer, &g));
	for (i = 0; i < IOEV_THREADS; i++) {
		r[i].fd = e->hsm;
		r[i].efd = race_efd();
		r[i].n = (n + IOEV_THREADS - 1) / IOEV_THREADS;
		ASSERT_LE(0, r[i].efd);
		ASSERT_EQ(0, pthread_create(&t[i], NULL, ioev_flipper, &r[i]));
	}
	for (i = 0; i < IOEV_THREADS; i++) {
		pthread_join(t[i], NULL);
		total += r[i].done;
	}
	e2e_store(&g.stop, 1);
	pthread_join(gt, NULL);
	for (i = 0; i < IOEV_THREADS; i++) {
		c = race_count(r[i].efd);
		signals += c > 0 ? c : 0;
		EXPECT_GOOD(&r[i].bad);
	}
	TH_LOG("ioeventfd vs guest: %lu assign+deassign (%d threads) in %.1f s",
	       total, IOEV_THREADS, race_secs(&t0));
	TH_LOG("%lu guest writes: %lu signalled, %lu to the device model",
	       g.writes, signals, e2e_dm_handled(dm));
	EXPECT_GOOD(&g.bad);
	EXPECT_LE(n, total);
	EXPECT_EQ(g.writes, signals + e2e_dm_handled(dm));

	/* None left: a write goes to the device model; assigned, it signals. */
	dm0 = e2e_dm_handled(dm);
	v = 0x5a;
	ASSERT_EQ(0, e2e_pio(e, 0, ACRN_IOREQ_DIR_WRITE, RACE_PORT, 1, &v));
	EXPECT_EQ(dm0 + 1, e2e_dm_handled(dm));
	efd = r[0].efd;
	EXPECT_EQ(-EAGAIN, race_count(efd));
	ASSERT_EQ(0, race_ioeventfd(e->hsm, efd, 0, RACE_PORT));
	ASSERT_EQ(0, e2e_pio(e, 0, ACRN_IOREQ_DIR_WRITE, RACE_PORT, 1, &v));
	EXPECT_EQ(1, race_count(efd));
	EXPECT_EQ(dm0 + 1, e2e_dm_handled(dm));
	EXPECT_EQ(0, race_ioeventfd(e->hsm, efd, ACRN_IOEVENTFD_FLAG_DEASSIGN,
				    RACE_PORT));
	for (i = 0; i < IOEV_THREADS; i++)
		close(r[i].efd);
}

/* --- the helper of eventfd_rmmod.sh --- */

#define RMMOD_NFD	8
#define RMMOD_WRITERS	2

/*
 * A forked writer: signal every eventfd, round and round, counting in
 * *@count, until *@stop.
 */
static void rmmod_writer(const int *efd, unsigned long *count, const int *stop)
{
	unsigned long n = 0;
	int i;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	while (!e2e_load(stop)) {
		for (i = 0; i < RMMOD_NFD; i++) {
			if (race_signal(efd[i])) {
				fprintf(stderr, "writer: %s\n", strerror(errno));
				_exit(1);
			}
		}
		n += RMMOD_NFD;
		__atomic_store_n(count, n, __ATOMIC_RELEASE);
	}
	_exit(0);
}

/*
 * One VM on a new /dev/acrn_hsm file with irqfds on eventfds 0-5,
 * ioeventfds on 4-7 and irqfds on four eventfds closed at once, then the
 * file closed: 0 or an errno, *@what the step that failed.
 */
static int rmmod_setup(const int *efd, int cycle, const char **what)
{
	struct acrn_vm_creation cv;
	void *page = e2e_page();
	int fd, i, err, extra;

	*what = "open";
	fd = e2e_open_hsm();
	if (fd < 0 || !page) {
		err = fd < 0 ? errno : ENOMEM;
		goto out;
	}
	*what = "create";
	err = e2e_vm_up(fd, &cv, page, cycle & 1 ? "rmmod1" : "rmmod0", 1, 0);
	for (i = 0; i < 6 && !err; i++) {
		*what = "irqfd";
		err = race_irqfd(fd, efd[i], 0, i);
	}
	for (i = 4; i < RMMOD_NFD && !err; i++) {
		*what = "ioeventfd";
		err = race_ioeventfd(fd, efd[i], 0, RACE_PORT + i);
	}
	/* And irqfds whose eventfd is closed: their removal is queued. */
	for (i = 0; i < 4 && !err; i++) {
		*what = "eventfd";
		extra = race_efd();
		err = extra < 0 ? errno : race_irqfd(fd, extra, 0, i);
		if (extra >= 0)
			close(extra);
	}
out:
	if (fd >= 0)
		close(fd);
	if (page)
		munmap(page, E2E_PAGE_SIZE);
	return err;
}

static unsigned long rmmod_total(const unsigned long *count)
{
	unsigned long n = 0;
	int i;

	for (i = 0; i < RMMOD_WRITERS; i++)
		n += __atomic_load_n(&count[i], __ATOMIC_ACQUIRE);
	return n;
}

/*
 * Commands on stdin, one answer line each on stdout:
 *   setup      -> "ok <writes so far>" or "error <step>: <errno>"
 *   stop <n>   -> waits for <n> writes in all, stops the writers:
 *                 "writes <n> in <s> s"; then exits (0: all went well)
 */
static int rmmod_helper(void)
{
	unsigned long *count, want;
	struct timespec t0;
	pid_t pid[RMMOD_WRITERS];
	int efd[RMMOD_NFD], *stop;
	int i, status, cycle = 0, ret = 0;
	const char *what;
	char line[64];
	void *shm;

	setvbuf(stdout, NULL, _IOLBF, 0);
	shm = mmap(NULL, E2E_PAGE_SIZE, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shm == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	stop = shm;
	count = (unsigned long *)((char *)shm + 64);
	for (i = 0; i < RMMOD_NFD; i++) {
		efd[i] = race_efd();
		if (efd[i] < 0) {
			perror("eventfd");
			return 1;
		}
	}
	e2e_now(&t0);
	for (i = 0; i < RMMOD_WRITERS; i++) {
		pid[i] = fork();
		if (pid[i] < 0) {
			perror("fork");
			return 1;
		}
		if (!pid[i])
			rmmod_writer(efd, &count[i], stop);
	}

	while (fgets(line, sizeof(line), stdin)) {
		if (!strncmp(line, "setup", 5)) {
			i = rmmod_setup(efd, cycle++, &what);
			if (i)
				printf("error %s: %s\n", what, strerror(i));
			else
				printf("ok %lu\n", rmmod_total(count));
			continue;
		}
		if (strncmp(line, "stop", 4))
			continue;
		want = strtoul(line + 4, NULL, 0);
		while (rmmod_total(count) < want && e2e_ms_since(&t0) < 120000)
			usleep(10000);
		break;
	}
	e2e_store(stop, 1);
	for (i = 0; i < RMMOD_WRITERS; i++) {
		if (waitpid(pid[i], &status, 0) != pid[i] ||
		    !WIFEXITED(status) || WEXITSTATUS(status))
			ret = 1;
	}
	/* Nothing is bound any more: the eventfds count the writes. */
	for (i = 0; i < RMMOD_NFD; i++) {
		if (race_count(efd[i]) <= 0) {
			printf("# eventfd %d has no count\n", i);
			ret = 1;
		}
		close(efd[i]);
	}
	printf("writes %lu in %.1f s\n", rmmod_total(count), race_secs(&t0));
	return ret;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "rmmod"))
		return rmmod_helper();
	return test_harness_run(argc, argv);
}
