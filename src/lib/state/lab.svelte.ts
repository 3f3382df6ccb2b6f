// The lab's state in the page: single trials, studies, the one trial being looked at, and the draft
// configuration. One instance per page load (`getLab`), shared by every route. Reads come from
// IndexedDB; training goes through the TrialClient (single trials) and the StudyRunner (studies).
import { StudyRunner, type RunOptions } from '$lib/runner/study-runner.svelte';
import { TrialClient } from '$lib/runner/trial-client.svelte';
import { trialsHeldByAnyTab } from '$lib/runner/trial-lock';
import {
	openLabDb,
	type BaselineRecord,
	type LabDb,
	type StudyRecord,
	type TrialRecord
} from '$lib/storage/schema';

import {
	createStudy,
	deleteStudy,
	getStudy,
	listStudies,
	listStudyTrials,
	putStudy
} from '$lib/storage/studies';
import { branchRecord, importStudyFile, studyRows, toStudyWithResults } from '$lib/storage/study-transfer';
import {
	bestTrialCheckpoints,
	importCheckpoints,
	serializeCheckpoints,
	type CheckpointsImport
} from '$lib/storage/checkpoint-transfer';
import { deleteTrial, listTrials, markInterruptedTrials, putTrial, readMetrics } from '$lib/storage/trials';
import type { CooldownShape } from '$lib/math/schedules';
import { sha256Hex } from '$lib/util/sha256';
import { decayStart, pickScheduleKeys } from '$lib/math/schedule-config';
import { dropCheckpointsAfter, getCheckpoint } from '$lib/storage/checkpoints';
import { getBaseline, setBaseline } from '$lib/storage/project';
import {
	saveCheckpointAverage,
	saveConclusion,
	saveScalingLaw,
	saveTrialNotes
} from '$lib/storage/tuning-log';
import { baselineFromTrial } from '$lib/analysis/tuning-log';
import { serializeStudy } from '$lib/study/study-file';
import { rerunDefinition, type RerunOptions } from '$lib/study/rerun';
import type { Study } from '$lib/study/study';
import type { CheckpointAverageResult, ScalingLawSection } from '$lib/study/study-schema';
import type { MetricBatch } from '$lib/study/metrics';
import { DEFAULT_TRIAL_CONFIG, isUserDatasetId, type TrialConfig } from '$lib/study/trial-config';
import { shortDatasetId } from '$lib/datasets/user-dataset-info';
import { getUserDataset } from '$lib/storage/user-datasets';
import { checkTrialConfig, cleanTrialConfig } from '$lib/study/trial-config-clean';
import { LiveSync, type LiveMessage } from '../storage/live-sync';

// The stored records, for the pages and components: they read and write them only through the state.
export type { BaselineRecord, StudyRecord, TrialRecord } from '$lib/storage/schema';

/** How long a deleted trial can still be brought back, in milliseconds. */
export const UNDO_WINDOW_MS = 8000;

export class LabState {
	trials = $state.raw<TrialRecord[]>([]);
	selectedId = $state<string | null>(null);
	storedMetrics = $state.raw<MetricBatch | null>(null);
	config = $state<TrialConfig>({ ...DEFAULT_TRIAL_CONFIG });
	formProblems = $state<string[]>([]);
	pendingDelete = $state.raw<TrialRecord | null>(null);
	studies = $state.raw<StudyRecord[]>([]);
	/** Whether the browser granted persistent storage (eviction-proof). */
	persisted = $state(false);
	readonly client: TrialClient;
	readonly runner: StudyRunner;
	/** Announces this tab's writes to the other open tabs and hears theirs. */
	readonly live = new LiveSync();
	private deleteTimer: ReturnType<typeof setTimeout> | null = null;
	// Listener registries, not UI state: plain Sets on purpose.
	// eslint-disable-next-line svelte/prefer-svelte-reactivity
	private trialListeners = new Set<(trial: TrialRecord) => void>();
	// eslint-disable-next-line svelte/prefer-svelte-reactivity
	private finishListeners = new Set<(trialId: string, metrics: MetricBatch) => void>();

	private constructor(readonly db: LabDb) {
		const onTrialFinished = (id: string, metrics: MetricBatch) => {
			// Keep showing the finished trial: what it logged is exactly what was stored.
			if (this.selectedId === id) this.storedMetrics = metrics;
			for (const listener of this.finishListeners) listener(id, metrics);
			this.live.announce({ kind: 'trial-finished', trialId: id });
		};
		this.client = new TrialClient(db, {
			onTrialChanged: (trial) => this.trialChanged(trial),
			onTrialFinished
		});
		this.runner = new StudyRunner(db, {
			onTrialChanged: (trial) => this.trialChanged(trial),
			onTrialFinished,
			onStudyChanged: (study) => this.upsertStudy(study)
		});
		this.live.listen((message) => void this.heardFromOtherTab(message));
	}

