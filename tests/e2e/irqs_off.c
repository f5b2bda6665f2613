// SPDX-License-Identifier: GPL-2.0
/*
 * End-to-end tests of the hypercalls the HSM makes with interrupts off.
 *
 * RESET_VM and DESTROY_VM take as long as the hypervisor needs, so the
 * HSM makes them with interrupts on, having quiesced the VM: completions
 * made meanwhile are held and go out if the hypervisor refuses, irqfd
 * injections wait for the answer. An irqfd's injection is made by a
 * worker, not in the eventfd's wakeup (interrupts off). The simulator
 * sees each caller's interrupt flag (HVSIM_IOCTL_GET_IRQS_OFF), as the
 * real hypervisor does.
 *
 *  - reset and destroy, with a request in flight and an irqfd assigned
 *    and signalled, are made with interrupts on; only
 *    NOTIFY_REQUEST_FINISH ever runs with them off;
 *  - a refused reset leaves the request to the device model;
 *  - a refused destroy leaves the irqfd injecting;
 *  - refused resets racing a device model and a guest lose no completion.
 */
#include <sys/eventfd.h>

#include "e2e.h"

#define WAIT_MS		5000
#define PORT		0x3f8
#define MSI_ADDR	0xfee00000ULL
#define MSI_DATA	0x41ULL
#define NR_VCPUS	4
#define LOOP_COUNT	400

static int irqs_off(int hv, struct hvsim_irqs_off *out)
{
	return hvsim_get_irqs_off(hv, out) ? errno : 0;
}

/* Interrupts-off calls of hypercalls other than NOTIFY_REQUEST_FINISH. */
static __u64 irqs_off_others(const struct hvsim_irqs_off *st)
{
	__u64 n = 0;
	int i;

	for (i = 0; i < HVSIM_NR_HYPERCALLS; i++)
		if (i != HVSIM_HC_NOTIFY_REQUEST_FINISH)
			n += st->calls[i];
	return n;
}

/* A port read by vCPU @vcpu in a thread, left PROCESSING for the DM. */
static struct e2e_async *read_in_flight(struct e2e *e, unsigned int vcpu)
{
	struct hvsim_io io;

	e2e_io_init(&io, e->cv.vmid, vcpu, ACRN_IOREQ_TYPE_PORTIO,
		    ACRN_IOREQ_DIR_READ, PORT, 1, 0);
	return e2e_guest_io_start(e, &io);
}

static int irqfd_assign(int fd, int efd)
{
	struct acrn_irqfd args = {
		.fd = efd,
		.msi = { .msi_addr = MSI_ADDR, .msi_data = MSI_DATA },
	};

	return e2e_ioctl(fd, ACRN_IOCTL_IRQFD, &args);
}

/* Events of slot @vmid since @since that contain "msi": count or -errno. */
static int msi_events(int hv, unsigned int vmid, __u64 since)
{
	static struct hvsim_event ev[HVSIM_EVENTS_MAX];
	unsigned int got, i;
	int n = 0;

	if (hvsim_get_events(hv, vmid, since, ev, HVSIM_EVENTS_MAX, &got, NULL))
		return -errno;
	for (i = 0; i < got; i++) {
		ev[i].text[HVSIM_EVENT_TEXT - 1] = '\0';
		if (strstr(ev[i].text, "msi "))
			n++;
	}
	return n;
}

static __u64 last_seq(int hv, unsigned int vmid)
{
	__u64 last = 0;

	hvsim_get_events(hv, vmid, 0, NULL, 0, NULL, &last);
	return last;
}

/* Signal @efd once and wait for the MSI: the MSIs seen since @since. */
static int signal_msi(struct e2e *e, int efd, __u64 since, int want)
{
	__u64 one = 1;
	int n = 0, i;

	if (write(efd, &one, sizeof(one)) != (ssize_t)sizeof(one))
		return -errno;
	for (i = 0; i < WAIT_MS && n < want; i += 10) {
		n = msi_events(e->hv, e->cv.vmid, since);
		if (n < want)
			usleep(10000);
	}
	return n;
}

