#!/usr/bin/env python3
"""Writes the run-log fixtures of the `myelin report` tests (deterministic).

Each log follows the schema of docs/report.md: a run record, step records,
eval records, physics records every 10 steps, and the fault / early_stop /
end records of the scenario. Run from this directory:
    python3 make_logs.py
and commit the .jsonl files it writes.
"""

import json
import math
import random


def num(x):
    """A float rounded to 6 significant digits; NaN/inf become None (null)."""
    if x is None or not math.isfinite(x):
        return None
    return float(f"{x:.6g}")


def line(record):
    return json.dumps(record, separators=(",", ":"))


class Run:
    def __init__(self, name, layers, params, seed):
        self.rng = random.Random(seed)
        self.lines = [line({
            "type": "run", "model": name, "spec": f"examples/{name}.nn",
            "physics_every": 10,
            "layers": [{"name": n, "activation": a, "loc": f"examples/{name}.nn:{i + 4}:10"}
                       for i, (n, a) in enumerate(layers)],
            "params": [{"name": p, "shape": s} for p, s in params],
        })]

    def noise(self, scale):
        return 1 + scale * (self.rng.random() - 0.5)

    def add(self, record):
        self.lines.append(line(record))

    def step(self, step, loss, grad_norm, lr=1e-3):
        self.add({"type": "step", "step": step, "epoch": 0, "loss": num(loss),
                  "lr": lr, "step_ms": 2.5, "grad_norm": num(grad_norm)})

    def physics(self, step, grad_norm, layers, params):
        self.add({"type": "physics", "step": step, "grad_norm": num(grad_norm),
                  "layers": {n: {k: num(v) for k, v in s.items()} for n, s in layers.items()},
                  "params": {n: {k: num(v) for k, v in s.items()} for n, s in params.items()}})

    def write(self, path):
        with open(path, "w") as f:
            f.write("\n".join(self.lines) + "\n")


MLP_LAYERS = [("h1", "relu"), ("h2", "relu")]
MLP_PARAMS = [("h1.weight", [784, 128]), ("h1.bias", [128]),
              ("h2.weight", [128, 64]), ("h2.bias", [64]),
              ("logits.weight", [64, 10]), ("logits.bias", [10])]


def mlp_physics(run, step, layer_norms, dead, ratio=1e-3, sat=None):
    """Physics record of the MLP: per-layer gradient norms split over
    weight (most) and bias."""
    params = {}
    for layer, g in layer_norms.items():
        params[f"{layer}.weight"] = {"grad_norm": g * 0.95 * run.noise(0.2),
                                     "weight_norm": 10.0,
                                     "update_ratio": ratio * run.noise(0.3)}
        params[f"{layer}.bias"] = {"grad_norm": g * 0.3 * run.noise(0.2),
                                   "weight_norm": 1.0,
                                   "update_ratio": ratio * 2 * run.noise(0.3)}
    layers = {}
    for layer, d in dead.items():
        layers[layer] = {"mean": 0.3, "std": 0.5, "dead": d,
                         "saturated": None if sat is None else sat}
    total = math.sqrt(sum(g * g for g in layer_norms.values()))
    run.physics(step, total, layers, params)


def healthy():
    run = Run("mlp", MLP_LAYERS, MLP_PARAMS, 1)
    for s in range(1, 401):
        loss = 0.4 + 1.9 * math.exp(-s / 80)
        run.step(s, loss * run.noise(0.2), 1.2 * run.noise(0.4))
        if s % 10 == 0:
            mlp_physics(run, s, {"h1": 0.5, "h2": 0.7, "logits": 0.9},
                        {"h1": 0.04 + 0.02 * s / 400, "h2": 0.08})
        if s % 100 == 0:
            run.add({"type": "eval", "split": "test", "step": s, "epoch": 0,
                     "loss": num(loss * 1.05), "accuracy": num(0.6 + 0.25 * s / 400)})
        if s == 200:
            run.add({"type": "checkpoint", "step": s, "path": "mlp.safetensors"})
            run.add({"type": "telemetry", "step": s, "note": "a record type this reader does not know"})
    run.add({"type": "end", "step": 400, "reason": "done"})
    run.write("healthy.jsonl")


def dead_relu():
    run = Run("mlp", MLP_LAYERS, MLP_PARAMS, 2)
    for s in range(1, 301):
        loss = 1.2 + 1.1 * math.exp(-s / 60)
        run.step(s, loss * run.noise(0.2), 0.8 * run.noise(0.4), lr=0.5)
        if s % 10 == 0:
            dead = min(0.95, 0.1 + 0.85 * s / 150)
            mlp_physics(run, s, {"h1": 0.05, "h2": 0.3, "logits": 0.6},
                        {"h1": dead, "h2": 0.12})
    run.add({"type": "eval", "split": "test", "step": 300, "epoch": 0,
             "loss": 1.25, "accuracy": 0.55})
    run.add({"type": "end", "step": 300, "reason": "done"})
    run.write("dead-relu.jsonl")


