#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: the one test gate. Installs what it needs, builds (or reuses)
# the debug kernels, builds the modules against every target kernel with
# W=1 and sparse, runs checkpatch and the host tests, then boots each
# debug kernel in QEMU for the KUnit suites and the end-to-end tests.
# The last line is "N passed, N failed".
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
. scripts/lib.sh

t0=$(date +%s)
passed=0
failed=0

record() {	# name rc
	if [ "$2" = 0 ]; then
		passed=$((passed + 1))
		echo "ok: $1"
	else
		failed=$((failed + 1))
		echo "FAIL: $1"
	fi
}

# Add a "label: N passed, N failed" summary line to the totals.
add_counts() {
	local line p f
	line=$(grep -E '^[^ ]+: [0-9]+ passed, [0-9]+ failed' | tail -n1)
	p=$(echo "$line" | sed -nE 's/.*: ([0-9]+) passed, ([0-9]+) failed.*/\1/p')
	f=$(echo "$line" | sed -nE 's/.*: ([0-9]+) passed, ([0-9]+) failed.*/\2/p')
	if [ -z "$p" ]; then
		record "$1 (no summary)" 1
		return
	fi
	passed=$((passed + p))
	failed=$((failed + f))
}

finish() {
	log "check: $(( $(date +%s) - t0 ))s"
	echo "$passed passed, $failed failed"
	[ "$failed" = 0 ]
	exit
}

scripts/deps.sh check
record "dependencies installed" $? || finish
[ "$failed" = 0 ] || finish

targets=$(build_targets)
record "debug kernels built" $?
[ "$failed" = 0 ] || finish

# checkpatch (one perl process) runs while the modules build.
mkdir -p "$top/.build"
checkpatch >"$top/.build/checkpatch.out" 2>&1 &
checkpatch_pid=$!

# notest_symbols DIR: acrn_hsm.ko and acrn_hvsim.ko in DIR carry no test
# code (it lives in acrn_hsm_test.ko and the *_kunit.ko modules): no
# KUnit calls or suites, no debugfs test hooks.
notest_symbols() {
	local found
	found=$(nm "$1/acrn_hsm.ko" "$1/acrn_hvsim.ko" |
		grep -E ' U _*kunit|kunit_suite|_test_suite|_test_cases|acrn_dbg_|kclient|pin_probe|vm_call')
	[ -z "$found" ] && return 0
	echo "$found"
	return 1
}

declare -A built
while read -r name kdir; do
	log "check: modules for $name"
	scripts/build-modules.sh --tests "$kdir" "$top/.build/$name" W=1 C=2
	rc=$?
	record "modules build cleanly against $name (W=1, sparse)" $rc
	[ "$rc" = 0 ] || continue
	built[$name]=$kdir
	notest_symbols "$top/.build/$name"
	record "no test code in acrn_hsm.ko and acrn_hvsim.ko for $name" $?
done <<<"$targets"

wait $checkpatch_pid
rc=$?
cat "$top/.build/checkpatch.out"
record "checkpatch --strict" $rc

log "check: userspace"
make -s -j"$(nproc)" tools tests
record "tools and e2e programs build" $?

for t in tests/host/*.sh; do
	[ -x "$t" ] || continue
	log "check: host test $(basename "$t")"
	out=$("$t" 2>&1)
	echo "$out" | grep -v ' passed, [0-9]* failed' || true
	add_counts "$(basename "$t")" <<<"$out"
done

# The two VMs run at the same time when there are two CPUs or more: a
# TCG guest keeps about one host CPU busy (its tests are mostly one
# process at a time), and the VM tests are most of make check's time.
# Their output is shown per VM, in order, once both are done.
declare -A vm_pid
for v in 6.1 6.12; do
	name=debug-$v
	if [ -z "${built[$name]:-}" ]; then
		record "VM tests on $name (modules did not build)" 1
		continue
	fi
	log "check: VM tests on $name"
	# mm_memseg's 520 MiB of 4 KiB pages (ram_4k_big) once per run, on
	# 6.12: it costs most of a minute and a bigger VM.
	big=0
	[ "$v" = 6.12 ] && big=1
	# A warm run takes about 10 minutes per VM on two busy CPUs; the
	# limit only catches a hung guest.
	QEMU_TIMEOUT=${QEMU_TIMEOUT:-1800} \
	ACRN_HSM_BIG=$big scripts/vm-test.sh "$name" "${built[$name]}" \
		"$top/.build/$name" "$top/.build/vm-$v" >"$top/.build/vm-$v.out" 2>&1 &
	vm_pid[$v]=$!
	[ "$(nproc)" -ge 2 ] || wait "${vm_pid[$v]}"
done
for v in 6.1 6.12; do
	[ -n "${vm_pid[$v]:-}" ] || continue
	wait "${vm_pid[$v]}"
	log "check: VM tests on debug-$v: done"
	cat "$top/.build/vm-$v.out"
	add_counts "VM tests on debug-$v" <"$top/.build/vm-$v.out"
done

finish
