#!/usr/bin/env python3
"""Myelin's benchmark: training-step speed of the example models against
PyTorch eager, and the generated matmul kernels against OpenBLAS sgemm.

Run through bench/run.sh (installs what is missing and builds first); see
bench/README.md for how to read the output. Uses the python3 standard
library only; the PyTorch peer (bench/torch_peer.py) runs under
/usr/bin/python3 when that has torch.

    bench/bench.py [--quick] [--models mlp,gpt,gpt2] [--steps N]
                   [--repeats R] [--json FILE] [--no-torch] [--no-matmul]
"""

import argparse
import datetime
import json
import math
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
TORCH_PYTHON = "/usr/bin/python3"
CLANG = "clang-19"
MLIR_TRANSLATE = "mlir-translate-19"
OPENBLAS_INCLUDE = "/usr/include/x86_64-linux-gnu/openblas-pthread"

# Named models: spec, the data flag (the MLP trains on synthetic data so
# that its RSS holds no dataset, like the peer's), default steps.
MODELS = {
    "mlp": (os.path.join(ROOT, "examples", "mlp.nn"), ["--data", "synthetic"], 30),
    "gpt": (os.path.join(ROOT, "examples", "gpt.nn"), [], 8),
    "gpt2": (os.path.join(BENCH, "gpt2.nn"), [], 4),
}


class BenchError(Exception):
    pass


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------

def log(msg):
    print(msg, file=sys.stderr, flush=True)


def run_measured(cmd, stdout_path, env=None):
    """Runs `cmd` to completion with stdout to `stdout_path` (stderr next to
    it); returns (wall s, CPU s, peak RSS MB, stdout text). Peak RSS is the
    child's ru_maxrss from wait4. Raises BenchError on a non-zero exit."""
    with open(stdout_path, "w+") as out, open(stdout_path + ".stderr", "w+") as err:
        t0 = time.monotonic()
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=err)
        _, status, ru = os.wait4(proc.pid, 0)
        wall = time.monotonic() - t0
        code = os.waitstatus_to_exitcode(status)
        proc.returncode = code
        out.seek(0)
        text = out.read()
        err.seek(0)
        if code != 0:
            raise BenchError(f"{' '.join(cmd)} exited with {code}:\n{err.read()[-2000:]}")
    return wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024.0, text


def check_call(cmd, what):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True)
    if r.returncode != 0:
        raise BenchError(f"{what} failed ({' '.join(cmd)}):\n{r.stdout[-3000:]}")
    return r.stdout


def stats(values):
    if not values:
        return None
    return {"median": statistics.median(values), "min": min(values),
            "max": max(values), "n": len(values)}


def cpu_flags():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def loadavg():
    try:
        return [float(x) for x in open("/proc/loadavg").read().split()[:3]]
    except OSError:
        return []


def base_env(threads):
    """The environment of every measured process. OpenBLAS 0.3.21 takes this
    CPU for a "Prescott" without OPENBLAS_CORETYPE; passive OpenMP waiting
    keeps PyTorch's OpenMP threads from spinning against OpenBLAS's."""
    env = dict(os.environ)
    flags = cpu_flags()
    if "avx512f" in flags:
        env["OPENBLAS_CORETYPE"] = "SkylakeX"
    elif "avx2" in flags:
        env["OPENBLAS_CORETYPE"] = "Haswell"
    env["OMP_WAIT_POLICY"] = "passive"
    env["OMP_NUM_THREADS"] = str(threads)
    env["OPENBLAS_NUM_THREADS"] = str(threads)
    return env


def matmul_env(threads):
    """The environment of mm_bench: the peer's, except for OpenMP waiting.
    The generated kernels run on libomp's threads as in a Myelin executable,
    whose runtime (runtime/src/Driver.cpp) lets idle workers spin for 2 ms
    (KMP_BLOCKTIME) before they sleep; under the peer's OMP_WAIT_POLICY=passive
    every call would wake a sleeping worker (fork) and be woken (join), which
    costs a 0.1-ms MLP product half its speed. OpenBLAS's own threads ignore
    both settings, and 2 ms of spinning after the last generated call is
    nothing against the 150 ms each timing lasts."""
    env = base_env(threads)
    del env["OMP_WAIT_POLICY"]
    env["KMP_BLOCKTIME"] = "2ms"
    return env


