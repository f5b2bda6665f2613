// SPDX-License-Identifier: GPL-2.0
/*
 * End-to-end tests of the I/O request ioctls with good and bad arguments:
 * CREATE/ATTACH/DESTROY_IOREQ_CLIENT, NOTIFY_REQUEST_FINISH and
 * CLEAR_VM_IOREQ, requests that wait for a client, the PCI configuration
 * combiner (ports 0xCF8 and 0xCFC-0xCFF) and the two completion modes.
 * The simulator plays the guest's vCPUs (HVSIM_IOCTL_GUEST_IO); the test
 * or a device-model thread (e2e.h) plays the device model.
 */
#include <pthread.h>
#include <signal.h>

#include "e2e.h"

#define PORT		0x5000
#define GPA		0xfe000000ULL
#define WAIT_MS		3000	/* for anything that should happen at once */
#define BLOCK_MS	200	/* to see that something does not happen */

/* Requests the recording device model saw, in order. */
struct rec {
	unsigned int		vcpu;
	struct acrn_io_request	req;
};

static struct rec recs[64];
static unsigned int nrecs;

/* What the recording device model returns for a read of @addr. */
static __u64 dm_value(__u64 addr)
{
	return 0x8877665544332211ULL ^ addr;
}

/* Record the request; reads return dm_value() of the address (PCI: reg). */
static int record(struct e2e_dm *dm, unsigned int vcpu,
		  struct acrn_io_request *req)
{
	unsigned int n = __atomic_load_n(&nrecs, __ATOMIC_RELAXED);
	__u64 addr = req->type == ACRN_IOREQ_TYPE_PCICFG ?
		     req->reqs.pci_request.reg : e2e_req_addr(req);

	(void)dm;
	if (n < ARRAY_SIZE(recs)) {
		recs[n].vcpu = vcpu;
		recs[n].req = *req;
	}
	if (e2e_req_dir(req) == ACRN_IOREQ_DIR_READ)
		e2e_req_set_value(req, dm_value(addr));
	__atomic_store_n(&nrecs, n + 1, __ATOMIC_RELEASE);
	return 0;
}

static unsigned int nrecs_now(void)
{
	return __atomic_load_n(&nrecs, __ATOMIC_ACQUIRE);
}

static void noop_handler(int sig)
{
	(void)sig;
}

/* The kernel's TAINT_WARN bit (a WARN happened). */
static bool tainted_warn(void)
{
	unsigned long t = 0;
	FILE *f = fopen("/proc/sys/kernel/tainted", "re");

	if (f) {
		if (fscanf(f, "%lu", &t) != 1)
			t = 0;
		fclose(f);
	}
	return t & (1UL << 9);
}

/* Every I/O request ioctl needs a VM: EINVAL before CREATE_VM and after DESTROY_VM. */
TEST_F(hsm, no_vm)
{
	static const unsigned long cmds[] = {
		ACRN_IOCTL_CREATE_IOREQ_CLIENT, ACRN_IOCTL_ATTACH_IOREQ_CLIENT,
		ACRN_IOCTL_DESTROY_IOREQ_CLIENT, ACRN_IOCTL_CLEAR_VM_IOREQ,
	};
	struct e2e *e = &self->e;
	struct acrn_ioreq_notify n = { 0 };
	unsigned int i, round;

	for (round = 0; round < 2; round++) {
		for (i = 0; i < ARRAY_SIZE(cmds); i++) {
			if (e2e_ioctl(e->hsm, cmds[i], NULL) != EINVAL)
				TH_LOG("round %u: cmd %#lx", round, cmds[i]);
			EXPECT_EQ(EINVAL, e2e_ioctl(e->hsm, cmds[i], NULL));
		}
		EXPECT_EQ(EINVAL, e2e_ioctl(e->hsm, ACRN_IOCTL_NOTIFY_REQUEST_FINISH, &n));
		if (round)
			break;
		ASSERT_EQ(0, e2e_start_vm(e, "novm", 1, 0));
		ASSERT_EQ(0, e2e_ioctl(e->hsm, ACRN_IOCTL_CREATE_IOREQ_CLIENT, NULL));
		ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
	}
}

/* One default client per VM; its ioctl argument is ignored. */
TEST_F(hsm, create_client)
{
	struct e2e *e = &self->e;
	int i;

	/* A created VM that never ran can have a client. */
	ASSERT_EQ(0, e2e_create(e, "client", 0x3));
	ASSERT_EQ(ENODEV, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_IOREQ_CLIENT));
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, e2e_ioctl(e->hsm, ACRN_IOCTL_CREATE_IOREQ_CLIENT,
				       i ? (void *)-1L : NULL));
		EXPECT_EQ(EEXIST, e2e_vm_ioctl(e, ACRN_IOCTL_CREATE_IOREQ_CLIENT));
		EXPECT_EQ(EEXIST, e2e_ioctl(e->hsm, ACRN_IOCTL_CREATE_IOREQ_CLIENT,
					    e2e_hole()));
		ASSERT_EQ(0, e2e_ioctl(e->hsm, ACRN_IOCTL_DESTROY_IOREQ_CLIENT,
				       i ? (void *)1L : NULL));
		EXPECT_EQ(ENODEV, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_IOREQ_CLIENT));
		EXPECT_EQ(ENODEV, e2e_vm_ioctl(e, ACRN_IOCTL_ATTACH_IOREQ_CLIENT));
	}
	/* And once the VM runs; DESTROY_VM takes the client along. */
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_START_VM));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_CREATE_IOREQ_CLIENT));
	EXPECT_EQ(EEXIST, e2e_vm_ioctl(e, ACRN_IOCTL_CREATE_IOREQ_CLIENT));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));

	/* A new VM on the same file starts without a client. */
	ASSERT_EQ(0, e2e_start_vm(e, "client2", 1, 0));
	EXPECT_EQ(ENODEV, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_IOREQ_CLIENT));
	EXPECT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_CREATE_IOREQ_CLIENT));
}

