#!/usr/bin/env python3
"""Compares a training run's per-step losses with a PyTorch reference.

Usage: check_parity.py LOG FIXTURE [--rtol R] [--losses-only]
  LOG           JSON lines written by a training executable's --log FILE
  FIXTURE       <name>.losses.json from tests/parity/make_fixtures.py:
                {"losses": [...], "grad_norms": [...], "torch": version,
                 "spec": path, "flags": [...], ...}
  --rtol R      largest allowed |myelin - torch| / |torch| at any step (1e-4)
  --losses-only do not compare the gradient norms

Prints one line per step (Myelin's value, PyTorch's, their relative
difference) and the largest difference, for the loss and, when the fixture
has "grad_norms", for the global gradient norm before clipping (the log's
"grad_norm"). The norm is the sharper test of the backward pass and the
optimizer: a change in weight decay or clipping can move it by 1e-3 while
the loss moves by 1e-5. Exits 1 naming the first step beyond the tolerance,
or when the log has a different number of steps, a non-finite value, or no
grad_norm to compare.
"""
import argparse
import json
import math
import sys


def rel_diff(a, b):
    if a is None or not math.isfinite(a):
        return math.inf
    return abs(a - b) / abs(b) if b != 0 else abs(a - b)


def compare(what, ours, ref, rtol):
    """Prints the table for one quantity; returns (ok, max relative diff)."""
    print(f"{what}: step  myelin          torch           rel diff")
    worst, first_bad = 0.0, None
    for s, (a, b) in enumerate(zip(ours, ref), 1):
        d = rel_diff(a, b)
        worst = max(worst, d)
        mark = ""
        if not d <= rtol:
            mark = "  <-- beyond rtol"
            if first_bad is None:
                first_bad = (s, a, b, d)
        shown = "null" if a is None else f"{a:<15.9g}"
        print(f"{what}: {s:4d}  {shown:<15} {b:<15.9g} {d:.3e}{mark}")
    print(f"{what}: max rel diff {worst:.3e} (rtol {rtol:g})")
    if first_bad:
        s, a, b, d = first_bad
        print(f"FAIL: {what} of step {s} differs: myelin {a} vs torch {b}, "
              f"rel diff {d:.3e} > rtol {rtol:g}")
    return first_bad is None, worst


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("log")
    ap.add_argument("fixture")
    ap.add_argument("--rtol", type=float, default=1e-4)
    ap.add_argument("--losses-only", action="store_true")
    args = ap.parse_args()

    with open(args.fixture) as f:
        fixture = json.load(f)
    ref = fixture["losses"]
    steps = []
    with open(args.log) as f:
        for line in f:
            rec = json.loads(line)
            if rec.get("type") == "step":
                steps.append(rec)
    flags = " ".join(fixture.get("flags", []))
    print(f"fixture {args.fixture}: {len(ref)} steps, torch "
          f"{fixture.get('torch', '?')}, spec {fixture.get('spec', '?')}"
          + (f", flags {flags}" if flags else ""))

    ok = True
    if len(steps) != len(ref):
        print(f"FAIL: the log has {len(steps)} steps, the fixture {len(ref)}")
        ok = False
    good, _ = compare("loss", [r.get("loss") for r in steps], ref, args.rtol)
    ok = ok and good

    norms = fixture.get("grad_norms")
    if norms and not args.losses_only:
        if steps and all("grad_norm" in r for r in steps):
            good, _ = compare("grad_norm", [r["grad_norm"] for r in steps],
                              norms, args.rtol)
            ok = ok and good
        else:
            print("FAIL: the log's step records have no grad_norm to compare "
                  "(--losses-only skips the gradient norms)")
            ok = False
    print("PASS" if ok else "FAILED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
