/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the simulator's KUnit suites: the VM table they run on.
 *
 * The suites live in acrn_hvsim_kunit.ko, which needs acrn_hvsim.ko's
 * exports: the kernel loads it only once acrn_hvsim.ko is live (a module
 * still in its init cannot be referenced), so the suites always run on
 * the simulator's own table, after its module_init, on every kernel.
 */
#ifndef __ACRN_HVSIM_KUNIT_H
#define __ACRN_HVSIM_KUNIT_H

#include <kunit/test.h>

#include "../../hvsim/hvsim.h"

static int hvsim_kunit_suite_init(struct kunit_suite *suite)
{
	return hvsim_vms ? 0 : -ENODEV;
}

#endif /* __ACRN_HVSIM_KUNIT_H */
