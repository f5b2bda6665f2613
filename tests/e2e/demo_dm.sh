#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# sample-dm as a device model behind real I/O requests: guest accesses
# injected with `hvsimctl io` reach it through the HSM and come back with
# its values.
#  - the UART's THR writes (from vCPU 1, so slots other than 0 are
#    scanned) are printed as a "guest console:" line; LSR reads 0x60,
#    LCR and SCR keep what was written;
#  - the UART's THR-empty interrupt: the guest setting IER bit 1 makes
#    sample-dm pulse IRQ 4 once (exactly one new "irqline gsi=4
#    op=raising_pulse" in the simulator's event log of the VM), IIR
#    reports it (0xc2, FIFOs on) and the read clears it (0xc1); each
#    byte sent with the bit set raises it again; IER=0 raises nothing;
#  - PCI configuration space through 0xcf8/0xcfc: the address latch, the
#    ids and class of 00:03.0, a 16-bit read at 0xcfe, all ones for empty
#    slots and with the enable bit clear, BAR0 sizing;
#  - the scratch register in BAR0 reads back what was written, and the
#    write is printed;
#  - unhandled port and MMIO reads return all ones;
#  - guest RAM: sample-dm's 16 MiB at 0 are in the simulated EPT, bytes
#    written with `hvsimctl mem` read back, an MMIO read of RAM returns
#    memory, the doorbell makes sample-dm print what the guest wrote
#    (read from its own mapping), unmapped memory is reported;
#  - the PM1a_CNT poweroff write is delivered, then sample-dm shuts down
#    (ATTACH ends with ENODEV), exits 0 and leaves no VM; SIGTERM shuts it
#    down cleanly too.
#
# Run in the test VM by tests/guest/check.sh with both modules loaded.
# Output is TAP.

. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/dm.sh"

OUT=/tmp/demo_dm.out
DM=sample-dm
DMOUT=/tmp/demo_dm.dm
VM=demo-dm

tap_plan 42

