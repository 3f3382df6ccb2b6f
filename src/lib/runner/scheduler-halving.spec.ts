// The scheduler's successive halving: trials trained rung by rung on the slot that claimed them, scored
// at each rung, decided as they arrive, and the decisions kept across a resume. Rung logic itself is
// tested in study/halving.spec.ts; here, what the slots do with it.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openLabDb } from '$lib/storage/schema';
import { listTrials, markInterruptedTrials, putTrial } from '$lib/storage/trials';
import type { TrialRecord } from '$lib/storage/schema';
import type { TrialStatus } from '$lib/study/metrics';
import type { Study } from '$lib/study/study';
import type { RungDecision } from '$lib/study/halving';
import { HALVING_SHARD_MESSAGE } from '$lib/study/study-trials';
import {
	idleScheduler,
	startRun,
	statusAfterRun,
	type SchedulerCommand,
	type SchedulerEvent,
	type Step
} from './scheduler';
import { feed, schedulerStudy, trial } from './scheduler-fixtures';

// The scheduler specs' study with halving on: rungs at 10, 30 and 90 steps (10·3^k below 100).
const halvingStudy = (cooldownSteps: number, metric: 'valLoss' | 'valAccuracy' = 'valLoss'): Study => ({
	...schedulerStudy,
	name: 'Halving',
	goal: 'Exercise successive halving',
	objective: { metric, goal: metric === 'valLoss' ? 'minimize' : 'maximize' },
	search: { algorithm: 'quasi-random', trials: 4, seed: 1, halving: { eta: 3, minSteps: 10, cooldownSteps } }
});

function start(trials: TrialRecord[], def: Study, concurrency = 1): Step {
	return startRun(idleScheduler(), {
		study: { id: 's', imported: false, definition: def },
		trials,
		options: { concurrency },
		hardwareConcurrency: 4
	});
}

const reached = (slot: number): SchedulerEvent => ({
	type: 'unit-ended',
	slot,
	status: 'queued',
	storageFull: false,
	checkpointSteps: [10],
	reached: true
});
const branchDone = (slot: number, value: number, status: TrialStatus = 'completed'): SchedulerEvent => ({
	type: 'unit-ended',
	slot,
	status,
	storageFull: false,
	checkpointSteps: [],
	value
});

/** The trial unit a command runs: its trial and how far (untilStep; undefined = to the end). */
function trialRuns(commands: SchedulerCommand[]): [number, string, number | undefined][] {
	return commands.flatMap((c) =>
		c.type === 'run' && c.unit.kind === 'trial' ? [[c.slot, c.unit.trial.id, c.unit.untilStep]] : []
	);
}
function decisions(commands: SchedulerCommand[]) {
	return commands.flatMap((c) =>
		c.type === 'decide'
			? [
					{
						trialId: c.trialId,
						step: c.decision.step,
						promoted: c.decision.promoted,
						stop: c.stopReason !== null
					}
				]
			: []
	);
}

