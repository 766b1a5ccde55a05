#!/usr/bin/env python3
"""Checks the network-physics JSON lines of a run (docs/physics.md).

  check_physics.py log LOG [--every N] [--layers a,b,..] [--dead LAYER]
      [--alive LAYER] [--no-physics] [--end REASON]
    Schema: "run" first, "end" last with REASON; "physics" records exactly at
    the multiples of N with the run header's layer and parameter names as
    keys; --dead: that layer's `dead` >= 0.99 in every record; --alive: < 0.5.
    --no-physics: physics_every 0, no layers and no physics records.

  check_physics.py fixture DIR
    Writes DIR/init.safetensors (parameters of physics-stats.nn) and
    DIR/batches.safetensors (one batch), chosen so that one ReLU unit is dead
    and some sigmoid/tanh values saturate.

  check_physics.py stats LOG CKPT --lr LR
    Recomputes step 1 of physics-stats.nn in plain Python from the fixture
    (forward pass: mean, std, dead, saturated of each layer; weight norms)
    and, from the checkpoint after the SGD step (momentum 0, no decay),
    every gradient norm (||W0 - W1|| / lr) and update ratio, and compares
    them with the "physics" record of step 1.

  check_physics.py early-stop LOG BEST LATEST
    The early_stop record names the evaluation with the lowest validation
    loss, the run stopped exactly `patience` evaluations later, BEST holds
    that step's parameters and LATEST the last step's.

Exits non-zero with a FAIL line on the first mismatch. Pure Python (no
numpy, no torch).
"""
import argparse
import json
import math
import struct
import sys


def fail(msg):
    sys.exit("FAIL: " + msg)


