// SPDX-License-Identifier: GPL-2.0
/*
 * acrn_hsm_test.ko: kernel access to guest memory, for the tests and
 * make bench.
 *
 * /sys/kernel/debug/acrn_hsm_test/gpa
 *	write one command, then read its answer from the same open file:
 *	  read <fd> <gpa> <len>     acrn_vm_gpa_read(); answer: hex bytes
 *	  write <fd> <gpa> <hex>    acrn_vm_gpa_write(); answer: "ok"
 *	  map <fd> <gpa> <len>      acrn_vm_gpa_map(), then read through
 *				    the pointer; answer: hex bytes
 *	<fd>: the writer's file descriptor on /dev/acrn_hsm whose VM is
 *	meant (EBADF if it is not one, ENOENT if that file has no VM).
 *	A failing command fails the write with its errno.
 * /sys/kernel/debug/acrn_hsm_test/pin
 *	write "<uaddr> <len>": pin the writer's memory there as SET_MEMSEG
 *	would and unpin it again (the floor under SET_MEMSEG's cost);
 *	answer: "runs <n>", the physically contiguous runs found.
 *
 * <len> is at most ACRN_DBG_GPA_MAX bytes; hex is two lowercase digits
 * per byte, without separators.
 */

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "hsm_test.h"

#define ACRN_DBG_GPA_MAX	4096
/* A write command with ACRN_DBG_GPA_MAX bytes of hex, and some room. */
#define ACRN_DBG_GPA_CMD_MAX	(2 * ACRN_DBG_GPA_MAX + 64)
/* Longest answer: hex bytes and a newline. */
#define ACRN_DBG_GPA_ANSWER_MAX	(2 * ACRN_DBG_GPA_MAX + 2)

/**
 * struct acrn_dbg_gpa - a command on guest memory
 * @gpa:    Guest physical address.
 * @len:    Bytes.
 * @data:   Bytes read, or to write.
 * @write:  Write @data, else read into it.
 * @map:    Read through acrn_vm_gpa_map().
 */
struct acrn_dbg_gpa {
	u64	gpa;
	size_t	len;
	u8	*data;
	bool	write;
	bool	map;
};

/* Runs under acrn_vm_file_call(), so @vm cannot be torn down meanwhile. */
static int acrn_dbg_gpa_run(struct acrn_vm *vm, void *arg)
{
	struct acrn_dbg_gpa *g = arg;
	void *p;

	if (g->write)
		return acrn_vm_gpa_write(vm, g->gpa, g->data, g->len);
	if (!g->map)
		return acrn_vm_gpa_read(vm, g->gpa, g->data, g->len);
	p = acrn_vm_gpa_map(vm, g->gpa, g->len);
	if (!p)
		return -EFAULT;
	memcpy(g->data, p, g->len);
	return 0;
}

/* Parse and run a command; the answer goes into @answer. */
static int acrn_dbg_gpa_cmd(char *cmd, char *answer)
{
	struct acrn_dbg_gpa g = { };
	char *args[5] = { };
	int n = 0, fd, ret;

	while (cmd && n < ARRAY_SIZE(args))
		args[n++] = strsep(&cmd, " ");
	if (n != 4 || cmd)
		return -EINVAL;
	if (kstrtoint(args[1], 0, &fd) || fd < 0 ||
	    kstrtou64(args[2], 0, &g.gpa))
		return -EINVAL;

	if (!strcmp(args[0], "write")) {
		g.write = true;
		g.len = strlen(args[3]) / 2;
		if (!g.len || g.len > ACRN_DBG_GPA_MAX ||
		    strlen(args[3]) != 2 * g.len)
			return -EINVAL;
	} else if (!strcmp(args[0], "read") || !strcmp(args[0], "map")) {
		g.map = args[0][0] == 'm';
		if (kstrtoul(args[3], 0, &g.len) || !g.len ||
		    g.len > ACRN_DBG_GPA_MAX)
			return -EINVAL;
	} else {
		return -EINVAL;
	}

	g.data = kmalloc(g.len, GFP_KERNEL);
	if (!g.data)
		return -ENOMEM;
	if (g.write && hex2bin(g.data, args[3], g.len)) {
		ret = -EINVAL;
		goto free_data;
	}

	ret = acrn_test_vm_call(fd, acrn_dbg_gpa_run, &g);
	if (ret)
		goto free_data;
	if (g.write) {
		strscpy(answer, "ok\n", ACRN_DBG_GPA_ANSWER_MAX);
	} else {
		bin2hex(answer, g.data, g.len);
		strscpy(answer + 2 * g.len, "\n", 2);
	}
free_data:
	kfree(g.data);
	return ret;
}

