// SPDX-License-Identifier: GPL-2.0
/*
 * End-to-end tests of ACRN_IOCTL_IRQFD: eventfds that inject an MSI into
 * a User VM each time they are signalled.
 *
 * An injection is the hypercall HC_INJECT_MSI, which the simulated
 * hypervisor logs as "msi addr=0x... data=0x..." in the VM's event log
 * (HVSIM_IOCTL_GET_EVENTS) when it accepts it; its hypercall counter
 * counts refused calls too. Covered:
 *  - assign, then each write(eventfd) injects the configured MSI exactly
 *    once, and the irqfd consumes the eventfd's counter (a non-blocking
 *    read gets EAGAIN);
 *  - a count pending at assign time injects exactly once;
 *  - deassign stops the injections and detaches the eventfd (its counter
 *    accumulates again); deassigning an eventfd that is not bound is 0;
 *  - an eventfd is an irqfd of at most one VM: EBUSY on the same VM and
 *    on another one; an epoll on it is no obstacle (and sees no signal
 *    while the irqfd takes them); two eventfds with their own MSIs;
 *  - close(eventfd) while assigned: the irqfd goes by itself, a new one
 *    works, and assign/close cycles do not run into the 1024 limit;
 *  - errors: EBADF, EINVAL (not an eventfd, unknown flags, no VM), EFAULT;
 *  - an MSI address the hypervisor refuses: assign works, a write makes
 *    the hypercall, consumes the count and logs nothing;
 *  - DESTROY_VM and close(/dev/acrn_hsm) with irqfds assigned: nothing is
 *    injected afterwards, writes are harmless, the eventfds are free for
 *    another VM.
 */
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>

#include "e2e.h"

/* MSIs the tests configure (the hypervisor accepts 0xfeexxxxx) */
#define MSI_A_ADDR	0xfee01000ULL
#define MSI_A_DATA	0x31ULL
#define MSI_B_ADDR	0xfee02000ULL
#define MSI_B_DATA	0x4142ULL
/* Not an MSI address: the hypervisor refuses it at injection. */
#define MSI_BAD_ADDR	0x12345000ULL

/* How long an injection may take to show up, and how long to wait for none. */
#define IRQ_WAIT_MS	2000
#define IRQ_QUIET_MS	30

static int irq_assign(int fd, int efd, __u64 addr, __u64 data)
{
	struct acrn_irqfd args = {
		.fd = efd,
		.msi = { .msi_addr = addr, .msi_data = data },
	};

	return e2e_ioctl(fd, ACRN_IOCTL_IRQFD, &args);
}

static int irq_deassign(int fd, int efd)
{
	struct acrn_irqfd args = { .fd = efd, .flags = ACRN_IRQFD_FLAG_DEASSIGN };

	return e2e_ioctl(fd, ACRN_IOCTL_IRQFD, &args);
}

static int irq_flags(int fd, int efd, __u32 flags)
{
	struct acrn_irqfd args = {
		.fd = efd,
		.flags = flags,
		.msi = { .msi_addr = MSI_A_ADDR, .msi_data = MSI_A_DATA },
	};

	return e2e_ioctl(fd, ACRN_IOCTL_IRQFD, &args);
}

static int irq_efd(void)
{
	return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
}

/* write(@efd, @n): 0 or errno. */
static int irq_signal(int efd, __u64 n)
{
	return write(efd, &n, sizeof(n)) == sizeof(n) ? 0 : errno;
}

/* Non-blocking read of @efd: its count, or -errno (-EAGAIN: zero). */
static long long irq_count(int efd)
{
	__u64 v;

	return read(efd, &v, sizeof(v)) == sizeof(v) ? (long long)v : -errno;
}

/* Newest sequence number of slot @vmid's log (0 if empty), ~0 on error. */
static __u64 irq_seq(int hv, unsigned int vmid)
{
	__u64 last;

	return hvsim_get_events(hv, vmid, 0, NULL, 0, NULL, &last) ? ~0ULL : last;
}

