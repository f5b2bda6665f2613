// SPDX-License-Identifier: GPL-2.0
/*
 * End-to-end tests of a VM's file passed over a UNIX socket (SCM_RIGHTS):
 * the receiver drives the VM after the sender closed its copy, and the
 * VM lives as long as the last reference to its file. A file caught in
 * a socket cycle is released by the socket garbage collector (unix_gc,
 * a workqueue on 6.10 and later, the closing process on older kernels);
 * the VM must then be destroyed, its pages unpinned and its eventfds
 * detached, with nothing leaked (the guest plan scans kmemleak).
 */
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "e2e.h"

#define PASS_GPA	0x100000ULL
#define PASS_PAGES	16
#define PASS_MSI_ADDR	0xfee01000ULL
#define PASS_MSI_DATA	0x31ULL

/* Send @n descriptors over @sock in one message; 0 or errno. */
static int send_fds(int sock, const int *fds, unsigned int n)
{
	char data = 'F';
	struct iovec iov = { .iov_base = &data, .iov_len = 1 };
	union {
		char buf[CMSG_SPACE(4 * sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = u.buf,
		.msg_controllen = CMSG_SPACE(n * sizeof(int)),
	};
	struct cmsghdr *cmsg;

	if (n > 4)
		return errno = EINVAL;
	memset(&u, 0, sizeof(u));
	cmsg = CMSG_FIRSTHDR(&msg);
	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(n * sizeof(int));
	memcpy(CMSG_DATA(cmsg), fds, n * sizeof(int));
	return sendmsg(sock, &msg, 0) == 1 ? 0 : errno;
}

/* Receive one descriptor from @sock: the descriptor, or -1. */
static int recv_fd(int sock)
{
	char data;
	struct iovec iov = { .iov_base = &data, .iov_len = 1 };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = u.buf,
		.msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *cmsg;
	int fd;

	if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) != 1)
		return -1;
	cmsg = CMSG_FIRSTHDR(&msg);
	if (!cmsg || cmsg->cmsg_level != SOL_SOCKET ||
	    cmsg->cmsg_type != SCM_RIGHTS ||
	    cmsg->cmsg_len != CMSG_LEN(sizeof(int)))
		return -1;
	memcpy(&fd, CMSG_DATA(cmsg), sizeof(fd));
	return fd;
}

/*
 * The receiving process: takes the VM's file from @sock, then runs the
 * one-letter commands it reads (S start, P pause, M inject an MSI, Q
 * quit), answering each with the ioctl's errno in one byte. Exits 0
 * after Q, 1 if the file never came, 2 if the parent went away.
 */
static void receiver(int sock)
{
	struct acrn_msi_entry msi = {
		.msi_addr = PASS_MSI_ADDR,
		.msi_data = PASS_MSI_DATA,
	};
	unsigned char err;
	char cmd;
	int vm;

	vm = recv_fd(sock);
	if (vm < 0)
		_exit(1);
	for (;;) {
		if (read(sock, &cmd, 1) != 1)
			_exit(2);
		switch (cmd) {
		case 'S':
			err = e2e_ioctl(vm, ACRN_IOCTL_START_VM, NULL);
			break;
		case 'P':
			err = e2e_ioctl(vm, ACRN_IOCTL_PAUSE_VM, NULL);
			break;
		case 'M':
			err = e2e_ioctl(vm, ACRN_IOCTL_INJECT_MSI, &msi);
			break;
		case 'Q':
			close(vm);
			_exit(0);
		default:
			err = 255;
			break;
		}
		if (write(sock, &err, 1) != 1)
			_exit(2);
	}
}

/* Have the receiver run @cmd: its errno, or -1 if it did not answer. */
static int remote(int sock, char cmd)
{
	struct pollfd p = { .fd = sock, .events = POLLIN };
	unsigned char err;

	if (write(sock, &cmd, 1) != 1 || poll(&p, 1, 5000) != 1 ||
	    read(sock, &err, 1) != 1)
		return -1;
	return err;
}

