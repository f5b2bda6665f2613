# SPDX-License-Identifier: GPL-2.0
#
# Helpers for tests that run a device model program in the background
# and play its guest with hvsimctl, sourced after lib/tap.sh. The test
# sets DM (the program's name, for messages), DMOUT (its output file),
# and, once started, dm (its pid) and vmid (its VM).
#
#   dm_exited          wait up to 10 s for it to exit by itself, status 0
#   dm_term            SIGTERM until it exits (a signal that lands between
#                      two ATTACH calls is seen at the next one), then
#                      dm_exited
#   dm_printed <re...> each regex matches a line of its output
#   dm_poweroff <cmd>  run the guest's poweroff access <cmd...>: it
#                      completes, or is canceled because the device
#                      model destroyed the VM before the vCPU resumed
#                      (as on ACRN, where that vCPU never runs again)
#   vm_gone <name>     the simulator has no VM called <name>

dm_exited() {
	i=0
	while [ $i -lt 100 ] && kill -0 "$dm" 2>/dev/null; do
		sleep 0.1
		i=$((i + 1))
	done
	if kill -0 "$dm" 2>/dev/null; then
		kill -KILL "$dm"
		wait "$dm"
		echo "$DM did not exit"
		cat "$DMOUT"
		return 1
	fi
	wait "$dm"
	rc=$?
	[ $rc = 0 ] && return 0
	echo "$DM exit status $rc"
	cat "$DMOUT"
	return 1
}

dm_term() {
	i=0
	while [ $i -lt 20 ] && kill -TERM "$dm" 2>/dev/null; do
		sleep 0.5
		kill -0 "$dm" 2>/dev/null || break
		i=$((i + 1))
	done
	dm_exited
}

dm_printed() {
	for re; do
		grep -q "$re" "$DMOUT" && continue
		echo "no \"$re\" in:"
		cat "$DMOUT"
		return 1
	done
}

dm_poweroff() {
	out=$("$@" 2>&1) && return 0
	case $out in
	*"Operation canceled"*) return 0 ;;
	esac
	echo "$out"
	return 1
}

vm_gone() {
	left=$(hvsimctl vms | grep " name=$1\$")
	[ -z "$left" ] && return 0
	echo "left: $left"
	return 1
}
