// Run with: npx tsx bench/bayes.bench.ts   (or `npm run bench bayes`)
// The playbook's yardstick for a Bayesian optimiser: does it beat the lab's own quasi-random search given
// twice the budget? For each test function (src/lib/math/bayes/test-functions.ts) and each of SEEDS seeds,
// the optimiser runs B trials (the first `initial` quasi-random, as a study does, then one suggestion at a
// time given the whole history) and quasi-random search runs 2B. Prints, per function and method, the
// median over seeds of the best feasible value found and of the simple regret (best − known minimum),
// with min and max over seeds, plus the median time of one suggestion.
import { performance } from 'node:perf_hooks';
import { suggestTrials, type Observation } from '../src/lib/math/bayes/suggest';
import {
	braninProblem,
	constrainedBraninProblem,
	hartmann6Problem,
	type TestProblem
} from '../src/lib/testing/bayes-test-functions';
import { sampleTrials } from '../src/lib/math/sampler';

const SEEDS = Number(process.env.BAYES_BENCH_SEEDS ?? 20);

interface Setup {
	problem: TestProblem;
	budget: number;
	initial: number;
}

const SETUPS: Setup[] = [
	{ problem: braninProblem, budget: 30, initial: 5 },
	{ problem: hartmann6Problem, budget: 50, initial: 10 },
	{ problem: constrainedBraninProblem, budget: 30, initial: 5 }
];

function bestFeasible(values: (number | null)[]): number {
	let best = Infinity;
	for (const v of values) if (v !== null && v < best) best = v;
	return best;
}

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	return (sorted[(sorted.length - 1) >> 1]! + sorted[sorted.length >> 1]!) / 2;
}

function runBayes(setup: Setup, seed: number, times: number[]): number {
	const { problem, budget, initial } = setup;
	const history: Observation[] = sampleTrials(problem.space, {
		algorithm: 'quasi-random',
		seed,
		count: initial
	}).map((params) => ({ params, value: problem.evaluate(params) }));
	for (let index = initial; index < budget; index++) {
		const start = performance.now();
		const [suggestion] = suggestTrials({
			space: problem.space,
			seed,
			index,
			count: 1,
			goal: 'minimize',
			history
		});
		times.push(performance.now() - start);
		history.push({ params: suggestion!.params, value: problem.evaluate(suggestion!.params) });
	}
	return bestFeasible(history.map((h) => h.value));
}

function runQuasiRandom(setup: Setup, seed: number): number {
	const samples = sampleTrials(setup.problem.space, {
		algorithm: 'quasi-random',
		seed,
		count: 2 * setup.budget
	});
	return bestFeasible(samples.map((params) => setup.problem.evaluate(params)));
}

const round = (x: number) => Math.round(x * 1e5) / 1e5;
function line(name: string, unit: string, values: number[], note: string, target?: string) {
	const sorted = [...values].sort((a, b) => a - b);
	console.log(
		JSON.stringify({
			name,
			unit,
			median: round(median(values)),
			min: round(sorted[0]!),
			max: round(sorted[sorted.length - 1]!),
			runs: values.length,
			...(target === undefined ? {} : { target }),
			note
		})
	);
}

for (const setup of SETUPS) {
	const { problem, budget, initial } = setup;
	const bayes: number[] = [];
	const quasi: number[] = [];
	const times: number[] = [];
	for (let seed = 1; seed <= SEEDS; seed++) {
		bayes.push(runBayes(setup, seed, times));
		quasi.push(runQuasiRandom(setup, seed));
	}
	const regret = (values: number[]) => values.map((v) => v - problem.minimum);
	const known = `known minimum ${problem.minimum}`;
	line(
		`${problem.name}: bayesian, ${budget} trials (${initial} quasi-random first), best found`,
		'value',
		bayes,
		known
	);
	line(`${problem.name}: quasi-random, ${2 * budget} trials, best found`, 'value', quasi, known);
	line(
		`${problem.name}: bayesian, ${budget} trials, simple regret`,
		'value',
		regret(bayes),
		`median over seeds 1…${SEEDS}`,
		`below quasi-random with 2× the budget (${round(median(regret(quasi)))})`
	);
	line(
		`${problem.name}: quasi-random, ${2 * budget} trials, simple regret`,
		'value',
		regret(quasi),
		`median over seeds 1…${SEEDS}`
	);
	line(
		`${problem.name}: one suggestion (fit + acquisition)`,
		'ms',
		times,
		'Node main thread; the worker runs the same code'
	);
}