/* ATTACH without a default client: ENODEV at once. */
TEST_F(hsm, attach_no_client)
{
	struct e2e *e = &self->e;
	struct e2e_async *a;

	ASSERT_EQ(0, e2e_start_vm(e, "noclient", 1, 0));
	a = e2e_async_ioctl(e->hsm, ACRN_IOCTL_ATTACH_IOREQ_CLIENT, NULL);
	ASSERT_NE(NULL, a);
	ASSERT_EQ(ENODEV, e2e_async_join(a, WAIT_MS));
	e2e_async_free(&a);
}

/*
 * ATTACH sleeps until the client owns a request and then returns 0; the
 * device model finds it PROCESSING with kernel_handled 0, emulates it and
 * NOTIFY completes it: the guest's read gets the device model's value.
 */
TEST_F(hsm, attach_request)
{
	struct e2e *e = &self->e;
	struct acrn_io_request *req;
	struct e2e_async *a, *io;
	int i;

	ASSERT_EQ(0, e2e_start_vm(e, "attach", 2, 0));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_CREATE_IOREQ_CLIENT));
	req = e2e_slot(e->ioreq, 1);
	for (i = 0; i < 3; i++) {
		a = e2e_async_ioctl(e->hsm, ACRN_IOCTL_ATTACH_IOREQ_CLIENT, NULL);
		ASSERT_NE(NULL, a);
		ASSERT_EQ(E2E_RUNNING, e2e_async_join(a, BLOCK_MS));

		io = e2e_guest_io_async(e, e->cv.vmid, 1, ACRN_IOREQ_TYPE_PORTIO,
					ACRN_IOREQ_DIR_READ, PORT + i, 2, 0);
		ASSERT_NE(NULL, io);
		ASSERT_EQ(0, e2e_async_join(a, WAIT_MS));
		e2e_async_free(&a);

		ASSERT_EQ(ACRN_IOREQ_STATE_PROCESSING, e2e_slot_state(e->ioreq, 1));
		EXPECT_EQ(0U, req->kernel_handled);
		EXPECT_EQ(ACRN_IOREQ_TYPE_PORTIO, req->type);
		EXPECT_EQ(ACRN_IOREQ_DIR_READ, req->reqs.pio_request.direction);
		EXPECT_EQ(PORT + i, req->reqs.pio_request.address);
		EXPECT_EQ(2ULL, req->reqs.pio_request.size);
		EXPECT_EQ(0U, req->completion_polling);
		EXPECT_EQ(ACRN_IOREQ_STATE_FREE, e2e_slot_state(e->ioreq, 0));

		/* Owning a request, ATTACH does not sleep. */
		a = e2e_async_ioctl(e->hsm, ACRN_IOCTL_ATTACH_IOREQ_CLIENT, NULL);
		ASSERT_NE(NULL, a);
		EXPECT_EQ(0, e2e_async_join(a, WAIT_MS));
		e2e_async_free(&a);
		EXPECT_FALSE(e2e_async_done(io));

		req->reqs.pio_request.value = 0xabcd1234 + i;
		ASSERT_EQ(0, e2e_notify(e->hsm, 1));
		ASSERT_EQ(0, e2e_async_join(io, WAIT_MS));
		EXPECT_EQ(0x1234ULL + i, io->io.value);
		e2e_async_free(&io);
		EXPECT_EQ(0, e2e_slot_wait(e->ioreq, 1, ACRN_IOREQ_STATE_FREE, WAIT_MS));
		/* Done: not the client's any more. */
		EXPECT_EQ(EINVAL, e2e_notify(e->hsm, 1));
	}
}

/* A signal ends ATTACH with 0 (SA_RESTART clear); the client stays usable. */
TEST_F(hsm, attach_signal)
{
	struct sigaction sa = { .sa_handler = noop_handler };
	struct e2e *e = &self->e;
	struct e2e_async *a, *io;
	int i;

	sigemptyset(&sa.sa_mask);
	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
	ASSERT_EQ(0, e2e_start_vm(e, "signal", 1, 0));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_CREATE_IOREQ_CLIENT));

	a = e2e_async_ioctl(e->hsm, ACRN_IOCTL_ATTACH_IOREQ_CLIENT, NULL);
	ASSERT_NE(NULL, a);
	ASSERT_EQ(E2E_RUNNING, e2e_async_join(a, BLOCK_MS));
	/* Again and again, in case one arrives before the thread sleeps. */
	for (i = 0; i < 40 && !e2e_async_done(a); i++) {
		pthread_kill(a->thread, SIGUSR1);
		usleep(50000);
	}
	ASSERT_EQ(0, e2e_async_join(a, WAIT_MS));
	e2e_async_free(&a);

	/* The client survived: a request still reaches it. */
	a = e2e_async_ioctl(e->hsm, ACRN_IOCTL_ATTACH_IOREQ_CLIENT, NULL);
	ASSERT_NE(NULL, a);
	io = e2e_guest_io_async(e, e->cv.vmid, 0, ACRN_IOREQ_TYPE_MMIO,
				ACRN_IOREQ_DIR_WRITE, GPA, 4, 7);
	ASSERT_NE(NULL, io);
	ASSERT_EQ(0, e2e_async_join(a, WAIT_MS));
	ASSERT_EQ(0, e2e_slot_wait_dm(e->ioreq, 0, WAIT_MS));
	EXPECT_EQ(7ULL, e2e_slot(e->ioreq, 0)->reqs.mmio_request.value);
	ASSERT_EQ(0, e2e_notify(e->hsm, 0));
	ASSERT_EQ(0, e2e_async_join(io, WAIT_MS));
	e2e_async_free(&a);
	e2e_async_free(&io);
}

