#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# usage: vm-test.sh LABEL KERNEL_BUILD_DIR MODULE_DIR OUT_DIR
#
# Boot a debug kernel with the modules from MODULE_DIR (built by
# scripts/build-modules.sh --tests: the test modules too), the e2e programs
# from tests/e2e and the tools, run tests/guest/check.sh in it and count
# the results (scripts/results.py). The last line of output is
# "LABEL: N passed, N failed". E2E_ONLY="a b" limits the e2e programs to
# those names (for development).
set -uo pipefail

label=$1 kbuild=$2 moddir=$3 out=$4
top=$(cd "$(dirname "$0")/.." && pwd)

mkdir -p "$out"
spec=$out/initramfs.spec
{
	for d in /bin /dev /proc /sys /tmp /lib /lib/acrn /usr /usr/bin /tests /tests/lib; do
		echo "dir $d 0755"
	done
	echo "nod /dev/console 0600 c 5 1"
	echo "file /bin/busybox /bin/busybox 0755"
	echo "file /init $top/tests/guest/init 0755"
	echo "file /main $top/tests/guest/check.sh 0755"
	# The test modules too: MODULE_DIR comes from build-modules.sh --tests.
	for m in acrn_hsm acrn_hvsim acrn_hsm_test acrn_hsm_kunit acrn_hvsim_kunit; do
		echo "file /lib/acrn/$m.ko $moddir/$m.ko 0644"
	done
	for t in hvsimctl sample-dm; do
		echo "file /usr/bin/$t $top/tools/$t 0755"
	done
	echo "file /usr/bin/upstream-dm $top/tests/upstream/upstream-dm 0755"
	# Shell helpers the shell tests source (not tests themselves).
	for t in "$top"/tests/e2e/lib/*.sh; do
		echo "file /tests/lib/$(basename "$t") $t 0644"
	done
	for t in "$top"/tests/e2e/*; do
		[ -f "$t" ] || continue
		n=$(basename "$t")
		if [ -n "${E2E_ONLY:-}" ] && ! echo " $E2E_ONLY " | grep -q " ${n%.sh} "; then
			continue
		fi
		case $t in
		*.c|*.h) ;;
		*.sh) echo "file /tests/$(basename "$t") $t 0755" ;;
		*) [ -x "$t" ] && echo "file /tests/$(basename "$t") $t 0755" ;;
		esac
	done
} >"$spec"

python3 "$top/scripts/mkinitramfs.py" "$out/initramfs.cpio.gz" "$spec" ||
	{ echo "$label: 0 passed, 1 failed"; exit 1; }

# Memory: each GiB costs seconds of TCG time per run (kmemleak walks all
# of it). ACRN_HSM_BIG=1 makes room for mm_memseg's 520 MiB of 4 KiB
# pages (ram_4k_big, which skips without acrn_test.big=1 on the command
# line).
# A 1 GiB hugepage can only be reserved at boot and needs RAM above 4 GiB
# (the initramfs sits just below 2 GiB): ACRN_HSM_GIANT=1 adds one, for
# ram_1g, which skips without it (make bench measures it on every run).
#
# slub_debug=P fills kmalloc memory with 0x6b when it is freed and when a
# slab is made, so a buffer that should have been zeroed and was not
# shows garbage every time instead of by chance (the PM query's answer
# buffer, for instance); KASAN does not initialise memory.
start=$(date +%s)
args="slub_debug=P,kmalloc-*"
# The debug kernels have neither HPET nor ACPI PM timer to calibrate the
# TSC against, so under TCG they fell back to jiffies: ticks are lost
# (the guest's clock ran at about 60% of the host's, stretching every
# time budget) and every sleep lasted 4 ms at least. Under TCG the
# guest's TSC is the host's: give its frequency, trusted as is.
if gcc -O2 -o "$out/tsc-khz" "$top/scripts/tsc-khz.c" && khz=$("$out/tsc-khz"); then
	args="$args tsc_early_khz=$khz tsc=reliable"
fi
mem=1024
if [ "${ACRN_HSM_BIG:-0}" = 1 ]; then
	args="$args acrn_test.big=1"
	mem=2048
fi
# make stress: the race counts reach eventfd_races through init's
# environment (a parameter the kernel does not know).
if [ -n "${EVENTFD_RACE_ITERS:-}" ]; then
	args="$args EVENTFD_RACE_ITERS=$EVENTFD_RACE_ITERS"
fi
if [ "${ACRN_HSM_GIANT:-0}" = 1 ]; then
	args="$args hugepagesz=1G hugepages=1"
	mem=4096
fi
# shellcheck disable=SC2086	# $args: words
QEMU_MEM=${QEMU_MEM:-$mem} "$top/scripts/qemu.sh" "$kbuild/arch/x86/boot/bzImage" \
	"$out/initramfs.cpio.gz" "$out/console.log" "$out/results.txt" $args
echo "$label: VM ran for $(( $(date +%s) - start ))s (console: $out/console.log)"

python3 "$top/scripts/results.py" "$label" "$out/results.txt" "$out/console.log"
