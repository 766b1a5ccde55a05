#!/usr/bin/env python3
"""Checks the structure of bench/bench.py --json output (never timings):
every named model has positive, finite step times, FLOP rates, RSS and
compile time, and every matmul shape has positive rates and generated
results that agree with OpenBLAS (max relative error below --max-err).

    check_bench_json.py out.json --models mlp,gpt-tiny --matmuls 4
"""
import argparse
import json
import math
import sys


def positive(value, what):
    if not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
        sys.exit(f"check_bench_json: {what} is {value!r}, expected a positive number")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("path")
    ap.add_argument("--models", required=True)
    ap.add_argument("--matmuls", type=int, required=True)
    ap.add_argument("--max-err", type=float, default=1e-4)
    args = ap.parse_args()
    r = json.load(open(args.path))
    positive(r["peak"]["cpu"][0], "peak.cpu[0]")
    positive(r["peak"]["cpu"][1], "peak.cpu[1]")
    names = [m["model"] for m in r["models"]]
    if names != args.models.split(","):
        sys.exit(f"check_bench_json: models {names}, expected {args.models}")
    for m in r["models"]:
        name = m["model"]
        s = m["myelin"]["step_ms"]
        if s["n"] != (m["steps"] - m["warmup"]) * m["repeats"]:
            sys.exit(f"check_bench_json: {name}: {s['n']} timed steps")
        for key in ("median", "min", "max"):
            positive(s[key], f"{name} step_ms.{key}")
        if not s["min"] <= s["median"] <= s["max"]:
            sys.exit(f"check_bench_json: {name}: min/median/max out of order: {s}")
        positive(m["myelin"]["gflops"], f"{name} gflops")
        positive(m["myelin"]["rss_mb"], f"{name} rss_mb")
        positive(m["compile"]["wall_s"], f"{name} compile wall_s")
        positive(m["flops_per_step"], f"{name} flops_per_step")
    if len(r["matmul"]) != args.matmuls:
        sys.exit(f"check_bench_json: {len(r['matmul'])} matmul rows, expected {args.matmuls}")
    for row in r["matmul"]:
        for key in ("gen", "blas", "gen1", "blas1"):
            positive(row["gflops"][key], f"matmul {row['shape']} {key}")
        if not row["max_rel_err"] < args.max_err:
            sys.exit(f"check_bench_json: matmul {row['shape']}: generated result "
                     f"differs from OpenBLAS by {row['max_rel_err']} (relative)")
    print(f"check_bench_json: {len(names)} models, {len(r['matmul'])} matmuls OK")


if __name__ == "__main__":
    main()
