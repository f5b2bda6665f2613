// SPDX-License-Identifier: GPL-2.0
/*
 * hvsimctl: look at and steer the simulated ACRN hypervisor.
 *
 *   hvsimctl info                     simulator limits
 *   hvsimctl vms                      one line per VM: <vmid> <state> vcpus=<n> name=<name>
 *   hvsimctl regs <vmid> <vcpu>       registers the vCPU received with SET_VCPU_REGS
 *   hvsimctl stats                    hypercalls made so far, and upcalls
 *   hvsimctl irqsoff                  hypercalls made with interrupts off:
 *                                     index, name, calls, longest (ns)
 *   hvsimctl fault <hypercall> <ret> [count [skip]]
 *                                     make a hypercall return <ret> (e.g. -1)
 *   hvsimctl fault-vcpus <n> [count]  CREATE_VM reports <n> vCPUs
 *   hvsimctl fault-vmid <vmid> [count] CREATE_VM creates nothing, reports <vmid>
 *   hvsimctl clear-faults             disarm every fault
 *   hvsimctl io <vmid> <vcpu> pio|mmio read <addr> <size>
 *   hvsimctl io <vmid> <vcpu> pio|mmio write <addr> <size> <value>
 *                                     one guest access; a read prints the
 *                                     value (0x<hex>)
 *   hvsimctl loop <vmid> <vcpus> <count> pio|mmio read|write <addr> <size> [value]
 *                                     <vcpus> vCPUs making <count> accesses
 *                                     each; prints the results
 *   hvsimctl mem <vmid> read <gpa> <len>
 *                                     the guest reads its memory through its
 *                                     EPT; prints the bytes as hex pairs
 *   hvsimctl mem <vmid> write <gpa> <hexbytes>
 *                                     the guest writes its memory (the bytes
 *                                     as hex pairs, e.g. 00ff1a)
 *   hvsimctl ept <vmid> [gpa]         the VM's EPT counters, and what gpa maps to
 *   hvsimctl fault-partial <ops> <ret> [count [skip]]
 *                                     SET_MEMORY_REGIONS applies its first
 *                                     <ops> ops, then returns <ret>
 *   hvsimctl events <vmid> [--since N] [--seq]
 *                                     the slot's event log, oldest first, one
 *                                     event per line (with --seq "<seq> <text>");
 *                                     vmid 0 is the Service VM
 *
 *   hvsimctl engine <vmid>|next       claim the VM (or the next one created)
 *                                     as a vCPU engine that runs nothing:
 *                                     print each record on a line, ack at
 *                                     once; exit 0 when the claim ends
 *
 * <hypercall> is a name (start_vm, destroy_vm, ...) or an index (0x12).
 * io and loop take --timeout MS (per access, default 5000) and
 * --no-upcall; loop also --vary (HVSIM_LOOP_VARY_VALUE).
 */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "hvsim_ctl.h"

static int print_help(void)
{
	fprintf(stderr,
		"usage: hvsimctl info | vms | regs <vmid> <vcpu> | stats | irqsoff\n"
		"       hvsimctl fault <hypercall> <ret> [count [skip]]\n"
		"       hvsimctl fault-vcpus <n> [count] | fault-vmid <vmid> [count]\n"
		"       hvsimctl clear-faults\n"
		"       hvsimctl io [opts] <vmid> <vcpu> pio|mmio read <addr> <size>\n"
		"       hvsimctl io [opts] <vmid> <vcpu> pio|mmio write <addr> <size> <value>\n"
		"       hvsimctl loop [opts] <vmid> <vcpus> <count> pio|mmio read|write <addr> <size> [value]\n"
		"       opts: --timeout MS (per access), --no-upcall; loop: --vary\n"
		"       hvsimctl mem <vmid> read <gpa> <len> | mem <vmid> write <gpa> <hexbytes>\n"
		"       hvsimctl ept <vmid> [gpa]\n"
		"       hvsimctl fault-partial <ops> <ret> [count [skip]]\n"
		"       hvsimctl events <vmid> [--since N] [--seq]\n"
		"       hvsimctl engine <vmid>|next\n");
	return 2;
}

static int parse_num(const char *s, long long *v)
{
	char *end;

	errno = 0;
	*v = strtoll(s, &end, 0);
	return errno || end == s || *end ? -EINVAL : 0;
}

