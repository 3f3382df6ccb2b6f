// The page's side of Bayesian search. `BayesClient` is the one owner of the Bayesian-optimisation worker
// (workers/bayes-worker.ts); the pure helpers below turn a study's stored trials into the worker's request
// and a suggestion into a stored trial, so the runner only has to ask when a worker slot frees up.
//
// Determinism, precisely: the suggestion for trial i is a function of the study (space, seed, objective),
// of i, and of the study's other trials ordered by index: the finished ones with their objective values
// (completed) or as infeasible, and the queued or running ones by their params alone. Failed and cancelled
// trials say nothing about the objective and are left out. The same stored history therefore always gives
// the same suggestion, in this tab, after a reload, or in a clone of an exported study.
import type { SuggestRequest, Suggestion } from '$workers/protocol';
import type { Observation } from '$lib/math/bayes/suggest';
import type { Sample } from '$lib/math/search-space';
import type { TrialStatus } from '$lib/study/metrics';
import type { Study } from '$lib/study/study';
import { resolveTrialConfig, toSearchSpace } from '$lib/study/study-trials';
import { branchesApply, branchSteps } from '$lib/study/cooldown-branches';
import type { TrialRecord } from '$lib/storage/schema';
import { LazyWorker } from './spawn-worker';

/** What the optimiser needs of one stored trial. */
export interface TrialOutcome {
	index: number;
	status: TrialStatus;
	params: Sample;
	/** The objective's value (best over training) for a completed trial; null otherwise or when it logged none. */
	value: number | null;
}

/** The worker request for trial `index` given the study's other trials (see the comment at the top). */
export function suggestionRequest(
	study: Study,
	trials: readonly TrialOutcome[],
	index: number
): SuggestRequest {
	const ordered = [...trials].sort((a, b) => a.index - b.index);
	const history = ordered.flatMap((t): Observation[] => {
		if (t.status === 'infeasible') return [{ params: t.params, value: null }];
		if (t.status === 'completed' && t.value !== null && Number.isFinite(t.value)) {
			return [{ params: t.params, value: t.value }];
		}
		return [];
	});
	const pending = ordered.filter((t) => t.status === 'queued' || t.status === 'running').map((t) => t.params);
	return {
		space: toSearchSpace(study.params),
		seed: study.search.seed,
		index,
		count: 1,
		goal: study.objective.goal,
		history,
		pending
	};
}

/** A suggested trial as a queued record, exactly as a planned trial is stored (storage/study-transfer.ts). */
export function suggestedTrialRecord(
	study: Study,
	studyId: string,
	index: number,
	params: Sample,
	now = Date.now()
): TrialRecord {
	const config = resolveTrialConfig(study, index, params);
	return {
		id: `${studyId}-t${index}`,
		createdAt: now,
		updatedAt: now,
		config,
		status: 'queued',
		lastStep: 0,
		summary: null,
		studyId,
		index,
		params,
		checkpointPolicy: {
			every: study.budget.checkpointEvery,
			keepBest: study.budget.keepBestCheckpoints,
			objective: study.objective,
			pinnedSteps:
				study.cooldownBranches && branchesApply(study.cooldownBranches, params)
					? branchSteps(study.cooldownBranches, config.maxTrainSteps)
					: undefined
		},
		checkpoints: []
	};
}

export class BayesClient {
	private readonly worker = new LazyWorker('bayes');
	/** How many suggestions this client has answered (the end-to-end test reads it). */
	suggestionsMade = 0;

	/** Suggestions computed in the worker (src/lib/math/bayes/suggest.ts). */
	async suggest(request: SuggestRequest): Promise<Suggestion[]> {
		const out = await this.worker.call((api) => api.suggest(request));
		this.suggestionsMade += out.length;
		return out;
	}

	/** Stops the worker (it starts again on the next call). */
	dispose(): void {
		this.worker.dispose();
	}
}
