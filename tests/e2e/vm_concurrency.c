// SPDX-License-Identifier: GPL-2.0
/*
 * End-to-end tests of the VM life-cycle ioctls under concurrency: threads
 * racing on one file, many files at once, close() racing ioctls, and
 * files shared with a forked child. Results are collected per thread and
 * checked by the test's main thread (the harness' ASSERT_*() and
 * EXPECT_*() must not run in other threads).
 */
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "e2e.h"

#define NR_RACERS	8

/**
 * struct worker - one thread of a test
 * @thread:	The thread.
 * @id:		Index of the thread.
 * @fd:		/dev/acrn_hsm file it works on.
 * @page:	Its I/O request page.
 * @barrier:	Waited on before starting, if not NULL.
 * @iterations:	Number of operations (or rounds) to do.
 * @stop:	Set by the main thread to stop early, if not NULL.
 * @done:	Incremented when the thread is done, if not NULL.
 * @cv:		Its CREATE_VM argument.
 * @ret:	Result of its single operation (create_race).
 * @calls:	Operations done.
 * @ok:		Operations that succeeded.
 * @nospc:	CREATE_VMs that failed with ENOSPC.
 * @bad_op:	First operation with an unexpected result.
 * @bad_err:	Its errno, 0 if every result was expected.
 */
struct worker {
	pthread_t		thread;
	int			id;
	int			fd;
	void			*page;
	pthread_barrier_t	*barrier;
	unsigned int		iterations;
	int			*stop;
	int			*done;
	struct acrn_vm_creation	cv;
	int			ret;
	unsigned int		calls;
	unsigned int		ok;
	unsigned int		nospc;
	int			bad_op;
	int			bad_err;
};

static void worker_bad(struct worker *w, int op, int err)
{
	if (!w->bad_err) {
		w->bad_op = op;
		w->bad_err = err;
	}
}

static bool worker_stopped(struct worker *w)
{
	return w->stop && __atomic_load_n(w->stop, __ATOMIC_ACQUIRE);
}

/* Operations of the random workers */
enum {
	OP_CREATE,
	OP_DESTROY,
	OP_START,
	OP_PAUSE,
	OP_RESET,
	OP_SET_REGS,
	NR_OPS
};

static const char * const op_names[NR_OPS] = {
	"CREATE_VM", "DESTROY_VM", "START_VM", "PAUSE_VM", "RESET_VM",
	"SET_VCPU_REGS",
};

static int worker_op(struct worker *w, int op)
{
	static const unsigned long cmds[NR_OPS] = {
		[OP_DESTROY]	= ACRN_IOCTL_DESTROY_VM,
		[OP_START]	= ACRN_IOCTL_START_VM,
		[OP_PAUSE]	= ACRN_IOCTL_PAUSE_VM,
		[OP_RESET]	= ACRN_IOCTL_RESET_VM,
	};
	struct acrn_vcpu_regs regs;

	switch (op) {
	case OP_CREATE:
		e2e_cv_init(&w->cv, "rand", w->page, 0);
		return e2e_ioctl(w->fd, ACRN_IOCTL_CREATE_VM, &w->cv);
	case OP_SET_REGS:
		e2e_regs_init(&regs, 0);
		return e2e_ioctl(w->fd, ACRN_IOCTL_SET_VCPU_REGS, &regs);
	default:
		return e2e_ioctl(w->fd, cmds[op], NULL);
	}
}

/* What racing life-cycle ioctls on one file may answer: never EPERM, ENOTTY, EIO, EFAULT. */
static bool race_ok(int err)
{
	return !err || err == EEXIST || err == EINVAL || err == EBUSY;
}

