// SPDX-License-Identifier: GPL-2.0
/*
 * eventfd_signal() lost its count argument in v6.8, 3652117f8548
 * "eventfd: simplify eventfd_signal()" (Christian Brauner). 6.1 still
 * takes (ctx, n).
 */
#include <linux/eventfd.h>

void probe(struct eventfd_ctx *ctx)
{
	eventfd_signal(ctx);
}
