#!/usr/bin/python3
"""Regenerates the PyTorch reference fixtures of Myelin's parity tests.

Run by hand with Debian's PyTorch (apt-get install python3-torch), never in
CI; the lit tests (tests/lit/e2e/parity-*.nn) only read what this writes:

    /usr/bin/python3 tests/parity/make_fixtures.py [--only NAME ...]

For each model it builds the same network in PyTorch (float32, one thread),
draws initial weights, picks a fixed sequence of real batches, trains STEPS
steps and records the loss of every step (the forward loss before that
step's update, as Myelin's train_step reports it). Into tests/parity/fixtures/
it writes

  <model>.init.safetensors     initial parameters by Myelin name and layout
                               (--init-from)
  <model>.batches.safetensors  `x` [STEPS, ...input shape], `y` [STEPS,
                               ...label shape]; step s trains on batch s
                               (--data-batches)
  <name>.losses.json           {"losses": [...], "grad_norms": [...],
                               "torch": version, "spec": path, "flags":
                               [...], ...} per training configuration <name>

The MLP's SGD and Adam runs share one init and one batch file, as do the
GPT's runs without and with gradient clipping (one spec; the clipped run
adds --clip-grad-norm 1.0). "grad_norms" holds the global L2 norm of each
step's gradient before any clipping, which Myelin logs as "grad_norm".
Each run is done twice to check that PyTorch itself is deterministic, and once more in
float64 ("losses_f64") to show how far float32 rounding alone moves the
losses.

Layouts: Myelin stores a linear layer's weight as [in, out]; PyTorch's
nn.Linear stores [out, in], so weights are transposed on export. Biases and
LayerNorm parameters are drawn away from their usual 0 / 1 so that a
parameter loaded under the wrong name changes the very first loss.
"""

import argparse
import gzip
import json
import math
import os
import random
import struct
import sys

import torch
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIXTURES = os.path.join(ROOT, "tests", "parity", "fixtures")
FASHION_MNIST = "/usr/share/datasets/fashion-mnist"
FORTUNES = "/usr/share/games/fortunes"
STEPS = 10


# ---------------------------------------------------------------------------
# safetensors
# ---------------------------------------------------------------------------

DTYPES = {torch.float32: ("F32", "<f4"), torch.int32: ("I32", "<i4")}


def write_safetensors(path, tensors, metadata):
    """Writes `tensors` (name -> float32/int32 tensor, in order) as safetensors:
    8-byte little-endian header length, JSON header, raw little-endian data."""
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        dtype, np_dtype = DTYPES[t.dtype]
        data = t.detach().contiguous().cpu().numpy().astype(np_dtype).tobytes()
        header[name] = {"dtype": dtype, "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    header["__metadata__"] = {k: str(v) for k, v in metadata.items()}
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)  # data starts 8-byte aligned
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)
    os.replace(tmp, path)


def read_safetensors(path):
    """Reads back what write_safetensors wrote (used as a self-check)."""
    import numpy as np
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    header.pop("__metadata__", None)
    out = {}
    for name, h in header.items():
        b, e = h["data_offsets"]
        np_dtype = {"F32": "<f4", "I32": "<i4"}[h["dtype"]]
        arr = np.frombuffer(raw[8 + n + b:8 + n + e], dtype=np_dtype)
        out[name] = torch.from_numpy(arr.copy()).reshape(h["shape"])
    return out


def write_losses(name, record):
    path = os.path.join(FIXTURES, name + ".losses.json")
    with open(path, "w") as f:
        json.dump(record, f, indent=2)
        f.write("\n")
    print(f"wrote {os.path.relpath(path, ROOT)}")


def rel(path):
    return os.path.relpath(path, ROOT)


# ---------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------

