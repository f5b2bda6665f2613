// SPDX-License-Identifier: GPL-2.0
/*
 * acrn_hsm_test.ko: test in-kernel clients, and the module's set-up.
 *
 * /sys/kernel/debug/acrn_hsm_test/kclients
 *	write one command:
 *	  create <fd> <name> irq|thread|fail|pass|tpass|defer <value>
 *	  add <name> pio|mmio <start> <end>
 *	  del <name> pio|mmio <start> <end>
 *	  destroy <name>
 *	read: one line per test client.
 *
 * <fd> is a file descriptor of the writing process on /dev/acrn_hsm: the
 * client is created on that file's VM (EBADF if it is not such a file,
 * ENOENT if the file has no VM).
 *
 * A test client is an in-kernel client that answers reads with <value>
 * and counts what it sees: "irq" runs in the upcall (IRQ-safe), "thread"
 * in a worker, "fail" in the upcall and fails every request, "pass" in
 * the upcall and "tpass" in a worker pass every request on to the device
 * model, and "defer" defers every request from the upcall to a worker,
 * which answers it (it counts only there). The tests use them to drive
 * the in-kernel client path from userspace; ioeventfd is the real user
 * of that path. Test clients die with their VM (acrn_hsm tells this
 * module through acrn_vm_notifier_register()) and with this module.
 *
 * mm.c adds the guest memory files.
 */

#include <linux/debugfs.h>
#include <linux/file.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "hsm_test.h"

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
 * @vmid:   The VM's id, for the listing.
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

/*
 * Protects acrn_dbg_clients and each test client's @node, @vm and
 * @client. Taken inside a /dev/acrn_hsm file's lock (creation runs under
 * acrn_vm_file_call(), the teardown notifier under DESTROY_VM's).
 */
static DEFINE_MUTEX(acrn_dbg_lock);
static LIST_HEAD(acrn_dbg_clients);
static struct dentry *acrn_dbg_dir;

/**
 * acrn_test_vm_call() - run a function on the VM of a /dev/acrn_hsm fd
 * @fd:	 A file descriptor of the current process.
 * @fn:	 Called with the VM (see acrn_vm_file_call()).
 * @arg: Passed to @fn.
 *
 * Context: Process context; sleeps.
 * Return: What @fn returned, -EBADF if @fd is not open on /dev/acrn_hsm,
 * or -ENOENT if its file has no VM.
 */
int acrn_test_vm_call(int fd, int (*fn)(struct acrn_vm *vm, void *arg),
		      void *arg)
{
	struct file *filp;
	int ret;

	filp = fget(fd);
	if (!filp)
		return -EBADF;
	ret = acrn_vm_file_call(filp, fn, arg);
	fput(filp);
	return ret;
}

static int acrn_dbg_handler(struct acrn_ioreq_client *client,
			    struct acrn_io_request *req)
{
	struct acrn_dbg_client *dc = acrn_ioreq_client_priv(client);
	bool read = acrn_ioreq_is_read(req);
	bool mmio = req->type == ACRN_IOREQ_TYPE_MMIO;
	unsigned long flags;

	if (acrn_dbg_threaded(dc->mode))
		might_sleep();
	/* Inline handlers run under the VM's ioreq.lock, interrupts off. */
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
	if (read)
		acrn_ioreq_set_read_value(req, dc->value);
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

/* Runs under acrn_vm_file_call(), so @vm cannot be torn down meanwhile. */
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
	dc->vmid = vm->vmid;
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
	int fd, mode, ret;
	u64 value;

	if (!args[1] || !args[2] || !args[3] || !args[4] || args[5])
		return -EINVAL;
	name = args[2];
	if (kstrtoint(args[1], 0, &fd) || fd < 0 ||
	    kstrtou64(args[4], 0, &value) ||
	    !*name || strlen(name) >= sizeof(dc->name))
		return -EINVAL;
	mode = match_string(acrn_dbg_modes, ARRAY_SIZE(acrn_dbg_modes), args[3]);
	if (mode < 0)
		return -EINVAL;

	dc = kzalloc(sizeof(*dc), GFP_KERNEL);
	if (!dc)
		return -ENOMEM;
	strscpy(dc->name, name, sizeof(dc->name));
	dc->mode = mode;
	dc->value = value;
	spin_lock_init(&dc->lock);
	INIT_LIST_HEAD(&dc->node);

	ret = acrn_test_vm_call(fd, acrn_dbg_attach, dc);
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

/*
 * A VM is going away: destroy its test clients. They stay listed,
 * marked dead, until destroyed by name.
 */
static int acrn_dbg_vm_event(struct notifier_block *nb, unsigned long event,
			     void *data)
{
	struct acrn_dbg_client *dc;
	struct acrn_vm *vm = data;

	if (event != ACRN_VM_TEARDOWN)
		return NOTIFY_DONE;
	mutex_lock(&acrn_dbg_lock);
	list_for_each_entry(dc, &acrn_dbg_clients, node) {
		if (dc->vm != vm || !dc->client)
			continue;
		acrn_ioreq_client_destroy(dc->client);
		dc->client = NULL;
		dc->vm = NULL;
	}
	mutex_unlock(&acrn_dbg_lock);
	return NOTIFY_OK;
}

static struct notifier_block acrn_dbg_vm_nb = {
	.notifier_call	= acrn_dbg_vm_event,
};

/* Destroy every test client, live or dead. */
static void acrn_dbg_clients_free(void)
{
	struct acrn_dbg_client *dc, *next;

	mutex_lock(&acrn_dbg_lock);
	list_for_each_entry_safe(dc, next, &acrn_dbg_clients, node) {
		list_del(&dc->node);
		if (dc->client)
			acrn_ioreq_client_destroy(dc->client);
		kfree(dc);
	}
	mutex_unlock(&acrn_dbg_lock);
}

static int __init acrn_test_init(void)
{
	int ret;

	ret = acrn_vm_notifier_register(&acrn_dbg_vm_nb);
	if (ret)
		return ret;

	acrn_dbg_dir = debugfs_create_dir("acrn_hsm_test", NULL);
	if (IS_ERR(acrn_dbg_dir)) {
		ret = PTR_ERR(acrn_dbg_dir);
		goto unregister;
	}
	debugfs_create_file("kclients", 0600, acrn_dbg_dir, NULL,
			    &acrn_dbg_kclients_fops);
	acrn_test_mm_init(acrn_dbg_dir);
	return 0;

unregister:
	acrn_vm_notifier_unregister(&acrn_dbg_vm_nb);
	return ret;
}

/*
 * The files go first (debugfs_remove_recursive() waits for calls in
 * progress), so no client is created after the list is emptied; a
 * teardown meanwhile finds the clients already gone.
 */
static void __exit acrn_test_exit(void)
{
	debugfs_remove_recursive(acrn_dbg_dir);
	acrn_dbg_clients_free();
	acrn_vm_notifier_unregister(&acrn_dbg_vm_nb);
}

module_init(acrn_test_init);
module_exit(acrn_test_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ACRN HSM test hooks (debugfs); not for production");
MODULE_IMPORT_NS(ACRN_HSM_NS);
