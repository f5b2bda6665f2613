// SPDX-License-Identifier: GPL-2.0
/*
 * sample-dm: the smallest device model. It walks one User VM through its
 * life cycle on /dev/acrn_hsm, printing each step and, when the simulator
 * is loaded, what the simulated hypervisor saw.
 *
 *   sample-dm [name]
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/acrn.h>

#include "hvsim_ctl.h"

static int hvsim_fd = -1;

/* The simulated hypervisor's view, indented under the step. */
static void show_sim(unsigned int vmid, int with_regs)
{
	struct hvsim_vcpu_regs regs;
	char *buf = NULL;
	size_t len = 0;
	FILE *mem;

	if (hvsim_fd < 0)
		return;
	mem = open_memstream(&buf, &len);
	if (!mem)
		return;
	if (hvsim_print_vms(hvsim_fd, mem))
		fprintf(mem, "(cannot read the simulator)\n");
	if (with_regs && !hvsim_get_vcpu_regs(hvsim_fd, vmid, 0, &regs))
		hvsim_print_regs(mem, &regs);
	fclose(mem);

	if (!len) {
		printf("    hvsim: no VMs\n");
	} else {
		char *line, *save = NULL;

		for (line = strtok_r(buf, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save))
			printf("    hvsim: %s\n", line);
	}
	free(buf);
}

static int step(int fd, const char *what, unsigned long cmd, void *arg)
{
	int ret = ioctl(fd, cmd, arg);

	printf("%-14s %s\n", what, ret ? strerror(errno) : "ok");
	return ret ? -errno : 0;
}

/* A vCPU entering a bzImage's 32-bit protected-mode entry point. */
static void bzimage_entry_regs(struct acrn_vcpu_regs *regs)
{
	memset(regs, 0, sizeof(*regs));
	regs->vcpu_id = 0;
	regs->vcpu_regs.rip = 0x1000000;	/* 16 MiB: kernel load address */
	regs->vcpu_regs.gprs.rsi = 0x7000;	/* boot parameters (zero page) */
	regs->vcpu_regs.cr0 = 0x31;		/* PE | ET | NE */
	regs->vcpu_regs.cs_ar = 0xc09b;
	regs->vcpu_regs.cs_limit = 0xffffffff;
	regs->vcpu_regs.cs_sel = 0x10;
	regs->vcpu_regs.ds_sel = 0x18;
	regs->vcpu_regs.es_sel = 0x18;
	regs->vcpu_regs.ss_sel = 0x18;
	regs->vcpu_regs.gdt.base = 0x5000;
	regs->vcpu_regs.gdt.limit = 0x1f;
}

int main(int argc, char **argv)
{
	const char *name = argc > 1 ? argv[1] : "sample-vm";
	struct acrn_vm_creation create;
	struct acrn_vcpu_regs regs;
	void *ioreq_page;
	int fd, ret;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (posix_memalign(&ioreq_page, 4096, 4096)) {
		fprintf(stderr, "sample-dm: out of memory\n");
		return 1;
	}
	memset(ioreq_page, 0, 4096);

	fd = open(HSM_DEV, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "sample-dm: %s: %s\n", HSM_DEV, strerror(errno));
		return 1;
	}
	hvsim_fd = hvsim_open();
	printf("sample-dm: opened %s%s\n", HSM_DEV,
	       hvsim_fd >= 0 ? " (simulated hypervisor)" : "");

	memset(&create, 0, sizeof(create));
	/* The 16 uuid bytes carry the VM's name, NUL-padded. */
	snprintf((char *)create.uuid, sizeof(create.uuid), "%s", name);
	create.ioreq_buf = (unsigned long)ioreq_page;
	create.cpu_affinity = 0x3;		/* two vCPUs, on pCPUs 0 and 1 */
	ret = step(fd, "CREATE_VM", ACRN_IOCTL_CREATE_VM, &create);
	if (ret)
		return 1;
	printf("    vmid=%u vcpu_num=%u\n", create.vmid, create.vcpu_num);
	show_sim(create.vmid, 0);

	bzimage_entry_regs(&regs);
	ret = step(fd, "SET_VCPU_REGS", ACRN_IOCTL_SET_VCPU_REGS, &regs);
	show_sim(create.vmid, 1);

	ret |= step(fd, "START_VM", ACRN_IOCTL_START_VM, NULL);
	show_sim(create.vmid, 0);
	ret |= step(fd, "PAUSE_VM", ACRN_IOCTL_PAUSE_VM, NULL);
	show_sim(create.vmid, 0);
	ret |= step(fd, "RESET_VM", ACRN_IOCTL_RESET_VM, NULL);
	show_sim(create.vmid, 1);
	ret |= step(fd, "DESTROY_VM", ACRN_IOCTL_DESTROY_VM, NULL);
	show_sim(create.vmid, 0);

	close(fd);
	printf("sample-dm: %s\n", ret ? "FAILED" : "done");
	return ret ? 1 : 0;
}
