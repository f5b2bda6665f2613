// SPDX-License-Identifier: GPL-2.0
/*
 * End-to-end tests of a User VM's interrupts, devices and power states:
 * INJECT_MSI, SET_IRQLINE, VM_INTR_MONITOR, SET/RESET_PTDEV_INTR,
 * ASSIGN/DEASSIGN_PCIDEV, ASSIGN/DEASSIGN_MMIODEV, CREATE/DESTROY_VDEV and
 * PM_GET_CPU_STATE through /dev/acrn_hsm.
 *
 * The simulated hypervisor logs every hypercall it accepts
 * (HVSIM_IOCTL_GET_EVENTS): a call that succeeds must leave exactly one
 * new event with the documented text (Documentation/simulator.rst), a
 * call that fails none. Checks the HSM makes itself must not even reach
 * the hypervisor. Every test ends with the pins it started with.
 */
#include <sys/wait.h>

#include "e2e.h"

/* Hypercall indexes of this file's ioctls */
#define HC_SOS_REMOVE_CPU	0x01
#define HC_INJECT_MSI		0x23
#define HC_VM_INTR_MONITOR	0x24
#define HC_SET_IRQLINE		0x25
#define HC_SET_PTDEV_INTR	0x53
#define HC_RESET_PTDEV_INTR	0x54
#define HC_ASSIGN_PCIDEV	0x55
#define HC_DEASSIGN_PCIDEV	0x56
#define HC_ASSIGN_MMIODEV	0x57
#define HC_DEASSIGN_MMIODEV	0x58
#define HC_CREATE_VDEV		0x59
#define HC_DESTROY_VDEV		0x5a
#define HC_PM_GET_CPU_STATE	0x80

static const unsigned int dev_hcs[] = {
	HC_SOS_REMOVE_CPU, HC_INJECT_MSI, HC_VM_INTR_MONITOR, HC_SET_IRQLINE,
	HC_SET_PTDEV_INTR, HC_RESET_PTDEV_INTR, HC_ASSIGN_PCIDEV,
	HC_DEASSIGN_PCIDEV, HC_ASSIGN_MMIODEV, HC_DEASSIGN_MMIODEV,
	HC_CREATE_VDEV, HC_DESTROY_VDEV, HC_PM_GET_CPU_STATE,
};

/* The hypervisor's answers, as the HSM maps them */
#define HV_REFUSED		(-1)
#define HV_EINVAL		(-22)
#define HV_ENOTTY		(-25)
#define HV_ENOMEM		(-12)

#define BDF(b, d, f)		((b) << 8 | (d) << 3 | (f))

/* The simulated board's passthrough PCI devices: 01:00.0 to 01:03.0 */
#define PT0			BDF(1, 0, 0)
#define PT1			BDF(1, 1, 0)
#define PT2			BDF(1, 2, 0)
#define PT3			BDF(1, 3, 0)

/* Its MMIO devices */
#define TPM_HPA			0xfed40000ULL
#define TPM_SIZE		0x5000ULL
#define GPIO_HPA		0xfe000000ULL
#define GPIO_SIZE		0x10000ULL

/* Virtual devices the hypervisor emulates: acrn_vdev::id, vendor:device */
#define VDEV_ID(v, d)		((__u32)(d) << 16 | (v))
#define IVSHMEM			VDEV_ID(0x1af4, 0x1110)
#define VUART			VDEV_ID(0x9710, 0x9900)
#define ROOT_PORT		VDEV_ID(0x8086, 0x9d14)

/* The interrupt monitor page (the kernel's struct acrn_intr_monitor) */
#define INTR_CMD_GET_DATA	0
#define INTR_CMD_DELAY_INT	1
#define INTR_MONITOR_MAX	48

struct dev_monitor {
	__u32	cmd;
	__u32	buf_cnt;
	__u64	buffer[INTR_MONITOR_MAX];
};

/* SET_IRQLINE operations, in bits 63:32 of the value */
static const char * const irqline_ops[] = {
	"set_high", "set_low", "raising_pulse", "falling_pulse",
};

/* PM_GET_CPU_STATE: the user buffer, prefilled with PM_FILL */
#define PM_BUF			64
#define PM_FILL			0xaa
#define PM_PARAMS		"/sys/module/acrn_hvsim/parameters/"

/* --- the simulator's event log --- */

/* A slot's log and this file's hypercalls before a call. */
struct dev_mark {
	int		hv;
	unsigned int	vmid;
	int		err;	/* reading the log failed */
	__u64		seq;	/* newest event of the slot, 0 if none */
	__u64		hcs;	/* this file's hypercalls made so far */
};

static __u64 dev_hc_sum(int hv)
{
	struct hvsim_stats st;
	__u64 sum = 0;
	unsigned int i;

	if (hvsim_get_stats(hv, &st))
		return ~0ULL;
	for (i = 0; i < ARRAY_SIZE(dev_hcs); i++)
		sum += st.hypercalls[dev_hcs[i]];
	return sum;
}

static struct dev_mark dev_mark(int hv, unsigned int vmid)
{
	struct hvsim_events req = { .vmid = vmid };
	struct dev_mark m = { .hv = hv, .vmid = vmid };

	m.err = e2e_ioctl(hv, HVSIM_IOCTL_GET_EVENTS, &req);
	m.seq = req.last_seq;
	m.hcs = dev_hc_sum(hv);
	return m;
}

/*
 * Up to @max events of slot @vmid after @since, oldest first, into @ev:
 * their number, or a negative errno (-EPROTO: sequence numbers not
 * increasing from @since on).
 */
static int dev_log(int hv, unsigned int vmid, __u64 since,
		   struct hvsim_event *ev, unsigned int max)
{
	struct hvsim_events req = {
		.vmid = vmid,
		.count = max,
		.since = since,
		.buf = (uintptr_t)ev,
	};
	unsigned int i;

	if (ioctl(hv, HVSIM_IOCTL_GET_EVENTS, &req))
		return -errno;
	for (i = 0; i < req.count; i++) {
		if (ev[i].seq <= since || (i && ev[i].seq <= ev[i - 1].seq))
			return -EPROTO;
		ev[i].text[HVSIM_EVENT_TEXT - 1] = '\0';
	}
	return req.count;
}

/* Events of slot @vmid after @since: their number (or -errno), the first in @text. */
static int dev_events(int hv, unsigned int vmid, __u64 since,
		      char text[HVSIM_EVENT_TEXT])
{
	static struct hvsim_event ev[HVSIM_EVENTS_MAX];
	int n = dev_log(hv, vmid, since, ev, HVSIM_EVENTS_MAX);

	snprintf(text, HVSIM_EVENT_TEXT, "%s", n > 0 ? ev[0].text : "");
	return n;
}

/* Events of slot @vmid since @m. */
static int dev_new(const struct dev_mark *m, char text[HVSIM_EVENT_TEXT])
{
	return m->err ? -m->err : dev_events(m->hv, m->vmid, m->seq, text);
}

/* What a loop is at, for the log: "" if nothing. */
static char dev_ctx[64];

/*
 * The call made after @m returned @got: expect @err and, in @m's slot,
 * exactly the event @want (NULL: none); with @no_hc, no hypercall of
 * this file at all. @line is the caller's, for the log.
 */
static void dev_check(struct __test_metadata *_metadata,
		      const struct dev_mark *m, int line, int err, int got,
		      const char *want, bool no_hc)
{
	char text[HVSIM_EVENT_TEXT];
	int n = dev_new(m, text);
	__u64 hcs;

	if (got != err)
		TH_LOG("line %d%s: errno %d (%s), expected %d (%s)", line,
		       dev_ctx, got, strerror(got), err, strerror(err));
	EXPECT_EQ(err, got);
	if (want && (n != 1 || strcmp(want, text)))
		TH_LOG("line %d%s: %d new events, the first \"%s\"; expected \"%s\"",
		       line, dev_ctx, n, text, want);
	else if (!want && n)
		TH_LOG("line %d%s: %d unexpected events, the first \"%s\"",
		       line, dev_ctx, n, text);
	EXPECT_EQ(want ? 1 : 0, n);
	if (want)
		EXPECT_STREQ(want, text);
	if (no_hc) {
		hcs = dev_hc_sum(m->hv);
		if (hcs != m->hcs)
			TH_LOG("line %d%s: %llu hypercalls made", line, dev_ctx,
			       (unsigned long long)(hcs - m->hcs));
		EXPECT_EQ(m->hcs, hcs);
	}
}

/*
 * @call (an errno-returning expression) on VM slot @vmid of the test
 * returns @err and logs exactly @want (NULL: nothing).
 */
#define DEV_CALL(vmid, err, want, call) do {				\
	struct dev_mark _m = dev_mark(self->e.hv, (vmid));		\
	int _got = (call);						\
									\
	dev_check(_metadata, &_m, __LINE__, (err), _got, (want), false); \
} while (0)

/* @call fails with @err before any hypercall: no event either. */
#define DEV_NOHC(vmid, err, call) do {					\
	struct dev_mark _m = dev_mark(self->e.hv, (vmid));		\
	int _got = (call);						\
									\
	dev_check(_metadata, &_m, __LINE__, (err), _got, NULL, true);	\
} while (0)

/* An expected event text, cut as the simulator cuts it (HVSIM_EVENT_TEXT). */
static const char *dev_fmt(char *buf, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, HVSIM_EVENT_TEXT, fmt, ap);
	va_end(ap);
	return buf;
}

/* --- the ioctls --- */

static int dev_msi(int fd, __u64 addr, __u64 data)
{
	struct acrn_msi_entry msi = { .msi_addr = addr, .msi_data = data };

	return e2e_ioctl(fd, ACRN_IOCTL_INJECT_MSI, &msi);
}

/* SET_IRQLINE: the argument is the value itself. */
static int dev_irqline_raw(int fd, __u64 value)
{
	return e2e_ioctl(fd, ACRN_IOCTL_SET_IRQLINE, (void *)(uintptr_t)value);
}

static int dev_irqline(int fd, __u32 gsi, __u32 op)
{
	return dev_irqline_raw(fd, (__u64)op << 32 | gsi);
}

/* VM_INTR_MONITOR: the argument is the page's address itself. */
static int dev_monitor(int fd, const void *page)
{
	return e2e_ioctl(fd, ACRN_IOCTL_VM_INTR_MONITOR, page);
}

/* A GET_DATA command for @cnt entries into page @p, the buffer filled with a pattern. */
static struct dev_monitor *dev_get_data(void *p, __u32 cnt)
{
	struct dev_monitor *m = p;
	unsigned int i;

	m->cmd = INTR_CMD_GET_DATA;
	m->buf_cnt = cnt;
	for (i = 0; i < INTR_MONITOR_MAX; i++)
		m->buffer[i] = 0x5a5a5a5a00000000ULL | i;
	return m;
}

/* Entries of the monitor buffer from @from on that still hold the pattern. */
static bool dev_monitor_untouched(const struct dev_monitor *m, unsigned int from)
{
	unsigned int i;

	for (i = from; i < INTR_MONITOR_MAX; i++)
		if (m->buffer[i] != (0x5a5a5a5a00000000ULL | i))
			return false;
	return true;
}

/* A monitor data pair's first word: the interrupt's virtual source. */
static __u64 dev_intr_src(__u16 virt_bdf, __u32 pic, __u32 virt_pin)
{
	return (__u64)virt_bdf << 16 | pic << 8 | virt_pin;
}

static void dev_pcidev_init(struct acrn_pcidev *d, __u16 virt, __u16 phys)
{
	memset(d, 0, sizeof(*d));
	d->type = ACRN_PTDEV_QUIRK_ASSIGN;
	d->virt_bdf = virt;
	d->phys_bdf = phys;
	d->intr_line = 11;
	d->intr_pin = 1;
	d->bar[0] = 0xc0000000;
}

static int dev_pcidev(int fd, unsigned long cmd, __u16 virt, __u16 phys)
{
	struct acrn_pcidev d;

	dev_pcidev_init(&d, virt, phys);
	return e2e_ioctl(fd, cmd, &d);
}

static int dev_assign(int fd, __u16 virt, __u16 phys)
{
	return dev_pcidev(fd, ACRN_IOCTL_ASSIGN_PCIDEV, virt, phys);
}

static int dev_deassign(int fd, __u16 virt, __u16 phys)
{
	return dev_pcidev(fd, ACRN_IOCTL_DEASSIGN_PCIDEV, virt, phys);
}

