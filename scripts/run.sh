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

# The matching kernel image: installed, cached, or fetched from the archive.
kernel=/boot/vmlinuz-$kver
if [ ! -r "$kernel" ]; then
	kernel=$CACHE/stock/vmlinuz-$kver
	if [ ! -f "$kernel" ]; then
		log "run: fetching linux-image-$kver"
		w=$(mktemp -d)
		chmod a+rwx "$w"	# apt-get download writes as _apt
		(cd "$w" && apt-get download -qq "linux-image-$kver" &&
			dpkg-deb -x linux-image-*.deb x) ||
			{ rm -rf "$w"; die "cannot fetch linux-image-$kver"; }
		mkdir -p "$CACHE/stock"
		cp "$w/x/boot/vmlinuz-$kver" "$kernel"
		rm -rf "$w"
	fi
fi

log "run: building the modules for $kver"
scripts/build-modules.sh "$kdir" "$top/.build/stock-6.1"
make -s tools

out=$top/.build/run
mkdir -p "$out"
{
	for d in /bin /dev /proc /sys /tmp /lib /lib/acrn /usr /usr/bin; do
		echo "dir $d 0755"
	done
	echo "nod /dev/console 0600 c 5 1"
	echo "file /bin/busybox /bin/busybox 0755"
	echo "file /init $top/tests/guest/init 0755"
	echo "file /main $top/tests/guest/demo.sh 0755"
	for m in acrn_hsm acrn_hvsim; do
		echo "file /lib/acrn/$m.ko $top/.build/stock-6.1/$m.ko 0644"
	done
	for t in hvsimctl sample-dm; do
		echo "file /usr/bin/$t $top/tools/$t 0755"
	done
} >"$out/initramfs.spec"
python3 scripts/mkinitramfs.py "$out/initramfs.cpio.gz" "$out/initramfs.spec"

log "run: booting $kver under QEMU (TCG; takes a little while)"
QEMU_TEE=1 QEMU_MEM=512 scripts/qemu.sh "$kernel" "$out/initramfs.cpio.gz" \
	"$out/console.log" "$out/results.txt" quiet loglevel=3 |
	grep -vE '^\[ *[0-9]+\.[0-9]+\]' || true
if [ "${PIPESTATUS[0]}" != 0 ]; then
	die "the demo failed (console: $out/console.log)"
fi
