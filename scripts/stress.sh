#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make stress: the eventfd race stress at full length. Boots each debug
# kernel (6.1 and 6.12, side by side on two CPUs or more) with only the
# KUnit suites, eventfd_races, eventfd_rmmod and modules, and every race
# of eventfd_races at STRESS_ITERS iterations (default 100000) instead of
# make check's counts; eventfd_rmmod reloads acrn_hsm under the writes 16
# times instead of 2, and modules goes through its load/unload orders 4
# times instead of once. The console is scanned for sanitizer, lockdep
# and WARN reports and kmemleak is checked, as in make check. About a
# half hour on two cores. Not part of make check (its 12-minute budget).
# The last line is "N passed, N failed".
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
. scripts/lib.sh

iters=${STRESS_ITERS:-100000}
case $iters in
'' | *[!0-9]*) die "STRESS_ITERS must be a number" ;;
esac

t0=$(date +%s)
scripts/deps.sh check || die "dependencies"
make -s -j"$(nproc)" tools tests || die "userspace build"

declare -A pid
for v in 6.1 6.12; do
	kdir=$(scripts/kernel.sh "$v" | tail -n1) || die "kernel $v"
	scripts/build-modules.sh --tests "$kdir" "$top/.build/stress-$v" ||
		die "modules for $v"
	log "stress: debug-$v, $iters iterations per race"
	EVENTFD_RACE_ITERS=$iters QEMU_TIMEOUT=2700 \
		E2E_ONLY="eventfd_races eventfd_rmmod modules" \
		scripts/vm-test.sh "stress-$v" "$kdir" "$top/.build/stress-$v" \
		"$top/.build/stress-vm-$v" >"$top/.build/stress-$v.out" 2>&1 &
	pid[$v]=$!
	[ "$(nproc)" -ge 2 ] || wait "${pid[$v]}"
done

passed=0 failed=0
for v in 6.1 6.12; do
	wait "${pid[$v]}"
	out=$top/.build/stress-$v.out
	cat "$out"
	# What each race did, as the program logged it.
	grep -hE '^# .*(iterations|writes|pairs|cycles|lifetimes|in [0-9.]+ s)' \
		"$top/.build/stress-vm-$v/results.txt" 2>/dev/null | sed "s/^/$v: /"
	line=$(grep -E '^stress-[0-9.]+: [0-9]+ passed, [0-9]+ failed' "$out" | tail -n1)
	p=$(echo "$line" | sed -nE 's/.*: ([0-9]+) passed, ([0-9]+) failed.*/\1/p')
	f=$(echo "$line" | sed -nE 's/.*: ([0-9]+) passed, ([0-9]+) failed.*/\2/p')
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-1}))
done
log "stress: $(( $(date +%s) - t0 ))s"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
