// SPDX-License-Identifier: GPL-2.0
/*
 * sample-dm: the smallest device model. It runs one User VM on
 * /dev/acrn_hsm with nothing but the upstream <linux/acrn.h> interface,
 * printing each step and, when the simulator is loaded, what the
 * simulated hypervisor saw.
 *
 *   sample-dm [name]           start the VM, reboot it once, power it off
 *   sample-dm --wait [name]    run the VM until its guest powers it off
 *                              (or until SIGINT, SIGTERM or SIGHUP)
 *
 * The guest finds these devices (anything else reads all ones and ignores
 * writes):
 *
 *   0x3f8-0x3ff     16550 UART (COM1). What the guest transmits is printed
 *                   line by line as "guest console: <text>". Its one
 *                   interrupt, THR empty, becomes pending when the guest
 *                   sets IER bit 1 and after each byte sent with that bit
 *                   set; sample-dm then pulses IRQ 4 (SET_IRQLINE,
 *                   RAISING_PULSE, as acrn-dm's LPC UART) and prints
 *                   "uart: IER=0x02, raising IRQ 4". Reading IIR reports
 *                   it (0x02, else 0x01 for none; 0xc0 added with the
 *                   FIFOs on) and clears it.
 *   PCI 00:03.0     a sample device, vendor 0xacd0 (made up: no vendor has
 *                   it) device 0x0001, class 0xff0000 (unclassified), BAR0:
 *                   4 KiB of 32-bit memory at 0xc0000000. The guest reaches
 *                   config space through ports 0xcf8/0xcfc; the HSM turns
 *                   those into ACRN_IOREQ_TYPE_PCICFG requests.
 *   BAR0 + 0        a 32-bit scratch register: reads return what was last
 *                   written; writes are printed.
 *   BAR0 + 4        a 32-bit doorbell: writing a guest physical address
 *                   prints the NUL-terminated text the guest put in its
 *                   RAM there (at most 255 bytes) as "guest memory at
 *                   0x<gpa>: <text>". The device model reads it from its
 *                   own mapping of guest RAM, as virtio devices do.
 *   0x404           ACPI PM1a_CNT: writing SLP_EN with SLP_TYP 5 (S5, i.e.
 *                   the 16-bit value 0x3400) powers the VM off.
 *
 * Guest RAM: 16 MiB at guest physical address 0, from a 2 MiB hugetlb
 * memfd if the kernel has free hugepages (as acrn-dm does), else from
 * ordinary memory, given to the VM with SET_MEMSEG. As acrn-dm does,
 * sample-dm unmaps it before DESTROY_VM; the HSM keeps the pages pinned
 * until the VM is gone.
 *
 * The I/O path is the one of ACRN's acrn-dm: CREATE_IOREQ_CLIENT and
 * START_VM, then a vCPU thread blocks in ATTACH_IOREQ_CLIENT, emulates
 * every request the HSM handed it (slot PROCESSING, kernel_handled 0),
 * writes the result into the slot and completes it with
 * NOTIFY_REQUEST_FINISH. Shutting down, DESTROY_IOREQ_CLIENT makes ATTACH
 * fail with ENODEV, which ends that thread.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdalign.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/acrn.h>
#include <linux/pci_regs.h>

#include "hvsim_ctl.h"

/* The shared I/O request page: static and page aligned, as in acrn-dm. */
static alignas(4096) struct acrn_io_request_buffer ioreq_page;

static int hsm_fd = -1;
static int hvsim_fd = -1;
static unsigned int vm_vmid;
static unsigned int vm_vcpus;

/* Set by the vCPU thread before it sends SIGUSR1 to the main thread. */
static bool guest_powered_off;
static bool vcpu_loop_failed;

static struct {
	unsigned long pio, mmio, pci;
} emulated;

/* The simulated hypervisor's view, indented under the step. */
static void show_sim(int with_regs)
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
	if (with_regs && !hvsim_get_vcpu_regs(hvsim_fd, vm_vmid, 0, &regs))
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

