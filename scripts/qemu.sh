#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# usage: qemu.sh KERNEL INITRD CONSOLE_LOG RESULTS [kernel args...]
#
# Boot KERNEL with INITRD under QEMU (TCG). The console (ttyS0) goes to
# CONSOLE_LOG (and to the terminal with QEMU_TEE=1); the guest writes its
# results to ttyS1, which lands in RESULTS. The guest reports its verdict
# by writing to isa-debug-exit, so a panic or reboot cannot look like a
# pass. Exit status: 0 pass, 1 guest-reported failure, 2 no verdict
# (panic, reboot, timeout, QEMU error).
#
# QEMU_MEM (MiB, default 1024), QEMU_SMP (CPUs, default 2) and
# QEMU_TIMEOUT (seconds, default 900) size the machine and the run.
set -uo pipefail

kernel=$1 initrd=$2 console=$3 results=$4
shift 4

: >"$results"
cmd=(qemu-system-x86_64 -M q35 -cpu max -smp "${QEMU_SMP:-2}" -m "${QEMU_MEM:-1024}"
	-accel tcg -nodefaults -nographic -no-reboot -bios qboot.rom
	-serial stdio -serial "file:$results"
	-device isa-debug-exit,iobase=0xf4,iosize=0x04
	-kernel "$kernel" -initrd "$initrd"
	-append "console=ttyS0 panic=-1 oops=panic panic_on_warn=1 kasan.fault=panic loglevel=7 $*")

if [ "${QEMU_TEE:-0}" = 1 ]; then
	timeout --foreground -k 5 "${QEMU_TIMEOUT:-900}" "${cmd[@]}" </dev/null 2>&1 |
		tee "$console"
	rc=${PIPESTATUS[0]}
else
	timeout --foreground -k 5 "${QEMU_TIMEOUT:-900}" "${cmd[@]}" </dev/null >"$console" 2>&1
	rc=$?
fi

case $rc in
33) exit 0 ;;
35) echo "qemu: the guest reported a failure" >&2; exit 1 ;;
124|137) echo "qemu: timed out" >&2; exit 2 ;;
0) echo "qemu: the guest panicked or rebooted without a verdict" >&2; exit 2 ;;
*) echo "qemu: exit status $rc" >&2; exit 2 ;;
esac
