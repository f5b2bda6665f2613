// SPDX-License-Identifier: GPL-2.0
/*
 * acrn_hvsim_kunit.ko: the KUnit suites of acrn_hvsim.ko (hvsim_test.c,
 * hvsim_ept_test.c, hvsim_intr_test.c, hvsim_ptdev_test.c,
 * hvsim_engine_test.c). Loading it runs them; acrn_hvsim.ko is loaded
 * first (its exports), so they always run on its live VM table, after
 * its module_init, on every kernel.
 */
#include <linux/module.h>

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests of acrn_hvsim");
MODULE_IMPORT_NS(HSM_NS(EXPORTED_FOR_KUNIT_TESTING));