# start_dm <name>: sample-dm --wait in the background, output in $DMOUT;
# sets dm (its pid) and vmid once the VM runs.
start_dm() {
	sample-dm --wait "$1" >$DMOUT 2>&1 &
	dm=$!
	vmid=
	i=0
	while [ $i -lt 100 ] && kill -0 "$dm" 2>/dev/null; do
		vmid=$(hvsimctl vms |
			awk -v n="name=$1" '$2 == "running" && $4 == n { print $1 }')
		[ -n "$vmid" ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	cat $DMOUT
	return 1
}

# rd <vcpu> <pio|mmio> <address> <size>: prints the value read, 0x<hex>.
rd() {
	[ -n "$vmid" ] || { echo "no VM"; return 1; }
	hvsimctl io "$vmid" "$1" "$2" read "$3" "$4"
}

# wr <vcpu> <pio|mmio> <address> <size> <value>
wr() {
	[ -n "$vmid" ] || { echo "no VM"; return 1; }
	hvsimctl io "$vmid" "$1" "$2" write "$3" "$4" "$5"
}

# reads <want> <vcpu> <pio|mmio> <address> <size>
reads() {
	want=$(printf '0x%x' "$1")
	shift
	got=$(rd "$@") || return 1
	[ "$got" = "$want" ] && return 0
	echo "read $got, want $want"
	return 1
}

# puts <vcpu> <text>: a line to the UART, a byte at a time.
puts() {
	s=$2
	while [ -n "$s" ]; do
		rest=${s#?}
		c=${s%"$rest"}
		s=$rest
		wr "$1" pio 0x3f8 1 "$(printf '%d' "'$c")" || return 1
	done
	wr "$1" pio 0x3f8 1 10
}

uart_init() {
	wr 0 pio 0x3fb 1 0x80 && wr 0 pio 0x3f8 1 1 && wr 0 pio 0x3f9 1 0 &&
		wr 0 pio 0x3fb 1 0x03 && wr 0 pio 0x3fa 1 0x07
}

# The simulator's event log of the VM (hvsimctl events): mark_events
# notes its newest sequence number; new_events <n> <regex> checks that
# exactly <n> events were logged since, all matching <regex>.
mark_events() {
	ev=$(hvsimctl events "$vmid" --seq) || return 1
	seq0=$(echo "$ev" | awk 'END { print $1 + 0 }')
}

new_events() {
	ev=$(hvsimctl events "$vmid" --since "$seq0") || return 1
	lines=$(echo "$ev" | grep -c .)
	match=$(echo "$ev" | grep -c "$2")
	[ "$lines" = "$1" ] && [ "$match" = "$1" ] && return 0
	echo "want $1 new events matching \"$2\", got $lines:"
	echo "$ev"
	return 1
}

IRQ4="^irqline gsi=4 op=raising_pulse$"

# wr_events <n> <vcpu> <pio|mmio> <address> <size> <value>: the write
# adds <n> IRQ 4 pulses to the event log and nothing else.
wr_events() {
	want=$1
	shift
	mark_events && wr "$@" && new_events "$want" "$IRQ4"
}

# puts_events <n> <vcpu> <text>: as wr_events, for a line to the UART.
puts_events() {
	want=$1
	shift
	mark_events && puts "$@" && new_events "$want" "$IRQ4"
}

# iir_reads <want...>: IIR reads these values, one read each.
iir_reads() {
	for v; do
		reads "$v" 0 pio 0x3fa 1 || return 1
	done
}

ier_off() {
	wr_events 0 0 pio 0x3f9 1 0 && iir_reads 0xc1
}

# latch_reads <want> <configuration address> <port> <size>: write the
# address to 0xcf8, then a read of <port> returns <want>.
latch_reads() {
	wr 0 pio 0xcf8 4 "$2" && reads "$1" 0 pio "$3" "$4"
}

# keeps <pio|mmio> <address> <size> <value>: a register reads back what
# was written.
keeps() {
	wr 0 "$1" "$2" "$3" "$4" && reads "$4" 0 "$1" "$2" "$3"
}

bar_sizing() {
	latch_reads 0xc0000000 0x80001810 0xcfc 4 &&
		wr 0 pio 0xcfc 4 0xffffffff && reads 0xfffff000 0 pio 0xcfc 4 &&
		wr 0 pio 0xcfc 4 0xc0000000 && reads 0xc0000000 0 pio 0xcfc 4
}

# ram_* : guest RAM through the simulator's EPT (hvsimctl mem, ept).
ram_mapped() {
	hvsimctl ept "$vmid" | grep -q '^mapped_pages=4096 '
}

ram_roundtrip() {
	text=68656c6c6f2067756573742072616d00	# "hello guest ram"
	hvsimctl mem "$vmid" write 0x2000 $text &&
		[ "$(hvsimctl mem "$vmid" read 0x2000 16)" = $text ]
}

ram_unmapped() {
	! hvsimctl mem "$vmid" read 0xfffff0 32 >/tmp/ram.out 2>&1 &&
		grep -q 'guest memory at 0x1000000 is not mapped' /tmp/ram.out
}

run "sample-dm --wait starts a running VM" start_dm $VM

run "uart: 8250 set-up writes complete" uart_init
run "uart: LCR keeps its value" reads 0x03 0 pio 0x3fb 1
run "uart: SCR keeps its value" keeps pio 0x3ff 1 0xa5
run "uart: LSR reads 0x60 (transmitter empty)" reads 0x60 0 pio 0x3fd 1
run "uart: IIR reads 0xc1 (FIFOs on, no interrupt)" reads 0xc1 0 pio 0x3fa 1
# Short: each byte is an hvsimctl process, and a process costs a good
# part of a second in the test VM.
run "uart: a line written by vCPU 1" puts 1 "hi 1"
run "uart: IER=0x02 (THR empty) pulses IRQ 4 once" \
	wr_events 1 0 pio 0x3f9 1 0x02
run "uart: IER reads 0x02" reads 0x02 0 pio 0x3f9 1
run "uart: IIR reads 0xc2 (THR empty), then 0xc1 (the read cleared it)" \
	iir_reads 0xc2 0xc1
run "uart: each byte sent with IER bit 1 set pulses IRQ 4 (2 for \"i\\n\")" \
	puts_events 2 0 "i"
run "uart: IIR reads 0xc2 after the byte, then 0xc1" iir_reads 0xc2 0xc1
run "uart: IER=0 raises nothing, IIR reads 0xc1" ier_off

run "pci: 0xcf8 reads back the latched address" latch_reads 0x80001800 0x80001800 0xcf8 4
run "pci: 00:03.0 vendor and device ids" latch_reads 0x0001acd0 0x80001800 0xcfc 4
run "pci: 16-bit read at 0xcfe is the device id" latch_reads 0x0001 0x80001800 0xcfe 2
run "pci: 8-bit read at 0xcfd is the vendor id's high byte" \
	latch_reads 0xac 0x80001800 0xcfd 1
run "pci: class and revision" latch_reads 0xff000001 0x80001808 0xcfc 4
run "pci: empty slot 00:04.0 reads all ones" latch_reads 0xffffffff 0x80002000 0xcfc 4
run "pci: bus 1 reads all ones" latch_reads 0xffffffff 0x80011800 0xcfc 4
run "pci: enable bit clear reads all ones" latch_reads 0xffffffff 0x00001800 0xcfc 4
run "pci: BAR0 sizing reads 0xfffff000, then the BAR is restored" bar_sizing

run "mmio: the scratch register reads back what was written" \
	keeps mmio 0xc0000000 4 0x600dcafe
run "mmio: an unhandled address reads all ones" reads 0xffffffff 0 mmio 0xd0000000 4
run "pio: an unhandled port reads all ones" reads 0xff 0 pio 0x80 1

run "ram: sample-dm gave the guest 16 MiB at guest physical 0" ram_mapped
run "ram: bytes the guest writes read back through its EPT" ram_roundtrip
run "ram: an MMIO read of RAM is a memory access (no request)" \
	reads 0x6c6c6568 0 mmio 0x2000 4
run "ram: the doorbell makes sample-dm read the guest's text" \
	wr 0 mmio 0xc0000004 4 0x2000
run "ram: unmapped guest memory is reported as such" ram_unmapped
run "pio: the PM1a_CNT poweroff write completes (or is canceled by the poweroff)" \
	dm_poweroff wr 0 pio 0x404 2 0x3400
run "sample-dm exits 0 after the guest powered off" dm_exited

run "sample-dm printed the guest's line" dm_printed "^guest console: hi 1$"
run "sample-dm printed that it raised IRQ 4" \
	dm_printed "^sample-dm: uart: IER=0x02, raising IRQ 4$"
run "sample-dm printed the scratch register write" \
	dm_printed "scratch register <- 0x600dcafe"
run "sample-dm printed the guest's text from its RAM" \
	dm_printed "guest memory at 0x2000: hello guest ram$"
run "sample-dm printed the unhandled accesses" \
	dm_printed "unhandled mmio read 0xd0000000" "unhandled pio read 0x80 "
run "sample-dm shut down: ATTACH ended with ENODEV, DESTROY_VM ok" \
	dm_printed "ATTACH_IOREQ_CLIENT: No such device" "^DESTROY_VM  *ok" \
		   "^sample-dm: done"
run "no VM left after the poweroff" vm_gone $VM

run "sample-dm --wait starts another VM" start_dm $VM-term
run "sample-dm shuts down cleanly on SIGTERM" dm_term
run "no VM left after SIGTERM" vm_gone $VM-term

tap_done
