#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# `make run`: load the HSM and the simulator on a stock kernel, start the
# sample device model and play a tiny guest against it. Each access the
# guest makes is one `hvsimctl io`: the simulated hypervisor traps it as
# it would trap a vCPU's in/out or MMIO instruction, the HSM hands it to
# sample-dm, and the value sample-dm returns comes back here.
#
# The guest: greets through the 16550 UART at 0x3f8, enables its
# THR-empty interrupt (sample-dm pulses IRQ 4, which the simulator's
# event log of the VM shows at the end), probes PCI
# configuration space through 0xcf8/0xcfc, finds sample-dm's device at
# 00:03.0 and sizes its BAR, uses the scratch register in that BAR, puts
# a line in its RAM for the device's doorbell and powers off through
# PM1a_CNT. Exit status 0 only if every step worked.

VM=demo-vm
fail=0

bad() {
	echo "demo: FAILED: $*"
	fail=1
	return 1
}

echo
echo "== $(uname -r): loading acrn_hsm and acrn_hvsim"
insmod /lib/acrn/acrn_hsm.ko || exit 1
insmod /lib/acrn/acrn_hvsim.ko || exit 1
hvsimctl info

# Hugepages for guest RAM, as acrn-dm wants them (sample-dm falls back
# to 4 KiB pages without).
echo 8 >/proc/sys/vm/nr_hugepages

echo
echo "== sample-dm --wait $VM: the device model, in the background"
sample-dm --wait $VM &
dm=$!

# The VM's id, once sample-dm has started it.
vmid=
i=0
while [ $i -lt 100 ] && kill -0 $dm 2>/dev/null; do
	vmid=$(hvsimctl vms | awk -v n="name=$VM" '$2 == "running" && $4 == n { print $1 }')
	[ -n "$vmid" ] && break
	sleep 0.1
	i=$((i + 1))
done

# The guest's instructions, on vCPU 0.

# rd <pio|mmio> <address> <size>: prints the value read, 0x<hex>.
rd() {
	hvsimctl io "$vmid" 0 "$1" read "$2" "$3"
}

# wr <pio|mmio> <address> <size> <value>
wr() {
	hvsimctl io "$vmid" 0 "$1" write "$2" "$3" "$4" >/dev/null
}

# expect <what> <want> <pio|mmio> <address> <size>: a read returns <want>.
expect() {
	what=$1
	want=$(printf '0x%x' "$2")
	shift 2
	got=$(rd "$@") || return 1
	[ "$got" = "$want" ] || bad "$what reads $got, not $want"
}