/* Destroying the client or the VM from another thread wakes every ATTACH with ENODEV. */
TEST_F(hsm, attach_woken_by_destroy)
{
	struct e2e *e = &self->e;
	struct e2e_async *a[3], *d;
	int round, i;

	for (round = 0; round < 2; round++) {
		ASSERT_EQ(0, e2e_start_vm(e, "wake", 1, 0));
		ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_CREATE_IOREQ_CLIENT));
		for (i = 0; i < 3; i++) {
			a[i] = e2e_async_ioctl(e->hsm, ACRN_IOCTL_ATTACH_IOREQ_CLIENT, NULL);
			ASSERT_NE(NULL, a[i]);
		}
		usleep(BLOCK_MS * 1000);
		for (i = 0; i < 3; i++)
			ASSERT_FALSE(e2e_async_done(a[i]));
		/* Through a thread too: it must not wait for the sleepers. */
		d = e2e_async_ioctl(e->hsm, round ? ACRN_IOCTL_DESTROY_VM :
				    ACRN_IOCTL_DESTROY_IOREQ_CLIENT, NULL);
		ASSERT_NE(NULL, d);
		ASSERT_EQ(0, e2e_async_join(d, WAIT_MS));
		e2e_async_free(&d);
		for (i = 0; i < 3; i++) {
			EXPECT_EQ(ENODEV, e2e_async_join(a[i], WAIT_MS));
			e2e_async_free(&a[i]);
		}
		if (!round) {
			EXPECT_EQ(ENODEV, e2e_vm_ioctl(e, ACRN_IOCTL_ATTACH_IOREQ_CLIENT));
			ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
		} else {
			EXPECT_EQ(EINVAL, e2e_vm_ioctl(e, ACRN_IOCTL_ATTACH_IOREQ_CLIENT));
			EXPECT_EQ(HVSIM_VM_POWERED_OFF, e2e_state(e->hv, e->cv.vmid));
		}
	}
}

/* Bad NOTIFYs change nothing; the owned request completes only on a good one. */
TEST_F(hsm, notify_bad)
{
	static const __u32 bad_vcpus[] = {
		2, 3, ACRN_IO_REQUEST_MAX, 0x10000, 0x10001, 0x80000000, 0xffffffff,
	};
	struct e2e *e = &self->e;
	struct acrn_ioreq_notify n;
	struct e2e_async *io, *io1;
	unsigned int i;

	ASSERT_EQ(0, e2e_start_vm(e, "notify", 2, 0));
	/* No client: NOTIFY finds nothing to complete. */
	EXPECT_EQ(EINVAL, e2e_notify(e->hsm, 0));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_CREATE_IOREQ_CLIENT));
	/* A FREE slot */
	EXPECT_EQ(EINVAL, e2e_notify(e->hsm, 0));
	EXPECT_EQ(ACRN_IOREQ_STATE_FREE, e2e_slot_state(e->ioreq, 0));

	io = e2e_guest_io_async(e, e->cv.vmid, 0, ACRN_IOREQ_TYPE_PORTIO,
				ACRN_IOREQ_DIR_READ, PORT, 4, 0);
	ASSERT_NE(NULL, io);
	ASSERT_EQ(0, e2e_slot_wait_dm(e->ioreq, 0, WAIT_MS));
	e2e_slot(e->ioreq, 0)->reqs.pio_request.value = 0x600dbeef;

	memset(&n, 0, sizeof(n));
	n.reserved = 1;
	EXPECT_EQ(EINVAL, e2e_ioctl(e->hsm, ACRN_IOCTL_NOTIFY_REQUEST_FINISH, &n));
	n.reserved = 0x8000;
	EXPECT_EQ(EINVAL, e2e_ioctl(e->hsm, ACRN_IOCTL_NOTIFY_REQUEST_FINISH, &n));
	for (i = 0; i < ARRAY_SIZE(bad_vcpus); i++) {
		if (e2e_notify(e->hsm, bad_vcpus[i]) != EINVAL)
			TH_LOG("vcpu %#x", bad_vcpus[i]);
		EXPECT_EQ(EINVAL, e2e_notify(e->hsm, bad_vcpus[i]));
	}
	/* vCPU 1 exists but has no request. */
	EXPECT_EQ(EINVAL, e2e_notify(e->hsm, 1));
	EXPECT_EQ(ACRN_IOREQ_STATE_FREE, e2e_slot_state(e->ioreq, 1));
	EXPECT_EQ(EFAULT, e2e_ioctl(e->hsm, ACRN_IOCTL_NOTIFY_REQUEST_FINISH, NULL));
	EXPECT_EQ(EFAULT, e2e_ioctl(e->hsm, ACRN_IOCTL_NOTIFY_REQUEST_FINISH, e2e_hole()));

	/* vCPU 1's request, PENDING: published without an upcall. */
	io1 = e2e_guest_io_start(e, &(struct hvsim_io){
		.vmid = e->cv.vmid, .vcpu = 1, .type = ACRN_IOREQ_TYPE_PORTIO,
		.direction = ACRN_IOREQ_DIR_READ, .size = 1, .address = PORT + 1,
		.flags = HVSIM_IO_NO_UPCALL,
	});
	ASSERT_NE(NULL, io1);
	ASSERT_EQ(0, e2e_slot_wait(e->ioreq, 1, ACRN_IOREQ_STATE_PENDING, WAIT_MS));
	EXPECT_EQ(EINVAL, e2e_notify(e->hsm, 1));
	EXPECT_EQ(ACRN_IOREQ_STATE_PENDING, e2e_slot_state(e->ioreq, 1));

	/* None of that touched vCPU 0's request. */
	usleep(50000);
	ASSERT_FALSE(e2e_async_done(io));
	ASSERT_EQ(ACRN_IOREQ_STATE_PROCESSING, e2e_slot_state(e->ioreq, 0));

	/* vmid is ignored. */
	n.vmid = 0xffff;
	n.reserved = 0;
	n.vcpu = 0;
	ASSERT_EQ(0, e2e_ioctl(e->hsm, ACRN_IOCTL_NOTIFY_REQUEST_FINISH, &n));
	ASSERT_EQ(0, e2e_async_join(io, WAIT_MS));
	EXPECT_EQ(0x600dbeefULL, io->io.value);
	EXPECT_EQ(EINVAL, e2e_notify(e->hsm, 0));

	/* The next upcall (vCPU 0's) dispatches vCPU 1's request too. */
	e2e_async_free(&io);
	io = e2e_guest_io_async(e, e->cv.vmid, 0, ACRN_IOREQ_TYPE_PORTIO,
				ACRN_IOREQ_DIR_WRITE, PORT, 4, 1);
	ASSERT_NE(NULL, io);
	ASSERT_EQ(0, e2e_slot_wait_dm(e->ioreq, 0, WAIT_MS));
	ASSERT_EQ(0, e2e_slot_wait_dm(e->ioreq, 1, WAIT_MS));
	e2e_slot(e->ioreq, 1)->reqs.pio_request.value = 0x42;
	ASSERT_EQ(0, e2e_notify(e->hsm, 1));
	ASSERT_EQ(0, e2e_notify(e->hsm, 0));
	ASSERT_EQ(0, e2e_async_join(io1, WAIT_MS));
	EXPECT_EQ(0x42ULL, io1->io.value);
	ASSERT_EQ(0, e2e_async_join(io, WAIT_MS));
	e2e_async_free(&io);
	e2e_async_free(&io1);
}