# ---------------------------------------------------------------------------
# Specs: the shapes the FLOP count and the PyTorch peer need
# ---------------------------------------------------------------------------

def parse_spec(path):
    """Reads what the benchmark needs from a spec: kind (mlp or gpt), batch,
    the MLP's widths or the GPT's V, T, C, H, L, the optimizer and clipping.
    Raises BenchError naming the file when the spec has another form."""
    text = open(path).read()
    code = re.sub(r"#[^\n]*", "", text)
    consts = {k: int(v) for k, v in re.findall(r"\bconst\s+(\w+)\s*=\s*(\d+)\b", code)}
    val = lambda tok: int(tok) if tok.isdigit() else consts.get(tok)
    m = re.search(r"\bbatch\s*=\s*(\d+)", code)
    if not m:
        raise BenchError(f"{path}: no 'batch = N' in the train block")
    spec = {"path": path, "batch": int(m.group(1))}
    opt = re.search(r"\boptimizer\s*=\s*(\w+)", code)
    spec["optimizer"] = opt.group(1) if opt else ""
    clip = re.search(r"\bclip_grad_norm\s*=\s*([0-9.eE+-]+)", code)
    spec["clip"] = float(clip.group(1)) if clip else 0.0
    if "attention(" in code:
        rep = re.search(r"\brepeat\(\s*(\w+)\s*,", code)
        heads = re.search(r"heads\s*=\s*(\w+)", code)
        wte = re.search(r"\bparam\s+wte\s*:\s*f32\[\s*(\w+)\s*,\s*(\w+)\s*\]", code)
        ctx = re.search(r"\binput\s+\w+\s*:\s*i32\[\s*B\s*,\s*(\w+)\s*\]", code)
        if not (rep and heads and wte and ctx):
            raise BenchError(f"{path}: not a GPT of examples/gpt.nn's form "
                             "(repeat(L, block, x), attention(heads=H), "
                             "param wte: f32[V, C], input idx: i32[B, T])")
        g = {"V": val(wte.group(1)), "C": val(wte.group(2)), "T": val(ctx.group(1)),
             "H": val(heads.group(1)), "L": val(rep.group(1))}
        if None in g.values():
            raise BenchError(f"{path}: cannot resolve the GPT's sizes {g}")
        spec.update(kind="gpt", **g)
        V, C, T, L = g["V"], g["C"], g["T"], g["L"]
        block = 4 * (C * C + C) + 2 * 2 * C + (C * 4 * C + 4 * C) + (4 * C * C + C)
        spec["params"] = L * block + 2 * C + V * C + T * C
        # nanoGPT's non-embedding count: all but the position table (wte
        # stays: it is also the output projection).
        spec["flop_params"] = spec["params"] - T * C
        tokens = spec["batch"] * T
        spec["flops"] = 6 * spec["flop_params"] * tokens + 12 * L * T * C * tokens
    else:
        inp = re.search(r"\binput\s+\w+\s*:\s*f32\[\s*B\s*,\s*(\w+)\s*\]", code)
        outs = re.findall(r"\blinear\(\s*\w+\s*,\s*(\w+)", code)
        if not inp or not outs:
            raise BenchError(f"{path}: neither a GPT nor an MLP of linear layers")
        widths = [val(inp.group(1))] + [val(o) for o in outs]
        if None in widths:
            raise BenchError(f"{path}: cannot resolve the MLP's widths")
        spec.update(kind="mlp", widths=widths)
        spec["params"] = sum(a * b + b for a, b in zip(widths, widths[1:]))
        spec["flop_params"] = spec["params"]
        spec["flops"] = 6 * spec["params"] * spec["batch"]
    return spec