/* Events of slot @vmid after @since into @ev (up to @max): count or -errno. */
static int irq_events(int hv, unsigned int vmid, __u64 since,
		      struct hvsim_event *ev, unsigned int max)
{
	unsigned int got, i;
	int err;

	err = hvsim_get_events(hv, vmid, since, ev, max, &got, NULL);
	if (err)
		return err;
	for (i = 0; i < got; i++)
		ev[i].text[HVSIM_EVENT_TEXT - 1] = '\0';
	return got;
}

/* Poll until slot @vmid has @n events after @since or @ms pass: the count. */
static int irq_wait(int hv, unsigned int vmid, __u64 since, int n, long ms)
{
	static struct hvsim_event ev[HVSIM_EVENTS_MAX];
	struct timespec t0;
	int got;

	e2e_now(&t0);
	while ((got = irq_events(hv, vmid, since, ev, HVSIM_EVENTS_MAX)) >= 0 &&
	       got < n && e2e_ms_since(&t0) < ms)
		usleep(1000);
	return got;
}

/* Poll until HC_INJECT_MSI was called @n times in all, or @ms pass. */
static __u64 irq_wait_hc(int hv, __u64 n, long ms)
{
	struct timespec t0;
	__u64 c;

	e2e_now(&t0);
	while ((c = e2e_hc(hv, HVSIM_HC_INJECT_MSI)) < n && e2e_ms_since(&t0) < ms)
		usleep(1000);
	return c;
}

static const char *irq_text(char *buf, __u64 addr, __u64 data)
{
	snprintf(buf, HVSIM_EVENT_TEXT, "msi addr=0x%llx data=0x%llx",
		 (unsigned long long)addr, (unsigned long long)data);
	return buf;
}

/*
 * Exactly @n new events in slot @vmid since @since, all the MSI
 * @addr/@data: waits for them, then IRQ_QUIET_MS more for extra ones.
 * @line is the caller's, for the log.
 */
static void irq_expect(struct __test_metadata *_metadata, int hv, int line,
		       unsigned int vmid, __u64 since, int n, __u64 addr,
		       __u64 data)
{
	static struct hvsim_event ev[HVSIM_EVENTS_MAX];
	char want[HVSIM_EVENT_TEXT];
	int i, got;

	irq_text(want, addr, data);
	irq_wait(hv, vmid, since, n, IRQ_WAIT_MS);
	usleep(IRQ_QUIET_MS * 1000);
	got = irq_events(hv, vmid, since, ev, HVSIM_EVENTS_MAX);
	if (got != n)
		TH_LOG("line %d: %d events, expected %d \"%s\"", line, got, n,
		       want);
	EXPECT_EQ(n, got);
	for (i = 0; i < got; i++) {
		if (strcmp(ev[i].text, want))
			TH_LOG("line %d: event %d: \"%s\", expected \"%s\"",
			       line, i, ev[i].text, want);
		EXPECT_STREQ(want, ev[i].text);
	}
}

#define EXPECT_MSIS(vmid, since, n, addr, data) \
	irq_expect(_metadata, e->hv, __LINE__, vmid, since, n, addr, data)

/* No new event in slot @vmid since @since, and no HC_INJECT_MSI since @hc. */
static void irq_quiet(struct __test_metadata *_metadata, int hv, int line,
		      unsigned int vmid, __u64 since, __u64 hc)
{
	int got;

	usleep(IRQ_QUIET_MS * 1000);
	got = irq_wait(hv, vmid, since, 0, 0);
	if (got || e2e_hc(hv, HVSIM_HC_INJECT_MSI) != hc)
		TH_LOG("line %d: %d events, %llu injections", line, got,
		       (unsigned long long)(e2e_hc(hv, HVSIM_HC_INJECT_MSI) - hc));
	EXPECT_EQ(0, got);
	EXPECT_EQ(hc, e2e_hc(hv, HVSIM_HC_INJECT_MSI));
}

#define EXPECT_QUIET(vmid, since, hc) \
	irq_quiet(_metadata, e->hv, __LINE__, vmid, since, hc)

