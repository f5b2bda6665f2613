// SPDX-License-Identifier: GPL-2.0
/*
 * upstream-dm: a device model that knows nothing of this project. It is
 * built against the system's <linux/acrn.h> (linux-libc-dev, upstream's
 * header, not ours), uses nothing but upstream semantics and never opens
 * the simulator: if the HSM and its simulator are ABI-compatible with
 * upstream, it runs unmodified.
 *
 *   upstream-dm NAME
 *
 * CREATE_VM (NAME in the 16 bytes upstream calls uuid), CREATE_IOREQ_CLIENT,
 * START_VM, then one thread loops on ATTACH_IOREQ_CLIENT: every slot
 * PROCESSING and not kernel_handled is a request for it; port I/O writes
 * are printed as "pio write 0x<port> size <n> value 0x<value>", every
 * other request is printed and reads return all ones; each request is
 * completed with NOTIFY_REQUEST_FINISH. A port write of 0x3400 to 0x404
 * (ACPI PM1a_CNT: SLP_EN, S5) or SIGINT/SIGTERM ends the loop: ATTACH
 * returns 0 when a signal interrupts it, so the flag set by the handler
 * is seen. Then PAUSE_VM, DESTROY_IOREQ_CLIENT, DESTROY_VM, close.
 *
 * Prints "upstream-dm: running vmid <id>" once the VM runs and
 * "upstream-dm: done" at a clean end. Exit status 0 only if every ioctl
 * of the shutdown succeeded.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/acrn.h>

#define PM1A_CNT_PORT	0x404
#define PM1A_CNT_S5	0x3400

/* Set by the signal handler (a lock-free atomic is async-signal-safe). */
static atomic_int stop_signal;

/* The shared I/O request page, page aligned. */
static alignas(4096) struct acrn_io_request_buffer ioreq_page;

static void on_signal(int sig)
{
	atomic_store(&stop_signal, sig);
}

static int hsm_ioctl(int fd, const char *name, unsigned long cmd, void *arg)
{
	if (ioctl(fd, cmd, arg) == 0)
		return 0;
	fprintf(stderr, "upstream-dm: %s: %s\n", name, strerror(errno));
	return -1;
}

/* Emulate one request; returns 1 when the guest powered off. */
static int emulate(struct acrn_io_request *req)
{
	struct acrn_pio_request *pio = &req->reqs.pio_request;
	struct acrn_mmio_request *mmio = &req->reqs.mmio_request;

	switch (req->type) {
	case ACRN_IOREQ_TYPE_PORTIO:
		if (pio->direction == ACRN_IOREQ_DIR_READ) {
			printf("pio read 0x%llx size %llu\n",
			       (unsigned long long)pio->address,
			       (unsigned long long)pio->size);
			pio->value = 0xffffffff;
			return 0;
		}
		printf("pio write 0x%llx size %llu value 0x%x\n",
		       (unsigned long long)pio->address,
		       (unsigned long long)pio->size, pio->value);
		return pio->address == PM1A_CNT_PORT &&
		       pio->value == PM1A_CNT_S5;
	case ACRN_IOREQ_TYPE_MMIO:
		printf("mmio %s 0x%llx size %llu\n",
		       mmio->direction == ACRN_IOREQ_DIR_READ ? "read" : "write",
		       (unsigned long long)mmio->address,
		       (unsigned long long)mmio->size);
		if (mmio->direction == ACRN_IOREQ_DIR_READ)
			mmio->value = ~0ULL;
		return 0;
	default:
		printf("request type %u\n", req->type);
		if (pio->direction == ACRN_IOREQ_DIR_READ)
			pio->value = 0xffffffff;
		return 0;
	}
}

/* The I/O loop; returns 0 when it ended as asked. */
static int io_loop(int fd, unsigned int vmid, unsigned int vcpus)
{
	struct acrn_ioreq_notify notify;
	unsigned int i;
	int off = 0;

	while (!off && !atomic_load(&stop_signal)) {
		if (hsm_ioctl(fd, "ATTACH_IOREQ_CLIENT",
			      ACRN_IOCTL_ATTACH_IOREQ_CLIENT, NULL))
			return -1;
		for (i = 0; i < vcpus; i++) {
			struct acrn_io_request *req = &ioreq_page.req_slot[i];

			if (__atomic_load_n(&req->processed, __ATOMIC_ACQUIRE) !=
			    ACRN_IOREQ_STATE_PROCESSING || req->kernel_handled)
				continue;
			off |= emulate(req);
			fflush(stdout);
			memset(&notify, 0, sizeof(notify));
			notify.vmid = vmid;
			notify.vcpu = i;
			if (hsm_ioctl(fd, "NOTIFY_REQUEST_FINISH",
				      ACRN_IOCTL_NOTIFY_REQUEST_FINISH, &notify))
				return -1;
		}
	}
	if (off)
		printf("upstream-dm: the guest powered off\n");
	else
		printf("upstream-dm: signal %d\n", atomic_load(&stop_signal));
	return 0;
}

int main(int argc, char **argv)
{
	struct acrn_vm_creation vm;
	struct sigaction sa;
	int fd, ret = 0;

	if (argc != 2 || strlen(argv[1]) > 15) {
		fprintf(stderr, "usage: upstream-dm NAME (up to 15 characters)\n");
		return 2;
	}

	/* No SA_RESTART: the signal must end the blocked ATTACH. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	fd = open("/dev/acrn_hsm", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		perror("upstream-dm: /dev/acrn_hsm");
		return 1;
	}

	memset(&vm, 0, sizeof(vm));
	memcpy(&vm.uuid, argv[1], strlen(argv[1]));
	vm.ioreq_buf = (uintptr_t)&ioreq_page;
	if (hsm_ioctl(fd, "CREATE_VM", ACRN_IOCTL_CREATE_VM, &vm))
		return 1;
	if (hsm_ioctl(fd, "CREATE_IOREQ_CLIENT",
		      ACRN_IOCTL_CREATE_IOREQ_CLIENT, NULL) ||
	    hsm_ioctl(fd, "START_VM", ACRN_IOCTL_START_VM, NULL))
		return 1;
	printf("upstream-dm: running vmid %u vcpus %u\n", vm.vmid, vm.vcpu_num);
	fflush(stdout);

	if (io_loop(fd, vm.vmid, vm.vcpu_num))
		ret = 1;

	if (hsm_ioctl(fd, "PAUSE_VM", ACRN_IOCTL_PAUSE_VM, NULL) ||
	    hsm_ioctl(fd, "DESTROY_IOREQ_CLIENT",
		      ACRN_IOCTL_DESTROY_IOREQ_CLIENT, NULL) ||
	    hsm_ioctl(fd, "DESTROY_VM", ACRN_IOCTL_DESTROY_VM, NULL))
		ret = 1;
	if (close(fd))
		ret = 1;
	if (!ret)
		printf("upstream-dm: done\n");
	return ret;
}
