#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The test plan inside a debug-kernel VM (run as /main by /init).
#
# Results go to ttyS1 (a file on the host), one section per test program:
#   ### BEGIN <kind> <name>     kind: kunit (a KTAP document), tap (a
#   ...                         kselftest TAP document) or check (a
#   ### END <name> rc=<rc>      single pass/fail decided by rc)
#   ### GUEST-DONE
# scripts/results.py counts them. Exit status: 0 if everything passed.

MODDIR=/lib/acrn
fail=0

exec 3>/dev/ttyS1
stty -F /dev/ttyS1 raw -echo 2>/dev/null

section() {	# kind name rc file
	echo "### BEGIN $1 $2" >&3
	[ -f "$4" ] && cat "$4" >&3
	echo "### END $2 rc=$3" >&3
	[ "$3" = 0 ] || fail=1
}

# run <kind> <name> <command...>: run a test program into a section; its
# output also goes to the console for the log, with how long it took.
run() {
	kind=$1
	name=$2
	shift 2
	t0=$(date +%s)
	"$@" >/tmp/out 2>&1
	rc=$?
	cat /tmp/out
	echo "check.sh: $name rc=$rc in $(($(date +%s) - t0)) s"
	section "$kind" "$name" "$rc" /tmp/out
}

# check <name> <command...>: a single pass/fail.
check() {
	run check "$@"
}

# kunit <module> <suite...>: load the KUnit module (which runs its
# suites), collect each suite's KTAP document, and unload it again: the
# suites run once, and nothing pins the modules under test afterwards.
kunit() {
	mod=$1
	shift
	insmod "$MODDIR/$mod.ko"
	rc=$?
	for suite in "$@"; do
		f=/sys/kernel/debug/kunit/$suite/results
		[ -f "$f" ] || rc=1
		section kunit "$suite" "$rc" "$f"
	done
	[ "$rc" = 0 ] && { rmmod "$mod" || fail=1; }
}

# tap <name> <command...>: a kselftest-style program, TAP on stdout.
tap() {
	run tap "$@"
}

echo "acrn_hsm tests on $(uname -r)"
echo clear >/sys/kernel/debug/kmemleak
# No periodic scans: each walks all of memory, which costs many seconds
# under TCG; kmemleak_clean scans twice at the end.
echo scan=off >/sys/kernel/debug/kmemleak
# fail-nth tests: let failslab and fail_page_alloc fail sleeping
# allocations too, and inject silently (a forced failure prints a stack
# trace otherwise, which the console scan would count as a report).
for f in failslab fail_page_alloc fail_usercopy; do
	echo 0 >/sys/kernel/debug/$f/verbose
	[ -e /sys/kernel/debug/$f/ignore-gfp-wait ] &&
		echo N >/sys/kernel/debug/$f/ignore-gfp-wait
done
echo 1 >/proc/sys/vm/stat_refresh	# fold the per-CPU counters in
pins_before=$(awk '/^nr_foll_pin_(acquired|released)/ { print $2 }' /proc/vmstat | tr '\n' ' ')

# The modules under test first, then their KUnit modules (which need
# them), then the debugfs test hooks the e2e programs use.
check modules-load sh -c \
	"insmod $MODDIR/acrn_hsm.ko && insmod $MODDIR/acrn_hvsim.ko"
kunit acrn_hsm_kunit acrn_hsm acrn_hsm_ioreq acrn_hsm_mm acrn_hsm_gpa \
	acrn_hsm_dev acrn_hsm_eventfd acrn_hsm_intr
kunit acrn_hvsim_kunit acrn_hvsim acrn_hvsim_ept acrn_hvsim_intr \
	acrn_hvsim_ptdev
check test-module-load insmod "$MODDIR/acrn_hsm_test.ko"

for t in /tests/*; do
	[ -f "$t" ] && [ -x "$t" ] || continue
	case $t in
	*.sh) tap "$(basename "$t" .sh)" sh "$t" ;;
	*) tap "$(basename "$t")" "$t" ;;
	esac
done

# Since the simulator's last load, only the short completion hypercall
# (NOTIFY_REQUEST_FINISH) ran with interrupts off.
irqs_off_ok() {
	hvsimctl irqsoff >/tmp/irqsoff || return 1
	cat /tmp/irqsoff
	! awk '$2 != "notify_request_finish"' /tmp/irqsoff |
		grep -q .
}
check irqs-off irqs_off_ok

check modules-unload sh -c \
	"rmmod acrn_hsm_test && rmmod acrn_hsm && rmmod acrn_hvsim && ! grep -q '^acrn_' /proc/modules"

# Every page pinned by the tests must have been unpinned.
pins_balanced() {
	echo 1 >/proc/sys/vm/stat_refresh
	awk -v before="$pins_before" '
		BEGIN { split(before, b, " ") }
		/^nr_foll_pin_acquired/ { a = $2 }
		/^nr_foll_pin_released/ { r = $2 }
		END {
			printf "pins acquired %d released %d during the tests\n",
				a - b[1], r - b[2]
			exit (a - b[1] != r - b[2])
		}' /proc/vmstat
}
check page-pins pins_balanced

# kmemleak reports only objects older than 5 s, found by two scans: the
# second starts at least 6 s after the tests ended (a scan alone takes
# longer than that under TCG).
kmemleak_clean() {
	t0=$(date +%s)
	echo scan >/sys/kernel/debug/kmemleak
	left=$((6 - ($(date +%s) - t0)))
	[ $left -gt 0 ] && sleep $left
	echo scan >/sys/kernel/debug/kmemleak
	if grep -q unreferenced /sys/kernel/debug/kmemleak; then
		cat /sys/kernel/debug/kmemleak
		return 1
	fi
	echo "no leaks"
}
check kmemleak kmemleak_clean

echo "### GUEST-DONE" >&3
exit $fail
