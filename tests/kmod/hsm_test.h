/* SPDX-License-Identifier: GPL-2.0 */
/*
 * acrn_hsm_test.ko: test hooks into acrn_hsm.ko, in debugfs. Never part
 * of acrn_hsm.ko; built only for the tests (scripts/build-modules.sh
 * --tests).
 */
#ifndef __ACRN_HSM_TEST_H
#define __ACRN_HSM_TEST_H

#include <linux/types.h>

#include "../../acrn_drv.h"

struct dentry;
struct file;

/* kclients.c */
int acrn_test_vm_call(int fd, int (*fn)(struct acrn_vm *vm, void *arg),
		      void *arg);

/* mm.c */
void acrn_test_mm_init(struct dentry *dir);

#endif /* __ACRN_HSM_TEST_H */