/* Reads by vCPU 0 of the main VM, checked against @want. */
struct reader {
	struct e2e	*e;
	unsigned int	count;
	__u64		want;
	unsigned int	done;
	unsigned int	bad;
	int		err;
	int		finished;
};

static void *reader_main(void *p)
{
	struct reader *r = p;
	__u64 v;

	for (r->done = 0; r->done < r->count; r->done++) {
		v = 0;
		r->err = e2e_pio(r->e, 0, ACRN_IOREQ_DIR_READ, PORT, 4, &v);
		if (r->err)
			break;
		if (v != r->want)
			r->bad++;
	}
	__atomic_store_n(&r->finished, 1, __ATOMIC_RELEASE);
	return NULL;
}

/*
 * NOTIFY never completes a request a kernel client owns: the test's
 * device model hammers NOTIFY on the slot while a deferred (thread mode)
 * kernel client serves the guest's reads.
 */
TEST_F(hsm, notify_kernel_owned)
{
	static struct reader r;
	struct e2e *e = &self->e;
	struct e2e_kclient kc;
	unsigned long tries = 0;
	pthread_t thread;
	char name[32];
	int err, first = 0;

	if (access(E2E_TEST_DEBUGFS "/kclients", W_OK))
		SKIP(return, "no " E2E_TEST_DEBUGFS "/kclients");
	ASSERT_EQ(0, e2e_start_vm(e, "kowned", 1, 0));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_CREATE_IOREQ_CLIENT));
	e2e_kname(name, sizeof(name), "kowner");
	ASSERT_EQ(0, e2e_kclients("create %d %s thread 0x5a5a5a5a", e->hsm, name));
	ASSERT_EQ(0, e2e_kclients("add %s pio 0x%x 0x%x", name, PORT, PORT + 3));

	r.e = e;
	r.count = 300;
	r.want = 0x5a5a5a5a;
	ASSERT_EQ(0, pthread_create(&thread, NULL, reader_main, &r));
	while (!__atomic_load_n(&r.finished, __ATOMIC_ACQUIRE)) {
		err = e2e_notify(e->hsm, 0);
		tries++;
		if (err != EINVAL && !first)
			first = err ? err : -1;
	}
	pthread_join(thread, NULL);
	TH_LOG("%lu NOTIFYs during %u kernel-client reads", tries, r.count);
	EXPECT_EQ(0, first) TH_LOG("a NOTIFY answered %d", first);
	EXPECT_EQ(0, r.err);
	EXPECT_EQ(r.count, r.done);
	EXPECT_EQ(0U, r.bad);
	ASSERT_EQ(0, e2e_kclient_get(name, &kc));
	EXPECT_EQ((unsigned long long)r.count, kc.reads) TH_LOG("%s", kc.line);
	EXPECT_EQ(0, e2e_kclients("destroy %s", name));
}

/* DESTROY_IOREQ_CLIENT completes what the client owned: reads return all ones. */
TEST_F(hsm, destroy_client_owned)
{
	struct e2e *e = &self->e;
	struct e2e_async *io[3], *a;
	struct e2e_dm *dm;
	int i;

	ASSERT_EQ(0, e2e_start_vm(e, "owned", 3, 0));
	ASSERT_EQ(ENODEV, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_IOREQ_CLIENT));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_CREATE_IOREQ_CLIENT));
	io[0] = e2e_guest_io_async(e, e->cv.vmid, 0, ACRN_IOREQ_TYPE_PORTIO,
				   ACRN_IOREQ_DIR_READ, PORT, 2, 0);
	io[1] = e2e_guest_io_async(e, e->cv.vmid, 1, ACRN_IOREQ_TYPE_MMIO,
				   ACRN_IOREQ_DIR_READ, GPA, 8, 0);
	io[2] = e2e_guest_io_async(e, e->cv.vmid, 2, ACRN_IOREQ_TYPE_PORTIO,
				   ACRN_IOREQ_DIR_WRITE, PORT, 4, 0x1234);
	for (i = 0; i < 3; i++) {
		ASSERT_NE(NULL, io[i]);
		ASSERT_EQ(0, e2e_slot_wait_dm(e->ioreq, i, WAIT_MS));
	}
	/* Scribbled values must not leak into the completion. */
	e2e_slot(e->ioreq, 0)->reqs.pio_request.value = 0x1111;

	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_IOREQ_CLIENT));
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, e2e_async_join(io[i], WAIT_MS)) TH_LOG("vCPU %d", i);
	EXPECT_EQ(0xffffULL, io[0]->io.value);
	EXPECT_EQ(~0ULL, io[1]->io.value);
	for (i = 0; i < 3; i++) {
		EXPECT_EQ(0, e2e_slot_wait(e->ioreq, i, ACRN_IOREQ_STATE_FREE, WAIT_MS));
		EXPECT_EQ(EINVAL, e2e_notify(e->hsm, i));
		e2e_async_free(&io[i]);
	}

	/* A new client does not inherit them: its ATTACH sleeps. */
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_CREATE_IOREQ_CLIENT));
	a = e2e_async_ioctl(e->hsm, ACRN_IOCTL_ATTACH_IOREQ_CLIENT, NULL);
	ASSERT_NE(NULL, a);
	EXPECT_EQ(E2E_RUNNING, e2e_async_join(a, BLOCK_MS));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_IOREQ_CLIENT));
	EXPECT_EQ(ENODEV, e2e_async_join(a, WAIT_MS));
	e2e_async_free(&a);

	/* and serves new requests. */
	ASSERT_EQ(0, e2e_dm_start(e, &dm, record, NULL));
	io[0] = e2e_guest_io_async(e, e->cv.vmid, 1, ACRN_IOREQ_TYPE_PORTIO,
				   ACRN_IOREQ_DIR_READ, PORT, 4, 0);
	ASSERT_NE(NULL, io[0]);
	ASSERT_EQ(0, e2e_async_join(io[0], WAIT_MS));
	EXPECT_EQ(dm_value(PORT) & 0xffffffff, io[0]->io.value);
	e2e_async_free(&io[0]);
	EXPECT_EQ(1UL, e2e_dm_handled(dm));
	ASSERT_EQ(0, e2e_dm_stop(dm, WAIT_MS));
	EXPECT_EQ(0, dm->err);
	EXPECT_EQ(ENODEV, dm->exit_err);
}

