#!/usr/bin/env python3
"""Checks that a run split in two (FIRST, then SECOND resumed from FIRST's
checkpoint) logged exactly the per-step losses and gradient norms of the
uninterrupted run FULL. (The norms also catch state that leaks from one
train-step call into the next: the resumed run's first step is a fresh
process's first call.)

Usage: compare_runs.py FULL FIRST SECOND
"""
import json
import sys


def losses(path):
    out = {}
    with open(path) as f:
        for line in f:
            rec = json.loads(line)
            if rec.get("type") == "step":
                out[rec["step"]] = (rec["loss"], rec.get("grad_norm"))
    return out


full, first, second = (losses(p) for p in sys.argv[1:4])
split = {**first, **second}
if sorted(split) != sorted(full):
    sys.exit(f"FAIL: steps differ: full has {sorted(full)[:3]}..{max(full)}, "
             f"split runs have {sorted(split)[:3]}..{max(split)}")
bad = [s for s in sorted(full) if full[s] != split[s]]
if bad:
    s = bad[0]
    sys.exit(f"FAIL: {len(bad)} steps differ; first at step {s}: "
             f"(loss, grad_norm) {full[s]!r} uninterrupted vs {split[s]!r} "
             f"resumed")
print(f"PASS: {len(full)} steps identical (resumed at step {min(second)})")
