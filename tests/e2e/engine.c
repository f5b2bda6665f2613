// SPDX-License-Identifier: GPL-2.0
/*
 * End-to-end tests of the simulator's vCPU engine interface
 * (HVSIM_IOCTL_ENGINE_CLAIM and the claim file), with no KVM: the test
 * plays the engine itself, with threads and forked children.
 *
 * Covered:
 *  - claiming is exclusive (EBUSY) and ends when the file is closed; a
 *    claim armed with HVSIM_CLAIM_NEXT takes the next VM created, in the
 *    order they were armed; bad arguments get ENOENT or EINVAL;
 *  - records: ATTACH, START with the BSP's registers exactly as
 *    SET_VCPU_REGS gave them, PAUSE, RESET and DESTROY (the last; then
 *    EOF and POLLHUP), INJECT_MSI, SET_IRQLINE and irqfd MSIs, EPT
 *    changes, and the LOST record after an overflow;
 *  - PAUSE_VM, RESET_VM and DESTROY_VM return only once the engine
 *    acknowledged, or at the bound (engine_ack_ms) for a silent engine,
 *    which loses the VM; closing the claim, or killing the engine
 *    process, releases a waiting PAUSE at once;
 *  - an access through the claim reaches the device model and a read's
 *    value comes back; bad accesses get EINVAL, ENOENT, ENOLINK;
 *  - mmap() of the claim shows the guest's RAM at offset = guest physical
 *    address, both ways; an unmapped address is SIGBUS, and so is a page
 *    once UNSET_MEMSEG (of an MMIO segment of simulated device memory:
 *    RAM segments leave only with the VM) or DESTROY_VM removed it from
 *    the EPT (the HSM's pins are released, none leaks);
 *  - hvsimctl engine prints the records and acks them.
 */
#include <assert.h>
#include <poll.h>
#include <stddef.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/wait.h>

#include "e2e.h"

#define ENG_PARAM	"/sys/module/acrn_hvsim/parameters/engine_ack_ms"
#define ENG_WAIT_MS	2000	/* how long a record may take to come */
#define ENG_ACK_DELAY	300	/* how long the engine takes to ack */
#define ENG_GPA		0x100000ULL
#define ENG_PAGES	16
#define ENG_MMIO_GPA	0xc0000000ULL
#define ENG_DEV_GPA	0x400000ULL
#define ENG_MSI_ADDR	0xfee01000ULL
#define ENG_RAISING_PULSE 2	/* SET_IRQLINE operation */

static_assert(sizeof(struct hvsim_engine_record) == HVSIM_REC_SIZE, "record");
static_assert(HVSIM_REC_SIZE == 320, "record size");
static_assert(sizeof(struct hvsim_claim) == 8, "claim");
static_assert(sizeof(struct hvsim_engine_range) == 24, "range");
static_assert(offsetof(struct hvsim_engine_record, u) == 16, "payload");
static_assert(offsetof(struct hvsim_engine_record, u.vm.bsp_regs) == 32, "regs");

/* A claim: the new file descriptor, or -errno. */
static int eng_claim(int hv, unsigned int vmid, unsigned int flags)
{
	struct hvsim_claim c = { .vmid = vmid, .flags = flags };
	int fd = ioctl(hv, HVSIM_IOCTL_ENGINE_CLAIM, &c);

	return fd < 0 ? -errno : fd;
}

/* Read one record, waiting up to @ms: 0, ETIMEDOUT, ENODATA (EOF) or errno. */
static int eng_read(int fd, struct hvsim_engine_record *rec, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int none = ETIMEDOUT, eof = ENODATA;
	ssize_t n;

	if (poll(&p, 1, ms) < 0)
		return errno;
	if (!(p.revents & (POLLIN | POLLHUP)))
		return none;
	n = read(fd, rec, sizeof(*rec));
	if (n < 0)
		return errno;
	return n ? 0 : eof;
}

static int eng_ack(int fd, __u64 seq)
{
	return e2e_ioctl(fd, HVSIM_ENGINE_ACK, &seq);
}

static int eng_set_bound(unsigned int ms)
{
	char buf[16];
	int fd = open(ENG_PARAM, O_WRONLY), n, err = 0;

	if (fd < 0)
		return errno;
	n = snprintf(buf, sizeof(buf), "%u", ms);
	if (write(fd, buf, n) != n)
		err = errno;
	close(fd);
	return err;
}

/* Whether the VM's event log has an event starting with @text. */
static bool eng_event(int hv, unsigned int vmid, const char *text)
{
	static struct hvsim_event ev[HVSIM_EVENTS_MAX];
	struct hvsim_events req = {
		.vmid = vmid,
		.count = HVSIM_EVENTS_MAX,
		.buf = (uintptr_t)ev,
	};
	unsigned int i;

	if (ioctl(hv, HVSIM_IOCTL_GET_EVENTS, &req))
		return false;
	for (i = 0; i < req.count; i++)
		if (!strncmp(ev[i].text, text, strlen(text)))
			return true;
	return false;
}

/**
 * struct eng_thread - an engine thread: reads records, acks life-cycle ones
 * @fd:	      The claim.
 * @delay_ms: How long it takes to stop its vCPUs before it acks.
 * @silent:   Never ack.
 * @close_ms: With @silent, close the claim this long after a record
 *	      that needs an ack.
 * @types:    Types of the records read, in order.
 * @acked_at: When each ack was sent.
 * @n:	      Records read.
 * @end:      What ended the loop: ENODATA at EOF.
 */
struct eng_thread {
	pthread_t	thread;
	int		fd;
	int		delay_ms;
	bool		silent;
	int		close_ms;
	__u16		types[64];
	struct timespec	acked_at[64];
	int		n;
	int		end;
};

