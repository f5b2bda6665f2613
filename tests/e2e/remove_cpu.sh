#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Giving a Service VM CPU to the hypervisor through the HSM's remove_cpu
# attribute (/sys/devices/virtual/misc/acrn_hsm/remove_cpu):
#  - the attribute is there, write-only (mode 0200), and cannot be read;
#  - CPU 0, CPUs the system does not have and words that are not numbers
#    are refused with EINVAL, before anything is offlined or asked of the
#    hypervisor;
#  - writing 1 offlines CPU 1 and hands it over: the simulator logs
#    exactly "offline_cpu lapic=<APIC id of CPU 1> cpu=1" in slot 0 (the
#    Service VM);
#  - if the hypervisor refuses (an injected -1), the write fails with
#    EBUSY and CPU 1 is online again, nothing logged;
#  - a CPU already offline is handed over as it is (one event again: the
#    simulator forgets a CPU it was given once Linux brings it online);
#    handing it over a second time while it is still offline succeeds
#    and logs nothing (the hypervisor has it already).
# CPU 1 is brought online again after each step and on exit, whatever
# happened, so later tests have both CPUs.
#
# Run in the test VM (2 CPUs) by tests/guest/check.sh with both modules
# loaded. Output is TAP.

OUT=/tmp/remove_cpu.out
ATTR=/sys/devices/virtual/misc/acrn_hsm/remove_cpu
CPU1=/sys/devices/system/cpu/cpu1/online

. "$(dirname "$0")/lib/tap.sh"

# online1: $on1 is what CPU 1's online file reads (builtins only: a fork
# costs a good part of a second in the test VM).
online1() {
	on1=
	read -r on1 <$CPU1 2>/dev/null
}

# Whatever happens: no fault left armed, CPU 1 online.
restore() {
	hvsimctl clear-faults >/dev/null 2>&1
	online1
	[ "$on1" = 1 ] || echo 1 >$CPU1
}
trap restore EXIT
trap 'exit 1' INT TERM

tap_plan 21

# write_attr <value>: write "<value>\n" to the attribute in a shell of its
# own, so a failed write is an exit status and a message in $OUT.
write_attr() {
	sh -c "echo '$1' >$ATTR" >$OUT 2>&1
}

# refused <value> <error>: the write fails with <error> (a word of
# strerror(), any case), and CPU 1 stays as it was.
refused() {
	online1
	was=$on1
	if write_attr "$1"; then
		echo "writing '$1' succeeded"
		return 1
	fi
	if ! grep -qi "$2" $OUT; then
		echo "writing '$1': want \"$2\", got:"
		cat $OUT
		return 1
	fi
	online1
	[ "$on1" = "$was" ] && return 0
	echo "cpu1/online went from $was to $on1"
	return 1
}

# The Service VM's event log in the simulator (slot 0): mark_events notes
# its newest sequence number; new_events <n> [<line>] checks that exactly
# <n> events were logged since, each the line <line>.
mark_events() {
	seq0=
	ev=$(hvsimctl events 0 --seq 2>&1) || return 1
	seq0=$(echo "$ev" | awk 'END { print $1 + 0 }')
}

new_events() {
	if [ -z "$seq0" ]; then
		echo "the event log could not be read before: $ev"
		return 1
	fi
	ev=$(hvsimctl events 0 --since "$seq0") || return 1
	lines=$(echo "$ev" | grep -c .)
	match=0
	[ -n "${2:-}" ] && match=$(echo "$ev" | grep -cxF "$2")
	[ "$lines" = "$1" ] && [ "$match" = "$1" ] && return 0
	echo "want $1 new events \"${2:-}\", got $lines:"
	echo "$ev"
	return 1
}

# cpu1_is <0|1>
cpu1_is() {
	online1
	[ "$on1" = "$1" ] && return 0
	echo "cpu1/online is $on1, want $1"
	return 1
}

# set_cpu1 <0|1>: through the CPU's own online file.
set_cpu1() {
	echo "$1" >$CPU1 && cpu1_is "$1"
}

# --- the attribute ---

run "remove_cpu is there with mode 0200" \
	sh -c "[ \"\$(stat -c %a $ATTR)\" = 200 ]"
run "reading remove_cpu fails" sh -c "! cat $ATTR"
ncpus=$(nproc)
run "the VM has 2 CPUs, CPU 1 online" sh -c "[ $ncpus = 2 ] && [ \"\$(cat $CPU1)\" = 1 ]"

# --- refused before anything happens ---

mark_events
run "writing 0 (the boot CPU) fails with EINVAL" refused 0 "invalid argument"
run "writing $ncpus (no such CPU) fails with EINVAL" refused "$ncpus" "invalid argument"
run "writing 4096 fails with EINVAL" refused 4096 "invalid argument"
run "writing abc fails with EINVAL" refused abc "invalid argument"
run "writing -1 fails with EINVAL" refused -1 "invalid argument"
run "refused writes log nothing" new_events 0

# --- CPU 1 handed over ---

apic=$(awk -F': *' '/^processor/ { p = $2 } /^apicid/ && p == 1 { print $2; exit }' /proc/cpuinfo)
run "CPU 1 has an APIC id ($apic)" sh -c "[ -n '$apic' ]"
mark_events
run "writing 1 succeeds" write_attr 1
run "CPU 1 is offline" cpu1_is 0
run "one event: offline_cpu lapic=$apic cpu=1" new_events 1 "offline_cpu lapic=$apic cpu=1"
run "CPU 1 comes back online" set_cpu1 1

# --- the hypervisor refuses ---

run "arm the refusal of sos_remove_cpu" hvsimctl fault sos_remove_cpu -1
mark_events
run "writing 1 fails with EBUSY, CPU 1 online again" refused 1 "busy"
run "a refused hand-over logs nothing" new_events 0
run "clear the faults" hvsimctl clear-faults

# --- a CPU that is offline already ---

# handover <events>: writing 1 succeeds, CPU 1 is offline, and <events>
# offline_cpu events (0 or 1) were logged.
handover() {
	mark_events || return 1
	if ! write_attr 1; then
		cat $OUT
		return 1
	fi
	cpu1_is 0 && new_events "$1" "offline_cpu lapic=$apic cpu=1"
}
offline_handover() {
	set_cpu1 0 && handover 1
}
run "CPU 1 offline, writing 1 succeeds, one event" offline_handover
run "writing 1 again succeeds, CPU 1 stays offline, no event" handover 0
run "CPU 1 comes back online" set_cpu1 1

tap_done