/* CLEAR_VM_IOREQ with nothing in flight, with or without a client, changes nothing. */
TEST_F(hsm, clear_idle)
{
	struct e2e *e = &self->e;
	struct e2e_dm *dm;
	__u64 v;
	int i;

	ASSERT_EQ(0, e2e_start_vm(e, "clear", 2, 0));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_CLEAR_VM_IOREQ));
	ASSERT_EQ(0, e2e_dm_start(e, &dm, record, NULL));
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, e2e_ioctl(e->hsm, ACRN_IOCTL_CLEAR_VM_IOREQ,
				       i ? (void *)-1L : NULL));
		v = 0;
		ASSERT_EQ(0, e2e_mmio(e, i % 2, ACRN_IOREQ_DIR_READ, GPA + 8 * i, 4, &v));
		EXPECT_EQ(dm_value(GPA + 8 * i) & 0xffffffff, v);
	}
	EXPECT_EQ(3UL, e2e_dm_handled(dm));
	ASSERT_EQ(0, e2e_dm_stop(dm, WAIT_MS));
	EXPECT_EQ(0, dm->err);
	/* The client is gone; CLEAR does not mind. */
	EXPECT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_CLEAR_VM_IOREQ));
}

/*
 * CLEAR_VM_IOREQ completes requests the device model owns and requests
 * still PENDING, without emulating them; the VM's I/O works afterwards.
 */
TEST_F(hsm, clear_in_flight)
{
	struct e2e *e = &self->e;
	struct e2e_async *io[4], *a;
	struct hvsim_io r;
	int i, round, err;

	ASSERT_EQ(0, e2e_start_vm(e, "clearing", 4, 0));
	for (round = 0; round < 2; round++) {
		/* Round 0 with a client, round 1 without. */
		if (!round)
			ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_CREATE_IOREQ_CLIENT));
		for (i = 0; i < 4; i++) {
			e2e_io_init(&r, e->cv.vmid, i, i % 2 ? ACRN_IOREQ_TYPE_MMIO :
				    ACRN_IOREQ_TYPE_PORTIO, i < 2 ? ACRN_IOREQ_DIR_READ :
				    ACRN_IOREQ_DIR_WRITE, i % 2 ? GPA : PORT, 4, i);
			/* vCPUs 2 and 3 stay PENDING: no upcall. */
			if (i >= 2)
				r.flags = HVSIM_IO_NO_UPCALL;
			io[i] = e2e_guest_io_start(e, &r);
			ASSERT_NE(NULL, io[i]);
			if (i < 2 && !round)
				err = e2e_slot_wait_dm(e->ioreq, i, WAIT_MS);
			else
				err = e2e_slot_wait(e->ioreq, i, ACRN_IOREQ_STATE_PENDING,
						    WAIT_MS);
			ASSERT_EQ(0, err) TH_LOG("round %d vCPU %d", round, i);
		}
		usleep(BLOCK_MS * 1000);
		for (i = 0; i < 4; i++)
			ASSERT_FALSE(e2e_async_done(io[i])) TH_LOG("vCPU %d", i);
		EXPECT_EQ(ACRN_IOREQ_STATE_PENDING, e2e_slot_state(e->ioreq, 2));
		EXPECT_EQ(ACRN_IOREQ_STATE_PENDING, e2e_slot_state(e->ioreq, 3));

		ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_CLEAR_VM_IOREQ));
		for (i = 0; i < 4; i++) {
			EXPECT_EQ(0, e2e_async_join(io[i], WAIT_MS))
				TH_LOG("round %d vCPU %d", round, i);
			e2e_async_free(&io[i]);
			EXPECT_EQ(0, e2e_slot_wait(e->ioreq, i, ACRN_IOREQ_STATE_FREE, WAIT_MS));
			EXPECT_EQ(EINVAL, e2e_notify(e->hsm, i));
		}
		if (round)
			break;
		/* Nothing is left for the client. */
		a = e2e_async_ioctl(e->hsm, ACRN_IOCTL_ATTACH_IOREQ_CLIENT, NULL);
		ASSERT_NE(NULL, a);
		EXPECT_EQ(E2E_RUNNING, e2e_async_join(a, BLOCK_MS));
		/* New requests are dispatched again. */
		io[0] = e2e_guest_io_async(e, e->cv.vmid, 3, ACRN_IOREQ_TYPE_PORTIO,
					   ACRN_IOREQ_DIR_READ, PORT, 1, 0);
		ASSERT_NE(NULL, io[0]);
		ASSERT_EQ(0, e2e_async_join(a, WAIT_MS));
		e2e_async_free(&a);
		ASSERT_EQ(0, e2e_slot_wait_dm(e->ioreq, 3, WAIT_MS));
		e2e_slot(e->ioreq, 3)->reqs.pio_request.value = 0x99;
		ASSERT_EQ(0, e2e_notify(e->hsm, 3));
		ASSERT_EQ(0, e2e_async_join(io[0], WAIT_MS));
		EXPECT_EQ(0x99ULL, io[0]->io.value);
		e2e_async_free(&io[0]);
		ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_IOREQ_CLIENT));
	}
}

