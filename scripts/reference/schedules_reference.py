"""Prints reference learning rates for src/lib/math/schedules.spec.ts.

The formulas below are written from the definitions in docs/engineering-notes.md §3 (big_vision style: absolute
optimizer steps, decay progress measured after the warmup, warmup ramp = step / warmup), independently
of the TypeScript code. Run with /usr/bin/python3 and paste the printed rows into the spec as literals.
"""

import math


def ramp(step, warmup):
    # Multiplier of the linear warmup: 0 at step 0, 1 from step `warmup` on.
    return 1.0 if warmup == 0 else min(1.0, step / warmup)


def shape_value(shape, t):
    t = min(1.0, max(0.0, t))
    if shape == "linear":
        return 1.0 - t
    if shape == "1-sqrt":
        return 1.0 - math.sqrt(t)
    if shape == "cosine":
        return 0.5 * (1.0 + math.cos(math.pi * t))
    if shape == "square":
        return 1.0 - t * t
    raise ValueError(shape)


def decayed(lr, shape, start, end, final, step):
    t = (step - start) / (end - start)
    return lr * (final + (1.0 - final) * shape_value(shape, t))


def linear(lr, total, warmup, final, step):
    return ramp(step, warmup) * decayed(lr, "linear", warmup, total, final, step)


def cosine(lr, total, warmup, final, step):
    return ramp(step, warmup) * decayed(lr, "cosine", warmup, total, final, step)


def rsqrt(lr, warmup, timescale, step):
    value = lr if step < warmup else lr / math.sqrt(1.0 + (step - warmup) / timescale)
    return ramp(step, warmup) * value


def wsd(lr, total, warmup, cooldown, shape, final, step):
    start = total - cooldown
    value = lr if step < start else decayed(lr, shape, start, total, final, step)
    return ramp(step, warmup) * value


def branch_of_rsqrt(lr, warmup, timescale, start, length, shape, final, step):
    if step < start:
        return rsqrt(lr, warmup, timescale, step)
    return decayed(rsqrt(lr, warmup, timescale, start), shape, start, start + length, final, step)


def row(name, fn, steps):
    print(name)
    print("  [" + ", ".join(f"[{s}, {fn(s)!r}]" for s in steps) + "]")


row("linear lr=0.5 total=10 warmup=2 final=0.1", lambda s: linear(0.5, 10, 2, 0.1, s), range(0, 12))
row("cosine lr=1 total=12 warmup=4 final=0", lambda s: cosine(1.0, 12, 4, 0.0, s), range(0, 13))
row("rsqrt lr=0.01 warmup=5 timescale=10", lambda s: rsqrt(0.01, 5, 10, s), [0, 2, 5, 6, 15, 35, 105, 1000])
for shape in ["linear", "1-sqrt", "cosine", "square"]:
    row(
        f"wsd lr=0.2 total=20 warmup=4 cooldown=8 shape={shape} final=0.1",
        lambda s, shape=shape: wsd(0.2, 20, 4, 8, shape, 0.1, s),
        [0, 3, 4, 11, 12, 13, 14, 16, 18, 19, 20, 25],
    )
row(
    "cooldown branch of rsqrt lr=0.01 warmup=5 timescale=10 at 20 over 10, 1-sqrt, final 0",
    lambda s: branch_of_rsqrt(0.01, 5, 10, 20, 10, "1-sqrt", 0.0, s),
    [19, 20, 21, 25, 29, 30, 40],
)
row(
    "cli: wsd lr=0.01 total=10 warmup=2 cooldown=4 1-sqrt final=0",
    lambda s: wsd(0.01, 10, 2, 4, "1-sqrt", 0.0, s),
    range(0, 10),
)
row("cli: cosine lr=0.1 total=6 warmup=0 final=0", lambda s: cosine(0.1, 6, 0, 0.0, s), range(0, 6))
for shape in ["linear", "1-sqrt", "cosine", "square"]:
    print(f"factor {shape} final=0.25", [shape_value(shape, t) * 0.75 + 0.25 for t in [0.0, 0.1, 0.25, 0.5, 0.9, 1.0]])