/*
 * RESET and DESTROY with a request held by the device model and an irqfd
 * assigned: both run with interrupts on. The reset forgets the request.
 */
TEST_F(hsm, reset_destroy_irqs_on)
{
	struct e2e *e = &self->e;
	struct hvsim_irqs_off before, after;
	struct e2e_async *io;
	__u64 resets, destroys, since;
	int efd, i;

	ASSERT_EQ(0, irqs_off(e->hv, &before));
	resets = e2e_hc(e->hv, HVSIM_HC_RESET_VM);
	destroys = e2e_hc(e->hv, HVSIM_HC_DESTROY_VM);

	ASSERT_EQ(0, e2e_start_vm(e, "irqson", 2, 0));
	ASSERT_EQ(0, e2e_ioctl(e->hsm, ACRN_IOCTL_CREATE_IOREQ_CLIENT, NULL));
	efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	ASSERT_LE(0, efd);
	ASSERT_EQ(0, irqfd_assign(e->hsm, efd));
	since = last_seq(e->hv, e->cv.vmid);
	for (i = 1; i <= 3; i++)
		EXPECT_EQ(i, signal_msi(e, efd, since, i));
	io = read_in_flight(e, 0);
	ASSERT_NE(NULL, io);
	ASSERT_EQ(0, e2e_slot_wait_dm(e->ioreq, 0, WAIT_MS));

	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_PAUSE_VM));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_RESET_VM));
	EXPECT_EQ(ECANCELED, e2e_async_join(io, WAIT_MS));
	e2e_async_free(&io);
	/* Forgotten: the device model has nothing to complete. */
	EXPECT_EQ(EINVAL, e2e_notify(e->hsm, 0));

	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_START_VM));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
	close(efd);

	ASSERT_EQ(0, irqs_off(e->hv, &after));
	EXPECT_EQ(resets + 1, e2e_hc(e->hv, HVSIM_HC_RESET_VM));
	EXPECT_EQ(destroys + 1, e2e_hc(e->hv, HVSIM_HC_DESTROY_VM));
	EXPECT_EQ(before.calls[HVSIM_HC_RESET_VM], after.calls[HVSIM_HC_RESET_VM]);
	EXPECT_EQ(before.calls[HVSIM_HC_DESTROY_VM],
		  after.calls[HVSIM_HC_DESTROY_VM]);
	EXPECT_EQ(irqs_off_others(&before), irqs_off_others(&after));
	TH_LOG("interrupts off: NOTIFY %llu calls, longest %llu ns",
	       (unsigned long long)after.calls[HVSIM_HC_NOTIFY_REQUEST_FINISH],
	       (unsigned long long)after.max_ns[HVSIM_HC_NOTIFY_REQUEST_FINISH]);
	TH_LOG("interrupts off: INJECT_MSI %llu calls, longest %llu ns",
	       (unsigned long long)after.calls[HVSIM_HC_INJECT_MSI],
	       (unsigned long long)after.max_ns[HVSIM_HC_INJECT_MSI]);
}

/* A refused reset changes nothing: the device model still completes. */
TEST_F(hsm, refused_reset_keeps_request)
{
	struct e2e *e = &self->e;
	struct e2e_async *io;

	ASSERT_EQ(0, e2e_start_vm(e, "rreset", 2, 0));
	ASSERT_EQ(0, e2e_ioctl(e->hsm, ACRN_IOCTL_CREATE_IOREQ_CLIENT, NULL));
	io = read_in_flight(e, 1);
	ASSERT_NE(NULL, io);
	ASSERT_EQ(0, e2e_slot_wait_dm(e->ioreq, 1, WAIT_MS));

	ASSERT_EQ(0, e2e_fail(e->hv, HVSIM_HC_RESET_VM, -1, 1));
	EXPECT_EQ(EBUSY, e2e_vm_ioctl(e, ACRN_IOCTL_RESET_VM));
	e2e_slot(e->ioreq, 1)->reqs.pio_request.value = 0x5a;
	EXPECT_EQ(0, e2e_notify(e->hsm, 1));
	EXPECT_EQ(0, e2e_async_join(io, WAIT_MS));
	EXPECT_EQ(0x5aULL, io->io.value);
	e2e_async_free(&io);
	EXPECT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
}

