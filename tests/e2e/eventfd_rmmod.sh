#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# rmmod vs signal: acrn_hsm is unloaded and loaded again, twice (16
# times in make stress), while processes that keep eventfds open write
# to them without pause.
# Each cycle a VM gets irqfds and ioeventfds on those eventfds, its
# /dev/acrn_hsm file is closed, and acrn_hsm is unloaded under the
# writes: an irqfd's wait entry left on an eventfd would run unloaded
# code at the next write (an oops; KASAN, lockdep and kmemleak reports
# are found by the VM harness' console scan). At least 100000 writes in
# all; afterwards the eventfds must count the writes (nothing bound).
#
# The VM set-up and the writers are "eventfd_races rmmod" (forked
# writers, one "setup" command per cycle on a fifo). Run in the test VM
# by tests/guest/check.sh, which has loaded both modules and the test
# module acrn_hsm_test (unloaded here, since it pins acrn_hsm); both are
# loaded again on exit. Output is TAP.

MODDIR=/lib/acrn
HSM=acrn_hsm
TEST=acrn_hsm_test
DIR=$(dirname "$0")
PROG=$DIR/eventfd_races
OUT=/tmp/eventfd_rmmod.out
CMD=/tmp/eventfd_rmmod.cmd
ACK=/tmp/eventfd_rmmod.ack
WRITES=100000
CYCLES=2

. "$DIR/lib/tap.sh"

# A helper that died shows as an empty answer, not as SIGPIPE here.
trap '' PIPE

if [ ! -x "$PROG" ]; then
	echo "1..0 # SKIP $PROG not built"
	exit 0
fi

# make stress (scripts/stress.sh) sets EVENTFD_RACE_ITERS.
[ -n "${EVENTFD_RACE_ITERS:-}" ] && CYCLES=16

# acrn_hsm_test uses acrn_hsm's exports: it would keep acrn_hsm loaded.
reload_test=
if grep -q "^$TEST " /proc/modules; then
	rmmod $TEST || { echo "Bail out! cannot unload $TEST"; exit 1; }
	reload_test=1
fi

cleanup() {
	[ -n "$helper" ] && kill "$helper" 2>/dev/null
	grep -q "^$HSM " /proc/modules || insmod "$MODDIR/$HSM.ko"
	[ -n "$reload_test" ] && insmod "$MODDIR/$TEST.ko"
	rm -f $CMD $ACK
}
trap cleanup EXIT

# start 1, per cycle 3, writes 1, helper exit 1, dmesg 1
tap_plan $((1 + 3 * CYCLES + 3))

dmesg_before=$(dmesg | wc -l)

start() {
	rm -f $CMD $ACK
	mkfifo $CMD $ACK || return 1
	"$PROG" rmmod <$CMD >$ACK 2>$OUT.helper &
	helper=$!
	exec 7>$CMD 8<$ACK
}

# ask <command>: send it, the answer line in $answer.
ask() {
	echo "$1" >&7
	read -r answer <&8
	echo "# $1: $answer"
}

setup() {
	ask setup
	case $answer in ok*) return 0 ;; esac
	return 1
}

# A file closed a moment ago may still pin the module briefly.
unload() {
	i=0
	until rmmod $HSM; do
		i=$((i + 1))
		[ $i -lt 30 ] || return 1
		sleep 0.1
	done
	! grep -q "^$HSM " /proc/modules
}

load() {
	insmod "$MODDIR/$HSM.ko" || return 1
	i=0
	until [ -c /dev/$HSM ]; do
		i=$((i + 1))
		[ $i -lt 50 ] || return 1
		sleep 0.1
	done
}

run "writers started on open eventfds" start

c=1
while [ $c -le $CYCLES ]; do
	run "cycle $c: a VM with irqfds and ioeventfds, its file closed" setup
	run "cycle $c: rmmod $HSM under the writes" unload
	run "cycle $c: insmod $HSM under the writes" load
	c=$((c + 1))
done

ask "stop $WRITES"
writes=$(echo "$answer" | awk '$1 == "writes" { print $2 }')
[ "${writes:-0}" -ge $WRITES ]
report $? "at least $WRITES writes in all (${writes:-0})"
exec 7>&- 8<&-
wait "$helper"
rc=$?
helper=
sed 's/^/# /' $OUT.helper
report $rc "the writers ended well, every eventfd counting its writes"

# The console scan sees everything; this names the culprit in the TAP.
new=$(dmesg | tail -n +$((dmesg_before + 1)) |
	grep -E 'BUG|WARNING|Oops|KASAN|general protection|circular locking')
[ -z "$new" ]
rc=$?
[ $rc = 0 ] || echo "$new" | sed 's/^/# /'
report $rc "no kernel report in dmesg"
tap_done
