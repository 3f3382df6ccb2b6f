// Saving and finding checkpoints. A save, the pruning it causes and the trial's list of checkpoints
// change in one transaction: if any part fails (a full disk, a closed tab), none of it happened and
// the previous checkpoints are intact — write then swap, by construction.
import { bestCheckpoint, checkpointsToKeep, type CheckpointMeta } from '$lib/math/checkpoint-retention';
import type { TrialCheckpoint } from '$lib/training/checkpoint-data';
import { objectiveValue } from '$lib/study/objective';
import type { LabDb, MetricChunk, TrialRecord } from './schema';

function range(trialId: string): IDBKeyRange {
	return IDBKeyRange.bound([trialId, -Infinity], [trialId, Infinity]);
}

/**
 * The objective's value at a checkpoint: that of the evaluation taken with it (objective.ts defines it;
 * for `trainLoss`, the mean training loss since the previous evaluation, which the loop logs in the row).
 */
export function checkpointValue(checkpoint: TrialCheckpoint, metric: string): number {
	return objectiveValue(checkpoint.evalRow, metric);
}

export async function saveCheckpoint(
	db: LabDb,
	trialId: string,
	checkpoint: TrialCheckpoint,
	bytes: number
): Promise<TrialRecord> {
	// 'strict': the commit reaches the disk before it reports done. Browsers default to relaxed
	// durability, and a browser killed right after a relaxed commit can lose it (seen when Chromium
	// was SIGKILLed mid-study). Being the last write in order, it also makes the metrics before it durable.
	const tx = db.transaction(['trials', 'checkpoints'], 'readwrite', { durability: 'strict' });
	tx.done.catch(() => undefined); // the failing request reports the error
	const trial = await tx.objectStore('trials').get(trialId);
	if (!trial) throw new Error(`trial ${trialId} is not in the database`);
	const policy = trial.checkpointPolicy;
	if (!policy) throw new Error(`trial ${trialId} has no checkpoint policy`);
	const meta: CheckpointMeta = {
		step: checkpoint.step,
		value: checkpointValue(checkpoint, policy.objective.metric),
		bytes
	};
	await tx
		.objectStore('checkpoints')
		.put({ trialId, step: checkpoint.step, createdAt: Date.now(), state: checkpoint });
	const all = [...(trial.checkpoints ?? []).filter((c) => c.step !== meta.step), meta];
	const keep = checkpointsToKeep(all, policy.keepBest, policy.objective.goal);
	for (const step of policy.pinnedSteps ?? []) keep.add(step);
	for (const c of all) if (!keep.has(c.step)) await tx.objectStore('checkpoints').delete([trialId, c.step]);
	const updated: TrialRecord = {
		...trial,
		checkpoints: all.filter((c) => keep.has(c.step)).sort((a, b) => a.step - b.step),
		updatedAt: Date.now()
	};
	await tx.objectStore('trials').put(updated);
	await tx.done;
	return updated;
}

export async function latestCheckpoint(db: LabDb, trial: TrialRecord): Promise<TrialCheckpoint | undefined> {
	const steps = (trial.checkpoints ?? []).map((c) => c.step);
	if (steps.length === 0) return undefined;
	return (await db.get('checkpoints', [trial.id, Math.max(...steps)]))?.state;
}

export async function getCheckpoint(
	db: LabDb,
	trialId: string,
	step: number
): Promise<TrialCheckpoint | undefined> {
	return (await db.get('checkpoints', [trialId, step]))?.state;
}

/**
 * Drops the metric rows a resumed trial will log again: training rows at or after `step` and
 * evaluations after it (the evaluation at `step` belongs to the checkpoint). Returns the next chunk
 * number to write.
 */
export async function trimMetricsAfter(db: LabDb, trialId: string, step: number): Promise<number> {
	const tx = db.transaction('metrics', 'readwrite');
	const chunks: MetricChunk[] = await tx.store.getAll(range(trialId));
	let nextSeq = 0;
	for (const chunk of chunks) {
		const keepTrain = chunk.train.step.map((s) => s < step);
		const evals = chunk.evals.filter((e) => e.step <= step);
		const trainKept = keepTrain.filter(Boolean).length;
		if (trainKept === 0 && evals.length === 0) {
			await tx.store.delete([trialId, chunk.seq]);
			continue;
		}
		if (trainKept < chunk.train.step.length || evals.length < chunk.evals.length) {
			const keep = (column: number[]) => column.filter((_, i) => keepTrain[i]);
			const t = chunk.train;
			const train = {
				step: keep(t.step),
				loss: keep(t.loss),
				lr: keep(t.lr),
				gradNorm: keep(t.gradNorm),
				clipped: keep(t.clipped)
			};
			await tx.store.put({ ...chunk, train, evals });
		}
		nextSeq = Math.max(nextSeq, chunk.seq + 1);
	}
	await tx.done;
	return nextSeq;
}

export async function deleteCheckpoints(db: LabDb, trialId: string): Promise<void> {
	await db.delete('checkpoints', range(trialId));
}

/** Bytes of checkpoints held by these trials, from their metadata (no weights are read). */
export function checkpointBytesOf(trials: readonly TrialRecord[]): number {
	return trials.reduce((sum, t) => sum + (t.checkpoints ?? []).reduce((s, c) => s + c.bytes, 0), 0);
}

/** Keeps only the trial's best checkpoint (by the objective) to free space; a trial with none keeps its latest. */
export async function pruneToBest(db: LabDb, trial: TrialRecord): Promise<TrialRecord> {
	const policy = trial.checkpointPolicy;
	const metas = trial.checkpoints ?? [];
	if (!policy || metas.length <= 1) return trial;
	const keepStep = (bestCheckpoint(metas, policy.objective.goal) ?? metas[metas.length - 1]!).step;
	const tx = db.transaction(['trials', 'checkpoints'], 'readwrite');
	for (const c of metas)
		if (c.step !== keepStep) await tx.objectStore('checkpoints').delete([trial.id, c.step]);
	const updated = { ...trial, checkpoints: metas.filter((c) => c.step === keepStep), updatedAt: Date.now() };
	await tx.objectStore('trials').put(updated);
	await tx.done;
	return updated;
}

/** Deletes the trial's checkpoints after `step` (to continue it from `step`), in one transaction. */
export async function dropCheckpointsAfter(
	db: LabDb,
	trial: TrialRecord,
	step: number
): Promise<TrialRecord> {
	const tx = db.transaction(['trials', 'checkpoints'], 'readwrite');
	const metas = trial.checkpoints ?? [];
	for (const c of metas) if (c.step > step) await tx.objectStore('checkpoints').delete([trial.id, c.step]);
	const updated = { ...trial, checkpoints: metas.filter((c) => c.step <= step), updatedAt: Date.now() };
	await tx.objectStore('trials').put(updated);
	await tx.done;
	return updated;
}