/* Whether slot @vmid's event log holds @text after @since. */
static bool logged(int hv, unsigned int vmid, __u64 since, const char *text)
{
	struct hvsim_event ev[HVSIM_EVENTS_MAX];
	unsigned int got, i;

	if (hvsim_get_events(hv, vmid, since, ev, HVSIM_EVENTS_MAX, &got, NULL))
		return false;
	for (i = 0; i < got; i++) {
		ev[i].text[HVSIM_EVENT_TEXT - 1] = '\0';
		if (!strcmp(ev[i].text, text))
			return true;
	}
	return false;
}

static __u64 last_seq(int hv, unsigned int vmid)
{
	__u64 seq = ~0ULL;

	hvsim_get_events(hv, vmid, 0, NULL, 0, NULL, &seq);
	return seq;
}

/* Map @pages pages of anonymous memory as the main VM's RAM at PASS_GPA. */
static int map_ram(struct e2e *e, void **ram)
{
	struct acrn_vm_memmap m = {
		.type = ACRN_MEMMAP_RAM,
		.attr = ACRN_MEM_ACCESS_RWX,
		.user_vm_pa = PASS_GPA,
		.len = PASS_PAGES * E2E_PAGE_SIZE,
	};

	*ram = e2e_map(PASS_PAGES, PROT_READ | PROT_WRITE);
	if (!*ram)
		return errno;	/* mmap()'s */
	m.vma_base = (uintptr_t)*ram;
	return e2e_ioctl(e->hsm, ACRN_IOCTL_SET_MEMSEG, &m);
}

/*
 * The sender passes the VM's file and closes its copy; the receiver, a
 * process of its own, starts, pauses and interrupts the VM; the VM and
 * its pinned pages go when the receiver closes the last reference.
 */
TEST_F(hsm, passed_to_another_process)
{
	struct e2e *e = &self->e;
	char msi[HVSIM_EVENT_TEXT];
	long pins, vm_pins;
	int sv[2], status;
	unsigned int vmid;
	void *ram = NULL;
	pid_t pid;
	__u64 seq;

	pins = e2e_pins_held();
	ASSERT_LE(0, pins);
	ASSERT_EQ(0, e2e_create(e, "pass", 0));
	vmid = e->cv.vmid;
	ASSERT_EQ(0, map_ram(e, &ram));
	vm_pins = e2e_pins_held();
	/* the I/O request page and the guest's RAM */
	EXPECT_EQ(pins + 1 + PASS_PAGES, vm_pins);

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		/* The file must reach the receiver only through the socket. */
		close(e->hsm);
		close(sv[0]);
		receiver(sv[1]);
	}
	close(sv[1]);
	e->fd[0] = sv[0];

	ASSERT_EQ(0, send_fds(sv[0], &e->hsm, 1));
	/* The sender lets go: the file in flight, then the receiver's, holds the VM. */
	e2e_close(&e->hsm);
	e2e_unmap(&ram, PASS_PAGES);
	EXPECT_EQ(HVSIM_VM_CREATED, e2e_state(e->hv, vmid));

	EXPECT_EQ(0, remote(sv[0], 'S'));
	EXPECT_EQ(HVSIM_VM_RUNNING, e2e_state(e->hv, vmid));
	seq = last_seq(e->hv, vmid);
	EXPECT_EQ(0, remote(sv[0], 'M'));
	snprintf(msi, sizeof(msi), "msi addr=0x%llx data=0x%llx",
		 PASS_MSI_ADDR, PASS_MSI_DATA);
	EXPECT_TRUE(logged(e->hv, vmid, seq, msi));
	EXPECT_EQ(0, remote(sv[0], 'P'));
	EXPECT_EQ(HVSIM_VM_PAUSED, e2e_state(e->hv, vmid));
	/* Still the same VM, pages still pinned: nothing was released. */
	EXPECT_EQ(vm_pins, e2e_pins_held());

	/* The last reference goes with the receiver. */
	ASSERT_EQ(1, write(sv[0], "Q", 1));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ(e->baseline, e2e_wait_count(e->hv, e->baseline, 3000));
	EXPECT_EQ(HVSIM_VM_POWERED_OFF, e2e_state(e->hv, vmid));
	EXPECT_EQ(pins, e2e_wait_pins(pins, 2000));
}