def read_log(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def cmd_log(args):
    recs = read_log(args.log)
    if not recs or recs[0].get("type") != "run":
        fail("first record is not a run header: %r" % (recs[:1],))
    if recs[-1].get("type") != "end":
        fail("last record is not an end record: %r" % recs[-1])
    if args.end and recs[-1].get("reason") != args.end:
        fail("end reason %r, expected %r" % (recs[-1].get("reason"), args.end))
    run = recs[0]
    physics = [r for r in recs if r.get("type") == "physics"]
    if args.no_physics:
        if run.get("physics_every") != 0 or run.get("layers") or physics:
            fail("expected no physics: header %r, %d records" % (run, len(physics)))
        print("ok: no physics")
        return
    layers = [l["name"] for l in run["layers"]]
    params = [p["name"] for p in run["params"]]
    if args.layers and layers != args.layers.split(","):
        fail("layers %r, expected %s" % (layers, args.layers))
    if run.get("physics_every") != args.every:
        fail("physics_every %r, expected %d" % (run.get("physics_every"), args.every))
    steps = [r["step"] for r in recs if r.get("type") == "step"]
    want = [s for s in steps if s % args.every == 0]
    got = [r["step"] for r in physics]
    if got != want or not got:
        fail("physics records at steps %r, expected %r" % (got, want))
    for r in physics:
        if list(r["layers"]) != layers or list(r["params"]) != params:
            fail("step %d: keys %r / %r do not match the header" %
                 (r["step"], list(r["layers"]), list(r["params"])))
        for name, s in r["layers"].items():
            for key in ("mean", "std", "dead", "saturated"):
                if key not in s:
                    fail("step %d layer %s lacks %s" % (r["step"], name, key))
        for name, p in r["params"].items():
            for key in ("grad_norm", "weight_norm", "update_ratio"):
                # The ratio is undefined (null) for all-zero weights only.
                if key == "update_ratio" and p.get(key) is None and \
                        p.get("weight_norm") == 0:
                    continue
                if not isinstance(p.get(key), (int, float)):
                    fail("step %d param %s: %s is %r" % (r["step"], name, key, p.get(key)))
        if args.dead and not r["layers"][args.dead]["dead"] >= 0.99:
            fail("step %d: layer %s dead %r, expected ~1" %
                 (r["step"], args.dead, r["layers"][args.dead]["dead"]))
        if args.alive and not r["layers"][args.alive]["dead"] < 0.5:
            fail("step %d: layer %s dead %r, expected < 0.5" %
                 (r["step"], args.alive, r["layers"][args.alive]["dead"]))
    print("ok: %d physics records, layers %s" % (len(physics), ",".join(layers)))


# --- safetensors -------------------------------------------------------------

def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, (dtype, shape, values) in tensors.items():
        fmt = "<%d%s" % (len(values), "f" if dtype == "F32" else "i")
        blob = struct.pack(fmt, *values)
        header[name] = {"dtype": dtype, "shape": shape,
                        "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    out = {}
    for name, t in header.items():
        if name == "__metadata__":
            continue
        a, b = t["data_offsets"]
        raw = data[8 + n + a:8 + n + b]
        out[name] = list(struct.unpack("<%df" % (len(raw) // 4), raw))
    return out


# --- the model of physics-stats.nn -------------------------------------------
# x [4, 3] -> h = relu(linear 3->4) -> s = sigmoid(linear 4->4)
#          -> t = tanh(linear 4->3) -> logits = linear 3->2

B = 4
SHAPES = [("h", 3, 4), ("s", 4, 4), ("t", 4, 3), ("logits", 3, 2)]


def f32(x):
    return struct.unpack("<f", struct.pack("<f", x))[0]


def fixture_values():
    seed = [12345]

    def rnd():  # deterministic values in [-1, 1)
        seed[0] = (seed[0] * 1103515245 + 12345) % 2**31
        return f32(seed[0] / 2**30 - 1.0)

    x = [rnd() for _ in range(B * 3)]
    y = [0, 1, 1, 0]
    params = {}
    for name, fin, fout in SHAPES:
        w = [rnd() for _ in range(fin * fout)]
        b = [f32(0.1 * rnd()) for _ in range(fout)]
        params[name] = (w, b)
    # h unit 0 is dead: negative weights on |x| < 1 and a bias of -5.
    w, b = params["h"]
    for i in range(3):
        w[i * 4 + 0] = -1.0
    b[0] = -5.0
    # s unit 1 and t unit 2 saturate for some rows: large weights.
    w, _ = params["s"]
    for i in range(4):
        w[i * 4 + 1] = f32(w[i * 4 + 1] * 80)
    w, _ = params["t"]
    for i in range(4):
        w[i * 3 + 2] = f32(w[i * 3 + 2] * 10)
    return x, y, params


def cmd_fixture(args):
    x, y, params = fixture_values()
    tensors = {}
    for name, fin, fout in SHAPES:
        w, b = params[name]
        tensors[name + ".weight"] = ("F32", [fin, fout], w)
        tensors[name + ".bias"] = ("F32", [fout], b)
    write_safetensors(args.dir + "/init.safetensors", tensors)
    write_safetensors(args.dir + "/batches.safetensors",
                      {"x": ("F32", [1, B, 3], x), "y": ("I32", [1, B], y)})


def layer_stats(values, rows, cols, kind):
    n = len(values)
    mean = sum(values) / n
    std = math.sqrt(max(sum(v * v for v in values) / n - mean * mean, 0.0))
    dead = sat = 0.0
    if kind == "relu":
        dead = sum(all(values[r * cols + c] == 0 for r in range(rows))
                   for c in range(cols)) / cols
    if kind == "sigmoid":
        sat = sum(abs(v - 0.5) > 0.49 for v in values) / n
    if kind == "tanh":
        sat = sum(abs(v) > 0.99 for v in values) / n
    return {"mean": mean, "std": std, "dead": dead, "saturated": sat}


def close(a, b, rel, abs_tol):
    return a is not None and abs(a - b) <= max(rel * abs(b), abs_tol)


def cmd_stats(args):
    x, _, params = fixture_values()
    acts = {"h": "relu", "s": "sigmoid", "t": "tanh", "logits": "none"}
    fn = {"relu": lambda v: max(v, 0.0),
          "sigmoid": lambda v: 1 / (1 + math.exp(-v)),
          "tanh": math.tanh, "none": lambda v: v}
    expected = {}
    a, width = x, 3
    for name, fin, fout in SHAPES:
        w, b = params[name]
        out = []
        for r in range(B):
            for c in range(fout):
                z = b[c] + sum(a[r * fin + i] * w[i * fout + c] for i in range(fin))
                out.append(fn[acts[name]](z))
        expected[name] = layer_stats(out, B, fout, acts[name])
        a, width = out, fout
    if expected["h"]["dead"] != 0.25 or expected["s"]["saturated"] == 0 or \
            expected["t"]["saturated"] == 0:
        fail("fixture does not exercise dead/saturated units: %r" % expected)

    rec = next((r for r in read_log(args.log)
                if r.get("type") == "physics" and r["step"] == 1), None)
    if rec is None:
        fail("no physics record for step 1")
    for name, exp in expected.items():
        got = rec["layers"][name]
        for key in ("mean", "std"):
            if not close(got[key], exp[key], 1e-4, 1e-5):
                fail("layer %s %s: log %r, recomputed %r" % (name, key, got[key], exp[key]))
        if acts[name] == "relu" and not close(got["dead"], exp["dead"], 0, 1e-6):
            fail("layer %s dead: log %r, recomputed %r" % (name, got["dead"], exp["dead"]))
        if acts[name] in ("sigmoid", "tanh") and \
                not close(got["saturated"], exp["saturated"], 0, 1e-6):
            fail("layer %s saturated: log %r, recomputed %r" %
                 (name, got["saturated"], exp["saturated"]))
        print("layer %-6s mean %.6g std %.6g dead %g saturated %g: match" %
              (name, exp["mean"], exp["std"], exp["dead"], exp["saturated"]))

    after = read_safetensors(args.ckpt)
    total = 0.0
    for name, _, _ in SHAPES:
        for part, w0 in zip(("weight", "bias"), params[name]):
            key = name + "." + part
            w1 = after[key]
            norm0 = math.sqrt(sum(v * v for v in w0))
            delta = math.sqrt(sum((p - q) ** 2 for p, q in zip(w1, w0)))
            grad = delta / args.lr
            total += grad * grad
            got = rec["params"][key]
            if not close(got["weight_norm"], norm0, 1e-5, 1e-7):
                fail("%s weight_norm: log %r, recomputed %r" % (key, got["weight_norm"], norm0))
            if not close(got["grad_norm"], grad, 2e-3, 1e-5):
                fail("%s grad_norm: log %r, from the update %r" % (key, got["grad_norm"], grad))
            if not close(got["update_ratio"], delta / norm0, 2e-3, 1e-7):
                fail("%s update_ratio: log %r, recomputed %r" %
                     (key, got["update_ratio"], delta / norm0))
    if not close(rec["grad_norm"], math.sqrt(total), 2e-3, 1e-5):
        fail("global grad_norm: log %r, recomputed %r" % (rec["grad_norm"], math.sqrt(total)))
    print("params: weight_norm, grad_norm, update_ratio and global grad_norm match")


def read_metadata(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        return json.loads(f.read(n)).get("__metadata__", {})


def cmd_early_stop(args):
    recs = read_log(args.log)
    vals = [r for r in recs if r.get("type") == "eval" and r.get("split") == "val"]
    stop = [r for r in recs if r.get("type") == "early_stop"]
    if len(stop) != 1:
        fail("expected one early_stop record, found %d" % len(stop))
    stop = stop[0]
    best = min(vals, key=lambda r: r["loss"])
    if stop["best_step"] != best["step"] or \
            not close(stop["best_val_loss"], best["loss"], 1e-6, 0):
        fail("early_stop names step %d (%r), the best val loss is at step %d (%r)" %
             (stop["best_step"], stop["best_val_loss"], best["step"], best["loss"]))
    after = [r for r in vals if r["step"] > best["step"]]
    if len(after) != stop["patience"] or vals[-1]["step"] != stop["step"]:
        fail("stopped at step %d after %d evaluations without improvement, "
             "patience %d" % (stop["step"], len(after), stop["patience"]))
    end = {k: v for k, v in recs[-1].items() if k != "memory"}
    if end != {"type": "end", "step": stop["step"], "reason": "early_stop"}:
        fail("last record %r" % recs[-1])
    if int(read_metadata(args.best)["step"]) != best["step"]:
        fail("%s holds step %s, expected %d" % (args.best, read_metadata(args.best)["step"], best["step"]))
    if int(read_metadata(args.latest)["step"]) != stop["step"]:
        fail("%s holds step %s, expected %d" % (args.latest, read_metadata(args.latest)["step"], stop["step"]))
    if read_safetensors(args.best) == read_safetensors(args.latest):
        fail("the best and latest checkpoints hold the same parameters")
    print("ok: stopped at step %d, best val loss %.4f at step %d in %s" %
          (stop["step"], best["loss"], best["step"], args.best))


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    q = sub.add_parser("log")
    q.add_argument("log")
    q.add_argument("--every", type=int, default=10)
    q.add_argument("--layers")
    q.add_argument("--dead")
    q.add_argument("--alive")
    q.add_argument("--end")
    q.add_argument("--no-physics", action="store_true")
    q = sub.add_parser("fixture")
    q.add_argument("dir")
    q = sub.add_parser("stats")
    q.add_argument("log")
    q.add_argument("ckpt")
    q.add_argument("--lr", type=float, required=True)
    q = sub.add_parser("early-stop")
    q.add_argument("log")
    q.add_argument("best")
    q.add_argument("latest")
    args = p.parse_args()
    {"log": cmd_log, "fixture": cmd_fixture, "stats": cmd_stats,
     "early-stop": cmd_early_stop}[args.cmd](args)


if __name__ == "__main__":
    main()
