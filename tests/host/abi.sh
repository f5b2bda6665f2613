#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Our UAPI header include/uapi/linux/acrn.h is ABI-identical to upstream
# Linux <linux/acrn.h> (the system's copy in /usr/include):
#  - abi.c, built once against each header from the one list in
#    abi_list.h, prints the size and alignment of every struct and union,
#    the offset, size and alignment of every member (nested and anonymous
#    ones too), and the value and C type of every constant and ioctl
#    number; the two outputs must agree, group by group (a name missing
#    from ours fails to compile: its group then fails, the others are
#    still compared);
#  - a few sizes and ioctl numbers equal known upstream values, whatever
#    the system header says;
#  - both headers declare the same macros, tags, members and enumerators,
#    and abi_list.h covers all of them;
#  - ours compiles cleanly on its own as C and as C++ with every flag set
#    the upstream header compiles cleanly with.
# TAP output, last line "abi: N passed, N failed". ABI_UAPI=DIR checks
# DIR/linux/acrn.h instead of ours (to see the test catch a difference).
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
uapi=$(cd "${ABI_UAPI:-$top/include/uapi}" && pwd)
ours=$uapi/linux/acrn.h
upstream=/usr/include/linux/acrn.h
unset CPATH C_INCLUDE_PATH CPLUS_INCLUDE_PATH

w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT

n=0 pass=0 fail=0
result() {	# rc description [file whose lines explain a failure]
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		pass=$((pass + 1))
		echo "ok $n $2"
	else
		fail=$((fail + 1))
		echo "not ok $n $2"
		[ -n "${3:-}" ] && head -n 20 "$3" | sed 's/^/# /'
	fi
	return 0
}

# build <name> <expected acrn.h> [-I dir]: compile and run abi.c, output
# in $w/<name>.txt; checks that the compiler used the expected header.
build() {
	local name=$1 want=$2 used
	shift 2
	: >"$w/$name.txt"
	if ! gcc -std=gnu11 -O0 -Wall -Wextra -Werror "$@" -I"$top/tests/host" \
	     -MD -MF "$w/$name.d" -o "$w/$name" "$top/tests/host/abi.c" \
	     >"$w/$name.err" 2>&1; then
		grep -E 'error|warning' "$w/$name.err" >"$w/$name.why"
		return 1
	fi
	used=$(sed 's/[[:space:]\\]\+/\n/g' "$w/$name.d" | grep '/linux/acrn\.h$' |
		xargs -r realpath)
	if [ "$used" != "$(realpath "$want")" ]; then
		echo "compiled against '$used', not $want" >"$w/$name.why"
		return 1
	fi
	"$w/$name" >"$w/$name.txt" 2>"$w/$name.why"
}

# by_group <name> <expected acrn.h> [-I dir]: after a failed build, build
# each group of abi_list.h alone, so only the groups naming something the
# header lacks go missing from the output.
by_group() {
	local name=$1 want=$2 key out
	shift 2
	awk '/^ABI_[A-Z]+\(/ {
		kind = $0; sub(/^ABI_/, "", kind); sub(/\(.*/, "", kind)
		arg = $0; sub(/^ABI_[A-Z]+\(/, "", arg); sub(/[,)].*/, "", arg)
		print (kind == "TYPE" || kind == "MEMBER") ? arg : \
		      (kind == "IOCTL" ? "ioctl " : "const ") arg
	}' "$top/tests/host/abi_list.h" | awk '!seen[$0]++' >"$w/keys"
	out=$w/$name.groups
	: >"$out"
	mkdir -p "$w/g"
	cp "$top/tests/host/abi.c" "$w/g/abi.c"
	while IFS= read -r key; do
		# Entries are one line each; a group's first argument is its key.
		awk -v k="$key" '/^ABI_[A-Z]+\(/ {
			arg = $0; sub(/^ABI_[A-Z]+\(/, "", arg); sub(/[,)].*/, "", arg)
			if (arg == k || "ioctl " arg == k || "const " arg == k)
				print
		}' "$top/tests/host/abi_list.h" >"$w/g/abi_list.h"
		gcc -std=gnu11 -Wall -Wextra -Werror -Wno-unused-function "$@" \
			-o "$w/g/abi" "$w/g/abi.c" \
			>/dev/null 2>&1 && "$w/g/abi" >>"$out"
	done <"$w/keys"
	mv "$out" "$w/$name.txt"
}