static void *eng_thread_fn(void *p)
{
	struct eng_thread *t = p;
	struct hvsim_engine_record rec;
	int err;

	for (;;) {
		err = eng_read(t->fd, &rec, 10000);
		if (err) {
			t->end = err;
			break;
		}
		if (t->n < 64)
			t->types[t->n] = rec.type;
		if (rec.flags & HVSIM_REC_ACK) {
			if (t->silent && t->close_ms) {
				usleep(t->close_ms * 1000);
				close(t->fd);
				t->end = ECONNRESET;
				break;
			}
			if (!t->silent) {
				usleep(t->delay_ms * 1000);
				if (t->n < 64)
					e2e_now(&t->acked_at[t->n]);
				eng_ack(t->fd, rec.seq);
			}
		}
		t->n++;
	}
	return NULL;
}

static int eng_thread_start(struct eng_thread *t, int fd, int delay_ms,
			    bool silent, int close_ms)
{
	memset(t, 0, sizeof(*t));
	t->fd = fd;
	t->delay_ms = delay_ms;
	t->silent = silent;
	t->close_ms = close_ms;
	return pthread_create(&t->thread, NULL, eng_thread_fn, t);
}

/* Time an ioctl on the VM. */
static int eng_timed(int fd, unsigned long cmd, long *ms)
{
	struct timespec t0;
	int err;

	e2e_now(&t0);
	err = e2e_ioctl(fd, cmd, NULL);
	*ms = e2e_ms_since(&t0);
	return err;
}

/* Anonymous RAM for the guest, each byte set from its offset. */
static void *eng_ram(size_t pages)
{
	unsigned char *p = e2e_map(pages, PROT_READ | PROT_WRITE);
	size_t i;

	if (p)
		for (i = 0; i < pages * E2E_PAGE_SIZE; i++)
			p[i] = (unsigned char)(i * 7 + i / E2E_PAGE_SIZE);
	return p;
}

static int eng_memseg(int fd, unsigned long cmd, __u64 gpa, void *va, __u64 len)
{
	struct acrn_vm_memmap m = {
		.type = ACRN_MEMMAP_RAM,
		.attr = ACRN_MEM_ACCESS_RWX,
		.user_vm_pa = gpa,
		.vma_base = (uintptr_t)va,
		.len = len,
	};

	return e2e_ioctl(fd, cmd, &m);
}

/* One page of MMIO at @gpa, host page @hpa (SET_MEMSEG or UNSET_MEMSEG). */
static int eng_mmio(int fd, unsigned long cmd, __u64 gpa, __u64 hpa)
{
	struct acrn_vm_memmap m = {
		.type = ACRN_MEMMAP_MMIO,
		.attr = ACRN_MEM_ACCESS_RWX,
		.user_vm_pa = gpa,
		.service_vm_pa = hpa,
		.len = E2E_PAGE_SIZE,
	};

	return e2e_ioctl(fd, cmd, &m);
}

static sigjmp_buf eng_jmp;

static void eng_sigbus(int sig)
{
	siglongjmp(eng_jmp, sig);
}

/* Read a byte at @p: 0 and *@out, or the signal it got (SIGBUS). */
static int eng_peek(unsigned char *p, unsigned char *out)
{
	struct sigaction sa = { .sa_handler = eng_sigbus }, old;
	int ret;

	sigaction(SIGBUS, &sa, &old);
	ret = sigsetjmp(eng_jmp, 1);
	if (!ret)
		*out = __atomic_load_n(p, __ATOMIC_RELAXED);
	sigaction(SIGBUS, &old, NULL);
	return ret;
}

/* Write a byte at @p: 0, or the signal it got (SIGBUS). */
static int eng_poke(unsigned char *p, unsigned char v)
{
	struct sigaction sa = { .sa_handler = eng_sigbus }, old;
	int ret;

	sigaction(SIGBUS, &sa, &old);
	ret = sigsetjmp(eng_jmp, 1);
	if (!ret)
		__atomic_store_n(p, v, __ATOMIC_RELAXED);
	sigaction(SIGBUS, &old, NULL);
	return ret;
}

FIXTURE(eng) {
	struct e2e e;
	long pins;
};

FIXTURE_SETUP(eng)
{
	e2e_setup(_metadata, &self->e);
	self->pins = e2e_pins_held();
	ASSERT_EQ(0, eng_set_bound(2000));
}

FIXTURE_TEARDOWN(eng)
{
	e2e_teardown(_metadata, &self->e);
	EXPECT_EQ(0, eng_set_bound(2000));
	EXPECT_EQ(self->pins, e2e_wait_pins(self->pins, 3000));
}

/* One claim per VM, until its file is closed; ATTACH describes the VM. */
TEST_F(eng, claim_exclusive)
{
	struct e2e *e = &self->e;
	struct hvsim_engine_record rec;
	int fd, fd2;

	ASSERT_EQ(0, e2e_create(e, "engx", e2e_affinity(2)));
	fd = eng_claim(e->hv, e->cv.vmid, 0);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-EBUSY, eng_claim(e->hv, e->cv.vmid, 0));
	ASSERT_EQ(0, eng_read(fd, &rec, ENG_WAIT_MS));
	EXPECT_EQ(HVSIM_REC_ATTACH, rec.type);
	EXPECT_EQ(1, rec.seq);
	EXPECT_EQ(e->cv.vmid, rec.vmid);
	EXPECT_EQ(0, rec.flags);
	EXPECT_EQ(2, rec.u.vm.vcpu_num);
	EXPECT_EQ(HVSIM_VM_CREATED, rec.u.vm.state);
	EXPECT_EQ(0, rec.u.vm.regs_set);
	EXPECT_TRUE(eng_event(e->hv, e->cv.vmid, "engine_attach"));
	/* Nothing more: a non-blocking read says so. */
	EXPECT_EQ(ETIMEDOUT, eng_read(fd, &rec, 0));
	/* A buffer smaller than a record */
	EXPECT_EQ(-1, read(fd, &rec, sizeof(rec) - 1));
	EXPECT_EQ(EINVAL, errno);

	close(fd);
	EXPECT_TRUE(eng_event(e->hv, e->cv.vmid, "engine_detach reason=close"));
	fd2 = eng_claim(e->hv, e->cv.vmid, 0);
	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, eng_read(fd2, &rec, ENG_WAIT_MS));
	EXPECT_EQ(HVSIM_REC_ATTACH, rec.type);
	EXPECT_EQ(1, rec.seq);
	close(fd2);
}

