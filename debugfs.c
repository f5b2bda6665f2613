// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs: the request path's counters, and test in-kernel clients.
 *
 * /sys/kernel/debug/acrn_hsm/stats   one "<name> <count>" line per counter
 * /sys/kernel/debug/acrn_hsm/kclients
 *	write one command:
 *	  create <vmid> <name> irq|thread|fail|pass|tpass|defer <value>
 *	  add <name> pio|mmio <start> <end>
 *	  del <name> pio|mmio <start> <end>
 *	  destroy <name>
 *	read: one line per test client.
 *
 * A test client is an in-kernel client that answers reads with <value>
 * and counts what it sees: "irq" runs in the upcall (IRQ-safe), "thread"
 * in a worker, "fail" in the upcall and fails every request, "pass" in
 * the upcall and "tpass" in a worker pass every request on to the device
 * model, and "defer" defers every request from the upcall to a worker,
 * which answers it (it counts only there). The tests
 * use them to drive the in-kernel client path from userspace; ioeventfd
 * is the real user of that path. Test clients die with their VM.
 *
 * debugfs_mm.c adds the guest memory files.
 */

#include <linux/debugfs.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "acrn_drv.h"

#define ACRN_DBG_CMD_MAX	128

enum acrn_dbg_mode {
	ACRN_DBG_IRQ,
	ACRN_DBG_THREAD,
	ACRN_DBG_FAIL,
	ACRN_DBG_PASS,
	ACRN_DBG_TPASS,
	ACRN_DBG_DEFER,
};

static const char * const acrn_dbg_modes[] = {
	[ACRN_DBG_IRQ]		= "irq",
	[ACRN_DBG_THREAD]	= "thread",
	[ACRN_DBG_FAIL]		= "fail",
	[ACRN_DBG_PASS]		= "pass",
	[ACRN_DBG_TPASS]	= "tpass",
	[ACRN_DBG_DEFER]	= "defer",
};

/* Modes whose handler runs in a worker only */
static bool acrn_dbg_threaded(enum acrn_dbg_mode mode)
{
	return mode == ACRN_DBG_THREAD || mode == ACRN_DBG_TPASS;
}

/**
 * struct acrn_dbg_client - a test in-kernel client
 * @node:   Entry in acrn_dbg_clients.
 * @name:   Name given by the test.
 * @vmid:   The VM's id.
 * @vm:	    The VM, NULL once it is gone.
 * @client: The in-kernel client, NULL once destroyed.
 * @mode:   enum acrn_dbg_mode.
 * @value:  Value reads return.
 * @lock:   Protects the counters and the last request (the handler may
 *	    run in hard IRQ).
 * @reads:  Reads handled.
 * @writes: Writes handled.
 * @last_type: Type of the last request handled.
 * @last_addr: Its address.
 * @last_size: Its size.
 * @last_value: What a write wrote, or what a read was answered (@value).
 *
 * @node, @vm and @client are protected by acrn_dbg_lock.
 */
struct acrn_dbg_client {
	struct list_head		node;
	char				name[16];
	u16				vmid;
	struct acrn_vm			*vm;
	struct acrn_ioreq_client	*client;
	enum acrn_dbg_mode		mode;
	u64				value;
	spinlock_t			lock;	/* see above */
	u64				reads;
	u64				writes;
	u32				last_type;
	u64				last_addr;
	u64				last_size;
	u64				last_value;
};

/* Protects acrn_dbg_clients and each test client's @node, @vm and @client. */
static DEFINE_MUTEX(acrn_dbg_lock);
static LIST_HEAD(acrn_dbg_clients);
static struct dentry *acrn_dbg_dir;

static int acrn_dbg_handler(struct acrn_ioreq_client *client,
			    struct acrn_io_request *req)
{
	struct acrn_dbg_client *dc = acrn_ioreq_client_priv(client);
	bool read = req->reqs.pio_request.direction == ACRN_IOREQ_DIR_READ;
	bool mmio = req->type == ACRN_IOREQ_TYPE_MMIO;
	unsigned long flags;

	if (acrn_dbg_threaded(dc->mode))
		might_sleep();
	/* Inline handlers run under the VM's ioreq_lock, interrupts off. */
	if (dc->mode == ACRN_DBG_DEFER && irqs_disabled())
		return ACRN_IOREQ_DEFER;

	spin_lock_irqsave(&dc->lock, flags);
	if (read)
		dc->reads++;
	else
		dc->writes++;
	dc->last_type = req->type;
	dc->last_addr = mmio ? req->reqs.mmio_request.address :
			       req->reqs.pio_request.address;
	dc->last_size = req->reqs.mmio_request.size;
	if (read)
		dc->last_value = dc->value;
	else
		dc->last_value = mmio ? req->reqs.mmio_request.value :
					req->reqs.pio_request.value;
	spin_unlock_irqrestore(&dc->lock, flags);

