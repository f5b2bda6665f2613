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

#include <linux/kconfig.h>

#include "compat_probes.h"

#if IS_ENABLED(CONFIG_KUNIT) && !defined(HSM_HAVE_KUNIT_ARRAY_PARAM_DESC)
#include <kunit/test.h>

/*
 * Parameter generator over a table whose entries name themselves in
 * @desc_member. Kernels without it only offer KUNIT_ARRAY_PARAM(), which
 * wants a description function for every table.
 */
static inline const void *hsm_kunit_param_next(const void *prev, char *desc,
					       const void *base, size_t n,
					       size_t size, size_t desc_offset)
{
	const char *p = prev ? (const char *)prev + size : base;

	if (p >= (const char *)base + n * size)
		return NULL;
	strscpy(desc, *(const char * const *)(p + desc_offset),
		KUNIT_PARAM_DESC_SIZE);
	return p;
}

#define KUNIT_ARRAY_PARAM_DESC(name, array, desc_member)			\
	static const void *name##_gen_params(const void *prev, char *desc)	\
	{									\
		return hsm_kunit_param_next(prev, desc, array,			\
			sizeof(array) / sizeof((array)[0]), sizeof((array)[0]),	\
			offsetof(typeof((array)[0]), desc_member));		\
	}
#endif

#endif /* __ACRN_HSM_COMPAT_H */