/* A VM on the main file (created, not started: MSIs are accepted). */
static unsigned int irq_vm(struct __test_metadata *_metadata, struct e2e *e,
			   const char *tag)
{
	int err = e2e_create(e, tag, 0);

	EXPECT_EQ(0, err);
	return err ? 0 : e->cv.vmid;
}

/* --- injection --- */

/* One write, one MSI with the configured address and data. */
TEST_F(hsm, assign_signal)
{
	struct e2e *e = &self->e;
	unsigned int vmid = irq_vm(_metadata, e, "irqsig");
	int efd = irq_efd();
	__u64 seq, hc;

	ASSERT_NE(0, vmid);
	ASSERT_LE(0, efd);
	seq = irq_seq(e->hv, vmid);
	hc = e2e_hc(e->hv, HVSIM_HC_INJECT_MSI);
	ASSERT_EQ(0, irq_assign(e->hsm, efd, MSI_A_ADDR, MSI_A_DATA));
	/* Nothing pending: assigning injects nothing. */
	EXPECT_QUIET(vmid, seq, hc);

	ASSERT_EQ(0, irq_signal(efd, 1));
	EXPECT_MSIS(vmid, seq, 1, MSI_A_ADDR, MSI_A_DATA);
	EXPECT_EQ(hc + 1, e2e_hc(e->hv, HVSIM_HC_INJECT_MSI));
	/* The irqfd consumed the count. */
	EXPECT_EQ(-EAGAIN, irq_count(efd));

	EXPECT_EQ(0, irq_deassign(e->hsm, efd));
	close(efd);
}

/* N writes, each waited for: N MSIs, the counter consumed each time. */
TEST_F(hsm, signal_many)
{
	const int n = 64;
	struct e2e *e = &self->e;
	unsigned int vmid = irq_vm(_metadata, e, "irqmany");
	int efd = irq_efd();
	int i, got = 0;
	__u64 seq;

	ASSERT_NE(0, vmid);
	ASSERT_LE(0, efd);
	ASSERT_EQ(0, irq_assign(e->hsm, efd, MSI_B_ADDR, MSI_B_DATA));
	seq = irq_seq(e->hv, vmid);
	for (i = 0; i < n; i++) {
		ASSERT_EQ(0, irq_signal(efd, 1));
		got = irq_wait(e->hv, vmid, seq, i + 1, IRQ_WAIT_MS);
		if (got != i + 1)
			TH_LOG("write %d: %d events", i + 1, got);
		ASSERT_EQ(i + 1, got);
		EXPECT_EQ(-EAGAIN, irq_count(efd));
	}
	EXPECT_MSIS(vmid, seq, n, MSI_B_ADDR, MSI_B_DATA);
	EXPECT_EQ(0, irq_deassign(e->hsm, efd));
	close(efd);
}

/* A count already in the eventfd injects once, when the irqfd is assigned. */
TEST_F(hsm, pending_at_assign)
{
	struct e2e *e = &self->e;
	unsigned int vmid = irq_vm(_metadata, e, "irqpend");
	int efd = irq_efd();
	__u64 seq;

	ASSERT_NE(0, vmid);
	ASSERT_LE(0, efd);
	/* Three writes before the assign: a count of 3, one injection. */
	ASSERT_EQ(0, irq_signal(efd, 1));
	ASSERT_EQ(0, irq_signal(efd, 1));
	ASSERT_EQ(0, irq_signal(efd, 1));
	seq = irq_seq(e->hv, vmid);
	ASSERT_EQ(0, irq_assign(e->hsm, efd, MSI_A_ADDR, MSI_A_DATA));
	EXPECT_MSIS(vmid, seq, 1, MSI_A_ADDR, MSI_A_DATA);
	EXPECT_EQ(-EAGAIN, irq_count(efd));

	/* Then one per write again. */
	seq = irq_seq(e->hv, vmid);
	ASSERT_EQ(0, irq_signal(efd, 1));
	EXPECT_MSIS(vmid, seq, 1, MSI_A_ADDR, MSI_A_DATA);
	EXPECT_EQ(-EAGAIN, irq_count(efd));
	EXPECT_EQ(0, irq_deassign(e->hsm, efd));
	close(efd);
}

