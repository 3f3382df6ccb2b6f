// The one owner of the analysis worker in the page: every analysis panel shares it, so a page starts at
// most one worker however many panels ask. Calls are answered in order; the study is copied to the worker
// on each call (structured clone), so callers must pass plain data, not reactive proxies.
import * as Comlink from 'comlink';
import type { AnalysisWorkerApi, Finding, ObjectiveChoice, ParamImportance, Study } from '$workers/protocol';

export class AnalysisClient {
	private worker: Worker | null = null;
	private api: Comlink.Remote<AnalysisWorkerApi> | null = null;

	private remote(): Comlink.Remote<AnalysisWorkerApi> {
		if (!this.api) {
			this.worker = new Worker(new URL('../../../workers/analysis-worker.ts', import.meta.url), {
				type: 'module',
				name: 'analysis-worker'
			});
			this.api = Comlink.wrap<AnalysisWorkerApi>(this.worker);
		}
		return this.api;
	}

	/** The checklist's findings (analysis/checklist.ts), computed in the worker. */
	analyze(study: Study, choice: ObjectiveChoice): Promise<Finding[]> {
		return this.remote().analyze(study, choice);
	}

	/** Parameter importance (analysis/importance.ts), computed in the worker. */
	importance(study: Study, choice: ObjectiveChoice): Promise<ParamImportance[]> {
		return this.remote().importance(study, choice);
	}

	/** Stops the worker (it starts again on the next call). */
	dispose(): void {
		this.worker?.terminate();
		this.worker = null;
		this.api = null;
	}
}

let shared: AnalysisClient | null = null;

/** The page's one analysis client, created on first use. */
export function getAnalysisClient(): AnalysisClient {
	shared ??= new AnalysisClient();
	return shared;
}
