// SPDX-License-Identifier: GPL-2.0
/*
 * Systematic fault injection over the VM life-cycle paths.
 *
 * For n = 1, 2, ... the n-th fault site the calling task reaches inside
 * one system call (a slab or page allocation, or a user copy) is made to
 * fail through /proc/self/task/<tid>/fail-nth, until the call completes
 * without reaching an n-th site. Every injected failure must end in a
 * clean error or in success, never leave a VM half made in the hypervisor,
 * and never leak (the guest checks kmemleak and page pins afterwards).
 *
 * With kmemleak enabled an injected failure may land in kmemleak's own
 * bookkeeping, which falls back silently: success is always acceptable.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/acrn.h>

#include "kselftest_harness.h"
#include "hvsim_ctl.h"

#define MAX_SITES	200

FIXTURE(failnth) {
	int sim;
	int nth;
	void *ioreq;
};

FIXTURE_SETUP(failnth)
{
	char path[64];

	self->sim = hvsim_open();
	ASSERT_LE(0, self->sim);
	ASSERT_EQ(0, hvsim_count_vms(self->sim));

	snprintf(path, sizeof(path), "/proc/self/task/%ld/fail-nth",
		 (long)syscall(SYS_gettid));
	self->nth = open(path, O_RDWR);
	ASSERT_LE(0, self->nth) TH_LOG("fail-nth needs CONFIG_FAULT_INJECTION");

	self->ioreq = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	ASSERT_NE(MAP_FAILED, self->ioreq);
}

FIXTURE_TEARDOWN(failnth)
{
	EXPECT_EQ(0, hvsim_count_vms(self->sim));
	munmap(self->ioreq, 4096);
	close(self->nth);
	close(self->sim);
}

/* Make the n-th fault site of this task's next system call fail. */
static void arm(int nth, int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%d", n);

	if (pwrite(nth, buf, len, 0) != len)
		perror("fail-nth");
}

/*
 * Whether the armed failure was injected, and disarm. Reading and writing
 * fail-nth copy to and from user memory, which are fault sites too: a
 * read that fails means one site was left, which the read used up.
 */
static int fired(int nth)
{
	char buf[16] = "";
	int injected;

	injected = pread(nth, buf, sizeof(buf) - 1, 0) > 0 && buf[0] == '0';
	/* Disarms even when its own copy takes the last count. */
	if (pwrite(nth, "0", 1, 0) < 0 && errno != EFAULT)
		perror("fail-nth");
	return injected;
}

static void creation(struct acrn_vm_creation *cv, void *ioreq)
{
	memset(cv, 0, sizeof(*cv));
	snprintf((char *)cv->uuid, sizeof(cv->uuid), "failnth");
	cv->ioreq_buf = (unsigned long)ioreq;
	cv->cpu_affinity = 0x3;
}

TEST_F(failnth, open)
{
	int n, fd, err;

	for (n = 1; n < MAX_SITES; n++) {
		arm(self->nth, n);
		fd = open(HSM_DEV, O_RDWR);
		err = errno;
		if (!fired(self->nth)) {
			ASSERT_LE(0, fd);
			close(fd);
			break;
		}
		/* EFAULT: the path copy from userspace is a fault site too. */
		if (fd >= 0)
			close(fd);
		else
			EXPECT_TRUE(err == ENOMEM || err == EFAULT)
				TH_LOG("site %d: %s", n, strerror(err));
	}
	EXPECT_LT(n, MAX_SITES);
	TH_LOG("open: %d fault sites", n - 1);
}

