#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The compile-probe machinery (scripts/probe.sh) must tell kernels apart
# by what they provide: run it on both debug kernels with probes whose
# answers are known and compare. TAP output, last line "probe: N passed,
# N failed".
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/scripts/lib.sh"

w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
mkdir "$w/probes"
# Present everywhere.
cat >"$w/probes/always.c" <<'P'
#include <linux/slab.h>
void *probe(void) { return kmalloc(8, GFP_KERNEL); }
P
# v6.8 3652117f8548 "eventfd: simplify eventfd_signal()": 6.12 only.
cat >"$w/probes/eventfd_signal_1arg.c" <<'P'
#include <linux/eventfd.h>
void probe(struct eventfd_ctx *c) { eventfd_signal(c); }
P
# Absent everywhere.
cat >"$w/probes/never.c" <<'P'
#include <linux/kernel.h>
void probe(void) { acrn_hsm_no_such_function(); }
P

n=0 pass=0 fail=0
expect() {	# header macro want(1|0) description
	n=$((n + 1))
	if grep -q "^#define $2 1" "$1"; then got=1; else got=0; fi
	if [ "$got" = "$3" ]; then
		pass=$((pass + 1))
		echo "ok $n $4"
	else
		fail=$((fail + 1))
		echo "not ok $n $4"
	fi
}

for v in 6.1 6.12; do
	kdir=$("$top/scripts/kernel.sh" "$v" 2>/dev/null | tail -n1)
	h=$w/probes-$v.h
	if ! "$top/scripts/probe.sh" "$kdir" "$h" "$w/probes"; then
		fail=$((fail + 3))
		echo "not ok - probe.sh failed on $v"
		continue
	fi
	[ "$v" = 6.12 ] && new=1 || new=0
	expect "$h" HSM_HAVE_ALWAYS 1 "$v: a common API is found"
	expect "$h" HSM_HAVE_EVENTFD_SIGNAL_1ARG $new "$v: eventfd_signal() arity detected"
	expect "$h" HSM_HAVE_NEVER 0 "$v: a missing function is not found"
done

echo "probe: $pass passed, $fail failed"
[ "$fail" = 0 ]