/* Requests made before the client exists wait, PENDING, and go to it once created. */
TEST_F(hsm, pending_before_client)
{
	struct e2e *e = &self->e;
	struct e2e_async *io[2];
	struct e2e_dm *dm;
	unsigned int i;

	ASSERT_EQ(0, e2e_start_vm(e, "early", 2, 0));
	io[0] = e2e_guest_io_async(e, e->cv.vmid, 0, ACRN_IOREQ_TYPE_PORTIO,
				   ACRN_IOREQ_DIR_WRITE, PORT + 4, 2, 0xbeef);
	io[1] = e2e_guest_io_async(e, e->cv.vmid, 1, ACRN_IOREQ_TYPE_MMIO,
				   ACRN_IOREQ_DIR_READ, GPA + 0x10, 4, 0);
	for (i = 0; i < 2; i++) {
		ASSERT_NE(NULL, io[i]);
		ASSERT_EQ(0, e2e_slot_wait(e->ioreq, i, ACRN_IOREQ_STATE_PENDING, WAIT_MS));
	}
	usleep(BLOCK_MS * 1000);
	for (i = 0; i < 2; i++) {
		ASSERT_FALSE(e2e_async_done(io[i]));
		EXPECT_EQ(ACRN_IOREQ_STATE_PENDING, e2e_slot_state(e->ioreq, i));
	}

	ASSERT_EQ(0, e2e_dm_start(e, &dm, record, NULL));
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, e2e_async_join(io[i], WAIT_MS));
	EXPECT_EQ(dm_value(GPA + 0x10) & 0xffffffff, io[1]->io.value);
	EXPECT_EQ(2UL, e2e_dm_wait(dm, 2, WAIT_MS));
	ASSERT_EQ(2U, nrecs_now());
	for (i = 0; i < 2; i++) {
		const struct acrn_io_request *req = &recs[i].req;

		if (recs[i].vcpu == 0) {
			EXPECT_EQ(ACRN_IOREQ_TYPE_PORTIO, req->type);
			EXPECT_EQ(ACRN_IOREQ_DIR_WRITE, e2e_req_dir(req));
			EXPECT_EQ(PORT + 4, e2e_req_addr(req));
			EXPECT_EQ(2ULL, e2e_req_size(req));
			EXPECT_EQ(0xbeefULL, e2e_req_value(req));
		} else {
			EXPECT_EQ(1U, recs[i].vcpu);
			EXPECT_EQ(ACRN_IOREQ_TYPE_MMIO, req->type);
			EXPECT_EQ(ACRN_IOREQ_DIR_READ, e2e_req_dir(req));
			EXPECT_EQ(GPA + 0x10, e2e_req_addr(req));
			EXPECT_EQ(4ULL, e2e_req_size(req));
		}
	}
	e2e_async_free(&io[0]);
	e2e_async_free(&io[1]);
	ASSERT_EQ(0, e2e_dm_stop(dm, WAIT_MS));
	EXPECT_EQ(0, dm->err);
}

/* 0xCF8 (4 bytes) latches the address per VM, in the kernel. */
TEST_F(hsm, pci_cf8)
{
	static const __u32 vals[] = { 0x80001234, 0x0, 0xffffffff, 0x8fabcdff };
	struct e2e *e = &self->e;
	struct e2e_dm *dm;
	unsigned int i;
	__u64 v;

	ASSERT_EQ(0, e2e_start_vm(e, "cf8", 1, 0));
	ASSERT_EQ(0, e2e_open_fd(e, 0));
	ASSERT_EQ(0, e2e_vm_up(e->fd[0], &e->fcv[0], e->page[0], "cf8b", 1, 0));
	ASSERT_EQ(0, e2e_dm_start(e, &dm, record, NULL));
	for (i = 0; i < ARRAY_SIZE(vals); i++) {
		v = vals[i];
		ASSERT_EQ(0, e2e_pio(e, 0, ACRN_IOREQ_DIR_WRITE, 0xcf8, 4, &v));
		v = 0x5555;
		ASSERT_EQ(0, e2e_guest_io(e, e->fcv[0].vmid, 0, ACRN_IOREQ_TYPE_PORTIO,
					  ACRN_IOREQ_DIR_WRITE, 0xcf8, 4, &v));
		v = 0;
		ASSERT_EQ(0, e2e_pio(e, 0, ACRN_IOREQ_DIR_READ, 0xcf8, 4, &v));
		EXPECT_EQ((__u64)vals[i], v);
		v = 0;
		ASSERT_EQ(0, e2e_guest_io(e, e->fcv[0].vmid, 0, ACRN_IOREQ_TYPE_PORTIO,
					  ACRN_IOREQ_DIR_READ, 0xcf8, 4, &v));
		EXPECT_EQ(0x5555ULL, v);
	}
	/* No client of the second VM, none needed; the device model saw nothing. */
	EXPECT_EQ(0UL, e2e_dm_handled(dm));
	EXPECT_EQ(0U, nrecs_now());
}