static void dev_intx_init(struct acrn_ptdev_irq *irq, __u16 virt, __u16 phys,
			  __u32 virt_pin, __u32 phys_pin, __u32 pic)
{
	memset(irq, 0, sizeof(*irq));
	irq->type = ACRN_PTDEV_IRQ_INTX;
	irq->virt_bdf = virt;
	irq->phys_bdf = phys;
	irq->intx.virt_pin = virt_pin;
	irq->intx.phys_pin = phys_pin;
	irq->intx.is_pic_pin = pic;
}

/* SET_PTDEV_INTR (@set) or RESET_PTDEV_INTR of an INTx remapping. */
static int dev_intx(int fd, bool set, __u16 virt, __u16 phys, __u32 virt_pin,
		    __u32 phys_pin, __u32 pic)
{
	struct acrn_ptdev_irq irq;

	dev_intx_init(&irq, virt, phys, virt_pin, phys_pin, pic);
	return e2e_ioctl(fd, set ? ACRN_IOCTL_SET_PTDEV_INTR :
			 ACRN_IOCTL_RESET_PTDEV_INTR, &irq);
}

/* An MMIO device "@name" with resource 0 at @gpa -> @hpa, @size bytes. */
static void dev_mmio_init(struct acrn_mmiodev *d, const char *name, __u64 gpa,
			  __u64 hpa, __u64 size)
{
	memset(d, 0, sizeof(*d));
	memcpy(d->name, name, strnlen(name, sizeof(d->name)));
	d->res[0].user_vm_pa = gpa;
	d->res[0].service_vm_pa = hpa;
	d->res[0].size = size;
	d->res[0].mem_type = 0x100;	/* UC */
}

static int dev_mmio(int fd, bool assign, const struct acrn_mmiodev *d)
{
	return e2e_ioctl(fd, assign ? ACRN_IOCTL_ASSIGN_MMIODEV :
			 ACRN_IOCTL_DEASSIGN_MMIODEV, d);
}

static int dev_mmio1(int fd, bool assign, const char *name, __u64 gpa,
		     __u64 hpa, __u64 size)
{
	struct acrn_mmiodev d;

	dev_mmio_init(&d, name, gpa, hpa, size);
	return dev_mmio(fd, assign, &d);
}

static void dev_vdev_init(struct acrn_vdev *v, __u32 id, __u64 slot)
{
	memset(v, 0, sizeof(*v));
	v->id.value = id;
	v->slot = slot;
	v->io_addr[0] = 0xc0001000;
	v->io_size[0] = 0x1000;
}

static int dev_vdev(int fd, bool create, __u32 id, __u64 slot)
{
	struct acrn_vdev v;

	dev_vdev_init(&v, id, slot);
	return e2e_ioctl(fd, create ? ACRN_IOCTL_CREATE_VDEV :
			 ACRN_IOCTL_DESTROY_VDEV, &v);
}

static __u64 pm_cmd(unsigned int vmid, unsigned int vcpu, unsigned int idx,
		    unsigned int type)
{
	return (__u64)vmid << 24 | vcpu << 16 | idx << 8 | type;
}

/* @buf: PM_BUF bytes of PM_FILL with @cmd in the first 8. */
static void pm_fill(unsigned char *buf, __u64 cmd)
{
	memset(buf, PM_FILL, PM_BUF);
	memcpy(buf, &cmd, sizeof(cmd));
}

/* PM_GET_CPU_STATE on @buf, prefilled for @cmd. */
static int pm_call(int fd, unsigned char *buf, __u64 cmd)
{
	pm_fill(buf, cmd);
	return e2e_ioctl(fd, ACRN_IOCTL_PM_GET_CPU_STATE, buf);
}

/* Whether @buf is still exactly as pm_fill() left it for @cmd. */
static bool pm_untouched(const unsigned char *buf, __u64 cmd)
{
	unsigned char want[PM_BUF];

	pm_fill(want, cmd);
	return !memcmp(want, buf, PM_BUF);
}

/* Whether bytes @from to PM_BUF - 1 of @buf still hold PM_FILL. */
static bool pm_tail_untouched(const unsigned char *buf, unsigned int from)
{
	unsigned int i;

	for (i = from; i < PM_BUF; i++)
		if (buf[i] != PM_FILL)
			return false;
	return true;
}

static void pm_px_expected(struct acrn_pstate_data *px, unsigned int i)
{
	memset(px, 0, sizeof(*px));
	px->core_frequency = 2000 - 100 * i;
	px->power = 15000 - 1000 * i;
	px->transition_latency = 10;
	px->bus_master_latency = 10;
	px->control = 0x1400 - 0x100 * i;
	px->status = px->control;
}

static void pm_cx_expected(struct acrn_cstate_data *cx, unsigned int i)
{
	memset(cx, 0, sizeof(*cx));
	cx->cx_reg.space_id = 1;
	cx->cx_reg.bit_width = 8;
	cx->cx_reg.bit_offset = 0;
	cx->cx_reg.access_size = 1;
	cx->cx_reg.address = 0x1814 + i;
	cx->type = i;
	cx->latency = 10 * i;
	cx->power = 1000 - 100 * i;
}

/* --- pins --- */

/*
 * Whether the page at @va (present, anonymous, private) is pinned. fork()
 * gives the child a copy of a pinned anonymous page at once rather than
 * sharing it copy-on-write, so the child sees another physical page.
 * Returns 1 if pinned, 0 if not, -1 if it cannot tell. Needs root
 * (physical addresses in /proc/self/pagemap).
 */
