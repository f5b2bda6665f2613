// SPDX-License-Identifier: GPL-2.0
/* KUNIT_ARRAY_PARAM_DESC(): present in 6.12, absent from 6.1. */
#include <kunit/test.h>

struct probe_case {
	const char *desc;
};

static const struct probe_case probe_cases[] = { { "a" } };

KUNIT_ARRAY_PARAM_DESC(probe, probe_cases, desc);

const void *probe(const void *prev, char *desc)
{
	return probe_gen_params(prev, desc);
}
