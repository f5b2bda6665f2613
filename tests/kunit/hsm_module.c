// SPDX-License-Identifier: GPL-2.0
/*
 * acrn_hsm_kunit.ko: the KUnit suites of acrn_hsm.ko (hsm_test.c,
 * ioreq_test.c, mm_test.c, dev_test.c, eventfd_test.c, intr_test.c).
 * Loading it runs them; acrn_hsm.ko is loaded first (its exports), so
 * they always run after its module_init, on every kernel.
 */
#include <linux/module.h>

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests of acrn_hsm");
MODULE_IMPORT_NS(ACRN_HSM_NS);
MODULE_IMPORT_NS(HSM_NS(EXPORTED_FOR_KUNIT_TESTING));
