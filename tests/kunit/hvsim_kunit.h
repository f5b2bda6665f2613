/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the simulator's KUnit suites: the VM table they run on.
 *
 * KUnit may run a module's suites before its module_init (6.1) or after
 * it (6.12). Before, there is no table yet: the suite makes one of its
 * own, if the module parameters are sane, and frees it when it ends.
 */
#ifndef __ACRN_HVSIM_KUNIT_H
#define __ACRN_HVSIM_KUNIT_H

#include <kunit/test.h>

#include "../../hvsim/hvsim.h"

/* The suite made the table (one per suite file; suites run one at a time). */
static bool hvsim_kunit_own_table;

static int hvsim_kunit_suite_init(struct kunit_suite *suite)
{
	if (hvsim_vms)
		return 0;
	if (hvsim_max_vms < 2 || hvsim_max_vms > HVSIM_MAX_VMS_LIMIT ||
	    !hvsim_pcpus || hvsim_pcpus > HVSIM_PCPUS_LIMIT)
		return 0;
	if (hvsim_vms_init())
		return -ENOMEM;
	hvsim_kunit_own_table = true;
	return 0;
}

static void hvsim_kunit_suite_exit(struct kunit_suite *suite)
{
	if (hvsim_kunit_own_table)
		hvsim_vms_exit();
	hvsim_kunit_own_table = false;
}

#endif /* __ACRN_HVSIM_KUNIT_H */
