// What a study run is doing right now, in words, from the first second: the runner's phase, the
// workload being measured, and each running trial's phase (pure; the page shows it under the controls).

import type { RunPhase } from './scheduler';

/** A running trial's phase as its worker reports it; null before the worker said anything. */
export type TrialActivityPhase =
	'starting-backend' | 'loading-data' | 'training' | 'finishing' | 'idle' | null;

export interface TrialActivity {
	index: number;
	phase: TrialActivityPhase;
	/** Whether the trial reported a step yet (then its progress bar speaks for it). */
	stepping: boolean;
}

/** "cnn on fashion-mnist" from a workload key (backend-choice.ts: model/dataset/size/batch…, then |engine=…). */
export function describeWorkload(key: string): string {
	const [model, dataset] = key.split('|')[0]!.split('/');
	return dataset ? `${model} on ${dataset}` : (model ?? key);
}

/** The words for a trial that has not stepped yet (null once it trains: its bar shows the rest). */
export function trialPhaseText(phase: TrialActivityPhase, stepping: boolean): string | null {
	if (stepping) return null;
	if (phase === 'loading-data') return 'loading data…';
	if (phase === 'training') return 'compiling its first steps…';
	if (phase === 'finishing') return 'saving its results…';
	return 'starting its backend…';
}

/** One line for the whole run, or null when nothing runs. */
export function studyActivity(
	state: RunPhase,
	measuring: string | null,
	trials: readonly TrialActivity[]
): string | null {
	if (state === 'idle') return null;
	if (state === 'cancelling') return 'Cancelling: stopping the running trials…';
	if (measuring !== null) return `Measuring backends for ${describeWorkload(measuring)}…`;
	if (state === 'pausing')
		return trials.length > 0
			? `Pausing: ${trials.length} running trial${trials.length === 1 ? '' : 's'} finish${trials.length === 1 ? 'es' : ''} first…`
			: 'Pausing…';
	if (trials.length === 0) return 'Starting the study…';
	const waiting = trials.filter((t) => !t.stepping);
	if (waiting.length === 0) return `Training ${trials.length} trial${trials.length === 1 ? '' : 's'}…`;
	const first = waiting[0]!;
	return `Trial ${first.index}: ${trialPhaseText(first.phase, false)}`;
}
