#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# acrn_hsm and acrn_hvsim load and unload in any order, any number of
# times, and pin each other only while something uses them:
#  - every load/unload order (hsm or hvsim first, both ways round) works,
#    one after the other (each order once in make check, four times in
#    make stress), and sample-dm runs a VM whenever both are loaded;
#  - /dev/acrn_hsm exists iff acrn_hsm is loaded, /dev/acrn_hvsim iff
#    acrn_hvsim is;
#  - with acrn_hsm alone sample-dm fails with "No such device", and works
#    again as soon as acrn_hvsim is loaded, without reloading acrn_hsm;
#  - while a process holds /dev/acrn_hsm open neither module unloads, and
#    both do once that process has exited.
#
# Run in the test VM by tests/guest/check.sh, which has loaded both
# modules and the test module acrn_hsm_test (which needs acrn_hsm, so it
# is unloaded for the duration); they are loaded again on exit. Output is
# TAP.

MODDIR=/lib/acrn
HSM=acrn_hsm
SIM=acrn_hvsim
OUT=/tmp/modules.out
FIFO=/tmp/modules.fifo
CYCLES=1
# make stress (scripts/stress.sh) sets EVENTFD_RACE_ITERS.
[ -n "${EVENTFD_RACE_ITERS:-}" ] && CYCLES=4

. "$(dirname "$0")/lib/tap.sh"

TEST=acrn_hsm_test

# entry 2, 4 orders x CYCLES x 11, hot-plug 5, holding 2 x 7, exit 3
tap_plan $((2 + 4 * CYCLES * 11 + 5 + 2 * 7 + 3))

# run_fails <description> <command...>: ok if the command fails.
run_fails() {
	desc=$1
	shift
	if "$@" >$OUT 2>&1; then
		sed 's/^/# /' $OUT
		report 1 "$desc"
	else
		report 0 "$desc"
	fi
}

# Listed in /proc/modules, in any state (a loop of builtins: a fork
# costs a good part of a second in the test VM).
loaded() {
	while read -r m _; do
		[ "$m" = "$1" ] && return 0
	done </proc/modules
	return 1
}

# present <module> <0|1>: the module and its /dev node are both there or
# both gone.
present() {
	if loaded "$1"; then l=1; else l=0; fi
	if [ -c "/dev/$1" ]; then d=1; else d=0; fi
	[ "$l" = "$2" ] && [ "$d" = "$2" ] && return 0
	echo "# $1: want $2, got loaded=$l /dev/$1=$d"
	return 1
}

# state <hsm 0|1> <hvsim 0|1> <description>
state() {
	present $HSM "$1"
	a=$?
	present $SIM "$2"
	b=$?
	report $((a | b)) "$3: $HSM=$1 $SIM=$2 in lsmod and /dev"
}

# sample-dm runs a VM through its life cycle and leaves no VM behind.
dm_works() {
	sample-dm "modules-$n" || return 1
	grep -q "sample-dm: done" $OUT || return 1
	vms=$(hvsimctl vms) || return 1
	[ -z "$vms" ] || { echo "VMs left: $vms"; return 1; }
}

# dm_fails <error>: sample-dm fails to open /dev/acrn_hsm with <error>.
dm_fails() {
	if sample-dm "modules-$n"; then
		echo "sample-dm succeeded"
		return 1
	fi
	grep -q "/dev/$HSM: $1" $OUT
}

# What sample-dm does with only the given modules loaded.
dm_check() {	# hsm hvsim description
	if [ "$1" = 1 ] && [ "$2" = 1 ]; then
		run "$3: sample-dm works" dm_works
	elif [ "$1" = 1 ]; then
		run "$3: sample-dm fails with No such device" dm_fails "No such device"
	else
		run "$3: sample-dm finds no /dev/$HSM" dm_fails "No such file or directory"
	fi
}