TEST_F(failnth, create_vm)
{
	struct acrn_vm_creation cv;
	int n, fd, ret, err, injected;

	for (n = 1; n < MAX_SITES; n++) {
		fd = open(HSM_DEV, O_RDWR);
		ASSERT_LE(0, fd);
		creation(&cv, self->ioreq);

		arm(self->nth, n);
		ret = ioctl(fd, ACRN_IOCTL_CREATE_VM, &cv);
		err = errno;
		injected = fired(self->nth);

		if (ret == 0) {
			EXPECT_EQ(1, hvsim_count_vms(self->sim));
			EXPECT_EQ(0, ioctl(fd, ACRN_IOCTL_DESTROY_VM));
		} else {
			EXPECT_TRUE(err == ENOMEM || err == EFAULT)
				TH_LOG("site %d: %s", n, strerror(err));
			EXPECT_EQ(0, hvsim_count_vms(self->sim))
				TH_LOG("site %d left a VM behind", n);
		}
		close(fd);
		ASSERT_EQ(0, hvsim_count_vms(self->sim));
		if (!injected) {
			EXPECT_EQ(0, ret);
			break;
		}
	}
	EXPECT_LT(n, MAX_SITES);
	EXPECT_LT(1, n) TH_LOG("CREATE_VM reached no fault site");
	TH_LOG("CREATE_VM: %d fault sites", n - 1);
}

TEST_F(failnth, set_vcpu_regs)
{
	struct acrn_vm_creation cv;
	struct acrn_vcpu_regs regs;
	struct hvsim_vcpu_regs seen;
	int n, fd, ret, err, injected;

	fd = open(HSM_DEV, O_RDWR);
	ASSERT_LE(0, fd);
	creation(&cv, self->ioreq);
	ASSERT_EQ(0, ioctl(fd, ACRN_IOCTL_CREATE_VM, &cv));

	memset(&regs, 0, sizeof(regs));
	regs.vcpu_regs.cr0 = 0x31;
	for (n = 1; n < MAX_SITES; n++) {
		regs.vcpu_regs.rip = 0x100000 + n;
		arm(self->nth, n);
		ret = ioctl(fd, ACRN_IOCTL_SET_VCPU_REGS, &regs);
		err = errno;
		injected = fired(self->nth);

		ASSERT_EQ(0, hvsim_get_vcpu_regs(self->sim, cv.vmid, 0, &seen));
		if (ret == 0) {
			EXPECT_EQ(regs.vcpu_regs.rip, seen.regs.rip);
		} else {
			EXPECT_TRUE(err == ENOMEM || err == EFAULT)
				TH_LOG("site %d: %s", n, strerror(err));
			/* A failed call must not have reached the hypervisor. */
			EXPECT_NE(regs.vcpu_regs.rip, seen.regs.rip);
		}
		if (!injected) {
			EXPECT_EQ(0, ret);
			break;
		}
	}
	EXPECT_LT(n, MAX_SITES);
	TH_LOG("SET_VCPU_REGS: %d fault sites", n - 1);
	close(fd);
}

TEST_F(failnth, lifecycle)
{
	static const unsigned long cmds[] = {
		ACRN_IOCTL_START_VM, ACRN_IOCTL_PAUSE_VM, ACRN_IOCTL_RESET_VM,
		ACRN_IOCTL_DESTROY_VM,
	};
	struct acrn_vm_creation cv;
	int n, fd, ret, injected;
	size_t i;

	fd = open(HSM_DEV, O_RDWR);
	ASSERT_LE(0, fd);
	creation(&cv, self->ioreq);
	ASSERT_EQ(0, ioctl(fd, ACRN_IOCTL_CREATE_VM, &cv));

	/* These reach no fault site: the first arming must not fire. */
	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		n = 1;
		arm(self->nth, n);
		ret = ioctl(fd, cmds[i], NULL);
		injected = fired(self->nth);
		EXPECT_EQ(0, ret) TH_LOG("ioctl %d: %s", i, strerror(errno));
		EXPECT_FALSE(injected);
	}
	EXPECT_EQ(0, hvsim_count_vms(self->sim));
	close(fd);
}

/* Sequence number of the newest event in VM vmid's simulator log. */
static __u64 last_event(int sim, unsigned int vmid)
{
	__u64 last = 0;

	if (hvsim_get_events(sim, vmid, 0, NULL, 0, NULL, &last))
		return ~0ULL;
	return last;
}

/*
 * The newest event's sequence number once it is past @before, or after
 * @ms: an irqfd injects from a worker, after write() returned.
 */
