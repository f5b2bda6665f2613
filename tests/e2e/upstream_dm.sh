#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# An unmodified device model built against upstream's <linux/acrn.h>
# (tests/upstream/upstream-dm.c): it sees the port writes injected with
# `hvsimctl io`, in order and with their values, from any vCPU; a read
# comes back with its answer; a guest poweroff, or SIGTERM while it
# sleeps in ATTACH (which returns 0 then, as upstream), shuts it down
# cleanly (PAUSE, DESTROY_IOREQ_CLIENT, DESTROY_VM) and leaves no VM.
#
# Run in the test VM by tests/guest/check.sh with both modules loaded.
# Output is TAP.

. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/dm.sh"

OUT=/tmp/upstream_dm.out
DM=upstream-dm
DMOUT=/tmp/upstream_dm.dm

tap_plan 16

# start_dm <name>: sets dm (pid) and vmid once the VM runs.
start_dm() {
	upstream-dm "$1" >$DMOUT 2>&1 &
	dm=$!
	vmid=
	i=0
	while [ $i -lt 100 ] && kill -0 "$dm" 2>/dev/null; do
		vmid=$(sed -n 's/^upstream-dm: running vmid \([0-9]*\) .*/\1/p' $DMOUT)
		[ -n "$vmid" ] && hvsimctl vms | grep -q "^$vmid running .* name=$1\$" &&
			return 0
		sleep 0.1
		i=$((i + 1))
	done
	cat $DMOUT
	return 1
}

wr() {	# vcpu port size value
	hvsimctl io "$vmid" "$1" pio write "$2" "$3" "$4"
}

# writes <vcpu> <port> <size> <value...>: each write completes.
writes() {
	vcpu=$1 port=$2 size=$3
	shift 3
	for v; do
		wr "$vcpu" "$port" "$size" "$v" || return 1
	done
}

reads() {	# want vcpu port size
	got=$(hvsimctl io "$vmid" "$2" pio read "$3" "$4") || return 1
	[ "$got" = "$1" ] && return 0
	echo "read $got, want $1"
	return 1
}

# printed_in_order <line...>: the lines appear in upstream-dm's output
# in this order (other lines may come between).
printed_in_order() {
	awk -v want="$(printf '%s\n' "$@")" '
		BEGIN { n = split(want, w, "\n"); i = 1 }
		i <= n && $0 == w[i] { i++ }
		END {
			if (i <= n) {
				print "missing, in order: " w[i]
				exit 1
			}
		}' $DMOUT || { cat $DMOUT; return 1; }
}

printed() {	# line: appears exactly once
	c=$(grep -cxF "$1" $DMOUT)
	[ "$c" = 1 ] && return 0
	echo "\"$1\" printed $c times in:"
	cat $DMOUT
	return 1
}

run "upstream-dm starts a running VM" start_dm upstream
run "byte writes to 0x3f8 from vCPU 0 complete" \
	writes 0 0x3f8 1 0x48 0x69 0x21
run "16- and 32-bit writes from vCPU 1 complete" \
	sh -c "hvsimctl io $vmid 1 pio write 0x510 2 0xbeef &&
	       hvsimctl io $vmid 1 pio write 0x600 4 0xdeadbeef"
run "a port read returns upstream-dm's all ones, masked to the size" \
	reads 0xffff 0 0x60 2
run "upstream-dm saw the byte writes in order" \
	printed_in_order "pio write 0x3f8 size 1 value 0x48" \
			 "pio write 0x3f8 size 1 value 0x69" \
			 "pio write 0x3f8 size 1 value 0x21"
run "upstream-dm saw the 16-bit write once" \
	printed "pio write 0x510 size 2 value 0xbeef"
run "upstream-dm saw the 32-bit write once" \
	printed "pio write 0x600 size 4 value 0xdeadbeef"
run "upstream-dm saw the read" printed "pio read 0x60 size 2"
run "the poweroff write completes (or is canceled by the poweroff)" \
	dm_poweroff wr 0 0x404 2 0x3400
run "upstream-dm exits 0 after the poweroff" dm_exited
run "upstream-dm shut down in the upstream order" \
	printed_in_order "upstream-dm: the guest powered off" "upstream-dm: done"
run "no VM left after the poweroff" vm_gone upstream

run "upstream-dm starts another VM" start_dm upstream-term
run "a write reaches it" sh -c "hvsimctl io $vmid 0 pio write 0x3f8 1 0x41 &&
				 grep -qxF 'pio write 0x3f8 size 1 value 0x41' $DMOUT"
run "SIGTERM in ATTACH: ATTACH returns 0, upstream-dm exits 0" dm_term
run "no VM left after SIGTERM" vm_gone upstream-term

tap_done