def matmul_shapes(spec, name):
    """(label, batch, M, K, N, transA, transB) of the model's matmuls:
    forward, the input gradient (A * B^T) and the weight gradient (A^T * B)."""
    B = spec["batch"]
    out = []
    if spec["kind"] == "mlp":
        w = spec["widths"]
        for i, (k, n) in enumerate(zip(w, w[1:])):
            if n < 16:
                continue  # the 10-wide logits layer: not a GEMM worth timing
            out.append((f"{name} fc{i + 1} fwd", 1, B, k, n, 0, 0))
            if i > 0:
                out.append((f"{name} fc{i + 1} dX", 1, B, n, k, 0, 1))
            out.append((f"{name} fc{i + 1} dW", 1, k, B, n, 1, 0))
    else:
        T, C, H = spec["T"], spec["C"], spec["H"]
        M, D, BH = B * T, C // H, B * H
        out += [(f"{name} qkv/proj fwd", 1, M, C, C, 0, 0),
                (f"{name} fc fwd", 1, M, C, 4 * C, 0, 0),
                (f"{name} proj fwd", 1, M, 4 * C, C, 0, 0),
                (f"{name} fc dX", 1, M, 4 * C, C, 0, 1),
                (f"{name} fc dW", 1, C, M, 4 * C, 1, 0),
                (f"{name} att q.k^T", BH, T, D, T, 0, 1),
                (f"{name} att p.v", BH, T, T, D, 0, 0)]
    return out


QUICK_SHAPES = [("tiny", 1, 16, 32, 24, 0, 0), ("tiny A^T", 1, 32, 16, 8, 1, 0),
                ("tiny B^T", 1, 20, 12, 28, 0, 1), ("tiny batched", 3, 8, 16, 8, 0, 1)]


# ---------------------------------------------------------------------------
# FMA peak
# ---------------------------------------------------------------------------

def measure_peak(work, threads, quick):
    exe = os.path.join(work, "fma_peak")
    check_call([CLANG, "-O2", "-mavx512f", "-mfma", "-fopenmp=libomp",
                os.path.join(BENCH, "peak", "fma_peak.c"), "-o", exe],
               "compiling bench/peak/fma_peak.c")
    args = ["3", "100000"] if quick else ["11", "3000000"]
    out = check_call([exe] + args + [str(threads)], "fma_peak")
    peak = json.loads(out.strip().splitlines()[-1])
    return peak


# ---------------------------------------------------------------------------
# Models
# ---------------------------------------------------------------------------

def compile_model(build, spec_path, exe):
    wall, cpu, rss, _ = run_measured(
        [os.path.join(build, "bin", "myelinc"), spec_path, "-o", exe],
        exe + ".compile.log")
    return {"wall_s": wall, "cpu_s": cpu, "rss_mb": rss}


def run_myelin(exe, steps, data_flags, env, work, tag):
    logf = os.path.join(work, f"{tag}.jsonl")
    if os.path.exists(logf):
        os.remove(logf)
    cmd = [exe, "--steps", str(steps), "--log", logf, "--no-save", "--no-eval",
           "--quiet", "--progress", "never"] + data_flags
    wall, cpu, rss, _ = run_measured(cmd, os.path.join(work, tag + ".out"), env)
    ms = []
    with open(logf) as f:
        for line in f:
            rec = json.loads(line)
            if rec.get("type", "step") == "step" and "step_ms" in rec:
                ms.append(float(rec["step_ms"]))
    if len(ms) != steps:
        raise BenchError(f"{exe}: {len(ms)} step records in {logf}, expected {steps}")
    return {"step_ms": ms, "rss_mb": rss, "wall_s": wall, "cpu_s": cpu}