/* After deassign: no injection, and the eventfd counts as any eventfd. */
TEST_F(hsm, deassign_stops)
{
	struct e2e *e = &self->e;
	unsigned int vmid = irq_vm(_metadata, e, "irqdeas");
	int efd = irq_efd();
	__u64 seq, hc;

	ASSERT_NE(0, vmid);
	ASSERT_LE(0, efd);
	ASSERT_EQ(0, irq_assign(e->hsm, efd, MSI_A_ADDR, MSI_A_DATA));
	seq = irq_seq(e->hv, vmid);
	ASSERT_EQ(0, irq_signal(efd, 1));
	EXPECT_MSIS(vmid, seq, 1, MSI_A_ADDR, MSI_A_DATA);

	ASSERT_EQ(0, irq_deassign(e->hsm, efd));
	seq = irq_seq(e->hv, vmid);
	hc = e2e_hc(e->hv, HVSIM_HC_INJECT_MSI);
	ASSERT_EQ(0, irq_signal(efd, 1));
	EXPECT_EQ(1, irq_count(efd));
	ASSERT_EQ(0, irq_signal(efd, 1));
	ASSERT_EQ(0, irq_signal(efd, 2));
	EXPECT_EQ(3, irq_count(efd));
	EXPECT_EQ(-EAGAIN, irq_count(efd));
	ASSERT_EQ(0, irq_signal(efd, 1));
	EXPECT_QUIET(vmid, seq, hc);
	EXPECT_EQ(1, irq_count(efd));

	/* Deassigning again, or an eventfd never assigned: 0. */
	EXPECT_EQ(0, irq_deassign(e->hsm, efd));
	close(efd);
	efd = irq_efd();
	ASSERT_LE(0, efd);
	EXPECT_EQ(0, irq_deassign(e->hsm, efd));
	EXPECT_QUIET(vmid, seq, hc);

	/* Assigned again, it injects again. */
	ASSERT_EQ(0, irq_assign(e->hsm, efd, MSI_B_ADDR, MSI_B_DATA));
	ASSERT_EQ(0, irq_signal(efd, 1));
	EXPECT_MSIS(vmid, seq, 1, MSI_B_ADDR, MSI_B_DATA);
	EXPECT_EQ(0, irq_deassign(e->hsm, efd));
	close(efd);
}

/* An eventfd that is an irqfd already: EBUSY, on its VM and on another. */
TEST_F(hsm, busy)
{
	struct e2e *e = &self->e;
	unsigned int vmid = irq_vm(_metadata, e, "irqbusy");
	unsigned int vmid2;
	int efd = irq_efd();
	__u64 seq, seq2;

	ASSERT_NE(0, vmid);
	ASSERT_LE(0, efd);
	ASSERT_EQ(0, e2e_open_fd(e, 0));
	ASSERT_EQ(0, e2e_create_fd(e, 0, "irqbusy"));
	vmid2 = e->fcv[0].vmid;

	ASSERT_EQ(0, irq_assign(e->hsm, efd, MSI_A_ADDR, MSI_A_DATA));
	EXPECT_EQ(EBUSY, irq_assign(e->hsm, efd, MSI_A_ADDR, MSI_A_DATA));
	EXPECT_EQ(EBUSY, irq_assign(e->hsm, efd, MSI_B_ADDR, MSI_B_DATA));
	EXPECT_EQ(EBUSY, irq_assign(e->fd[0], efd, MSI_B_ADDR, MSI_B_DATA));

	/* Still one irqfd, of the first VM. */
	seq = irq_seq(e->hv, vmid);
	seq2 = irq_seq(e->hv, vmid2);
	ASSERT_EQ(0, irq_signal(efd, 1));
	EXPECT_MSIS(vmid, seq, 1, MSI_A_ADDR, MSI_A_DATA);
	EXPECT_MSIS(vmid2, seq2, 0, 0, 0);

	/* Deassigning it from the other VM leaves it alone. */
	EXPECT_EQ(0, irq_deassign(e->fd[0], efd));
	seq = irq_seq(e->hv, vmid);
	ASSERT_EQ(0, irq_signal(efd, 1));
	EXPECT_MSIS(vmid, seq, 1, MSI_A_ADDR, MSI_A_DATA);
	EXPECT_EQ(-EAGAIN, irq_count(efd));

	/* Once deassigned, the other VM can have it. */
	ASSERT_EQ(0, irq_deassign(e->hsm, efd));
	ASSERT_EQ(0, irq_assign(e->fd[0], efd, MSI_B_ADDR, MSI_B_DATA));
	EXPECT_EQ(EBUSY, irq_assign(e->hsm, efd, MSI_A_ADDR, MSI_A_DATA));
	seq = irq_seq(e->hv, vmid);
	seq2 = irq_seq(e->hv, vmid2);
	ASSERT_EQ(0, irq_signal(efd, 1));
	EXPECT_MSIS(vmid2, seq2, 1, MSI_B_ADDR, MSI_B_DATA);
	EXPECT_MSIS(vmid, seq, 0, 0, 0);
	EXPECT_EQ(0, irq_deassign(e->fd[0], efd));
	close(efd);
}