/* 0xCFC-0xCFF with the enable bit clear: reads all ones, writes dropped, in the kernel. */
TEST_F(hsm, pci_disabled)
{
	static const struct {
		__u16 port;
		__u8 size;
	} acc[] = {
		{ 0xcfc, 4 }, { 0xcfc, 2 }, { 0xcfe, 2 }, { 0xcfc, 1 },
		{ 0xcfd, 1 }, { 0xcfe, 1 }, { 0xcff, 1 }, { 0xcfd, 2 },
	};
	static const __u32 addrs[] = { 0, 0x7fffff00, 0x00fff8fc };
	__u64 requests, kernel, dm_requests, v;
	struct e2e *e = &self->e;
	struct e2e_dm *dm;
	unsigned int i, j;

	ASSERT_EQ(0, e2e_start_vm(e, "pcioff", 1, 0));
	ASSERT_EQ(0, e2e_dm_start(e, &dm, record, NULL));
	requests = e2e_hsm_stat("requests");
	kernel = e2e_hsm_stat("kernel_completed");
	dm_requests = e2e_hsm_stat("dm_requests");
	for (j = 0; j < ARRAY_SIZE(addrs); j++) {
		v = addrs[j];
		ASSERT_EQ(0, e2e_pio(e, 0, ACRN_IOREQ_DIR_WRITE, 0xcf8, 4, &v));
		for (i = 0; i < ARRAY_SIZE(acc); i++) {
			v = 0;
			ASSERT_EQ(0, e2e_pio(e, 0, ACRN_IOREQ_DIR_READ, acc[i].port,
					     acc[i].size, &v));
			EXPECT_EQ(e2e_mask(acc[i].size), v)
				TH_LOG("%#x/%u", acc[i].port, acc[i].size);
			v = 0x12345678;
			ASSERT_EQ(0, e2e_pio(e, 0, ACRN_IOREQ_DIR_WRITE, acc[i].port,
					     acc[i].size, &v));
		}
	}
	EXPECT_EQ(0UL, e2e_dm_handled(dm));
	EXPECT_EQ(0U, nrecs_now());
	/* The debugfs counters agree (when there are any). */
	i = ARRAY_SIZE(addrs) * (1 + 2 * ARRAY_SIZE(acc));
	if (requests != ~0ULL) {
		EXPECT_EQ(requests + i, e2e_hsm_stat("requests"));
		EXPECT_EQ(kernel + i, e2e_hsm_stat("kernel_completed"));
		EXPECT_EQ(dm_requests, e2e_hsm_stat("dm_requests"));
	}
	/* With the bit set the device model gets them. */
	v = 0x80000000;
	ASSERT_EQ(0, e2e_pio(e, 0, ACRN_IOREQ_DIR_WRITE, 0xcf8, 4, &v));
	ASSERT_EQ(0, e2e_pio(e, 0, ACRN_IOREQ_DIR_READ, 0xcfc, 4, &v));
	EXPECT_EQ(1UL, e2e_dm_handled(dm));
	if (dm_requests != ~0ULL)
		EXPECT_EQ(dm_requests + 1, e2e_hsm_stat("dm_requests"));
}

/*
 * With the enable bit set the access reaches the device model as a
 * PCICFG request: bus 23:16, device 15:11, function 10:8, register 7:2
 * plus extended register bits 27:24 (register 11:8), plus the byte offset
 * of the data port.
 */
TEST_F(hsm, pci_enabled)
{
	static const struct {
		__u32 bus, dev, func, reg, ext;
		__u16 port;
		__u8 size;
	} c[] = {
		{ 0, 0, 0, 0x00, 0x0, 0xcfc, 4 },
		{ 0x12, 0x1f, 7, 0xfc, 0xf, 0xcfe, 2 },
		{ 0xff, 3, 2, 0x40, 0x1, 0xcfd, 1 },
		{ 1, 2, 3, 0x13, 0x0, 0xcff, 1 },	/* bits 1:0 of the address ignored */
		{ 0x80, 0x10, 5, 0x84, 0xa, 0xcfc, 2 },
		{ 0, 31, 0, 0x3c, 0x5, 0xcfc, 1 },
	};
	struct e2e *e = &self->e;
	const struct acrn_pci_request *p;
	struct e2e_dm *dm;
	unsigned int i, n = 0;
	__u32 reg, addr;
	__u64 v, want;
	int dir;

	ASSERT_EQ(0, e2e_start_vm(e, "pcion", 1, 0));
	ASSERT_EQ(0, e2e_dm_start(e, &dm, record, NULL));
	for (i = 0; i < ARRAY_SIZE(c); i++) {
		addr = 0x80000000 | c[i].ext << 24 | c[i].bus << 16 |
		       c[i].dev << 11 | c[i].func << 8 | c[i].reg;
		reg = (c[i].reg & 0xfc) + (c[i].ext << 8) + c[i].port - 0xcfc;
		v = addr;
		ASSERT_EQ(0, e2e_pio(e, 0, ACRN_IOREQ_DIR_WRITE, 0xcf8, 4, &v));
		for (dir = ACRN_IOREQ_DIR_READ; dir <= ACRN_IOREQ_DIR_WRITE; dir++) {
			v = 0xa5c3e1f7;
			ASSERT_EQ(0, e2e_pio(e, 0, dir, c[i].port, c[i].size, &v));
			ASSERT_EQ(n + 1, nrecs_now()) TH_LOG("case %u", i);
			p = &recs[n++].req.reqs.pci_request;
			EXPECT_EQ(ACRN_IOREQ_TYPE_PCICFG, recs[n - 1].req.type);
			EXPECT_EQ((__u32)dir, p->direction);
			EXPECT_EQ(c[i].bus, p->bus) TH_LOG("case %u", i);
			EXPECT_EQ(c[i].dev, p->dev) TH_LOG("case %u", i);
			EXPECT_EQ(c[i].func, p->func) TH_LOG("case %u", i);
			EXPECT_EQ(reg, p->reg) TH_LOG("case %u", i);
			EXPECT_EQ((__u64)c[i].size, p->size);
			/* A read's value came from the device model, a write's went there. */
			want = dir ? 0xa5c3e1f7 : dm_value(reg);
			EXPECT_EQ(want & e2e_mask(c[i].size), dir ? p->value : v);
		}
		/* The address stays latched. */
		v = 0;
		ASSERT_EQ(0, e2e_pio(e, 0, ACRN_IOREQ_DIR_READ, 0xcf8, 4, &v));
		EXPECT_EQ((__u64)addr, v);
	}
	/* An access running past 0xCFF is plain port I/O. */
	ASSERT_EQ(0, e2e_pio(e, 0, ACRN_IOREQ_DIR_READ, 0xcfe, 4, &v));
	ASSERT_EQ(n + 1, nrecs_now());
	EXPECT_EQ(ACRN_IOREQ_TYPE_PORTIO, recs[n].req.type);
	EXPECT_EQ(0xcfeULL, recs[n].req.reqs.pio_request.address);
	EXPECT_EQ(dm_value(0xcfe) & 0xffffffff, v);
	EXPECT_EQ((unsigned long)n + 1, e2e_dm_handled(dm));
}

