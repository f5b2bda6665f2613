#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# usage: deps.sh check|run
#
# Install the Debian packages `make check` or `make run` needs, if any is
# missing. Debian packages only; needs root (or sudo) only when something
# has to be installed.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/lib.sh"

mode=${1:-check}
pkgs=(build-essential bc bison flex libelf-dev libssl-dev cpio kmod
	xz-utils python3 qemu-system-x86 busybox-static linux-headers-amd64)
if [ "$mode" = check ]; then
	pkgs+=(sparse perl linux-libc-dev linux-source-6.1 linux-source-6.12)
fi

installed() {
	[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}

as_root() {
	if [ "$(id -u)" = 0 ]; then
		"$@"
	elif command -v sudo >/dev/null; then
		sudo "$@"
	else
		die "need root to run: $*"
	fi
}

updated=0
apt_update() {
	if [ "$updated" = 0 ]; then
		log "deps: apt-get update"
		as_root apt-get update -qq
		updated=1
	fi
}

missing=()
for p in "${pkgs[@]}"; do
	installed "$p" || missing+=("$p")
done

# The stock 6.12 headers (compile-only target): any installed one will do,
# else the newest bookworm offers.
if [ "$mode" = check ] && [ -z "$(stock_kdir 6.12)" ]; then
	apt_update
	h612=$(apt-cache search --names-only '^linux-headers-6\.12\.[0-9]+\+deb12-amd64$' |
		awk '{ print $1 }' | sort -V | tail -n1)
	[ -n "$h612" ] || die "no linux-headers-6.12.*+deb12-amd64 package available"
	missing+=("$h612")
fi

if [ "${#missing[@]}" -gt 0 ]; then
	apt_update
	log "deps: installing ${missing[*]}"
	# The 6.12 headers pull in the 6.12 image; we never boot it, so skip
	# building its initramfs (INITRD=No), which takes minutes.
	as_root env DEBIAN_FRONTEND=noninteractive INITRD=No apt-get install -y -qq \
		--no-install-recommends -o Dpkg::Use-Pty=0 "${missing[@]}" >/dev/null
fi
log "deps: ready"
