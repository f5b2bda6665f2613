// SPDX-License-Identifier: GPL-2.0
/*
 * Userspace helpers around /dev/acrn_hvsim (see hvsim_ctl.h).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "hvsim_ctl.h"

static int ctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? -errno : 0;
}

int hvsim_open(void)
{
	int fd = open(HVSIM_DEV, O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int hvsim_get_info(int fd, struct hvsim_info *info)
{
	return ctl(fd, HVSIM_IOCTL_GET_INFO, info);
}

int hvsim_get_vm(int fd, unsigned int vmid, struct hvsim_vm_info *vm)
{
	memset(vm, 0, sizeof(*vm));
	vm->vmid = vmid;
	return ctl(fd, HVSIM_IOCTL_GET_VM, vm);
}

int hvsim_get_vcpu_regs(int fd, unsigned int vmid, unsigned int vcpu,
			struct hvsim_vcpu_regs *regs)
{
	memset(regs, 0, sizeof(*regs));
	regs->vmid = vmid;
	regs->vcpu_id = vcpu;
	return ctl(fd, HVSIM_IOCTL_GET_VCPU_REGS, regs);
}

int hvsim_set_fault(int fd, const struct hvsim_fault *fault)
{
	return ctl(fd, HVSIM_IOCTL_SET_FAULT, (void *)fault);
}

int hvsim_fail(int fd, unsigned int hypercall, int ret, unsigned int count)
{
	struct hvsim_fault fault = {
		.hypercall = hypercall,
		.count = count,
		.ret = ret,
		.action = HVSIM_FAULT_RETURN,
	};

	return hvsim_set_fault(fd, &fault);
}

int hvsim_clear_faults(int fd)
{
	return ctl(fd, HVSIM_IOCTL_CLEAR_FAULTS, NULL);
}

int hvsim_get_stats(int fd, struct hvsim_stats *stats)
{
	return ctl(fd, HVSIM_IOCTL_GET_STATS, stats);
}

int hvsim_get_irqs_off(int fd, struct hvsim_irqs_off *out)
{
	return ctl(fd, HVSIM_IOCTL_GET_IRQS_OFF, out);
}

int hvsim_guest_io(int fd, struct hvsim_io *io)
{
	return ctl(fd, HVSIM_IOCTL_GUEST_IO, io);
}

int hvsim_guest_loop(int fd, struct hvsim_io_loop *loop)
{
	return ctl(fd, HVSIM_IOCTL_GUEST_LOOP, loop);
}

int hvsim_ctl_mem(int fd, unsigned int vmid, bool write, __u64 gpa,
		  void *buf, __u32 len, __u32 *done)
{
	struct hvsim_mem mem = {
		.vmid = vmid,
		.flags = write ? HVSIM_MEM_WRITE : 0,
		.len = len,
		.gpa = gpa,
		.buf = (__u64)(unsigned long)buf,
	};
	int ret = ctl(fd, HVSIM_IOCTL_GUEST_MEM, &mem);

	if (done)
		*done = mem.done;
	return ret;
}

int hvsim_ctl_ept(int fd, unsigned int vmid, __u64 gpa,
		  struct hvsim_ept_info *info)
{
	memset(info, 0, sizeof(*info));
	info->vmid = vmid;
	info->gpa = gpa;
	return ctl(fd, HVSIM_IOCTL_GET_EPT, info);
}

int hvsim_fault_partial(int fd, unsigned int ops, int ret, unsigned int count,
			unsigned int skip)
{
	struct hvsim_fault fault = {
		.hypercall = HVSIM_HC_VM_SET_MEMORY_REGIONS,
		.skip = skip,
		.count = count,
		.ret = ret,
		.action = HVSIM_FAULT_PARTIAL,
		.value = ops,
	};

	return hvsim_set_fault(fd, &fault);
}

int hvsim_walk_vms(int fd, hvsim_vm_fn_t fn, void *arg)
{
	struct hvsim_info info;
	struct hvsim_vm_info vm;
	unsigned int vmid;
	int ret;

	ret = hvsim_get_info(fd, &info);
	if (ret)
		return ret;
	for (vmid = 1; vmid < info.max_vms; vmid++) {
		ret = hvsim_get_vm(fd, vmid, &vm);
		if (!ret && vm.state != HVSIM_VM_POWERED_OFF)
			ret = fn(&vm, arg);
		if (ret)
			return ret;
	}
	return 0;
}

static int count_vm(const struct hvsim_vm_info *vm, void *arg)
{
	(void)vm;
	(*(int *)arg)++;
	return 0;
}

int hvsim_count_vms(int fd)
{
	int n = 0, ret;

	ret = hvsim_walk_vms(fd, count_vm, &n);
	return ret ? ret : n;
}

int hvsim_get_events(int fd, unsigned int vmid, __u64 since,
		     struct hvsim_event *buf, unsigned int count,
		     unsigned int *got, __u64 *last_seq)
{
	struct hvsim_events req = {
		.vmid = vmid,
		.count = count,
		.since = since,
		.buf = (__u64)(unsigned long)buf,
	};
	int ret = ctl(fd, HVSIM_IOCTL_GET_EVENTS, &req);

	if (ret)
		return ret;
	if (got)
		*got = req.count;
	if (last_seq)
		*last_seq = req.last_seq;
	return 0;
}

int hvsim_print_events(int fd, unsigned int vmid, __u64 since, bool seq,
		       FILE *out)
{
	struct hvsim_event *buf;
	unsigned int got, i;
	__u64 last;
	int ret;

	buf = calloc(HVSIM_EVENTS_MAX, sizeof(*buf));
	if (!buf)
		return -ENOMEM;
	/* A log in pieces: each call goes on after the last event it got. */
	do {
		ret = hvsim_get_events(fd, vmid, since, buf, HVSIM_EVENTS_MAX,
				       &got, &last);
		if (ret)
			break;
		for (i = 0; i < got; i++) {
			buf[i].text[HVSIM_EVENT_TEXT - 1] = '\0';
			if (seq)
				fprintf(out, "%llu ",
					(unsigned long long)buf[i].seq);
			fprintf(out, "%s\n", buf[i].text);
		}
		if (got)
			since = buf[got - 1].seq;
	} while (got == HVSIM_EVENTS_MAX && since < last);
	free(buf);
	return ret;
}