build ours "$ours" -I"$uapi"
rc=$?
[ "$rc" = 0 ] || by_group ours "$ours" -I"$uapi"
result "$rc" "abi.c builds and runs against ours ($ours)" "$w/ours.why"
build upstream "$upstream"
rc=$?
[ "$rc" = 0 ] || by_group upstream "$upstream"
result "$rc" "abi.c builds and runs against upstream ($upstream)" "$w/upstream.why"

# One test per group (struct/union, constant group, ioctl): same lines.
groups=$(cat "$w/upstream.txt" "$w/ours.txt" | cut -d'|' -f1 | awk '!seen[$0]++')
while IFS= read -r g; do
	[ -n "$g" ] || continue
	awk -F'|' -v g="$g" '$1 == g { print $2 }' "$w/ours.txt" >"$w/g.ours"
	awk -F'|' -v g="$g" '$1 == g { print $2 }' "$w/upstream.txt" >"$w/g.up"
	facts=$(cat "$w/g.up" "$w/g.ours" | sort -u | cut -d' ' -f1 | sort -u | wc -l)
	case $g in
	struct*|union*) what="$g: size, alignment and $((facts - 1)) members" ;;
	const*) what="constants ${g#const } ($facts): values and C types" ;;
	ioctl*) what="ioctl ${g#ioctl } number" ;;
	esac
	if [ ! -s "$w/g.ours" ]; then
		echo "ours: does not build (see test 1)" >"$w/g.diff"
	elif [ ! -s "$w/g.up" ]; then
		echo "upstream: does not build (see test 2)" >"$w/g.diff"
	else
		diff "$w/g.up" "$w/g.ours" | grep '^[<>]' |
			sed 's/^</upstream:/; s/^>/ours:    /' >"$w/g.diff"
	fi
	[ -s "$w/g.diff" ]
	result $((! $?)) "$what: same as upstream" "$w/g.diff"
done <<<"$groups"

# Known upstream values, independent of the system header.
while read -r t size; do
	line=$(awk -F'|' -v g="struct $t" '$1 == g && $2 ~ /^size / { print $2 }' "$w/ours.txt")
	echo "sizeof(struct $t) is '${line%% align*}'" >"$w/anchor"
	[ "${line%% align*}" = "size $size" ]
	result $? "sizeof(struct $t) == $size" "$w/anchor"
done <<'EOF'
acrn_io_request 256
acrn_vm_creation 48
acrn_vcpu_regs 296
acrn_regs 288
acrn_vm_memmap 32
acrn_mmiodev 104
acrn_vdev 192
acrn_pcidev 36
acrn_ptdev_irq 20
acrn_ioeventfd 32
acrn_irqfd 24
acrn_io_request_buffer 4096
EOF
while read -r io nr; do
	line=$(awk -F'|' -v g="ioctl ACRN_IOCTL_$io" '$1 == g { print $2 }' "$w/ours.txt")
	echo "ACRN_IOCTL_$io is '${line%% *}'" >"$w/anchor"
	[ "${line%% *}" = "$nr" ]
	result $? "ACRN_IOCTL_$io == $nr" "$w/anchor"
done <<'EOF'
CREATE_VM 0xc030a210
SET_VCPU_REGS 0x4128a216
VM_INTR_MONITOR 0x4008a224
SET_MEMSEG 0x4020a241
ASSIGN_MMIODEV 0x4068a257
CREATE_VDEV 0x40c0a259
PM_GET_CPU_STATE 0xc008a260
IRQFD 0x4018a271
EOF