static int parse_u64(const char *s, unsigned long long max,
		     unsigned long long *v)
{
	char *end;

	if (*s == '-')
		return -EINVAL;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return errno || end == s || *end || *v > max ? -EINVAL : 0;
}

/* Options of io and loop, anywhere after the command; removed from argv. */
struct io_opts {
	unsigned long long timeout_ms;
	bool no_upcall;
	bool vary;
};

static int parse_io_opts(int *argc, char **argv, struct io_opts *o,
			 bool loop)
{
	int i, n = 0;

	for (i = 0; i < *argc; i++) {
		if (strncmp(argv[i], "--", 2))
			argv[n++] = argv[i];
		else if (!strcmp(argv[i], "--no-upcall"))
			o->no_upcall = true;
		else if (loop && !strcmp(argv[i], "--vary"))
			o->vary = true;
		else if (strcmp(argv[i], "--timeout") || i + 1 == *argc ||
			 parse_u64(argv[++i], 0xffffffffULL, &o->timeout_ms))
			return -EINVAL;
	}
	*argc = n;
	return 0;
}

/* pio|mmio read|write <addr> <size> [value] into @io; @argc is 4 or 5. */
static int parse_access(int argc, char **argv, struct hvsim_io *io)
{
	unsigned long long addr, size, value = 0;

	if (!strcmp(argv[0], "pio"))
		io->type = ACRN_IOREQ_TYPE_PORTIO;
	else if (!strcmp(argv[0], "mmio"))
		io->type = ACRN_IOREQ_TYPE_MMIO;
	else
		return -EINVAL;
	if (!strcmp(argv[1], "read") && argc == 4)
		io->direction = ACRN_IOREQ_DIR_READ;
	else if (!strcmp(argv[1], "write") && argc == 5)
		io->direction = ACRN_IOREQ_DIR_WRITE;
	else
		return -EINVAL;
	if (parse_u64(argv[2], ~0ULL, &addr) ||
	    parse_u64(argv[3], 0xffffffffULL, &size) ||
	    (argc == 5 && parse_u64(argv[4], ~0ULL, &value)))
		return -EINVAL;
	io->address = addr;
	io->size = size;
	io->value = value;
	return 0;
}

/*
 * Exit status of a failed io or loop ioctl, after saying why: 2 for
 * EINVAL (arguments the simulator refused), 1 otherwise.
 */
static int io_failed(const char *cmd, const struct hvsim_io *io, int err)
{
	fprintf(stderr, "hvsimctl: %s: vm %u vcpu %u: %s\n", cmd, io->vmid,
		io->vcpu, strerror(err));
	return err == EINVAL ? 2 : 1;
}

static int cmd_io(int fd, int argc, char **argv, int *status)
{
	unsigned long long vmid, vcpu;
	struct hvsim_io io = { 0 };
	struct io_opts o = { 0 };
	int ret;

	if (parse_io_opts(&argc, argv, &o, false) || argc < 6 || argc > 7 ||
	    parse_u64(argv[0], 0xffff, &vmid) ||
	    parse_u64(argv[1], 0xffff, &vcpu) ||
	    parse_access(argc - 2, argv + 2, &io))
		return -EINVAL;
	io.vmid = vmid;
	io.vcpu = vcpu;
	io.timeout_ms = o.timeout_ms;
	io.flags = o.no_upcall ? HVSIM_IO_NO_UPCALL : 0;

	ret = hvsim_guest_io(fd, &io);
	if (ret) {
		*status = io_failed("io", &io, -ret);
		return 0;
	}
	if (io.direction == ACRN_IOREQ_DIR_READ)
		printf("0x%llx\n", (unsigned long long)io.value);
	return 0;
}

