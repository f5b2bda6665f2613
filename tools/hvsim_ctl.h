/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small userspace helpers around /dev/acrn_hvsim, shared by hvsimctl, the
 * sample device model and the tests. Functions return 0 or -errno.
 */
#ifndef HVSIM_CTL_H
#define HVSIM_CTL_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/acrn_hvsim.h>

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

#define HVSIM_DEV	"/dev/acrn_hvsim"
#define HSM_DEV		"/dev/acrn_hsm"

/* Hypercall indexes, the low byte of the hypercall id. */
#define HVSIM_HC_SOS_REMOVE_CPU		0x01
#define HVSIM_HC_CREATE_VM		0x10
#define HVSIM_HC_DESTROY_VM		0x11
#define HVSIM_HC_START_VM		0x12
#define HVSIM_HC_PAUSE_VM		0x13
#define HVSIM_HC_RESET_VM		0x15
#define HVSIM_HC_SET_VCPU_REGS		0x16
#define HVSIM_HC_INJECT_MSI		0x23
#define HVSIM_HC_VM_INTR_MONITOR	0x24
#define HVSIM_HC_SET_IRQLINE		0x25
#define HVSIM_HC_SET_IOREQ_BUFFER	0x30
#define HVSIM_HC_NOTIFY_REQUEST_FINISH	0x31
#define HVSIM_HC_VM_SET_MEMORY_REGIONS	0x42
#define HVSIM_HC_SET_PTDEV_INTR		0x53
#define HVSIM_HC_RESET_PTDEV_INTR	0x54
#define HVSIM_HC_ASSIGN_PCIDEV		0x55
#define HVSIM_HC_DEASSIGN_PCIDEV	0x56
#define HVSIM_HC_ASSIGN_MMIODEV		0x57
#define HVSIM_HC_DEASSIGN_MMIODEV	0x58
#define HVSIM_HC_CREATE_VDEV		0x59
#define HVSIM_HC_DESTROY_VDEV		0x5a
#define HVSIM_HC_PM_GET_CPU_STATE	0x80

int hvsim_open(void);
int hvsim_get_info(int fd, struct hvsim_info *info);
int hvsim_get_vm(int fd, unsigned int vmid, struct hvsim_vm_info *vm);
int hvsim_get_vcpu_regs(int fd, unsigned int vmid, unsigned int vcpu,
			struct hvsim_vcpu_regs *regs);
int hvsim_set_fault(int fd, const struct hvsim_fault *fault);
int hvsim_fail(int fd, unsigned int hypercall, int ret, unsigned int count);
int hvsim_clear_faults(int fd);
int hvsim_get_stats(int fd, struct hvsim_stats *stats);
int hvsim_get_irqs_off(int fd, struct hvsim_irqs_off *out);
/*
 * One guest access (HVSIM_IOCTL_GUEST_IO); on success a read's value is
 * in io->value.
 */
int hvsim_guest_io(int fd, struct hvsim_io *io);
/* vCPU threads making accesses back to back (HVSIM_IOCTL_GUEST_LOOP). */
int hvsim_guest_loop(int fd, struct hvsim_io_loop *loop);
/*
 * The guest of VM vmid reads (write false) or writes len bytes of its
 * memory at gpa through its EPT (HVSIM_IOCTL_GUEST_MEM). If done is not
 * NULL it is set to the bytes copied, also on failure (-ENXIO: the page
 * at gpa + *done is not mapped; -EACCES, -EOPNOTSUPP; see the UAPI).
 */
int hvsim_ctl_mem(int fd, unsigned int vmid, bool write, __u64 gpa,
		  void *buf, __u32 len, __u32 *done);
/* VM vmid's EPT counters, and the translation of gpa (HVSIM_IOCTL_GET_EPT). */
int hvsim_ctl_ept(int fd, unsigned int vmid, __u64 gpa,
		  struct hvsim_ept_info *info);
/*
 * Arm HVSIM_FAULT_PARTIAL: the next count SET_MEMORY_REGIONS calls (after
 * skip) apply only their first @ops ops, then return ret.
 */
int hvsim_fault_partial(int fd, unsigned int ops, int ret, unsigned int count,
			unsigned int skip);
/*
 * Call fn for each VM that is not powered off; stops at and returns the
 * first non-zero value fn returns.
 */
typedef int (*hvsim_vm_fn_t)(const struct hvsim_vm_info *vm, void *arg);
int hvsim_walk_vms(int fd, hvsim_vm_fn_t fn, void *arg);
/* Number of VMs that are not powered off, or -errno. */
int hvsim_count_vms(int fd);
/*
 * Up to count (at most HVSIM_EVENTS_MAX) events of slot vmid with a
 * sequence number above since, oldest first, into buf
 * (HVSIM_IOCTL_GET_EVENTS). got (if not NULL) is set to the number
 * written, last_seq (if not NULL) to the slot's newest sequence number
 * (0 for an empty log).
 */
int hvsim_get_events(int fd, unsigned int vmid, __u64 since,
		     struct hvsim_event *buf, unsigned int count,
		     unsigned int *got, __u64 *last_seq);
/*
 * Every event of slot vmid after since, oldest first, one line each: the
 * text, or "<seq> <text>" if seq. Nothing for an empty log.
 */
int hvsim_print_events(int fd, unsigned int vmid, __u64 since, bool seq,
		       FILE *out);

const char *hvsim_state_name(unsigned int state);
/* Hypercall index for a name such as "start_vm" or "0x12", or -1. */
int hvsim_hypercall_index(const char *name);
const char *hvsim_hypercall_name(unsigned int index);

/* One line per VM: "<vmid> <state> vcpus=<n> name=<name>". */
int hvsim_print_vms(int fd, FILE *out);
void hvsim_print_regs(FILE *out, const struct hvsim_vcpu_regs *regs);

#endif /* HVSIM_CTL_H */
