"""Prints reference values for src/lib/math/discrepancy.spec.ts and src/lib/math/ks-test.spec.ts.

Everything below is plain Python written from the textbook formulas, independently of the TypeScript:
  - the squared centered L2 discrepancy CD^2 (Hickernell 1998), the quantity SciPy's
    qmc.discrepancy(method='CD') returns;
  - the one-sample KS statistic against Uniform(0, 1) and the Kolmogorov survival function.
Run with /usr/bin/python3 (or any python3) and paste the printed numbers into the specs as literals. When
SciPy happens to be importable, the script also prints SciPy's figures next to its own as a cross-check;
the literals come from the plain formulas.
"""

import math

POINT_SETS = {
    "one-d": [[0.1], [0.4], [0.7]],
    "two-d": [[0.125, 0.625], [0.375, 0.125], [0.625, 0.875], [0.875, 0.375]],
    "three-d": [
        [0.05, 0.9, 0.33],
        [0.5, 0.5, 0.5],
        [0.77, 0.12, 0.64],
        [0.31, 0.42, 0.98],
        [0.99, 0.01, 0.2],
    ],
}


def centered_l2_squared(points):
    n = len(points)
    d = len(points[0])
    first = (13.0 / 12.0) ** d
    second = 0.0
    for x in points:
        term = 1.0
        for xk in x:
            a = abs(xk - 0.5)
            term *= 1.0 + a / 2.0 - a * a / 2.0
        second += term
    third = 0.0
    for x in points:
        for y in points:
            term = 1.0
            for xk, yk in zip(x, y):
                term *= 1.0 + abs(xk - 0.5) / 2.0 + abs(yk - 0.5) / 2.0 - abs(xk - yk) / 2.0
            third += term
    return first - 2.0 * second / n + third / (n * n)


def ks_uniform(values):
    xs = sorted(values)
    n = len(xs)
    return max(max((i + 1) / n - x, x - i / n) for i, x in enumerate(xs))


def kolmogorov_q(lam):
    # Alternating series; converges fast enough for lam >= 0.3 with 200 terms.
    return 2.0 * sum((-1) ** (k - 1) * math.exp(-2.0 * k * k * lam * lam) for k in range(1, 200))


KS_SAMPLE = [0.05, 0.15, 0.2, 0.22, 0.5, 0.61, 0.62, 0.9]

if __name__ == "__main__":
    try:
        import numpy
        from scipy.stats import kstwobign, kstest, qmc
    except ImportError:
        qmc = None

    print("# centered L2 discrepancy, squared (CD^2)")
    for name, points in POINT_SETS.items():
        line = f"{name}: {centered_l2_squared(points)!r}"
        if qmc is not None:
            line += f"   scipy: {qmc.discrepancy(numpy.array(points), method='CD')!r}"
        print(line)

    print("# KS statistic of KS_SAMPLE against Uniform(0, 1)")
    line = f"D = {ks_uniform(KS_SAMPLE)!r}"
    if qmc is not None:
        line += f"   scipy: {kstest(KS_SAMPLE, 'uniform').statistic!r}"
    print(line)

    print("# Kolmogorov survival Q(lambda)")
    for lam in [0.5, 0.8, 1.0, 1.2, 1.3581, 1.6276, 2.0]:
        line = f"Q({lam}) = {kolmogorov_q(lam)!r}"
        if qmc is not None:
            line += f"   scipy: {kstwobign.sf(lam)!r}"
        print(line)

    if qmc is not None:
        # SciPy's own scrambled Halton, for comparison with src/lib/math/halton.spec.ts (not a literal the
        # TypeScript must match point for point: the permutations come from different generators).
        values = sorted(
            qmc.discrepancy(qmc.Halton(d=7, scramble=True, seed=s).random(64), method="CD") for s in range(200)
        )
        print(f"# SciPy scrambled Halton, N = 64, d = 7, median CD^2 over 200 seeds: {values[99]:.4g}")