describe('successive halving in the scheduler', () => {
	it('trains to the first rung, scores it with a cooldown branch, stores the decision, then goes on', () => {
		let run = feed(start([trial(0), trial(1)], halvingStudy(5)).state, {
			type: 'claimed',
			slot: 0,
			resumeStep: 0
		});
		expect(trialRuns(run.commands)).toEqual([[0, 's-t0', 10]]);
		run = feed(run.state, reached(0));
		expect(run.commands).toEqual([
			{
				type: 'run',
				slot: 0,
				unit: {
					kind: 'branch',
					parentId: 's-t0',
					spec: { fromStep: 10, length: 5, shape: '1-sqrt', finalFraction: 0 },
					rung: 0
				},
				backend: null,
				engine: null
			}
		]);
		run = feed(run.state, branchDone(0, 0.5));
		// The first arrival at an empty rung goes on; nothing else happens until the decision is stored.
		expect(decisions(run.commands)).toEqual([{ trialId: 's-t0', step: 10, promoted: true, stop: false }]);
		expect(run.commands).toHaveLength(1);
		run = feed(run.state, { type: 'decided', slot: 0 });
		expect(trialRuns(run.commands)).toEqual([[0, 's-t0', 30]]);
		expect(run.state.done).toBe(0);
	});

	it('decides as trials arrive on parallel slots: a stopped trial frees its slot for the next one', () => {
		let run = start([trial(0), trial(1), trial(2)], halvingStudy(5), 2);
		run = feed(
			run.state,
			{ type: 'claimed', slot: 0, resumeStep: 0 },
			{ type: 'claimed', slot: 1, resumeStep: 0 },
			reached(1),
			reached(0),
			// Slot 1's trial is scored first (0.5) and goes on; slot 0's (0.7) is then worse of two: stops.
			branchDone(1, 0.5),
			{ type: 'decided', slot: 1 },
			branchDone(0, 0.7)
		);
		expect(decisions(run.commands)).toEqual([
			{ trialId: 's-t1', step: 10, promoted: true, stop: false },
			{ trialId: 's-t0', step: 10, promoted: false, stop: true }
		]);
		const stopped = run.commands.find((c) => c.type === 'decide' && !c.decision.promoted);
		expect(stopped).toMatchObject({
			stopReason:
				'stopped by successive halving at rung 0 (step 10): valLoss 0.7000 after a 5-step cooldown branch, ' +
				'not among the best 1/3 of the 2 trials scored at that rung'
		});
		run = feed(run.state, { type: 'decided', slot: 0 });
		// The stopped trial is done; its slot claims the next trial at once (no slot waits for a rung).
		expect(run.commands).toEqual([
			{ type: 'release', slot: 0 },
			{ type: 'claim', slot: 0, trial: expect.objectContaining({ id: 's-t2' }) }
		]);
		expect(run.state.done).toBe(1);
		expect(run.state.halving?.table).toEqual({ 10: [0.5, 0.7] });
	});

	it('scores a trial by its own evaluation at the rung when cooldownSteps is 0', () => {
		let run = feed(start([trial(0)], halvingStudy(0)).state, { type: 'claimed', slot: 0, resumeStep: 0 });
		run = feed(run.state, reached(0));
		expect(run.commands).toEqual([{ type: 'score', slot: 0, trialId: 's-t0', step: 10, metric: 'valLoss' }]);
		run = feed(run.state, { type: 'scored', slot: 0, value: 0.9 });
		expect(decisions(run.commands)).toEqual([{ trialId: 's-t0', step: 10, promoted: true, stop: false }]);
	});

	it('respects a maximised objective: higher accuracy goes on', () => {
		let run = start([trial(0), trial(1)], halvingStudy(0, 'valAccuracy'), 2);
		run = feed(
			run.state,
			{ type: 'claimed', slot: 0, resumeStep: 0 },
			{ type: 'claimed', slot: 1, resumeStep: 0 },
			reached(0),
			{ type: 'scored', slot: 0, value: 0.8 },
			reached(1),
			{ type: 'scored', slot: 1, value: 0.9 }
		);
		// 0.9 beats 0.8 when accuracy is maximised, so both go on (as losses, 0.9 would have stopped).
		expect(decisions(run.commands).map((d) => d.promoted)).toEqual([true, true]);
		expect(run.commands.find((c) => c.type === 'score')).toMatchObject({ metric: 'valAccuracy' });
	});

	it('stops a trial whose rung branch diverged or failed (no score)', () => {
		const run = feed(
			start([trial(0)], halvingStudy(5)).state,
			{ type: 'claimed', slot: 0, resumeStep: 0 },
			reached(0),
			branchDone(0, 0.1, 'infeasible')
		);
		expect(decisions(run.commands)).toEqual([{ trialId: 's-t0', step: 10, promoted: false, stop: true }]);
	});

	it('trains a trial past its last rung to the end, and counts it done when it completes', () => {
		const promotedAt = (step: number, decidedAt: number): RungDecision => ({
			rung: [10, 30, 90].indexOf(step),
			step,
			score: 0.1,
			promoted: true,
			scoredAtRung: 1,
			decidedAt
		});
		const t0 = trial(0, 'queued', { halving: [promotedAt(10, 1), promotedAt(30, 2), promotedAt(90, 3)] });
		let run = feed(start([t0], halvingStudy(5)).state, { type: 'claimed', slot: 0, resumeStep: 90 });
		expect(trialRuns(run.commands)).toEqual([[0, 's-t0', undefined]]);
		run = feed(run.state, {
			type: 'unit-ended',
			slot: 0,
			status: 'completed',
			storageFull: false,
			checkpointSteps: [100]
		});
		expect(run.state.done).toBe(1);
		expect(run.commands.map((c) => c.type)).toEqual(['release', 'end']);
	});

	it('refuses to split a halving study into shards', () => {
		expect(() =>
			startRun(idleScheduler(), {
				study: { id: 's', imported: false, definition: halvingStudy(5) },
				trials: [trial(0)],
				options: { shard: { index: 0, count: 2 } },
				hardwareConcurrency: 4
			})
		).toThrow(HALVING_SHARD_MESSAGE);
	});
});

