// SPDX-License-Identifier: GPL-2.0
/*
 * bench-io: round trip of a guest write through the HSM to a device
 * model thread, or to an ioeventfd, next to its floor, a futex ping-pong
 * between two threads on two CPUs, measured in the same boot.
 *
 *   bench-io [-t SECONDS] [-T SECONDS] [-d CPU] [floor] [dm] [ioeventfd]
 *
 * -t	target duration of each measurement (default 3 s)
 * -T	watchdog: give up after this long (default 300 s)
 * -d	CPU of the device model thread, of the eventfd reader and of the
 *	floor's second thread (default 1; -1: not pinned). The floor's
 *	first thread is on CPU 0, where the simulator raises every upcall.
 * floor, dm, ioeventfd: run only these parts (default: all). dm: the
 *	port I/O and MMIO rows handled by the device model; ioeventfd: the
 *	MMIO rows handled by an ioeventfd.
 *
 * The DM path: a VM on /dev/acrn_hsm with the default I/O request client,
 * a device model thread doing what acrn-dm's vm_loop does (ATTACH, scan
 * the slots for PROCESSING requests the kernel did not take, NOTIFY each
 * one), and HVSIM_IOCTL_GUEST_LOOP making the simulated vCPUs write port
 * 0x510 (1 byte), or a 4-byte MMIO doorbell at 0xfe000000, back to back.
 * Each row gets its own VM (and DM thread); the port write once in
 * notification mode and once with I/O completion polling.
 *
 * The ioeventfd path: the same VM and DM thread, plus a wildcard
 * ioeventfd on the doorbell (ACRN_IOCTL_IOEVENTFD) and a thread blocking
 * in read() on its eventfd, adding up what it reads. The kernel completes
 * each write in the upcall: the DM thread must see none of them, and the
 * reader must count every one, or the row fails.
 *
 * Thread hops per request (hops/req): the HSM's dm_requests plus
 * kernel_deferred per request, i.e. the requests handed from the upcall
 * to another thread (the device model's, or a worker) to be completed;
 * dmwake/req: dm_wakeups per request, the hand-overs that had to wake
 * the device model thread (one wakeup can serve several vCPUs' requests);
 * inline/req: kernel_inline per request, the requests completed in the
 * upcall itself.
 *
 * Progress and details go to stderr; the table, last, to stdout. Exit
 * status 0 if every measurement ran without an error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/futex.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include <linux/acrn.h>

#include "hvsim_ctl.h"

#define BENCH_PORT		0x510
#define BENCH_VALUE		0x5a
#define BENCH_MMIO_GPA		0xfe000000ULL	/* the doorbell */
#define BENCH_MMIO_SIZE		4
#define BENCH_MMIO_VALUE	0x1		/* a queue index, say */
/* Written to the eventfd to stop its reader: far above any count. */
#define EFD_STOP_MARK		0x1000000000000ULL	/* 2^48 */
#define GUEST_FLAG_IO_COMPLETION_POLLING	0x4ULL	/* ACRN guest flag bit 2 */
#define HSM_STATS		"/sys/kernel/debug/acrn_hsm/stats"
#define MAX_SAMPLES		HVSIM_LOOP_MAX_COUNT
#define CALIBRATION_COUNT	200	/* accesses per vCPU */
#define IO_TIMEOUT_MS		2000
#define JOIN_TIMEOUT_S		5

static double target_s = 3;
static int dm_cpu = 1;

/* What a row measures, but the floor. */
struct path {
	const char *name;
	int polling;		/* the VM polls for I/O completion */
	int mmio;		/* the MMIO doorbell, else the port write */
	int ioeventfd;		/* served by an ioeventfd, else by the DM */
	unsigned int vcpus;
};

/* One line of the table. */
struct row {
	const char *name;
	unsigned int vcpus;	/* 0: the futex floor */
	int ok;
	char err[96];
	uint64_t completed;
	double rate;		/* round trips per second */
	double p50_us, p99_us, max_us;
	double wakeups;		/* context switches per round trip */
	double upcalls;		/* HSM stats, per request; NAN if unknown */
	double dm_wakeups;
	double inlined;		/* kernel_inline */
	double hops;		/* dm_requests + kernel_deferred */
	const struct path *path;	/* NULL: the floor */
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void on_alarm(int sig)
{
	static const char msg[] = "bench-io: watchdog expired, giving up\n";

	(void)sig;
	if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0)
		_exit(3);
	_exit(3);
}

static int pin_self(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return 0;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static void unpin_self(void)
{
	cpu_set_t all;
	int i;

	CPU_ZERO(&all);
	for (i = 0; i < CPU_SETSIZE; i++)
		CPU_SET(i, &all);
	pthread_setaffinity_np(pthread_self(), sizeof(all), &all);
}

static long ctx_switches(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_THREAD, &ru))
		return -1;
	return ru.ru_nvcsw + ru.ru_nivcsw;
}

static char fail_msg[sizeof(((struct row *)0)->err)];

