// The tuning log page's data: every study with its trials, the baseline, and the best training loss of
// trials whose study optimises it (the stored summary holds validation metrics only). Loaded once per
// visit; conclusions are saved through the lab so every open tab sees them.
import { trialValue } from '$lib/analysis/objective';
import { buildTuningLog, type ExperimentRow } from '$lib/analysis/tuning-log';
import type { BaselineRecord, LabState, TrialRecord } from './lab.svelte';

export interface BestValue {
	value: number;
	step: number;
}

export class TuningLogState {
	baseline = $state.raw<BaselineRecord | null>(null);
	trialsByStudy = $state.raw<Record<string, TrialRecord[]>>({});
	/** Best training loss per trial id, for studies whose objective the stored summary does not hold. */
	trainLossBest = $state.raw<Record<string, BestValue>>({});

	constructor(readonly lab: LabState) {}

	/** One row per study, oldest first (recomputed when the lab's studies or the loaded trials change). */
	get rows(): ExperimentRow[] {
		return buildTuningLog(
			this.lab.studies,
			(id) => this.trialsByStudy[id] ?? [],
			(trial) => this.trainLossBest[trial.id] ?? null
		);
	}

	async load(): Promise<void> {
		const trials: Record<string, TrialRecord[]> = {};
		const trainLoss: Record<string, BestValue> = {};
		for (const study of this.lab.studies) {
			const list = await this.lab.studyTrials(study.id);
			trials[study.id] = list;
			if (study.definition.objective.metric !== 'trainLoss') continue;
			for (const trial of list) {
				if (trial.status === 'queued' || trial.branch) continue;
				const value = trialValue(
					{ metrics: await this.lab.trialMetrics(trial.id) },
					{ metric: 'trainLoss', reduce: 'best' }
				);
				if (value) trainLoss[trial.id] = value;
			}
		}
		this.trialsByStudy = trials;
		this.trainLossBest = trainLoss;
		this.baseline = (await this.lab.baseline()) ?? null;
	}
}