/*
 * An epoll watching the eventfd is no irqfd: assigning works, the irqfd
 * takes the signals (epoll sees no count), and the epoll sees them again
 * once the irqfd is deassigned. Another VM still gets EBUSY.
 */
TEST_F(hsm, epoll_waiter)
{
	struct e2e *e = &self->e;
	unsigned int vmid = irq_vm(_metadata, e, "irqepoll");
	struct epoll_event ev = { .events = EPOLLIN };
	int efd = irq_efd(), ep = epoll_create1(EPOLL_CLOEXEC);
	__u64 seq;

	ASSERT_NE(0, vmid);
	ASSERT_LE(0, efd);
	ASSERT_LE(0, ep);
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev));
	ASSERT_EQ(0, e2e_open_fd(e, 0));
	ASSERT_EQ(0, e2e_create_fd(e, 0, "irqepoll"));

	ASSERT_EQ(0, irq_assign(e->hsm, efd, MSI_A_ADDR, MSI_A_DATA));
	EXPECT_EQ(EBUSY, irq_assign(e->fd[0], efd, MSI_B_ADDR, MSI_B_DATA));
	seq = irq_seq(e->hv, vmid);
	ASSERT_EQ(0, irq_signal(efd, 1));
	EXPECT_MSIS(vmid, seq, 1, MSI_A_ADDR, MSI_A_DATA);
	EXPECT_EQ(0, epoll_wait(ep, &ev, 1, 0));

	ASSERT_EQ(0, irq_deassign(e->hsm, efd));
	ASSERT_EQ(0, irq_signal(efd, 1));
	EXPECT_EQ(1, epoll_wait(ep, &ev, 1, 0));
	EXPECT_EQ(1, irq_count(efd));
	close(ep);
	close(efd);
}

/* Two eventfds, each with its own MSI, on one VM. */
TEST_F(hsm, two_eventfds)
{
	struct e2e *e = &self->e;
	unsigned int vmid = irq_vm(_metadata, e, "irqtwo");
	int a = irq_efd(), b = irq_efd();
	__u64 seq;
	int i;

	ASSERT_NE(0, vmid);
	ASSERT_LE(0, a);
	ASSERT_LE(0, b);
	ASSERT_EQ(0, irq_assign(e->hsm, a, MSI_A_ADDR, MSI_A_DATA));
	ASSERT_EQ(0, irq_assign(e->hsm, b, MSI_B_ADDR, MSI_B_DATA));
	for (i = 0; i < 3; i++) {
		seq = irq_seq(e->hv, vmid);
		ASSERT_EQ(0, irq_signal(a, 1));
		EXPECT_MSIS(vmid, seq, 1, MSI_A_ADDR, MSI_A_DATA);
		seq = irq_seq(e->hv, vmid);
		ASSERT_EQ(0, irq_signal(b, 1));
		EXPECT_MSIS(vmid, seq, 1, MSI_B_ADDR, MSI_B_DATA);
	}
	/* Deassigning one leaves the other. */
	ASSERT_EQ(0, irq_deassign(e->hsm, a));
	seq = irq_seq(e->hv, vmid);
	ASSERT_EQ(0, irq_signal(a, 1));
	ASSERT_EQ(0, irq_signal(b, 1));
	EXPECT_MSIS(vmid, seq, 1, MSI_B_ADDR, MSI_B_DATA);
	EXPECT_EQ(1, irq_count(a));
	EXPECT_EQ(-EAGAIN, irq_count(b));
	EXPECT_EQ(0, irq_deassign(e->hsm, b));
	close(a);
	close(b);
}