def read_idx(path):
    """An IDX file (gzip or raw) as a uint8 tensor of its dimensions."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        raw = f.read()
    magic, = struct.unpack(">I", raw[:4])
    rank = magic & 0xFF
    dims = struct.unpack(">" + "I" * rank, raw[4:4 + 4 * rank])
    data = torch.frombuffer(bytearray(raw[4 + 4 * rank:]), dtype=torch.uint8)
    return data.reshape(dims)


def fashion_mnist_batches(batch):
    """The first STEPS * batch training images (pixels / 255) and labels, in
    file order: batch s holds images s*batch .. (s+1)*batch - 1."""
    images = read_idx(os.path.join(FASHION_MNIST, "train-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(FASHION_MNIST, "train-labels-idx1-ubyte.gz"))
    n = STEPS * batch
    x = images[:n].reshape(STEPS, batch, 784).to(torch.float32) / 255.0
    y = labels[:n].reshape(STEPS, batch).to(torch.int32)
    return x, y


def fortunes_corpus():
    """The fortunes files concatenated in name order, *.dat and *.u8 skipped
    (as the runtime's tokens(file=DIR) reads a directory)."""
    names = sorted(n for n in os.listdir(FORTUNES)
                   if not n.endswith((".dat", ".u8"))
                   and os.path.isfile(os.path.join(FORTUNES, n))
                   and not os.path.islink(os.path.join(FORTUNES, n)))
    data = b"".join(open(os.path.join(FORTUNES, n), "rb").read() for n in names)
    return data, names


def token_batches(batch, context, val_fraction, seed):
    """STEPS batches of `batch` windows of `context` bytes at random offsets
    in the training part of the corpus (the last val_fraction is held out);
    y is x shifted by one byte."""
    data, names = fortunes_corpus()
    train_bytes = len(data) - int(len(data) * val_fraction)
    rng = random.Random(seed)
    xs, ys = [], []
    for _ in range(STEPS * batch):
        o = rng.randrange(0, train_bytes - context - 1)
        xs.append(list(data[o:o + context]))
        ys.append(list(data[o + 1:o + context + 1]))
    x = torch.tensor(xs, dtype=torch.int32).reshape(STEPS, batch, context)
    y = torch.tensor(ys, dtype=torch.int32).reshape(STEPS, batch, context)
    return x, y, len(data), len(names)


# ---------------------------------------------------------------------------
# Training loop shared by all models
# ---------------------------------------------------------------------------

def train(model_fn, params, x, y, make_opt, clip=None, dtype=torch.float32):
    """Trains a copy of `params` (name -> tensor) for STEPS steps and returns
    the per-step losses and global gradient norms (before clipping)."""
    p = {k: v.detach().clone().to(dtype).requires_grad_(True)
         for k, v in params.items()}
    opt = make_opt(p)
    losses, norms = [], []
    for s in range(STEPS):
        opt.zero_grad(set_to_none=True)
        xs = x[s].to(dtype) if x.dtype.is_floating_point else x[s].long()
        loss = model_fn(p, xs, y[s].long())
        loss.backward()
        if clip is not None:
            norm = torch.nn.utils.clip_grad_norm_(list(p.values()), clip)
        else:  # what clip_grad_norm_ computes, without scaling
            norm = torch.stack([t.grad.norm(2) for t in p.values()]).norm(2)
        norms.append(float(norm))
        opt.step()
        losses.append(float(loss))
    return losses, norms


def run(name, model_fn, params, x, y, make_opt, clip=None):
    """float32 twice (must agree bit for bit) and float64 once."""
    a, norms = train(model_fn, params, x, y, make_opt, clip)
    b, _ = train(model_fn, params, x, y, make_opt, clip)
    if a != b:
        sys.exit(f"{name}: PyTorch is not deterministic:\n{a}\n{b}")
    f64, _ = train(model_fn, params, x, y, make_opt, clip, dtype=torch.float64)
    drift = max(abs(u - v) / abs(v) for u, v in zip(a, f64))
    print(f"{name}: losses {a[0]:.6f} .. {a[-1]:.6f}, "
          f"max |f32 - f64| / f64 = {drift:.2e}")
    return a, f64, norms


# ---------------------------------------------------------------------------
# MLP: relu(linear) x 2, linear, mean softmax cross-entropy
# ---------------------------------------------------------------------------

MLP_SIZES = [("h1", 784, 64), ("h2", 64, 32), ("logits", 32, 10)]
MLP_BATCH = 16


def mlp_params(gen):
    """Myelin layout ([in, out] weights): he_normal for h1, h2 and
    xavier_uniform for logits as in the spec; biases U(-0.1, 0.1)."""
    p = {}
    for name, fan_in, fan_out in MLP_SIZES:
        if name == "logits":
            lim = math.sqrt(6.0 / (fan_in + fan_out))
            w = (torch.rand(fan_in, fan_out, generator=gen) * 2 - 1) * lim
        else:
            w = torch.randn(fan_in, fan_out, generator=gen) * math.sqrt(2.0 / fan_in)
        p[name + ".weight"] = w
        p[name + ".bias"] = (torch.rand(fan_out, generator=gen) * 2 - 1) * 0.1
    return p


def mlp_forward(p, x, y):
    # F.linear takes PyTorch's [out, in] weight: transpose Myelin's [in, out].
    h = x
    for i, (name, _, _) in enumerate(MLP_SIZES):
        h = F.linear(h, p[name + ".weight"].t(), p[name + ".bias"])
        if i + 1 < len(MLP_SIZES):
            h = F.relu(h)
    return F.cross_entropy(h, y)


def make_mlp(torch_version):
    gen = torch.Generator().manual_seed(20240601)
    params = mlp_params(gen)
    x, y = fashion_mnist_batches(MLP_BATCH)
    init = os.path.join(FIXTURES, "mlp.init.safetensors")
    batches = os.path.join(FIXTURES, "mlp.batches.safetensors")
    meta = {"generator": "tests/parity/make_fixtures.py", "model": "mlp"}
    write_safetensors(init, params, meta)
    write_safetensors(batches, {"x": x, "y": y},
                      dict(meta, source=FASHION_MNIST + " train, first "
                           f"{STEPS * MLP_BATCH} images, pixels / 255"))
    check_roundtrip(init, params)
    check_roundtrip(batches, {"x": x, "y": y})

    configs = {
        "mlp_sgd": ("tests/parity/mlp_sgd.nn",
                    lambda p: torch.optim.SGD(p.values(), lr=0.05, momentum=0.9),
                    "torch.optim.SGD(lr=0.05, momentum=0.9, dampening=0, "
                    "nesterov=False, weight_decay=0)"),
        "mlp_adam": ("tests/parity/mlp_adam.nn",
                     lambda p: torch.optim.Adam(p.values(), lr=1e-3,
                                                betas=(0.9, 0.999), eps=1e-8),
                     "torch.optim.Adam(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, "
                     "weight_decay=0)"),
    }
    for name, (spec, make_opt, opt_text) in configs.items():
        losses, f64, norms = run(name, mlp_forward, params, x, y, make_opt)
        write_losses(name, {
            "losses": losses,
            "grad_norms": norms,
            "torch": torch_version,
            "spec": spec,
            "flags": [],
            "init": rel(init),
            "batches": rel(batches),
            "steps": STEPS,
            "losses_f64": f64,
            "notes": "784-64-32-10 MLP, relu, mean softmax cross-entropy, "
                     f"batch {MLP_BATCH}; {opt_text}; float32, 1 thread; "
                     "losses[s] is the loss of step s+1 before its update, "
                     "grad_norms[s] the global L2 norm of its gradient; "
                     "losses_f64 is the same run in float64",
        })


# ---------------------------------------------------------------------------
# GPT: tiny pre-LN transformer with tied embeddings
# ---------------------------------------------------------------------------

GPT = dict(V=256, T=16, C=32, H=2, L=2, B=4)


def gpt_params(gen):
    """Myelin names and layouts ([in, out] linear weights). Larger than the
    spec's GPT-2 style N(0, 0.02) on purpose: with 0.02, attention scores are
    all close to 0, softmax is nearly uniform and the logits nearly 0, so
    swapped q/k weights, a wrong 1/sqrt(D) scale or a dropped q bias change
    the losses by less than 1e-5 (measured) and would pass. Here: wte, wpe
    and linear weights N(0, 0.1), q and k weights N(0, 0.3) (sharp
    attention), linear biases N(0, 0.1), LayerNorm gain 1 + N(0, 0.1) and
    bias N(0, 0.1)."""
    V, T, C = GPT["V"], GPT["T"], GPT["C"]
    normal = lambda *shape, std: torch.randn(*shape, generator=gen) * std
    p = {"wte": normal(V, C, std=0.1), "wpe": normal(T, C, std=0.1)}

    def layer_norm(prefix):
        p[prefix + ".weight"] = 1 + normal(C, std=0.1)
        p[prefix + ".bias"] = normal(C, std=0.1)

    def linear(prefix, n_in, n_out, std=0.1):
        p[prefix + ".weight"] = normal(n_in, n_out, std=std)  # [in, out]
        p[prefix + ".bias"] = normal(n_out, std=0.1)

    for i in range(GPT["L"]):
        b = f"blocks.{i}."
        layer_norm(b + "ln1")
        for m in ("q", "k", "v", "proj"):
            linear(b + "attn." + m, C, C, std=0.3 if m in ("q", "k") else 0.1)
        layer_norm(b + "ln2")
        linear(b + "fc", C, 4 * C)
        linear(b + "proj", 4 * C, C)
    layer_norm("lnf")
    return p


def gpt_forward(p, idx, y):
    V, T, C, H = GPT["V"], GPT["T"], GPT["C"], GPT["H"]
    B, D = idx.shape[0], C // H
    lin = lambda x, name: F.linear(x, p[name + ".weight"].t(), p[name + ".bias"])
    ln = lambda x, name: F.layer_norm(x, (C,), p[name + ".weight"],
                                      p[name + ".bias"], eps=1e-5)
    x = p["wte"][idx] + p["wpe"][torch.arange(T)]
    mask = torch.ones(T, T, dtype=torch.bool).triu(1)  # j > i
    for i in range(GPT["L"]):
        b = f"blocks.{i}."
        a = ln(x, b + "ln1")
        heads = lambda t: t.view(B, T, H, D).transpose(1, 2)
        q, k, v = (heads(lin(a, b + "attn." + m)) for m in ("q", "k", "v"))
        att = (q @ k.transpose(-2, -1)) / math.sqrt(D)
        att = att.masked_fill(mask, float("-inf")).softmax(dim=-1)
        o = (att @ v).transpose(1, 2).contiguous().view(B, T, C)
        h = x + lin(o, b + "attn.proj")
        fc = F.gelu(lin(ln(h, b + "ln2"), b + "fc"), approximate="tanh")
        x = h + lin(fc, b + "proj")
    logits = ln(x, "lnf") @ p["wte"].t()
    return F.cross_entropy(logits.view(-1, V), y.reshape(-1))


def gpt_adamw(p):
    """AdamW with weight decay on 2-D parameters (wte, wpe, linear weights)."""
    decay = [t for t in p.values() if t.dim() == 2]
    no_decay = [t for t in p.values() if t.dim() != 2]
    return torch.optim.AdamW(
        [{"params": decay, "weight_decay": 0.1},
         {"params": no_decay, "weight_decay": 0.0}],
        lr=1e-3, betas=(0.9, 0.95), eps=1e-8)


def make_gpt(torch_version):
    gen = torch.Generator().manual_seed(20240602)
    params = gpt_params(gen)
    x, y, corpus_bytes, files = token_batches(GPT["B"], GPT["T"], 0.1, seed=7)
    init = os.path.join(FIXTURES, "gpt.init.safetensors")
    batches = os.path.join(FIXTURES, "gpt.batches.safetensors")
    meta = {"generator": "tests/parity/make_fixtures.py", "model": "gpt"}
    write_safetensors(init, params, meta)
    write_safetensors(batches, {"x": x, "y": y}, dict(
        meta, source=f"{FORTUNES}: {files} files, {corpus_bytes} bytes; "
        "random windows in the first 90%, random.Random(7)"))
    check_roundtrip(init, params)
    check_roundtrip(batches, {"x": x, "y": y})

    common = ("tiny GPT (V 256, T 16, C 32, 2 heads, 2 pre-LN blocks, tanh "
              "GELU, tied wte), batch 4, mean cross-entropy over B*T; "
              "torch.optim.AdamW(lr=1e-3, betas=(0.9, 0.95), eps=1e-8) with "
              "weight_decay 0.1 on wte, wpe and linear weights, 0 on biases "
              "and LayerNorm; float32, 1 thread; losses[s] is the loss of "
              "step s+1 before its update, grad_norms[s] the global L2 norm "
              "of its gradient before clipping; losses_f64 is the same run "
              "in float64")
    for name, clip in (("gpt", None), ("gpt_clip", 1.0)):
        losses, f64, norms = run(name, gpt_forward, params, x, y, gpt_adamw,
                                 clip)
        record = {
            "losses": losses,
            "grad_norms": norms,
            "torch": torch_version,
            "spec": "tests/parity/gpt.nn",
            "flags": [] if clip is None else ["--clip-grad-norm", str(clip)],
            "init": rel(init),
            "batches": rel(batches),
            "steps": STEPS,
            "losses_f64": f64,
            "notes": common,
        }
        if clip is not None:
            record["notes"] += ("; torch.nn.utils.clip_grad_norm_(max_norm="
                                f"{clip}) before each step (Myelin: "
                                f"--clip-grad-norm {clip})")
            print(f"{name}: pre-clip gradient norms "
                  + " ".join(f"{n:.3f}" for n in norms))
        write_losses(name, record)


def check_roundtrip(path, tensors):
    back = read_safetensors(path)
    assert list(back) == list(tensors), path
    for k, t in tensors.items():
        assert torch.equal(back[k], t.to(back[k].dtype)), (path, k)
    size = os.path.getsize(path)
    print(f"wrote {rel(path)} ({size} bytes)")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", nargs="*", choices=["mlp", "gpt"],
                    help="regenerate only these models")
    args = ap.parse_args()
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    os.makedirs(FIXTURES, exist_ok=True)
    version = torch.__version__
    for model in args.only or ["mlp", "gpt"]:
        {"mlp": make_mlp, "gpt": make_gpt}[model](version)


if __name__ == "__main__":
    main()