static int cmd_loop(int fd, int argc, char **argv, int *status)
{
	unsigned long long vmid, vcpus, count;
	struct hvsim_io_loop l = { 0 };
	struct io_opts o = { 0 };
	double rate;
	int ret;

	if (parse_io_opts(&argc, argv, &o, true) || argc < 7 || argc > 8 ||
	    parse_u64(argv[0], 0xffff, &vmid) ||
	    parse_u64(argv[1], 0xffffffffULL, &vcpus) ||
	    parse_u64(argv[2], 0xffffffffULL, &count) ||
	    parse_access(argc - 3, argv + 3, &l.io))
		return -EINVAL;
	l.io.vmid = vmid;
	l.io.timeout_ms = o.timeout_ms;
	l.io.flags = o.no_upcall ? HVSIM_IO_NO_UPCALL : 0;
	l.vcpus = vcpus;
	l.count = count;
	l.flags = o.vary ? HVSIM_LOOP_VARY_VALUE : 0;

	ret = hvsim_guest_loop(fd, &l);
	if (ret) {
		*status = io_failed("loop", &l.io, -ret);
		return 0;
	}
	rate = l.elapsed_ns ? l.completed * 1e9 / l.elapsed_ns : 0;
	printf("completed=%llu failed=%llu elapsed_ns=%llu rate=%.0f/s ",
	       (unsigned long long)l.completed, (unsigned long long)l.failed,
	       (unsigned long long)l.elapsed_ns, rate);
	printf("p50_ns=%llu p99_ns=%llu max_ns=%llu ctx_switches=%llu\n",
	       (unsigned long long)l.p50_ns, (unsigned long long)l.p99_ns,
	       (unsigned long long)l.max_ns,
	       (unsigned long long)l.ctx_switches);
	if (l.failed) {
		fprintf(stderr, "hvsimctl: loop: vm %u: %llu failed, the first: %s\n",
			l.io.vmid, (unsigned long long)l.failed,
			strerror(l.first_error));
		*status = 1;
	}
	return 0;
}

/* "00ff1a" into @buf; -EINVAL unless non-empty hex pairs that fit. */
static int parse_hex(const char *s, unsigned char *buf, size_t max,
		     size_t *len)
{
	size_t n = strlen(s), i;
	unsigned int byte;

	if (!n || n % 2 || n / 2 > max)
		return -EINVAL;
	for (i = 0; i < n; i += 2) {
		if (!isxdigit((unsigned char)s[i]) ||
		    !isxdigit((unsigned char)s[i + 1]) ||
		    sscanf(s + i, "%2x", &byte) != 1)
			return -EINVAL;
		buf[i / 2] = byte;
	}
	*len = n / 2;
	return 0;
}

static int cmd_mem(int fd, int argc, char **argv, int *status)
{
	unsigned long long vmid, gpa, len;
	unsigned char *buf;
	bool write;
	__u32 done = 0, i;
	size_t n;
	int ret;

	if (argc != 4 || parse_u64(argv[0], 0xffff, &vmid) ||
	    parse_u64(argv[2], ~0ULL, &gpa))
		return -EINVAL;
	if (!strcmp(argv[1], "read"))
		write = false;
	else if (!strcmp(argv[1], "write"))
		write = true;
	else
		return -EINVAL;

	buf = malloc(HVSIM_MEM_MAX_LEN);
	if (!buf)
		return -ENOMEM;
	if (write)
		ret = parse_hex(argv[3], buf, HVSIM_MEM_MAX_LEN, &n);
	else
		ret = parse_u64(argv[3], HVSIM_MEM_MAX_LEN, &len);
	if (ret)
		goto out;
	if (!write)
		n = len;

	ret = hvsim_ctl_mem(fd, vmid, write, gpa, buf, n, &done);
	if (ret == -ENXIO) {
		fprintf(stderr, "hvsimctl: guest memory at 0x%llx is not mapped\n",
			gpa + done);
		*status = 1;
		ret = 0;
	} else if (ret == -EACCES || ret == -EOPNOTSUPP) {
		fprintf(stderr, "hvsimctl: mem: vm %llu at 0x%llx: %s\n", vmid,
			gpa + done, strerror(-ret));
		*status = 1;
		ret = 0;
	} else if (!ret && !write) {
		for (i = 0; i < n; i++)
			printf("%02x", buf[i]);
		putchar('\n');
	}
out:
	free(buf);
	return ret;
}

static int cmd_ept(int fd, int argc, char **argv)
{
	unsigned long long vmid, gpa = 0;
	struct hvsim_ept_info info;
	int ret;

	if (argc < 1 || argc > 2 || parse_u64(argv[0], 0xffff, &vmid) ||
	    (argc == 2 && parse_u64(argv[1], ~0ULL, &gpa)))
		return -EINVAL;
	ret = hvsim_ctl_ept(fd, vmid, gpa, &info);
	if (ret)
		return ret;
	printf("mapped_pages=%llu batches=%llu ",
	       (unsigned long long)info.mapped_pages,
	       (unsigned long long)info.batches);
	printf("ops_add=%llu ops_del=%llu ops_failed=%llu overlaps=%llu\n",
	       (unsigned long long)info.ops_add,
	       (unsigned long long)info.ops_del,
	       (unsigned long long)info.ops_failed,
	       (unsigned long long)info.overlaps);
	if (argc < 2)
		return 0;
	if (info.flags & HVSIM_EPT_MAPPED)
		printf("gpa=0x%llx hpa=0x%llx attr=0x%x\n", gpa,
		       (unsigned long long)info.hpa, info.attr);
	else
		printf("gpa=0x%llx unmapped\n", gpa);
	return 0;
}

