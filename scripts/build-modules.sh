#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# usage: build-modules.sh [--tests] KDIR OUTDIR [make args...]
#
# Build both modules against KDIR in a copy of the tree at OUTDIR, so
# several kernels can be targeted without cleaning in between. Fails if
# the compiler, sparse, kernel-doc or modpost say anything.
#
# --tests also builds the test modules (Kbuild's ACRN_HSM_TESTS):
# acrn_hsm_test.ko (debugfs test hooks) and, on kernels with KUnit,
# acrn_hsm_kunit.ko and acrn_hvsim_kunit.ko. Without it OUTDIR holds no
# test module, even if an earlier build left some there.
set -euo pipefail

tests=()
if [ "${1:-}" = --tests ]; then
	tests=(ACRN_HSM_TESTS=1)
	shift
fi
kdir=$1 out=$2
shift 2
top=$(cd "$(dirname "$0")/.." && pwd)

mkdir -p "$out"
out=$(cd "$out" && pwd)
# Refresh the sources (only sources: an in-place build leaves objects in
# the tree); objects in OUTDIR stay, so unchanged files are not rebuilt.
(cd "$top" && find Kbuild ./*.c ./*.h hvsim include probes scripts/probe.sh tests/kunit tests/kmod \
	-type f \( -name Kbuild -o -name '*.[ch]' -o -name '*.sh' \) ! -name compat_probes.h) |
	tar -C "$top" -c -T - | tar -C "$out" -x
"$out/scripts/probe.sh" "$kdir" "$out/compat_probes.h"

log=$out/build.log
rm -f "$out"/acrn_hsm_test.ko "$out"/acrn_hsm_kunit.ko "$out"/acrn_hvsim_kunit.ko
if ! make -C "$kdir" M="$out" -j"$(nproc)" "${tests[@]}" "$@" modules >"$log" 2>&1; then
	grep -E 'error|warning' "$log" | head -n 40 >&2 || tail -n 40 "$log" >&2
	echo "build-modules: build against $kdir failed" >&2
	exit 1
fi
# Anything but the usual progress lines is a finding.
if grep -vE '^(make(\[[0-9]+\])?: |  (CC|LD|AR|MODPOST|CHECK|BTF|MODINFO|CC \[M\]|LD \[M\]) |  [A-Z]+ +\[M\] |Skipping BTF)' "$log" >"$out/findings"; then
	cat "$out/findings" >&2
	echo "build-modules: findings building against $kdir" >&2
	exit 1
fi