const char *hvsim_state_name(unsigned int state)
{
	static const char * const names[] = {
		[HVSIM_VM_POWERED_OFF]		= "powered_off",
		[HVSIM_VM_CREATED]		= "created",
		[HVSIM_VM_RUNNING]		= "running",
		[HVSIM_VM_READY_TO_POWEROFF]	= "ready_to_poweroff",
		[HVSIM_VM_PAUSED]		= "paused",
	};

	if (state < ARRAY_SIZE(names) && names[state])
		return names[state];
	return "unknown";
}

static const struct {
	unsigned int index;
	const char *name;
} hypercalls[] = {
	{ HVSIM_HC_SOS_REMOVE_CPU, "sos_remove_cpu" },
	{ HVSIM_HC_CREATE_VM, "create_vm" },
	{ HVSIM_HC_DESTROY_VM, "destroy_vm" },
	{ HVSIM_HC_START_VM, "start_vm" },
	{ HVSIM_HC_PAUSE_VM, "pause_vm" },
	{ HVSIM_HC_RESET_VM, "reset_vm" },
	{ HVSIM_HC_SET_VCPU_REGS, "set_vcpu_regs" },
	{ HVSIM_HC_INJECT_MSI, "inject_msi" },
	{ HVSIM_HC_VM_INTR_MONITOR, "vm_intr_monitor" },
	{ HVSIM_HC_SET_IRQLINE, "set_irqline" },
	{ HVSIM_HC_SET_IOREQ_BUFFER, "set_ioreq_buffer" },
	{ HVSIM_HC_NOTIFY_REQUEST_FINISH, "notify_request_finish" },
	{ HVSIM_HC_VM_SET_MEMORY_REGIONS, "vm_set_memory_regions" },
	{ HVSIM_HC_SET_PTDEV_INTR, "set_ptdev_intr" },
	{ HVSIM_HC_RESET_PTDEV_INTR, "reset_ptdev_intr" },
	{ HVSIM_HC_ASSIGN_PCIDEV, "assign_pcidev" },
	{ HVSIM_HC_DEASSIGN_PCIDEV, "deassign_pcidev" },
	{ HVSIM_HC_ASSIGN_MMIODEV, "assign_mmiodev" },
	{ HVSIM_HC_DEASSIGN_MMIODEV, "deassign_mmiodev" },
	{ HVSIM_HC_CREATE_VDEV, "create_vdev" },
	{ HVSIM_HC_DESTROY_VDEV, "destroy_vdev" },
	{ HVSIM_HC_PM_GET_CPU_STATE, "pm_get_cpu_state" },
};