/* 0xCF8 with a size other than 4 is plain port I/O for the device model; no WARN. */
TEST_F(hsm, pci_cf8_odd_size)
{
	static const struct {
		__u16 port;
		__u8 size;
	} acc[] = {
		{ 0xcf8, 1 }, { 0xcf8, 2 }, { 0xcf9, 1 }, { 0xcfa, 2 }, { 0xcfb, 1 },
	};
	struct e2e *e = &self->e;
	bool warned = tainted_warn();
	struct e2e_dm *dm;
	unsigned int i, n = 0;
	__u64 v, want;
	int dir;

	ASSERT_EQ(0, e2e_start_vm(e, "cf8odd", 1, 0));
	ASSERT_EQ(0, e2e_dm_start(e, &dm, record, NULL));
	v = 0x80002300;
	ASSERT_EQ(0, e2e_pio(e, 0, ACRN_IOREQ_DIR_WRITE, 0xcf8, 4, &v));
	for (i = 0; i < ARRAY_SIZE(acc); i++) {
		for (dir = ACRN_IOREQ_DIR_READ; dir <= ACRN_IOREQ_DIR_WRITE; dir++) {
			v = 0x11;
			ASSERT_EQ(0, e2e_pio(e, 0, dir, acc[i].port, acc[i].size, &v));
			ASSERT_EQ(n + 1, nrecs_now());
			EXPECT_EQ(ACRN_IOREQ_TYPE_PORTIO, recs[n].req.type);
			EXPECT_EQ((__u64)acc[i].port, recs[n].req.reqs.pio_request.address);
			EXPECT_EQ((__u64)acc[i].size, recs[n].req.reqs.pio_request.size);
			EXPECT_EQ((__u32)dir, recs[n].req.reqs.pio_request.direction);
			want = dir ? 0x11 : dm_value(acc[i].port) & e2e_mask(acc[i].size);
			EXPECT_EQ(want, dir ? recs[n].req.reqs.pio_request.value : v);
			n++;
		}
	}
	/* The latched address did not change. */
	ASSERT_EQ(0, e2e_pio(e, 0, ACRN_IOREQ_DIR_READ, 0xcf8, 4, &v));
	EXPECT_EQ(0x80002300ULL, v);
	EXPECT_EQ((unsigned long)n, e2e_dm_handled(dm));
	if (!warned)
		EXPECT_FALSE(tainted_warn());
}

FIXTURE(completion) {
	struct e2e e;
};

FIXTURE_VARIANT(completion) {
	bool polling;
};

FIXTURE_VARIANT_ADD(completion, notify) {
	.polling = false,
};

FIXTURE_VARIANT_ADD(completion, polling) {
	.polling = true,
};

FIXTURE_SETUP(completion)
{
	e2e_setup(_metadata, &self->e);
}

FIXTURE_TEARDOWN(completion)
{
	e2e_teardown(_metadata, &self->e);
}

/*
 * With GUEST_FLAG_IO_COMPLETION_POLLING the slots say completion_polling
 * and the HSM makes no HC_NOTIFY_REQUEST_FINISH; without it, exactly one
 * per request (device model's or completed in the kernel).
 */
TEST_F(completion, mode)
{
	struct e2e *e = &self->e;
	unsigned int i, n = 20;
	__u64 hc, notifies, v;
	struct e2e_dm *dm;

	ASSERT_EQ(0, e2e_start_vm(e, variant->polling ? "poll" : "notif", 2,
				  variant->polling ? E2E_GUEST_FLAG_IO_COMPLETION_POLLING : 0));
	ASSERT_EQ(0, e2e_dm_start(e, &dm, record, NULL));
	hc = e2e_hc(e->hv, E2E_HC_NOTIFY);
	notifies = e2e_hsm_stat("notifies");
	for (i = 0; i < n; i++) {
		v = i;
		ASSERT_EQ(0, e2e_mmio(e, i % 2, i % 3 ? ACRN_IOREQ_DIR_READ :
				      ACRN_IOREQ_DIR_WRITE, GPA + i * 8, 8, &v));
		if (i % 3)
			EXPECT_EQ(dm_value(GPA + i * 8), v);
	}
	/* One completed in the kernel */
	v = 0x80000000;
	ASSERT_EQ(0, e2e_pio(e, 1, ACRN_IOREQ_DIR_WRITE, 0xcf8, 4, &v));
	EXPECT_EQ(variant->polling ? hc : hc + n + 1, e2e_hc(e->hv, E2E_HC_NOTIFY));
	if (notifies != ~0ULL)
		EXPECT_EQ(variant->polling ? notifies : notifies + n + 1,
			  e2e_hsm_stat("notifies"));
	EXPECT_EQ((unsigned long)n, e2e_dm_handled(dm));
	ASSERT_EQ(n, nrecs_now());
	for (i = 0; i < n; i++)
		EXPECT_EQ(variant->polling ? 1U : 0U, recs[i].req.completion_polling);
	ASSERT_EQ(0, e2e_dm_stop(dm, WAIT_MS));
	EXPECT_EQ(0, dm->err);
}

TEST_HARNESS_MAIN
