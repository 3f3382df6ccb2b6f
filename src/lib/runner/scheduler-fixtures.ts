// What the scheduler's specs (scheduler.spec.ts, scheduler-halving.spec.ts) build their runs from: one
// small study, trial records as the runner stores them, and a feeder of events. For tests only: the app
// never imports this file.
import type { TrialRecord } from '$lib/storage/schema';
import type { TrialStatus } from '$lib/study/metrics';
import type { Study } from '$lib/study/study';
import { DEFAULT_TRIAL_CONFIG } from '$lib/study/trial-config';
import {
	step,
	type SchedulerCommand,
	type SchedulerEvent,
	type SchedulerState,
	type Step
} from './scheduler';

/** Four quasi-random trials of 100 steps over one learning rate, evaluated and saved every 50 steps. */
export const schedulerStudy: Study = {
	name: 'Scheduler',
	goal: 'Exercise the scheduler',
	workload: { dataset: 'digits', model: 'mlp' },
	budget: { maxTrainSteps: 100, evalEvery: 50, checkpointEvery: 50, keepBestCheckpoints: 1 },
	objective: { metric: 'valLoss', goal: 'minimize' },
	fixed: { optimizer: 'adam', schedule: 'constant' },
	search: { algorithm: 'quasi-random', trials: 4, seed: 1 },
	params: [{ name: 'learningRate', role: 'nuisance', type: 'float', min: 1e-4, max: 1e-1, scale: 'log' }],
	trials: []
};

/** Trial `index` of study 's' (id `s-t<index>`), 100 steps on a forced pair, so nothing is measured. */
export function trial(
	index: number,
	status: TrialStatus = 'queued',
	extra: Partial<TrialRecord> = {}
): TrialRecord {
	return {
		id: `s-t${index}`,
		createdAt: 0,
		updatedAt: 0,
		config: { ...DEFAULT_TRIAL_CONFIG, maxTrainSteps: 100, backend: 'wasm', engine: 'tfjs' },
		status,
		lastStep: 0,
		summary: null,
		studyId: 's',
		index,
		...extra
	};
}

/** Feeds the events one after another; returns the last state and every command given on the way. */
export function feed(state: SchedulerState, ...events: SchedulerEvent[]): Step {
	const commands: SchedulerCommand[] = [];
	for (const event of events) {
		const next = step(state, event);
		state = next.state;
		commands.push(...next.commands);
	}
	return { state, commands };
}