int hvsim_hypercall_index(const char *name)
{
	unsigned long v;
	char *end;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(hypercalls); i++)
		if (!strcasecmp(name, hypercalls[i].name))
			return hypercalls[i].index;
	errno = 0;
	v = strtoul(name, &end, 0);
	if (errno || end == name || *end || v >= HVSIM_NR_HYPERCALLS)
		return -1;
	return v;
}

const char *hvsim_hypercall_name(unsigned int index)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(hypercalls); i++)
		if (hypercalls[i].index == index)
			return hypercalls[i].name;
	return NULL;
}

/* The name as printable text: up to the first NUL, other bytes escaped. */
static void print_name(FILE *out, const __u8 *name, size_t len)
{
	size_t i;

	for (i = 0; i < len && name[i]; i++) {
		if (isprint(name[i]) && name[i] != ' ' && name[i] != '\\')
			fputc(name[i], out);
		else
			fprintf(out, "\\x%02x", name[i]);
	}
}

static int print_vm(const struct hvsim_vm_info *vm, void *arg)
{
	FILE *out = arg;

	fprintf(out, "%u %s vcpus=%u name=", vm->vmid,
		hvsim_state_name(vm->state), vm->vcpu_num);
	print_name(out, vm->name, sizeof(vm->name));
	fputc('\n', out);
	return 0;
}

int hvsim_print_vms(int fd, FILE *out)
{
	return hvsim_walk_vms(fd, print_vm, out);
}

void hvsim_print_regs(FILE *out, const struct hvsim_vcpu_regs *r)
{
	const struct acrn_regs *g = &r->regs;
	const struct acrn_gp_regs *p = &g->gprs;

	fprintf(out, "vm %u vcpu %u: %s\n", r->vmid, r->vcpu_id,
		(r->flags & HVSIM_REGS_SET) ? "registers set" : "registers not set");
	if (!(r->flags & HVSIM_REGS_SET))
		return;
	fprintf(out, "  rip=0x%llx rflags=0x%llx efer=0x%llx\n",
		g->rip, g->rflags, g->ia32_efer);
	fprintf(out, "  cr0=0x%llx cr3=0x%llx cr4=0x%llx\n", g->cr0, g->cr3, g->cr4);
	fprintf(out, "  rax=0x%llx rbx=0x%llx rcx=0x%llx rdx=0x%llx\n",
		p->rax, p->rbx, p->rcx, p->rdx);
	fprintf(out, "  rsi=0x%llx rdi=0x%llx rsp=0x%llx rbp=0x%llx\n",
		p->rsi, p->rdi, p->rsp, p->rbp);
	fprintf(out, "  r8=0x%llx r9=0x%llx r10=0x%llx r11=0x%llx\n",
		p->r8, p->r9, p->r10, p->r11);
	fprintf(out, "  r12=0x%llx r13=0x%llx r14=0x%llx r15=0x%llx\n",
		p->r12, p->r13, p->r14, p->r15);
	fprintf(out, "  cs=0x%x base=0x%llx limit=0x%x ar=0x%x\n",
		g->cs_sel, g->cs_base, g->cs_limit, g->cs_ar);
	fprintf(out, "  ss=0x%x ds=0x%x es=0x%x fs=0x%x gs=0x%x ldt=0x%x tr=0x%x\n",
		g->ss_sel, g->ds_sel, g->es_sel, g->fs_sel, g->gs_sel,
		g->ldt_sel, g->tr_sel);
	fprintf(out, "  gdt=0x%llx/0x%x idt=0x%llx/0x%x\n",
		g->gdt.base, g->gdt.limit, g->idt.base, g->idt.limit);
}