static void row_fail(struct row *r, const char *msg)
{
	if (!r->ok)
		return;		/* keep the first error */
	r->ok = 0;
	snprintf(r->err, sizeof(r->err), "%s", msg);
	fprintf(stderr, "bench-io: %s: %s\n", r->name, r->err);
}

/* Record the first error of a row (main thread only). */
#define fail(r, ...)	\
	row_fail(r, (snprintf(fail_msg, sizeof(fail_msg), __VA_ARGS__), fail_msg))

/* ---- futex ping-pong floor ---------------------------------------- */

enum { TURN_PING, TURN_PONG, TURN_STOP };

struct pingpong {
	atomic_int turn;
	atomic_int measuring;	/* set by ping once the warm-up is over */
	int cpu;
	int error;		/* errno of the pong thread */
	long csw;		/* its context switches */
};

static long futex(atomic_int *word, int op, int val, const struct timespec *ts)
{
	return syscall(SYS_futex, word, op, val, ts, NULL, 0);
}

/* Wait while *word == val; 0, or -errno (ETIMEDOUT after 2 s). */
static int futex_wait(atomic_int *word, int val)
{
	static const struct timespec ts = { .tv_sec = 2 };

	while (atomic_load_explicit(word, memory_order_acquire) == val) {
		if (futex(word, FUTEX_WAIT_PRIVATE, val, &ts) &&
		    errno != EAGAIN && errno != EINTR)
			return -errno;
	}
	return 0;
}

static int futex_wake(atomic_int *word)
{
	return futex(word, FUTEX_WAKE_PRIVATE, 1, NULL) < 0 ? -errno : 0;
}

