#!/usr/bin/env python3
"""Checks a training run's JSON-lines log (--log FILE) against expectations.

Usage: check_log.py LOG [--loss-drop R] [--min-accuracy A] [--steps N]
  --loss-drop R     mean loss of the last 10 steps <= R * mean of the first 10
  --min-accuracy A  the last evaluation's accuracy >= A
  --steps N         exactly N step records
  --memory          the end record's memory report is consistent: parameter
                    bytes are 4 x the run record's parameter elements, as
                    many gradient bytes, planned intermediates sharing fewer
                    slot bytes than they total, peak RSS above the parameters,
                    gradients and optimizer state
Exits 1 with a message naming the failed expectation and the values found.
"""
import argparse
import json
import math
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("log")
    ap.add_argument("--loss-drop", type=float)
    ap.add_argument("--min-accuracy", type=float)
    ap.add_argument("--steps", type=int)
    ap.add_argument("--memory", action="store_true")
    args = ap.parse_args()

    steps, evals, runs, ends = [], [], [], []
    with open(args.log) as f:
        for n, line in enumerate(f, 1):
            rec = json.loads(line)
            # Other record types (run, physics, checkpoint, end, ...) are
            # not this checker's business.
            if rec.get("type") == "step":
                steps.append(rec)
            elif rec.get("type") == "eval":
                evals.append(rec)
            elif rec.get("type") == "run":
                runs.append(rec)
            elif rec.get("type") == "end":
                ends.append(rec)
    losses = [r["loss"] for r in steps]
    if not losses or not all(math.isfinite(x) for x in losses):
        sys.exit(f"FAIL: no steps or non-finite losses in {args.log}")
    first = sum(losses[:10]) / len(losses[:10])
    last = sum(losses[-10:]) / len(losses[-10:])
    print(f"steps {len(steps)}  first-10 loss {first:.4f}  last-10 loss {last:.4f}")
    ok = True
    if args.steps is not None and len(steps) != args.steps:
        print(f"FAIL: expected {args.steps} steps, found {len(steps)}")
        ok = False
    if args.loss_drop is not None and not last <= args.loss_drop * first:
        print(f"FAIL: loss fell from {first:.4f} to {last:.4f}, "
              f"expected at most {args.loss_drop} x")
        ok = False
    if args.min_accuracy is not None:
        if not evals:
            print("FAIL: no evaluation record")
            ok = False
        else:
            acc = evals[-1]["accuracy"]
            print(f"final accuracy {acc:.4f}")
            if not acc >= args.min_accuracy:
                print(f"FAIL: accuracy {acc:.4f} < {args.min_accuracy}")
                ok = False
    if args.memory:
        ok = check_memory(runs, ends) and ok
    print("PASS" if ok else "FAILED")
    sys.exit(0 if ok else 1)


def check_memory(runs, ends):
    if not runs or not ends or "memory" not in ends[-1]:
        print("FAIL: no run record or no memory report in the end record")
        return False
    m = ends[-1]["memory"]
    elements = 0
    for p in runs[0]["params"]:
        n = 1
        for d in p["shape"]:
            n *= d
        elements += n
    print(f"memory {m}")
    checks = [
        (m["param_bytes"] == 4 * elements,
         f"param_bytes {m['param_bytes']} != 4 x {elements} elements"),
        (m["grad_bytes"] == m["param_bytes"],
         f"grad_bytes {m['grad_bytes']} != param_bytes"),
        (m["plan_buffers"] > 0, "no planned intermediates"),
        (0 < m["plan_slot_bytes"] <= m["plan_bytes"],
         f"slots {m['plan_slot_bytes']} vs planned {m['plan_bytes']}"),
        (m["peak_rss_bytes"] >= m["param_bytes"] + m["grad_bytes"] +
         m["opt_state_bytes"], f"peak RSS {m['peak_rss_bytes']} too small"),
    ]
    ok = True
    for good, message in checks:
        if not good:
            print("FAIL: " + message)
            ok = False
    return ok


if __name__ == "__main__":
    main()
