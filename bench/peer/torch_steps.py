"""PyTorch peer for bench/peer.bench.ts: the lab's four training workloads, timed on the CPU.

Same shapes, batch sizes and optimizer as the lab's measurements: MLP 784-128-10 at batch 128; the
lab's default CNN (two blocks of 3x3 conv 'same' -> ReLU -> 2x2 max-pool, 16 then 32 filters, dense
to 10 classes) at batch 64; and the lab's decoder-only character transformer (training/model-spec.ts)
at d64, 2 layers, context 64, batch 16 and at d128, 4 layers, context 128, batch 32, 4 heads, a
vocabulary of 83. Adam (lr 1e-3), softmax cross-entropy, the dataset resident in memory and each batch
gathered by index. One thread per process (docs/engineering-notes.md §1), so the comparison is one
core against one core. Prints one JSON line per measurement: {"name", "unit", "median", "min", "max",
"runs", "note"}.
Usage: python3 bench/peer/torch_steps.py [runs] [steps] [mlp|cnn|tf64|tf128|all] [warm-up steps, 20] [cpu|cuda]
(the last two in either order). With cuda (npm run bench:gpu) the data and model live on the GPU and
every timed stretch ends with torch.cuda.synchronize(), so the time is the GPU's, not the queueing's.
"""
import json
import math
import os
import statistics
import sys
import time

import torch
import torch.nn.functional as F

torch.set_num_threads(1)
torch.manual_seed(0)
RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 5
STEPS = int(sys.argv[2]) if len(sys.argv) > 2 else 200
WHICH = sys.argv[3] if len(sys.argv) > 3 else "all"
EXTRA = sys.argv[4:]  # a device name (cpu, cuda) and/or a warm-up step count, in either order
DEVICE = torch.device(next((a for a in EXTRA if not a.isdigit()), "cpu"))
WARMUP = int(next((a for a in EXTRA if a.isdigit()), "20"))
DATASET_ROWS = 4096
VOCAB = 83
TEXT_TOKENS = 20000


def mlp():
    return torch.nn.Sequential(torch.nn.Linear(784, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))