static int dev_pinned(const void *va)
{
	__u64 mine = e2e_phys(va), theirs = 0;
	int p[2], status;
	pid_t pid;

	if (!mine || pipe(p))
		return -1;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (!pid) {
		__u64 pa = e2e_phys(va);

		_exit(write(p[1], &pa, sizeof(pa)) == sizeof(pa) ? 0 : 1);
	}
	close(p[1]);
	if (read(p[0], &theirs, sizeof(theirs)) != sizeof(theirs))
		theirs = 0;
	close(p[0]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		return -1;
	if (!theirs || e2e_phys(va) != mine)
		return -1;
	return theirs != mine;
}

/* --- module parameters of acrn_hvsim --- */

static int dev_param_read(const char *name, char *buf, size_t len)
{
	char path[128];
	FILE *f;
	int err = 0;

	snprintf(path, sizeof(path), PM_PARAMS "%s", name);
	f = fopen(path, "re");
	if (!f)
		return errno;
	if (!fgets(buf, len, f))
		err = EIO;
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return err;
}

static int dev_param_write(const char *name, const char *value)
{
	char path[128];
	int fd, err = 0;

	snprintf(path, sizeof(path), PM_PARAMS "%s", name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	if (write(fd, value, strlen(value)) != (ssize_t)strlen(value))
		err = errno ? errno : EIO;
	close(fd);
	return err;
}

/* --- fixture: pins and module parameters back as they were --- */

#define DEV_NPARAMS	2
static const char * const dev_params[DEV_NPARAMS] = { "px_states", "cx_states" };

FIXTURE(devices) {
	struct e2e	e;
	long		pins;			/* pinned before the test */
	char		param[DEV_NPARAMS][16];	/* as found; "" if unchanged */
};

FIXTURE_SETUP(devices)
{
	e2e_setup(_metadata, &self->e);
	self->pins = e2e_pins_held();
	ASSERT_LE(0, self->pins);
	memset(self->param, 0, sizeof(self->param));
}

FIXTURE_TEARDOWN(devices)
{
	int i;

	for (i = 0; i < DEV_NPARAMS; i++)
		if (self->param[i][0])
			EXPECT_EQ(0, dev_param_write(dev_params[i], self->param[i]));
	e2e_teardown(_metadata, &self->e);
	/* Every VM is gone: whatever it pinned is released. */
	EXPECT_EQ(self->pins, e2e_wait_pins(self->pins, 2000));
}

/*
 * Set module parameter dev_params[@i] of acrn_hvsim, first saving its
 * value in @saved[@i] for the tear-down (self->param).
 */
static int dev_set_param(char saved[][16], int i, const char *value)
{
	int err = 0;

	if (!saved[i][0])
		err = dev_param_read(dev_params[i], saved[i], sizeof(saved[i]));
	return err ? err : dev_param_write(dev_params[i], value);
}

#define PX_STATES	0
#define CX_STATES	1

/* A created VM with at least 2 vCPUs on the main file: its vmid, 0 if none. */
static unsigned int dev_vm(struct __test_metadata *_metadata, struct e2e *e,
			   const char *tag)
{
	int err = e2e_create(e, tag, 0);

	EXPECT_EQ(0, err);
	EXPECT_LE(2, e->cv.vcpu_num);
	return err || e->cv.vcpu_num < 2 ? 0 : e->cv.vmid;
}

/* --- no VM, bad pointers, the hypervisor's errors --- */

/* One call per ioctl of this file, with an argument the HSM accepts. */
struct dev_ioctl {
	const char	*name;
	unsigned long	cmd;
	unsigned int	hc;
	bool		pointer;	/* the argument is a pointer to a struct */
};

static const struct dev_ioctl dev_ioctls[] = {
	{ "inject_msi", ACRN_IOCTL_INJECT_MSI, HC_INJECT_MSI, true },
	{ "set_irqline", ACRN_IOCTL_SET_IRQLINE, HC_SET_IRQLINE, false },
	{ "vm_intr_monitor", ACRN_IOCTL_VM_INTR_MONITOR, HC_VM_INTR_MONITOR, false },
	{ "set_ptdev_intr", ACRN_IOCTL_SET_PTDEV_INTR, HC_SET_PTDEV_INTR, true },
	{ "reset_ptdev_intr", ACRN_IOCTL_RESET_PTDEV_INTR, HC_RESET_PTDEV_INTR, true },
	{ "assign_pcidev", ACRN_IOCTL_ASSIGN_PCIDEV, HC_ASSIGN_PCIDEV, true },
	{ "deassign_pcidev", ACRN_IOCTL_DEASSIGN_PCIDEV, HC_DEASSIGN_PCIDEV, true },
	{ "assign_mmiodev", ACRN_IOCTL_ASSIGN_MMIODEV, HC_ASSIGN_MMIODEV, true },
	{ "deassign_mmiodev", ACRN_IOCTL_DEASSIGN_MMIODEV, HC_DEASSIGN_MMIODEV, true },
	{ "create_vdev", ACRN_IOCTL_CREATE_VDEV, HC_CREATE_VDEV, true },
	{ "destroy_vdev", ACRN_IOCTL_DESTROY_VDEV, HC_DESTROY_VDEV, true },
	{ "pm_get_cpu_state", ACRN_IOCTL_PM_GET_CPU_STATE, HC_PM_GET_CPU_STATE, true },
};

/* Valid arguments for dev_ioctls[], for VM @vmid. */
struct dev_args {
	struct acrn_msi_entry	msi;
	struct acrn_ptdev_irq	irq;
	struct acrn_pcidev	pcidev;
	struct acrn_mmiodev	mmiodev;
	struct acrn_vdev	vdev;
	unsigned char		*pm;		/* PM_BUF bytes */
	struct dev_monitor	*monitor;	/* a page */
	__u64			pm_cmd;
};

static void dev_args_init(struct dev_args *a, unsigned int vmid,
			  unsigned char *pm, void *page)
{
	a->msi.msi_addr = 0xfee01000;
	a->msi.msi_data = 0x31;
	dev_intx_init(&a->irq, BDF(0, 3, 0), PT0, 5, 10, 0);
	dev_pcidev_init(&a->pcidev, BDF(0, 3, 0), PT0);
	dev_mmio_init(&a->mmiodev, "TPM", TPM_HPA, TPM_HPA, TPM_SIZE);
	dev_vdev_init(&a->vdev, IVSHMEM, BDF(0, 4, 0));
	a->pm = pm;
	a->pm_cmd = pm_cmd(vmid, 0, 0, ACRN_PMCMD_GET_CX_CNT);
	a->monitor = page;
}

/* ioctl dev_ioctls[@i] on @fd with its valid argument from @a. */
static int dev_ioctl_valid(int fd, unsigned int i, struct dev_args *a)
{
	void *arg[] = {
		&a->msi, NULL, a->monitor, &a->irq, &a->irq, &a->pcidev,
		&a->pcidev, &a->mmiodev, &a->mmiodev, &a->vdev, &a->vdev, a->pm,
	};

	if (dev_ioctls[i].cmd == ACRN_IOCTL_SET_IRQLINE)
		return dev_irqline(fd, 4, 0);
	if (dev_ioctls[i].cmd == ACRN_IOCTL_PM_GET_CPU_STATE)
		pm_fill(a->pm, a->pm_cmd);
	if (dev_ioctls[i].cmd == ACRN_IOCTL_VM_INTR_MONITOR)
		dev_get_data(a->monitor, INTR_MONITOR_MAX);
	return e2e_ioctl(fd, dev_ioctls[i].cmd, arg[i]);
}

/* Without a VM every ioctl fails with EINVAL, before any hypercall. */
TEST_F(devices, no_vm)
{
	struct e2e *e = &self->e;
	unsigned char pm[PM_BUF];
	struct dev_args a;
	unsigned int i, round;

	e->page[0] = e2e_page();
	ASSERT_NE(NULL, e->page[0]);
	for (round = 0; round < 2; round++) {
		dev_args_init(&a, round ? e->cv.vmid : 1, pm, e->page[0]);
		for (i = 0; i < ARRAY_SIZE(dev_ioctls); i++) {
			__u64 hcs = dev_hc_sum(e->hv);
			int err = dev_ioctl_valid(e->hsm, i, &a);

			if (err != EINVAL)
				TH_LOG("round %u: %s: %s", round, dev_ioctls[i].name,
				       strerror(err));
			EXPECT_EQ(EINVAL, err);
			EXPECT_EQ(hcs, dev_hc_sum(e->hv));
		}
		EXPECT_TRUE(pm_untouched(pm, a.pm_cmd));
		if (round)
			break;
		/* And again once the file's VM is destroyed. */
		ASSERT_EQ(0, e2e_create(e, "novm", 0));
		ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
	}
	EXPECT_EQ(self->pins, e2e_pins_held());
}

/* A bad argument pointer is EFAULT, before any hypercall. */
TEST_F(devices, bad_pointer)
{
	struct e2e *e = &self->e;
	unsigned int vmid = dev_vm(_metadata, e, "badptr");
	void *hole = e2e_hole();
	unsigned int i;

	ASSERT_NE(0, vmid);
	ASSERT_NE(NULL, hole);
	for (i = 0; i < ARRAY_SIZE(dev_ioctls); i++) {
		if (!dev_ioctls[i].pointer)
			continue;
		snprintf(dev_ctx, sizeof(dev_ctx), " (%s)", dev_ioctls[i].name);
		DEV_NOHC(vmid, EFAULT, e2e_ioctl(e->hsm, dev_ioctls[i].cmd, NULL));
		DEV_NOHC(vmid, EFAULT, e2e_ioctl(e->hsm, dev_ioctls[i].cmd, hole));
	}
	dev_ctx[0] = '\0';
}

/* Refused by the hypervisor: the errno acrn_hv_errno() gives, no event. */
TEST_F(devices, hv_errors)
{
	static const struct { int ret, err; } answers[] = {
		{ HV_REFUSED, EINVAL }, { HV_EINVAL, EINVAL },
		{ HV_ENOTTY, ENODEV }, { HV_ENOMEM, EIO },
	};
	struct e2e *e = &self->e;
	unsigned int vmid = dev_vm(_metadata, e, "hverr");
	long vm_pins = e2e_pins_held();
	unsigned char pm[PM_BUF];
	struct dev_args a;
	unsigned int i, j;

	ASSERT_NE(0, vmid);
	e->page[0] = e2e_page();
	ASSERT_NE(NULL, e->page[0]);
	dev_args_init(&a, vmid, pm, e->page[0]);
	for (i = 0; i < ARRAY_SIZE(dev_ioctls); i++) {
		for (j = 0; j < ARRAY_SIZE(answers); j++) {
			__u64 hc = e2e_hc(e->hv, dev_ioctls[i].hc);

			snprintf(dev_ctx, sizeof(dev_ctx), " (%s answered %d)",
				 dev_ioctls[i].name, answers[j].ret);
			ASSERT_EQ(0, e2e_fail(e->hv, dev_ioctls[i].hc,
					      answers[j].ret, 1));
			DEV_CALL(vmid, answers[j].err, NULL,
				 dev_ioctl_valid(e->hsm, i, &a));
			if (e2e_hc(e->hv, dev_ioctls[i].hc) != hc + 1)
				TH_LOG("%s: not one hypercall", dev_ctx);
			EXPECT_EQ(hc + 1, e2e_hc(e->hv, dev_ioctls[i].hc));
		}
	}
	dev_ctx[0] = '\0';
	/* Nothing written back, nothing left pinned. */
	EXPECT_TRUE(pm_untouched(pm, a.pm_cmd));
	EXPECT_TRUE(dev_monitor_untouched(a.monitor, 0));
	EXPECT_EQ(vm_pins, e2e_pins_held());
	EXPECT_EQ(0, dev_pinned(e->page[0]));
}

/* --- INJECT_MSI, SET_IRQLINE --- */

/* Any MSI address 0xfeexxxxx, in any state but powered off. */
TEST_F(devices, inject_msi)
{
	static const __u64 bad_addr[] = {
		0, 0xfed00000, 0xfef00000, 0xfff00000, 0x100fee00000ULL,
		0xfee00000ULL | 1ULL << 32, 0xfee00000ULL | 1ULL << 63,
	};
	struct e2e *e = &self->e;
	unsigned int vmid = dev_vm(_metadata, e, "msi");
	unsigned int i, state;

	ASSERT_NE(0, vmid);
	for (state = 0; state < 3; state++) {
		DEV_CALL(vmid, 0, "msi addr=0xfee01000 data=0x31",
			 dev_msi(e->hsm, 0xfee01000, 0x31));
		DEV_CALL(vmid, 0, "msi addr=0xfeeff00c data=0x40e1",
			 dev_msi(e->hsm, 0xfeeff00c, 0x40e1));
		DEV_CALL(vmid, 0, "msi addr=0xfee00000 data=0xffffffffffffffff",
			 dev_msi(e->hsm, 0xfee00000, ~0ULL));
		for (i = 0; i < ARRAY_SIZE(bad_addr); i++)
			DEV_CALL(vmid, EINVAL, NULL,
				 dev_msi(e->hsm, bad_addr[i], 0x31));
		/* created, running, paused */
		if (state < 2)
			ASSERT_EQ(0, e2e_vm_ioctl(e, state ? ACRN_IOCTL_PAUSE_VM :
						  ACRN_IOCTL_START_VM));
	}
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
	DEV_NOHC(vmid, EINVAL, dev_msi(e->hsm, 0xfee01000, 0x31));
}

/* The value is the argument: gsi in bits 31:0, the operation in 63:32. */
TEST_F(devices, set_irqline)
{
	struct e2e *e = &self->e;
	unsigned int vmid = dev_vm(_metadata, e, "irq");
	char want[HVSIM_EVENT_TEXT];
	unsigned int op, state;

	ASSERT_NE(0, vmid);
	for (state = 0; state < 2; state++) {
		for (op = 0; op < ARRAY_SIZE(irqline_ops); op++) {
			DEV_CALL(vmid, 0, dev_fmt(want, "irqline gsi=4 op=%s",
						  irqline_ops[op]),
				 dev_irqline(e->hsm, 4, op));
			DEV_CALL(vmid, 0, dev_fmt(want, "irqline gsi=%u op=%s",
						  op ? 47 : 0, irqline_ops[op]),
				 dev_irqline(e->hsm, op ? 47 : 0, op));
		}
		/* GSIs the VM does not have: the hypervisor refuses. */
		DEV_CALL(vmid, EINVAL, NULL, dev_irqline(e->hsm, 48, 0));
		DEV_CALL(vmid, EINVAL, NULL, dev_irqline(e->hsm, 0xffffffff, 2));
		/* Unknown operations: the HSM refuses. */
		DEV_NOHC(vmid, EINVAL, dev_irqline(e->hsm, 4, 4));
		DEV_NOHC(vmid, EINVAL, dev_irqline(e->hsm, 4, 0x80000000));
		DEV_NOHC(vmid, EINVAL, dev_irqline_raw(e->hsm, ~0ULL));
		if (!state)
			ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_START_VM));
	}
}

/* --- VM_INTR_MONITOR --- */

/*
 * GET_DATA fills the page with the VM's INTx remappings in the order they
 * were set: (virt_bdf << 16 | pic << 8 | virt_pin, 0) pairs, as many
 * whole pairs as buf_cnt allows; the rest of the page is left alone.
 */
TEST_F(devices, monitor_get_data)
{
	struct e2e *e = &self->e;
	unsigned int vmid = dev_vm(_metadata, e, "mon");
	long vm_pins = e2e_pins_held();
	struct dev_monitor *m;
	unsigned int i;

	ASSERT_NE(0, vmid);
	e->page[0] = e2e_page();
	ASSERT_NE(NULL, e->page[0]);

	/* Nothing to report yet */
	m = dev_get_data(e->page[0], INTR_MONITOR_MAX);
	DEV_CALL(vmid, 0, "intr_monitor get_data buf_cnt=0", dev_monitor(e->hsm, m));
	EXPECT_EQ(INTR_CMD_GET_DATA, m->cmd);
	EXPECT_EQ(0, m->buf_cnt);
	EXPECT_TRUE(dev_monitor_untouched(m, 0));

	ASSERT_EQ(0, dev_assign(e->hsm, BDF(0, 3, 0), PT0));
	ASSERT_EQ(0, dev_intx(e->hsm, true, BDF(0, 3, 0), PT0, 5, 10, 0));
	ASSERT_EQ(0, dev_intx(e->hsm, true, BDF(0, 3, 0), PT0, 3, 11, 1));

	m = dev_get_data(e->page[0], INTR_MONITOR_MAX);
	DEV_CALL(vmid, 0, "intr_monitor get_data buf_cnt=4", dev_monitor(e->hsm, m));
	EXPECT_EQ(4, m->buf_cnt);
	EXPECT_EQ(dev_intr_src(BDF(0, 3, 0), 0, 5), m->buffer[0]);
	EXPECT_EQ(0, m->buffer[1]);
	EXPECT_EQ(dev_intr_src(BDF(0, 3, 0), 1, 3), m->buffer[2]);
	EXPECT_EQ(0, m->buffer[3]);
	EXPECT_TRUE(dev_monitor_untouched(m, 4));

	/* Whole pairs only: room for 3 entries gets one pair. */
	m = dev_get_data(e->page[0], 3);
	DEV_CALL(vmid, 0, "intr_monitor get_data buf_cnt=2", dev_monitor(e->hsm, m));
	EXPECT_EQ(2, m->buf_cnt);
	EXPECT_EQ(dev_intr_src(BDF(0, 3, 0), 0, 5), m->buffer[0]);
	EXPECT_EQ(0, m->buffer[1]);
	EXPECT_TRUE(dev_monitor_untouched(m, 2));
	m = dev_get_data(e->page[0], 1);
	DEV_CALL(vmid, 0, "intr_monitor get_data buf_cnt=0", dev_monitor(e->hsm, m));
	EXPECT_EQ(0, m->buf_cnt);
	EXPECT_TRUE(dev_monitor_untouched(m, 0));

	/* More than the page holds, an unknown command: refused, page untouched. */
	m = dev_get_data(e->page[0], INTR_MONITOR_MAX + 1);
	DEV_CALL(vmid, EINVAL, NULL, dev_monitor(e->hsm, m));
	EXPECT_EQ(INTR_MONITOR_MAX + 1, m->buf_cnt);
	EXPECT_TRUE(dev_monitor_untouched(m, 0));
	m = dev_get_data(e->page[0], 4);
	m->cmd = 2;
	DEV_CALL(vmid, EINVAL, NULL, dev_monitor(e->hsm, m));
	EXPECT_EQ(4, m->buf_cnt);
	EXPECT_TRUE(dev_monitor_untouched(m, 0));

	/* DELAY_INT: buffer[0] milliseconds; the page stays pinned. */
	m = dev_get_data(e->page[0], 0);
	m->cmd = INTR_CMD_DELAY_INT;
	m->buffer[0] = 25;
	DEV_CALL(vmid, 0, "intr_monitor delay_int ms=25", dev_monitor(e->hsm, m));
	EXPECT_EQ(vm_pins + 1, e2e_pins_held());

	/* Removing the first remapping leaves the second. */
	ASSERT_EQ(0, dev_intx(e->hsm, false, BDF(0, 3, 0), PT0, 5, 10, 0));
	m = dev_get_data(e->page[0], INTR_MONITOR_MAX);
	DEV_CALL(vmid, 0, "intr_monitor get_data buf_cnt=2", dev_monitor(e->hsm, m));
	EXPECT_EQ(2, m->buf_cnt);
	EXPECT_EQ(dev_intr_src(BDF(0, 3, 0), 1, 3), m->buffer[0]);
	EXPECT_TRUE(dev_monitor_untouched(m, 2));

	/* A full buffer: 24 remappings, every physical pin, on two devices. */
	ASSERT_EQ(0, dev_intx(e->hsm, false, BDF(0, 3, 0), PT0, 3, 11, 1));
	ASSERT_EQ(0, dev_assign(e->hsm, BDF(0, 5, 0), PT1));
	for (i = 0; i < 24; i++)
		ASSERT_EQ(0, dev_intx(e->hsm, true, i & 1 ? BDF(0, 5, 0) :
				      BDF(0, 3, 0), i & 1 ? PT1 : PT0, 47 - i,
				      i, 0));
	m = dev_get_data(e->page[0], INTR_MONITOR_MAX);
	DEV_CALL(vmid, 0, "intr_monitor get_data buf_cnt=48", dev_monitor(e->hsm, m));
	EXPECT_EQ(48, m->buf_cnt);
	for (i = 0; i < 24; i++) {
		EXPECT_EQ(dev_intr_src(i & 1 ? BDF(0, 5, 0) : BDF(0, 3, 0), 0,
				       47 - i), m->buffer[2 * i]);
		EXPECT_EQ(0, m->buffer[2 * i + 1]);
	}
	/* The VM has every physical pin: a 25th remapping has none left. */
	DEV_CALL(vmid, EINVAL, NULL,
		 dev_intx(e->hsm, true, BDF(0, 3, 0), PT0, 2, 0, 1));
	/* A running VM is monitored too. */
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_START_VM));
	m = dev_get_data(e->page[0], 6);
	DEV_CALL(vmid, 0, "intr_monitor get_data buf_cnt=6", dev_monitor(e->hsm, m));
	EXPECT_EQ(6, m->buf_cnt);
	EXPECT_TRUE(dev_monitor_untouched(m, 6));
	EXPECT_EQ(vm_pins + 1, e2e_pins_held());
}

