#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Count the results of one test VM run and scan its console.

usage: results.py LABEL RESULTS CONSOLE

RESULTS is what the guest wrote to ttyS1 (see tests/guest/check.sh),
CONSOLE the kernel console. Prints every failure, then a last line
"LABEL: N passed, N failed". Exit status 0 when nothing failed.
"""
import re
import sys

# Console lines that mean a test failed even if every test said ok.
BADNESS = re.compile(
    r"BUG:|WARNING:|Oops|Kernel panic|Call Trace:|KASAN|UBSAN|"
    r"kmemleak: .*new suspected|possible circular locking|"
    r"possible recursive locking|inconsistent lock state|"
    r"sleeping function called from invalid context|"
    r"scheduling while atomic|list_add corruption|list_del corruption|"
    r"blocked for more than|soft lockup|hard LOCKUP|rcu_.*stall|"
    r"detected stall|lockdep is turned off|general protection fault|"
    r"Unable to handle|refcount_t:|workqueue lockup|Badness")


class Count:
    def __init__(self, label):
        self.label = label
        self.passed = self.failed = self.skipped = 0

    def fail(self, what, detail=""):
        self.failed += 1
        print(f"FAIL {self.label}: {what}{': ' + detail if detail else ''}")


def sections(text):
    """Yield (kind, name, rc, lines) for each BEGIN/END section."""
    cur = None
    for line in text.splitlines():
        line = line.rstrip("\r")
        m = re.match(r"### BEGIN (\S+) (\S+)$", line)
        if m:
            if cur:
                yield cur[0], cur[1], None, cur[2]
            cur = (m.group(1), m.group(2), [])
            continue
        m = re.match(r"### END (\S+) rc=(\d+)$", line)
        if m and cur and m.group(1) == cur[1]:
            yield cur[0], cur[1], int(m.group(2)), cur[2]
            cur = None
            continue
        if cur:
            cur[2].append(line)
    if cur:
        yield cur[0], cur[1], None, cur[2]


def count_kunit(c, name, rc, lines):
    """A suite's KTAP document; KUnit's own totals count parameters."""
    totals = [re.search(r"# Totals: pass:(\d+) fail:(\d+) skip:(\d+)", l)
              for l in lines]
    totals = [t for t in totals if t]
    for l in lines:
        if re.match(r"\s*not ok \d+ ", l) and "# SKIP" not in l:
            print(f"  {name}: {l.strip()}")
    if not totals:
        c.fail(f"kunit {name}", "no results (crashed or not run)")
        return
    p, f, s = (int(x) for x in totals[-1].groups())
    c.passed += p
    c.skipped += s
    for _ in range(f):
        c.fail(f"kunit {name}")
    if rc != 0 and f == 0:
        c.fail(f"kunit {name}", f"module load failed (rc={rc})")


def count_tap(c, name, rc, lines):
    """A kselftest document: top-level ok / not ok lines against the plan."""
    plan = None
    seen = 0
    bad = 0
    for l in lines:
        m = re.match(r"1\.\.(\d+)", l)
        if m and plan is None:
            plan = int(m.group(1))
        m = re.match(r"(not )?ok \d+ (.*)", l)
        if not m:
            continue
        seen += 1
        if "# SKIP" in l:
            c.skipped += 1
        elif m.group(1):
            bad += 1
            c.fail(f"{name}", m.group(2))
        else:
            c.passed += 1
    if plan is None or seen < plan:
        c.fail(name, f"ran {seen} of {plan if plan is not None else '?'} tests (crashed?)")
    elif rc != 0 and not bad:
        c.fail(name, f"exit status {rc}")


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    label, results, console = sys.argv[1:]
    c = Count(label)
    with open(results, errors="replace") as f:
        text = f.read()
    for kind, name, rc, lines in sections(text):
        if rc is None:
            c.fail(name, "section never ended (guest crashed?)")
        elif kind == "kunit":
            count_kunit(c, name, rc, lines)
        elif kind == "tap":
            count_tap(c, name, rc, lines)
        elif rc == 0:
            c.passed += 1
        else:
            c.fail(name, "\n    ".join([""] + lines[-20:]))
    if "### GUEST-DONE" not in text:
        c.fail("guest", "did not finish the test plan")

    with open(console, errors="replace") as f:
        bad = [l.rstrip() for l in f if BADNESS.search(l)]
    if bad:
        c.fail("console clean", "\n    ".join([""] + bad[:40]))
    else:
        c.passed += 1

    skipped = f", {c.skipped} skipped" if c.skipped else ""
    print(f"{label}: {c.passed} passed, {c.failed} failed{skipped}")
    sys.exit(1 if c.failed else 0)


if __name__ == "__main__":
    main()