/* A refused destroy leaves irqfds injecting, and the VM whole. */
TEST_F(hsm, refused_destroy_keeps_irqfd)
{
	struct e2e *e = &self->e;
	__u64 since;
	int efd;

	ASSERT_EQ(0, e2e_start_vm(e, "rdestroy", 2, 0));
	efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	ASSERT_LE(0, efd);
	ASSERT_EQ(0, irqfd_assign(e->hsm, efd));

	ASSERT_EQ(0, e2e_fail(e->hv, HVSIM_HC_DESTROY_VM, -1, 1));
	EXPECT_EQ(EBUSY, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
	EXPECT_EQ(HVSIM_VM_PAUSED, e2e_state(e->hv, e->cv.vmid));

	since = last_seq(e->hv, e->cv.vmid);
	EXPECT_EQ(1, signal_msi(e, efd, since, 1));
	EXPECT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
	close(efd);
}

static int stop_resets;

static void *refuse_resets(void *p)
{
	struct e2e *e = p;
	long n = 0;

	while (!__atomic_load_n(&stop_resets, __ATOMIC_ACQUIRE)) {
		if (e2e_fail(e->hv, HVSIM_HC_RESET_VM, -1, 1) ||
		    e2e_vm_ioctl(e, ACRN_IOCTL_RESET_VM) != EBUSY)
			return (void *)-1L;
		n++;
	}
	return (void *)n;
}

/*
 * Refused resets racing a device model and a guest: completions made
 * while the VM is quiesced are held and published, none is lost.
 */
TEST_F(hsm, refused_resets_under_traffic)
{
	struct e2e *e = &self->e;
	struct hvsim_io_loop loop;
	unsigned int vcpus;
	struct e2e_dm *dm;
	pthread_t thread;
	void *resets;

	vcpus = e->info.pcpus >= NR_VCPUS ? NR_VCPUS : e->info.pcpus;
	ASSERT_EQ(0, e2e_start_vm(e, "rtraffic", vcpus, 0));
	ASSERT_EQ(0, e2e_dm_start(e, &dm, NULL, NULL));

	memset(&loop, 0, sizeof(loop));
	e2e_io_init(&loop.io, e->cv.vmid, 0, ACRN_IOREQ_TYPE_PORTIO,
		    ACRN_IOREQ_DIR_WRITE, PORT, 1, 0x41);
	loop.vcpus = vcpus;
	loop.count = LOOP_COUNT;
	ASSERT_EQ(0, pthread_create(&thread, NULL, refuse_resets, e));
	EXPECT_EQ(0, e2e_ioctl(e->hv, HVSIM_IOCTL_GUEST_LOOP, &loop));
	__atomic_store_n(&stop_resets, 1, __ATOMIC_RELEASE);
	ASSERT_EQ(0, pthread_join(thread, &resets));
	e2e_fail(e->hv, HVSIM_HC_RESET_VM, -1, 0);

	TH_LOG("%ld refused resets during %u x %u guest writes",
	       (long)resets, vcpus, LOOP_COUNT);
	EXPECT_LT(0L, (long)resets);
	EXPECT_EQ((__u64)vcpus * LOOP_COUNT, loop.completed);
	EXPECT_EQ(0ULL, loop.failed);
	EXPECT_EQ(0, loop.first_error);
	ASSERT_EQ(0, e2e_dm_stop(dm, WAIT_MS));
	EXPECT_EQ(0, dm->err);
	EXPECT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
}

TEST_HARNESS_MAIN