/* Pages the HSM cannot use: refused before any hypercall, nothing pinned. */
TEST_F(devices, monitor_bad_page)
{
	struct e2e *e = &self->e;
	unsigned int vmid = dev_vm(_metadata, e, "monbad");
	long vm_pins = e2e_pins_held();
	char *p;

	ASSERT_NE(0, vmid);
	p = e2e_page();
	ASSERT_NE(NULL, p);
	e->page[0] = p;
	dev_get_data(p, 4);
	DEV_NOHC(vmid, EINVAL, dev_monitor(e->hsm, p + 8));
	DEV_NOHC(vmid, EINVAL, dev_monitor(e->hsm, p + E2E_PAGE_SIZE / 2));
	DEV_NOHC(vmid, EINVAL, dev_monitor(e->hsm, p + E2E_PAGE_SIZE - 1));
	DEV_NOHC(vmid, EFAULT, dev_monitor(e->hsm, NULL));
	DEV_NOHC(vmid, EFAULT, dev_monitor(e->hsm, e2e_hole()));
	DEV_NOHC(vmid, EFAULT, dev_monitor(e->hsm, (void *)0xffff888000000000ULL));
	ASSERT_EQ(0, mprotect(p, E2E_PAGE_SIZE, PROT_READ));
	DEV_NOHC(vmid, EFAULT, dev_monitor(e->hsm, p));
	EXPECT_EQ(vm_pins, e2e_pins_held());
}

/*
 * Replacing the page unpins the previous one: exactly one page stays
 * pinned, the last one given, until DESTROY_VM or close.
 */
TEST_F(devices, monitor_replace)
{
	static const unsigned int pages[] = { 0, 1, 2, 2, 0, 1 };
	struct e2e *e = &self->e;
	unsigned int vmid, round, i, page, last = 0;
	long vm_pins;

	for (i = 0; i < 3; i++) {
		e->page[i] = e2e_page();
		ASSERT_NE(NULL, e->page[i]);
	}
	/* The probe itself: a page nobody pinned, and the I/O request page. */
	EXPECT_EQ(0, dev_pinned(e->page[0]));
	for (round = 0; round < 2; round++) {
		if (round) {
			e->hsm = e2e_open_hsm();
			ASSERT_LE(0, e->hsm);
		}
		vmid = dev_vm(_metadata, e, "monrep");
		ASSERT_NE(0, vmid);
		EXPECT_EQ(1, dev_pinned(e->ioreq));
		vm_pins = e2e_pins_held();
		for (i = 0; i < ARRAY_SIZE(pages); i++) {
			/* the same page again too */
			page = pages[i];
			DEV_CALL(vmid, 0, "intr_monitor get_data buf_cnt=0",
				 dev_monitor(e->hsm, dev_get_data(e->page[page], 8)));
			EXPECT_EQ(vm_pins + 1, e2e_pins_held());
			last = page;
		}
		for (i = 0; i < 3; i++)
			EXPECT_EQ(i == last ? 1 : 0, dev_pinned(e->page[i]));
		if (round) {
			/* close: the VM goes, and its pages with it */
			e2e_close(&e->hsm);
		} else {
			ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
		}
		EXPECT_EQ(self->pins, e2e_wait_pins(self->pins, 2000));
		for (i = 0; i < 3; i++)
			EXPECT_EQ(0, dev_pinned(e->page[i]));
		if (!round)
			e2e_close(&e->hsm);
	}
}

/*
 * The hypervisor refuses a new page (an armed fault, or a command it
 * rejects): EINVAL, the new page unpinned, the previous one still held.
 */
TEST_F(devices, monitor_refused)
{
	struct e2e *e = &self->e;
	unsigned int vmid = dev_vm(_metadata, e, "monref");
	long vm_pins = e2e_pins_held();
	struct dev_monitor *a, *b;

	ASSERT_NE(0, vmid);
	e->page[0] = e2e_page();
	e->page[1] = e2e_page();
	ASSERT_NE(NULL, e->page[0]);
	ASSERT_NE(NULL, e->page[1]);
	a = dev_get_data(e->page[0], 2);
	DEV_CALL(vmid, 0, "intr_monitor get_data buf_cnt=0", dev_monitor(e->hsm, a));
	EXPECT_EQ(vm_pins + 1, e2e_pins_held());

	b = dev_get_data(e->page[1], 2);
	ASSERT_EQ(0, e2e_fail(e->hv, HC_VM_INTR_MONITOR, HV_REFUSED, 1));
	DEV_CALL(vmid, EINVAL, NULL, dev_monitor(e->hsm, b));
	EXPECT_EQ(vm_pins + 1, e2e_pins_held());
	EXPECT_EQ(1, dev_pinned(a));
	EXPECT_EQ(0, dev_pinned(b));

	ASSERT_EQ(0, e2e_fail(e->hv, HC_VM_INTR_MONITOR, HV_ENOTTY, 1));
	DEV_CALL(vmid, ENODEV, NULL, dev_monitor(e->hsm, b));
	EXPECT_EQ(vm_pins + 1, e2e_pins_held());
	EXPECT_EQ(1, dev_pinned(a));
	EXPECT_EQ(0, dev_pinned(b));

	/* The simulator itself refuses: more entries than the page has. */
	b = dev_get_data(e->page[1], INTR_MONITOR_MAX + 1);
	DEV_CALL(vmid, EINVAL, NULL, dev_monitor(e->hsm, b));
	EXPECT_EQ(vm_pins + 1, e2e_pins_held());
	EXPECT_EQ(1, dev_pinned(a));
	EXPECT_EQ(0, dev_pinned(b));
	EXPECT_TRUE(dev_monitor_untouched(b, 0));

	/* b accepted at last: a goes. */
	b = dev_get_data(e->page[1], 2);
	DEV_CALL(vmid, 0, "intr_monitor get_data buf_cnt=0", dev_monitor(e->hsm, b));
	EXPECT_EQ(vm_pins + 1, e2e_pins_held());
	EXPECT_EQ(0, dev_pinned(a));
	EXPECT_EQ(1, dev_pinned(b));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
	EXPECT_EQ(self->pins, e2e_wait_pins(self->pins, 2000));
	EXPECT_EQ(0, dev_pinned(b));
}

/* --- PM_GET_CPU_STATE --- */

/*
 * The counts: byte 0 is the count, bytes 1-7 are zero (the hypervisor
 * writes one byte, the kernel zeroes the rest), nothing past byte 7.
 */
TEST_F(devices, pm_counts)
{
	struct e2e *e = &self->e;
	unsigned int vmid = dev_vm(_metadata, e, "pmcnt");
	unsigned int vcpu, last = e->cv.vcpu_num - 1;
	char want[HVSIM_EVENT_TEXT];
	unsigned char *buf;
	__u64 cmd;

	ASSERT_NE(0, vmid);
	e->page[0] = e2e_page();
	ASSERT_NE(NULL, e->page[0]);
	buf = e->page[0];

	/* cx_states = 3 (the default) */
	ASSERT_EQ(0, dev_set_param(self->param, CX_STATES, "3"));
	for (vcpu = 0; vcpu <= last; vcpu += last) {
		cmd = pm_cmd(vmid, vcpu, 0, ACRN_PMCMD_GET_CX_CNT);
		DEV_CALL(vmid, 0, dev_fmt(want, "pm cx_cnt vcpu=%u", vcpu),
			 pm_call(e->hsm, buf, cmd));
		EXPECT_EQ(3, buf[0]);
		EXPECT_EQ(0, memcmp(buf + 1, "\0\0\0\0\0\0\0", 7));
		EXPECT_TRUE(pm_tail_untouched(buf, 8));
	}
	/* The state index of a count does not matter. */
	cmd = pm_cmd(vmid, 1, 7, ACRN_PMCMD_GET_CX_CNT);
	DEV_CALL(vmid, 0, "pm cx_cnt vcpu=1", pm_call(e->hsm, buf, cmd));
	EXPECT_EQ(3, buf[0]);

	/* No C-states at all: a count of 0 is an answer too. */
	ASSERT_EQ(0, dev_set_param(self->param, CX_STATES, "0"));
	cmd = pm_cmd(vmid, 0, 0, ACRN_PMCMD_GET_CX_CNT);
	DEV_CALL(vmid, 0, "pm cx_cnt vcpu=0", pm_call(e->hsm, buf, cmd));
	EXPECT_EQ(0, memcmp(buf, "\0\0\0\0\0\0\0\0", 8));
	EXPECT_TRUE(pm_tail_untouched(buf, 8));

	/* px_states = 0 (the default, ACRN 3.x): no P-state count. */
	ASSERT_EQ(0, dev_set_param(self->param, PX_STATES, "0"));
	cmd = pm_cmd(vmid, 0, 0, ACRN_PMCMD_GET_PX_CNT);
	DEV_CALL(vmid, EINVAL, NULL, pm_call(e->hsm, buf, cmd));
	EXPECT_TRUE(pm_untouched(buf, cmd));

	ASSERT_EQ(0, dev_set_param(self->param, PX_STATES, "5"));
	for (vcpu = 0; vcpu <= last; vcpu += last) {
		cmd = pm_cmd(vmid, vcpu, 0, ACRN_PMCMD_GET_PX_CNT);
		DEV_CALL(vmid, 0, dev_fmt(want, "pm px_cnt vcpu=%u", vcpu),
			 pm_call(e->hsm, buf, cmd));
		EXPECT_EQ(5, buf[0]);
		EXPECT_EQ(0, memcmp(buf + 1, "\0\0\0\0\0\0\0", 7));
		EXPECT_TRUE(pm_tail_untouched(buf, 8));
	}
}