# Names declared by a header: macros (not the include guard), tags,
# members as dotted paths through nested and anonymous aggregates, and
# enumerators. A small parser, enough for UAPI-style declarations.
cat >"$w/names.pl" <<'PERL'
use strict;
use warnings;

local $/;
my $src = <>;
$src =~ s{/\*.*?\*/}{ }gs;
$src =~ s{//[^\n]*}{}g;
$src =~ s/\\\n/ /g;
my ($guard) = $src =~ /^\s*#\s*ifndef\s+(\w+)/m;
my @out;
for my $d ($src =~ /^\s*#\s*define\s+(\w+)/mg) {
	push @out, "const $d" unless defined $guard && $d eq $guard;
}
$src =~ s/^\s*#[^\n]*//mg;

my @tok = $src =~ /([A-Za-z_]\w*|\d\w*|\S)/g;
my @stack;	# [kind, tag, [member paths], [tokens of the declaration]]

sub after_parens {
	my ($i) = @_;
	my $depth = 0;
	do {
		$depth++ if $tok[$i] eq '(';
		$depth-- if $tok[$i] eq ')';
		$i++;
	} while ($depth && $i < @tok);
	return $i;
}

sub declarator {
	my ($depth, $name) = (0);
	for (@_) {
		$depth++ if /^[\[(]$/;
		$depth-- if /^[\])]$/;
		$name = $_ if !$depth && /^[A-Za-z_]\w*$/;
	}
	return $name;
}

for (my $i = 0; $i < @tok; $i++) {
	my $t = $tok[$i];
	if ($t =~ /^__attribute(__)?$/) {
		$i = after_parens($i + 1) - 1;
	} elsif ($t =~ /^(struct|union|enum)$/ &&
		 (($tok[$i + 1] // '') eq '{' || ($tok[$i + 2] // '') eq '{')) {
		my $tag = $tok[$i + 1] eq '{' ? '' : $tok[++$i];
		$i++;
		push @stack, [$t, $tag, [], []];
	} elsif ($t eq '}' && @stack) {
		my $f = pop @stack;
		my @rest;
		while (++$i < @tok && $tok[$i] ne ';') {
			if ($tok[$i] =~ /^__attribute(__)?$/) {
				$i = after_parens($i + 1) - 1;
			} else {
				push @rest, $tok[$i];
			}
		}
		if ($f->[0] eq 'enum') {
			my ($e) = grep { /^[A-Za-z_]/ } @{$f->[3]};
			push @{$f->[2]}, $e if defined $e;
		}
		my $name = declarator(@rest);
		if (!@stack) {
			push @out, "$f->[0] $f->[1]";
			push @out, $f->[0] eq 'enum' ? map { "const $_" } @{$f->[2]}
						    : map { "member $f->[1].$_" } @{$f->[2]};
		} else {
			my @m = defined $name ? ($name, map { "$name.$_" } @{$f->[2]})
					      : @{$f->[2]};
			push @{$stack[-1][2]}, @m;
			$stack[-1][3] = [];
		}
	} elsif (@stack && ($t eq ';' || $t eq ',')) {
		my $f = $stack[-1];
		my ($name) = $f->[0] eq 'enum' ? grep { /^[A-Za-z_]/ } @{$f->[3]}
					       : declarator(@{$f->[3]});
		push @{$f->[2]}, $name if defined $name;
		$f->[3] = [];
	} elsif (@stack) {
		push @{$stack[-1][3]}, $t;
	}
}
print "$_\n" for @out;
PERL
perl "$w/names.pl" "$ours" | sort -u >"$w/names.ours"
perl "$w/names.pl" "$upstream" | sort -u >"$w/names.up"
diff "$w/names.up" "$w/names.ours" | grep '^[<>]' |
	sed 's/^</only upstream:/; s/^>/only ours:/' >"$w/names.diff"
[ -s "$w/names.ours" ] && [ ! -s "$w/names.diff" ]
result $? "same macros, tags, members and enumerators as upstream ($(wc -l <"$w/names.ours") names)" "$w/names.diff"

# What abi_list.h names, in the same notation.
awk -F'|' '
	$1 ~ /^(struct|union) / && $2 ~ /^size / { print $1; next }
	$1 ~ /^(struct|union) / {
		split($1, t, " "); split($2, m, " ")
		gsub(/\[[0-9]+\]/, "", m[1])
		print "member " t[2] m[1]; next
	}
	$1 ~ /^const / && $2 ~ /^enum / { split($2, e, " "); print "enum " e[2]; next }
	$1 ~ /^const / { split($2, c, " "); print "const " c[1]; next }
	$1 ~ /^ioctl / { print "const " substr($1, 7) }
' "$w/ours.txt" "$w/upstream.txt" | sort -u >"$w/names.listed"
comm -23 "$w/names.ours" "$w/names.listed" | sed 's/^/not in abi_list.h: /' >"$w/names.missing"
[ -s "$w/names.listed" ] && [ ! -s "$w/names.missing" ]
result $? "abi_list.h covers every name ours declares" "$w/names.missing"

# Standalone: the header first, alone, then every name of abi_list.h used
# once, as C and as C++ with warnings as errors. A flag set the upstream
# header fails too is skipped.
mkdir -p "$w/up/linux"
cp "$upstream" "$w/up/linux/acrn.h" 2>/dev/null
cat >"$w/alone.c" <<'EOF'
#include <linux/acrn.h>
#include <linux/ioctl.h>
#include <stddef.h>

#define ABI_TYPE(t)		((void)sizeof(t))
#define ABI_MEMBER(t, m)	((void)offsetof(t, m))
#define ABI_ENUM(g, t)		((void)sizeof(t))
#define ABI_CONST(g, c)		((void)(c))
#define ABI_IOCTL(c)		((void)(c))

#if defined(__cplusplus) && __cplusplus >= 201103L
static_assert(sizeof(acrn_io_request) == 256, "acrn_io_request");
static_assert(alignof(acrn_io_request) == 256, "acrn_io_request");
static_assert(sizeof(acrn_io_request_buffer) == 4096, "acrn_io_request_buffer");
static_assert(sizeof(acrn_vcpu_regs) == 296, "acrn_vcpu_regs");
static_assert(sizeof(acrn_vdev) == 192, "acrn_vdev");
static_assert(sizeof(acrn_mmiodev) == 104, "acrn_mmiodev");
static_assert(sizeof(acrn_pcidev) == 36, "acrn_pcidev");
static_assert(sizeof(acrn_ptdev_irq) == 20, "acrn_ptdev_irq");
#endif

int main(void)
{
#include "abi_list.h"
	return 0;
}
EOF
cp "$w/alone.c" "$w/alone.cc"
while IFS=: read -r cc src std; do
	read -ra flags <<<"$std"
	if ! $cc "${flags[@]}" -Wall -Wextra -Werror -I"$w/up" -I"$top/tests/host" \
	     -c -o /dev/null "$w/$src" >/dev/null 2>&1; then
		n=$((n + 1))
		echo "ok $n # SKIP $cc $std: upstream does not compile cleanly either"
		continue
	fi
	$cc "${flags[@]}" -Wall -Wextra -Werror -I"$uapi" -I"$top/tests/host" \
		-c -o /dev/null "$w/$src" >"$w/alone.err" 2>&1
	result $? "ours alone, then every name used: $cc $std -Wall -Wextra -Werror" "$w/alone.err"
done <<'EOF'
gcc:alone.c:-std=c89
gcc:alone.c:-std=gnu99 -Wundef
gcc:alone.c:-std=c11 -pedantic-errors -Wundef
gcc:alone.c:-std=gnu17 -pedantic-errors -Wundef
g++:alone.cc:-std=c++98
g++:alone.cc:-std=c++11 -pedantic-errors -Wundef
g++:alone.cc:-std=c++20 -pedantic-errors -Wundef
EOF

echo "abi: $pass passed, $fail failed"
[ "$fail" = 0 ]