def cnn():
    return torch.nn.Sequential(
        torch.nn.Conv2d(1, 16, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(16, 32, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Flatten(), torch.nn.Linear(7 * 7 * 32, 10),
    )


class Block(torch.nn.Module):
    """A pre-norm block as the lab writes it: x + attention(norm(x)), then x + mlp(norm(x))."""

    def __init__(self, d, heads):
        super().__init__()
        self.heads = heads
        self.norm1 = torch.nn.LayerNorm(d, eps=1e-5)
        self.qkv = torch.nn.Linear(d, 3 * d)
        self.out = torch.nn.Linear(d, d)
        self.norm2 = torch.nn.LayerNorm(d, eps=1e-5)
        self.mlp_in = torch.nn.Linear(d, 4 * d)
        self.mlp_out = torch.nn.Linear(4 * d, d)

    def forward(self, h, causal):
        b, t, d = h.shape
        q, k, v = self.qkv(self.norm1(h)).split(d, dim=-1)
        heads = lambda z: z.view(b, t, self.heads, d // self.heads).transpose(1, 2)
        # Scores plus an additive mask of -1e9 above the diagonal, then softmax: the lab's attention.
        scores = heads(q) @ heads(k).transpose(-2, -1) / math.sqrt(d // self.heads) + causal[:t, :t]
        attended = (scores.softmax(-1) @ heads(v)).transpose(1, 2).reshape(b, t, d)
        h = h + self.out(attended)
        return h + self.mlp_out(F.gelu(self.mlp_in(self.norm2(h)), approximate="tanh"))


class Transformer(torch.nn.Module):
    """Token + learned position embeddings, pre-norm blocks, final norm, linear head (no weight tying)."""

    def __init__(self, d, layers, context, heads=4):
        super().__init__()
        self.tokens = torch.nn.Embedding(VOCAB, d)
        self.positions = torch.nn.Parameter(torch.randn(context, d) * 0.02)
        self.blocks = torch.nn.ModuleList([Block(d, heads) for _ in range(layers)])
        self.norm = torch.nn.LayerNorm(d, eps=1e-5)
        self.head = torch.nn.Linear(d, VOCAB)
        self.register_buffer("causal", torch.triu(torch.full((context, context), -1e9), diagonal=1))

    def forward(self, x):
        h = self.tokens(x) + self.positions[: x.shape[1]]
        for block in self.blocks:
            h = block(h, self.causal)
        return self.head(self.norm(h)).reshape(-1, VOCAB)


def steps_per_second(model, inputs, labels, batch, context=None):
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    if context is None:
        order = torch.randint(0, inputs.shape[0], (STEPS + WARMUP, batch), device=inputs.device)
    else:  # text: windows of `context` tokens, the targets shifted by one
        order = torch.randint(0, inputs.shape[0] - context - 1, (STEPS + WARMUP, batch, 1), device=inputs.device) + torch.arange(context, device=inputs.device)

    def step(i):
        index = order[i]
        optimizer.zero_grad(set_to_none=True)
        target = labels[index] if context is None else inputs[index + 1].reshape(-1)
        loss = F.cross_entropy(model(inputs[index]), target)
        loss.backward()
        optimizer.step()
        return loss

    for i in range(WARMUP):  # warm-up: allocator and BLAS buffers (and CUDA kernels)
        step(i)
    sync()
    start = time.perf_counter()
    for i in range(STEPS):
        loss = step(i)
        if i % 20 == 19:
            loss.item()  # the lab reads its scalars back every 20 steps too
    sync()
    return STEPS / (time.perf_counter() - start)


def sync():
    if DEVICE.type == "cuda":
        torch.cuda.synchronize()


def report(name, values, note):
    print(json.dumps({
        "name": name, "unit": "steps/s", "median": statistics.median(values), "min": min(values),
        "max": max(values), "runs": len(values), "note": note,
    }), flush=True)


# Debian's torch links the generic libblas.so.3; the alternatives system says which BLAS that is.
blas = "BLAS " + (os.path.realpath("/etc/alternatives/libblas.so.3-x86_64-linux-gnu").split("/")[-2]
                  if os.path.exists("/etc/alternatives/libblas.so.3-x86_64-linux-gnu") else "unknown")
common = f"torch {torch.__version__}, CPU, {torch.get_num_threads()} thread, {blas}"
if DEVICE.type == "cuda":
    common = f"torch {torch.__version__}, CUDA {torch.version.cuda}, {torch.cuda.get_device_name(DEVICE)}"

images = torch.rand(DATASET_ROWS, 784, device=DEVICE)
classes = torch.randint(0, 10, (DATASET_ROWS,), device=DEVICE)
if WHICH in ("mlp", "all"):
    report("torch: MLP 784-128-10, batch 128, Adam", [steps_per_second(mlp().to(DEVICE), images, classes, 128) for _ in range(RUNS)], common)
if WHICH in ("cnn", "all"):
    pictures = images.reshape(-1, 1, 28, 28)
    report("torch: CNN 16-32 filters, 28x28, batch 64, Adam", [steps_per_second(cnn().to(DEVICE), pictures, classes, 64) for _ in range(RUNS)], common)
if WHICH in ("tf64", "all"):
    text = torch.randint(0, VOCAB, (TEXT_TOKENS,), device=DEVICE)
    report("torch: char transformer d64, 2 layers, ctx 64, batch 16, Adam",
           [steps_per_second(Transformer(64, 2, 64).to(DEVICE), text, None, 16, 64) for _ in range(RUNS)], common)
if WHICH in ("tf128", "all"):
    text = torch.randint(0, VOCAB, (TEXT_TOKENS,), device=DEVICE)
    report("torch: char transformer d128, 4 layers, ctx 128, batch 32, Adam",
           [steps_per_second(Transformer(128, 4, 128).to(DEVICE), text, None, 32, 128) for _ in range(RUNS)], common)