def run_torch(spec, steps, threads, env, work, tag):
    cmd = [TORCH_PYTHON, os.path.join(BENCH, "torch_peer.py"), "--kind", spec["kind"],
           "--batch", str(spec["batch"]), "--steps", str(steps),
           "--threads", str(threads)]
    if spec["kind"] == "mlp":
        cmd += ["--widths", ",".join(map(str, spec["widths"]))]
    else:
        for k in ("V", "T", "C", "H", "L"):
            cmd += ["--" + k, str(spec[k])]
        cmd += ["--clip", str(spec["clip"])]
    wall, cpu, rss, out = run_measured(cmd, os.path.join(work, tag + ".out"), env)
    rec = json.loads(out.strip().splitlines()[-1])
    rec.update(rss_mb=rss, wall_s=wall, cpu_s=cpu)
    return rec


def torch_available():
    if not os.path.exists(TORCH_PYTHON):
        return False, f"{TORCH_PYTHON} not found"
    r = subprocess.run([TORCH_PYTHON, "-c", "import torch; print(torch.__version__)"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        return False, f"{TORCH_PYTHON} has no torch (bench/run.sh --with-torch installs python3-torch)"
    return True, r.stdout.strip()


def resolve_models(args):
    """(name, spec path, data flags, parsed spec, steps, warmup) per
    --models entry; raises BenchError on an unknown name or spec form."""
    out = []
    for name in args.models:
        if name in MODELS:
            spec_path, data_flags, default_steps = MODELS[name]
        elif name.endswith(".nn") and os.path.exists(name):
            spec_path, data_flags, default_steps = os.path.abspath(name), [], 4
            name = os.path.splitext(os.path.basename(name))[0]
        else:
            raise BenchError(f"unknown model '{name}' (expected "
                             f"{', '.join(MODELS)} or a path to a .nn spec)")
        spec = parse_spec(spec_path)
        if spec["kind"] == "mlp" and not data_flags:
            data_flags = ["--data", "synthetic"]
        steps = args.steps or (3 if args.quick else default_steps)
        warmup = args.warmup if args.warmup is not None else (1 if steps <= 5 else 2)
        warmup = min(warmup, steps - 1)
        out.append((name, spec_path, data_flags, spec, steps, warmup))
    return out


def bench_models(args, models, build, work, peak, use_torch):
    env = base_env(args.threads)
    # Myelin's executables get the environment as is (their OpenMP runtime
    # alone): only the peer needs the OpenBLAS/OpenMP settings.
    myelin_env = dict(os.environ)
    myelin_env["OMP_NUM_THREADS"] = str(args.threads)
    results = []
    for name, spec_path, data_flags, spec, steps, warmup in models:
        log(f"[{name}] compiling {os.path.relpath(spec_path, ROOT)}")
        exe = os.path.join(work, name)
        comp = compile_model(build, spec_path, exe)
        peer = use_torch and spec["optimizer"] in ("adam", "adamw")
        my_runs, torch_runs = [], []
        for r in range(args.repeats):
            log(f"[{name}] repeat {r + 1}/{args.repeats}: myelin, {steps} steps")
            my_runs.append(run_myelin(exe, steps, data_flags, myelin_env, work,
                                      f"{name}.myelin.{r}"))
            if peer:
                log(f"[{name}] repeat {r + 1}/{args.repeats}: pytorch, {steps} steps")
                torch_runs.append(run_torch(spec, steps, args.threads, env, work,
                                            f"{name}.torch.{r}"))
        my_ms = [x for run in my_runs for x in run["step_ms"][warmup:]]
        res = {
            "model": name, "spec": os.path.relpath(spec_path, ROOT),
            "kind": spec["kind"], "batch": spec["batch"], "params": spec["params"],
            "flop_params": spec["flop_params"], "flops_per_step": spec["flops"],
            "steps": steps, "warmup": warmup, "repeats": args.repeats,
            "compile": comp,
            "myelin": {"step_ms": stats(my_ms),
                       "rss_mb": max(run["rss_mb"] for run in my_runs),
                       "runs": my_runs},
        }
        med = res["myelin"]["step_ms"]["median"]
        res["myelin"]["gflops"] = spec["flops"] / (med * 1e-3) * 1e-9
        res["myelin"]["pct_peak"] = 100 * res["myelin"]["gflops"] / peak["cpu"][1]
        if torch_runs:
            t_ms = [x for run in torch_runs for x in run["step_ms"][warmup:]]
            res["torch"] = {"step_ms": stats(t_ms),
                            "rss_mb": max(run["rss_mb"] for run in torch_runs),
                            "version": torch_runs[0].get("torch"),
                            "blas": torch_runs[0].get("blas"),
                            "params": torch_runs[0].get("params"),
                            "runs": torch_runs}
            res["torch"]["gflops"] = spec["flops"] / (res["torch"]["step_ms"]["median"] * 1e-3) * 1e-9
            res["ratio"] = res["torch"]["step_ms"]["median"] / med
            # Per repeat: the peer's median over the Myelin run just before
            # it. On a shared machine a busy spell hits one repeat of one of
            # them; the spread of these shows how much a run was disturbed.
            res["paired_ratios"] = [
                statistics.median(t["step_ms"][warmup:]) /
                statistics.median(m["step_ms"][warmup:])
                for m, t in zip(my_runs, torch_runs)]
            if res["torch"]["params"] != spec["params"]:
                log(f"[{name}] warning: the PyTorch model has {res['torch']['params']} "
                    f"parameters, the spec {spec['params']}")
        results.append(res)
    return results


# ---------------------------------------------------------------------------
# Matmul microbenchmark
# ---------------------------------------------------------------------------

def kernel_mlir(shapes, prefix):
    """One function per shape at the nn level, so the kernel goes through the
    compiler's own nn -> linalg lowering (myelin-lower-to-linalg) and then
    its kernel pipeline (myelin-lower-kernels)."""
    lines = ["module {"]
    for i, (_, b, m, k, n, ta, tb) in enumerate(shapes):
        lead = f"{b}x" if b > 1 else ""
        ta_shape = f"{lead}{k}x{m}xf32" if ta else f"{lead}{m}x{k}xf32"
        tb_shape = f"{lead}{n}x{k}xf32" if tb else f"{lead}{k}x{n}xf32"
        c_shape = f"{lead}{m}x{n}xf32"
        attrs = []
        if ta:
            attrs.append("transpose_lhs")
        if tb:
            attrs.append("transpose_rhs")
        attr = (" {" + ", ".join(attrs) + "}") if attrs else ""
        lines += [
            f"  func.func @{prefix}{i}(%a: memref<{ta_shape}>, %b: memref<{tb_shape}>, %c: memref<{c_shape}>) {{",
            f"    %ta = bufferization.to_tensor %a restrict : memref<{ta_shape}>",
            f"    %tb = bufferization.to_tensor %b restrict : memref<{tb_shape}>",
            f"    %r = nn.matmul %ta, %tb{attr} : (tensor<{ta_shape}>, tensor<{tb_shape}>) -> tensor<{c_shape}>",
            f"    bufferization.materialize_in_destination %r in restrict writable %c : (tensor<{c_shape}>, memref<{c_shape}>) -> ()",
            "    return",
            "  }"]
    lines.append("}")
    return "\n".join(lines) + "\n"


def build_kernels(build, work, shapes, threads, prefix):
    src = os.path.join(work, f"{prefix}kernels.mlir")
    with open(src, "w") as f:
        f.write(kernel_mlir(shapes, prefix))
    llvm_mlir = os.path.join(work, f"{prefix}kernels.llvm.mlir")
    ll = os.path.join(work, f"{prefix}kernels.ll")
    obj = os.path.join(work, f"{prefix}kernels.o")
    check_call([os.path.join(build, "bin", "myelin-opt"), src,
                "--myelin-lower-to-linalg", "--canonicalize",
                "--linalg-fuse-elementwise-ops", "--canonicalize", "--cse",
                f"--myelin-lower-kernels=threads={'true' if threads else 'false'}",
                "-o", llvm_mlir], "myelin-opt on the matmul kernels")
    check_call([MLIR_TRANSLATE, "--mlir-to-llvmir", llvm_mlir, "-o", ll],
               "mlir-translate")
    # As codegen/ObjectEmitter.cpp: the O3 pipeline for the host CPU.
    check_call([CLANG, "-O3", "-march=native", "-Wno-override-module", "-c",
                "-x", "ir", ll, "-o", obj], "clang on the kernels")
    return obj


def bench_matmul(args, build, work, shapes):
    with open(os.path.join(work, "shapes.h"), "w") as f:
        f.write("// Written by bench/bench.py.\n#define MM_SHAPES(X)")
        for i, (_, b, m, k, n, ta, tb) in enumerate(shapes):
            f.write(f" \\\n  X({i}, {b}, {m}, {k}, {n}, {ta}, {tb})")
        f.write("\n")
    log(f"[matmul] generating {len(shapes)} kernels (myelin-opt --myelin-lower-kernels)")
    par = build_kernels(build, work, shapes, True, "mm_")
    st = build_kernels(build, work, shapes, False, "mm_st_")
    exe = os.path.join(work, "mm_bench")
    check_call([CLANG, "-O2", "-march=native", "-fopenmp=libomp",
                "-I", work, "-I", OPENBLAS_INCLUDE,
                os.path.join(BENCH, "matmul", "mm_bench.c"), par, st,
                "-L/usr/lib/x86_64-linux-gnu/openblas-pthread", "-lopenblas",
                "-lm", "-o", exe], "linking mm_bench (needs libopenblas-dev)")
    log(f"[matmul] timing against OpenBLAS sgemm")
    min_ms = "5" if args.quick else "150"
    _, _, _, out = run_measured(
        [exe, "--repeats", str(args.repeats), "--min-ms", min_ms,
         "--threads", str(args.threads)],
        os.path.join(work, "mm_bench.out"), matmul_env(args.threads))
    rows = []
    for line in out.strip().splitlines():
        rec = json.loads(line)
        label = shapes[rec["id"]][0]
        med = {k: statistics.median(v) for k, v in rec["gflops"].items()}
        rows.append({"shape": label, "batch": rec["batch"], "m": rec["m"],
                     "k": rec["k"], "n": rec["n"], "ta": rec["ta"], "tb": rec["tb"],
                     "gflops": med, "gflops_repeats": rec["gflops"],
                     "ratio": med["gen"] / med["blas"],
                     "ratio1": med["gen1"] / med["blas1"],
                     "max_rel_err": max(rec["max_rel_err"], rec["max_rel_err1"])})
    if len(rows) != len(shapes):
        raise BenchError(f"mm_bench printed {len(rows)} results for {len(shapes)} shapes")
    return rows


# ---------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------

def table(header, rows):
    widths = [max(len(str(r[i])) for r in [header] + rows) for i in range(len(header))]
    fmt = lambda r: "  ".join(str(c).rjust(w) if i else str(c).ljust(w)
                              for i, (c, w) in enumerate(zip(r, widths)))
    lines = [fmt(header), "  ".join("-" * w for w in widths)]
    lines += [fmt(r) for r in rows]
    return "\n".join(lines)


def fmt_range(values):
    if not values:
        return "-"
    return f"{min(values):.2f}-{max(values):.2f}"


def fmt_ms(s):
    if s is None:
        return "-"
    f = lambda x: f"{x:.1f}" if x >= 10 else f"{x:.2f}"
    return f"{f(s['median'])} [{f(s['min'])}-{f(s['max'])}]"


def report(result):
    out = []
    p = result["peak"]
    out.append(f"Myelin benchmark  {result['date']}  {result['machine']['cpu']}, "
               f"{result['machine']['cpus']} CPUs, {result['threads']} threads, "
               f"load avg {result['machine']['loadavg_start']} -> "
               f"{result['machine']['loadavg_end']}")
    out.append(f"FMA peak (fp32, GFLOP/s): 1 thread {p['cpu'][0]:.1f}, "
               f"{p['threads'][1]} threads {p['cpu'][1]:.1f} (per CPU-second; "
               f"wall-clock median {p['median'][0]:.1f} / {p['median'][1]:.1f})")
    t = result.get("torch")
    out.append("PyTorch peer: " + (t["status"] if t else "not run"))
    if len(p["median"]) > 1 and p["threads"][1] > 1:
        scaling = p["median"][1] / p["median"][0] if p["median"][0] > 0 else 0.0
        if scaling < 0.75 * p["threads"][1]:
            out.append(f"WARNING: {p['threads'][1]} threads reached only {scaling:.2f}x the "
                       f"one-thread FMA rate (wall clock): the CPUs are shared right now, "
                       f"so step times and ratios are not those of an idle machine")
    out.append("")
    if result["models"]:
        header = ["model", "params", "ms/step median [min-max]", "GFLOP/s", "%peak",
                  "RSS MB", "compile s", "torch ms/step [min-max]", "ratio",
                  "per repeat", "torch RSS MB"]
        rows = []
        for m in result["models"]:
            t = m.get("torch")
            rows.append([m["model"], f"{m['params'] / 1e6:.2f}M", fmt_ms(m["myelin"]["step_ms"]),
                         f"{m['myelin']['gflops']:.1f}", f"{m['myelin']['pct_peak']:.1f}",
                         f"{m['myelin']['rss_mb']:.0f}", f"{m['compile']['wall_s']:.1f}",
                         fmt_ms(t["step_ms"]) if t else "-",
                         f"{m['ratio']:.2f}x" if t else "-",
                         fmt_range(m.get("paired_ratios")) if t else "-",
                         f"{t['rss_mb']:.0f}" if t else "-"])
        out.append("Training step (ratio = torch ms / myelin ms; > 1: Myelin is faster; "
                   "per repeat: min-max of the repeats' own ratios)")
        out.append(table(header, rows))
        out.append("")
    if result["matmul"]:
        header = ["matmul (B x) M x K x N", "shape", f"gen {result['threads']}T",
                  f"BLAS {result['threads']}T", "ratio", "gen 1T", "BLAS 1T", "ratio 1T",
                  "max rel err"]
        rows = []
        for r in result["matmul"]:
            dims = (f"{r['batch']} x " if r["batch"] > 1 else "") + f"{r['m']}x{r['k']}x{r['n']}"
            dims += " A^T" if r["ta"] else ""
            dims += " B^T" if r["tb"] else ""
            g = r["gflops"]
            rows.append([r["shape"], dims, f"{g['gen']:.1f}", f"{g['blas']:.1f}",
                         f"{100 * r['ratio']:.0f}%", f"{g['gen1']:.1f}", f"{g['blas1']:.1f}",
                         f"{100 * r['ratio1']:.0f}%", f"{r['max_rel_err']:.1e}"])
        out.append("Matmul (GFLOP/s, median of repeats; ratio = generated / OpenBLAS sgemm)")
        out.append(table(header, rows))
    return "\n".join(out)


def all_shapes(args, models):
    if args.quick:
        return QUICK_SHAPES
    shapes = []
    for name, _, _, spec, _, _ in models:
        shapes += matmul_shapes(spec, name)
    shapes.append(("reference", 1, 2048, 2048, 2048, 0, 0))
    return shapes


def list_models(args, models):
    rows = []
    for name, spec_path, _, spec, steps, warmup in models:
        if spec["kind"] == "gpt":
            sizes = " ".join(f"{k} {spec[k]}" for k in ("V", "T", "C", "H", "L"))
        else:
            sizes = "-".join(map(str, spec["widths"]))
        rows.append([name, os.path.relpath(spec_path, ROOT), sizes, spec["batch"],
                     spec["optimizer"], spec["params"], spec["flop_params"],
                     f"{spec['flops'] / 1e9:.3f}", f"{steps} ({warmup})"])
    out = [table(["model", "spec", "sizes", "batch", "optimizer", "params", "N (FLOPs)",
                  "GFLOP/step", "steps (warm-up)"], rows), ""]
    rows = []
    for label, b, m, k, n, ta, tb in all_shapes(args, models):
        rows.append([label, b, m, k, n, "A^T" if ta else ("B^T" if tb else "-"),
                     f"{2 * b * m * k * n / 1e9:.3f}"])
    out.append(table(["matmul", "batch", "M", "K", "N", "transposed", "GFLOP"], rows))
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description="Myelin's benchmark (see bench/README.md)")
    ap.add_argument("--quick", action="store_true",
                    help="smoke mode: 3 steps per model, 1 repeat, tiny matmuls")
    ap.add_argument("--models", default=None,
                    help="comma-separated: mlp, gpt, gpt2 or paths to .nn specs "
                         "(default: mlp,gpt,gpt2)")
    ap.add_argument("--steps", type=int, default=0, help="steps per run (default: per model)")
    ap.add_argument("--warmup", type=int, default=None,
                    help="leading steps of each run left out (default: 2, 1 for runs <= 5 steps)")
    ap.add_argument("--repeats", type=int, default=0, help="runs per model (default 3, quick 1)")
    ap.add_argument("--threads", type=int, default=0, help="default: min(2, CPUs)")
    ap.add_argument("--json", help="also write the results as JSON to this file")
    ap.add_argument("--no-torch", action="store_true", help="skip the PyTorch peer")
    ap.add_argument("--no-matmul", action="store_true", help="skip the matmul benchmark")
    ap.add_argument("--list", action="store_true",
                    help="print the models' sizes, FLOPs per step and matmul shapes; run nothing")
    ap.add_argument("--build-dir", default=os.path.join(ROOT, "build"))
    ap.add_argument("--work-dir", default=None, help="default: BUILD/bench")
    args = ap.parse_args()
    args.models = [m for m in (args.models or "mlp,gpt,gpt2").split(",") if m]
    args.repeats = args.repeats or (1 if args.quick else 3)
    args.threads = args.threads or min(2, os.cpu_count() or 1)
    if args.steps and args.steps < 2:
        ap.error("--steps must be >= 2 (the first step is a warm-up)")
    if args.repeats < 1 or args.threads < 1:
        ap.error("--repeats and --threads must be >= 1")
    if args.list:
        try:
            print(list_models(args, resolve_models(args)))
        except BenchError as e:
            print(f"bench: error: {e}", file=sys.stderr)
            return 1
        return 0
    build = os.path.abspath(args.build_dir)
    for tool in ("myelinc", "myelin-opt"):
        if not os.path.exists(os.path.join(build, "bin", tool)):
            ap.error(f"{build}/bin/{tool} not found: build first (scripts/build.sh) "
                     "or pass --build-dir")
    work = os.path.abspath(args.work_dir or os.path.join(build, "bench"))
    os.makedirs(work, exist_ok=True)

    try:
        result = {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                  "threads": args.threads, "quick": args.quick,
                  "machine": {"cpu": cpu_model(), "cpus": os.cpu_count(),
                              "loadavg_start": loadavg()}}
        models = resolve_models(args)
        log("[peak] measuring the FMA peak")
        result["peak"] = measure_peak(work, args.threads, args.quick)
        use_torch = False
        if args.no_torch:
            result["torch"] = {"status": "skipped (--no-torch)"}
        else:
            ok, info = torch_available()
            use_torch = ok
            result["torch"] = {"status": (f"torch {info} eager, {args.threads} threads, "
                                          "OPENBLAS_CORETYPE/OMP_WAIT_POLICY=passive")
                               if ok else f"skipped: {info}"}
        if not use_torch:
            log(f"[torch] PyTorch peer {result['torch']['status']}")
        result["models"] = bench_models(args, models, build, work, result["peak"],
                                        use_torch)
        result["matmul"] = []
        if not args.no_matmul:
            result["matmul"] = bench_matmul(args, build, work, all_shapes(args, models))
        result["machine"]["loadavg_end"] = loadavg()
    except BenchError as e:
        print(f"bench: error: {e}", file=sys.stderr)
        return 1
    print(report(result))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1)
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
