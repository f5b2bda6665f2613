#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make lint: build against every target kernel with W=1 and sparse (C=2),
# then checkpatch --strict. Silent and exit 0 when clean.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/lib.sh"

rc=0
while read -r name kdir; do
	log "lint: $name ($kdir)"
	"$top/scripts/build-modules.sh" --tests "$kdir" "$top/.build/$name" W=1 C=2 || rc=1
done < <(build_targets)

log "lint: checkpatch --strict"
checkpatch || rc=1

[ "$rc" = 0 ] && log "lint: clean"
exit $rc
