# SPDX-License-Identifier: GPL-2.0
#
# TAP for the shell end-to-end tests, sourced after setting OUT (a
# scratch file for a command's output):
#
#   tap_plan N                  print the plan, start counting
#   run <description> <cmd...>  ok if the command succeeds; its output
#                               is shown (as comments) only on failure
#   report <rc> <description>   ok if rc is 0
#   tap_done                    a note if fewer tests ran than planned,
#                               "# N failed, Ss"; status 0 if all passed
#
# Each result is followed by "# N: S.SS s", the time since the one
# before (where make check's time goes; never asserted).

tap_plan() {
	PLAN=$1
	n=0
	failed=0
	t0=$(date +%s)
	tap_uptime
	tap_last=$tap_now
	echo "1..$PLAN"
}

# tap_now: seconds since boot in hundredths (/proc/uptime; no fork,
# which costs a good part of a second in the test VM).
tap_uptime() {
	read -r tap_now _ </proc/uptime
	tap_now=${tap_now%.*}${tap_now#*.}
}

report() {	# rc description
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n $2"
	else
		failed=$((failed + 1))
		echo "not ok $n $2"
	fi
	tap_uptime
	tap_cs=$((tap_now - tap_last))
	tap_last=$tap_now
	printf '# %d: %d.%02d s\n' "$n" $((tap_cs / 100)) $((tap_cs % 100))
}

run() {	# description command...
	desc=$1
	shift
	"$@" >"$OUT" 2>&1
	rc=$?
	[ "$rc" = 0 ] || sed 's/^/# /' "$OUT"
	report "$rc" "$desc"
}

tap_done() {
	[ "$n" = "$PLAN" ] || echo "# ran $n of $PLAN planned tests"
	echo "# $failed failed, $(($(date +%s) - t0))s"
	[ "$failed" = 0 ] && [ "$n" = "$PLAN" ]
}