static int acrn_dbg_answer_open(struct inode *inode, struct file *file)
{
	file->private_data = kzalloc(ACRN_DBG_GPA_ANSWER_MAX, GFP_KERNEL);
	return file->private_data ? 0 : -ENOMEM;
}

static int acrn_dbg_answer_release(struct inode *inode, struct file *file)
{
	kfree(file->private_data);
	return 0;
}

static ssize_t acrn_dbg_answer_read(struct file *file, char __user *ubuf,
				    size_t len, loff_t *ppos)
{
	const char *answer = file->private_data;

	return simple_read_from_buffer(ubuf, len, ppos, answer,
				       strlen(answer));
}

static ssize_t acrn_dbg_gpa_write(struct file *file, const char __user *ubuf,
				  size_t len, loff_t *ppos)
{
	char *answer = file->private_data;
	char *buf;
	int ret;

	if (len >= ACRN_DBG_GPA_CMD_MAX)
		return -EINVAL;
	buf = memdup_user_nul(ubuf, len);
	if (IS_ERR(buf))
		return PTR_ERR(buf);

	answer[0] = '\0';
	*ppos = 0;		/* the answer is read from the start */
	ret = acrn_dbg_gpa_cmd(strim(buf), answer);
	kfree(buf);
	return ret ?: len;
}

static const struct file_operations acrn_dbg_gpa_fops = {
	.owner		= THIS_MODULE,
	.open		= acrn_dbg_answer_open,
	.release	= acrn_dbg_answer_release,
	.read		= acrn_dbg_answer_read,
	.write		= acrn_dbg_gpa_write,
	.llseek		= default_llseek,
};

/*
 * Pin [@uaddr, +@len) of the current process as SET_MEMSEG would, then
 * unpin it: the floor under SET_MEMSEG's cost. @runs gets the number of
 * physically contiguous runs found.
 */
static int acrn_dbg_pin_probe(u64 uaddr, u64 len, unsigned long *runs)
{
	struct acrn_memseg seg = { .attr = ACRN_MEM_ACCESS_RWX, .len = len };
	u64 last;
	int ret;

	if (!len || !PAGE_ALIGNED(uaddr) || !PAGE_ALIGNED(len) ||
	    check_add_overflow(uaddr, len - 1, &last))
		return -EINVAL;
	ret = acrn_mm_pin(&seg, uaddr);
	if (ret)
		return ret;
	*runs = seg.nr_runs;
	acrn_mm_unpin(&seg, 0, seg.nr_runs);
	kvfree(seg.runs);
	return 0;
}

static ssize_t acrn_dbg_pin_write(struct file *file, const char __user *ubuf,
				  size_t len, loff_t *ppos)
{
	char *answer = file->private_data;
	char buf[64], *cur, *addr;
	unsigned long runs;
	u64 uaddr, size;
	int ret;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	cur = strim(buf);
	addr = strsep(&cur, " ");
	if (!cur || kstrtou64(addr, 0, &uaddr) || kstrtou64(cur, 0, &size))
		return -EINVAL;

	answer[0] = '\0';
	*ppos = 0;
	ret = acrn_dbg_pin_probe(uaddr, size, &runs);
	if (ret)
		return ret;
	snprintf(answer, ACRN_DBG_GPA_ANSWER_MAX, "runs %lu\n", runs);
	return len;
}

static const struct file_operations acrn_dbg_pin_fops = {
	.owner		= THIS_MODULE,
	.open		= acrn_dbg_answer_open,
	.release	= acrn_dbg_answer_release,
	.read		= acrn_dbg_answer_read,
	.write		= acrn_dbg_pin_write,
	.llseek		= default_llseek,
};

/**
 * acrn_test_mm_init() - create the guest memory files
 * @dir: The acrn_hsm_test debugfs directory.
 *
 * Context: Process context (module init).
 */
void acrn_test_mm_init(struct dentry *dir)
{
	debugfs_create_file("gpa", 0600, dir, NULL, &acrn_dbg_gpa_fops);
	debugfs_create_file("pin", 0600, dir, NULL, &acrn_dbg_pin_fops);
}