static int step(const char *what, unsigned long cmd, void *arg)
{
	int ret = ioctl(hsm_fd, cmd, arg);

	printf("%-21s %s\n", what, ret ? strerror(errno) : "ok");
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

/* The low @size bytes of @v: what an access of @size bytes carries. */
static uint64_t low_bytes(uint64_t v, unsigned int size)
{
	return size >= 8 ? v : v & ((1ULL << (8 * size)) - 1);
}

static void report_unhandled(const char *type, unsigned int dir, uint64_t addr,
			     unsigned int size, uint64_t value)
{
	if (dir == ACRN_IOREQ_DIR_READ)
		printf("sample-dm: unhandled %s read 0x%llx size %u (reads all ones)\n",
		       type, (unsigned long long)addr, size);
	else
		printf("sample-dm: unhandled %s write 0x%llx size %u value 0x%llx (ignored)\n",
		       type, (unsigned long long)addr, size,
		       (unsigned long long)value);
}

/* 16550 UART at COM1 */

#define UART_BASE		0x3f8
#define UART_PORTS		8
#define UART_IRQ		4	/* COM1's ISA interrupt line */
#define UART_IER_THRI		0x02	/* interrupt when THR is empty */
#define UART_LCR_DLAB		0x80	/* registers 0 and 1 are the divisor */
#define UART_IIR_NO_INT		0x01
#define UART_IIR_THRI		0x02	/* source: THR empty */
#define UART_IIR_FIFO		0xc0	/* FIFOs enabled (FCR bit 0) */
#define UART_LSR_THRE		0x20	/* ready for the next byte... */
#define UART_LSR_TEMT		0x40	/* ...and everything sent */

/*
 * ACRN_IOCTL_SET_IRQLINE's operation, in bits 63:32 of its value: a
 * pulse on the line, as acrn-dm's LPC UART raises its ISA interrupt.
 * <linux/acrn.h> has no name for it.
 */
#define IRQLINE_RAISING_PULSE	2

static struct {
	uint8_t ier, fcr, lcr, mcr, scr, dll, dlm;
	bool thre_pending;	/* THR-empty interrupt not yet seen in IIR */
	char line[128];
	size_t len;
} uart;

static void uart_flush(void)
{
	printf("guest console: %.*s\n", (int)uart.len, uart.line);
	uart.len = 0;
}

/*
 * The THR-empty interrupt became pending (THR is always empty: a byte is
 * sent as soon as it is written): pulse IRQ 4, as acrn-dm's LPC UART
 * does with SET_IRQLINE.
 */
static void uart_thre_interrupt(void)
{
	uint64_t line = (uint64_t)IRQLINE_RAISING_PULSE << 32 | UART_IRQ;

	uart.thre_pending = true;
	printf("sample-dm: uart: IER=0x%02x, raising IRQ %u\n", uart.ier,
	       UART_IRQ);
	if (ioctl(hsm_fd, ACRN_IOCTL_SET_IRQLINE, (unsigned long)line))
		printf("sample-dm: SET_IRQLINE IRQ %u: %s\n", UART_IRQ,
		       strerror(errno));
}

/* A byte written to the transmit holding register. */
static void uart_transmit(uint8_t c)
{
	/* It leaves THR at once: THR empty again, a new interrupt. */
	if (uart.ier & UART_IER_THRI)
		uart_thre_interrupt();
	if (c == '\n') {
		uart_flush();
		return;
	}
	if (c == '\r')
		return;
	uart.line[uart.len++] = c >= 0x20 && c < 0x7f ? c : '?';
	if (uart.len == sizeof(uart.line))
		uart_flush();
}

/*
 * IIR: the pending interrupt (THR empty is the only source here). As on
 * a 16550, reading IIR while it reports THR empty clears that interrupt.
 */
static uint8_t uart_read_iir(void)
{
	uint8_t fifo = uart.fcr & 1 ? UART_IIR_FIFO : 0;

	if (!uart.thre_pending)
		return UART_IIR_NO_INT | fifo;
	uart.thre_pending = false;
	return UART_IIR_THRI | fifo;
}

/*
 * IER: enabling the THR-empty interrupt (0 to 1) with THR empty makes it
 * pending at once; disabling it drops a pending one.
 */
static void uart_write_ier(uint8_t v)
{
	bool was_on = uart.ier & UART_IER_THRI;

	uart.ier = v & 0x0f;
	if (!(uart.ier & UART_IER_THRI))
		uart.thre_pending = false;
	else if (!was_on)
		uart_thre_interrupt();
}

static uint8_t uart_read(unsigned int reg)
{
	bool dlab = uart.lcr & UART_LCR_DLAB;

	switch (reg) {
	case 0:
		return dlab ? uart.dll : 0;	/* RBR: the guest gets no input */
	case 1:
		return dlab ? uart.dlm : uart.ier;
	case 2:					/* IIR */
		return uart_read_iir();
	case 3:
		return uart.lcr;
	case 4:
		return uart.mcr;
	case 5:					/* LSR: transmitter idle */
		return UART_LSR_THRE | UART_LSR_TEMT;
	case 6:					/* MSR: no modem lines */
		return 0;
	default:
		return uart.scr;
	}
}

static void uart_write(unsigned int reg, uint8_t v)
{
	bool dlab = uart.lcr & UART_LCR_DLAB;

	switch (reg) {
	case 0:
		if (dlab)
			uart.dll = v;
		else
			uart_transmit(v);
		break;
	case 1:
		if (dlab)
			uart.dlm = v;
		else
			uart_write_ier(v);
		break;
	case 2:
		uart.fcr = v;
		break;
	case 3:
		uart.lcr = v;
		break;
	case 4:
		uart.mcr = v & 0x1f;
		break;
	case 7:
		uart.scr = v;
		break;
	default:				/* LSR and MSR are read-only */
		break;
	}
}

/* ACPI PM1a control register */

#define PM1A_CNT		0x404
#define PM1_SLP_TYP(v)		(((v) >> 10) & 7)
#define PM1_SLP_EN		0x2000
#define PM1_SLP_TYP_S5		5

static uint16_t pm1a_cnt;

static void pm1a_cnt_write(uint16_t v)
{
	pm1a_cnt = v & ~PM1_SLP_EN;	/* SLP_EN reads as 0 */
	if (!(v & PM1_SLP_EN))
		return;
	if (PM1_SLP_TYP(v) == PM1_SLP_TYP_S5) {
		printf("sample-dm: the guest powers off (PM1a_CNT <- 0x%04x)\n", v);
		guest_powered_off = true;
	} else {
		printf("sample-dm: sleep type %u not supported, ignored\n",
		       PM1_SLP_TYP(v));
	}
}

static void emulate_pio(struct acrn_pio_request *pio)
{
	unsigned int port = pio->address, size = pio->size, i;
	bool read = pio->direction == ACRN_IOREQ_DIR_READ;
	uint32_t value = 0;

	emulated.pio++;
	if (port >= UART_BASE && port + size <= UART_BASE + UART_PORTS) {
		/* Wider accesses touch consecutive registers. */
		for (i = 0; i < size; i++) {
			if (read)
				value |= (uint32_t)uart_read(port - UART_BASE + i) << (8 * i);
			else
				uart_write(port - UART_BASE + i, pio->value >> (8 * i));
		}
	} else if (port == PM1A_CNT && size == 2) {
		if (read)
			value = pm1a_cnt;
		else
			pm1a_cnt_write(pio->value);
	} else {
		report_unhandled("pio", pio->direction, port, size, pio->value);
		value = ~0U;
	}
	if (read)
		pio->value = low_bytes(value, size);
}

/* The sample PCI device, 00:03.0, and its scratch register in BAR0 */

#define SAMPLE_BUS		0
#define SAMPLE_DEV		3
#define SAMPLE_FUNC		0
#define SAMPLE_VENDOR		0xacd0	/* made up: no vendor has this id */
#define SAMPLE_DEVICE		0x0001
#define SAMPLE_CLASS		0xff0000	/* unclassified device */
#define SAMPLE_REVISION		0x01
#define SAMPLE_BAR0		0xc0000000	/* where "firmware" put BAR0 */
#define SAMPLE_BAR0_SIZE	0x1000
#define SAMPLE_SCRATCH		0x0		/* offset in BAR0 */
#define SAMPLE_DOORBELL		0x4		/* offset in BAR0 */
#define SAMPLE_TEXT_MAX		256

static uint8_t cfg[256];	/* configuration space */
static uint8_t cfg_wmask[256];	/* bits the guest can change */
static uint32_t scratch;

static uint32_t get_le(const uint8_t *p, unsigned int size)
{
	uint32_t v = 0;
	unsigned int i;

	for (i = 0; i < size; i++)
		v |= (uint32_t)p[i] << (8 * i);
	return v;
}

static void put_le(uint8_t *p, unsigned int size, uint32_t v)
{
	unsigned int i;

	for (i = 0; i < size; i++)
		p[i] = v >> (8 * i);
}

static void pci_init(void)
{
	put_le(cfg + PCI_VENDOR_ID, 2, SAMPLE_VENDOR);
	put_le(cfg + PCI_DEVICE_ID, 2, SAMPLE_DEVICE);
	put_le(cfg + PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	put_le(cfg + PCI_CLASS_REVISION, 4, SAMPLE_CLASS << 8 | SAMPLE_REVISION);
	cfg[PCI_HEADER_TYPE] = PCI_HEADER_TYPE_NORMAL;
	/* 32-bit, non-prefetchable memory: the flag bits are all 0. */
	put_le(cfg + PCI_BASE_ADDRESS_0, 4, SAMPLE_BAR0);
	put_le(cfg + PCI_SUBSYSTEM_VENDOR_ID, 2, SAMPLE_VENDOR);
	put_le(cfg + PCI_SUBSYSTEM_ID, 2, SAMPLE_DEVICE);

	cfg_wmask[PCI_COMMAND] = PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
	/*
	 * The address bits below the BAR's size are read-only zeroes: a
	 * guest that writes all ones reads back ~(size - 1) and so learns
	 * the size.
	 */
	put_le(cfg_wmask + PCI_BASE_ADDRESS_0, 4, ~(SAMPLE_BAR0_SIZE - 1));
	cfg_wmask[PCI_INTERRUPT_LINE] = 0xff;
}

static bool pci_mem_enabled(void)
{
	return cfg[PCI_COMMAND] & PCI_COMMAND_MEMORY;
}

static uint32_t pci_bar0(void)
{
	return get_le(cfg + PCI_BASE_ADDRESS_0, 4) & PCI_BASE_ADDRESS_MEM_MASK;
}

static void pci_cfg_write(unsigned int reg, unsigned int size, uint32_t v)
{
	bool was_enabled = pci_mem_enabled();
	unsigned int i;

	for (i = 0; i < size; i++) {
		uint8_t mask = cfg_wmask[reg + i];

		cfg[reg + i] = (cfg[reg + i] & ~mask) | ((v >> (8 * i)) & mask);
	}
	if (pci_mem_enabled() != was_enabled)
		printf("sample-dm: 00:03.0 memory decoding %s, BAR0 at 0x%08x\n",
		       pci_mem_enabled() ? "on" : "off", pci_bar0());
}

static void emulate_pci(struct acrn_pci_request *pci)
{
	unsigned int reg = pci->reg, size = pci->size;
	bool ours = pci->bus == SAMPLE_BUS && pci->dev == SAMPLE_DEV &&
		    pci->func == SAMPLE_FUNC && size >= 1 && size <= 4 &&
		    reg + size <= sizeof(cfg);

	emulated.pci++;
	/* Nothing answers at other addresses: reads all ones, writes lost. */
	if (pci->direction == ACRN_IOREQ_DIR_READ)
		pci->value = ours ? get_le(cfg + reg, size) : low_bytes(~0U, size);
	else if (ours)
		pci_cfg_write(reg, size, pci->value);
}

/* Guest RAM: guest physical 0 to SAMPLE_RAM_SIZE, mapped here. */
#define SAMPLE_RAM_SIZE		(16UL << 20)
#ifndef MFD_HUGE_2MB
#define MFD_HUGE_2MB		(21U << 26)
#endif
static uint8_t *guest_ram;

static void doorbell(uint32_t gpa)
{
	char text[SAMPLE_TEXT_MAX];
	size_t n = 0;

	while (gpa + n < SAMPLE_RAM_SIZE && n < sizeof(text) - 1 &&
	       guest_ram[gpa + n]) {
		text[n] = guest_ram[gpa + n];
		n++;
	}
	text[n] = '\0';
	if (gpa >= SAMPLE_RAM_SIZE)
		printf("sample-dm: 0x%08x is not guest RAM\n", gpa);
	else
		printf("sample-dm: guest memory at 0x%x: %s\n", gpa, text);
}

static void emulate_mmio(struct acrn_mmio_request *mmio)
{
	bool read = mmio->direction == ACRN_IOREQ_DIR_READ;

	emulated.mmio++;
	if (pci_mem_enabled() && mmio->address == pci_bar0() + SAMPLE_SCRATCH &&
	    mmio->size == 4) {
		if (read) {
			mmio->value = scratch;
		} else {
			scratch = mmio->value;
			printf("sample-dm: 00:03.0 scratch register <- 0x%08x\n",
			       scratch);
		}
		return;
	}
	if (pci_mem_enabled() && mmio->address == pci_bar0() + SAMPLE_DOORBELL &&
	    mmio->size == 4) {
		if (read)
			mmio->value = 0;
		else
			doorbell(mmio->value);
		return;
	}
	report_unhandled("mmio", mmio->direction, mmio->address, mmio->size,
			 mmio->value);
	if (read)
		mmio->value = low_bytes(~0ULL, mmio->size);
}

/* The I/O request loop */

static void emulate(struct acrn_io_request *req)
{
	switch (req->type) {
	case ACRN_IOREQ_TYPE_PORTIO:
		emulate_pio(&req->reqs.pio_request);
		break;
	case ACRN_IOREQ_TYPE_MMIO:
		emulate_mmio(&req->reqs.mmio_request);
		break;
	case ACRN_IOREQ_TYPE_PCICFG:
		emulate_pci(&req->reqs.pci_request);
		break;
	default:
		printf("sample-dm: request of unknown type %u\n", req->type);
		break;
	}
}

static int notify_finish(unsigned int vcpu)
{
	struct acrn_ioreq_notify notify = {
		.vmid = vm_vmid,
		.vcpu = vcpu,
	};

	if (!ioctl(hsm_fd, ACRN_IOCTL_NOTIFY_REQUEST_FINISH, &notify))
		return 0;
	printf("sample-dm: NOTIFY_REQUEST_FINISH vcpu %u: %s\n", vcpu,
	       strerror(errno));
	return -1;
}

/*
 * acrn-dm's vm_loop(): wait for requests, emulate those the HSM handed to
 * us, complete them. The HSM writes the slot and then sets processed to
 * PROCESSING (a release store), so processed is read first (acquire).
 */
static void *vcpu_loop(void *unused)
{
	struct acrn_io_request *req;
	bool signalled = false;
	unsigned int vcpu;
	int err;

	(void)unused;
	while (!ioctl(hsm_fd, ACRN_IOCTL_ATTACH_IOREQ_CLIENT, 0)) {
		for (vcpu = 0; vcpu < vm_vcpus; vcpu++) {
			req = &ioreq_page.req_slot[vcpu];
			if (__atomic_load_n(&req->processed, __ATOMIC_ACQUIRE) !=
			    ACRN_IOREQ_STATE_PROCESSING || req->kernel_handled)
				continue;
			emulate(req);
			if (notify_finish(vcpu))
				vcpu_loop_failed = true;
		}
		/* Completed first: the guest's write returns, then we stop. */
		if (guest_powered_off && !signalled) {
			kill(getpid(), SIGUSR1);
			signalled = true;
		}
	}
	err = errno;
	printf("vcpu loop: ATTACH_IOREQ_CLIENT: %s, leaving\n", strerror(err));
	if (err != ENODEV)
		vcpu_loop_failed = true;
	/* Tells a main thread still waiting for the guest (no-op otherwise). */
	kill(getpid(), SIGUSR1);
	return NULL;
}

/* Run until the guest powers off or a signal says stop. */
static int run_until_poweroff(const sigset_t *sigs)
{
	int sig;

	printf("sample-dm: VM %u is running; waiting for its guest to power off\n",
	       vm_vmid);
	if (sigwait(sigs, &sig))
		return -1;
	if (sig != SIGUSR1)
		printf("sample-dm: %s, powering the VM off\n", strsignal(sig));
	else if (!guest_powered_off)
		printf("sample-dm: the vCPU loop ended, powering the VM off\n");
	show_sim(0);
	return vcpu_loop_failed ? -1 : 0;
}

/* acrn-dm's reset: stop the vCPUs, drop their requests, start again. */
static int reboot_vm(struct acrn_vcpu_regs *regs)
{
	int ret;

	printf("sample-dm: rebooting the VM\n");
	ret = step("PAUSE_VM", ACRN_IOCTL_PAUSE_VM, NULL);
	show_sim(0);
	ret |= step("CLEAR_VM_IOREQ", ACRN_IOCTL_CLEAR_VM_IOREQ, NULL);
	ret |= step("RESET_VM", ACRN_IOCTL_RESET_VM, NULL);
	show_sim(1);
	ret |= step("SET_VCPU_REGS", ACRN_IOCTL_SET_VCPU_REGS, regs);
	ret |= step("START_VM", ACRN_IOCTL_START_VM, NULL);
	show_sim(0);
	return ret;
}

/*
 * Guest RAM as acrn-dm allocates it: a hugetlb memfd, mapped shared;
 * ordinary memory if there are not enough free hugepages.
 */
static int map_guest_ram(void)
{
	struct acrn_vm_memmap m = {
		.type = ACRN_MEMMAP_RAM,
		.attr = ACRN_MEM_ACCESS_RWX,
		.user_vm_pa = 0,
		.len = SAMPLE_RAM_SIZE,
	};
	const char *kind = "2 MiB hugepages";
	void *p = MAP_FAILED;
	int fd;

	fd = memfd_create("sample-dm-ram", MFD_CLOEXEC | MFD_HUGETLB | MFD_HUGE_2MB);
	if (fd >= 0 && !ftruncate(fd, SAMPLE_RAM_SIZE))
		p = mmap(NULL, SAMPLE_RAM_SIZE, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_POPULATE, fd, 0);
	if (fd >= 0)
		close(fd);	/* the hugepages are reserved at mmap() or it fails */
	if (p == MAP_FAILED) {
		kind = "4 KiB pages";
		p = mmap(NULL, SAMPLE_RAM_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	}
	if (p == MAP_FAILED) {
		printf("sample-dm: cannot allocate guest RAM: %s\n",
		       strerror(errno));
		return -1;
	}
	guest_ram = p;
	m.vma_base = (unsigned long)p;
	printf("sample-dm: guest RAM: %lu MiB of %s at guest physical 0\n",
	       SAMPLE_RAM_SIZE >> 20, kind);
	return step("SET_MEMSEG", ACRN_IOCTL_SET_MEMSEG, &m);
}

static int print_usage(void)
{
	fprintf(stderr, "usage: sample-dm [--wait] [name]\n");
	return 2;
}

int main(int argc, char **argv)
{
	bool wait_poweroff = false, client = false, started = false;
	const char *name = "sample-vm";
	struct acrn_vm_creation create;
	struct acrn_vcpu_regs regs;
	pthread_t vcpu_thread;
	bool thread = false;
	sigset_t sigs;
	int i, ret;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--wait"))
			wait_poweroff = true;
		else if (argv[i][0] != '-' && i == argc - 1)
			name = argv[i];
		else
			return print_usage();
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	pci_init();

	/*
	 * The vCPU thread tells the main thread with SIGUSR1 that the guest
	 * powered off; --wait also turns SIGINT, SIGTERM and SIGHUP into a
	 * clean shutdown. All are blocked in both threads and taken by
	 * sigwait().
	 */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGUSR1);
	if (wait_poweroff) {
		sigaddset(&sigs, SIGINT);
		sigaddset(&sigs, SIGTERM);
		sigaddset(&sigs, SIGHUP);
	}
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);

	hsm_fd = open(HSM_DEV, O_RDWR | O_CLOEXEC);
	if (hsm_fd < 0) {
		fprintf(stderr, "sample-dm: %s: %s\n", HSM_DEV, strerror(errno));
		return 1;
	}
	hvsim_fd = hvsim_open();
	printf("sample-dm: opened %s%s\n", HSM_DEV,
	       hvsim_fd >= 0 ? " (simulated hypervisor)" : "");

	memset(&create, 0, sizeof(create));
	/* The 16 uuid bytes carry the VM's name, NUL-padded. */
	snprintf((char *)create.uuid, sizeof(create.uuid), "%s", name);
	create.ioreq_buf = (unsigned long)&ioreq_page;
	create.cpu_affinity = 0x3;		/* two vCPUs, on pCPUs 0 and 1 */
	ret = step("CREATE_VM", ACRN_IOCTL_CREATE_VM, &create);
	if (ret)
		return 1;
	vm_vmid = create.vmid;
	vm_vcpus = create.vcpu_num;
	if (vm_vcpus > ACRN_IO_REQUEST_MAX)
		vm_vcpus = ACRN_IO_REQUEST_MAX;
	printf("    vmid=%u vcpu_num=%u\n", create.vmid, create.vcpu_num);
	show_sim(0);

	ret = map_guest_ram();
	bzimage_entry_regs(&regs);
	if (!ret)
		ret = step("SET_VCPU_REGS", ACRN_IOCTL_SET_VCPU_REGS, &regs);
	show_sim(1);
	if (!ret) {
		ret = step("CREATE_IOREQ_CLIENT", ACRN_IOCTL_CREATE_IOREQ_CLIENT,
			   NULL);
		client = !ret;
	}
	if (!ret) {
		ret = step("START_VM", ACRN_IOCTL_START_VM, NULL);
		started = !ret;
		show_sim(0);
	}
	if (!ret) {
		ret = -pthread_create(&vcpu_thread, NULL, vcpu_loop, NULL);
		thread = !ret;
		if (ret)
			printf("sample-dm: cannot start the vCPU thread\n");
	}
	if (!ret)
		ret = wait_poweroff ? run_until_poweroff(&sigs) : reboot_vm(&regs);

	/* acrn-dm's shutdown. */
	if (started) {
		ret |= step("PAUSE_VM", ACRN_IOCTL_PAUSE_VM, NULL);
		show_sim(0);
	}
	if (client)
		ret |= step("DESTROY_IOREQ_CLIENT",
			    ACRN_IOCTL_DESTROY_IOREQ_CLIENT, NULL);
	if (thread) {
		pthread_join(vcpu_thread, NULL);
		if (vcpu_loop_failed)
			ret = -1;
	}
	if (uart.len)
		uart_flush();
	/* acrn-dm unmaps guest RAM first; the HSM still holds the pages. */
	if (guest_ram)
		munmap(guest_ram, SAMPLE_RAM_SIZE);
	ret |= step("DESTROY_VM", ACRN_IOCTL_DESTROY_VM, NULL);
	show_sim(0);
	close(hsm_fd);

	printf("sample-dm: emulated %lu port I/O, %lu PCI config, %lu MMIO requests\n",
	       emulated.pio, emulated.pci, emulated.mmio);
	printf("sample-dm: %s\n", ret ? "FAILED" : "done");
	return ret ? 1 : 0;
}
