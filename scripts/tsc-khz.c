// SPDX-License-Identifier: GPL-2.0
/*
 * Print the host's TSC frequency in kHz, measured against
 * CLOCK_MONOTONIC_RAW over a fifth of a second. Under TCG the guest's
 * TSC is the host's, and the debug kernels find no timer to calibrate it
 * against (no HPET, no ACPI PM timer): scripts/qemu.sh passes this as
 * tsc_early_khz= so that the guest keeps time with the TSC instead of
 * jiffies (which run slow under TCG, with timers of 4 ms granularity).
 */
#include <stdio.h>
#include <time.h>
#include <x86intrin.h>

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC_RAW, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

int main(void)
{
	double t0, t1;
	unsigned long long c0, c1;

	t0 = now();
	c0 = __rdtsc();
	do
		t1 = now();
	while (t1 - t0 < 0.2);
	c1 = __rdtsc();
	if (c1 <= c0)
		return 1;
	printf("%.0f\n", (c1 - c0) / (t1 - t0) / 1000);
	return 0;
}
