"""PyTorch peer for bench/peer.bench.ts: the lab's MLP and CNN training steps, timed on the CPU.

Same shapes, batch sizes and optimizer as the tfjs measurements: MLP 784-128-10 at batch 128 and the
lab's default CNN (two blocks of 3x3 conv 'same' -> ReLU -> 2x2 max-pool, 16 then 32 filters, dense
to 10 classes) at batch 64, Adam, softmax cross-entropy, the dataset resident in memory and each
batch gathered by index. One thread per process (docs/engineering-notes.md §1), so the comparison is one core
against one core. Prints one JSON line per measurement: {"name", "unit", "median", "min", "max", "runs"}.
Usage: python3 bench/peer/torch_steps.py [runs] [steps] [mlp|cnn|all] [cpu|cuda]
With cuda (npm run bench:gpu) the data and model live on the GPU and every timed stretch ends with
torch.cuda.synchronize(), so the time is the GPU's, not the queueing's.
"""
import json
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
DEVICE = torch.device(sys.argv[4] if len(sys.argv) > 4 else "cpu")
DATASET_ROWS = 4096


def mlp():
    return torch.nn.Sequential(torch.nn.Linear(784, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))


def cnn():
    return torch.nn.Sequential(
        torch.nn.Conv2d(1, 16, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(16, 32, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Flatten(), torch.nn.Linear(7 * 7 * 32, 10),
    )


def steps_per_second(model, inputs, labels, batch):
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    order = torch.randint(0, inputs.shape[0], (STEPS + 20, batch), device=inputs.device)

    def step(i):
        index = order[i]
        optimizer.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(inputs[index]), labels[index])
        loss.backward()
        optimizer.step()
        return loss

    for i in range(20):  # warm-up: allocator and BLAS buffers (and CUDA kernels)
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
