// Page state of the lab: the stored trials, the one being looked at, and the draft configuration.
// Reads come from IndexedDB; training goes through the TrialClient.
import { TrialClient } from '$lib/runner/trial-client.svelte';
import { openLabDb, type LabDb, type TrialRecord } from '$lib/storage/schema';
import { deleteTrial, listTrials, markInterruptedTrials, readMetrics } from '$lib/storage/trials';
import type { MetricBatch } from '$lib/study/metrics';
import { DEFAULT_TRIAL_CONFIG, type TrialConfig } from '$lib/study/trial-config';
import { checkTrialConfig, cleanTrialConfig } from '$lib/study/trial-config-clean';

/** How long a deleted trial can still be brought back, in milliseconds. */
export const UNDO_WINDOW_MS = 8000;

export class LabState {
	trials = $state.raw<TrialRecord[]>([]);
	selectedId = $state<string | null>(null);
	storedMetrics = $state.raw<MetricBatch | null>(null);
	config = $state<TrialConfig>({ ...DEFAULT_TRIAL_CONFIG });
	formProblems = $state<string[]>([]);
	pendingDelete = $state.raw<TrialRecord | null>(null);
	readonly client: TrialClient;
	private deleteTimer: ReturnType<typeof setTimeout> | null = null;

	private constructor(private readonly db: LabDb) {
		this.client = new TrialClient(db, {
			onTrialChanged: (trial) => this.upsert(trial),
			onTrialFinished: (id, metrics) => {
				// Keep showing the finished trial: what it logged is exactly what was stored.
				if (this.selectedId === id) this.storedMetrics = metrics;
			}
		});
	}

	static async open(): Promise<LabState> {
		const db = await openLabDb();
		const lab = new LabState(db);
		await markInterruptedTrials(db, () => false);
		lab.trials = await listTrials(db);
		const newest = lab.trials[0];
		if (newest) await lab.select(newest.id);
		return lab;
	}

	get selected(): TrialRecord | null {
		return this.trials.find((t) => t.id === this.selectedId) ?? null;
	}

	/** Metrics of the selected trial: live while it trains, from the database otherwise. */
	get shownMetrics(): MetricBatch | null {
		if (this.selectedId !== null && this.selectedId === this.client.activeTrialId) return this.client.live;
		return this.storedMetrics;
	}

	upsert(trial: TrialRecord): void {
		const others = this.trials.filter((t) => t.id !== trial.id);
		this.trials = [trial, ...others].sort((a, b) => b.createdAt - a.createdAt);
	}

	async select(id: string): Promise<void> {
		this.selectedId = id;
		this.storedMetrics = null;
		const metrics = await readMetrics(this.db, id);
		if (this.selectedId === id) this.storedMetrics = metrics;
	}

	async run(): Promise<void> {
		const config = cleanTrialConfig($state.snapshot(this.config) as TrialConfig);
		this.formProblems = checkTrialConfig(config);
		if (this.formProblems.length > 0) return;
		const trial = await this.client.start(config);
		this.selectedId = trial.id;
	}

	/** Hides the trial at once and deletes it for good after UNDO_WINDOW_MS unless undone. */
	deleteWithUndo(id: string): void {
		const trial = this.trials.find((t) => t.id === id);
		if (!trial || id === this.client.activeTrialId) return;
		this.commitPendingDelete();
		this.pendingDelete = trial;
		this.trials = this.trials.filter((t) => t.id !== id);
		if (this.selectedId === id) {
			this.selectedId = null;
			this.storedMetrics = null;
		}
		this.deleteTimer = setTimeout(() => this.commitPendingDelete(), UNDO_WINDOW_MS);
	}

	undoDelete(): void {
		if (!this.pendingDelete) return;
		if (this.deleteTimer) clearTimeout(this.deleteTimer);
		this.upsert(this.pendingDelete);
		this.pendingDelete = null;
	}

	private commitPendingDelete(): void {
		if (this.deleteTimer) clearTimeout(this.deleteTimer);
		const trial = this.pendingDelete;
		this.pendingDelete = null;
		if (trial) void deleteTrial(this.db, trial.id);
	}
}