static void *pong(void *arg)
{
	struct pingpong *pp = arg;
	long csw0 = -1;
	int ret;

	ret = pin_self(pp->cpu);
	if (ret) {
		pp->error = ret;
		return NULL;
	}
	for (;;) {
		ret = futex_wait(&pp->turn, TURN_PING);
		if (ret) {
			pp->error = -ret;
			break;
		}
		if (atomic_load_explicit(&pp->turn, memory_order_acquire) == TURN_STOP)
			break;
		if (csw0 < 0 && atomic_load_explicit(&pp->measuring, memory_order_relaxed))
			csw0 = ctx_switches();
		atomic_store_explicit(&pp->turn, TURN_PING, memory_order_release);
		ret = futex_wake(&pp->turn);
		if (ret) {
			pp->error = -ret;
			break;
		}
	}
	pp->csw = csw0 < 0 ? 0 : ctx_switches() - csw0;
	return NULL;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Nearest rank: the smallest sample with pct % of them at or below it. */
static uint64_t percentile(const uint64_t *sorted, size_t n, unsigned int pct)
{
	size_t rank = (n * pct + 99) / 100;

	return sorted[rank ? rank - 1 : 0];
}

/* One ping: hand the turn over and wait for it back. */
static int ping(struct pingpong *pp)
{
	int ret;

	atomic_store_explicit(&pp->turn, TURN_PONG, memory_order_release);
	ret = futex_wake(&pp->turn);
	if (!ret)
		ret = futex_wait(&pp->turn, TURN_PONG);
	return ret;
}

static void run_floor(struct row *r)
{
	struct pingpong pp = { .turn = TURN_PING, .cpu = dm_cpu };
	uint64_t *rtt, start, t0, t1 = 0, deadline;
	long csw0, csw;
	size_t n = 0, i;
	pthread_t th;
	int ret;

	rtt = calloc(MAX_SAMPLES, sizeof(*rtt));
	if (!rtt) {
		fail(r, "out of memory");
		return;
	}
	ret = pin_self(0);
	if (ret) {
		fail(r, "pinning to CPU 0: %s", strerror(ret));
		goto out;
	}
	ret = pthread_create(&th, NULL, pong, &pp);
	if (ret) {
		fail(r, "pthread_create: %s", strerror(ret));
		goto out;
	}
	/* Warm up (and let the pong thread reach its CPU). */
	for (i = 0; i < 100 && !ret; i++)
		ret = ping(&pp);
	atomic_store_explicit(&pp.measuring, 1, memory_order_relaxed);
	csw0 = ctx_switches();
	start = now_ns();
	deadline = start + (uint64_t)(target_s * 1e9);
	t0 = start;
	while (!ret && n < MAX_SAMPLES) {
		ret = ping(&pp);
		t1 = now_ns();
		rtt[n++] = t1 - t0;
		if (t1 >= deadline)
			break;
		t0 = t1;
	}
	csw = ctx_switches() - csw0;
	atomic_store_explicit(&pp.turn, TURN_STOP, memory_order_release);
	if (futex_wake(&pp.turn) && !ret)
		ret = -errno;
	pthread_join(th, NULL);
	if (ret) {
		fail(r, "futex: %s", strerror(-ret));
		goto out;
	}
	if (pp.error) {
		fail(r, "pong thread: %s", strerror(pp.error));
		goto out;
	}
	qsort(rtt, n, sizeof(*rtt), cmp_u64);
	r->completed = n;
	r->rate = n / ((t1 - start) / 1e9);
	r->p50_us = percentile(rtt, n, 50) / 1e3;
	r->p99_us = percentile(rtt, n, 99) / 1e3;
	r->max_us = rtt[n - 1] / 1e3;
	/* Both threads' switches after the warm-up. */
	r->wakeups = (double)(csw + pp.csw) / n;
	fprintf(stderr, "floor: %zu round trips CPU 0 <-> CPU %d, ", n, dm_cpu);
	fprintf(stderr, "p50 %.1f us p99 %.1f us max %.1f us, %.2f switches each\n",
		r->p50_us, r->p99_us, r->max_us, r->wakeups);
out:
	unpin_self();
	free(rtt);
}

/* ---- HSM debugfs counters ----------------------------------------- */

#define MAX_STATS	16

struct hsm_stats {
	int n;			/* -1: no stats file */
	char name[MAX_STATS][32];
	unsigned long long v[MAX_STATS];
};

static void read_hsm_stats(struct hsm_stats *s)
{
	char line[128];
	FILE *f;

	s->n = -1;
	f = fopen(HSM_STATS, "r");
	if (!f)
		return;
	s->n = 0;
	while (s->n < MAX_STATS && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%31s %llu", s->name[s->n], &s->v[s->n]) == 2)
			s->n++;
	}
	fclose(f);
}

/* after - before of one counter per request, NAN if not there. */
static double stat_per_req(const struct hsm_stats *before,
			   const struct hsm_stats *after, const char *name,
			   uint64_t requests)
{
	int i, j;

	for (i = 0; i < after->n; i++) {
		if (strcmp(after->name[i], name))
			continue;
		for (j = 0; j < before->n; j++)
			if (!strcmp(before->name[j], name))
				return (double)(after->v[i] - before->v[j]) / requests;
	}
	return NAN;
}

static void print_stats_delta(const struct hsm_stats *before,
			      const struct hsm_stats *after, uint64_t requests)
{
	int i;

	if (after->n < 0 || before->n < 0)
		return;
	fprintf(stderr, "   hsm stats per request:");
	for (i = 0; i < after->n; i++)
		fprintf(stderr, " %s=%.3f", after->name[i],
			stat_per_req(before, after, after->name[i], requests));
	fprintf(stderr, "\n");
}

/* ---- the device model path ---------------------------------------- */

/* Whether @req is the write the guest loop makes; a read gets all ones. */
static int dm_expected(int mmio, struct acrn_io_request *req)
{
	struct acrn_mmio_request *mmio_req = &req->reqs.mmio_request;
	struct acrn_pio_request *pio = &req->reqs.pio_request;

	if (mmio) {
		if (req->type == ACRN_IOREQ_TYPE_MMIO &&
		    mmio_req->direction == ACRN_IOREQ_DIR_WRITE &&
		    mmio_req->address == BENCH_MMIO_GPA &&
		    mmio_req->size == BENCH_MMIO_SIZE &&
		    mmio_req->value == BENCH_MMIO_VALUE)
			return 1;
	} else if (req->type == ACRN_IOREQ_TYPE_PORTIO &&
		   pio->direction == ACRN_IOREQ_DIR_WRITE &&
		   pio->address == BENCH_PORT && pio->size == 1 &&
		   pio->value == BENCH_VALUE) {
		return 1;
	}
	/* direction is the first field of both layouts */
	if (pio->direction == ACRN_IOREQ_DIR_READ) {
		if (req->type == ACRN_IOREQ_TYPE_MMIO)
			mmio_req->value = ~0ULL;
		else
			pio->value = ~0U;
	}
	return 0;
}

struct dm {
	int fd;
	struct acrn_io_request_buffer *buf;
	unsigned int vcpu_num;
	int mmio;		/* the request expected: the doorbell */
	pthread_t thread;
	atomic_int running;	/* set once the thread counted its start */
	atomic_int done;
	/* results, read after the join */
	int error;		/* errno of the first failure */
	const char *failed_op;
	uint64_t handled;	/* requests completed */
	uint64_t unexpected;	/* requests that were not our write */
	uint64_t empty;		/* ATTACH returned with nothing to do */
	uint64_t attaches;
	long csw;
};

static void *dm_loop(void *arg)
{
	struct dm *dm = arg;
	struct acrn_ioreq_notify notify = { 0 };
	unsigned int i;
	long csw0;
	int found, ret;

	ret = pin_self(dm_cpu);
	if (ret) {
		dm->error = ret;
		dm->failed_op = "pinning the DM thread";
		atomic_store(&dm->done, 1);
		atomic_store(&dm->running, 1);
		return NULL;
	}
	csw0 = ctx_switches();
	atomic_store(&dm->running, 1);
	for (;;) {
		if (ioctl(dm->fd, ACRN_IOCTL_ATTACH_IOREQ_CLIENT, 0) < 0) {
			if (errno == ENODEV)	/* the client is gone: the end */
				break;
			if (errno == EINTR)
				continue;
			dm->error = errno;
			dm->failed_op = "ATTACH_IOREQ_CLIENT";
			break;
		}
		dm->attaches++;
		found = 0;
		for (i = 0; i < dm->vcpu_num; i++) {
			struct acrn_io_request *req = &dm->buf->req_slot[i];

			if (__atomic_load_n(&req->processed, __ATOMIC_ACQUIRE) !=
			    ACRN_IOREQ_STATE_PROCESSING ||
			    __atomic_load_n(&req->kernel_handled, __ATOMIC_RELAXED))
				continue;
			found = 1;
			if (!dm_expected(dm->mmio, req))
				dm->unexpected++;
			notify.vcpu = i;
			if (ioctl(dm->fd, ACRN_IOCTL_NOTIFY_REQUEST_FINISH, &notify) < 0) {
				dm->error = errno;
				dm->failed_op = "NOTIFY_REQUEST_FINISH";
				goto out;
			}
			dm->handled++;
		}
		if (!found)
			dm->empty++;
	}
out:
	dm->csw = ctx_switches() - csw0;
	atomic_store(&dm->done, 1);
	return NULL;
}

/* Join a thread, waiting at most JOIN_TIMEOUT_S; 0 or -ETIMEDOUT. */
static int join_timed(pthread_t thread)
{
	struct timespec ts;
	int ret;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += JOIN_TIMEOUT_S;
	ret = pthread_timedjoin_np(thread, NULL, &ts);
	return ret ? -ret : 0;
}

static int dm_join(struct dm *dm)
{
	return join_timed(dm->thread);
}

/* ---- the ioeventfd path: the eventfd's reader ------------------------ */

struct efd_reader {
	int efd;
	pthread_t thread;
	atomic_int running;	/* set once the thread counted its start */
	/* results, read after the join */
	int error;		/* errno of the first failure */
	uint64_t total;		/* sum of the counts read, EFD_STOP_MARK aside */
	uint64_t reads;		/* read() calls that returned a count */
	long csw;
};

/*
 * What a device model's I/O thread does with an ioeventfd: block in
 * read(), take the count. Stops at EFD_STOP_MARK, which the main thread
 * writes once the guest loop is over, so that the last read takes every
 * signal that came before it.
 */
static void *efd_loop(void *arg)
{
	struct efd_reader *rd = arg;
	uint64_t v;
	ssize_t n;
	long csw0;
	int ret;

	ret = pin_self(dm_cpu);
	if (ret) {
		rd->error = ret;
		atomic_store(&rd->running, 1);
		return NULL;
	}
	csw0 = ctx_switches();
	atomic_store(&rd->running, 1);
	for (;;) {
		n = read(rd->efd, &v, sizeof(v));
		if (n < 0 && errno == EINTR)
			continue;
		if (n != sizeof(v)) {
			rd->error = n < 0 ? errno : EIO;
			break;
		}
		rd->reads++;
		if (v >= EFD_STOP_MARK) {
			rd->total += v - EFD_STOP_MARK;
			break;
		}
		rd->total += v;
	}
	rd->csw = ctx_switches() - csw0;
	return NULL;
}

struct dm_result {
	struct hvsim_io_loop loop;
	struct dm dm;
	struct efd_reader rd;
	struct hsm_stats before, after;
	uint64_t sim_upcalls, sim_notifies;
};

static int hvsim_fd = -1;
static int hc_notify;	/* index of HC_NOTIFY_REQUEST_FINISH */

static int hsm_ioctl(struct row *r, int fd, const char *what,
		     unsigned long cmd, void *arg)
{
	if (ioctl(fd, cmd, arg) < 0) {
		int err = errno;

		fail(r, "%s: %s", what, strerror(err));
		return -err;
	}
	return 0;
}

/* Start the eventfd's reader; 0, or -1 with the error in @r. */
static int efd_start(struct row *r, struct efd_reader *rd)
{
	uint64_t t0;
	int ret;

	ret = pthread_create(&rd->thread, NULL, efd_loop, rd);
	if (ret) {
		fail(r, "pthread_create: %s", strerror(ret));
		return -1;
	}
	t0 = now_ns();
	while (!atomic_load(&rd->running)) {
		if (now_ns() - t0 > JOIN_TIMEOUT_S * 1000000000ULL) {
			fail(r, "the eventfd reader did not start");
			break;
		}
		usleep(1000);
	}
	return 0;	/* started: efd_stop() joins it */
}

/* Stop the reader: write the stop mark, join it. */
static void efd_stop(struct row *r, struct efd_reader *rd)
{
	uint64_t v = EFD_STOP_MARK;

	if (write(rd->efd, &v, sizeof(v)) != sizeof(v))
		fail(r, "writing the eventfd: %s", strerror(errno));
	if (join_timed(rd->thread)) {
		fail(r, "the eventfd reader did not stop within %d s",
		     JOIN_TIMEOUT_S);
		/* Still running: leave its eventfd alone. */
		fprintf(stderr, "bench-io: the eventfd reader is stuck; exiting\n");
		exit(1);
	}
	if (rd->error)
		fail(r, "eventfd reader: read: %s", strerror(rd->error));
}

/*
 * One VM through its life: create (with its I/O request page), the
 * default client, for the ioeventfd path the ioeventfd and its reader,
 * start, the DM thread, vcpus x count writes, and the teardown. Errors
 * land in @r; returns 0 if the loop ran at all.
 */
static int dm_run(struct row *r, const struct path *p, unsigned int count,
		  struct dm_result *res)
{
	struct acrn_vm_creation create;
	struct acrn_ioeventfd ioeventfd;
	struct efd_reader *rd = &res->rd;
	struct hvsim_stats s0, s1;
	struct dm *dm = &res->dm;
	int started = 0, client = 0, reading = 0, ret = -1;
	unsigned int vcpus = p->vcpus;
	int polling = p->polling;
	uint64_t t0;
	void *page;

	memset(res, 0, sizeof(*res));
	dm->fd = -1;
	dm->mmio = p->mmio;
	rd->efd = -1;
	if (posix_memalign(&page, 4096, 4096)) {
		fail(r, "out of memory");
		return -1;
	}
	memset(page, 0, 4096);
	dm->buf = page;

	dm->fd = open(HSM_DEV, O_RDWR | O_CLOEXEC);
	if (dm->fd < 0) {
		fail(r, "%s: %s", HSM_DEV, strerror(errno));
		goto free;
	}
	memset(&create, 0, sizeof(create));
	snprintf((char *)create.uuid, sizeof(create.uuid), "bench-%s-%c%u",
		 p->ioeventfd ? "iofd" : p->mmio ? "mmio" : "pio",
		 polling ? 'p' : 'n', vcpus);
	create.vm_flag = polling ? GUEST_FLAG_IO_COMPLETION_POLLING : 0;
	create.ioreq_buf = (unsigned long)page;
	create.cpu_affinity = 0;	/* the hypervisor's default: all pCPUs */
	if (hsm_ioctl(r, dm->fd, "CREATE_VM", ACRN_IOCTL_CREATE_VM, &create))
		goto close;
	dm->vcpu_num = create.vcpu_num;
	if (create.vcpu_num < vcpus) {
		fail(r, "the VM has %u vCPUs, not %u", create.vcpu_num, vcpus);
		goto destroy;
	}
	if (hsm_ioctl(r, dm->fd, "CREATE_IOREQ_CLIENT",
		      ACRN_IOCTL_CREATE_IOREQ_CLIENT, NULL))
		goto destroy;
	client = 1;
	if (p->ioeventfd) {
		rd->efd = eventfd(0, EFD_CLOEXEC);
		if (rd->efd < 0) {
			fail(r, "eventfd: %s", strerror(errno));
			goto teardown;
		}
		memset(&ioeventfd, 0, sizeof(ioeventfd));
		ioeventfd.fd = rd->efd;
		ioeventfd.flags = 0;	/* MMIO, any value */
		ioeventfd.addr = BENCH_MMIO_GPA;
		ioeventfd.len = BENCH_MMIO_SIZE;
		if (hsm_ioctl(r, dm->fd, "IOEVENTFD", ACRN_IOCTL_IOEVENTFD,
			      &ioeventfd))
			goto teardown;
		if (efd_start(r, rd))
			goto teardown;
		reading = 1;
		if (!r->ok)
			goto teardown;
	}
	if (hsm_ioctl(r, dm->fd, "START_VM", ACRN_IOCTL_START_VM, NULL))
		goto teardown;
	ret = pthread_create(&dm->thread, NULL, dm_loop, dm);
	if (ret) {
		fail(r, "pthread_create: %s", strerror(ret));
		ret = -1;
		goto teardown;
	}
	started = 1;
	t0 = now_ns();
	while (!atomic_load(&dm->running)) {
		if (now_ns() - t0 > JOIN_TIMEOUT_S * 1000000000ULL) {
			fail(r, "the DM thread did not start");
			ret = -1;
			goto teardown;
		}
		usleep(1000);
	}
	if (atomic_load(&dm->done))
		goto teardown;	/* the thread failed at once */

	memset(&res->loop, 0, sizeof(res->loop));
	res->loop.io.vmid = create.vmid;
	res->loop.io.direction = ACRN_IOREQ_DIR_WRITE;
	if (p->mmio) {
		res->loop.io.type = ACRN_IOREQ_TYPE_MMIO;
		res->loop.io.size = BENCH_MMIO_SIZE;
		res->loop.io.address = BENCH_MMIO_GPA;
		res->loop.io.value = BENCH_MMIO_VALUE;
	} else {
		res->loop.io.type = ACRN_IOREQ_TYPE_PORTIO;
		res->loop.io.size = 1;
		res->loop.io.address = BENCH_PORT;
		res->loop.io.value = BENCH_VALUE;
	}
	res->loop.io.timeout_ms = IO_TIMEOUT_MS;
	res->loop.vcpus = vcpus;
	res->loop.count = count;

	read_hsm_stats(&res->before);
	ret = hvsim_get_stats(hvsim_fd, &s0);
	if (ret) {
		fail(r, "HVSIM_IOCTL_GET_STATS: %s", strerror(-ret));
		goto teardown;
	}
	if (ioctl(hvsim_fd, HVSIM_IOCTL_GUEST_LOOP, &res->loop) < 0) {
		fail(r, "HVSIM_IOCTL_GUEST_LOOP: %s", strerror(errno));
		ret = -1;
		goto teardown;
	}
	ret = hvsim_get_stats(hvsim_fd, &s1);
	if (ret) {
		fail(r, "HVSIM_IOCTL_GET_STATS: %s", strerror(-ret));
		goto teardown;
	}
	read_hsm_stats(&res->after);
	res->sim_upcalls = s1.upcalls - s0.upcalls;
	res->sim_notifies = s1.hypercalls[hc_notify] - s0.hypercalls[hc_notify];
	ret = 0;

teardown:
	/*
	 * Every signal came before its request completed, so before the
	 * loop returned: the reader's last read takes them all.
	 */
	if (reading)
		efd_stop(r, rd);
	/*
	 * As a device model stops: pause the VM, destroy the client (which
	 * wakes the DM thread's ATTACH with ENODEV), join, destroy the VM.
	 */
	hsm_ioctl(r, dm->fd, "PAUSE_VM", ACRN_IOCTL_PAUSE_VM, NULL);
	if (client)
		hsm_ioctl(r, dm->fd, "DESTROY_IOREQ_CLIENT",
			  ACRN_IOCTL_DESTROY_IOREQ_CLIENT, NULL);
	if (started && dm_join(dm)) {
		fail(r, "the DM thread did not stop within %d s", JOIN_TIMEOUT_S);
		/* DESTROY_VM wakes ATTACH too; try once more after it. */
		hsm_ioctl(r, dm->fd, "DESTROY_VM", ACRN_IOCTL_DESTROY_VM, NULL);
		if (dm_join(dm)) {
			/* Still running: leave its page and fd alone. */
			fprintf(stderr, "bench-io: the DM thread is stuck; exiting\n");
			exit(1);
		}
		goto close;
	}
	if (started && dm->error)
		fail(r, "DM thread: %s: %s", dm->failed_op, strerror(dm->error));
destroy:
	hsm_ioctl(r, dm->fd, "DESTROY_VM", ACRN_IOCTL_DESTROY_VM, NULL);
close:
	if (close(dm->fd))
		fail(r, "close: %s", strerror(errno));
	/* After the VM: its ioeventfd held a reference, not the fd. */
	if (rd->efd >= 0 && close(rd->efd))
		fail(r, "close eventfd: %s", strerror(errno));
free:
	free(page);
	dm->buf = NULL;
	return ret;
}

static void run_dm(struct row *r, const struct path *p)
{
	unsigned int vcpus = p->vcpus;
	uint64_t requested, count;
	struct dm_result *res;
	struct efd_reader *rd;
	struct hvsim_io_loop *l;
	double deferred, passed;
	struct dm *dm;

	res = malloc(sizeof(*res));
	if (!res) {
		fail(r, "out of memory");
		return;
	}
	l = &res->loop;
	dm = &res->dm;
	rd = &res->rd;

	/* Calibrate on a throwaway VM to fill about target_s seconds. */
	if (dm_run(r, p, CALIBRATION_COUNT, res) || !r->ok)
		goto out;
	if (l->failed || !l->elapsed_ns) {
		fail(r, "calibration: %llu of %u accesses failed: %s",
		     (unsigned long long)l->failed, vcpus * CALIBRATION_COUNT,
		     strerror(l->first_error));
		goto out;
	}
	count = (uint64_t)(CALIBRATION_COUNT * target_s * 1e9 / l->elapsed_ns);
	if (count < CALIBRATION_COUNT)
		count = CALIBRATION_COUNT;
	if (count > HVSIM_LOOP_MAX_COUNT)
		count = HVSIM_LOOP_MAX_COUNT;
	fprintf(stderr, "%s, %u vCPU%s: %llu accesses per vCPU\n", r->name,
		vcpus, vcpus > 1 ? "s" : "", (unsigned long long)count);

	if (dm_run(r, p, count, res) || !r->ok)
		goto out;
	requested = (uint64_t)vcpus * count;
	fprintf(stderr, "   loop: completed %llu failed %llu first_error %d elapsed %.3f s\n",
		(unsigned long long)l->completed, (unsigned long long)l->failed,
		l->first_error, l->elapsed_ns / 1e9);
	fprintf(stderr, "   loop: p50 %.1f us p99 %.1f us max %.1f us, vCPU switches %llu\n",
		l->p50_ns / 1e3, l->p99_ns / 1e3, l->max_ns / 1e3,
		(unsigned long long)l->ctx_switches);
	fprintf(stderr, "   dm: handled %llu unexpected %llu attaches %llu empty %llu\n",
		(unsigned long long)dm->handled, (unsigned long long)dm->unexpected,
		(unsigned long long)dm->attaches, (unsigned long long)dm->empty);
	fprintf(stderr, "   dm: %ld switches\n", dm->csw);
	if (p->ioeventfd)
		fprintf(stderr, "   eventfd: counted %llu in %llu reads, reader %ld switches\n",
			(unsigned long long)rd->total,
			(unsigned long long)rd->reads, rd->csw);
	fprintf(stderr, "   hvsim: upcalls %.3f notify hypercalls %.3f per request\n",
		l->completed ? (double)res->sim_upcalls / l->completed : NAN,
		l->completed ? (double)res->sim_notifies / l->completed : NAN);
	print_stats_delta(&res->before, &res->after, l->completed);

	if (l->failed || l->completed != requested) {
		fail(r, "%llu of %llu accesses completed, first error %s",
		     (unsigned long long)l->completed,
		     (unsigned long long)requested, strerror(l->first_error));
		goto out;
	}
	if (dm->handled != (p->ioeventfd ? 0 : l->completed) || dm->unexpected) {
		fail(r, "the DM handled %llu requests (%llu unexpected) for %llu accesses",
		     (unsigned long long)dm->handled,
		     (unsigned long long)dm->unexpected,
		     (unsigned long long)l->completed);
		goto out;
	}
	if (p->ioeventfd && rd->total != l->completed) {
		fail(r, "the eventfd counted %llu of %llu writes",
		     (unsigned long long)rd->total,
		     (unsigned long long)l->completed);
		goto out;
	}
	r->completed = l->completed;
	r->rate = l->completed / (l->elapsed_ns / 1e9);
	r->p50_us = l->p50_ns / 1e3;
	r->p99_us = l->p99_ns / 1e3;
	r->max_us = l->max_ns / 1e3;
	r->wakeups = (double)(dm->csw + l->ctx_switches) / l->completed;
	r->upcalls = stat_per_req(&res->before, &res->after, "upcalls",
				  l->completed);
	r->dm_wakeups = stat_per_req(&res->before, &res->after, "dm_wakeups",
				     l->completed);
	r->inlined = stat_per_req(&res->before, &res->after, "kernel_inline",
				  l->completed);
	deferred = stat_per_req(&res->before, &res->after, "kernel_deferred",
				l->completed);
	r->hops = stat_per_req(&res->before, &res->after, "dm_requests",
			       l->completed) + deferred;
	if (p->ioeventfd) {
		r->wakeups = (double)(dm->csw + rd->csw + l->ctx_switches) /
			     l->completed;
		passed = stat_per_req(&res->before, &res->after,
				      "kernel_passed", l->completed);
		if (r->hops > 0 || passed > 0)
			fprintf(stderr, "   NOTE: %.4f deferred, %.4f passed on, per request\n",
				deferred, passed);
	}
out:
	free(res);
}

/* ---- the table ------------------------------------------------------ */

static void print_num(double v, int width, int prec)
{
	if (isnan(v))
		printf(" %*s", width, "-");
	else
		printf(" %*.*f", width, prec, v);
}

static void print_table(const struct row *rows, int n, const struct row *floor)
{
	struct utsname u;
	int i;

	uname(&u);
	printf("\nbench-io on %s, %ld CPUs; ", u.release,
	       sysconf(_SC_NPROCESSORS_ONLN));
	printf("DM thread, eventfd reader and floor partner on CPU %d\n", dm_cpu);
	printf("dm: PIO write (port 0x%x, 1 byte); ", BENCH_PORT);
	printf("mmio: doorbell write (GPA 0x%llx, %d bytes); ",
	       BENCH_MMIO_GPA, BENCH_MMIO_SIZE);
	printf("ioeventfd: wildcard, its eventfd read() by a thread\n");
	printf("%-18s %5s %10s %9s %9s %9s %9s %10s %10s %10s %9s\n", "path",
	       "vcpus", "req/s", "p50 us", "p99 us", "p50/floor", "wake/req",
	       "upcall/req", "dmwake/req", "inline/req", "hops/req");
	for (i = 0; i < n; i++) {
		const struct row *r = &rows[i];

		printf("%-18s", r->name);
		if (r->vcpus)
			printf(" %5u", r->vcpus);
		else
			printf(" %5s", "-");
		if (!r->ok) {
			printf("  FAILED: %s\n", r->err);
			continue;
		}
		print_num(r->rate, 10, 0);
		print_num(r->p50_us, 9, 1);
		print_num(r->p99_us, 9, 1);
		print_num(floor && floor->ok ? r->p50_us / floor->p50_us : NAN, 9, 2);
		print_num(r->wakeups, 9, 2);
		print_num(r->upcalls, 10, 2);
		print_num(r->dm_wakeups, 10, 2);
		print_num(r->inlined, 10, 2);
		print_num(r->hops, 9, 2);
		printf("\n");
	}
}

/* Each ioeventfd row against the DM row of the same writes. */
static void print_ratios(const struct row *rows, int n)
{
	const struct path *p, *q;
	const struct row *r, *dm;
	int i, j;

	for (i = 0; i < n; i++) {
		r = &rows[i];
		p = r->path;
		if (!p || !p->ioeventfd || !r->ok)
			continue;
		for (j = 0; j < n; j++) {
			q = rows[j].path;
			if (q && q->mmio && !q->ioeventfd && rows[j].ok &&
			    q->polling == p->polling && q->vcpus == p->vcpus)
				break;
		}
		if (j == n)
			continue;
		dm = &rows[j];
		printf("%s / %s, %u vCPU%s: ", r->name, dm->name, p->vcpus,
		       p->vcpus > 1 ? "s" : "");
		printf("req/s x%.2f, p50 x%.2f, hops/req %.2f vs %.2f\n",
		       r->rate / dm->rate, r->p50_us / dm->p50_us, r->hops,
		       dm->hops);
	}
}

static void bad_usage(void)
{
	fprintf(stderr, "usage: bench-io [-t SECONDS] [-T SECONDS] [-d CPU] ");
	fprintf(stderr, "[floor] [dm] [ioeventfd]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct path paths[] = {
		{ "dm notify", 0, 0, 0, 1 },
		{ "dm notify", 0, 0, 0, 4 },
		{ "dm polling", 1, 0, 0, 1 },
		{ "dm polling", 1, 0, 0, 4 },
		{ "dm notify mmio", 0, 1, 0, 1 },
		{ "dm notify mmio", 0, 1, 0, 4 },
		{ "ioeventfd mmio", 0, 1, 1, 1 },
		{ "ioeventfd mmio", 0, 1, 1, 4 },
	};
	struct row rows[1 + ARRAY_SIZE(paths)], *floor = NULL;
	int do_floor = 0, do_dm = 0, do_iofd = 0, n = 0, ok = 1, opt, i;
	unsigned int watchdog = 300;
	long cpus;
	char *end;

	while ((opt = getopt(argc, argv, "t:T:d:")) != -1) {
		switch (opt) {
		case 't':
			target_s = strtod(optarg, &end);
			if (*end || !(target_s > 0 && target_s <= 60))
				bad_usage();
			break;
		case 'T':
			watchdog = strtoul(optarg, &end, 0);
			if (*end || !watchdog)
				bad_usage();
			break;
		case 'd':
			dm_cpu = strtol(optarg, &end, 0);
			if (*end || dm_cpu < -1 || dm_cpu >= CPU_SETSIZE)
				bad_usage();
			break;
		default:
			bad_usage();
		}
	}
	for (i = optind; i < argc; i++) {
		if (!strcmp(argv[i], "floor"))
			do_floor = 1;
		else if (!strcmp(argv[i], "dm"))
			do_dm = 1;
		else if (!strcmp(argv[i], "ioeventfd"))
			do_iofd = 1;
		else
			bad_usage();
	}
	if (!do_floor && !do_dm && !do_iofd) {
		do_floor = 1;
		do_dm = 1;
		do_iofd = 1;
	}

	signal(SIGALRM, on_alarm);
	alarm(watchdog);

	cpus = sysconf(_SC_NPROCESSORS_ONLN);
	if (cpus < 2 || dm_cpu >= cpus) {
		fprintf(stderr, "bench-io: needs 2 CPUs and CPU %d online (%ld online)\n",
			dm_cpu, cpus);
		return 1;
	}
	{
		uint64_t t0 = now_ns();

		for (i = 0; i < 1000; i++)
			now_ns();
		fprintf(stderr, "bench-io: clock_gettime costs %.0f ns\n",
			(now_ns() - t0) / 1000.0);
	}

	memset(rows, 0, sizeof(rows));
	if (do_floor) {
		floor = &rows[n++];
		*floor = (struct row){ .name = "futex ping-pong", .ok = 1,
				       .upcalls = NAN, .dm_wakeups = NAN,
				       .inlined = NAN, .hops = NAN };
		run_floor(floor);
		ok &= floor->ok;
	}
	if (do_dm || do_iofd) {
		hvsim_fd = hvsim_open();
		hc_notify = hvsim_hypercall_index("notify_request_finish");
		if (hvsim_fd < 0)
			fprintf(stderr, "bench-io: %s: %s\n", HVSIM_DEV,
				strerror(-hvsim_fd));
	}
	for (i = 0; i < (int)ARRAY_SIZE(paths); i++) {
		struct row *r;

		if (!(paths[i].ioeventfd ? do_iofd : do_dm))
			continue;
		r = &rows[n++];
		*r = (struct row){ .name = paths[i].name, .ok = 1,
				   .vcpus = paths[i].vcpus, .upcalls = NAN,
				   .dm_wakeups = NAN, .inlined = NAN,
				   .hops = NAN, .path = &paths[i] };
		if (hvsim_fd < 0)
			fail(r, "no simulator (%s)", strerror(-hvsim_fd));
		else
			run_dm(r, &paths[i]);
		ok &= r->ok;
	}
	alarm(0);
	fflush(stderr);
	print_table(rows, n, floor);
	print_ratios(rows, n);
	return ok ? 0 : 1;
}
