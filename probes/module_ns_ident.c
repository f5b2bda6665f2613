// SPDX-License-Identifier: GPL-2.0
/*
 * Symbol namespaces became string literals in v6.13, cdd30ebb1b9f
 * "module: Convert symbol namespace to string literal" (Peter Zijlstra):
 * MODULE_IMPORT_NS() and EXPORT_SYMBOL_NS_GPL() took a bare identifier
 * before (6.1, 6.12). Compiles only where they still do.
 */
#include <linux/module.h>

MODULE_IMPORT_NS(HSM_PROBE_NS);
