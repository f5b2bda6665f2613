#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# `make run`: load the HSM and the simulator on a stock kernel and walk a
# VM through its life cycle with the sample device model.

echo
echo "== $(uname -r): loading acrn_hsm and acrn_hvsim"
insmod /lib/acrn/acrn_hsm.ko || exit 1
insmod /lib/acrn/acrn_hvsim.ko || exit 1
hvsimctl info
echo
echo "== sample-dm"
sample-dm demo-vm || exit 1
echo
echo "== hypercalls the simulator saw"
hvsimctl stats
echo
echo "== unloading"
rmmod acrn_hsm && rmmod acrn_hvsim || exit 1
echo "done"