/* The data: 48 bytes per P-state, 32 per C-state, nothing past them. */
TEST_F(devices, pm_data)
{
	struct e2e *e = &self->e;
	unsigned int vmid = dev_vm(_metadata, e, "pmdata");
	char want[HVSIM_EVENT_TEXT];
	struct acrn_pstate_data px;
	struct acrn_cstate_data cx;
	unsigned int i, vcpu;
	unsigned char *buf;
	__u64 cmd;

	ASSERT_NE(0, vmid);
	ASSERT_EQ(48, sizeof(px));
	ASSERT_EQ(32, sizeof(cx));
	e->page[0] = e2e_page();
	ASSERT_NE(NULL, e->page[0]);
	buf = e->page[0];
	ASSERT_EQ(0, dev_set_param(self->param, PX_STATES, "4"));
	ASSERT_EQ(0, dev_set_param(self->param, CX_STATES, "3"));

	for (vcpu = 0; vcpu < 2; vcpu++) {
		for (i = 0; i < 4; i++) {
			cmd = pm_cmd(vmid, vcpu, i, ACRN_PMCMD_GET_PX_DATA);
			DEV_CALL(vmid, 0, dev_fmt(want, "pm px_data vcpu=%u index=%u",
						  vcpu, i),
				 pm_call(e->hsm, buf, cmd));
			pm_px_expected(&px, i);
			if (memcmp(&px, buf, sizeof(px)))
				TH_LOG("P-state %u: frequency %llu power %llu control %#llx",
				       i, ((struct acrn_pstate_data *)buf)->core_frequency,
				       ((struct acrn_pstate_data *)buf)->power,
				       ((struct acrn_pstate_data *)buf)->control);
			EXPECT_EQ(0, memcmp(&px, buf, sizeof(px)));
			EXPECT_TRUE(pm_tail_untouched(buf, sizeof(px)));
		}
		for (i = 1; i <= 3; i++) {
			cmd = pm_cmd(vmid, vcpu, i, ACRN_PMCMD_GET_CX_DATA);
			DEV_CALL(vmid, 0, dev_fmt(want, "pm cx_data vcpu=%u index=%u",
						  vcpu, i),
				 pm_call(e->hsm, buf, cmd));
			pm_cx_expected(&cx, i);
			EXPECT_EQ(0, memcmp(&cx, buf, sizeof(cx)));
			EXPECT_TRUE(pm_tail_untouched(buf, sizeof(cx)));
		}
	}
	/* Index out of range: refused, nothing written. */
	cmd = pm_cmd(vmid, 0, 4, ACRN_PMCMD_GET_PX_DATA);
	DEV_CALL(vmid, EINVAL, NULL, pm_call(e->hsm, buf, cmd));
	EXPECT_TRUE(pm_untouched(buf, cmd));
	cmd = pm_cmd(vmid, 0, 255, ACRN_PMCMD_GET_PX_DATA);
	DEV_CALL(vmid, EINVAL, NULL, pm_call(e->hsm, buf, cmd));
	EXPECT_TRUE(pm_untouched(buf, cmd));
	cmd = pm_cmd(vmid, 0, 0, ACRN_PMCMD_GET_CX_DATA);
	DEV_CALL(vmid, EINVAL, NULL, pm_call(e->hsm, buf, cmd));
	EXPECT_TRUE(pm_untouched(buf, cmd));
	cmd = pm_cmd(vmid, 0, 4, ACRN_PMCMD_GET_CX_DATA);
	DEV_CALL(vmid, EINVAL, NULL, pm_call(e->hsm, buf, cmd));
	EXPECT_TRUE(pm_untouched(buf, cmd));

	/* No P-states: no P-state data either. */
	ASSERT_EQ(0, dev_set_param(self->param, PX_STATES, "0"));
	cmd = pm_cmd(vmid, 0, 0, ACRN_PMCMD_GET_PX_DATA);
	DEV_CALL(vmid, EINVAL, NULL, pm_call(e->hsm, buf, cmd));
	EXPECT_TRUE(pm_untouched(buf, cmd));
}

/* Bad commands, VM states, buffers. A failing call writes nothing. */
TEST_F(devices, pm_errors)
{
	struct e2e *e = &self->e;
	unsigned int vmid = dev_vm(_metadata, e, "pmerr");
	unsigned int n = e->cv.vcpu_num;
	unsigned char *buf, *ro;
	unsigned int i;
	__u64 cmd;
	const __u64 bad[] = {
		pm_cmd(vmid, 0, 0, 4),
		pm_cmd(vmid, 0, 1, 0xff),
		pm_cmd(vmid, 0, 0, ACRN_PMCMD_GET_CX_CNT) | 1ULL << 32,
		pm_cmd(vmid, 0, 0, ACRN_PMCMD_GET_CX_CNT) | 1ULL << 63,
		pm_cmd(vmid, n, 0, ACRN_PMCMD_GET_CX_CNT),
		pm_cmd(vmid, 255, 1, ACRN_PMCMD_GET_CX_DATA),
		pm_cmd(0, 0, 0, ACRN_PMCMD_GET_CX_CNT),
		pm_cmd(vmid + 1, 0, 0, ACRN_PMCMD_GET_CX_CNT),
		pm_cmd(255, 0, 0, ACRN_PMCMD_GET_CX_CNT),
	};

	ASSERT_NE(0, vmid);
	e->page[0] = e2e_page();
	ASSERT_NE(NULL, e->page[0]);
	buf = e->page[0];
	ASSERT_EQ(0, dev_set_param(self->param, CX_STATES, "3"));

	/* The HSM's checks */
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		DEV_NOHC(vmid, EINVAL, pm_call(e->hsm, buf, bad[i]));
		if (!pm_untouched(buf, bad[i]))
			TH_LOG("cmd %#llx: buffer written", (unsigned long long)bad[i]);
		EXPECT_TRUE(pm_untouched(buf, bad[i]));
	}

	/* A running VM has no power state to report; a paused one has. */
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_START_VM));
	cmd = pm_cmd(vmid, 0, 1, ACRN_PMCMD_GET_CX_DATA);
	DEV_CALL(vmid, EINVAL, NULL, pm_call(e->hsm, buf, cmd));
	EXPECT_TRUE(pm_untouched(buf, cmd));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_PAUSE_VM));
	DEV_CALL(vmid, 0, "pm cx_data vcpu=0 index=1", pm_call(e->hsm, buf, cmd));
	EXPECT_TRUE(pm_tail_untouched(buf, sizeof(struct acrn_cstate_data)));

	/* Read-only: the hypervisor answered, the copy back fails. */
	ro = e2e_page();
	ASSERT_NE(NULL, ro);
	e->page[1] = ro;
	cmd = pm_cmd(vmid, 0, 0, ACRN_PMCMD_GET_CX_CNT);
	pm_fill(ro, cmd);
	ASSERT_EQ(0, mprotect(ro, E2E_PAGE_SIZE, PROT_READ));
	DEV_CALL(vmid, EFAULT, "pm cx_cnt vcpu=0",
		 e2e_ioctl(e->hsm, ACRN_IOCTL_PM_GET_CPU_STATE, ro));
	EXPECT_TRUE(pm_untouched(ro, cmd));

	/* After DESTROY_VM: no VM. */
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
	DEV_NOHC(vmid, EINVAL, pm_call(e->hsm, buf, cmd));
	EXPECT_TRUE(pm_untouched(buf, cmd));
}

/* A command naming another VM is refused: each file queries its own VM only. */
TEST_F(devices, pm_other_vm)
{
	struct e2e *e = &self->e;
	unsigned int a = dev_vm(_metadata, e, "pma"), b;
	struct dev_mark ma, mb;
	char text[HVSIM_EVENT_TEXT];
	unsigned char *buf;
	__u64 cmd;

	ASSERT_NE(0, a);
	ASSERT_EQ(0, e2e_open_fd(e, 0));
	ASSERT_EQ(0, e2e_create_fd(e, 0, "pmb"));
	b = e->fcv[0].vmid;
	ASSERT_NE(a, b);
	buf = e2e_page();
	ASSERT_NE(NULL, buf);
	e->page[1] = buf;
	ASSERT_EQ(0, dev_set_param(self->param, CX_STATES, "3"));

	/* A asks about B, B about A: refused, neither log moves. */
	ma = dev_mark(e->hv, a);
	mb = dev_mark(e->hv, b);
	cmd = pm_cmd(b, 0, 0, ACRN_PMCMD_GET_CX_CNT);
	EXPECT_EQ(EINVAL, pm_call(e->hsm, buf, cmd));
	EXPECT_TRUE(pm_untouched(buf, cmd));
	cmd = pm_cmd(b, 0, 1, ACRN_PMCMD_GET_CX_DATA);
	EXPECT_EQ(EINVAL, pm_call(e->hsm, buf, cmd));
	EXPECT_TRUE(pm_untouched(buf, cmd));
	cmd = pm_cmd(a, 0, 0, ACRN_PMCMD_GET_CX_CNT);
	EXPECT_EQ(EINVAL, pm_call(e->fd[0], buf, cmd));
	EXPECT_TRUE(pm_untouched(buf, cmd));
	EXPECT_EQ(0, dev_new(&ma, text));
	EXPECT_EQ(0, dev_new(&mb, text));
	EXPECT_EQ(ma.hcs, dev_hc_sum(e->hv));

	/* Each about itself: one event, in its own log only. */
	mb = dev_mark(e->hv, b);
	DEV_CALL(a, 0, "pm cx_cnt vcpu=0",
		 pm_call(e->hsm, buf, pm_cmd(a, 0, 0, ACRN_PMCMD_GET_CX_CNT)));
	EXPECT_EQ(0, dev_new(&mb, text));
	ma = dev_mark(e->hv, a);
	DEV_CALL(b, 0, "pm cx_cnt vcpu=1",
		 pm_call(e->fd[0], buf, pm_cmd(b, 1, 0, ACRN_PMCMD_GET_CX_CNT)));
	EXPECT_EQ(0, dev_new(&ma, text));
}

/* --- passthrough PCI devices and their INTx remappings --- */

/* ASSIGN_PCIDEV and DEASSIGN_PCIDEV, good and bad. */
TEST_F(devices, pcidev)
{
	struct e2e *e = &self->e;
	unsigned int vmid = dev_vm(_metadata, e, "pci");
	struct acrn_pcidev d;

	ASSERT_NE(0, vmid);
	DEV_CALL(vmid, 0, "assign_pcidev virt=00:03.0 phys=01:00.0 type=0x1 line=11 pin=1",
		 dev_assign(e->hsm, BDF(0, 3, 0), PT0));
	/* type 0, odd virtual BDFs, every board device */
	dev_pcidev_init(&d, BDF(0, 0x1f, 7), PT1);
	d.type = 0;
	d.intr_line = 0;
	d.intr_pin = 0;
	DEV_CALL(vmid, 0, "assign_pcidev virt=00:1f.7 phys=01:01.0 type=0x0 line=0 pin=0",
		 e2e_ioctl(e->hsm, ACRN_IOCTL_ASSIGN_PCIDEV, &d));
	DEV_CALL(vmid, 0, "assign_pcidev virt=ff:00.1 phys=01:02.0 type=0x1 line=11 pin=1",
		 dev_assign(e->hsm, BDF(0xff, 0, 1), PT2));
	DEV_CALL(vmid, 0, "assign_pcidev virt=00:00.1 phys=01:03.0 type=0x1 line=11 pin=1",
		 dev_assign(e->hsm, BDF(0, 0, 1), PT3));

	/* The HSM: undefined type bits */
	dev_pcidev_init(&d, BDF(0, 6, 0), PT0);
	d.type = 2;
	DEV_NOHC(vmid, EINVAL, e2e_ioctl(e->hsm, ACRN_IOCTL_ASSIGN_PCIDEV, &d));
	d.type = 0x80000001;
	DEV_NOHC(vmid, EINVAL, e2e_ioctl(e->hsm, ACRN_IOCTL_ASSIGN_PCIDEV, &d));
	dev_pcidev_init(&d, BDF(0, 3, 0), PT0);
	d.type = 2;
	DEV_NOHC(vmid, EINVAL, e2e_ioctl(e->hsm, ACRN_IOCTL_DEASSIGN_PCIDEV, &d));

	/* The hypervisor: taken, unknown devices, bad virtual BDFs */
	DEV_CALL(vmid, EINVAL, NULL, dev_assign(e->hsm, BDF(0, 6, 0), PT0));
	DEV_CALL(vmid, EINVAL, NULL, dev_assign(e->hsm, BDF(0, 6, 0), BDF(1, 4, 0)));
	DEV_CALL(vmid, EINVAL, NULL, dev_assign(e->hsm, BDF(0, 6, 0), BDF(1, 0, 1)));
	DEV_CALL(vmid, EINVAL, NULL, dev_assign(e->hsm, BDF(0, 6, 0), BDF(0, 0, 0)));
	DEV_CALL(vmid, EINVAL, NULL, dev_assign(e->hsm, BDF(0, 6, 0), 0xffff));

	/* Deassign: only what this VM has, by both BDFs */
	DEV_CALL(vmid, EINVAL, NULL, dev_deassign(e->hsm, BDF(0, 3, 0), PT1));
	DEV_CALL(vmid, EINVAL, NULL, dev_deassign(e->hsm, BDF(0, 4, 0), PT0));
	DEV_CALL(vmid, EINVAL, NULL, dev_deassign(e->hsm, BDF(0, 6, 0), BDF(1, 4, 0)));
	DEV_CALL(vmid, 0, "deassign_pcidev virt=00:03.0 phys=01:00.0",
		 dev_deassign(e->hsm, BDF(0, 3, 0), PT0));
	DEV_CALL(vmid, EINVAL, NULL, dev_deassign(e->hsm, BDF(0, 3, 0), PT0));

	/* Free again: a virtual BDF 00:00.0 is not, nor one in use */
	DEV_CALL(vmid, EINVAL, NULL, dev_assign(e->hsm, BDF(0, 0, 0), PT0));
	DEV_CALL(vmid, EINVAL, NULL, dev_assign(e->hsm, BDF(0, 0x1f, 7), PT0));
	ASSERT_EQ(0, dev_vdev(e->hsm, true, IVSHMEM, BDF(0, 4, 0)));
	DEV_CALL(vmid, EINVAL, NULL, dev_assign(e->hsm, BDF(0, 4, 0), PT0));
	DEV_CALL(vmid, 0, "assign_pcidev virt=00:05.0 phys=01:00.0 type=0x1 line=11 pin=1",
		 dev_assign(e->hsm, BDF(0, 5, 0), PT0));
}

