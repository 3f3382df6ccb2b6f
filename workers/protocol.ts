// The one typed protocol between the page and the trial worker. The worker exposes
// `TrialWorkerApi` through comlink; only `TrialClient` (src/lib/runner) talks to it.
import type { BackendReport } from '$lib/training/backend';
import type { LoopProgress } from '$lib/training/trial-loop';
import type { MetricBatch } from '$lib/study/metrics';
import type { BackendChoice, TrialConfig } from '$lib/study/trial-config';

export type { BackendReport, LoopProgress, MetricBatch };

export type TrialPhase = 'starting-backend' | 'loading-data' | 'training';

export type TrialEvent =
	| { type: 'phase'; phase: TrialPhase }
	| { type: 'backend'; report: BackendReport }
	| { type: 'metrics'; batch: MetricBatch; progress: LoopProgress };

export type TrialResult =
	| { status: 'completed' | 'stopped'; steps: number; backend: BackendReport }
	| { status: 'infeasible'; steps: number; reason: string; backend: BackendReport }
	| { status: 'failed'; error: string; backend: BackendReport | null };

export interface TrialWorkerApi {
	/** Initialises a backend (for `auto`, the first that works) and describes it, without training. */
	probeBackend(choice: BackendChoice): Promise<BackendReport>;
	/** Trains one trial; `onEvent` is a comlink proxy called with progress and batched metrics. */
	runTrial(config: TrialConfig, onEvent: (event: TrialEvent) => void): Promise<TrialResult>;
	/** Asks the running trial to stop at its next readback (within READBACK_EVERY steps). */
	stop(): void;
	/** Tensors alive in the worker's tfjs engine (for leak checks). */
	numTensors(): number;
}
