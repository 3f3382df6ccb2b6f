// The one typed protocol between the page and the trial worker. The worker exposes
// `TrialWorkerApi` through comlink; only `TrialClient` (src/lib/runner) talks to it.
import type { BackendReport } from '$lib/training/backend-report';
import type { SavedWeights, TrialCheckpoint } from '$lib/training/checkpoint-data';
import type { ModelExportRequest, SplitScore } from '$lib/training/engine';
import type { CooldownSpec, LoopProgress } from '$lib/training/trial-loop';
import type { SampleOptions } from '$lib/training/sampling';
import type { MetricBatch } from '$lib/study/metrics';
import type { BackendChoice, TrialConfig } from '$lib/study/trial-config';

export type {
	BackendReport,
	LoopProgress,
	MetricBatch,
	ModelExportRequest,
	SampleOptions,
	SavedWeights,
	TrialCheckpoint
};

export type TrialPhase = 'starting-backend' | 'loading-data' | 'training';

export type TrialEvent =
	| { type: 'phase'; phase: TrialPhase }
	| { type: 'backend'; report: BackendReport }
	| { type: 'metrics'; batch: MetricBatch; progress: LoopProgress }
	| { type: 'checkpoint'; checkpoint: TrialCheckpoint; bytes: number }
	/**
	 * Whether the trial trains in a batch (runTrials): the batch's id and how many trials it started
	 * with, or null when it trains alone.
	 */
	| { type: 'batch'; batchId: string | null; size: number };

/** One trial handed to runTrials: `key` names it for stopTrial. */
export interface BatchMember {
	key: string;
	config: TrialConfig;
	options: RunTrialOptions;
}

/** runTrials' events: a member's trial events, and its result as soon as that trial ends. */
export type BatchEvent = TrialEvent | { type: 'result'; result: TrialResult };

export interface RunTrialOptions {
	/** Take a checkpoint every this many steps (and at the last step). */
	checkpointEvery?: number;
	/** Further steps that get a checkpoint. */
	checkpointSteps?: number[];
	/** Continue from this checkpoint. */
	resumeFrom?: TrialCheckpoint;
	/** Run as a cooldown branch of the checkpoint's trial. */
	cooldown?: CooldownSpec;
	/** Stop at this step (a successive-halving rung) with a checkpoint there; the result is `reached`. */
	untilStep?: number;
}

export type TrialResult =
	| { status: 'completed' | 'stopped' | 'reached'; steps: number; backend: BackendReport }
	| { status: 'infeasible'; steps: number; reason: string; backend: BackendReport }
	| { status: 'failed'; error: string; backend: BackendReport | null };

export interface TrialWorkerApi {
	/**
	 * Starts a backend on an engine and describes both, without training. The engine is the workload's
	 * `engine` (a missing key and no workload mean `auto`). When the engine or the backend is `auto` and
	 * there is a `workload`: the engine × backend pair measured fastest for that workload on this device
	 * (cached; `remeasure` probes again; every pair that failed is listed with its reason); without a
	 * workload, TF.js and the first backend that starts. A forced engine that can batch trials (the
	 * compiled engine) is measured with its workload too: the probe's `batch` says how many of the
	 * workload's trials to train as one batch.
	 */
	probeBackend(choice: BackendChoice, workload?: TrialConfig, remeasure?: boolean): Promise<BackendReport>;
	/** Trains one trial; `onEvent` is a comlink proxy called with progress and batched metrics. */
	runTrial(
		config: TrialConfig,
		options: RunTrialOptions,
		onEvent: (event: TrialEvent) => void
	): Promise<TrialResult>;
	/**
	 * Trains several trials: those whose engine can batch them and whose shapes are identical train
	 * together as one vectorised step (each through its own trial loop: its metrics, checkpoints,
	 * divergence and stop), the others alone, one after another. `onEvent(i, event)` carries member i's
	 * events, its `result` when it ends; resolves when every member has ended.
	 */
	runTrials(members: BatchMember[], onEvent: (index: number, event: BatchEvent) => void): Promise<void>;
	/** Asks the running trial to stop at its next readback (within READBACK_EVERY steps). */
	stop(): void;
	/** Asks one member of runTrials (by its key) to stop at its next readback; it leaves its batch. */
	stopTrial(key: string): void;
	/**
	 * TF.js tensors alive in the worker (for leak checks). The compiled engine's buffers are not counted:
	 * jax-js has no public count, and the Node tests' counter (training/jax/live-buffers.ts) cannot run here.
	 */
	numTensors(): number;
	/** Generates text from a language-model trial's saved weights (see training/sampling.ts). */
	sampleText(config: TrialConfig, weights: SavedWeights, options: SampleOptions): Promise<string>;
	/** A ZIP holding model.json, weights.bin and README.md of the weights (MLP and CNN only). */
	exportModel(request: ModelExportRequest): Promise<Uint8Array>;
	/** Validation loss and accuracy of given weights (a checkpoint average), scored as training scores. */
	evaluateWeights(config: TrialConfig, weights: SavedWeights): Promise<SplitScore>;
}