/*
 * close(eventfd) while assigned: the irqfd goes by itself. A new eventfd
 * (normally on the same fd number) is not bound, can be deassigned (0)
 * and assigned, and injects once per write.
 */
TEST_F(hsm, close_eventfd)
{
	struct e2e *e = &self->e;
	unsigned int vmid = irq_vm(_metadata, e, "irqclose");
	int efd = irq_efd(), old, i, nospc = 0, err = 0;
	struct rlimit rl = { 4096, 4096 };
	__u64 seq;

	/* 1024 eventfds and more below. */
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &rl));
	ASSERT_NE(0, vmid);
	ASSERT_LE(0, efd);
	ASSERT_EQ(0, irq_assign(e->hsm, efd, MSI_A_ADDR, MSI_A_DATA));
	ASSERT_EQ(0, irq_signal(efd, 2));
	old = efd;
	close(efd);
	efd = irq_efd();
	ASSERT_LE(0, efd);
	if (efd != old)
		EXPECT_EQ(EBADF, irq_deassign(e->hsm, old));
	EXPECT_EQ(0, irq_deassign(e->hsm, efd));
	ASSERT_EQ(0, irq_assign(e->hsm, efd, MSI_B_ADDR, MSI_B_DATA));
	seq = irq_seq(e->hv, vmid);
	ASSERT_EQ(0, irq_signal(efd, 1));
	EXPECT_MSIS(vmid, seq, 1, MSI_B_ADDR, MSI_B_DATA);
	EXPECT_EQ(0, irq_deassign(e->hsm, efd));
	close(efd);

	/*
	 * More assign/close cycles than a VM may have irqfds: each closed
	 * one is removed (asynchronously: a moment of ENOSPC is waited out).
	 */
	for (i = 0; i < 1100 && !err; i++) {
		efd = irq_efd();
		if (efd < 0) {
			err = errno;
			break;
		}
		err = irq_assign(e->hsm, efd, MSI_A_ADDR, MSI_A_DATA);
		while (err == ENOSPC && nospc < 1000) {
			nospc++;
			usleep(1000);
			err = irq_assign(e->hsm, efd, MSI_A_ADDR, MSI_A_DATA);
		}
		close(efd);
	}
	if (err)
		TH_LOG("cycle %d: %s", i, strerror(err));
	EXPECT_EQ(0, err);
	TH_LOG("1100 assign/close cycles, %d ENOSPC retries", nospc);
	/* None of them left behind: 1024 irqfds fit. */
	{
		int fds[1024];
		int n;

		for (n = 0; n < 1024; n++) {
			fds[n] = irq_efd();
			if (fds[n] < 0)
				break;
			err = irq_assign(e->hsm, fds[n], MSI_A_ADDR, n);
			if (err)
				break;
		}
		if (err)
			TH_LOG("irqfd %d: %s", n, strerror(err));
		EXPECT_EQ(1024, n);
		if (n == 1024) {
			efd = irq_efd();
			ASSERT_LE(0, efd);
			EXPECT_EQ(ENOSPC, irq_assign(e->hsm, efd, MSI_A_ADDR, 0));
			close(efd);
		}
		while (n-- > 0)
			close(fds[n]);
	}
}

/* --- errors --- */