# puts <text>: one line on the serial console, a byte at a time.
puts() {
	s=$1
	while [ -n "$s" ]; do
		rest=${s#?}
		c=${s%"$rest"}
		s=$rest
		wr pio 0x3f8 1 "$(printf '%d' "'$c")" || return 1
	done
	wr pio 0x3f8 1 10
}

# The configuration address of 00:<dev>.0, register <reg>.
cfg_addr() {
	printf '0x%x' $((0x80000000 | $1 << 11 | $2))
}

# cfg_read <dev> <reg> <size>
cfg_read() {
	wr pio 0xcf8 4 "$(cfg_addr "$1" $(($2 & ~3)))" &&
		rd pio $((0xcfc + ($2 & 3))) "$3"
}

# cfg_write <dev> <reg> <size> <value>
cfg_write() {
	wr pio 0xcf8 4 "$(cfg_addr "$1" $(($2 & ~3)))" &&
		wr pio $((0xcfc + ($2 & 3))) "$3" "$4"
}

serial_init() {
	wr pio 0x3f9 1 0 &&		# IER: no interrupts
	wr pio 0x3fb 1 0x80 &&		# LCR: DLAB, to set the divisor
	wr pio 0x3f8 1 1 &&		# DLL: 115200 baud
	wr pio 0x3f9 1 0 &&		# DLM
	wr pio 0x3fb 1 0x03 &&		# LCR: 8N1
	wr pio 0x3fa 1 0x07 &&		# FCR: FIFOs on, cleared
	wr pio 0x3ff 1 0xa5 &&		# SCR: is anybody there?
	expect "UART scratch register" 0xa5 pio 0x3ff 1 &&
	expect "UART LCR" 0x03 pio 0x3fb 1 &&
	expect "UART LSR" 0x60 pio 0x3fd 1
}

# The UART's interrupt, as the 8250 driver starts sending: IER bit 1 on
# with THR empty makes sample-dm pulse IRQ 4 (SET_IRQLINE); the handler
# reads IIR (THR empty, FIFOs on; the read clears it) and, with nothing
# more to send, turns the interrupt off again.
serial_irq() {
	wr pio 0x3f9 1 0x02 &&		# IER: interrupt when THR is empty
	expect "UART IIR" 0xc2 pio 0x3fa 1 &&
	expect "UART IIR after reading it" 0xc1 pio 0x3fa 1 &&
	wr pio 0x3f9 1 0 &&		# IER: no interrupts
	puts "serial: THR empty interrupt on IRQ 4"
}

# Finds the first device on bus 0; sets dev.
pci_scan() {
	wr pio 0xcf8 4 0x80000000 &&
	expect "0xcf8 (configuration address)" 0x80000000 pio 0xcf8 4 ||
		return 1
	dev=
	for d in 0 1 2 3 4 5; do
		id=$(cfg_read $d 0 4) || return 1
		[ "$id" = 0xffffffff ] && continue
		class=$(cfg_read $d 8 4) || return 1
		puts "pci 00:0$d.0: [$(printf '%04x:%04x' $((id & 0xffff)) $((id >> 16)))] class $(printf '0x%06x' $((class >> 8)))" ||
			return 1
		[ -z "$dev" ] && dev=$d
	done
	[ -n "$dev" ] || bad "no PCI device on bus 0"
}

# Sizes BAR0 of 00:<dev>.0 with memory decoding off, as an OS does; sets bar.
pci_bar0() {
	cmd=$(cfg_read "$dev" 4 2) &&
	cfg_write "$dev" 4 2 $((cmd & ~2)) &&
	bar=$(cfg_read "$dev" 0x10 4) &&
	cfg_write "$dev" 0x10 4 0xffffffff &&
	mask=$(cfg_read "$dev" 0x10 4) &&
	cfg_write "$dev" 0x10 4 "$bar" &&
	cfg_write "$dev" 4 2 $((cmd | 2)) &&
	v=$(cfg_read "$dev" 0x10 4) || return 1
	[ "$v" = "$bar" ] || { bad "BAR0 reads $v after sizing, not $bar"; return 1; }
	size=$(((~(mask & ~0xf) + 1) & 0xffffffff))
	bar=$((bar & ~0xf))
	[ "$size" = 4096 ] || { bad "BAR0 size $size, not 4096"; return 1; }
	puts "pci 00:0$dev.0: BAR0 [mem $(printf '0x%08x-0x%08x' $bar $((bar + size - 1)))]"
}

scratch() {
	wr mmio "$bar" 4 0x600dcafe &&
	v=$(rd mmio "$bar" 4) || return 1
	[ "$v" = 0x600dcafe ] ||
		{ bad "scratch register reads $v, not 0x600dcafe"; return 1; }
	puts "sample device: scratch register reads back $v"
}

# The guest puts a line in its RAM (hvsimctl mem: a plain memory write
# through the EPT, no I/O request) and rings the sample device's doorbell
# with its address: sample-dm prints it from its own mapping of guest RAM.
ram() {
	text="guest RAM works"
	hex=$(printf '%s' "$text" | od -An -tx1 | tr -d ' \n')00
	hvsimctl mem "$vmid" write 0x8000 "$hex" || return 1
	v=$(hvsimctl mem "$vmid" read 0x8000 ${#text}) || return 1
	[ "${v}00" = "$hex" ] || { bad "guest RAM reads $v"; return 1; }
	wr mmio $((bar + 4)) 4 0x8000 &&
	puts "ram: wrote \"$text\" at 0x8000 and rang the doorbell"
}

# PM1a_CNT: SLP_EN | SLP_TYP 5 (S5). sample-dm powers the VM off once it
# has completed the write, so the access may be canceled instead: the VM
# is gone before the vCPU resumes, as on ACRN.
poweroff() {
	out=$(hvsimctl io "$vmid" 0 pio write 0x404 2 0x3400 2>&1) && return 0
	case $out in
	*"Operation canceled"*) return 0 ;;
	esac
	echo "$out"
	return 1
}

guest() {
	serial_init || return 1
	puts "Hello from the sample guest of VM $vmid" &&
	puts "serial: 16550 at 0x3f8" &&
	serial_irq &&
	pci_scan && pci_bar0 && scratch && ram &&
	puts "Powering off." &&
	poweroff
}

if [ -n "$vmid" ]; then
	echo
	echo "== the guest: hvsimctl io plays vCPU 0 of VM $vmid"
	guest || bad "the guest did not get to power off"
else
	bad "sample-dm did not start a VM"
fi

# sample-dm exits once the guest powered off; SIGTERM if it did not.
[ $fail = 1 ] && kill -TERM $dm 2>/dev/null
i=0
while [ $i -lt 100 ] && kill -0 $dm 2>/dev/null; do
	sleep 0.1
	i=$((i + 1))
done
kill -0 $dm 2>/dev/null && kill -KILL $dm && bad "sample-dm did not exit"
wait $dm || bad "sample-dm exit status $?"
left=$(hvsimctl vms)
[ -z "$left" ] || bad "VMs left: $left"

# The slot's log outlives the VM: its whole life, with the IRQ 4 pulse.
if [ -n "$vmid" ]; then
	echo
	echo "== hvsimctl events $vmid: what the simulator did for the VM"
	events=$(hvsimctl events "$vmid") || bad "hvsimctl events $vmid"
	echo "$events"
	case $events in
	*"irqline gsi=4 op=raising_pulse"*) ;;
	*) bad "no IRQ 4 pulse in the event log" ;;
	esac
fi

echo
echo "== hypercalls the simulator saw"
hvsimctl stats
echo
echo "== unloading"
rmmod acrn_hsm && rmmod acrn_hvsim || exit 1
[ $fail = 0 ] && echo "done"
exit $fail