// The data worker (workers/data-worker.ts): parses, validates, hashes and stores a user's dataset, so
// a large file never blocks the page. Only `DataClient` (src/lib/runner/data-client.ts) talks to it.
import type { CsvPreview } from '$lib/datasets/user-csv';
import type { DataImportRequest, DataImportResult, ImportPhase } from '$lib/datasets/user-import';

export type { CsvPreview, DataImportRequest, DataImportResult, ImportPhase };

export interface DataWorkerApi {
	/** The header and first rows of a CSV file, to pick the label column. */
	previewCsv(file: File): Promise<CsvPreview>;
	/** Validates, hashes and stores the files in IndexedDB; `onPhase` is a comlink proxy. */
	importDataset(request: DataImportRequest, onPhase: (phase: ImportPhase) => void): Promise<DataImportResult>;
}

// The analysis worker (workers/analysis-worker.ts): the checklist and parameter importance of a study
// with results, computed off the page's thread. Only `AnalysisClient` (src/lib/runner/analysis-client.ts)
// talks to it. Studies and findings are plain data, copied across by structured clone.
import type { Finding } from '$lib/analysis/checklist';
import type { ParamImportance } from '$lib/analysis/importance';
import type { ObjectiveChoice } from '$lib/analysis/objective';
import type { UnitSample } from '$lib/math/idw';
import type { Study } from '$lib/study/study';
import type { FitOptions, ScalingFit, ScalingPoint } from '$lib/analysis/scaling-fit';

export type { Finding, ObjectiveChoice, ParamImportance, Study, UnitSample };
export type { FitOptions, ScalingFit, ScalingPoint };

export interface AnalysisWorkerApi {
	/** The checklist's findings for the study under the objective `choice` (see analysis/checklist.ts). */
	analyze(study: Study, choice: ObjectiveChoice): Finding[];
	/** Each searched parameter's share of the objective's variance (see analysis/importance.ts). */
	importance(study: Study, choice: ObjectiveChoice): ParamImportance[];
	/** The contour view's grid: inverse-distance weighting of the samples (see math/idw.ts `idwGrid`). */
	interpolate(samples: UnitSample[], columns: number, rows: number): Float64Array;
	/** The scaling-law fit with bootstrap intervals (see analysis/scaling-fit.ts `fitScalingLaw`). */
	scalingFit(points: ScalingPoint[], options: FitOptions): ScalingFit;
}

// The Bayesian-optimisation worker (workers/bayes-worker.ts): fits the Gaussian process and the
// feasibility model to a study's finished trials and suggests the next trial(s), off the page's thread.
// Only `BayesClient` (src/lib/runner/bayes-client.ts) talks to it. Requests are plain data.
import type { SuggestRequest, Suggestion } from '$lib/math/bayes/suggest';

export type { SuggestRequest, Suggestion };

export interface BayesWorkerApi {
	/** suggestTrials (src/lib/math/bayes/suggest.ts): a pure function of the request. */
	suggest(request: SuggestRequest): Suggestion[];
}
