#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# `make bench`: /main of the benchmark VM (run by /init, which mounted
# debugfs). Loads the HSM, the simulator and the test module (for
# bench-mem's pinning floor) on the stock kernel and runs
# bench-io and bench-mem; its progress goes to the console, its table to ttyS1, which
# the host prints last. bench_time=<seconds> on the kernel command line
# (an environment variable of init) sets the length of each measurement.

exec 3>/dev/ttyS1
stty -F /dev/ttyS1 raw -echo 2>/dev/null

echo
echo "== $(uname -r), $(nproc) CPUs: loading acrn_hsm, acrn_hvsim and acrn_hsm_test"
insmod /lib/acrn/acrn_hsm.ko || exit 1
insmod /lib/acrn/acrn_hvsim.ko || exit 1
# bench-mem's pinning floor is a debugfs file of the test module.
insmod /lib/acrn/acrn_hsm_test.ko || exit 1
hvsimctl info
[ -r /sys/kernel/debug/acrn_hsm/stats ] ||
	echo "(no /sys/kernel/debug/acrn_hsm/stats: HSM counters not shown)"

echo
echo "== bench-io"
t=${bench_time:-3}
bench-io -t "$t" -T $((180 + 20 * t)) >/tmp/table
rc=$?
cat /tmp/table >&3

echo
echo "== bench-mem"
bench-mem >/tmp/table-mem || rc=1
cat /tmp/table-mem >&3

echo
echo "== unloading"
if ! rmmod acrn_hsm_test || ! rmmod acrn_hsm || ! rmmod acrn_hvsim; then
	echo "bench: cannot unload the modules" >&3
	exit 1
fi
exit $rc
