// Run with: npx tsx bench/checklist.bench.ts
// Times analyzeStudy (the checklist) on a 500-trial study whose trials log 2,000 training rows each
// (20,000 steps, one row kept in ten) and 101 evaluations, in Node. Prints one JSON line:
// {name, unit: 'ms', median, min, max, runs}. Target: a median under 1 s.
import { performance } from 'node:perf_hooks';
import { analyzeStudy } from '../src/lib/analysis/checklist';
import { syntheticStudy, type SyntheticTrial } from '../src/lib/testing/synthetic-study';

const TRIALS = 500;
const MAX_TRAIN_STEPS = 20_000;
const TRAIN_EVERY = 10;
const EVAL_EVERY = 200;
const RUNS = 7;

/** A deterministic hash in [−1, 1], standing in for batch noise. */
function noise(i: number, step: number): number {
	const x = Math.sin(i * 12.9898 + step * 78.233) * 43758.5453;
	return 2 * (x - Math.floor(x)) - 1;
}

function trials(): SyntheticTrial[] {
	return Array.from({ length: TRIALS }, (_, i) => {
		const u = (i * 0.618034) % 1;
		const learningRate = 10 ** (-4 + 3 * u);
		const weightDecay = 10 ** (-4 + 4 * ((i * 0.414214) % 1));
		const penalty = 1 + 0.1 * (Math.log10(learningRate) + 2.5) ** 2;
		const tau = 2_000 + 4_000 * ((i * 0.7071) % 1);
		return {
			params: { learningRate, weightDecay },
			status: learningRate > 0.08 ? 'infeasible' : 'completed',
			stoppedAt: learningRate > 0.08 ? 500 : undefined,
			trainLoss: (s) => penalty * (0.2 + 2.1 * Math.exp(-s / tau)) + 0.03 * noise(i, s),
			valLoss: (s) =>
				penalty * (0.5 + 1.8 * Math.exp(-s / tau) + 0.2 * Math.max(0, s / MAX_TRAIN_STEPS - 0.7)),
			gradNorm: (s) => 1 + 0.5 * noise(i + 1, s),
			clipAt: 1.2
		} satisfies SyntheticTrial;
	});
}

const study = syntheticStudy(trials(), {
	maxTrainSteps: MAX_TRAIN_STEPS,
	evalEvery: EVAL_EVERY,
	trainEvery: TRAIN_EVERY
});
analyzeStudy(study); // warm-up: JIT and lazy module state
const times: number[] = [];
let findings = 0;
for (let run = 0; run < RUNS; run++) {
	const start = performance.now();
	findings = analyzeStudy(study).length;
	times.push(performance.now() - start);
}
times.sort((a, b) => a - b);
const round = (ms: number) => Math.round(ms * 10) / 10;
console.log(
	JSON.stringify({
		name: `analyzeStudy: ${TRIALS} trials × ${MAX_TRAIN_STEPS / TRAIN_EVERY} training rows (${findings} findings)`,
		unit: 'ms',
		median: round(times[Math.floor(times.length / 2)]!),
		min: round(times[0]!),
		max: round(times[times.length - 1]!),
		runs: RUNS,
		target: '< 1 s in a worker',
		note: 'the same function the analysis worker runs, timed here on the Node main thread'
	})
);