TEST_F(hsm, errors)
{
	struct e2e *e = &self->e;
	unsigned int vmid;
	int efd = irq_efd();
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	int bad = dup(efd);
	__u64 hc;

	ASSERT_LE(0, efd);
	ASSERT_LE(0, null);
	ASSERT_LE(0, bad);
	close(bad);	/* a closed fd number */

	/* No VM on the file: EINVAL, assign and deassign. */
	EXPECT_EQ(EINVAL, irq_assign(e->hsm, efd, MSI_A_ADDR, MSI_A_DATA));
	EXPECT_EQ(EINVAL, irq_deassign(e->hsm, efd));

	vmid = irq_vm(_metadata, e, "irqerr");
	ASSERT_NE(0, vmid);
	hc = e2e_hc(e->hv, HVSIM_HC_INJECT_MSI);
	EXPECT_EQ(EFAULT, e2e_ioctl(e->hsm, ACRN_IOCTL_IRQFD, NULL));
	EXPECT_EQ(EBADF, irq_assign(e->hsm, -1, MSI_A_ADDR, MSI_A_DATA));
	EXPECT_EQ(EBADF, irq_assign(e->hsm, bad, MSI_A_ADDR, MSI_A_DATA));
	EXPECT_EQ(EBADF, irq_deassign(e->hsm, -1));
	EXPECT_EQ(EBADF, irq_deassign(e->hsm, bad));
	EXPECT_EQ(EINVAL, irq_deassign(e->hsm, null));
	EXPECT_EQ(EINVAL, irq_assign(e->hsm, null, MSI_A_ADDR, MSI_A_DATA));
	EXPECT_EQ(EINVAL, irq_assign(e->hsm, e->hsm, MSI_A_ADDR, MSI_A_DATA));
	/* Unknown flags, alone or with DEASSIGN. */
	EXPECT_EQ(EINVAL, irq_flags(e->hsm, efd, 0x2));
	EXPECT_EQ(EINVAL, irq_flags(e->hsm, efd, 0x3));
	EXPECT_EQ(EINVAL, irq_flags(e->hsm, efd, 0x80000000U));
	EXPECT_EQ(EINVAL, irq_flags(e->hsm, efd, ~0U));

	/* None of that bound it. */
	EXPECT_EQ(0, irq_signal(efd, 1));
	EXPECT_EQ(1, irq_count(efd));
	EXPECT_EQ(hc, e2e_hc(e->hv, HVSIM_HC_INJECT_MSI));
	EXPECT_EQ(0, irq_assign(e->hsm, efd, MSI_A_ADDR, MSI_A_DATA));
	EXPECT_EQ(0, irq_deassign(e->hsm, efd));

	/* A destroyed VM is no VM. */
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
	EXPECT_EQ(EINVAL, irq_assign(e->hsm, efd, MSI_A_ADDR, MSI_A_DATA));
	EXPECT_EQ(EINVAL, irq_deassign(e->hsm, efd));
	close(efd);
	close(null);
}

/* An MSI the hypervisor refuses: assigned, the write consumed, nothing logged. */
TEST_F(hsm, refused_msi)
{
	struct e2e *e = &self->e;
	unsigned int vmid = irq_vm(_metadata, e, "irqref");
	int efd = irq_efd();
	__u64 seq, hc;

	ASSERT_NE(0, vmid);
	ASSERT_LE(0, efd);
	ASSERT_EQ(0, irq_assign(e->hsm, efd, MSI_BAD_ADDR, MSI_A_DATA));
	seq = irq_seq(e->hv, vmid);
	hc = e2e_hc(e->hv, HVSIM_HC_INJECT_MSI);
	ASSERT_EQ(0, irq_signal(efd, 1));
	/* The hypercall is made (and refused) once. */
	EXPECT_EQ(hc + 1, irq_wait_hc(e->hv, hc + 1, IRQ_WAIT_MS));
	EXPECT_QUIET(vmid, seq, hc + 1);
	EXPECT_EQ(-EAGAIN, irq_count(efd));
	ASSERT_EQ(0, irq_signal(efd, 1));
	EXPECT_EQ(hc + 2, irq_wait_hc(e->hv, hc + 2, IRQ_WAIT_MS));
	EXPECT_QUIET(vmid, seq, hc + 2);

	/* The VM still takes good MSIs. */
	ASSERT_EQ(0, irq_deassign(e->hsm, efd));
	ASSERT_EQ(0, irq_assign(e->hsm, efd, MSI_A_ADDR, MSI_A_DATA));
	ASSERT_EQ(0, irq_signal(efd, 1));
	EXPECT_MSIS(vmid, seq, 1, MSI_A_ADDR, MSI_A_DATA);
	EXPECT_EQ(0, irq_deassign(e->hsm, efd));
	close(efd);
}

