// SPDX-License-Identifier: GPL-2.0
/*
 * hvsimctl: look at and steer the simulated ACRN hypervisor.
 *
 *   hvsimctl info                     simulator limits
 *   hvsimctl vms                      one line per VM: <vmid> <state> vcpus=<n> name=<name>
 *   hvsimctl regs <vmid> <vcpu>       registers the vCPU received with SET_VCPU_REGS
 *   hvsimctl stats                    hypercalls made so far, and upcalls
 *   hvsimctl fault <hypercall> <ret> [count [skip]]
 *                                     make a hypercall return <ret> (e.g. -1)
 *   hvsimctl fault-vcpus <n> [count]  CREATE_VM reports <n> vCPUs
 *   hvsimctl fault-vmid <vmid> [count] CREATE_VM creates nothing, reports <vmid>
 *   hvsimctl clear-faults             disarm every fault
 *
 * <hypercall> is a name (start_vm, destroy_vm, ...) or an index (0x12).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hvsim_ctl.h"

static int print_help(void)
{
	fprintf(stderr,
		"usage: hvsimctl info | vms | regs <vmid> <vcpu> | stats\n"
		"       hvsimctl fault <hypercall> <ret> [count [skip]]\n"
		"       hvsimctl fault-vcpus <n> [count] | fault-vmid <vmid> [count]\n"
		"       hvsimctl clear-faults\n");
	return 2;
}

static int parse_num(const char *s, long long *v)
{
	char *end;

	errno = 0;
	*v = strtoll(s, &end, 0);
	return errno || end == s || *end ? -EINVAL : 0;
}

static int cmd_info(int fd)
{
	struct hvsim_info info;
	int ret = hvsim_get_info(fd, &info);

	if (ret)
		return ret;
	printf("api_version=%u max_vms=%u pcpus=%u max_vcpus=%u pcpu_mask=0x%llx\n",
	       info.api_version, info.max_vms, info.pcpus, info.max_vcpus,
	       (unsigned long long)info.pcpu_mask);
	return 0;
}

static int cmd_regs(int fd, int argc, char **argv)
{
	struct hvsim_vcpu_regs regs;
	long long vmid, vcpu;
	int ret;

	if (argc != 2 || parse_num(argv[0], &vmid) || parse_num(argv[1], &vcpu) ||
	    vmid < 0 || vmid > 0xffff || vcpu < 0 || vcpu > 0xffff)
		return -EINVAL;
	ret = hvsim_get_vcpu_regs(fd, vmid, vcpu, &regs);
	if (!ret)
		hvsim_print_regs(stdout, &regs);
	return ret;
}

static int cmd_stats(int fd)
{
	struct hvsim_stats stats;
	unsigned int i;
	int ret = hvsim_get_stats(fd, &stats);

	if (ret)
		return ret;
	for (i = 0; i < HVSIM_NR_HYPERCALLS; i++) {
		const char *name = hvsim_hypercall_name(i);

		if (!stats.hypercalls[i])
			continue;
		printf("0x%02x %s %llu\n", i, name ? name : "unknown",
		       (unsigned long long)stats.hypercalls[i]);
	}
	printf("upcalls %llu\n", (unsigned long long)stats.upcalls);
	return 0;
}

static int cmd_fault(int fd, unsigned int action, int argc, char **argv)
{
	struct hvsim_fault fault = { .action = action, .count = 1 };
	long long v, count = 1, skip = 0;
	int hc;

	if (action == HVSIM_FAULT_RETURN) {
		if (argc < 2 || argc > 4)
			return -EINVAL;
		hc = hvsim_hypercall_index(argv[0]);
		if (hc < 0 || parse_num(argv[1], &v))
			return -EINVAL;
		fault.hypercall = hc;
		fault.ret = v;
		argv += 2;
		argc -= 2;
	} else {
		if (argc < 1 || argc > 2 || parse_num(argv[0], &v))
			return -EINVAL;
		fault.hypercall = HVSIM_HC_CREATE_VM;
		fault.value = v;
		argv++;
		argc--;
	}
	if (argc >= 1 && parse_num(argv[0], &count))
		return -EINVAL;
	if (argc == 2 && parse_num(argv[1], &skip))
		return -EINVAL;
	if (count < 0 || skip < 0 || count > 0xffffffffLL || skip > 0xffffffffLL)
		return -EINVAL;
	fault.count = count;
	fault.skip = skip;
	return hvsim_set_fault(fd, &fault);
}

int main(int argc, char **argv)
{
	const char *cmd;
	int fd, ret;

	if (argc < 2)
		return print_help();
	cmd = argv[1];

	fd = hvsim_open();
	if (fd < 0) {
		fprintf(stderr, "hvsimctl: %s: %s (is acrn_hvsim loaded?)\n",
			HVSIM_DEV, strerror(-fd));
		return 1;
	}

	if (!strcmp(cmd, "info") && argc == 2)
		ret = cmd_info(fd);
	else if (!strcmp(cmd, "vms") && argc == 2)
		ret = hvsim_print_vms(fd, stdout);
	else if (!strcmp(cmd, "regs"))
		ret = cmd_regs(fd, argc - 2, argv + 2);
	else if (!strcmp(cmd, "stats") && argc == 2)
		ret = cmd_stats(fd);
	else if (!strcmp(cmd, "fault"))
		ret = cmd_fault(fd, HVSIM_FAULT_RETURN, argc - 2, argv + 2);
	else if (!strcmp(cmd, "fault-vcpus"))
		ret = cmd_fault(fd, HVSIM_FAULT_VCPU_NUM, argc - 2, argv + 2);
	else if (!strcmp(cmd, "fault-vmid"))
		ret = cmd_fault(fd, HVSIM_FAULT_VMID, argc - 2, argv + 2);
	else if (!strcmp(cmd, "clear-faults") && argc == 2)
		ret = hvsim_clear_faults(fd);
	else
		ret = -EINVAL;
	close(fd);

	if (ret == -EINVAL) {
		fprintf(stderr, "hvsimctl: %s: invalid arguments, or refused by the simulator\n",
			cmd);
		return print_help();
	}
	if (ret) {
		fprintf(stderr, "hvsimctl: %s: %s\n", cmd, strerror(-ret));
		return 1;
	}
	return 0;
}