	/**
	 * Shows what another tab wrote in this tab's own lists. The onTrial/onTrialFinished listeners hear
	 * only this tab's work (the automation API counts on that); views that follow other tabs too
	 * listen to `live` themselves.
	 */
	private async heardFromOtherTab(message: LiveMessage): Promise<void> {
		if (message.kind === 'trial') {
			if (!message.trial.studyId && !message.trial.branch) this.upsert(message.trial);
		} else if (message.kind === 'study') this.showStudy(message.study);
		else if (message.kind === 'study-deleted')
			this.studies = this.studies.filter((s) => s.id !== message.studyId);
		else if (this.selectedId === message.trialId) {
			this.storedMetrics = await readMetrics(this.db, message.trialId);
		}
	}

	static async open(): Promise<LabState> {
		const db = await openLabDb();
		const lab = new LabState(db);
		// Ask the browser not to evict the lab's data under storage pressure. Headless Chromium and
		// some browsers answer no; the lab works either way, so the answer is only kept for display.
		lab.persisted = (await navigator.storage?.persist?.().catch(() => false)) ?? false;
		// Trials another tab is training keep their status; the rest were cut off by a closed tab.
		const held = await trialsHeldByAnyTab();
		await markInterruptedTrials(db, (id) => held.has(id));
		for (const study of await listStudies(db)) {
			if (study.status !== 'running') continue;
			const trials = await listStudyTrials(db, study.id);
			if (!trials.some((t) => held.has(t.id))) await putStudy(db, { ...study, status: 'paused' });
		}
		lab.trials = (await listTrials(db)).filter((t) => !t.studyId && !t.branch);
		lab.studies = await listStudies(db);
		const newest = lab.trials[0];
		if (newest) await lab.select(newest.id);
		return lab;
	}

	/** Calls `listener` for every trial change (single or study); returns the unsubscribe function. */
	onTrial(listener: (trial: TrialRecord) => void): () => void {
		this.trialListeners.add(listener);
		return () => this.trialListeners.delete(listener);
	}

	onTrialFinished(listener: (trialId: string, metrics: MetricBatch) => void): () => void {
		this.finishListeners.add(listener);
		return () => this.finishListeners.delete(listener);
	}

	private trialChanged(trial: TrialRecord): void {
		if (!trial.studyId && !trial.branch) this.upsert(trial);
		for (const listener of this.trialListeners) listener(trial);
		this.live.announce({ kind: 'trial', trial });
	}

	upsertStudy(study: StudyRecord): void {
		this.showStudy(study);
		this.live.announce({ kind: 'study', study });
	}

	private showStudy(study: StudyRecord): void {
		const others = this.studies.filter((s) => s.id !== study.id);
		this.studies = [study, ...others].sort((a, b) => b.createdAt - a.createdAt);
	}

	/**
	 * Adds a study from file text. A file with results becomes read-only history (importing the same
	 * file twice returns the first copy); a file without results becomes a draft ready to run.
	 * Nothing is written unless the whole file is valid.
	 */
	async importStudyText(
		text: string
	): Promise<
		{ ok: true; study: StudyRecord; existed: boolean; warning?: string } | { ok: false; errors: string[] }
	> {
		const result = await importStudyFile(this.db, text);
		if (!result.ok) return result;
		if (!result.existed) this.upsertStudy(result.study);
		const warning = await this.missingDataWarning(result.definition);
		return { ok: true, study: result.study, existed: result.existed, warning };
	}

	/** Set when the study trains on a user's dataset this browser does not hold (its trials would fail). */
	private async missingDataWarning(study: Study): Promise<string | undefined> {
		const dataset = String(study.workload.dataset);
		if (!isUserDatasetId(dataset) || (await getUserDataset(this.db, dataset))) return undefined;
		return (
			`This study trains on your own dataset ${shortDatasetId(dataset)}, which is not stored in this ` +
			'browser. Import the same file on the "Your data" panel before running it (the study names its ' +
			'data only by content hash).'
		);
	}

	/** Stores a new study (planning its trials unless it is imported history). */
	async addStudy(
		definition: Study,
		options: { imported: boolean; sourceHash?: string }
	): Promise<StudyRecord> {
		const rows = studyRows(definition, options);
		await createStudy(this.db, rows.study, rows.trials, rows.chunks);
		this.upsertStudy(rows.study);
		return rows.study;
	}