static __u64 last_event_after(int sim, unsigned int vmid, __u64 before,
			      long ms)
{
	__u64 last;

	while ((last = last_event(sim, vmid)) == before && ms-- > 0)
		usleep(1000);
	return last;
}

/*
 * The interrupt, device and PM ioctls: each injected failure ends in
 * ENOMEM or EFAULT before the hypervisor hears of it (no event in the
 * simulator's log), except PM's copy of the answer back; the call
 * without a failure succeeds with one event. (VM_INTR_MONITOR pins a
 * populated page on the fast path: it reaches no fault site.)
 */
TEST_F(failnth, device_ioctls)
{
	struct acrn_msi_entry msi = { .msi_addr = 0xfee00000, .msi_data = 0x31 };
	struct acrn_vdev vdev = { .slot = 0x20 };
	struct acrn_vm_creation cv;
	struct {
		const char *name;
		unsigned long cmd;
		void *arg;
		__u64 *pm;
	} calls[] = {
		{ "INJECT_MSI", ACRN_IOCTL_INJECT_MSI, &msi, NULL },
		{ "VM_INTR_MONITOR", ACRN_IOCTL_VM_INTR_MONITOR, NULL, NULL },
		{ "CREATE_VDEV", ACRN_IOCTL_CREATE_VDEV, &vdev, NULL },
		{ "DESTROY_VDEV", ACRN_IOCTL_DESTROY_VDEV, &vdev, NULL },
		{ "PM_GET_CPU_STATE", ACRN_IOCTL_PM_GET_CPU_STATE, NULL, NULL },
	};
	int n, fd, ret, err, injected;
	__u64 before, pm;
	void *page;
	size_t i;

	page = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	ASSERT_NE(MAP_FAILED, page);
	calls[1].arg = page;
	calls[4].arg = &pm;
	calls[4].pm = &pm;
	/* MCS9900 vUART, a virtual device id the hypervisor knows */
	vdev.id.fields.vendor = 0x9710;
	vdev.id.fields.device = 0x9900;

	fd = open(HSM_DEV, O_RDWR);
	ASSERT_LE(0, fd);
	creation(&cv, self->ioreq);
	ASSERT_EQ(0, ioctl(fd, ACRN_IOCTL_CREATE_VM, &cv));

	for (i = 0; i < ARRAY_SIZE(calls); i++) {
		for (n = 1; n < MAX_SITES; n++) {
			/* CX_CNT of vCPU 0 */
			pm = (__u64)cv.vmid << 24 | 2;
			before = last_event(self->sim, cv.vmid);
			arm(self->nth, n);
			ret = ioctl(fd, calls[i].cmd, calls[i].arg);
			err = errno;
			injected = fired(self->nth);

			if (ret == 0) {
				EXPECT_EQ(before + 1, last_event(self->sim, cv.vmid))
					TH_LOG("%s site %d", calls[i].name, n);
			} else {
				EXPECT_TRUE(err == ENOMEM || err == EFAULT)
					TH_LOG("%s site %d: %s", calls[i].name, n,
					       strerror(err));
				/*
				 * A query has no effect to undo: PM may fail
				 * copying its answer back after the hypercall.
				 */
				if (!calls[i].pm || err != EFAULT)
					EXPECT_EQ(before, last_event(self->sim, cv.vmid))
						TH_LOG("%s site %d reached the hypervisor",
						       calls[i].name, n);
				if (calls[i].pm)
					EXPECT_EQ((__u64)cv.vmid << 24 | 2, pm);
			}
			/* Undo a success so the next attempt can succeed. */
			if (ret == 0 && injected &&
			    calls[i].cmd == ACRN_IOCTL_CREATE_VDEV)
				EXPECT_EQ(0, ioctl(fd, ACRN_IOCTL_DESTROY_VDEV, &vdev));
			if (ret == 0 && injected &&
			    calls[i].cmd == ACRN_IOCTL_DESTROY_VDEV)
				EXPECT_EQ(0, ioctl(fd, ACRN_IOCTL_CREATE_VDEV, &vdev));
			if (!injected) {
				EXPECT_EQ(0, ret) TH_LOG("%s: %s", calls[i].name,
							 strerror(err));
				break;
			}
		}
		EXPECT_LT(n, MAX_SITES);
		TH_LOG("%s: %d fault sites", calls[i].name, n - 1);
	}
	EXPECT_EQ(0, ioctl(fd, ACRN_IOCTL_DESTROY_VM));
	close(fd);
	munmap(page, 4096);
}