/* Assign in CREATED only; deassign in CREATED or PAUSED; RESET_VM keeps devices. */
TEST_F(devices, pcidev_states)
{
	struct e2e *e = &self->e;
	unsigned int vmid = dev_vm(_metadata, e, "pcist");

	ASSERT_NE(0, vmid);
	ASSERT_EQ(0, dev_assign(e->hsm, BDF(0, 3, 0), PT0));
	ASSERT_EQ(0, dev_intx(e->hsm, true, BDF(0, 3, 0), PT0, 5, 10, 0));
	ASSERT_EQ(0, dev_intx(e->hsm, true, BDF(0, 3, 0), PT0, 6, 11, 0));

	/* running: nothing but interrupts */
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_START_VM));
	DEV_CALL(vmid, EINVAL, NULL, dev_assign(e->hsm, BDF(0, 4, 0), PT1));
	DEV_CALL(vmid, EINVAL, NULL, dev_deassign(e->hsm, BDF(0, 3, 0), PT0));
	DEV_CALL(vmid, EINVAL, NULL,
		 dev_intx(e->hsm, true, BDF(0, 3, 0), PT0, 7, 12, 0));
	DEV_CALL(vmid, EINVAL, NULL,
		 dev_intx(e->hsm, false, BDF(0, 3, 0), PT0, 5, 10, 0));

	/* paused: taking things away only */
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_PAUSE_VM));
	DEV_CALL(vmid, EINVAL, NULL, dev_assign(e->hsm, BDF(0, 4, 0), PT1));
	DEV_CALL(vmid, EINVAL, NULL,
		 dev_intx(e->hsm, true, BDF(0, 3, 0), PT0, 7, 12, 0));
	DEV_CALL(vmid, 0, "reset_ptdev_intr virt=00:03.0 phys=01:00.0 virt_pin=5 phys_pin=10 pic=0",
		 dev_intx(e->hsm, false, BDF(0, 3, 0), PT0, 5, 10, 0));

	/* reset: back to CREATED with the device and its other remapping */
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_RESET_VM));
	DEV_CALL(vmid, EINVAL, NULL, dev_assign(e->hsm, BDF(0, 4, 0), PT0));
	DEV_CALL(vmid, EINVAL, NULL,
		 dev_intx(e->hsm, true, BDF(0, 3, 0), PT0, 6, 12, 0));
	DEV_CALL(vmid, EINVAL, NULL,
		 dev_intx(e->hsm, true, BDF(0, 3, 0), PT0, 8, 11, 0));
	DEV_CALL(vmid, 0, "set_ptdev_intr virt=00:03.0 phys=01:00.0 virt_pin=5 phys_pin=10 pic=0",
		 dev_intx(e->hsm, true, BDF(0, 3, 0), PT0, 5, 10, 0));

	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_START_VM));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_PAUSE_VM));
	DEV_CALL(vmid, 0, "deassign_pcidev virt=00:03.0 phys=01:00.0",
		 dev_deassign(e->hsm, BDF(0, 3, 0), PT0));
	/* Its remappings went with it. */
	DEV_CALL(vmid, EINVAL, NULL,
		 dev_intx(e->hsm, false, BDF(0, 3, 0), PT0, 6, 11, 0));
}

/* SET_PTDEV_INTR and RESET_PTDEV_INTR, good and bad. */
TEST_F(devices, ptdev_intr)
{
	struct e2e *e = &self->e;
	unsigned int vmid = dev_vm(_metadata, e, "intx");
	const __u16 v = BDF(0, 3, 0);
	struct acrn_ptdev_irq irq;

	ASSERT_NE(0, vmid);
	/* No such device yet */
	DEV_CALL(vmid, EINVAL, NULL, dev_intx(e->hsm, true, v, PT0, 5, 10, 0));
	ASSERT_EQ(0, dev_assign(e->hsm, v, PT0));

	DEV_CALL(vmid, 0, "set_ptdev_intr virt=00:03.0 phys=01:00.0 virt_pin=5 phys_pin=10 pic=0",
		 dev_intx(e->hsm, true, v, PT0, 5, 10, 0));
	DEV_CALL(vmid, 0, "set_ptdev_intr virt=00:03.0 phys=01:00.0 virt_pin=15 phys_pin=0 pic=1",
		 dev_intx(e->hsm, true, v, PT0, 15, 0, 1));
	DEV_CALL(vmid, 0, "set_ptdev_intr virt=00:03.0 phys=01:00.0 virt_pin=47 phys_pin=23 pic=0",
		 dev_intx(e->hsm, true, v, PT0, 47, 23, 0));
	/* The same virtual pin number on the other controller */
	DEV_CALL(vmid, 0, "set_ptdev_intr virt=00:03.0 phys=01:00.0 virt_pin=5 phys_pin=11 pic=1",
		 dev_intx(e->hsm, true, v, PT0, 5, 11, 1));

	/* The HSM: unknown type, is_pic_pin not 0 or 1 */
	dev_intx_init(&irq, v, PT0, 6, 12, 0);
	irq.type = ACRN_PTDEV_IRQ_MSIX + 1;
	DEV_NOHC(vmid, EINVAL, e2e_ioctl(e->hsm, ACRN_IOCTL_SET_PTDEV_INTR, &irq));
	DEV_NOHC(vmid, EINVAL, e2e_ioctl(e->hsm, ACRN_IOCTL_RESET_PTDEV_INTR, &irq));
	dev_intx_init(&irq, v, PT0, 6, 12, 2);
	DEV_NOHC(vmid, EINVAL, e2e_ioctl(e->hsm, ACRN_IOCTL_SET_PTDEV_INTR, &irq));
	DEV_NOHC(vmid, EINVAL, e2e_ioctl(e->hsm, ACRN_IOCTL_RESET_PTDEV_INTR, &irq));

	/* The hypervisor: MSI and MSI-X are not remapped this way */
	dev_intx_init(&irq, v, PT0, 6, 12, 0);
	irq.type = ACRN_PTDEV_IRQ_MSI;
	DEV_CALL(vmid, EINVAL, NULL, e2e_ioctl(e->hsm, ACRN_IOCTL_SET_PTDEV_INTR, &irq));
	irq.type = ACRN_PTDEV_IRQ_MSIX;
	DEV_CALL(vmid, EINVAL, NULL, e2e_ioctl(e->hsm, ACRN_IOCTL_SET_PTDEV_INTR, &irq));
	/* device BDFs that do not match */
	DEV_CALL(vmid, EINVAL, NULL, dev_intx(e->hsm, true, v, PT1, 6, 12, 0));
	DEV_CALL(vmid, EINVAL, NULL, dev_intx(e->hsm, true, BDF(0, 4, 0), PT0, 6, 12, 0));
	/* pins out of range */
	DEV_CALL(vmid, EINVAL, NULL, dev_intx(e->hsm, true, v, PT0, 16, 12, 1));
	DEV_CALL(vmid, EINVAL, NULL, dev_intx(e->hsm, true, v, PT0, 48, 12, 0));
	DEV_CALL(vmid, EINVAL, NULL, dev_intx(e->hsm, true, v, PT0, 6, 24, 0));
	DEV_CALL(vmid, EINVAL, NULL, dev_intx(e->hsm, true, v, PT0, 6, 0xffffffff, 0));
	/* pins in use */
	DEV_CALL(vmid, EINVAL, NULL, dev_intx(e->hsm, true, v, PT0, 5, 12, 0));
	DEV_CALL(vmid, EINVAL, NULL, dev_intx(e->hsm, true, v, PT0, 15, 12, 1));
	DEV_CALL(vmid, EINVAL, NULL, dev_intx(e->hsm, true, v, PT0, 6, 10, 0));
	DEV_CALL(vmid, EINVAL, NULL, dev_intx(e->hsm, true, v, PT0, 6, 11, 1));

	/* Reset: the entry must match by BDFs, virtual pin and controller */
	DEV_CALL(vmid, EINVAL, NULL, dev_intx(e->hsm, false, v, PT0, 6, 10, 0));
	DEV_CALL(vmid, EINVAL, NULL, dev_intx(e->hsm, false, v, PT0, 47, 23, 1));
	DEV_CALL(vmid, EINVAL, NULL, dev_intx(e->hsm, false, v, PT1, 5, 10, 0));
	DEV_CALL(vmid, EINVAL, NULL, dev_intx(e->hsm, false, BDF(0, 4, 0), PT0, 5, 10, 0));
	dev_intx_init(&irq, v, PT0, 5, 10, 0);
	irq.type = ACRN_PTDEV_IRQ_MSI;
	DEV_CALL(vmid, EINVAL, NULL, e2e_ioctl(e->hsm, ACRN_IOCTL_RESET_PTDEV_INTR, &irq));
	DEV_CALL(vmid, 0, "reset_ptdev_intr virt=00:03.0 phys=01:00.0 virt_pin=5 phys_pin=10 pic=0",
		 dev_intx(e->hsm, false, v, PT0, 5, 10, 0));
	DEV_CALL(vmid, EINVAL, NULL, dev_intx(e->hsm, false, v, PT0, 5, 10, 0));
	/* Both pins are free again, the other controller's pin 5 is not. */
	DEV_CALL(vmid, 0, "set_ptdev_intr virt=00:03.0 phys=01:00.0 virt_pin=5 phys_pin=10 pic=0",
		 dev_intx(e->hsm, true, v, PT0, 5, 10, 0));
	DEV_CALL(vmid, EINVAL, NULL, dev_intx(e->hsm, true, v, PT0, 5, 12, 1));
}

/*
 * What acrn-dm does for a passthrough device over a VM's life: assign it
 * and remap its INTx while the VM is created, run, and at shutdown
 * (paused) remove the remapping and deassign it. The VM's whole log;
 * DESTROY_VM may pause the VM again first.
 */
TEST_F(devices, passthrough_sequence)
{
	static const char * const want[] = {
		NULL,	/* create vcpus=N */
		"assign_pcidev virt=00:02.0 phys=01:02.0 type=0x1 line=11 pin=1",
		"set_ptdev_intr virt=00:02.0 phys=01:02.0 virt_pin=16 phys_pin=16 pic=0",
		"start",
		"msi addr=0xfee00000 data=0x41",
		"irqline gsi=16 op=raising_pulse",
		"pause",
		"reset_ptdev_intr virt=00:02.0 phys=01:02.0 virt_pin=16 phys_pin=16 pic=0",
		"deassign_pcidev virt=00:02.0 phys=01:02.0",
	};
	struct e2e *e = &self->e;
	unsigned int vmid = dev_vm(_metadata, e, "seq");
	static struct hvsim_event ev[HVSIM_EVENTS_MAX];
	char create[HVSIM_EVENT_TEXT];
	unsigned int i;
	bool ok;
	int n;

	ASSERT_NE(0, vmid);
	ASSERT_EQ(0, dev_assign(e->hsm, BDF(0, 2, 0), PT2));
	ASSERT_EQ(0, dev_intx(e->hsm, true, BDF(0, 2, 0), PT2, 16, 16, 0));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_START_VM));
	ASSERT_EQ(0, dev_msi(e->hsm, 0xfee00000, 0x41));
	ASSERT_EQ(0, dev_irqline(e->hsm, 16, 2));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_PAUSE_VM));
	ASSERT_EQ(0, dev_intx(e->hsm, false, BDF(0, 2, 0), PT2, 16, 16, 0));
	ASSERT_EQ(0, dev_deassign(e->hsm, BDF(0, 2, 0), PT2));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));

	n = dev_log(e->hv, vmid, 0, ev, HVSIM_EVENTS_MAX);
	dev_fmt(create, "create vcpus=%u", e->cv.vcpu_num);
	ok = n > (int)ARRAY_SIZE(want) && !strcmp(ev[n - 1].text, "destroy");
	for (i = 0; ok && i < ARRAY_SIZE(want); i++)
		ok = !strcmp(want[i] ? want[i] : create, ev[i].text);
	for (; ok && (int)i < n - 1; i++)
		ok = !strcmp(ev[i].text, "pause");
	for (i = 0; !ok && (int)i < n; i++)
		TH_LOG("event %llu: %s", (unsigned long long)ev[i].seq, ev[i].text);
	EXPECT_TRUE(ok);
}