	if (dc->mode == ACRN_DBG_FAIL)
		return -EIO;
	if (dc->mode == ACRN_DBG_PASS || dc->mode == ACRN_DBG_TPASS)
		return ACRN_IOREQ_PASS;
	if (!read)
		return 0;
	if (mmio)
		req->reqs.mmio_request.value = dc->value;
	else
		req->reqs.pio_request.value = dc->value;
	return 0;
}

static struct acrn_dbg_client *acrn_dbg_find(const char *name)
{
	struct acrn_dbg_client *dc;

	lockdep_assert_held(&acrn_dbg_lock);
	list_for_each_entry(dc, &acrn_dbg_clients, node) {
		if (!strcmp(dc->name, name))
			return dc;
	}
	return NULL;
}

/* Runs under acrn_vm_list_lock (acrn_ioreq_vm_call()), so @vm stays listed. */
static int acrn_dbg_attach(struct acrn_vm *vm, void *arg)
{
	struct acrn_dbg_client *dc = arg;
	struct acrn_ioreq_client *client;
	int ret = 0;

	mutex_lock(&acrn_dbg_lock);
	if (acrn_dbg_find(dc->name)) {
		ret = -EEXIST;
		goto unlock;
	}
	client = acrn_ioreq_client_create(vm, dc->name, acrn_dbg_handler, dc,
					  acrn_dbg_threaded(dc->mode) ? 0 :
					  ACRN_IOREQ_CLIENT_IRQSAFE);
	if (IS_ERR(client)) {
		ret = PTR_ERR(client);
		goto unlock;
	}
	dc->vm = vm;
	dc->client = client;
	list_add_tail(&dc->node, &acrn_dbg_clients);
unlock:
	mutex_unlock(&acrn_dbg_lock);
	return ret;
}

static int acrn_dbg_create(char **args)
{
	struct acrn_dbg_client *dc;
	const char *name;
	u16 vmid;
	int mode, ret;
	u64 value;

	if (!args[1] || !args[2] || !args[3] || !args[4] || args[5])
		return -EINVAL;
	name = args[2];
	if (kstrtou16(args[1], 0, &vmid) || kstrtou64(args[4], 0, &value) ||
	    !*name || strlen(name) >= sizeof(dc->name))
		return -EINVAL;
	mode = match_string(acrn_dbg_modes, ARRAY_SIZE(acrn_dbg_modes), args[3]);
	if (mode < 0)
		return -EINVAL;

	dc = kzalloc(sizeof(*dc), GFP_KERNEL);
	if (!dc)
		return -ENOMEM;
	strscpy(dc->name, name, sizeof(dc->name));
	dc->vmid = vmid;
	dc->mode = mode;
	dc->value = value;
	spin_lock_init(&dc->lock);
	INIT_LIST_HEAD(&dc->node);

	ret = acrn_ioreq_vm_call(vmid, acrn_dbg_attach, dc);
	if (ret)
		kfree(dc);
	return ret;
}

static int acrn_dbg_range(char **args, bool add)
{
	struct acrn_dbg_client *dc;
	u64 start, end;
	u32 type;
	int ret;

	if (!args[1] || !args[2] || !args[3] || !args[4] || args[5])
		return -EINVAL;
	if (!strcmp(args[2], "pio"))
		type = ACRN_IOREQ_TYPE_PORTIO;
	else if (!strcmp(args[2], "mmio"))
		type = ACRN_IOREQ_TYPE_MMIO;
	else
		return -EINVAL;
	if (kstrtou64(args[3], 0, &start) || kstrtou64(args[4], 0, &end))
		return -EINVAL;

	mutex_lock(&acrn_dbg_lock);
	dc = acrn_dbg_find(args[1]);
	if (!dc || !dc->client)
		ret = -ENOENT;
	else if (add)
		ret = acrn_ioreq_range_add(dc->client, type, start, end);
	else
		ret = acrn_ioreq_range_del(dc->client, type, start, end);
	mutex_unlock(&acrn_dbg_lock);
	return ret;
}

static int acrn_dbg_destroy(char **args)
{
	struct acrn_dbg_client *dc;

	if (!args[1] || args[2])
		return -EINVAL;

	mutex_lock(&acrn_dbg_lock);
	dc = acrn_dbg_find(args[1]);
	if (dc) {
		list_del(&dc->node);
		if (dc->client)
			acrn_ioreq_client_destroy(dc->client);
	}
	mutex_unlock(&acrn_dbg_lock);

	kfree(dc);
	return dc ? 0 : -ENOENT;
}

