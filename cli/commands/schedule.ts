// `tuning-lab schedule '<json>' --steps N`: prints the learning rate of every step as CSV, built by the
// same `buildSchedule` the trial worker uses, so a schedule can be inspected or plotted before a run.

import { EXIT_USAGE, parseCommandArgs, parsePositiveInteger, processIo, type CommandIo } from '../args';
import { buildSchedule, validateScheduleConfig } from '../../src/lib/math/schedule-config';
import { errorMessage } from '../../src/lib/util/error-message';

export const USAGE = `usage: tuning-lab schedule '<json>' --steps N

Prints "step,lr" and then the learning rate of steps 0 .. N-1 of a run of N optimizer steps.
The JSON object holds the schedule keys of a trial config, for example
  '{"schedule":"wsd","learningRate":0.01,"warmupSteps":100,"cooldownShape":"1-sqrt"}'
Keys: schedule (constant, linear, cosine, rsqrt, wsd), learningRate, warmupSteps, cooldownSteps,
cooldownFraction, cooldownShape (linear, 1-sqrt, cosine, square), finalLrFraction, rsqrtTimescale.
`;

/** Lines per write, so a long schedule streams instead of building one huge string. */
const LINES_PER_CHUNK = 10_000;

function usageError(io: CommandIo, messages: string[]): number {
	io.err(`${messages.join('\n')}\nRun "tuning-lab schedule --help" for usage.\n`);
	return EXIT_USAGE;
}

export async function run(argv: readonly string[], io: CommandIo = processIo): Promise<number> {
	const args = parseCommandArgs(argv, { steps: { type: 'string' }, help: { type: 'boolean', short: 'h' } });
	if (!args.ok) return usageError(io, [`schedule: ${args.error}`]);
	if (args.values.help === true) {
		await io.out(USAGE);
		return 0;
	}
	if (args.positionals.length !== 1) {
		return usageError(io, [`schedule: expected exactly one JSON argument, got ${args.positionals.length}`]);
	}
	const steps = parsePositiveInteger(args.values.steps, '--steps');
	if (!steps.ok) return usageError(io, [steps.error]);

	let parsed: unknown;
	try {
		parsed = JSON.parse(args.positionals[0] ?? '');
	} catch (error) {
		return usageError(io, [`schedule: invalid JSON: ${errorMessage(error)}`]);
	}
	const config = validateScheduleConfig(parsed, { totalSteps: steps.value });
	if (!config.ok) return usageError(io, config.errors);

	const schedule = buildSchedule(config.value, steps.value);
	let lines = ['step,lr'];
	for (let step = 0; step < steps.value; step++) {
		lines.push(`${step},${schedule(step)}`);
		if (lines.length >= LINES_PER_CHUNK) {
			await io.out(`${lines.join('\n')}\n`);
			lines = [];
		}
	}
	if (lines.length > 0) await io.out(`${lines.join('\n')}\n`);
	return 0;
}