/*
 * A device, and its physical pins, belong to one VM at a time: another VM
 * gets it once the first deassigns it or is destroyed.
 */
TEST_F(devices, pcidev_two_vms)
{
	struct e2e *e = &self->e;
	unsigned int a = dev_vm(_metadata, e, "pta"), b;

	ASSERT_NE(0, a);
	ASSERT_EQ(0, e2e_open_fd(e, 0));
	ASSERT_EQ(0, e2e_create_fd(e, 0, "ptb"));
	b = e->fcv[0].vmid;

	ASSERT_EQ(0, dev_assign(e->hsm, BDF(0, 3, 0), PT0));
	ASSERT_EQ(0, dev_intx(e->hsm, true, BDF(0, 3, 0), PT0, 5, 10, 0));
	DEV_CALL(b, EINVAL, NULL, dev_assign(e->fd[0], BDF(0, 3, 0), PT0));
	DEV_CALL(b, EINVAL, NULL, dev_assign(e->fd[0], BDF(0, 4, 0), PT0));
	DEV_CALL(b, EINVAL, NULL, dev_deassign(e->fd[0], BDF(0, 3, 0), PT0));
	DEV_CALL(b, EINVAL, NULL,
		 dev_intx(e->fd[0], false, BDF(0, 3, 0), PT0, 5, 10, 0));
	/* B has a device of its own, but A holds physical pin 10. */
	DEV_CALL(b, 0, "assign_pcidev virt=00:03.0 phys=01:01.0 type=0x1 line=11 pin=1",
		 dev_assign(e->fd[0], BDF(0, 3, 0), PT1));
	DEV_CALL(b, EINVAL, NULL,
		 dev_intx(e->fd[0], true, BDF(0, 3, 0), PT1, 5, 10, 0));

	/* A deassigns: the device and its pin are free. */
	DEV_CALL(a, 0, "deassign_pcidev virt=00:03.0 phys=01:00.0",
		 dev_deassign(e->hsm, BDF(0, 3, 0), PT0));
	DEV_CALL(b, 0, "set_ptdev_intr virt=00:03.0 phys=01:01.0 virt_pin=5 phys_pin=10 pic=0",
		 dev_intx(e->fd[0], true, BDF(0, 3, 0), PT1, 5, 10, 0));
	DEV_CALL(b, 0, "assign_pcidev virt=00:04.0 phys=01:00.0 type=0x1 line=11 pin=1",
		 dev_assign(e->fd[0], BDF(0, 4, 0), PT0));
	DEV_CALL(a, EINVAL, NULL, dev_assign(e->hsm, BDF(0, 3, 0), PT0));

	/* B is destroyed: its devices and pins are free. */
	ASSERT_EQ(0, e2e_ioctl(e->fd[0], ACRN_IOCTL_DESTROY_VM, NULL));
	DEV_CALL(a, 0, "assign_pcidev virt=00:03.0 phys=01:00.0 type=0x1 line=11 pin=1",
		 dev_assign(e->hsm, BDF(0, 3, 0), PT0));
	DEV_CALL(a, 0, "assign_pcidev virt=00:04.0 phys=01:01.0 type=0x1 line=11 pin=1",
		 dev_assign(e->hsm, BDF(0, 4, 0), PT1));
	DEV_CALL(a, 0, "set_ptdev_intr virt=00:04.0 phys=01:01.0 virt_pin=5 phys_pin=10 pic=0",
		 dev_intx(e->hsm, true, BDF(0, 4, 0), PT1, 5, 10, 0));

	/* A new VM, maybe in B's slot, starts with nothing and gets nothing of A's. */
	ASSERT_EQ(0, e2e_create_fd(e, 0, "ptc"));
	b = e->fcv[0].vmid;
	DEV_CALL(b, EINVAL, NULL, dev_assign(e->fd[0], BDF(0, 3, 0), PT0));
	DEV_CALL(b, EINVAL, NULL, dev_deassign(e->fd[0], BDF(0, 4, 0), PT0));
	DEV_CALL(b, 0, "assign_pcidev virt=00:03.0 phys=01:03.0 type=0x1 line=11 pin=1",
		 dev_assign(e->fd[0], BDF(0, 3, 0), PT3));
}

/* --- passthrough MMIO devices --- */

TEST_F(devices, mmiodev)
{
	struct e2e *e = &self->e;
	unsigned int vmid = dev_vm(_metadata, e, "mmio");
	char want[HVSIM_EVENT_TEXT];
	struct acrn_mmiodev d, d2;

	ASSERT_NE(0, vmid);
	/* The whole TPM window, and back */
	DEV_CALL(vmid, 0, "assign_mmiodev name=TPM gpa=0xfed40000 hpa=0xfed40000 size=0x5000",
		 dev_mmio1(e->hsm, true, "TPM", TPM_HPA, TPM_HPA, TPM_SIZE));
	DEV_CALL(vmid, EINVAL, NULL,
		 dev_mmio1(e->hsm, true, "TPM", TPM_HPA, TPM_HPA, TPM_SIZE));
	DEV_CALL(vmid, EINVAL, NULL,
		 dev_mmio1(e->hsm, false, "TPM", TPM_HPA, TPM_HPA, 0x4000));
	DEV_CALL(vmid, EINVAL, NULL,
		 dev_mmio1(e->hsm, false, "TPM", 0x10000000, TPM_HPA, TPM_SIZE));
	DEV_CALL(vmid, 0, "deassign_mmiodev name=TPM gpa=0xfed40000 hpa=0xfed40000 size=0x5000",
		 dev_mmio1(e->hsm, false, "TPM", TPM_HPA, TPM_HPA, TPM_SIZE));
	DEV_CALL(vmid, EINVAL, NULL,
		 dev_mmio1(e->hsm, false, "TPM", TPM_HPA, TPM_HPA, TPM_SIZE));

	/* Two resources in the GPIO window */
	dev_mmio_init(&d, "GPIO", 0x1000, GPIO_HPA, 0x1000);
	d.res[1].user_vm_pa = 0x3000;
	d.res[1].service_vm_pa = GPIO_HPA + 0x4000;
	d.res[1].size = 0x2000;
	dev_fmt(want, "%s gpa1=0x3000 hpa1=0x%llx size1=0x2000",
		"assign_mmiodev name=GPIO gpa=0x1000 hpa=0xfe000000 size=0x1000",
		GPIO_HPA + 0x4000);
	DEV_CALL(vmid, 0, want, dev_mmio(e->hsm, true, &d));
	/* A part of it is not enough to give it back. */
	d2 = d;
	d2.res[1].size = 0;
	DEV_CALL(vmid, EINVAL, NULL, dev_mmio(e->hsm, false, &d2));
	/* Overlaps, with either resource */
	DEV_CALL(vmid, EINVAL, NULL,
		 dev_mmio1(e->hsm, true, "G2", 0x8000, GPIO_HPA, 0x1000));
	DEV_CALL(vmid, EINVAL, NULL,
		 dev_mmio1(e->hsm, true, "G2", 0x8000, GPIO_HPA + 0x3000, 0x2000));
	DEV_CALL(vmid, 0, "assign_mmiodev name=G2 gpa=0x8000 hpa=0xfe001000 size=0x2000",
		 dev_mmio1(e->hsm, true, "G2", 0x8000, GPIO_HPA + 0x1000, 0x2000));

	/* Names: 8 bytes without NUL, non-printable bytes */
	DEV_CALL(vmid, 0, "assign_mmiodev name=ABCDEFGH gpa=0x0 hpa=0xfed40000 size=0x1000",
		 dev_mmio1(e->hsm, true, "ABCDEFGH", 0, TPM_HPA, 0x1000));
	/* at most 3 per VM */
	DEV_CALL(vmid, EINVAL, NULL,
		 dev_mmio1(e->hsm, true, "TPM", 0x100000, TPM_HPA + 0x1000, 0x1000));
	DEV_CALL(vmid, 0, "deassign_mmiodev name=ABCDEFGH gpa=0x0 hpa=0xfed40000 size=0x1000",
		 dev_mmio1(e->hsm, false, "ABCDEFGH", 0, TPM_HPA, 0x1000));
	DEV_CALL(vmid, 0, "assign_mmiodev name=a?b? gpa=0x100000 hpa=0xfed41000 size=0x1000",
		 dev_mmio1(e->hsm, true, "a\001b\177", 0x100000, TPM_HPA + 0x1000, 0x1000));

	/* Bad resources: none, unaligned, outside or across a window, wrapping */
	ASSERT_EQ(0, dev_mmio1(e->hsm, false, "G2", 0x8000, GPIO_HPA + 0x1000, 0x2000));
	dev_mmio_init(&d2, "BAD", 0, 0, 0);
	DEV_CALL(vmid, EINVAL, NULL, dev_mmio(e->hsm, true, &d2));
	DEV_CALL(vmid, EINVAL, NULL,
		 dev_mmio1(e->hsm, true, "BAD", 0x8000, GPIO_HPA + 0x8000, 0x800));
	DEV_CALL(vmid, EINVAL, NULL,
		 dev_mmio1(e->hsm, true, "BAD", 0x8100, GPIO_HPA + 0x8000, 0x1000));
	DEV_CALL(vmid, EINVAL, NULL,
		 dev_mmio1(e->hsm, true, "BAD", 0x8000, GPIO_HPA + 0x8100, 0x1000));
	DEV_CALL(vmid, EINVAL, NULL,
		 dev_mmio1(e->hsm, true, "BAD", 0x8000, GPIO_HPA + GPIO_SIZE, 0x1000));
	DEV_CALL(vmid, EINVAL, NULL,
		 dev_mmio1(e->hsm, true, "BAD", 0x8000, GPIO_HPA + 0xf000, 0x2000));
	DEV_CALL(vmid, EINVAL, NULL,
		 dev_mmio1(e->hsm, true, "BAD", 0x8000, TPM_HPA + TPM_SIZE, 0x1000));
	DEV_CALL(vmid, EINVAL, NULL,
		 dev_mmio1(e->hsm, true, "BAD", 0x8000, 0xfed00000, 0x1000));
	DEV_CALL(vmid, EINVAL, NULL,
		 dev_mmio1(e->hsm, true, "BAD", 0xfffffffffffff000ULL,
			   GPIO_HPA + 0x8000, 0x2000));
	DEV_CALL(vmid, EINVAL, NULL,
		 dev_mmio1(e->hsm, true, "BAD", 0x8000, 0xfffffffffffff000ULL,
			   0x2000));
	/* a bad second resource spoils a good first one */
	dev_mmio_init(&d2, "BAD", 0x8000, GPIO_HPA + 0x8000, 0x1000);
	d2.res[2].user_vm_pa = 0x9000;
	d2.res[2].service_vm_pa = 0xfe100000;
	d2.res[2].size = 0x1000;
	DEV_CALL(vmid, EINVAL, NULL, dev_mmio(e->hsm, true, &d2));

	/* Running: neither; paused: deassign only */
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_START_VM));
	DEV_CALL(vmid, EINVAL, NULL,
		 dev_mmio1(e->hsm, true, "G3", 0x8000, GPIO_HPA + 0x8000, 0x1000));
	DEV_CALL(vmid, EINVAL, NULL, dev_mmio(e->hsm, false, &d));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_PAUSE_VM));
	DEV_CALL(vmid, EINVAL, NULL,
		 dev_mmio1(e->hsm, true, "G3", 0x8000, GPIO_HPA + 0x8000, 0x1000));
	DEV_CALL(vmid, 0,
		 "deassign_mmiodev name=GPIO gpa=0x1000 hpa=0xfe000000 size=0x1000",
		 dev_mmio(e->hsm, false, &d));
}

