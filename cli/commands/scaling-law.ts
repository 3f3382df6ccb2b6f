// `tuning-lab scaling-law FILE`: the scaling-law fit of an exported study as JSON. The points come from
// the study's trials and their cooldown branches (src/lib/procedures/scaling-law.ts) and the fit from
// the same pure function the page runs in its analysis worker (src/lib/analysis/scaling-fit.ts), with
// the same defaults, so the command prints what the page shows and what its export carries.

import { processIo, type CommandIo } from '../args';
import { readStudyFile, studyFileArgs, usageError } from '../study-file-args';
import {
	DEFAULT_BOOTSTRAP,
	DEFAULT_SEED,
	fitScalingLaw,
	pointsProblem
} from '../../src/lib/analysis/scaling-fit';
import { fitInputs, scalingPoints } from '../../src/lib/procedures/scaling-law';

/** Exit code of a file that cannot be read, is not a valid study, or holds too few points to fit. */
export const EXIT_BAD_FILE = 1;

export const USAGE = `usage: tuning-lab scaling-law FILE [--bootstrap N] [--seed S]

Fits L(N, D) = E + A·N^(−alpha) + B·D^(−beta) to the study file FILE (a scaling-law study with results,
as the lab exports it or "tuning-lab run" writes it) and prints one JSON object:
  "study"      the study's name
  "size"       the searched parameter that sets the model size
  "E", "A", "alpha", "B", "beta"
               the fitted law (Huber loss on log L from a grid of starts, Hoffmann et al. approach 3)
  "intervals"  {"E", "A", "alpha", "B", "beta"}: 95 % bootstrap intervals, each [lower, upper]
  "bootstrap"  resamples refitted for the intervals; "seed" their seed
  "points"     [{"N", "D", "loss", "trial", "fromStep"}]: every point used. N is the model's trainable
               parameters, D the training examples seen by the end of the cooldown branch (tokens for
               the language model), loss the branch's final validation loss in nats; trial and fromStep
               say which trunk and branch point it came from
  "skipped"    why a branch gave no point (failed, diverged), [] when none

The points come from the trials' cooldown branches; a file without branches uses the points its
"scalingLaw" section carries.

Options:
  --bootstrap N   resamples for the intervals (default ${DEFAULT_BOOTSTRAP}; 0 leaves them at the estimate)
  --seed S        seed of the resampling (default ${DEFAULT_SEED})

Exits with 0 after printing, 1 when FILE cannot be read, is not a valid study file or has too few
points to fit, 2 for bad usage.
`;

function wholeNumber(text: unknown, name: string, max: number): number | string {
	if (typeof text !== 'string' || !/^\d+$/.test(text) || Number(text) > max)
		return `--${name}: expected a whole number from 0 to ${max}, got ${JSON.stringify(text)}`;
	return Number(text);
}

export async function run(argv: readonly string[], io: CommandIo = processIo): Promise<number> {
	const args = studyFileArgs('scaling-law', argv, io, {
		bootstrap: { type: 'string' },
		seed: { type: 'string' }
	});
	if (args === 'help') {
		await io.out(USAGE);
		return 0;
	}
	if (typeof args === 'number') return args;
	const { file, values } = args;
	const bootstrap =
		values.bootstrap === undefined ? DEFAULT_BOOTSTRAP : wholeNumber(values.bootstrap, 'bootstrap', 10_000);
	if (typeof bootstrap === 'string') return usageError('scaling-law', io, bootstrap);
	const seed = values.seed === undefined ? DEFAULT_SEED : wholeNumber(values.seed, 'seed', 4294967295);
	if (typeof seed === 'string') return usageError('scaling-law', io, seed);

	const study = await readStudyFile('scaling-law', file, io);
	if (!study) return EXIT_BAD_FILE;
	if (!study.scalingLaw) {
		io.err(
			`scaling-law: ${JSON.stringify(file)} is not a scaling-law study (it has no "scalingLaw" section); ` +
				'make one with the scaling-law procedure on the Procedures page\n'
		);
		return EXIT_BAD_FILE;
	}
	const hasBranches = study.trials.some((t) => (t.branches ?? []).length > 0);
	const reading = hasBranches
		? scalingPoints(study)
		: { points: study.scalingLaw.points ?? [], skipped: [], problem: null };
	const problem = reading.problem ?? pointsProblem(fitInputs(reading.points));
	if (problem) {
		io.err(`scaling-law: ${file}: cannot fit: ${problem}\n`);
		return EXIT_BAD_FILE;
	}
	const fit = fitScalingLaw(fitInputs(reading.points), { bootstrap, seed });
	const report = {
		study: study.name,
		size: study.scalingLaw.size,
		E: fit.E,
		A: fit.A,
		alpha: fit.alpha,
		B: fit.B,
		beta: fit.beta,
		intervals: fit.intervals,
		bootstrap: fit.bootstrap,
		seed: fit.seed,
		points: reading.points,
		skipped: reading.skipped
	};
	await io.out(`${JSON.stringify(report, null, '\t')}\n`);
	return 0;
}