static ssize_t acrn_dbg_kclients_write(struct file *file,
				       const char __user *ubuf, size_t len,
				       loff_t *ppos)
{
	char *buf, *cur, *args[7] = { };
	int n = 0, ret;

	if (len >= ACRN_DBG_CMD_MAX)
		return -EINVAL;
	buf = memdup_user_nul(ubuf, len);
	if (IS_ERR(buf))
		return PTR_ERR(buf);

	cur = strim(buf);
	while (cur && n < ARRAY_SIZE(args)) {
		char *tok = strsep(&cur, " \t");

		if (*tok)
			args[n++] = tok;
	}

	if (!args[0] || cur)
		ret = -EINVAL;
	else if (!strcmp(args[0], "create"))
		ret = acrn_dbg_create(args);
	else if (!strcmp(args[0], "add"))
		ret = acrn_dbg_range(args, true);
	else if (!strcmp(args[0], "del"))
		ret = acrn_dbg_range(args, false);
	else if (!strcmp(args[0], "destroy"))
		ret = acrn_dbg_destroy(args);
	else
		ret = -EINVAL;

	kfree(buf);
	return ret ?: len;
}

static int acrn_dbg_kclients_show(struct seq_file *m, void *v)
{
	u64 reads, writes, addr, size, value;
	struct acrn_dbg_client *dc;
	unsigned long flags;
	u32 type;

	mutex_lock(&acrn_dbg_lock);
	list_for_each_entry(dc, &acrn_dbg_clients, node) {
		spin_lock_irqsave(&dc->lock, flags);
		reads = dc->reads;
		writes = dc->writes;
		type = dc->last_type;
		addr = dc->last_addr;
		size = dc->last_size;
		value = dc->last_value;
		spin_unlock_irqrestore(&dc->lock, flags);

		seq_printf(m, "%s vmid=%u mode=%s reads=%llu writes=%llu last=%s:0x%llx:%llu:0x%llx%s\n",
			   dc->name, dc->vmid, acrn_dbg_modes[dc->mode],
			   reads, writes,
			   type == ACRN_IOREQ_TYPE_MMIO ? "mmio" : "pio",
			   addr, size, value, dc->client ? "" : " dead");
	}
	mutex_unlock(&acrn_dbg_lock);
	return 0;
}

static int acrn_dbg_kclients_open(struct inode *inode, struct file *file)
{
	return single_open(file, acrn_dbg_kclients_show, NULL);
}

static const struct file_operations acrn_dbg_kclients_fops = {
	.owner		= THIS_MODULE,
	.open		= acrn_dbg_kclients_open,
	.read		= seq_read,
	.llseek		= seq_lseek,
	.release	= single_release,
	.write		= acrn_dbg_kclients_write,
};

static int acrn_dbg_stats_show(struct seq_file *m, void *v)
{
	struct acrn_ioreq_stats st;

	acrn_ioreq_stats_read(&st);
	seq_printf(m, "upcalls %llu\n", st.upcalls);
	seq_printf(m, "requests %llu\n", st.requests);
	seq_printf(m, "dm_requests %llu\n", st.dm_requests);
	seq_printf(m, "dm_wakeups %llu\n", st.dm_wakeups);
	seq_printf(m, "kernel_inline %llu\n", st.kernel_inline);
	seq_printf(m, "kernel_deferred %llu\n", st.kernel_deferred);
	seq_printf(m, "kernel_completed %llu\n", st.kernel_completed);
	seq_printf(m, "kernel_passed %llu\n", st.kernel_passed);
	seq_printf(m, "notifies %llu\n", st.notifies);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(acrn_dbg_stats);

/**
 * acrn_debugfs_vm_release() - destroy a VM's test clients
 * @vm: The VM, no longer listed for dispatch.
 *
 * The clients stay visible, marked dead, until destroyed by name.
 *
 * Context: Process context; sleeps.
 */
void acrn_debugfs_vm_release(struct acrn_vm *vm)
{
	struct acrn_dbg_client *dc;

	mutex_lock(&acrn_dbg_lock);
	list_for_each_entry(dc, &acrn_dbg_clients, node) {
		if (dc->vm != vm || !dc->client)
			continue;
		acrn_ioreq_client_destroy(dc->client);
		dc->client = NULL;
		dc->vm = NULL;
	}
	mutex_unlock(&acrn_dbg_lock);
}

/**
 * acrn_debugfs_init() - create /sys/kernel/debug/acrn_hsm
 *
 * debugfs is optional: failures are ignored.
 *
 * Context: Process context (module init).
 */
void acrn_debugfs_init(void)
{
	acrn_dbg_dir = debugfs_create_dir("acrn_hsm", NULL);
	debugfs_create_file("stats", 0444, acrn_dbg_dir, NULL,
			    &acrn_dbg_stats_fops);
	debugfs_create_file("kclients", 0600, acrn_dbg_dir, NULL,
			    &acrn_dbg_kclients_fops);
	acrn_debugfs_mm_init(acrn_dbg_dir);
}

/**
 * acrn_debugfs_exit() - remove /sys/kernel/debug/acrn_hsm
 *
 * Context: Process context (module exit); every VM is gone, so every test
 * client is dead.
 */
void acrn_debugfs_exit(void)
{
	struct acrn_dbg_client *dc, *next;

	debugfs_remove_recursive(acrn_dbg_dir);
	list_for_each_entry_safe(dc, next, &acrn_dbg_clients, node) {
		list_del(&dc->node);
		kfree(dc);
	}
}
