# SPDX-License-Identifier: GPL-2.0
# Shared helpers for the scripts in this directory (sourced, not run).

# Everything expensive (kernel trees, downloaded packages) lives here,
# outside the clone.
CACHE=${ACRN_HSM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/acrn-hsm}
mkdir -p "$CACHE"

log() { printf '[%s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# The newest installed stock Debian header tree for a kernel series
# (one that can build modules, not a leftover directory).
stock_kdir() {
	local series=$1 d pattern
	case "$series" in
	6.1) pattern='/usr/src/linux-headers-6.1.0-*-amd64' ;;
	6.12) pattern='/usr/src/linux-headers-6.12.*+deb12-amd64' ;;
	esac
	d=$(for d in $pattern; do
		[ -f "$d/Makefile" ] && [ -f "$d/include/generated/utsrelease.h" ] && echo "$d"
	done | sort -V | tail -n1)
	[ -n "$d" ] && echo "$d"
}

# The stock Debian kernel image matching stock_kdir SERIES (6.1 or 6.12):
# installed in /boot, cached, or fetched from the archive into the cache.
# Prints its path.
stock_kernel_image() {
	local series=$1 kdir kver kernel w
	kdir=$(stock_kdir "$series") || { log "no stock $series headers"; return 1; }
	kver=${kdir#/usr/src/linux-headers-}
	kernel=/boot/vmlinuz-$kver
	if [ -r "$kernel" ]; then
		echo "$kernel"
		return 0
	fi
	kernel=$CACHE/stock/vmlinuz-$kver
	if [ ! -f "$kernel" ]; then
		log "fetching linux-image-$kver"
		w=$(mktemp -d)
		chmod a+rwx "$w"	# apt-get download writes as _apt
		if ! (cd "$w" && apt-get download -qq "linux-image-$kver" &&
			dpkg-deb -x linux-image-*.deb x) >&2; then
			rm -rf "$w"
			log "cannot fetch linux-image-$kver"
			return 1
		fi
		mkdir -p "$CACHE/stock"
		if ! cp "$w/x/boot/vmlinuz-$kver" "$kernel.tmp" ||
			! mv "$kernel.tmp" "$kernel"; then
			rm -rf "$w"
			return 1
		fi
		rm -rf "$w"
	fi
	echo "$kernel"
}

# stock_initramfs [--tests] SERIES MAIN OUT TOOL...: build the modules
# against the stock SERIES headers and the tools, then
# OUT/initramfs.cpio.gz: busybox, tests/guest/init as PID 1 running MAIN,
# the modules in /lib/acrn and each tools/TOOL in /usr/bin. For `make run`
# and `make bench`, which boot a stock kernel (stock_kernel_image SERIES).
# --tests adds the test module acrn_hsm_test.ko (make bench).
stock_initramfs() {
	local tests='' mods='acrn_hsm acrn_hvsim' top kdir d m t
	if [ "$1" = --tests ]; then
		tests=--tests
		mods="$mods acrn_hsm_test"
		shift
	fi
	local series=$1 main=$2 out=$3
	shift 3
	top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
	kdir=$(stock_kdir "$series") || { log "no stock $series headers"; return 1; }
	log "building the modules for ${kdir#/usr/src/linux-headers-}"
	# shellcheck disable=SC2086	# $tests: no word or one
	"$top/scripts/build-modules.sh" $tests "$kdir" "$top/.build/stock-$series" || return 1
	make -s -C "$top" tools || return 1
	mkdir -p "$out"
	{
		for d in /bin /dev /proc /sys /tmp /lib /lib/acrn /usr /usr/bin; do
			echo "dir $d 0755"
		done
		echo "nod /dev/console 0600 c 5 1"
		echo "file /bin/busybox /bin/busybox 0755"
		echo "file /init $top/tests/guest/init 0755"
		echo "file /main $main 0755"
		for m in $mods; do
			echo "file /lib/acrn/$m.ko $top/.build/stock-$series/$m.ko 0644"
		done
		for t; do
			echo "file /usr/bin/$t $top/tools/$t 0755"
		done
	} >"$out/initramfs.spec"
	python3 "$top/scripts/mkinitramfs.py" "$out/initramfs.cpio.gz" "$out/initramfs.spec"
}

# "<name> <kdir>" for each kernel the modules must build against: the
# stock Debian headers (compile only) and the debug kernels (built and
# cached on first use).
build_targets() {
	local top d
	top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
	for v in 6.1 6.12; do
		d=$(stock_kdir "$v") || die "no stock $v headers (run scripts/deps.sh)"
		echo "stock-$v $d"
	done
	for v in 6.1 6.12; do
		d=$("$top/scripts/kernel.sh" "$v" | tail -n1) || die "kernel $v"
		echo "debug-$v $d"
	done
}

# checkpatch --strict over every C source and header of the project.
checkpatch() {
	local top cp
	top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
	cp=$(ls "$CACHE"/linux-source-*/scripts/checkpatch.pl 2>/dev/null | sort -V | tail -n1)
	[ -n "$cp" ] || die "checkpatch.pl not found (run scripts/kernel.sh 6.12)"
	local files uapi other out
	files=$(cd "$top" && find . \( -path ./.build -o -path ./.git \) -prune -o \
		\( -name '*.c' -o -name '*.h' \) ! -name compat_probes.h -print | sort)
	uapi=$(echo "$files" | grep '^./include/uapi/')
	other=$(echo "$files" | grep -v '^./include/uapi/')
	# BIT() does not exist for userspace, so UAPI headers spell shifts out.
	out=$(cd "$top" && {
		perl "$cp" --no-tree --strict --terse --show-types --ignore BIT_MACRO -f $uapi
		perl "$cp" --no-tree --strict --terse --show-types -f $other
	} | grep -E ': (ERROR|WARNING|CHECK):')
	[ -z "$out" ] && return 0
	echo "$out" >&2
	return 1
}