/* Random operations on a shared file; after a close, EBADF ends the thread. */
static void *random_worker(void *arg)
{
	struct worker *w = arg;
	unsigned int seed = w->id * 7919 + 1;
	unsigned int i;
	int op, err;

	if (w->barrier)
		pthread_barrier_wait(w->barrier);
	for (i = 0; i < w->iterations && !worker_stopped(w); i++) {
		op = rand_r(&seed) % NR_OPS;
		err = worker_op(w, op);
		w->calls++;
		if (err == EBADF && w->stop)
			break;
		if (!err)
			w->ok++;
		else if (!race_ok(err))
			worker_bad(w, op, err);
	}
	return NULL;
}

static void *create_racer(void *arg)
{
	struct worker *w = arg;
	char tag[16];

	snprintf(tag, sizeof(tag), "race%d", w->id);
	e2e_cv_init(&w->cv, tag, w->page, 0);
	pthread_barrier_wait(w->barrier);
	w->ret = e2e_ioctl(w->fd, ACRN_IOCTL_CREATE_VM, &w->cv);
	return NULL;
}

/* A file of its own; the whole life cycle, over and over; ENOSPC when full. */
static void *file_worker(void *arg)
{
	static const unsigned long steps[] = {
		ACRN_IOCTL_START_VM, ACRN_IOCTL_PAUSE_VM, ACRN_IOCTL_RESET_VM,
		ACRN_IOCTL_START_VM, ACRN_IOCTL_DESTROY_VM,
	};
	struct worker *w = arg;
	unsigned int i, j;
	char tag[16];
	int err;

	snprintf(tag, sizeof(tag), "file%d", w->id);
	pthread_barrier_wait(w->barrier);
	for (i = 0; i < w->iterations; i++) {
		e2e_cv_init(&w->cv, tag, w->page, 0);
		err = e2e_ioctl(w->fd, ACRN_IOCTL_CREATE_VM, &w->cv);
		w->calls++;
		if (err == ENOSPC) {
			w->nospc++;
			sched_yield();
			continue;
		}
		if (err) {
			worker_bad(w, OP_CREATE, err);
			break;
		}
		w->ok++;
		for (j = 0; j < ARRAY_SIZE(steps); j++) {
			/* Keep the VM a while, so that the slots run out. */
			usleep(500);
			err = e2e_ioctl(w->fd, steps[j], NULL);
			w->calls++;
			if (err)
				worker_bad(w, j == ARRAY_SIZE(steps) - 1 ?
					   OP_DESTROY : OP_START, err);
		}
	}
	__atomic_add_fetch(w->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* Log a worker's unexpected result; returns its errno (0: none). */
static int worker_check(struct __test_metadata *_metadata, struct worker *w)
{
	if (w->bad_err)
		TH_LOG("thread %d: %s failed with %s", w->id,
		       op_names[w->bad_op], strerror(w->bad_err));
	return w->bad_err;
}

/* Threads race CREATE_VM on one file: exactly one wins. */
TEST_F(hsm, create_race)
{
	struct e2e *e = &self->e;
	struct worker w[NR_RACERS];
	pthread_barrier_t barrier;
	int i, round, won, exist;
	__u64 hc;

	for (i = 0; i < NR_RACERS; i++) {
		e->page[i] = e2e_page();
		ASSERT_NE(NULL, e->page[i]);
	}
	for (round = 0; round < 5; round++) {
		ASSERT_EQ(0, pthread_barrier_init(&barrier, NULL, NR_RACERS));
		hc = e2e_hc(e->hv, HVSIM_HC_CREATE_VM);
		memset(w, 0, sizeof(w));
		for (i = 0; i < NR_RACERS; i++) {
			w[i].id = i;
			w[i].fd = e->hsm;
			w[i].page = e->page[i];
			w[i].barrier = &barrier;
			ASSERT_EQ(0, pthread_create(&w[i].thread, NULL,
						    create_racer, &w[i]));
		}
		won = -1;
		exist = 0;
		for (i = 0; i < NR_RACERS; i++) {
			ASSERT_EQ(0, pthread_join(w[i].thread, NULL));
			if (!w[i].ret) {
				EXPECT_EQ(-1, won);
				won = i;
			} else if (w[i].ret == EEXIST) {
				exist++;
			} else {
				TH_LOG("thread %d: CREATE_VM: %s", i, strerror(w[i].ret));
			}
		}
		pthread_barrier_destroy(&barrier);
		ASSERT_LE(0, won);
		EXPECT_EQ(NR_RACERS - 1, exist);
		EXPECT_EQ(hc + 1, e2e_hc(e->hv, HVSIM_HC_CREATE_VM));
		EXPECT_EQ(e->baseline + 1, e2e_count(e->hv));
		EXPECT_EQ(HVSIM_VM_CREATED, e2e_state(e->hv, w[won].cv.vmid));
		ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_START_VM));
		ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
		EXPECT_EQ(e->baseline, e2e_count(e->hv));
	}
}

