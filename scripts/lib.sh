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
