# SPDX-License-Identifier: GPL-2.0
#
# make              build acrn_hsm.ko and acrn_hvsim.ko for KDIR
# make run          boot a stock Debian kernel in QEMU and run the sample
#                   device model against the simulator
# make check        the test gate (see README.md)
# make lint         W=1 + sparse on every target kernel, checkpatch --strict
# make stress       the eventfd races at 100000 iterations each, on both
#                   debug kernels (about half an hour)
# make bench        boot the stock Debian 6.12 kernel in QEMU and measure
#                   the I/O request round trip against a futex floor, and
#                   mapping 1 GiB of guest RAM against pinning it alone
# make tools        tools/hvsimctl, tools/sample-dm, tools/bench-io,
#                   tools/bench-mem (static)
# make tests        the end-to-end test programs (static), and
#                   tests/upstream/upstream-dm, built against the system's
#                   <linux/acrn.h> (upstream's header), not ours

# The running kernel's build tree, else the newest installed Debian headers.
KDIR ?= $(firstword $(wildcard /lib/modules/$(shell uname -r)/build) \
	$(lastword $(shell ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V)))

CC ?= gcc
UCFLAGS := -O2 -g -Wall -Wextra -Werror -static -pthread -Iinclude/uapi -Itools
# kselftest_harness.h comes from the unpacked linux-source in the cache
# (the same place scripts/lib.sh uses).
CACHE := $(or $(ACRN_HSM_CACHE),$(or $(XDG_CACHE_HOME),$(HOME)/.cache)/acrn-hsm)
SELFTESTS ?= $(lastword $(wildcard $(CACHE)/linux-source-*/tools/testing/selftests))

TOOLS := tools/hvsimctl tools/sample-dm tools/bench-io tools/bench-mem
E2E := $(patsubst %.c,%,$(wildcard tests/e2e/*.c))
UPSTREAM := tests/upstream/upstream-dm

.PHONY: all modules clean lint check stress run bench tools tests FORCE

all: modules

compat_probes.h: FORCE
	@test -n "$(KDIR)" || { echo "no kernel headers found; set KDIR" >&2; exit 1; }
	@scripts/probe.sh $(KDIR) $@

modules: compat_probes.h
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null || true
	rm -f compat_probes.h $(TOOLS) $(E2E) $(UPSTREAM)
	rm -rf .build

tools: $(TOOLS)

tools/%: tools/%.c tools/hvsim_ctl.c tools/hvsim_ctl.h include/uapi/linux/*.h
	$(CC) $(UCFLAGS) -o $@ $< tools/hvsim_ctl.c

tests: $(E2E) $(UPSTREAM)

# No -Iinclude/uapi: this one must work with upstream's header as it is.
tests/upstream/%: tests/upstream/%.c
	$(CC) -O2 -g -Wall -Wextra -Werror -static -o $@ $<

tests/e2e/%: tests/e2e/%.c tests/e2e/*.h tools/hvsim_ctl.c tools/hvsim_ctl.h include/uapi/linux/*.h
	@test -n "$(SELFTESTS)" || { echo "kselftest_harness.h not found: run scripts/deps.sh and scripts/kernel.sh first" >&2; exit 1; }
	$(CC) $(UCFLAGS) -isystem $(SELFTESTS) -Itests/e2e -o $@ $< tools/hvsim_ctl.c

lint:
	scripts/lint.sh

check:
	scripts/check.sh

stress:
	scripts/stress.sh

run:
	scripts/run.sh

bench:
	scripts/bench.sh
