// The one owner of the analysis worker in the page: every analysis panel shares it, so a page starts at
// most one worker however many panels ask. Calls are answered in order; the study is copied to the worker
// on each call (structured clone), so callers must pass plain data, not reactive proxies.
import type {
	Finding,
	FitOptions,
	ObjectiveChoice,
	ParamImportance,
	ScalingFit,
	ScalingPoint,
	Study,
	UnitSample
} from '$workers/protocol';
import { LazyWorker } from './spawn-worker';

export class AnalysisClient {
	private readonly worker = new LazyWorker('analysis');

	/** The checklist's findings (analysis/checklist.ts), computed in the worker. */
	analyze(study: Study, choice: ObjectiveChoice): Promise<Finding[]> {
		return this.worker.call((api) => api.analyze(study, choice));
	}

	/** Parameter importance (analysis/importance.ts), computed in the worker. */
	importance(study: Study, choice: ObjectiveChoice): Promise<ParamImportance[]> {
		return this.worker.call((api) => api.importance(study, choice));
	}

	/** The contour view's interpolated grid (math/idw.ts `idwGrid`), computed in the worker. */
	interpolate(samples: UnitSample[], columns: number, rows: number): Promise<Float64Array> {
		return this.worker.call((api) => api.interpolate(samples, columns, rows));
	}

	/** The scaling-law fit and its bootstrap intervals (analysis/scaling-fit.ts), computed in the worker. */
	scalingFit(points: ScalingPoint[], options: FitOptions): Promise<ScalingFit> {
		return this.worker.call((api) => api.scalingFit(points, options));
	}

	/** Stops the worker (it starts again on the next call). */
	dispose(): void {
		this.worker.dispose();
	}
}

let shared: AnalysisClient | null = null;

/** The page's one analysis client, created on first use. */
export function getAnalysisClient(): AnalysisClient {
	shared ??= new AnalysisClient();
	return shared;
}
