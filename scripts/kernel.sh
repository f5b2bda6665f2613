#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (or reuse) a debug test kernel from Debian's linux-source-<ver>.
#
#   scripts/kernel.sh 6.1|6.12
#
# The kernel is built out of tree in the cache (never in the clone), keyed
# by the config fragments, the linux-source package version and the
# compiler, so a change to any of them rebuilds and nothing else does.
# Prints the O= build directory as the last line of stdout.
set -euo pipefail

ver=${1:?usage: kernel.sh 6.1|6.12}
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/lib.sh"

pkg=linux-source-$ver
pkgver=$(dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null) ||
	die "$pkg is not installed (run scripts/deps.sh)"
tarball=/usr/src/linux-source-$ver.tar.xz
[ -f "$tarball" ] || die "$tarball missing"

frags=("$top/scripts/kconfig/debug.config")
[ -f "$top/scripts/kconfig/debug-$ver.config" ] &&
	frags+=("$top/scripts/kconfig/debug-$ver.config")

key=$( { cat "${frags[@]}"; echo "$pkgver"; gcc --version | head -n1; } |
	sha256sum | cut -c1-12)
src=$CACHE/linux-source-$ver
out=$CACHE/build-$ver-$key

exec 9>"$CACHE/.lock-$ver"
flock 9

if [ -f "$out/.acrn-hsm-built" ]; then
	log "kernel $ver: cached ($out)"
	echo "$out"
	exit 0
fi

# Pristine source, re-extracted when the package changes.
if [ "$(cat "$src/.acrn-hsm-pkgver" 2>/dev/null)" != "$pkgver" ]; then
	log "kernel $ver: extracting $pkg $pkgver"
	rm -rf "$src"
	mkdir -p "$src"
	tar -xf "$tarball" -C "$src" --strip-components=1
	echo "$pkgver" >"$src/.acrn-hsm-pkgver"
fi

# Drop stale builds of this version (other keys) to bound disk use.
for old in "$CACHE"/build-"$ver"-*; do
	[ "$old" = "$out" ] || [ ! -d "$old" ] || rm -rf "$old"
done

log "kernel $ver: configuring $out"
rm -rf "$out"
mkdir -p "$out"
make -s -C "$src" O="$out" ARCH=x86_64 allnoconfig >/dev/null
"$src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" \
	"${frags[@]}" >/dev/null
make -s -C "$src" O="$out" ARCH=x86_64 olddefconfig >/dev/null

# Every requested option must have survived (as kunit.py's validate_config).
missing=0
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=n)
		opt=${line%%=*}
		if grep -q "^$opt=" "$out/.config"; then
			echo "kconfig: $opt should be off" >&2
			missing=1
		fi ;;
	CONFIG_*)
		if ! grep -qxF "$line" "$out/.config"; then
			echo "kconfig: '$line' did not survive olddefconfig" >&2
			missing=1
		fi ;;
	esac
done < <(cat "${frags[@]}" | sed -e 's/[[:space:]]*#.*//' -e '/^$/d')
[ "$missing" = 0 ] || die "kernel $ver: config fragment not satisfied"

log "kernel $ver: building (this takes several minutes)"
start=$(date +%s)
if ! make -s -C "$src" O="$out" ARCH=x86_64 -j"$(nproc)" all \
	>"$out/build.log" 2>&1; then
	tail -n 40 "$out/build.log" >&2
	die "kernel $ver: build failed (see $out/build.log)"
fi
touch "$out/.acrn-hsm-built"
log "kernel $ver: built in $(( $(date +%s) - start ))s"
echo "$out"
