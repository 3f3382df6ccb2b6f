// A large crafted study for the curve chart's benchmarks (bench/curves.bench.ts in Node, the
// /bench/curves page in Chromium): `trials` trials × `points` noisy training-loss rows each, one in
// 50 trials infeasible. Built from formulas with a fixed hash for noise, so every run draws the same.
import { syntheticStudy } from './synthetic-study';
import type { Study } from '../study/study';

/** Deterministic noise in [−0.5, 0.5) from two integers (a sine hash; no state to seed). */
function noise(i: number, t: number): number {
	const x = Math.sin(i * 127.1 + t * 311.7) * 43758.5453;
	return x - Math.floor(x) - 0.5;
}

export function curvesBenchmarkStudy(trials = 500, points = 2000): Study {
	return syntheticStudy(
		Array.from({ length: trials }, (_, i) => {
			const infeasible = i % 50 === 49;
			const timescale = points * (0.05 + 0.3 * ((i * 0.618) % 1));
			const floor = 0.2 + 0.5 * ((i * 0.381) % 1);
			const loss = (t: number) => floor + 2 * Math.exp(-t / timescale);
			return {
				params: { learningRate: 1e-4 * 10 ** ((i * 0.754877) % 3), weightDecay: 10 ** -((i * 0.56984) % 4) },
				...(infeasible
					? { status: 'infeasible' as const, stoppedAt: Math.round(points * 0.6), reason: 'diverged' }
					: {}),
				trainLoss: (t: number) => (infeasible && t > points * 0.5 ? NaN : loss(t) * (1 + 0.3 * noise(i, t))),
				valLoss: (t: number) => (infeasible && t > points * 0.5 ? NaN : loss(t) + 0.05)
			};
		}),
		{ maxTrainSteps: points, evalEvery: Math.max(1, Math.round(points / 20)) }
	);
}