# cycle <first to unload> <first to load> <description>: unload both,
# load both, checking the state after each step. 11 tests.
cycle() {
	if [ "$1" = $HSM ]; then u2=$SIM; else u2=$HSM; fi
	if [ "$2" = $HSM ]; then l2=$SIM; else l2=$HSM; fi
	if [ "$1" = $HSM ]; then h=0 s=1; else h=1 s=0; fi

	run "$3: rmmod $1" rmmod "$1"
	state $h $s "$3: $1 unloaded"
	dm_check $h $s "$3: $1 unloaded"
	run "$3: rmmod $u2" rmmod "$u2"
	state 0 0 "$3: both unloaded"

	if [ "$2" = $HSM ]; then h=1 s=0; else h=0 s=1; fi
	run "$3: insmod $2" insmod "$MODDIR/$2.ko"
	state $h $s "$3: $2 loaded"
	dm_check $h $s "$3: $2 loaded"
	run "$3: insmod $l2" insmod "$MODDIR/$l2.ko"
	state 1 1 "$3: both loaded"
	dm_check 1 1 "$3: both loaded"
}

# hold: a process that keeps /dev/acrn_hsm open until release is called.
# Output: the process id. Fails if it could not open the device.
hold() {
	rm -f $FIFO
	mkfifo $FIFO || return 1
	sh -c "exec 5<>/dev/$HSM || exit 1; read x <$FIFO" &
	holder=$!
	w=0
	while [ $w -lt 100 ] && kill -0 $holder 2>/dev/null; do
		[ "$(readlink /proc/$holder/fd/5)" = "/dev/$HSM" ] && return 0
		sleep 0.1
		w=$((w + 1))
	done
	echo "the holder did not open /dev/$HSM"
	return 1
}

# release: let the holder exit by itself and reap it; its file is closed
# (and released) before wait returns.
release() {
	kill -0 "$holder" 2>/dev/null && echo go >$FIFO
	wait "$holder"
	rm -f $FIFO
}

refcnt() {
	cat "/sys/module/$1/refcnt" 2>/dev/null || echo 0
}

pinned() {
	[ "$(refcnt $HSM)" -ge 1 ] && [ "$(refcnt $SIM)" -ge 1 ] && return 0
	echo "refcnt $HSM=$(refcnt $HSM) $SIM=$(refcnt $SIM)"
	return 1
}

# holding <module>: that module cannot be unloaded while /dev/acrn_hsm
# is open, and can once the holder has exited. 7 tests.
holding() {
	run "hold($1): a process holds /dev/$HSM open" hold
	run "hold($1): the open file pins both modules" pinned
	run_fails "hold($1): rmmod $1 fails while /dev/$HSM is open" rmmod "$1"
	state 1 1 "hold($1): after the failed rmmod"
	dm_check 1 1 "hold($1): while /dev/$HSM is held"
	release
	run "hold($1): rmmod $1 works once the holder exited" rmmod "$1"
	run "hold($1): insmod $1" insmod "$MODDIR/$1.ko"
}

run "entry: rmmod $TEST, which pins $HSM" rmmod $TEST
state 1 1 "on entry"

i=1
while [ $i -le $CYCLES ]; do
	cycle $SIM $HSM "cycle $i unload hvsim,hsm load hsm,hvsim"
	cycle $SIM $SIM "cycle $i unload hvsim,hsm load hvsim,hsm"
	cycle $HSM $HSM "cycle $i unload hsm,hvsim load hsm,hvsim"
	cycle $HSM $SIM "cycle $i unload hsm,hvsim load hvsim,hsm"
	i=$((i + 1))
done

# The simulator comes and goes under a loaded acrn_hsm.
run "hot-plug: rmmod $SIM" rmmod $SIM
state 1 0 "hot-plug: $HSM alone"
dm_check 1 0 "hot-plug: $HSM alone"
run "hot-plug: insmod $SIM" insmod "$MODDIR/$SIM.ko"
dm_check 1 1 "hot-plug: $SIM back, $HSM not reloaded"

holding $SIM
holding $HSM

# Leave both loaded, whatever happened above.
loaded $HSM || insmod "$MODDIR/$HSM.ko"
loaded $SIM || insmod "$MODDIR/$SIM.ko"
state 1 1 "on exit"
dm_check 1 1 "on exit"
run "exit: insmod $TEST" insmod "$MODDIR/$TEST.ko"
tap_done