def vanishing():
    layers = [(f"h{i}", "sigmoid") for i in range(1, 6)]
    params = [(f"h{i}.weight", [64, 64]) for i in range(1, 6)] + [("out.weight", [64, 10])]
    run = Run("deep", layers, params, 3)
    for s in range(1, 201):
        run.step(s, (2.3 - 0.1 * s / 200) * run.noise(0.05), 0.5 * run.noise(0.2))
        if s % 10 == 0:
            # Each sigmoid layer shrinks the gradient ~12x on the way down.
            norms = {"out": 0.5}
            for i in range(5, 0, -1):
                norms[f"h{i}"] = 0.5 / 12 ** (6 - i)
            run.physics(s, 0.5,
                        {f"h{i}": {"mean": 0.5, "std": 0.45, "dead": None,
                                   "saturated": 0.6 if i == 1 else 0.1}
                         for i in range(1, 6)},
                        {f"{n}.weight": {"grad_norm": g * run.noise(0.1),
                                         "weight_norm": 8.0,
                                         "update_ratio": g * 2e-3 * run.noise(0.1)}
                         for n, g in norms.items()})
    run.add({"type": "end", "step": 200, "reason": "done"})
    run.write("vanishing.jsonl")


def exploding():
    run = Run("mlp", MLP_LAYERS, MLP_PARAMS, 4)
    for s in range(1, 38):
        g = 1.0 * run.noise(0.3) if s < 36 else (45.0 if s == 36 else None)
        loss = 2.3 - 0.01 * s if s < 37 else None
        run.step(s, loss, g, lr=3.0)
        if s % 10 == 0:
            mlp_physics(run, s, {"h1": 0.4, "h2": 0.5, "logits": 0.6},
                        {"h1": 0.1, "h2": 0.1}, ratio=0.4)
    run.add({"type": "fault", "step": 37, "kind": "non-finite", "what": "gradient",
             "op": "nn.relu", "layer": "h2", "loc": "examples/mlp.nn:5:10",
             "message": "gradient of h2 is NaN"})
    run.add({"type": "end", "step": 37, "reason": "fault"})
    run.write("exploding.jsonl")


def early_stop():
    run = Run("mlp", MLP_LAYERS, MLP_PARAMS, 5)
    for s in range(1, 701):
        run.step(s, (0.1 + 2.0 * math.exp(-s / 100)) * run.noise(0.1), 1.0 * run.noise(0.3))
        if s % 10 == 0:
            mlp_physics(run, s, {"h1": 0.5, "h2": 0.6, "logits": 0.7},
                        {"h1": 0.05, "h2": 0.05})
        if s % 100 == 0:
            val = 0.5 + 1.5 * math.exp(-s / 80) + 0.0004 * max(0, s - 400)
            run.add({"type": "eval", "split": "val", "step": s, "epoch": 0,
                     "loss": num(val), "accuracy": None})
    run.add({"type": "early_stop", "step": 700, "best_step": 400,
             "best_val_loss": num(0.5 + 1.5 * math.exp(-5)), "patience": 3,
             "best_checkpoint": "mlp.best.safetensors"})
    run.add({"type": "end", "step": 700, "reason": "early_stop"})
    run.write("early-stop.jsonl")


def steps_only():
    """A log of a runtime without physics records: only steps and evals."""
    run = Run("mlp", [], [], 6)
    run.lines = []
    for s in range(1, 101):
        run.add({"type": "step", "step": s, "epoch": 0,
                 "loss": num(2.3 * math.exp(-s / 50) + 0.3), "lr": 0.001, "step_ms": 3.1})
    run.add({"type": "eval", "split": "test", "step": 100, "epoch": 0, "loss": 0.62, "accuracy": 0.78})
    run.write("steps-only.jsonl")


def errors():
    """Logs that `myelin report` must reject, each with its error on line 3."""
    good = [line({"type": "step", "step": 1, "loss": 2.3}),
            line({"type": "step", "step": 2, "loss": 2.2})]
    bad = {
        "malformed.jsonl": '{"type":"step","step":3 "loss":2.1}',
        "not-object.jsonl": '[1, 2, 3]',
        "no-type.jsonl": '{"step":3,"loss":2.1}',
        "bad-value.jsonl": '{"type":"step","step":3,"loss":"low"}',
        "bad-physics.jsonl": '{"type":"physics","step":3,"layers":{"h1":{"dead":"many"}}}',
    }
    for path, text in bad.items():
        with open(path, "w") as f:
            f.write("\n".join(good + [text, good[0]]) + "\n")


if __name__ == "__main__":
    errors()
    healthy()
    dead_relu()
    vanishing()
    exploding()
    early_stop()
    steps_only()