	/** The stored study with this id, or undefined. */
	getStudy(id: string): Promise<StudyRecord | undefined> {
		return getStudy(this.db, id);
	}

	/** The stored trials of a study, in index order. */
	studyTrials(studyId: string): Promise<TrialRecord[]> {
		return listStudyTrials(this.db, studyId);
	}

	/** Every stored metric row of a trial. */
	trialMetrics(trialId: string): Promise<MetricBatch> {
		return readMetrics(this.db, trialId);
	}

	/** The checkpoint a trial saved at `step`, or undefined when it was not kept. */
	readCheckpoint(trialId: string, step: number): ReturnType<typeof getCheckpoint> {
		return getCheckpoint(this.db, trialId, step);
	}

	/** The project's baseline ("launched" configuration), or undefined before one is set. */
	baseline(): Promise<BaselineRecord | undefined> {
		return getBaseline(this.db);
	}

	/** Makes a trial's configuration the project's baseline. */
	setBaselineFromTrial(study: StudyRecord, trial: TrialRecord): Promise<BaselineRecord> {
		return setBaseline(this.db, baselineFromTrial(study, trial));
	}

	/** Stores what a study concluded and whether it moved the baseline, and shows it at once. */
	async saveConclusion(studyId: string, conclusion: string, changedBaseline: boolean): Promise<StudyRecord> {
		const updated = await saveConclusion(this.db, studyId, conclusion, changedBaseline);
		this.upsertStudy(updated);
		return updated;
	}

	/** Stores a scaling-law study's points and fit (they travel in its export), and shows them at once. */
	async saveScalingLaw(
		studyId: string,
		result: Required<Pick<ScalingLawSection, 'points' | 'fit'>>
	): Promise<StudyRecord> {
		const updated = await saveScalingLaw(this.db, studyId, result);
		this.upsertStudy(updated);
		return updated;
	}

	/** Stores the user's notes on one trial. */
	saveTrialNotes(trialId: string, notes: string): Promise<TrialRecord> {
		return saveTrialNotes(this.db, trialId, notes);
	}

	/** Stores the last checkpoint average scored for one trial. */
	saveCheckpointAverage(trialId: string, result: CheckpointAverageResult): Promise<TrialRecord> {
		return saveCheckpointAverage(this.db, trialId, result);
	}

	/**
	 * A new draft with the same design, to re-run an imported (read-only) study. The source's notes stay
	 * with it unless `copyNotes` (study/rerun.ts).
	 */
	async cloneStudy(id: string, options: RerunOptions = {}): Promise<StudyRecord> {
		const source = await getStudy(this.db, id);
		if (!source) throw new Error(`study ${id} is not in the database`);
		return this.addStudy(rerunDefinition(source.definition, options), { imported: false });
	}

	async removeStudy(id: string): Promise<void> {
		if (this.runner.studyId === id && this.runner.busy) throw new Error('cancel the running study first');
		await deleteStudy(this.db, id);
		this.studies = this.studies.filter((s) => s.id !== id);
		this.live.announce({ kind: 'study-deleted', studyId: id });
	}

	/** The study file with every trial's results (only the shard's trials when `only` is given). */
	async exportStudyText(id: string, only: (index: number) => boolean = () => true): Promise<string> {
		return serializeStudy(await this.studyWithResults(id, only));
	}

	/**
	 * The study file and, beside it, the best checkpoint of each of its `count` best trials. Both come
	 * from one reading of the database, so the checkpoints file names exactly this study file.
	 */
	async exportStudyWithCheckpoints(
		id: string,
		count: number
	): Promise<{ study: string; checkpoints: string }> {
		const record = await getStudy(this.db, id);
		if (!record) throw new Error(`study ${id} is not in the database`);
		const study = await this.exportStudyText(id);
		const checkpoints = serializeCheckpoints({
			studyHash: await sha256Hex(study),
			studyName: record.definition.name,
			checkpoints: await bestTrialCheckpoints(this.db, record, count)
		});
		return { study, checkpoints };
	}

	/** Attaches a checkpoints file to the study it was exported with (imported here before). */
	importCheckpointsText(text: string): Promise<CheckpointsImport> {
		return importCheckpoints(this.db, text);
	}