static int cmd_events(int fd, int argc, char **argv)
{
	unsigned long long vmid = 0, since = 0;
	bool have_vmid = false, seq = false;
	int i;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--seq")) {
			seq = true;
		} else if (!strcmp(argv[i], "--since")) {
			if (i + 1 == argc || parse_u64(argv[++i], ~0ULL, &since))
				return -EINVAL;
		} else if (!have_vmid && strncmp(argv[i], "--", 2)) {
			if (parse_u64(argv[i], 0xffff, &vmid))
				return -EINVAL;
			have_vmid = true;
		} else {
			return -EINVAL;
		}
	}
	if (!have_vmid)
		return -EINVAL;
	return hvsim_print_events(fd, vmid, since, seq, stdout);
}

static const char * const rec_names[] = {
	[HVSIM_REC_ATTACH] = "attach",	[HVSIM_REC_START] = "start",
	[HVSIM_REC_PAUSE] = "pause",	[HVSIM_REC_RESET] = "reset",
	[HVSIM_REC_DESTROY] = "destroy", [HVSIM_REC_EPT_MAP] = "ept_map",
	[HVSIM_REC_EPT_UNMAP] = "ept_unmap", [HVSIM_REC_MSI] = "msi",
	[HVSIM_REC_IRQLINE] = "irqline", [HVSIM_REC_LOST] = "lost",
};

/* One record as "<seq> <type> vmid=<vmid> name=value...". */
static void print_record(const struct hvsim_engine_record *r)
{
	const char *name = r->type < ARRAY_SIZE(rec_names) &&
			   rec_names[r->type] ? rec_names[r->type] : "unknown";

	printf("%llu %s vmid=%u", (unsigned long long)r->seq, name, r->vmid);
	switch (r->type) {
	case HVSIM_REC_ATTACH:
	case HVSIM_REC_START:
		printf(" state=%u vcpus=%u regs_set=0x%x rip=0x%llx",
		       r->u.vm.state, r->u.vm.vcpu_num, r->u.vm.regs_set,
		       (unsigned long long)r->u.vm.bsp_regs.rip);
		break;
	case HVSIM_REC_EPT_MAP:
		printf(" gpa=0x%llx size=0x%llx hpa=0x%llx attr=0x%x",
		       (unsigned long long)r->u.ept.gpa,
		       (unsigned long long)r->u.ept.size,
		       (unsigned long long)r->u.ept.hpa, r->u.ept.attr);
		break;
	case HVSIM_REC_EPT_UNMAP:
		printf(" gpa=0x%llx size=0x%llx", (unsigned long long)r->u.ept.gpa,
		       (unsigned long long)r->u.ept.size);
		break;
	case HVSIM_REC_MSI:
		printf(" addr=0x%llx data=0x%llx", (unsigned long long)r->u.msi.addr,
		       (unsigned long long)r->u.msi.data);
		break;
	case HVSIM_REC_IRQLINE:
		printf(" gsi=%u op=%u", r->u.irqline.gsi, r->u.irqline.op);
		break;
	case HVSIM_REC_LOST:
		printf(" count=%llu", (unsigned long long)r->u.lost.count);
		break;
	}
	if (r->flags & HVSIM_REC_ACK)
		printf(" ack");
	printf("\n");
	fflush(stdout);
}