describe('resume keeps every decision', () => {
	const decision = (step: number, score: number, promoted: boolean, decidedAt: number): RungDecision => ({
		rung: step === 10 ? 0 : 1,
		step,
		score,
		promoted,
		scoredAtRung: 1,
		decidedAt
	});

	it('rebuilds the rungs from stored decisions and decides new arrivals against them', () => {
		// Before the crash: t0 went on from rung 10 (0.5), t1 stopped there (0.7).
		const stored = [
			trial(0, 'queued', { halving: [decision(10, 0.5, true, 1)] }),
			trial(1, 'stopped', { halving: [decision(10, 0.7, false, 2)] }),
			trial(2)
		];
		let run = start(stored, halvingStudy(5), 2);
		expect(run.state.halving?.table).toEqual({ 10: [0.5, 0.7] });
		// The stopped trial stays stopped (not queued again) and counts as done.
		expect(run.state.done).toBe(1);
		expect(run.state.queue.map((t) => t.id)).toEqual([]);
		run = feed(
			run.state,
			// t0 resumes from its checkpoint at rung 10, already decided: it trains on to rung 30.
			{ type: 'claimed', slot: 0, resumeStep: 10 },
			{ type: 'claimed', slot: 1, resumeStep: 0 }
		);
		expect(trialRuns(run.commands)).toEqual([
			[0, 's-t0', 30],
			[1, 's-t2', 10]
		]);
		// t2 scores 0.6 at rung 10: 0.5 is better, n = 3, quota 1 → it stops (it would have gone on alone).
		run = feed(run.state, reached(1), branchDone(1, 0.6));
		expect(decisions(run.commands)).toEqual([{ trialId: 's-t2', step: 10, promoted: false, stop: true }]);
		expect(run.commands.find((c) => c.type === 'decide')).toMatchObject({
			decision: { scoredAtRung: 3 }
		});
	});

	it('scores a trial cut off at a rung before its decision was stored, without training it further', () => {
		const run = feed(
			start([trial(0, 'queued', { halving: [decision(10, 0.5, true, 1)] })], halvingStudy(5)).state,
			{ type: 'claimed', slot: 0, resumeStep: 30 }
		);
		expect(run.commands).toMatchObject([
			{ type: 'run', unit: { kind: 'branch', parentId: 's-t0', spec: { fromStep: 30, length: 5 }, rung: 1 } }
		]);
	});

	it('a pause at a rung leaves the trial queued for the next run; a cancel marks it cancelled', () => {
		const begun = () =>
			feed(start([trial(0), trial(1)], halvingStudy(5)).state, { type: 'claimed', slot: 0, resumeStep: 0 });
		const paused = feed(begun().state, { type: 'pause' }, reached(0));
		expect(paused.commands.map((c) => c.type)).toEqual(['release', 'end']);
		const scoring = feed(begun().state, reached(0));
		const cancelled = feed(scoring.state, { type: 'cancel' }, branchDone(0, 0.4, 'cancelled'));
		expect(cancelled.commands).toContainEqual({
			type: 'cancel-unstarted',
			trialId: 's-t0',
			reason: 'cancelled with the study'
		});
		expect(cancelled.commands.some((c) => c.type === 'decide')).toBe(false);
	});

	it('cancelling or pausing one trial while it is scored at a rung lets it go instead of deciding it', () => {
		const scoring = () =>
			feed(
				start([trial(0), trial(1)], halvingStudy(5)).state,
				{ type: 'claimed', slot: 0, resumeStep: 0 },
				reached(0)
			);
		// Cancel during its rung branch: the branch is stopped, then the trial is cancelled, not scored.
		let run = feed(scoring().state, { type: 'cancel-trial', trialId: 's-t0' });
		expect(run.commands).toEqual([{ type: 'stop', slot: 0, pause: false }]);
		run = feed(run.state, branchDone(0, Number.NaN, 'cancelled'));
		expect(run.commands).toContainEqual({
			type: 'cancel-unstarted',
			trialId: 's-t0',
			reason: 'cancelled by the user at a rung'
		});
		expect(run.commands.some((c) => c.type === 'decide')).toBe(false);
		expect(run.state.done).toBe(1);
		// The slot goes on with the next trial.
		expect(run.commands).toContainEqual(expect.objectContaining({ type: 'claim', slot: 0 }));
		// Pause while its decision is being stored: a stop stands; a trial that went on stays queued.
		const deciding = feed(scoring().state, branchDone(0, 0.5), { type: 'pause-trial', trialId: 's-t0' });
		const after = feed(deciding.state, { type: 'decided', slot: 0 });
		expect(after.commands.some((c) => c.type === 'run' || c.type === 'cancel-unstarted')).toBe(false);
		expect(after.commands[0]).toEqual({ type: 'release', slot: 0 });
		expect(after.state.done).toBe(0);
	});

	it('counts stopped trials as final: the study finishes', () => {
		const end = {
			type: 'end',
			studyId: 's',
			cancelled: false,
			shard: null,
			budget: null,
			exhausted: false
		} as const;
		expect(statusAfterRun(end, [trial(0, 'completed'), trial(1, 'stopped')])).toBe('finished');
	});
});