/*
 * IOEVENTFD and IRQFD assign, each on a new VM so that the first assign
 * also creates what it creates only once (the ioeventfd client). A
 * failed assign must leave nothing behind: assigning again then succeeds
 * (a half-made ioeventfd would answer EEXIST, a wait entry left on the
 * eventfd EBUSY); a successful one is in place (the same again is
 * refused). A signal of an irqfd made under injection still injects.
 */
TEST_F(failnth, eventfds)
{
	struct acrn_ioeventfd iev = {
		.flags = ACRN_IOEVENTFD_FLAG_DATAMATCH,
		.addr = 0xfe001000, .len = 4, .data = 1,
	};
	struct acrn_irqfd irq = {
		.msi = { .msi_addr = 0xfee00000, .msi_data = 0x41 },
	};
	struct acrn_vm_creation cv;
	int n, k, fd, efd, ret, err, injected, sites[2] = { 0, 0 };
	__u64 one = 1, before;

	for (k = 0; k < 2; k++) {
		for (n = 1; n < MAX_SITES; n++) {
			fd = open(HSM_DEV, O_RDWR);
			ASSERT_LE(0, fd);
			creation(&cv, self->ioreq);
			ASSERT_EQ(0, ioctl(fd, ACRN_IOCTL_CREATE_VM, &cv));
			efd = eventfd(0, EFD_NONBLOCK);
			ASSERT_LE(0, efd);
			iev.fd = efd;
			irq.fd = efd;

			arm(self->nth, n);
			ret = ioctl(fd, k ? ACRN_IOCTL_IRQFD : ACRN_IOCTL_IOEVENTFD,
				    k ? (void *)&irq : (void *)&iev);
			err = errno;
			injected = fired(self->nth);

			if (ret) {
				EXPECT_TRUE(err == ENOMEM || err == EFAULT)
					TH_LOG("%s site %d: %s", k ? "IRQFD" : "IOEVENTFD",
					       n, strerror(err));
			} else {
				EXPECT_EQ(-1, ioctl(fd, k ? ACRN_IOCTL_IRQFD :
						    ACRN_IOCTL_IOEVENTFD,
						    k ? (void *)&irq : (void *)&iev));
			}
			if (ret && !k)
				EXPECT_EQ(0, ioctl(fd, ACRN_IOCTL_IOEVENTFD, &iev))
					TH_LOG("IOEVENTFD site %d left something", n);
			if (ret && k)
				EXPECT_EQ(0, ioctl(fd, ACRN_IOCTL_IRQFD, &irq))
					TH_LOG("IRQFD site %d left something", n);
			if (k) {
				before = last_event(self->sim, cv.vmid);
				EXPECT_EQ(8, write(efd, &one, 8));
				EXPECT_EQ(before + 1,
					  last_event_after(self->sim, cv.vmid,
							   before, 5000))
					TH_LOG("IRQFD site %d: no injection", n);
			}

			EXPECT_EQ(0, ioctl(fd, ACRN_IOCTL_DESTROY_VM));
			close(fd);
			close(efd);
			if (!injected) {
				EXPECT_EQ(0, ret);
				break;
			}
		}
		EXPECT_LT(n, MAX_SITES);
		sites[k] = n - 1;
	}
	TH_LOG("IOEVENTFD: %d fault sites, IRQFD: %d", sites[0], sites[1]);
	EXPECT_LT(0, sites[0]);
	EXPECT_LT(0, sites[1]);
}

TEST_HARNESS_MAIN
