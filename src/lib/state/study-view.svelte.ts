// State of the study page: the study, its trials (kept live from runner events), the table query
// and the trial being looked at.
import { getStudy, listStudyTrials, putStudy } from '$lib/storage/studies';
import type { StudyRecord, TrialRecord } from '$lib/storage/schema';
import { readMetrics } from '$lib/storage/trials';
import { checkpointBytesOf, pruneToBest } from '$lib/storage/checkpoints';
import type { MetricBatch } from '$lib/study/metrics';
import type { LabState } from './lab.svelte';
import { queryRows, toRow, type TableQuery } from '../analysis/trial-table';
import { throttle } from '../storage/live-sync';

/** How often a trial training in another tab has its stored curves re-read, at most, in milliseconds. */
const REMOTE_METRICS_EVERY_MS = 1000;

export class StudyView {
	study = $state.raw<StudyRecord | null>(null);
	trials = $state.raw<TrialRecord[]>([]);
	query = $state<TableQuery>({ sortKey: 'index', descending: false, status: 'all', text: '' });
	selectedId = $state<string | null>(null);
	storedMetrics = $state.raw<MetricBatch | null>(null);
	/** Cooldown branches of the selected trial, with their stored metrics. */
	branches = $state.raw<{ trial: TrialRecord; metrics: MetricBatch | null }[]>([]);
	error = $state<string | null>(null);
	private unsubscribe: (() => void)[] = [];

	constructor(
		readonly lab: LabState,
		readonly studyId: string
	) {}

	async load(): Promise<void> {
		const study = await getStudy(this.lab.db, this.studyId);
		if (!study) {
			this.error = `There is no study with id “${this.studyId}” in this browser.`;
			return;
		}
		this.study = study;
		this.trials = await listStudyTrials(this.lab.db, this.studyId);
		this.unsubscribe.push(
			this.lab.onTrial((trial) => this.trialChanged(trial)),
			// Other tabs' trials and study status arrive over the live channel (src/lib/state/live-sync.ts).
			this.lab.live.listen((message) => {
				if (message.kind === 'trial') this.trialChanged(message.trial);
				else if (message.kind === 'study' && message.study.id === this.studyId) this.study = message.study;
				else if (message.kind === 'trial-finished') void this.otherTabFinished(message.trialId);
			}),
			this.lab.onTrialFinished((id, metrics) => {
				if (id === this.selectedId) this.storedMetrics = metrics;
				this.branches = this.branches.map((b) => (b.trial.id === id ? { ...b, metrics } : b));
			})
		);
	}

	private trialChanged(trial: TrialRecord): void {
		if (trial.branch && trial.branch.parentId === this.selectedId) {
			const known = this.branches.some((b) => b.trial.id === trial.id);
			this.branches = known
				? this.branches.map((b) => (b.trial.id === trial.id ? { ...b, trial } : b))
				: [...this.branches, { trial, metrics: null }];
		}
		if (trial.studyId !== this.studyId) return;
		const known = this.trials.some((t) => t.id === trial.id);
		this.trials = known
			? this.trials.map((t) => (t.id === trial.id ? trial : t))
			: [...this.trials, trial].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
		// Trained in another tab: its curves reach this tab through the database.
		if (trial.id === this.selectedId && !this.trainingHere(trial.id)) this.rereadSelected();
	}

	private async otherTabFinished(trialId: string): Promise<void> {
		const watched = trialId === this.selectedId || this.branches.some((b) => b.trial.id === trialId);
		if (!watched) return;
		const metrics = await readMetrics(this.lab.db, trialId);
		if (trialId === this.selectedId) this.storedMetrics = metrics;
		this.branches = this.branches.map((b) => (b.trial.id === trialId ? { ...b, metrics } : b));
	}

	private trainingHere(trialId: string): boolean {
		return [...this.lab.runner.slots, this.lab.client].some((c) => c.activeTrialId === trialId);
	}

	private readonly rereadSelected = throttle(() => {
		const id = this.selectedId;
		if (!id) return;
		void readMetrics(this.lab.db, id).then((metrics) => {
			if (this.selectedId === id) this.storedMetrics = metrics;
		});
	}, REMOTE_METRICS_EVERY_MS);

	dispose(): void {
		for (const off of this.unsubscribe) off();
	}

	get rows() {
		const objective = this.study?.definition.objective.metric ?? 'valLoss';
		return queryRows(
			this.trials.map((t) => toRow(t, objective)),
			this.query
		);
	}

	/** The searched parameter names, in the order the study lists them (each once). */
	get paramNames(): string[] {
		const names = this.study?.definition.params.map((p) => p.name) ?? [];
		return names.filter((name, i) => names.indexOf(name) === i);
	}

	/** Bytes of checkpoints the study's trials keep. */
	get checkpointBytes(): number {
		return checkpointBytesOf(this.trials);
	}

	get counts(): Record<string, number> {
		const counts: Record<string, number> = {};
		for (const t of this.trials) counts[t.status] = (counts[t.status] ?? 0) + 1;
		return counts;
	}

	/** The selected trial's metrics: live from its worker while it trains, stored otherwise. */
	get shownMetrics(): MetricBatch | null {
		// A study trial trains on the runner's pool, or on the lab's own worker when extended.
		const owner = [...this.lab.runner.slots, this.lab.client].find(
			(c) => c.activeTrialId === this.selectedId
		);
		return owner ? owner.live : this.storedMetrics;
	}

	sortBy(key: TableQuery['sortKey']): void {
		if (this.query.sortKey === key) this.query.descending = !this.query.descending;
		else this.query = { ...this.query, sortKey: key, descending: false };
	}

	async select(id: string): Promise<void> {
		this.selectedId = id;
		this.storedMetrics = null;
		this.branches = [];
		const metrics = await readMetrics(this.lab.db, id);
		const branchTrials = await this.lab.db.getAllFromIndex('trials', 'by-parent', id);
		const branches = await Promise.all(
			branchTrials
				.sort((a, b) => a.createdAt - b.createdAt)
				.map(async (trial) => ({ trial, metrics: await readMetrics(this.lab.db, trial.id) }))
		);
		if (this.selectedId !== id) return;
		this.storedMetrics = metrics;
		this.branches = branches;
	}

	/** A branch's metrics: live while it trains on the lab's worker, stored otherwise. */
	branchMetrics(branchId: string): MetricBatch | null {
		if (this.lab.client.activeTrialId === branchId) return this.lab.client.live;
		return this.branches.find((b) => b.trial.id === branchId)?.metrics ?? null;
	}

	async saveNotes(notes: string): Promise<void> {
		if (!this.study) return;
		const updated: StudyRecord = {
			...this.study,
			updatedAt: Date.now(),
			definition: { ...this.study.definition, notes: notes.slice(0, 20_000) }
		};
		await putStudy(this.lab.db, updated);
		this.study = updated;
		this.lab.upsertStudy(updated);
	}

	/** Keeps only the best checkpoint of every finished trial (running and queued trials keep theirs). */
	async pruneCheckpoints(): Promise<number> {
		let freed = 0;
		for (const trial of this.trials) {
			if (trial.status === 'running' || trial.status === 'queued') continue;
			const before = checkpointBytesOf([trial]);
			const pruned = await pruneToBest(this.lab.db, trial);
			freed += before - checkpointBytesOf([pruned]);
			this.trials = this.trials.map((t) => (t.id === pruned.id ? pruned : t));
		}
		return freed;
	}

	async refresh(): Promise<void> {
		this.study = (await getStudy(this.lab.db, this.studyId)) ?? this.study;
		this.trials = await listStudyTrials(this.lab.db, this.studyId);
	}
}
