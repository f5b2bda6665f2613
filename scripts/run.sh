#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make run: boot the stock Debian 6.1 kernel in QEMU (no kernel build),
# load acrn_hsm and acrn_hvsim and run the sample device model, printing
# each step and what the simulated hypervisor saw.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
. scripts/lib.sh

scripts/deps.sh run

kdir=$(stock_kdir 6.1) || die "no stock 6.1 headers"
kver=${kdir#/usr/src/linux-headers-}

kernel=$(stock_kernel_image 6.1) || die "no stock 6.1 kernel image"

out=$top/.build/run
stock_initramfs 6.1 "$top/tests/guest/demo.sh" "$out" hvsimctl sample-dm

log "run: booting $kver under QEMU (TCG; takes a little while)"
QEMU_TEE=1 QEMU_MEM=512 scripts/qemu.sh "$kernel" "$out/initramfs.cpio.gz" \
	"$out/console.log" "$out/results.txt" quiet loglevel=3 |
	grep -vE '^\[ *[0-9]+\.[0-9]+\]' || true
if [ "${PIPESTATUS[0]}" != 0 ]; then
	die "the demo failed (console: $out/console.log)"
fi