/* Bad claims, acks and reads. */
TEST_F(eng, bad_input)
{
	struct e2e *e = &self->e;
	struct hvsim_claim c = { 0 };
	__u64 seq;
	int fd, ro;

	ASSERT_EQ(0, e2e_create(e, "engb", 0));
	EXPECT_EQ(-ENOENT, eng_claim(e->hv, 0, 0));
	EXPECT_EQ(-ENOENT, eng_claim(e->hv, e->info.max_vms, 0));
	EXPECT_EQ(-ENOENT, eng_claim(e->hv, 0xffff, 0));
	/* a free slot */
	EXPECT_EQ(-ENOENT, eng_claim(e->hv, e->cv.vmid + 1, 0));
	EXPECT_EQ(-EINVAL, eng_claim(e->hv, e->cv.vmid, HVSIM_CLAIM_NEXT));
	EXPECT_EQ(-EINVAL, eng_claim(e->hv, e->cv.vmid, 0x2));
	c.vmid = e->cv.vmid;
	c.reserved = 1;
	EXPECT_EQ(-1, ioctl(e->hv, HVSIM_IOCTL_ENGINE_CLAIM, &c));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(e->hv, HVSIM_IOCTL_ENGINE_CLAIM, NULL));
	EXPECT_EQ(EFAULT, errno);
	/* Claiming plays the guest: a read-only file may not. */
	ro = open(HVSIM_DEV, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, ro);
	c.reserved = 0;
	EXPECT_EQ(-1, ioctl(ro, HVSIM_IOCTL_ENGINE_CLAIM, &c));
	EXPECT_EQ(EBADF, errno);
	close(ro);

	fd = eng_claim(e->hv, e->cv.vmid, 0);
	ASSERT_LE(0, fd);
	/* Only ATTACH (1) exists. */
	EXPECT_EQ(EINVAL, eng_ack(fd, 0));
	EXPECT_EQ(EINVAL, eng_ack(fd, 2));
	EXPECT_EQ(EINVAL, eng_ack(fd, ~0ULL));
	EXPECT_EQ(0, eng_ack(fd, 1));
	EXPECT_EQ(0, eng_ack(fd, 1));
	seq = 1;
	EXPECT_EQ(EFAULT, e2e_ioctl(fd, HVSIM_ENGINE_ACK, NULL));
	EXPECT_EQ(ENOTTY, e2e_ioctl(fd, HVSIM_IOCTL_GET_INFO, &seq));
	/* MAP_PRIVATE is refused */
	EXPECT_EQ(MAP_FAILED, mmap(NULL, E2E_PAGE_SIZE, PROT_READ, MAP_PRIVATE,
				   fd, 0));
	EXPECT_EQ(EINVAL, errno);
	close(fd);
}

/* START carries the BSP's registers exactly as SET_VCPU_REGS gave them. */
TEST_F(eng, start_regs)
{
	struct e2e *e = &self->e;
	struct hvsim_engine_record rec;
	struct acrn_vcpu_regs regs, ap;
	int fd;

	ASSERT_EQ(0, e2e_create(e, "engs", e2e_affinity(2)));
	e2e_regs_init(&regs, 0);
	e2e_regs_init(&ap, 1);
	ASSERT_EQ(0, e2e_ioctl(e->hsm, ACRN_IOCTL_SET_VCPU_REGS, &regs));
	ASSERT_EQ(0, e2e_ioctl(e->hsm, ACRN_IOCTL_SET_VCPU_REGS, &ap));
	fd = eng_claim(e->hv, e->cv.vmid, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, eng_read(fd, &rec, ENG_WAIT_MS));
	EXPECT_EQ(HVSIM_REC_ATTACH, rec.type);
	EXPECT_EQ(3, rec.u.vm.regs_set);
	EXPECT_EQ(0, memcmp(&rec.u.vm.bsp_regs, &regs.vcpu_regs,
			    sizeof(regs.vcpu_regs)));

	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_START_VM));
	ASSERT_EQ(0, eng_read(fd, &rec, ENG_WAIT_MS));
	EXPECT_EQ(HVSIM_REC_START, rec.type);
	EXPECT_EQ(2, rec.seq);
	EXPECT_EQ(0, rec.flags);
	EXPECT_EQ(HVSIM_VM_RUNNING, rec.u.vm.state);
	EXPECT_EQ(2, rec.u.vm.vcpu_num);
	EXPECT_EQ(3, rec.u.vm.regs_set);
	EXPECT_EQ(0, memcmp(&rec.u.vm.bsp_regs, &regs.vcpu_regs,
			    sizeof(regs.vcpu_regs)));
	EXPECT_EQ(0, e2e_regs_differ(e->hv, e->cv.vmid, 0, &regs.vcpu_regs));
	close(fd);
}

/*
 * PAUSE, RESET and DESTROY each wait for the engine's ack, and return
 * soon after it; DESTROY is the last record, then EOF and POLLHUP.
 */