/* --- VM teardown with irqfds assigned --- */

#define IRQ_NFD	4

/*
 * DESTROY_VM, then close() of the other file, each with IRQ_NFD irqfds
 * assigned: writes afterwards inject nothing and the eventfds count
 * again; the eventfds then serve a new VM.
 */
TEST_F(hsm, teardown_assigned)
{
	struct e2e *e = &self->e;
	unsigned int vmid = irq_vm(_metadata, e, "irqtd");
	unsigned int vmid2;
	int efd[IRQ_NFD], i;
	__u64 seq, seq2, hc;

	ASSERT_NE(0, vmid);
	ASSERT_EQ(0, e2e_open_fd(e, 0));
	ASSERT_EQ(0, e2e_create_fd(e, 0, "irqtd"));
	vmid2 = e->fcv[0].vmid;
	for (i = 0; i < IRQ_NFD; i++) {
		efd[i] = irq_efd();
		ASSERT_LE(0, efd[i]);
	}
	/* Two irqfds on each VM, one of each with a count pending. */
	for (i = 0; i < IRQ_NFD; i++) {
		ASSERT_EQ(0, irq_assign(i & 1 ? e->fd[0] : e->hsm, efd[i],
					MSI_A_ADDR, i));
		ASSERT_EQ(0, irq_signal(efd[i], 1));
	}
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
	e2e_close(&e->fd[0]);
	EXPECT_EQ(e->baseline, e2e_wait_count(e->hv, e->baseline, 5000));
	/* The destroys are the last events of the slots. */
	seq = irq_seq(e->hv, vmid);
	seq2 = irq_seq(e->hv, vmid2);
	hc = e2e_hc(e->hv, HVSIM_HC_INJECT_MSI);
	for (i = 0; i < IRQ_NFD; i++) {
		EXPECT_EQ(0, irq_signal(efd[i], 1));
		EXPECT_EQ(0, irq_signal(efd[i], 1));
	}
	EXPECT_QUIET(vmid, seq, hc);
	EXPECT_QUIET(vmid2, seq2, hc);
	for (i = 0; i < IRQ_NFD; i++)
		EXPECT_EQ(2, irq_count(efd[i]));

	/* Free again: a new VM on the main file takes all of them. */
	vmid = irq_vm(_metadata, e, "irqtd2");
	ASSERT_NE(0, vmid);
	seq = irq_seq(e->hv, vmid);
	for (i = 0; i < IRQ_NFD; i++)
		ASSERT_EQ(0, irq_assign(e->hsm, efd[i], MSI_B_ADDR, MSI_B_DATA));
	for (i = 0; i < IRQ_NFD; i++)
		ASSERT_EQ(0, irq_signal(efd[i], 1));
	EXPECT_MSIS(vmid, seq, IRQ_NFD, MSI_B_ADDR, MSI_B_DATA);
	/* Closed with its irqfds assigned: the teardown checks the VM went. */
	e2e_close(&e->hsm);
	hc = e2e_hc(e->hv, HVSIM_HC_INJECT_MSI);
	for (i = 0; i < IRQ_NFD; i++) {
		EXPECT_EQ(0, irq_signal(efd[i], 1));
		EXPECT_EQ(1, irq_count(efd[i]));
		close(efd[i]);
	}
	EXPECT_EQ(hc, e2e_hc(e->hv, HVSIM_HC_INJECT_MSI));
}

TEST_HARNESS_MAIN