/* A vCPU engine that runs nothing: print the records, ack at once. */
static int cmd_engine(int fd, int argc, char **argv)
{
	struct hvsim_claim claim = { 0 };
	struct hvsim_engine_record rec;
	unsigned long long vmid;
	int cfd, ret = 0;
	ssize_t n;

	if (argc != 1)
		return -EINVAL;
	if (!strcmp(argv[0], "next")) {
		claim.flags = HVSIM_CLAIM_NEXT;
	} else {
		if (parse_u64(argv[0], 0xffff, &vmid))
			return -EINVAL;
		claim.vmid = vmid;
	}
	cfd = ioctl(fd, HVSIM_IOCTL_ENGINE_CLAIM, &claim);
	if (cfd < 0)
		return -errno;
	for (;;) {
		n = read(cfd, &rec, sizeof(rec));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ret = n < 0 ? -errno : 0;
			break;
		}
		print_record(&rec);
		if ((rec.flags & HVSIM_REC_ACK) &&
		    ioctl(cfd, HVSIM_ENGINE_ACK, &rec.seq)) {
			ret = -errno;
			break;
		}
	}
	close(cfd);
	return ret;
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
	printf("io_requests %llu\n", (unsigned long long)stats.io_requests);
	printf("io_completed %llu\n", (unsigned long long)stats.io_completed);
	printf("io_timeouts %llu\n", (unsigned long long)stats.io_timeouts);
	printf("io_canceled %llu\n", (unsigned long long)stats.io_canceled);
	printf("io_unfinished %llu\n", (unsigned long long)stats.io_unfinished);
	printf("notify_not_complete %llu\n",
	       (unsigned long long)stats.notify_not_complete);
	printf("notify_polling %llu\n", (unsigned long long)stats.notify_polling);
	return 0;
}

/* Hypercalls made with interrupts off: "<index> <name> <calls> <max_ns>" */
static int cmd_irqsoff(int fd)
{
	struct hvsim_irqs_off *st = calloc(1, sizeof(*st));
	unsigned int i;
	int ret;

	if (!st)
		return -ENOMEM;
	ret = hvsim_get_irqs_off(fd, st);
	for (i = 0; !ret && i < HVSIM_NR_HYPERCALLS; i++) {
		const char *name = hvsim_hypercall_name(i);

		if (!st->calls[i])
			continue;
		printf("0x%02x %s %llu %llu\n", i, name ? name : "unknown",
		       (unsigned long long)st->calls[i],
		       (unsigned long long)st->max_ns[i]);
	}
	free(st);
	return ret;
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
	} else if (action == HVSIM_FAULT_PARTIAL) {
		unsigned long long ops;

		if (argc < 2 || argc > 4 ||
		    parse_u64(argv[0], 0xffffffffULL, &ops) ||
		    parse_num(argv[1], &v) || v < INT32_MIN || v > INT32_MAX)
			return -EINVAL;
		fault.hypercall = HVSIM_HC_VM_SET_MEMORY_REGIONS;
		fault.value = ops;
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
	int fd, ret, status = 0;
	const char *cmd;

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
	else if (!strcmp(cmd, "irqsoff") && argc == 2)
		ret = cmd_irqsoff(fd);
	else if (!strcmp(cmd, "fault"))
		ret = cmd_fault(fd, HVSIM_FAULT_RETURN, argc - 2, argv + 2);
	else if (!strcmp(cmd, "fault-vcpus"))
		ret = cmd_fault(fd, HVSIM_FAULT_VCPU_NUM, argc - 2, argv + 2);
	else if (!strcmp(cmd, "fault-vmid"))
		ret = cmd_fault(fd, HVSIM_FAULT_VMID, argc - 2, argv + 2);
	else if (!strcmp(cmd, "fault-partial"))
		ret = cmd_fault(fd, HVSIM_FAULT_PARTIAL, argc - 2, argv + 2);
	else if (!strcmp(cmd, "clear-faults") && argc == 2)
		ret = hvsim_clear_faults(fd);
	else if (!strcmp(cmd, "io"))
		ret = cmd_io(fd, argc - 2, argv + 2, &status);
	else if (!strcmp(cmd, "loop"))
		ret = cmd_loop(fd, argc - 2, argv + 2, &status);
	else if (!strcmp(cmd, "mem"))
		ret = cmd_mem(fd, argc - 2, argv + 2, &status);
	else if (!strcmp(cmd, "ept"))
		ret = cmd_ept(fd, argc - 2, argv + 2);
	else if (!strcmp(cmd, "events"))
		ret = cmd_events(fd, argc - 2, argv + 2);
	else if (!strcmp(cmd, "engine"))
		ret = cmd_engine(fd, argc - 2, argv + 2);
	else
		ret = -EINVAL;
	close(fd);
	if (status)
		return status;

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