/* Threads hammer one file with every life-cycle ioctl in random order. */
TEST_F(hsm, hammer)
{
	enum { NR = 5 };
	struct e2e *e = &self->e;
	struct worker w[NR];
	pthread_barrier_t barrier;
	unsigned int ok = 0;
	int i;

	ASSERT_EQ(0, pthread_barrier_init(&barrier, NULL, NR));
	memset(w, 0, sizeof(w));
	for (i = 0; i < NR; i++) {
		e->page[i] = e2e_page();
		ASSERT_NE(NULL, e->page[i]);
		w[i].id = i;
		w[i].fd = e->hsm;
		w[i].page = e->page[i];
		w[i].barrier = &barrier;
		w[i].iterations = 300;
		ASSERT_EQ(0, pthread_create(&w[i].thread, NULL, random_worker, &w[i]));
	}
	for (i = 0; i < NR; i++) {
		ASSERT_EQ(0, pthread_join(w[i].thread, NULL));
		EXPECT_EQ(0, worker_check(_metadata, &w[i]));
		EXPECT_EQ(w[i].iterations, w[i].calls);
		ok += w[i].ok;
	}
	pthread_barrier_destroy(&barrier);
	TH_LOG("%u of %u calls succeeded", ok, NR * w[0].iterations);
	EXPECT_LT(0U, ok);
	EXPECT_GE(e->baseline + 1, e2e_count(e->hv));

	/* Whatever state the VM is in, closing destroys it. */
	e2e_close(&e->hsm);
	EXPECT_EQ(e->baseline, e2e_count(e->hv));
}

/* Every VM slot in use from its own file and thread, and one thread more. */
TEST_F(hsm, many_files)
{
	struct e2e *e = &self->e;
	int nr = e->info.max_vms;	/* slots + 1: someone sees ENOSPC */
	struct worker w[E2E_NFD];
	pthread_barrier_t barrier;
	unsigned int ok = 0, nospc = 0;
	int i, c, max = 0, done = 0;

	ASSERT_LE(nr, E2E_NFD);
	ASSERT_EQ(0, pthread_barrier_init(&barrier, NULL, nr + 1));
	memset(w, 0, sizeof(w));
	for (i = 0; i < nr; i++) {
		ASSERT_EQ(0, e2e_open_fd(e, i));
		w[i].id = i;
		w[i].fd = e->fd[i];
		w[i].page = e->page[i];
		w[i].barrier = &barrier;
		w[i].iterations = 15;
		w[i].done = &done;
		ASSERT_EQ(0, pthread_create(&w[i].thread, NULL, file_worker, &w[i]));
	}
	pthread_barrier_wait(&barrier);
	/* Watch the simulator while they run. */
	while (__atomic_load_n(&done, __ATOMIC_ACQUIRE) < nr) {
		c = e2e_count(e->hv);
		if (c > max)
			max = c;
		usleep(2000);
	}
	for (i = 0; i < nr; i++) {
		ASSERT_EQ(0, pthread_join(w[i].thread, NULL));
		EXPECT_EQ(0, worker_check(_metadata, &w[i]));
		ok += w[i].ok;
		nospc += w[i].nospc;
	}
	pthread_barrier_destroy(&barrier);
	TH_LOG("%u VMs made, %u ENOSPC, at most %d at once", ok, nospc, max);
	EXPECT_LE(max, (int)e->info.max_vms - 1);
	EXPECT_LE((unsigned int)(e->info.max_vms - 1), ok);
	EXPECT_EQ(e->baseline, e2e_count(e->hv));
}