	/** The study with every trial's metrics and branches, as a study file holds it (for analysis too). */
	async studyWithResults(id: string, only: (index: number) => boolean = () => true): Promise<Study> {
		const record = await getStudy(this.db, id);
		if (!record) throw new Error(`study ${id} is not in the database`);
		const trials = (await listStudyTrials(this.db, id)).filter((t) => only(t.index ?? 0));
		const withMetrics = await Promise.all(
			trials.map(async (trial) => {
				const branchTrials = await this.db.getAllFromIndex('trials', 'by-parent', trial.id);
				const branches = await Promise.all(
					branchTrials
						.sort((a, b) => a.createdAt - b.createdAt)
						.map(async (b) => ({ trial: b, metrics: await readMetrics(this.db, b.id) }))
				);
				return { trial, metrics: await readMetrics(this.db, trial.id), branches };
			})
		);
		return toStudyWithResults(record, withMetrics);
	}

	/**
	 * Starts a cooldown branch of `parent` from its checkpoint at `fromStep`: `length` more steps with
	 * the learning rate decaying from its value there to `finalFraction` of it. Runs on the lab's own
	 * worker (not the study's pool), one branch at a time.
	 */
	async startBranch(
		parent: TrialRecord,
		spec: { fromStep: number; length: number; shape: CooldownShape; finalFraction: number }
	): Promise<TrialRecord> {
		if (this.client.running)
			throw new Error('a single trial or branch is already training; wait for it to finish');
		if (!parent.checkpoints?.some((c) => c.step === spec.fromStep)) {
			throw new Error(`trial ${parent.index ?? ''} has no saved checkpoint at step ${spec.fromStep}`);
		}
		if (!Number.isInteger(spec.length) || spec.length < 1)
			throw new Error('the branch length must be a whole number ≥ 1');
		const branch = branchRecord(parent, spec);
		await putTrial(this.db, branch);
		this.trialChanged(branch);
		void this.client.run(branch);
		return branch;
	}

	/**
	 * Continues a finished trial past its maxTrainSteps ("keep training when more budget arrives"):
	 * from its latest checkpoint taken before the schedule's final decay, to `maxTrainSteps` in all.
	 * Later checkpoints and metrics are dropped; the trial runs on the lab's own worker.
	 */
	async extendTrial(trial: TrialRecord, maxTrainSteps: number): Promise<TrialRecord> {
		if (this.client.running)
			throw new Error('a single trial or branch is already training; wait for it to finish');
		if (trial.status !== 'completed') throw new Error('only a completed trial can be extended');
		if (!Number.isInteger(maxTrainSteps) || maxTrainSteps <= trial.config.maxTrainSteps) {
			throw new Error(`the new length must be a whole number above ${trial.config.maxTrainSteps} steps`);
		}
		const limit = decayStart(pickScheduleKeys(trial.config), trial.config.maxTrainSteps);
		const from = (trial.checkpoints ?? []).filter((c) => c.step <= limit).map((c) => c.step);
		if (from.length === 0) {
			throw new Error(`no checkpoint of this trial was saved before its decay began (step ${limit})`);
		}
		const kept = await dropCheckpointsAfter(this.db, trial, Math.max(...from));
		const extended: TrialRecord = {
			...kept,
			config: { ...kept.config, maxTrainSteps },
			status: 'queued',
			reason: `extended from ${trial.config.maxTrainSteps} to ${maxTrainSteps} steps`,
			updatedAt: Date.now()
		};
		await putTrial(this.db, extended);
		this.trialChanged(extended);
		// Continue on the backend the trial ran on (a study run may have forced one).
		void this.client.run(extended, trial.backend ? { backend: trial.backend.backend } : {});
		return extended;
	}

	async setRunKey(id: string, runKey: string): Promise<StudyRecord> {
		const study = await getStudy(this.db, id);
		if (!study) throw new Error(`study ${id} is not in the database`);
		const updated = { ...study, runKey };
		await putStudy(this.db, updated);
		this.upsertStudy(updated);
		return updated;
	}

	runStudy(id: string, options: RunOptions = {}): Promise<void> {
		return this.runner.run(id, options);
	}

	get selected(): TrialRecord | null {
		return this.trials.find((t) => t.id === this.selectedId) ?? null;
	}

	/** Metrics of the selected trial: live while it trains, from the database otherwise. */
	get shownMetrics(): MetricBatch | null {
		if (this.selectedId !== null && this.selectedId === this.client.activeTrialId) return this.client.live;
		return this.storedMetrics;
	}

	private upsert(trial: TrialRecord): void {
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
		// Let the click's task end here: the switch to the running view renders in a task of its own.
		await new Promise((resolve) => setTimeout(resolve, 0));
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

let opening: Promise<LabState> | null = null;

/** The page's one LabState, opened on first use. */
export function getLab(): Promise<LabState> {
	opening ??= LabState.open().catch((error: unknown) => {
		opening = null;
		throw error;
	});
	return opening;
}