describe('a crash keeps every decision (IndexedDB)', () => {
	it('the decisions stored with the trials survive the tab closing, and the next run decides from them', async () => {
		const db = await openLabDb('halving-resume');
		const at = (step: number, score: number, promoted: boolean, decidedAt: number): RungDecision => ({
			rung: step === 10 ? 0 : 1,
			step,
			score,
			promoted,
			scoredAtRung: 1,
			decidedAt
		});
		// As the runner left them when the tab closed: t0 training past rung 10 (went on with 0.5), t1
		// stopped there (0.7), t2 cut off while its rung-10 branch ran (no decision yet).
		await putTrial(db, trial(0, 'running', { halving: [at(10, 0.5, true, 1)], lastStep: 20 }));
		await putTrial(db, trial(1, 'stopped', { halving: [at(10, 0.7, false, 2)], lastStep: 10 }));
		await putTrial(db, trial(2, 'queued', { lastStep: 10 }));
		expect(await markInterruptedTrials(db, () => false)).toBe(1);
		const stored = (await listTrials(db)).sort((a, b) => a.id.localeCompare(b.id));
		db.close();
		expect(stored.map((t) => [t.id, t.status, t.halving?.length ?? 0])).toEqual([
			['s-t0', 'queued', 1],
			['s-t1', 'stopped', 1],
			['s-t2', 'queued', 0]
		]);
		let run = start(stored, halvingStudy(5), 2);
		expect(run.state.halving?.table).toEqual({ 10: [0.5, 0.7] });
		expect(run.commands.flatMap((c) => (c.type === 'claim' ? [c.trial.id] : []))).toEqual(['s-t0', 's-t2']);
		// t0 resumes from its checkpoint at 10 towards rung 30; t2 stands at rung 10 undecided: it is scored there.
		run = feed(
			run.state,
			{ type: 'claimed', slot: 0, resumeStep: 10 },
			{ type: 'claimed', slot: 1, resumeStep: 10 }
		);
		expect(trialRuns(run.commands)).toEqual([[0, 's-t0', 30]]);
		expect(run.commands).toContainEqual(
			expect.objectContaining({
				type: 'run',
				unit: expect.objectContaining({ kind: 'branch', parentId: 's-t2', rung: 0 })
			})
		);
	});
});