TEST_F(eng, lifecycle_waits_for_ack)
{
	struct e2e *e = &self->e;
	struct pollfd p;
	struct eng_thread t;
	struct hvsim_engine_record rec;
	long ms;
	int fd;

	ASSERT_EQ(0, e2e_start_vm(e, "engl", 1, 0));
	fd = eng_claim(e->hv, e->cv.vmid, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, eng_thread_start(&t, fd, ENG_ACK_DELAY, false, 0));

	ASSERT_EQ(0, eng_timed(e->hsm, ACRN_IOCTL_PAUSE_VM, &ms));
	TH_LOG("PAUSE_VM: %ld ms", ms);
	EXPECT_LE(ENG_ACK_DELAY - 20, ms);
	EXPECT_GT(1500, ms);
	EXPECT_EQ(HVSIM_VM_PAUSED, e2e_state(e->hv, e->cv.vmid));
	ASSERT_EQ(0, eng_timed(e->hsm, ACRN_IOCTL_RESET_VM, &ms));
	TH_LOG("RESET_VM: %ld ms", ms);
	EXPECT_LE(ENG_ACK_DELAY - 20, ms);
	EXPECT_GT(1500, ms);
	/* START again: no ack needed. */
	ASSERT_EQ(0, eng_timed(e->hsm, ACRN_IOCTL_START_VM, &ms));
	EXPECT_GT(ENG_ACK_DELAY, ms);
	/* DESTROY_VM: the HSM pauses, then destroys: two acks. */
	ASSERT_EQ(0, eng_timed(e->hsm, ACRN_IOCTL_DESTROY_VM, &ms));
	TH_LOG("DESTROY_VM: %ld ms", ms);
	EXPECT_LE(2 * ENG_ACK_DELAY - 40, ms);
	EXPECT_GT(3000, ms);
	EXPECT_EQ(0, pthread_join(t.thread, NULL));
	EXPECT_EQ(ENODATA, t.end);
	ASSERT_EQ(6, t.n);
	EXPECT_EQ(HVSIM_REC_ATTACH, t.types[0]);
	EXPECT_EQ(HVSIM_REC_PAUSE, t.types[1]);
	EXPECT_EQ(HVSIM_REC_RESET, t.types[2]);
	EXPECT_EQ(HVSIM_REC_START, t.types[3]);
	EXPECT_EQ(HVSIM_REC_PAUSE, t.types[4]);
	EXPECT_EQ(HVSIM_REC_DESTROY, t.types[5]);
	p.fd = fd;
	p.events = POLLIN;
	EXPECT_EQ(1, poll(&p, 1, 0));
	EXPECT_TRUE(p.revents & POLLHUP);
	EXPECT_EQ(ENODATA, eng_read(fd, &rec, 0));
	EXPECT_TRUE(eng_event(e->hv, e->cv.vmid, "engine_detach reason=destroy"));
	/* The claim outlives its VM: acks still work, accesses do not. */
	EXPECT_EQ(0, eng_ack(fd, 1));
	close(fd);
}

/* A silent engine: PAUSE returns at the bound and the VM is let go. */
TEST_F(eng, silent_engine_bound)
{
	struct e2e *e = &self->e;
	struct hvsim_engine_record rec;
	struct hvsim_io io;
	long ms;
	int fd, fd2;

	ASSERT_EQ(0, eng_set_bound(250));
	ASSERT_EQ(0, e2e_start_vm(e, "engq", 1, 0));
	fd = eng_claim(e->hv, e->cv.vmid, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, eng_timed(e->hsm, ACRN_IOCTL_PAUSE_VM, &ms));
	TH_LOG("PAUSE_VM with a silent engine: %ld ms", ms);
	EXPECT_LE(240, ms);
	EXPECT_GT(1500, ms);
	EXPECT_TRUE(eng_event(e->hv, e->cv.vmid, "engine_detach reason=timeout"));
	/* The records made are still read, then EOF. */
	ASSERT_EQ(0, eng_read(fd, &rec, 0));
	EXPECT_EQ(HVSIM_REC_ATTACH, rec.type);
	ASSERT_EQ(0, eng_read(fd, &rec, 0));
	EXPECT_EQ(HVSIM_REC_PAUSE, rec.type);
	EXPECT_EQ(ENODATA, eng_read(fd, &rec, 0));
	e2e_io_init(&io, 0, 0, ACRN_IOREQ_TYPE_PORTIO, ACRN_IOREQ_DIR_READ,
		    0x3f8, 1, 0);
	EXPECT_EQ(ENOLINK, e2e_ioctl(fd, HVSIM_ENGINE_IO, &io));
	/* Unserved now: PAUSE is quick, another engine may claim. */
	ASSERT_EQ(0, eng_timed(e->hsm, ACRN_IOCTL_PAUSE_VM, &ms));
	EXPECT_GT(200, ms);
	fd2 = eng_claim(e->hv, e->cv.vmid, 0);
	EXPECT_LE(0, fd2);
	close(fd2);
	close(fd);
}

/* Closing the claim while PAUSE waits releases PAUSE at once. */
TEST_F(eng, close_releases_pause)
{
	struct e2e *e = &self->e;
	struct eng_thread t;
	long ms;
	int fd;

	ASSERT_EQ(0, eng_set_bound(5000));
	ASSERT_EQ(0, e2e_start_vm(e, "engc", 1, 0));
	fd = eng_claim(e->hv, e->cv.vmid, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, eng_thread_start(&t, fd, 0, true, 200));
	ASSERT_EQ(0, eng_timed(e->hsm, ACRN_IOCTL_PAUSE_VM, &ms));
	TH_LOG("PAUSE_VM, claim closed after 200 ms: %ld ms", ms);
	EXPECT_LE(180, ms);
	EXPECT_GT(2000, ms);
	EXPECT_EQ(0, pthread_join(t.thread, NULL));
	EXPECT_EQ(ECONNRESET, t.end);
	EXPECT_TRUE(eng_event(e->hv, e->cv.vmid, "engine_detach reason=close"));
}