/* What one VM was given another cannot have, until it is given back or the VM goes. */
TEST_F(devices, mmiodev_two_vms)
{
	struct e2e *e = &self->e;
	unsigned int a = dev_vm(_metadata, e, "ma"), b;

	ASSERT_NE(0, a);
	ASSERT_EQ(0, e2e_open_fd(e, 0));
	ASSERT_EQ(0, e2e_create_fd(e, 0, "mb"));
	b = e->fcv[0].vmid;

	ASSERT_EQ(0, dev_mmio1(e->hsm, true, "TPM", TPM_HPA, TPM_HPA, TPM_SIZE));
	DEV_CALL(b, EINVAL, NULL,
		 dev_mmio1(e->fd[0], true, "TPM", TPM_HPA, TPM_HPA, TPM_SIZE));
	DEV_CALL(b, EINVAL, NULL,
		 dev_mmio1(e->fd[0], true, "TPM", 0, TPM_HPA + 0x4000, 0x1000));
	DEV_CALL(b, EINVAL, NULL,
		 dev_mmio1(e->fd[0], false, "TPM", TPM_HPA, TPM_HPA, TPM_SIZE));
	ASSERT_EQ(0, dev_mmio1(e->hsm, false, "TPM", TPM_HPA, TPM_HPA, TPM_SIZE));
	DEV_CALL(b, 0, "assign_mmiodev name=TPM gpa=0x0 hpa=0xfed44000 size=0x1000",
		 dev_mmio1(e->fd[0], true, "TPM", 0, TPM_HPA + 0x4000, 0x1000));
	DEV_CALL(a, EINVAL, NULL,
		 dev_mmio1(e->hsm, true, "TPM", TPM_HPA, TPM_HPA, TPM_SIZE));
	ASSERT_EQ(0, e2e_ioctl(e->fd[0], ACRN_IOCTL_DESTROY_VM, NULL));
	DEV_CALL(a, 0, "assign_mmiodev name=TPM gpa=0xfed40000 hpa=0xfed40000 size=0x5000",
		 dev_mmio1(e->hsm, true, "TPM", TPM_HPA, TPM_HPA, TPM_SIZE));
}

/* --- virtual devices --- */

TEST_F(devices, vdev)
{
	struct e2e *e = &self->e;
	unsigned int vmid = dev_vm(_metadata, e, "vdev");
	char want[HVSIM_EVENT_TEXT];
	struct dev_mark m;
	struct acrn_vdev v;
	unsigned int i;
	size_t len;

	ASSERT_NE(0, vmid);
	DEV_CALL(vmid, 0, "create_vdev id=1af4:1110 slot=00:04.0",
		 dev_vdev(e->hsm, true, IVSHMEM, BDF(0, 4, 0)));
	DEV_CALL(vmid, 0, "create_vdev id=9710:9900 slot=00:05.1",
		 dev_vdev(e->hsm, true, VUART, BDF(0, 5, 1)));
	DEV_CALL(vmid, 0, "create_vdev id=8086:9d14 slot=80:1f.7",
		 dev_vdev(e->hsm, true, ROOT_PORT, BDF(0x80, 0x1f, 7)));

	/* Unknown devices, slot 00:00.0, slots above 16 bits, slots in use */
	DEV_CALL(vmid, EINVAL, NULL, dev_vdev(e->hsm, true, VDEV_ID(0x8086, 0x1234), BDF(0, 6, 0)));
	DEV_CALL(vmid, EINVAL, NULL, dev_vdev(e->hsm, true, VDEV_ID(0x1110, 0x1af4), BDF(0, 6, 0)));
	DEV_CALL(vmid, EINVAL, NULL, dev_vdev(e->hsm, true, 0, BDF(0, 6, 0)));
	DEV_CALL(vmid, EINVAL, NULL, dev_vdev(e->hsm, true, IVSHMEM, BDF(0, 0, 0)));
	DEV_CALL(vmid, EINVAL, NULL,
		 dev_vdev(e->hsm, true, IVSHMEM, 1ULL << 16 | BDF(0, 6, 0)));
	DEV_CALL(vmid, EINVAL, NULL,
		 dev_vdev(e->hsm, true, IVSHMEM, 1ULL << 63 | BDF(0, 6, 0)));
	DEV_CALL(vmid, EINVAL, NULL, dev_vdev(e->hsm, true, VUART, BDF(0, 4, 0)));
	ASSERT_EQ(0, dev_assign(e->hsm, BDF(0, 3, 0), PT0));
	DEV_CALL(vmid, EINVAL, NULL, dev_vdev(e->hsm, true, IVSHMEM, BDF(0, 3, 0)));

	/* Destroy: by slot */
	DEV_CALL(vmid, EINVAL, NULL, dev_vdev(e->hsm, false, IVSHMEM, BDF(0, 6, 0)));
	DEV_CALL(vmid, EINVAL, NULL, dev_vdev(e->hsm, false, IVSHMEM, BDF(0, 3, 0)));
	DEV_CALL(vmid, 0, "destroy_vdev id=9710:9900 slot=00:05.1",
		 dev_vdev(e->hsm, false, VUART, BDF(0, 5, 1)));
	DEV_CALL(vmid, EINVAL, NULL, dev_vdev(e->hsm, false, VUART, BDF(0, 5, 1)));

	/* At most 8 per VM */
	for (i = 0; i < 6; i++)
		DEV_CALL(vmid, 0, dev_fmt(want, "create_vdev id=9710:9900 slot=00:%02x.0",
					  0x10 + i),
			 dev_vdev(e->hsm, true, VUART, BDF(0, 0x10 + i, 0)));
	DEV_CALL(vmid, EINVAL, NULL, dev_vdev(e->hsm, true, VUART, BDF(0, 0x18, 0)));
	/* A slot freed by a pcidev makes no room. */
	DEV_CALL(vmid, 0, "deassign_pcidev virt=00:03.0 phys=01:00.0",
		 dev_deassign(e->hsm, BDF(0, 3, 0), PT0));
	DEV_CALL(vmid, EINVAL, NULL, dev_vdev(e->hsm, true, VUART, BDF(0, 3, 0)));

	/* Running: neither; paused: destroy only */
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_START_VM));
	DEV_CALL(vmid, EINVAL, NULL, dev_vdev(e->hsm, false, IVSHMEM, BDF(0, 4, 0)));
	ASSERT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_PAUSE_VM));
	DEV_CALL(vmid, 0, "destroy_vdev id=1af4:1110 slot=00:04.0",
		 dev_vdev(e->hsm, false, IVSHMEM, BDF(0, 4, 0)));
	DEV_CALL(vmid, EINVAL, NULL, dev_vdev(e->hsm, true, IVSHMEM, BDF(0, 4, 0)));

	/* The slot is the key, whatever id a destroy names. */
	dev_vdev_init(&v, 0, BDF(0x80, 0x1f, 7));
	m = dev_mark(e->hv, vmid);
	EXPECT_EQ(0, e2e_ioctl(e->hsm, ACRN_IOCTL_DESTROY_VDEV, &v));
	EXPECT_EQ(1, dev_new(&m, want));
	len = strlen(want);
	if (strncmp(want, "destroy_vdev id=", 16) || len < 13 ||
	    strcmp(want + len - 13, " slot=80:1f.7"))
		TH_LOG("event \"%s\"", want);
	EXPECT_EQ(0, strncmp(want, "destroy_vdev id=", 16));
	EXPECT_STREQ(" slot=80:1f.7", len < 13 ? want : want + len - 13);
	DEV_CALL(vmid, EINVAL, NULL, dev_vdev(e->hsm, false, ROOT_PORT, BDF(0x80, 0x1f, 7)));
}

/* --- tear-down while interrupts are being injected --- */

#define RACE_ROUNDS	3
#define RACE_CALLS	2000	/* most calls a worker makes */
#define RACE_FIRST	3	/* calls each worker makes before the tear-down */
#define RACE_MS		10000	/* for anything that should not hang */

enum { RACE_MSI, RACE_IRQLINE, RACE_MONITOR, RACE_WORKERS };

/* Set (release) just before DESTROY_VM or close. */
static int race_down;

struct race {
	pthread_t	thread;
	bool		running;
	int		fd;
	unsigned int	kind;
	void		*page[2];	/* RACE_MONITOR */
	int		calls;		/* made so far (__atomic) */
	int		ok;
	int		einval;		/* seen with race_down set */
	int		ebadf;		/* seen with race_down set */
	int		bad;		/* errno of a call that should not fail */
	int		finished;	/* __atomic */
};

static void *race_fn(void *p)
{
	struct race *r = p;
	int i, err;

	for (i = 0; i < RACE_CALLS; i++) {
		switch (r->kind) {
		case RACE_MSI:
			err = dev_msi(r->fd, 0xfee00000 | (i & 1) << 12, 0x30 + (i & 0xf));
			break;
		case RACE_IRQLINE:
			err = dev_irqline(r->fd, i % 48, i & 3);
			break;
		default:
			err = dev_monitor(r->fd, dev_get_data(r->page[i & 1], 4));
			break;
		}
		__atomic_store_n(&r->calls, i + 1, __ATOMIC_RELEASE);
		if (!err) {
			r->ok++;
			continue;
		}
		/* Only a VM or file that is gone may fail a call. */
		if (!e2e_load(&race_down) || (err != EINVAL && err != EBADF)) {
			r->bad = err;
			break;
		}
		if (err == EBADF) {
			r->ebadf++;
			break;
		}
		if (++r->einval == 4)
			break;
	}
	e2e_store(&r->finished, 1);
	return NULL;
}

/*
 * Workers inject MSIs, set IRQ lines and replace the monitor page on the
 * main file while the test destroys the VM (or closes the file): every
 * call succeeds or finds no VM (no file), nothing is left pinned.
 */
static void race_run(struct __test_metadata *_metadata, struct e2e *e,
		     long pins, bool close_file)
{
	struct race r[RACE_WORKERS];
	unsigned int round, i;
	struct timespec t0;
	bool started;

	e->page[0] = e2e_page();
	e->page[1] = e2e_page();
	ASSERT_NE(NULL, e->page[0]);
	ASSERT_NE(NULL, e->page[1]);
	for (round = 0; round < RACE_ROUNDS; round++) {
		if (e->hsm < 0) {
			e->hsm = e2e_open_hsm();
			ASSERT_LE(0, e->hsm);
		}
		ASSERT_EQ(0, e2e_start_vm(e, "race", 2, 0));
		e2e_store(&race_down, 0);
		memset(r, 0, sizeof(r));
		for (i = 0; i < RACE_WORKERS; i++) {
			r[i].fd = e->hsm;
			r[i].kind = i;
			r[i].page[0] = e->page[0];
			r[i].page[1] = e->page[1];
			ASSERT_EQ(0, pthread_create(&r[i].thread, NULL, race_fn, &r[i]));
			r[i].running = true;
		}
		/* Each worker is under way; then tear down. */
		e2e_now(&t0);
		do {
			started = true;
			for (i = 0; i < RACE_WORKERS; i++)
				started &= e2e_load(&r[i].finished) ||
					   __atomic_load_n(&r[i].calls, __ATOMIC_ACQUIRE) >=
					   RACE_FIRST;
		} while (!started && e2e_ms_since(&t0) < RACE_MS);
		EXPECT_TRUE(started);
		e2e_store(&race_down, 1);
		if (close_file) {
			/* No file is opened until the workers are joined. */
			close(e->hsm);
			e->hsm = -1;
		} else {
			EXPECT_EQ(0, e2e_vm_ioctl(e, ACRN_IOCTL_DESTROY_VM));
		}
		e2e_now(&t0);
		/* A worker that hangs ends the test (and is left to exit()). */
		for (i = 0; i < RACE_WORKERS; i++)
			ASSERT_EQ(0, e2e_join_by(r[i].thread, &r[i].running,
						 &r[i].finished, &t0, RACE_MS));
		for (i = 0; i < RACE_WORKERS; i++) {
			if (r[i].bad || r[i].ok < RACE_FIRST)
				TH_LOG("round %u worker %u: %d ok, %d EINVAL, %d EBADF, error %s",
				       round, i, r[i].ok, r[i].einval, r[i].ebadf,
				       r[i].bad ? strerror(r[i].bad) : "none");
			EXPECT_EQ(0, r[i].bad);
			EXPECT_LE(RACE_FIRST, r[i].ok);
			if (!close_file)
				EXPECT_EQ(0, r[i].ebadf);
		}
		/* The VM is gone with its pages. */
		EXPECT_EQ(pins, e2e_wait_pins(pins, 2000));
		EXPECT_EQ(0, dev_pinned(e->page[0]));
		EXPECT_EQ(0, dev_pinned(e->page[1]));
	}
}

TEST_F(devices, race_destroy)
{
	race_run(_metadata, &self->e, self->pins, false);
}

TEST_F(devices, race_close)
{
	race_run(_metadata, &self->e, self->pins, true);
}

TEST_HARNESS_MAIN