/* close() while another thread is in the middle of ioctls on the file */
TEST_F(hsm, close_during_ioctls)
{
	struct e2e *e = &self->e;
	struct worker w;
	int round, stop;

	e->page[0] = e2e_page();
	ASSERT_NE(NULL, e->page[0]);
	for (round = 0; round < 6; round++) {
		if (e->hsm < 0) {
			e->hsm = e2e_open_hsm();
			ASSERT_LE(0, e->hsm);
		}
		ASSERT_EQ(0, e2e_create(e, "close", 0));
		if (round % 2)
			ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_START_VM));

		stop = 0;
		memset(&w, 0, sizeof(w));
		w.id = round;
		w.fd = e->hsm;
		w.page = e->page[0];
		w.iterations = 100000;
		w.stop = &stop;
		ASSERT_EQ(0, pthread_create(&w.thread, NULL, random_worker, &w));
		usleep(1000 + round * 3000);
		e2e_close(&e->hsm);
		__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
		ASSERT_EQ(0, pthread_join(w.thread, NULL));
		EXPECT_EQ(0, worker_check(_metadata, &w));
		EXPECT_LT(0U, w.calls);
		TH_LOG("round %d: %u calls before the close took effect", round, w.calls);
		/* The last reference went with the thread's last ioctl at the latest. */
		EXPECT_EQ(e->baseline, e2e_count(e->hv));
	}
}

/* A forked child shares the file: its exit leaves the VM; its ioctls act on it. */
TEST_F(hsm, fork_shares_file)
{
	struct e2e *e = &self->e;
	unsigned int vmid;
	int status;
	pid_t pid;

	ASSERT_EQ(0, e2e_create(e, "fork", 0));
	vmid = e->cv.vmid;
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_START_VM));

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		_exit(0);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(HVSIM_VM_RUNNING, e2e_state(e->hv, vmid));
	EXPECT_EQ(e->baseline + 1, e2e_count(e->hv));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_PAUSE_VM));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_RESET_VM));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_START_VM));

	/* The child drives the same VM, then closes its copy of the file. */
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int err = e2e_vm_ioctl(e, ACRN_IOCTL_PAUSE_VM);

		close(e->hsm);
		_exit(err);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ(HVSIM_VM_PAUSED, e2e_state(e->hv, vmid));
	EXPECT_EQ(EEXIST, e2e_create(e, "fork2", 0));

	e2e_close(&e->hsm);
	EXPECT_EQ(HVSIM_VM_POWERED_OFF, e2e_state(e->hv, vmid));
	EXPECT_EQ(e->baseline, e2e_count(e->hv));
}

/* The parent closes first: the VM lives until the child's copy goes too. */
TEST_F(hsm, fork_parent_closes_first)
{
	struct e2e *e = &self->e;
	unsigned int vmid;
	int status, p[2];
	pid_t pid;
	char c;

	ASSERT_EQ(0, e2e_create(e, "forkc", 0));
	vmid = e->cv.vmid;
	ASSERT_EQ(0, pipe(p));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		close(p[1]);
		/* Until the parent closes its end */
		_exit(read(p[0], &c, 1) == 0 ? 0 : 1);
	}
	close(p[0]);
	e2e_close(&e->hsm);
	usleep(100000);
	EXPECT_EQ(HVSIM_VM_CREATED, e2e_state(e->hv, vmid));
	close(p[1]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
	EXPECT_EQ(e->baseline, e2e_wait_count(e->hv, e->baseline, 1000));
}

TEST_HARNESS_MAIN