/* The engine process killed: the device model can pause and destroy. */
TEST_F(eng, engine_killed)
{
	struct e2e *e = &self->e;
	int pipefd[2], status;
	char c = 0;
	long ms;
	pid_t pid;

	ASSERT_EQ(0, eng_set_bound(10000));
	ASSERT_EQ(0, e2e_start_vm(e, "engk", 1, 0));
	ASSERT_EQ(0, pipe(pipefd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int fd = eng_claim(e->hv, e->cv.vmid, 0);

		c = fd < 0 ? 'x' : 'c';
		if (write(pipefd[1], &c, 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	ASSERT_EQ(1, read(pipefd[0], &c, 1));
	ASSERT_EQ('c', c);
	/* The engine dies while PAUSE waits for it. */
	{
		struct e2e_async *a = e2e_async_ioctl(e->hsm, ACRN_IOCTL_PAUSE_VM,
						      NULL);

		ASSERT_NE(NULL, a);
		usleep(200 * 1000);
		EXPECT_FALSE(e2e_async_done(a));
		kill(pid, SIGKILL);
		EXPECT_EQ(pid, waitpid(pid, &status, 0));
		EXPECT_EQ(0, e2e_async_join(a, 2000));
		e2e_async_free(&a);
	}
	ASSERT_EQ(0, eng_timed(e->hsm, ACRN_IOCTL_DESTROY_VM, &ms));
	EXPECT_GT(500, ms);
	EXPECT_EQ(HVSIM_VM_POWERED_OFF, e2e_state(e->hv, e->cv.vmid));
	close(pipefd[0]);
	close(pipefd[1]);
}

/* HVSIM_CLAIM_NEXT: armed claims take new VMs in the order they were armed. */
TEST_F(eng, claim_next)
{
	struct e2e *e = &self->e;
	struct hvsim_engine_record rec;
	int a, b, c;

	a = eng_claim(e->hv, 0, HVSIM_CLAIM_NEXT);
	ASSERT_LE(0, a);
	b = eng_claim(e->hv, 0, HVSIM_CLAIM_NEXT);
	ASSERT_LE(0, b);
	c = eng_claim(e->hv, 0, HVSIM_CLAIM_NEXT);
	ASSERT_LE(0, c);
	/* armed, nothing to read */
	EXPECT_EQ(ETIMEDOUT, eng_read(a, &rec, 0));
	ASSERT_EQ(0, e2e_open_fd(e, 0));
	ASSERT_EQ(0, e2e_create(e, "engn", 0));
	ASSERT_EQ(0, e2e_create_fd(e, 0, "engn"));
	ASSERT_EQ(0, eng_read(a, &rec, ENG_WAIT_MS));
	EXPECT_EQ(HVSIM_REC_ATTACH, rec.type);
	EXPECT_EQ(e->cv.vmid, rec.vmid);
	ASSERT_EQ(0, eng_read(b, &rec, ENG_WAIT_MS));
	EXPECT_EQ(HVSIM_REC_ATTACH, rec.type);
	EXPECT_EQ(e->fcv[0].vmid, rec.vmid);
	EXPECT_EQ(ETIMEDOUT, eng_read(c, &rec, 0));
	EXPECT_EQ(-EBUSY, eng_claim(e->hv, e->cv.vmid, 0));
	/* an armed claim closed before any VM came */
	close(c);
	close(a);
	close(b);
}

/* INJECT_MSI, SET_IRQLINE and irqfd injections reach the engine. */
TEST_F(eng, interrupts)
{
	struct e2e *e = &self->e;
	struct acrn_msi_entry msi = { .msi_addr = ENG_MSI_ADDR, .msi_data = 0x31 };
	struct acrn_irqfd irqfd = {
		.msi = { .msi_addr = ENG_MSI_ADDR + 0x1000, .msi_data = 0x42 },
	};
	struct hvsim_engine_record rec;
	__u64 one = 1;
	int fd, efd;

	ASSERT_EQ(0, e2e_start_vm(e, "engi", 1, 0));
	fd = eng_claim(e->hv, e->cv.vmid, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, eng_read(fd, &rec, ENG_WAIT_MS));

	ASSERT_EQ(0, e2e_ioctl(e->hsm, ACRN_IOCTL_INJECT_MSI, &msi));
	ASSERT_EQ(0, eng_read(fd, &rec, ENG_WAIT_MS));
	EXPECT_EQ(HVSIM_REC_MSI, rec.type);
	EXPECT_EQ(ENG_MSI_ADDR, rec.u.msi.addr);
	EXPECT_EQ(0x31, rec.u.msi.data);
	/* a refused injection makes no record */
	msi.msi_addr = 0x12345000;
	EXPECT_NE(0, e2e_ioctl(e->hsm, ACRN_IOCTL_INJECT_MSI, &msi));
	ASSERT_EQ(0, ioctl(e->hsm, ACRN_IOCTL_SET_IRQLINE,
			   (unsigned long)(4 | (__u64)ENG_RAISING_PULSE << 32)));
	ASSERT_EQ(0, eng_read(fd, &rec, ENG_WAIT_MS));
	EXPECT_EQ(HVSIM_REC_IRQLINE, rec.type);
	EXPECT_EQ(4, rec.u.irqline.gsi);
	EXPECT_EQ(ENG_RAISING_PULSE, rec.u.irqline.op);

	efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	ASSERT_LE(0, efd);
	irqfd.fd = efd;
	ASSERT_EQ(0, e2e_ioctl(e->hsm, ACRN_IOCTL_IRQFD, &irqfd));
	ASSERT_EQ(sizeof(one), write(efd, &one, sizeof(one)));
	ASSERT_EQ(0, eng_read(fd, &rec, ENG_WAIT_MS));
	EXPECT_EQ(HVSIM_REC_MSI, rec.type);
	EXPECT_EQ(ENG_MSI_ADDR + 0x1000, rec.u.msi.addr);
	EXPECT_EQ(0x42, rec.u.msi.data);
	close(efd);
	close(fd);
}

/*
 * More records than the ring holds: the oldest ones are read, then one
 * LOST record counts the rest; a PAUSE lost with them is acknowledged
 * through it.
 */
TEST_F(eng, overflow)
{
	struct e2e *e = &self->e;
	struct acrn_msi_entry msi = { .msi_addr = ENG_MSI_ADDR };
	struct hvsim_engine_record rec;
	struct e2e_async *a;
	int fd, i, n = 300, read_msi = 0;
	__u64 last = 1;

	ASSERT_EQ(0, e2e_start_vm(e, "engo", 1, 0));
	fd = eng_claim(e->hv, e->cv.vmid, 0);
	ASSERT_LE(0, fd);
	for (i = 0; i < n; i++) {
		msi.msi_data = i;
		ASSERT_EQ(0, e2e_ioctl(e->hsm, ACRN_IOCTL_INJECT_MSI, &msi));
	}
	a = e2e_async_ioctl(e->hsm, ACRN_IOCTL_PAUSE_VM, NULL);
	ASSERT_NE(NULL, a);
	ASSERT_EQ(0, eng_read(fd, &rec, ENG_WAIT_MS));
	EXPECT_EQ(HVSIM_REC_ATTACH, rec.type);
	for (;;) {
		ASSERT_EQ(0, eng_read(fd, &rec, ENG_WAIT_MS));
		if (rec.type != HVSIM_REC_MSI)
			break;
		EXPECT_EQ(last + 1, rec.seq);
		last = rec.seq;
		EXPECT_EQ(read_msi, rec.u.msi.data);
		read_msi++;
	}
	TH_LOG("%d MSI records read, then type %u", read_msi, rec.type);
	ASSERT_EQ(HVSIM_REC_LOST, rec.type);
	/* 256 slots, 16 kept for life-cycle records; ATTACH took one */
	EXPECT_EQ(239, read_msi);
	EXPECT_EQ(n - read_msi + 1, rec.u.lost.count);
	EXPECT_EQ(n + 2, rec.seq);
	EXPECT_EQ(rec.seq, rec.u.lost.last_seq);
	EXPECT_EQ(HVSIM_REC_ACK, rec.flags);
	EXPECT_FALSE(e2e_async_done(a));
	EXPECT_EQ(0, eng_ack(fd, rec.seq));
	EXPECT_EQ(0, e2e_async_join(a, 1000));
	e2e_async_free(&a);
	EXPECT_EQ(ETIMEDOUT, eng_read(fd, &rec, 0));
	close(fd);
}

static int eng_dm_fn(struct e2e_dm *dm, unsigned int vcpu,
		     struct acrn_io_request *req)
{
	int err = vcpu < dm->vcpu_num ? 0 : EPROTO;

	if (!err)
		e2e_dm_answer(req);
	return err;
}

/* An access through the claim reaches the device model; bad ones fail. */
TEST_F(eng, access)
{
	struct e2e *e = &self->e;
	struct eng_thread t;
	struct hvsim_io io;
	struct e2e_dm *dm;
	int fd;

	ASSERT_EQ(0, e2e_start_vm(e, "enga", 2, 0));
	fd = eng_claim(e->hv, e->cv.vmid, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, e2e_dm_start(e, &dm, eng_dm_fn, NULL));

	e2e_io_init(&io, 0, 1, ACRN_IOREQ_TYPE_PORTIO, ACRN_IOREQ_DIR_READ,
		    0x3f8, 2, 0);
	ASSERT_EQ(0, e2e_ioctl(fd, HVSIM_ENGINE_IO, &io));
	EXPECT_EQ(e2e_dm_value(0x3f8) & 0xffff, io.value);
	EXPECT_EQ(e->cv.vmid, io.vmid);
	e2e_io_init(&io, e->cv.vmid, 0, ACRN_IOREQ_TYPE_MMIO,
		    ACRN_IOREQ_DIR_READ, 0xfed00010, 8, 0);
	ASSERT_EQ(0, e2e_ioctl(fd, HVSIM_ENGINE_IO, &io));
	EXPECT_EQ(e2e_dm_value(0xfed00010), io.value);
	e2e_io_init(&io, 0, 0, ACRN_IOREQ_TYPE_PORTIO, ACRN_IOREQ_DIR_WRITE,
		    0x3f8, 1, 0x41);
	ASSERT_EQ(0, e2e_ioctl(fd, HVSIM_ENGINE_IO, &io));
	EXPECT_EQ(3, e2e_dm_handled(dm));

	/* bad accesses */
	io.vmid = e->cv.vmid + 1;
	EXPECT_EQ(EINVAL, e2e_ioctl(fd, HVSIM_ENGINE_IO, &io));
	io.vmid = 0;
	io.size = 3;
	EXPECT_EQ(EINVAL, e2e_ioctl(fd, HVSIM_ENGINE_IO, &io));
	io.size = 1;
	io.vcpu = 2;
	EXPECT_EQ(ENOENT, e2e_ioctl(fd, HVSIM_ENGINE_IO, &io));
	io.vcpu = 0;
	io.reserved = 1;
	EXPECT_EQ(EINVAL, e2e_ioctl(fd, HVSIM_ENGINE_IO, &io));
	EXPECT_EQ(EFAULT, e2e_ioctl(fd, HVSIM_ENGINE_IO, NULL));
	io.reserved = 0;
	/* paused: the vCPUs make no access */
	ASSERT_EQ(0, eng_thread_start(&t, fd, 0, false, 0));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_PAUSE_VM));
	EXPECT_EQ(EBUSY, e2e_ioctl(fd, HVSIM_ENGINE_IO, &io));
	EXPECT_EQ(0, e2e_dm_stop(dm, 2000));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
	EXPECT_EQ(0, pthread_join(t.thread, NULL));
	EXPECT_EQ(ENODATA, t.end);
	/* the claim has no VM any more */
	EXPECT_EQ(ENOLINK, e2e_ioctl(fd, HVSIM_ENGINE_IO, &io));
	close(fd);
}

/*
 * EPT changes make records, GET_RANGE walks the map, and mmap() of the
 * claim shows the guest's RAM until it leaves the EPT.
 */
TEST_F(eng, guest_ram)
{
	struct e2e *e = &self->e;
	size_t len = ENG_PAGES * E2E_PAGE_SIZE, i;
	struct hvsim_engine_range range = { 0 };
	struct hvsim_engine_record rec;
	struct hvsim_ept_info info;
	unsigned char *ram, *map, *dev, v;
	__u64 mapped = 0, hpa;
	int fd;

	ASSERT_EQ(0, e2e_create(e, "engm", 0));
	fd = eng_claim(e->hv, e->cv.vmid, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, eng_read(fd, &rec, ENG_WAIT_MS));
	ram = eng_ram(ENG_PAGES);
	ASSERT_NE(NULL, ram);
	ASSERT_EQ(0, eng_memseg(e->hsm, ACRN_IOCTL_SET_MEMSEG, ENG_GPA, ram, len));
	/* one ADD op per physically contiguous run */
	while (mapped < len) {
		ASSERT_EQ(0, eng_read(fd, &rec, ENG_WAIT_MS));
		ASSERT_EQ(HVSIM_REC_EPT_MAP, rec.type);
		EXPECT_EQ(ENG_GPA + mapped, rec.u.ept.gpa);
		EXPECT_EQ(e2e_phys(ram + mapped), rec.u.ept.hpa);
		EXPECT_EQ(ACRN_MEM_TYPE_WB | ACRN_MEM_ACCESS_RWX, rec.u.ept.attr);
		mapped += rec.u.ept.size;
	}
	EXPECT_EQ(len, mapped);
	ASSERT_EQ(0, e2e_ioctl(fd, HVSIM_ENGINE_GET_RANGE, &range));
	EXPECT_EQ(ENG_GPA, range.gpa);
	EXPECT_EQ(len, range.size);
	EXPECT_EQ(ACRN_MEM_TYPE_WB | ACRN_MEM_ACCESS_RWX, range.attr);
	range.gpa = ENG_GPA + len;
	ASSERT_EQ(0, e2e_ioctl(fd, HVSIM_ENGINE_GET_RANGE, &range));
	EXPECT_EQ(0, range.size);
	range.reserved = 1;
	EXPECT_EQ(EINVAL, e2e_ioctl(fd, HVSIM_ENGINE_GET_RANGE, &range));
	range.reserved = 0;

	/* one page before and after the segment, unmapped */
	map = mmap(NULL, len + 2 * E2E_PAGE_SIZE, PROT_READ | PROT_WRITE,
		   MAP_SHARED, fd, ENG_GPA - E2E_PAGE_SIZE);
	ASSERT_NE(MAP_FAILED, map);
	EXPECT_EQ(SIGBUS, eng_peek(map, &v));
	EXPECT_EQ(SIGBUS, eng_peek(map + len + E2E_PAGE_SIZE, &v));
	for (i = 0; i < len; i += 511) {
		ASSERT_EQ(0, eng_peek(map + E2E_PAGE_SIZE + i, &v));
		ASSERT_EQ(ram[i], v);
	}
	/* the engine writes, the device model sees it */
	ASSERT_EQ(0, eng_poke(map + E2E_PAGE_SIZE + 5, 0xa5));
	EXPECT_EQ(0xa5, ram[5]);
	ram[len - 1] = 0x5a;
	ASSERT_EQ(0, eng_peek(map + E2E_PAGE_SIZE + len - 1, &v));
	EXPECT_EQ(0x5a, v);
	munmap(map, len + 2 * E2E_PAGE_SIZE);

	/*
	 * RAM segments leave only with the VM (destroy_zaps); an MMIO
	 * segment of simulated device memory leaves with UNSET_MEMSEG, and
	 * its pages leave the mapping.
	 */
	dev = mmap(NULL, E2E_PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		   e->hv, HVSIM_MMAP_DEVMEM);
	ASSERT_NE(MAP_FAILED, dev);
	dev[9] = 0x99;
	/* its host address: map it as RAM too, and ask the EPT */
	ASSERT_EQ(0, eng_memseg(e->hsm, ACRN_IOCTL_SET_MEMSEG, ENG_DEV_GPA, dev,
				E2E_PAGE_SIZE));
	ASSERT_EQ(0, eng_read(fd, &rec, ENG_WAIT_MS));
	ASSERT_EQ(HVSIM_REC_EPT_MAP, rec.type);
	hpa = rec.u.ept.hpa;
	ASSERT_EQ(0, hvsim_ctl_ept(e->hv, e->cv.vmid, ENG_DEV_GPA, &info));
	ASSERT_EQ(hpa, info.hpa);
	ASSERT_EQ(0, eng_mmio(e->hsm, ACRN_IOCTL_SET_MEMSEG, ENG_MMIO_GPA, hpa));
	ASSERT_EQ(0, eng_read(fd, &rec, ENG_WAIT_MS));
	ASSERT_EQ(HVSIM_REC_EPT_MAP, rec.type);
	EXPECT_EQ(ENG_MMIO_GPA, rec.u.ept.gpa);
	EXPECT_EQ(hpa, rec.u.ept.hpa);
	EXPECT_EQ(ACRN_MEM_TYPE_UC | ACRN_MEM_ACCESS_RWX, rec.u.ept.attr);
	map = mmap(NULL, E2E_PAGE_SIZE, PROT_READ, MAP_SHARED, fd, ENG_MMIO_GPA);
	ASSERT_NE(MAP_FAILED, map);
	ASSERT_EQ(0, eng_peek(map + 9, &v));
	EXPECT_EQ(0x99, v);
	ASSERT_EQ(0, eng_mmio(e->hsm, ACRN_IOCTL_UNSET_MEMSEG, ENG_MMIO_GPA, 0));
	ASSERT_EQ(0, eng_read(fd, &rec, ENG_WAIT_MS));
	EXPECT_EQ(HVSIM_REC_EPT_UNMAP, rec.type);
	EXPECT_EQ(ENG_MMIO_GPA, rec.u.ept.gpa);
	EXPECT_EQ(E2E_PAGE_SIZE, rec.u.ept.size);
	EXPECT_EQ(SIGBUS, eng_peek(map + 9, &v));
	range.gpa = ENG_DEV_GPA + E2E_PAGE_SIZE;
	ASSERT_EQ(0, e2e_ioctl(fd, HVSIM_ENGINE_GET_RANGE, &range));
	EXPECT_EQ(0, range.size);
	munmap(map, E2E_PAGE_SIZE);
	munmap(dev, E2E_PAGE_SIZE);
	close(fd);
	e2e_unmap((void **)&ram, ENG_PAGES);
}

/* DESTROY_VM removes the guest's RAM from the engine before it returns. */
TEST_F(eng, destroy_zaps)
{
	struct e2e *e = &self->e;
	size_t len = ENG_PAGES * E2E_PAGE_SIZE;
	struct eng_thread t;
	unsigned char *ram, *map, v;
	int fd;

	ASSERT_EQ(0, e2e_start_vm(e, "engd", 1, 0));
	ram = eng_ram(ENG_PAGES);
	ASSERT_NE(NULL, ram);
	ASSERT_EQ(0, eng_memseg(e->hsm, ACRN_IOCTL_SET_MEMSEG, ENG_GPA, ram, len));
	fd = eng_claim(e->hv, e->cv.vmid, 0);
	ASSERT_LE(0, fd);
	map = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, ENG_GPA);
	ASSERT_NE(MAP_FAILED, map);
	ASSERT_EQ(0, eng_peek(map + 7, &v));
	EXPECT_EQ(ram[7], v);
	ASSERT_EQ(0, eng_thread_start(&t, fd, 0, false, 0));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
	EXPECT_EQ(SIGBUS, eng_peek(map + 7, &v));
	EXPECT_EQ(SIGBUS, eng_peek(map + len - 1, &v));
	EXPECT_EQ(0, pthread_join(t.thread, NULL));
	EXPECT_EQ(ENODATA, t.end);
	EXPECT_EQ(self->pins, e2e_wait_pins(self->pins, 3000));
	munmap(map, len);
	close(fd);
	e2e_unmap((void **)&ram, ENG_PAGES);
}

/* hvsimctl engine: a claim that runs nothing prints the records, acks. */
TEST_F(eng, hvsimctl_engine)
{
	struct e2e *e = &self->e;
	struct acrn_msi_entry msi = { .msi_addr = ENG_MSI_ADDR, .msi_data = 0x31 };
	char cmd[64], line[256], want[128];
	struct timespec t0;
	FILE *out;
	int i;

	ASSERT_EQ(0, e2e_create(e, "engh", e2e_affinity(1)));
	snprintf(cmd, sizeof(cmd), "exec hvsimctl engine %u", e->cv.vmid);
	out = popen(cmd, "r");
	ASSERT_NE(NULL, out);
	e2e_now(&t0);
	while (!eng_event(e->hv, e->cv.vmid, "engine_attach") &&
	       e2e_ms_since(&t0) < ENG_WAIT_MS)
		usleep(10000);
	ASSERT_TRUE(eng_event(e->hv, e->cv.vmid, "engine_attach"));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_START_VM));
	ASSERT_EQ(0, e2e_ioctl(e->hsm, ACRN_IOCTL_INJECT_MSI, &msi));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
	for (i = 1; i <= 5; i++) {
		ASSERT_NE(NULL, fgets(line, sizeof(line), out));
		switch (i) {
		case 1:
			snprintf(want, sizeof(want),
				 "1 attach vmid=%u state=1 vcpus=1 regs_set=0x0 rip=0x0\n",
				 e->cv.vmid);
			break;
		case 2:
			snprintf(want, sizeof(want),
				 "2 start vmid=%u state=2 vcpus=1 regs_set=0x0 rip=0x0\n",
				 e->cv.vmid);
			break;
		case 3:
			snprintf(want, sizeof(want),
				 "3 msi vmid=%u addr=0xfee01000 data=0x31\n",
				 e->cv.vmid);
			break;
		case 4:
			snprintf(want, sizeof(want), "4 pause vmid=%u ack\n",
				 e->cv.vmid);
			break;
		default:
			snprintf(want, sizeof(want), "5 destroy vmid=%u ack\n",
				 e->cv.vmid);
		}
		EXPECT_STREQ(want, line);
	}
	EXPECT_EQ(0, pclose(out));
}

TEST_HARNESS_MAIN
