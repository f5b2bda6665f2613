// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs: the request path's counters, read-only.
 *
 * /sys/kernel/debug/acrn_hsm/stats   one "<name> <count>" line per counter
 *
 * The test module (acrn_hsm_test.ko, tests/kmod/) has its own directory.
 */

#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include "acrn_drv.h"

static struct dentry *acrn_debugfs_dir;

static int acrn_hsm_stats_show(struct seq_file *m, void *v)
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
DEFINE_SHOW_ATTRIBUTE(acrn_hsm_stats);

/**
 * acrn_debugfs_init() - create /sys/kernel/debug/acrn_hsm
 *
 * debugfs is optional: failures are ignored.
 *
 * Context: Process context (module init).
 */
void acrn_debugfs_init(void)
{
	acrn_debugfs_dir = debugfs_create_dir("acrn_hsm", NULL);
	debugfs_create_file("stats", 0444, acrn_debugfs_dir, NULL,
			    &acrn_hsm_stats_fops);
}

/**
 * acrn_debugfs_exit() - remove /sys/kernel/debug/acrn_hsm
 *
 * Context: Process context (module exit).
 */
void acrn_debugfs_exit(void)
{
	debugfs_remove_recursive(acrn_debugfs_dir);
}