/* Close a fresh socket pair: the release runs (or queues) unix_gc. */
static void kick_gc(void)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv))
		return;
	close(sv[0]);
	close(sv[1]);
}

/*
 * The VM's file, one of its irqfd's eventfd and the receiving socket are
 * in flight in a message queued on that socket itself, and every
 * descriptor is closed: only the garbage collector can free them. Once
 * it ran, the VM is destroyed, its pages unpinned, and the eventfd,
 * released, no longer injects (it is gone with its file).
 */
TEST_F(hsm, released_by_unix_gc)
{
	struct e2e *e = &self->e;
	struct acrn_irqfd irqfd = {
		.msi = { .msi_addr = PASS_MSI_ADDR, .msi_data = PASS_MSI_DATA },
	};
	struct acrn_ioeventfd ioeventfd = {
		.flags = ACRN_IOEVENTFD_FLAG_PIO,
		.addr = 0x510,
		.len = 2,
	};
	struct timespec t0;
	long pins, vm_pins;
	int sv[2], fds[4], count;
	unsigned int vmid;
	void *ram = NULL;
	int efd, iofd;

	pins = e2e_pins_held();
	ASSERT_LE(0, pins);
	ASSERT_EQ(0, e2e_start_vm(e, "gc", 1, 0));
	vmid = e->cv.vmid;
	ASSERT_EQ(0, map_ram(e, &ram));
	vm_pins = e2e_pins_held();
	EXPECT_EQ(pins + 1 + PASS_PAGES, vm_pins);
	ASSERT_EQ(0, e2e_ioctl(e->hsm, ACRN_IOCTL_CREATE_IOREQ_CLIENT, NULL));
	efd = eventfd(0, EFD_CLOEXEC);
	ASSERT_LE(0, efd);
	e->fd[1] = efd;
	irqfd.fd = efd;
	ASSERT_EQ(0, e2e_ioctl(e->hsm, ACRN_IOCTL_IRQFD, &irqfd));
	iofd = eventfd(0, EFD_CLOEXEC);
	ASSERT_LE(0, iofd);
	e->fd[2] = iofd;
	ioeventfd.fd = iofd;
	ASSERT_EQ(0, e2e_ioctl(e->hsm, ACRN_IOCTL_IOEVENTFD, &ioeventfd));

	/* sv[1]'s own file, the VM's and the irqfd's eventfd queued on sv[1]. */
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv));
	e->fd[3] = sv[0];
	e->fd[4] = sv[1];
	fds[0] = sv[1];
	fds[1] = e->hsm;
	fds[2] = efd;
	fds[3] = iofd;
	ASSERT_EQ(0, send_fds(sv[0], fds, 4));
	e2e_close(&e->hsm);
	e2e_close(&e->fd[1]);
	e2e_close(&e->fd[2]);
	e2e_close(&e->fd[4]);
	e2e_unmap(&ram, PASS_PAGES);
	/* In flight, unreachable once sv[0] goes, but not freed yet. */
	EXPECT_EQ(HVSIM_VM_RUNNING, e2e_state(e->hv, vmid));
	EXPECT_EQ(vm_pins, e2e_pins_held());

	/* Closing sv[0] runs the collector; kick it again until the VM goes. */
	e2e_close(&e->fd[3]);
	e2e_now(&t0);
	while ((count = e2e_count(e->hv)) != e->baseline &&
	       e2e_ms_since(&t0) < 10000) {
		usleep(20000);
		kick_gc();
	}
	EXPECT_EQ(e->baseline, count)
		TH_LOG("the VM in the socket cycle was not released");
	EXPECT_EQ(HVSIM_VM_POWERED_OFF, e2e_state(e->hv, vmid));
	EXPECT_EQ(pins, e2e_wait_pins(pins, 2000));
}

TEST_HARNESS_MAIN
