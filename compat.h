/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place where kernel-version differences are handled.
 *
 * scripts/probe.sh compiles each probes/<name>.c against the target kernel
 * and writes HSM_HAVE_<NAME> for each one that compiles into
 * compat_probes.h; the wrappers below choose on those, never on a version
 * number (distribution kernels backport too much for that).
 */
#ifndef __ACRN_HSM_COMPAT_H
#define __ACRN_HSM_COMPAT_H

#include "compat_probes.h"

#endif /* __ACRN_HSM_COMPAT_H */
