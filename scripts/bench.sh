#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: boot the stock Debian 6.12 kernel in QEMU (no kernel build),
# load acrn_hsm and acrn_hvsim and run tools/bench-io: the round trip of
# a port I/O write handled by a device model thread, and of a 4-byte MMIO
# doorbell write handled by a device model thread or by an ioeventfd
# (completed in the upcall; a thread reads the eventfd), from 1 and from
# 4 simulated vCPUs, with the thread hops per request from the HSM's
# counters, next to a futex ping-pong between two threads on two CPUs
# measured in the same boot (the floor). The last lines are the table.
# Then tools/bench-mem: SET_MEMSEG of 1 GiB of guest RAM backed by
# 4 KiB pages, 2 MiB and 1 GiB hugepages, next to pinning the same memory
# alone (its floor). Not part of `make check`: TCG timings say nothing
# about a pass.
#
# BENCH_TIME: seconds per measurement (default 3).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
. scripts/lib.sh

bench_time=${BENCH_TIME:-3}
case $bench_time in
'' | *[!0-9]*) die "BENCH_TIME must be a whole number of seconds" ;;
esac
if [ "$bench_time" -lt 1 ] || [ "$bench_time" -gt 60 ]; then
	die "BENCH_TIME: 1 to 60"
fi

scripts/deps.sh run

kdir=$(stock_kdir 6.12) || die "no stock 6.12 headers (scripts/deps.sh check installs them)"
kver=${kdir#/usr/src/linux-headers-}
kernel=$(stock_kernel_image 6.12) || die "no stock 6.12 kernel image"

out=$top/.build/bench
stock_initramfs --tests 6.12 "$top/tests/guest/bench.sh" "$out" hvsimctl bench-io bench-mem

# Two guest CPUs, on two host cores: the least that makes the wakeups
# cross-CPU (the simulator raises every upcall on CPU 0; the DM thread,
# the eventfd reader and the floor's partner run on CPU 1), and the most
# that does not oversubscribe the host. TCG runs each guest CPU in its
# own host thread; a third guest CPU would share a core with another and
# be descheduled at random by the host, which shows up as noise in p99.
# The whole run: boot, then 9 measurements of BENCH_TIME plus their
# calibration and set-up; bench-io's watchdog fires well before QEMU's;
# then bench-mem, a minute or two. Memory: 1 GiB of 4 KiB pages, 1 GiB of
# 2 MiB pages reserved for their row only, and a 1 GiB page, which can
# only be reserved at boot.
log "bench: booting $kver under QEMU (TCG, 2 CPUs)"
set +e
QEMU_TEE=1 QEMU_SMP=2 QEMU_MEM=3584 QEMU_TIMEOUT=$((900 + 20 * bench_time)) \
	scripts/qemu.sh "$kernel" "$out/initramfs.cpio.gz" \
	"$out/console.log" "$out/results.txt" quiet loglevel=3 \
	hugepagesz=1G hugepages=1 "bench_time=$bench_time" |
	grep -vE '^\[ *[0-9]+\.[0-9]+\]'
rc=${PIPESTATUS[0]}
set -e
[ -s "$out/results.txt" ] || die "the benchmark printed no table (console: $out/console.log)"
cat "$out/results.txt"
[ "$rc" = 0 ] || die "the benchmark failed (console: $out/console.log)"
