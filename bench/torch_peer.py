#!/usr/bin/python3
"""The PyTorch peer of Myelin's benchmark: the same model, batch and
optimizer as a Myelin spec, trained in PyTorch eager mode for a fixed number
of steps on random data. bench/bench.py runs it interleaved with the Myelin
executable and compares the per-step times.

    OPENBLAS_CORETYPE=SkylakeX OMP_WAIT_POLICY=passive \\
      /usr/bin/python3 bench/torch_peer.py --kind gpt --V 256 --T 128 --C 256 \\
      --H 4 --L 4 --batch 16 --steps 10 --threads 2

Models (as in examples/*.nn and bench/gpt2.nn):
  mlp: linear+relu layers of --widths (e.g. 784,512,256,10), mean softmax
       cross-entropy, Adam(lr 1e-3, betas 0.9/0.999, eps 1e-8).
  gpt: pre-LayerNorm blocks (LayerNorm, causal self-attention with separate
       q/k/v/proj linears, residual; LayerNorm, 4C tanh-GELU linear, C
       linear, residual), learned positions, final LayerNorm, logits tied to
       the token embedding, mean cross-entropy over B*T; AdamW(lr 3e-4, betas
       0.9/0.95, eps 1e-8, weight decay 0.1 on 2-D parameters only), gradient
       clipping at global norm 1.0 (clip_grad_norm_).

A step is what Myelin's train_step does: zero the gradients, forward,
backward, (clip), optimizer update, and reading the loss. Prints one JSON
line: {"step_ms": [...], "torch": version, "threads": n, "blas": ...}.
Initial values and data do not matter for speed: parameters use PyTorch's
default initialization, batches are random.
"""

import argparse
import json
import math
import os
import sys
import time


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--kind", choices=["mlp", "gpt"], required=True)
    p.add_argument("--widths", default="784,512,256,10",
                   help="mlp: input width and the width of each linear layer")
    for name in ("V", "T", "C", "H", "L"):
        p.add_argument("--" + name, type=int, default=0)
    p.add_argument("--batch", type=int, required=True)
    p.add_argument("--steps", type=int, required=True)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--clip", type=float, default=1.0,
                   help="gpt: clip_grad_norm_ max norm (0: no clipping)")
    return p.parse_args()


def blas_info(torch):
    """Which BLAS the process actually loaded (torch reports BLAS_INFO=generic
    for Debian's build, which calls whatever libblas.so.3 resolves to)."""
    libs = set()
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                path = line.split()[-1] if len(line.split()) >= 6 else ""
                base = os.path.basename(path)
                if "blas" in base:
                    libs.add(os.path.realpath(path))
    except OSError:
        pass
    return sorted(libs)


def main():
    args = parse_args()
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)

    if args.kind == "mlp":
        widths = [int(w) for w in args.widths.split(",")]
        layers = []
        for i in range(1, len(widths)):
            layers.append(nn.Linear(widths[i - 1], widths[i]))
            if i + 1 < len(widths):
                layers.append(nn.ReLU())
        model = nn.Sequential(*layers)
        opt = torch.optim.Adam(model.parameters(), lr=1e-3,
                               betas=(0.9, 0.999), eps=1e-8)
        x = torch.randn(args.batch, widths[0])
        y = torch.randint(0, widths[-1], (args.batch,))
        forward = lambda: F.cross_entropy(model(x), y)
        clip = 0.0
    else:
        V, T, C, H, L = args.V, args.T, args.C, args.H, args.L
        if min(V, T, C, H, L) <= 0 or C % H:
            sys.exit("torch_peer: gpt needs positive --V --T --C --H --L "
                     "with C divisible by H")
        D = C // H

        class Block(nn.Module):
            def __init__(self):
                super().__init__()
                self.ln1 = nn.LayerNorm(C)
                self.q, self.k, self.v = (nn.Linear(C, C) for _ in range(3))
                self.attn_proj = nn.Linear(C, C)
                self.ln2 = nn.LayerNorm(C)
                self.fc = nn.Linear(C, 4 * C)
                self.proj = nn.Linear(4 * C, C)
                self.register_buffer(
                    "mask", torch.ones(T, T, dtype=torch.bool).triu(1))

            def forward(self, x):
                B = x.shape[0]
                a = self.ln1(x)
                heads = lambda t: t.view(B, T, H, D).transpose(1, 2)
                q, k, v = heads(self.q(a)), heads(self.k(a)), heads(self.v(a))
                att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(D))
                att = att.masked_fill(self.mask, float("-inf")).softmax(dim=-1)
                o = (att @ v).transpose(1, 2).contiguous().view(B, T, C)
                h = x + self.attn_proj(o)
                fc = F.gelu(self.fc(self.ln2(h)), approximate="tanh")
                return h + self.proj(fc)

        class GPT(nn.Module):
            def __init__(self):
                super().__init__()
                self.wte = nn.Parameter(torch.randn(V, C) * 0.02)
                self.wpe = nn.Parameter(torch.randn(T, C) * 0.02)
                self.blocks = nn.Sequential(*[Block() for _ in range(L)])
                self.lnf = nn.LayerNorm(C)

            def forward(self, idx, y):
                x = self.wte[idx] + self.wpe
                logits = self.lnf(self.blocks(x)) @ self.wte.t()
                return F.cross_entropy(logits.view(-1, V), y.view(-1))

        model = GPT()
        params = list(model.parameters())
        decay = [t for t in params if t.dim() == 2]
        no_decay = [t for t in params if t.dim() != 2]
        opt = torch.optim.AdamW(
            [{"params": decay, "weight_decay": 0.1},
             {"params": no_decay, "weight_decay": 0.0}],
            lr=3e-4, betas=(0.9, 0.95), eps=1e-8)
        idx = torch.randint(0, V, (args.batch, T))
        y = torch.randint(0, V, (args.batch, T))
        forward = lambda: model(idx, y)
        clip = args.clip

    step_ms = []
    for _ in range(args.steps):
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        loss = forward()
        loss.backward()
        if clip > 0:
            torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
        opt.step()
        loss_value = float(loss)
        step_ms.append((time.perf_counter() - t0) * 1e3)
        if not math.isfinite(loss_value):
            sys.exit(f"torch_peer: non-finite loss {loss_value}")

    print(json.dumps({
        "step_ms": step_ms,
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "params": sum(t.numel() for t in model.parameters()),
        "blas": blas_info(torch),
        "env": {k: os.environ.get(k, "") for k in
                ("OPENBLAS_CORETYPE", "OMP_WAIT_POLICY", "OPENBLAS_NUM_THREADS",
                 "OMP_NUM_THREADS")},
    }))


if __name__ == "__main__":
    main()
