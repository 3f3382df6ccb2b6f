import { describe, expect, it } from 'vitest';
import type { StudyRecord, TrialRecord } from '$lib/storage/schema';
import type { TrialStatus } from '$lib/study/metrics';
import type { Study } from '$lib/study/study';
import { DEFAULT_TRIAL_CONFIG } from '$lib/study/trial-config';
import { BAYESIAN_SHARD_MESSAGE } from '$lib/study/study-trials';
import {
	idleScheduler,
	pendingSteps,
	slotCount,
	slotOrder,
	startRun,
	statusAfterRun,
	step,
	type EndCommand,
	type RunOptions,
	type SchedulerCommand,
	type SchedulerEvent,
	type Step
} from './scheduler';
import { feed, schedulerStudy, trial } from './scheduler-fixtures';

const definition = schedulerStudy;

const bayesian: Study = {
	...definition,
	search: { algorithm: 'bayesian', trials: 5, seed: 1, initialTrials: 2 }
};

function study(
	def: Study = definition,
	imported = false
): Pick<StudyRecord, 'id' | 'imported' | 'definition'> {
	return { id: 's', imported, definition: def };
}

function start(
	trials: TrialRecord[],
	options: RunOptions = { concurrency: 1 },
	def: Study = definition
): Step {
	return startRun(idleScheduler(), { study: study(def), trials, options, hardwareConcurrency: 4 });
}

const ended = (slot: number, status: TrialStatus, checkpointSteps: number[] = []): SchedulerEvent => ({
	type: 'unit-ended',
	slot,
	status,
	storageFull: false,
	checkpointSteps
});

/** The engine/backend of each run command. */
const runs = (commands: SchedulerCommand[]) =>
	commands.flatMap((c) => (c.type === 'run' ? [`${c.engine}/${c.backend}`] : []));
const claims = (commands: SchedulerCommand[]) =>
	commands.flatMap((c) => (c.type === 'claim' ? [[c.slot, c.trial.id]] : []));
const ends = (commands: SchedulerCommand[]) => commands.filter((c): c is EndCommand => c.type === 'end');

describe('queue order', () => {
	it('claims the queued trials in index order, one per free slot, and skips those already final', () => {
		const { state, commands } = start(
			[trial(0, 'completed'), trial(1), trial(2, 'failed'), trial(3), trial(4)],
			{ concurrency: 2 }
		);
		expect(claims(commands)).toEqual([
			[0, 's-t1'],
			[1, 's-t3']
		]);
		expect(state.queue.map((t) => t.id)).toEqual(['s-t4']);
		expect(state).toMatchObject({ phase: 'running', total: 5, done: 2 });
	});

	it('runs a claimed trial with the run’s forced backend, and the next trial when it ends', () => {
		const first = start([trial(0), trial(1)], { concurrency: 1, backend: 'cpu' });
		const claimed = feed(first.state, { type: 'claimed', slot: 0 });
		expect(claimed.commands).toEqual([
			{
				type: 'run',
				slot: 0,
				unit: {
					kind: 'trial',
					trial: {
						id: 's-t0',
						index: 0,
						steps: 100,
						pick: { workload: 'mlp/digits/w64d1/batch64', engine: 'tfjs', backend: 'wasm' }
					}
				},
				backend: 'cpu',
				engine: null
			}
		]);
		const next = feed(claimed.state, ended(0, 'completed'));
		expect(next.commands.map((c) => c.type)).toEqual(['release', 'claim']);
		expect(claims(next.commands)).toEqual([[0, 's-t1']]);
		expect(next.state.done).toBe(1);
	});

	it('takes only the shard’s trials', () => {
		const { state, commands } = start([trial(0), trial(1), trial(2), trial(3)], {
			concurrency: 4,
			shard: { index: 1, count: 2 }
		});
		expect(claims(commands).map(([, id]) => id)).toEqual(['s-t1', 's-t3']);
		expect(state.total).toBe(2);
		// The shard is finished when its own trials are, whatever the other shards' trials are doing.
		const end: EndCommand = { ...ends(start([]).commands)[0]!, shard: { index: 1, count: 2 } };
		expect(statusAfterRun(end, [trial(0, 'queued'), trial(1, 'completed'), trial(3, 'infeasible')])).toBe(
			'finished'
		);
	});

	it('ends the run as soon as every slot is free and nothing is left, finished when all are final', () => {
		const run = feed(start([trial(0)]).state, { type: 'claimed', slot: 0 }, ended(0, 'completed'));
		const [end] = ends(run.commands);
		expect(end).toMatchObject({ studyId: 's', cancelled: false, budget: null });
		expect(run.state.ending).toBe(true);
		expect(statusAfterRun(end!, [trial(0, 'completed')])).toBe('finished');
		expect(feed(run.state, { type: 'closed' }).state.phase).toBe('idle');
	});

	it('ends at once when nothing is queued', () => {
		const { state, commands } = start([trial(0, 'completed')]);
		expect(commands.map((c) => c.type)).toEqual(['end']);
		expect(state.ending).toBe(true);
	});
});

describe('concurrency', () => {
	it('uses the asked number of slots, at least one', () => {
		expect(slotCount({ concurrency: 3 }, [trial(0)], 8)).toBe(3);
		expect(slotCount({ concurrency: 0 }, [trial(0)], 8)).toBe(1);
	});
	it('defaults to one slot per core on CPU backends and one on GPU or auto (the forced backend first)', () => {
		expect(slotCount({}, [trial(0)], 4)).toBe(4); // the trials' own backend is wasm
		expect(slotCount({ backend: 'webgpu' }, [trial(0)], 4)).toBe(1);
		expect(slotCount({}, [], 4)).toBe(1); // no trial: auto
		expect(start([trial(0), trial(1)], {}).state.slots).toHaveLength(4);
	});
	it('refuses a second run in the same tab, and an imported study', () => {
		const running = start([trial(0)]).state;
		const input = { study: study(), trials: [trial(0)], options: {}, hardwareConcurrency: 2 };
		expect(() => startRun(running, input)).toThrow('a study is already running in this tab');
		expect(() => startRun(idleScheduler(), { ...input, study: study(definition, true) })).toThrow(
			/read-only history/
		);
	});
});

describe('cooldown branches', () => {
	const withBranches: Study = {
		...definition,
		cooldownBranches: { at: [0.3, 0.5, 1], length: 0.25, shape: 'linear', finalFraction: 0.1 }
	};
	const begun = () =>
		feed(start([trial(0), trial(1)], { concurrency: 1 }, withBranches).state, { type: 'claimed', slot: 0 });

	it('runs each branch whose checkpoint is stored, one after another on the slot, then releases it', () => {
		// Branch points at steps 30, 50 and 100; no checkpoint was kept at 50.
		let run = feed(begun().state, ended(0, 'completed', [30, 100]));
		expect(run.commands).toEqual([
			{
				type: 'run',
				slot: 0,
				unit: {
					kind: 'branch',
					parentId: 's-t0',
					spec: { fromStep: 30, length: 25, shape: 'linear', finalFraction: 0.1 }
				},
				backend: null,
				engine: null
			}
		]);
		run = feed(run.state, ended(0, 'completed'));
		expect(run.commands).toMatchObject([{ type: 'run', unit: { kind: 'branch', spec: { fromStep: 100 } } }]);
		// Branches are not trials of the study: they leave the count alone.
		expect(run.state.done).toBe(1);
		run = feed(run.state, ended(0, 'failed'));
		expect(run.commands.map((c) => c.type)).toEqual(['release', 'claim']);
		expect(run.state.done).toBe(1);
	});

	it('sizes each branch from its own point with lengthOf "branchPoint"', () => {
		const relative: Study = {
			...definition,
			cooldownBranches: { at: [0.3, 1], length: 0.25, shape: '1-sqrt', lengthOf: 'branchPoint' }
		};
		const claimed = feed(start([trial(0)], { concurrency: 1 }, relative).state, { type: 'claimed', slot: 0 });
		// maxTrainSteps 100: points at 30 and 100, cooling down over 0.25 × 30 ≈ 8 and 0.25 × 100 = 25 steps.
		let run = feed(claimed.state, ended(0, 'completed', [30, 100]));
		expect(run.commands).toMatchObject([{ unit: { spec: { fromStep: 30, length: 8, shape: '1-sqrt' } } }]);
		run = feed(run.state, ended(0, 'completed'));
		expect(run.commands).toMatchObject([{ unit: { spec: { fromStep: 100, length: 25 } } }]);
	});

	it('branches only completed trials, and none once the run is paused', () => {
		for (const status of ['infeasible', 'failed', 'cancelled', 'queued'] as const) {
			const run = feed(begun().state, ended(0, status, [30, 50, 100]));
			expect(run.commands.some((c) => c.type === 'run')).toBe(false);
		}
		const paused = feed(begun().state, ended(0, 'completed', [30, 50, 100]), { type: 'pause' });
		expect(feed(paused.state, ended(0, 'completed')).commands.map((c) => c.type)).toEqual(['release', 'end']);
	});

	it('with a when condition, branches only the trials whose parameters meet it', () => {
		const onlyConstant: Study = {
			...definition,
			cooldownBranches: { at: [1], length: 0.2, shape: '1-sqrt', when: { family: ['constant'] } }
		};
		const runOf = (family: string) =>
			feed(
				feed(start([trial(0, 'queued', { params: { family } })], { concurrency: 1 }, onlyConstant).state, {
					type: 'claimed',
					slot: 0
				}).state,
				ended(0, 'completed', [100])
			);
		expect(runOf('constant').commands).toMatchObject([
			{ type: 'run', unit: { kind: 'branch', spec: { fromStep: 100, length: 20, shape: '1-sqrt' } } }
		]);
		expect(runOf('cosine').commands.some((c) => c.type === 'run')).toBe(false);
	});
});

describe('Bayesian suggestions', () => {
	const initial = () => [trial(0), trial(1)];
	const suggestion = (index: number) => ({ id: `s-t${index}`, index, steps: 100 });

	it('counts the trials still to be suggested and asks for one at a time when the queue is empty', () => {
		let run = start(initial(), { concurrency: 2 }, bayesian);
		expect(run.state).toMatchObject({ total: 5, suggestions: { toCome: 3, open: true } });
		run = feed(run.state, { type: 'claimed', slot: 0 }, { type: 'claimed', slot: 1 }, ended(0, 'completed'));
		expect(run.commands.filter((c) => c.type === 'suggest')).toHaveLength(1);
		// The second free slot waits for the suggestion in flight.
		run = feed(run.state, ended(1, 'completed'));
		expect(run.commands).toEqual([{ type: 'release', slot: 1 }]);
		run = feed(run.state, { type: 'suggested', trial: suggestion(2) });
		expect(claims(run.commands)).toEqual([[0, 's-t2']]);
		expect(run.commands.filter((c) => c.type === 'suggest')).toHaveLength(1);
		expect(run.state.suggestions).toMatchObject({ toCome: 2, asking: true });
	});

	it('stops asking once the budget is suggested, and ends with it spent', () => {
		let run = start([trial(0, 'completed'), trial(1, 'completed')], { concurrency: 1 }, bayesian);
		for (const index of [2, 3, 4]) {
			expect(run.commands.filter((c) => c.type === 'suggest')).toHaveLength(1);
			run = feed(run.state, { type: 'suggested', trial: suggestion(index) }, { type: 'claimed', slot: 0 });
			run = feed(run.state, ended(0, 'completed'));
		}
		const [end] = ends(run.commands);
		expect(end).toMatchObject({ budget: 5, exhausted: false });
		const stored = [0, 1, 2, 3, 4].map((i) => trial(i, 'completed'));
		expect(statusAfterRun(end!, stored)).toBe('finished');
		expect(statusAfterRun(end!, stored.slice(0, 4))).toBe('paused');
	});

	it('ends exhausted, with the optimiser’s problem, when a suggestion fails', () => {
		const run = feed(start([trial(0, 'completed')], { concurrency: 1 }, bayesian).state, {
			type: 'suggested',
			trial: null,
			problem: 'No further suggestion: singular matrix'
		});
		expect(run.state.suggestionProblem).toBe('No further suggestion: singular matrix');
		const [end] = ends(run.commands);
		expect(end).toMatchObject({ exhausted: true });
		expect(statusAfterRun(end!, [trial(0, 'completed')])).toBe('finished');
	});

	it('queues a suggestion that arrives after a pause, and cancels one that arrives after a cancel', () => {
		const asking = start([trial(0, 'completed'), trial(1, 'completed')], { concurrency: 1 }, bayesian);
		const paused = feed(asking.state, { type: 'pause' }, { type: 'suggested', trial: suggestion(2) });
		expect(paused.state.queue.map((t) => t.id)).toEqual(['s-t2']);
		expect(paused.commands.map((c) => c.type)).toEqual(['end']);
		const cancelled = feed(asking.state, { type: 'cancel' }, { type: 'suggested', trial: suggestion(2) });
		expect(cancelled.commands).toMatchObject([
			{ type: 'cancel-unstarted', trialId: 's-t2', reason: 'cancelled with the study' },
			{ type: 'end', cancelled: true }
		]);
	});

	it('refuses a shard: suggestions need the whole study', () => {
		expect(() => start(initial(), { shard: { index: 0, count: 2 } }, bayesian)).toThrow(
			BAYESIAN_SHARD_MESSAGE
		);
	});
});

describe('pause and resume', () => {
	it('starts nothing new while pausing, lets the running trial finish, and ends paused', () => {
		let run = feed(start([trial(0), trial(1)]).state, { type: 'claimed', slot: 0 });
		run = feed(run.state, { type: 'pause' });
		expect(run.state.phase).toBe('pausing');
		expect(run.commands).toEqual([]);
		run = feed(run.state, ended(0, 'completed'));
		expect(run.commands.map((c) => c.type)).toEqual(['release', 'end']);
		const [end] = ends(run.commands);
		expect(statusAfterRun(end!, [trial(0, 'completed'), trial(1)])).toBe('paused');
	});

	it('does not start a trial whose lock came after the pause: it goes back to the queue', () => {
		const run = feed(start([trial(0), trial(1)]).state, { type: 'pause' }, { type: 'claimed', slot: 0 });
		expect(run.commands.map((c) => c.type)).toEqual(['release', 'end']);
		expect(run.state.queue.map((t) => t.id)).toEqual(['s-t0', 's-t1']);
	});

	it('resumes with a new run of the trials still queued', () => {
		const stored = [trial(0, 'completed'), trial(1)];
		const paused = feed(
			start(stored).state,
			{ type: 'pause' },
			{ type: 'claimed', slot: 0 },
			{ type: 'closed' }
		);
		const resumed = startRun(paused.state, {
			study: study(),
			trials: stored,
			options: {},
			hardwareConcurrency: 1
		});
		expect(claims(resumed.commands)).toEqual([[0, 's-t1']]);
		expect(resumed.state).toMatchObject({ done: 1, total: 2, error: null });
	});

	it('pauses one running trial: it returns to the queue (not done) and the run goes on without it', () => {
		let run = feed(start([trial(0), trial(1)], { concurrency: 2 }).state, { type: 'claimed', slot: 0 });
		run = feed(run.state, { type: 'pause-trial', trialId: 's-t0' });
		expect(run.commands).toEqual([{ type: 'stop', slot: 0, pause: true }]);
		run = feed(run.state, ended(0, 'queued'));
		expect(run.state.done).toBe(0);
		expect(run.state.queue).toEqual([]);
		expect(run.commands.map((c) => c.type)).toEqual(['release']);
		// A trial that is not running here cannot be paused.
		expect(feed(run.state, { type: 'pause-trial', trialId: 's-t9' }).commands).toEqual([]);
	});

	it('pauses the whole study when the disk is full', () => {
		const claimed = feed(start([trial(0), trial(1)]).state, { type: 'claimed', slot: 0 });
		const full: SchedulerEvent = {
			type: 'unit-ended',
			slot: 0,
			status: 'queued',
			storageFull: true,
			checkpointSteps: []
		};
		const run = feed(claimed.state, full);
		expect(run.state.phase).toBe('pausing');
		expect(run.commands.map((c) => c.type)).toEqual(['release', 'end']);
	});
});

describe('cancel and retry', () => {
	it('cancels the queue, stops the running trials, and ends cancelled once they stopped', () => {
		let run = feed(start([trial(0), trial(1), trial(2), trial(3)], { concurrency: 2 }).state, {
			type: 'claimed',
			slot: 0
		});
		run = feed(run.state, { type: 'cancel' });
		expect(run.commands).toEqual([
			{ type: 'cancel-unstarted', trialId: 's-t2', reason: 'cancelled with the study' },
			{ type: 'cancel-unstarted', trialId: 's-t3', reason: 'cancelled with the study' },
			{ type: 'stop', slot: 0, pause: false }
		]);
		expect(run.state.done).toBe(2);
		// Slot 1 got its lock after the cancel: its trial is cancelled unstarted.
		run = feed(run.state, { type: 'claimed', slot: 1 });
		expect(run.commands).toEqual([
			{ type: 'release', slot: 1 },
			{ type: 'cancel-unstarted', trialId: 's-t1', reason: 'cancelled with the study' }
		]);
		run = feed(run.state, ended(0, 'cancelled'));
		expect(run.state.done).toBe(4);
		const [end] = ends(run.commands);
		expect(end).toMatchObject({ cancelled: true });
		expect(statusAfterRun(end!, [])).toBe('cancelled');
	});

	it('cancels one trial: stops it where it runs, or takes it out of the queue', () => {
		let run = feed(start([trial(0), trial(1)]).state, { type: 'claimed', slot: 0 });
		expect(feed(run.state, { type: 'cancel-trial', trialId: 's-t0' }).commands).toEqual([
			{ type: 'stop', slot: 0, pause: false }
		]);
		run = feed(run.state, { type: 'cancel-trial', trialId: 's-t1' });
		expect(run.commands).toEqual([
			{ type: 'cancel-unstarted', trialId: 's-t1', reason: 'cancelled by the user before it started' }
		]);
		expect(run.state).toMatchObject({ queue: [], done: 1 });
	});

	it('queues a retried trial again and uncounts it; a free slot takes it', () => {
		const run = feed(start([trial(0, 'failed'), trial(1)], { concurrency: 2 }).state, {
			type: 'retry',
			studyId: 's',
			trial: { id: 's-t0', index: 0, steps: 100 }
		});
		expect(claims(run.commands)).toEqual([[1, 's-t0']]);
		expect(run.state.done).toBe(0);
		const other = step(run.state, {
			type: 'retry',
			studyId: 'other',
			trial: { id: 'x', index: 0, steps: 1 }
		});
		expect(other).toEqual({ state: run.state, commands: [] });
		expect(
			step(idleScheduler(), { type: 'retry', studyId: 's', trial: { id: 'x', index: 0, steps: 1 } }).commands
		).toEqual([]);
	});
});

describe('failed and crashed workers, divergence', () => {
	it('counts a failed trial (a crashed worker fails its trial too) and gives the slot the next trial', () => {
		const run = feed(start([trial(0), trial(1)]).state, { type: 'claimed', slot: 0 }, ended(0, 'failed'));
		expect(run.state.done).toBe(1);
		expect(claims(run.commands)).toEqual([[0, 's-t1']]);
		expect(run.state.phase).toBe('running');
	});

	it('counts a diverged (infeasible) trial as done, branches nothing, and runs on', () => {
		const withBranches: Study = {
			...definition,
			cooldownBranches: { at: [1], length: 0.5, shape: 'linear' }
		};
		const claimed = feed(start([trial(0), trial(1)], { concurrency: 1 }, withBranches).state, {
			type: 'claimed',
			slot: 0
		});
		const run = feed(claimed.state, ended(0, 'infeasible', [100]));
		expect(run.commands.map((c) => c.type)).toEqual(['release', 'claim']);
		expect(run.state.done).toBe(1);
	});

	it('pauses the run when an action of the adapter fails, frees the slot, and keeps the first error', () => {
		const run = feed(
			start([trial(0), trial(1), trial(2)], { concurrency: 2 }).state,
			{ type: 'claimed', slot: 0 },
			{ type: 'failed', slot: 0, message: 'IndexedDB closed' },
			{ type: 'failed', message: 'later' }
		);
		expect(run.commands).toContainEqual({ type: 'release', slot: 0 });
		expect(run.state).toMatchObject({ phase: 'pausing', error: 'IndexedDB closed' });
		expect(run.state.slots[0]).toEqual({ state: 'idle' });
		expect(ends(run.commands)).toHaveLength(0); // slot 1 is still taking its lock
		expect(ends(feed(run.state, { type: 'refused', slot: 1 }).commands)).toHaveLength(1);
	});
});

describe('a second tab', () => {
	it('skips a trial whose lock another tab holds (or that it already ran), without counting it', () => {
		const run = feed(start([trial(0), trial(1)]).state, { type: 'refused', slot: 0 });
		expect(claims(run.commands)).toEqual([[0, 's-t1']]);
		expect(run.state.done).toBe(0);
	});

	it('leaves the study running when trials still run in another tab', () => {
		const run = feed(
			start([trial(0), trial(1)]).state,
			{ type: 'refused', slot: 0 },
			{ type: 'refused', slot: 0 }
		);
		const [end] = ends(run.commands);
		expect(statusAfterRun(end!, [trial(0, 'running'), trial(1, 'completed')])).toBe('running');
		expect(statusAfterRun(end!, [trial(0, 'completed'), trial(1, 'completed')])).toBe('finished');
	});
});

describe('ETA', () => {
	it('counts the steps still to come: queued trials and suggestions to come (the ETA divides them by measured throughput, eta.ts)', () => {
		const run = feed(start([trial(0), trial(1), trial(2, 'completed')], { concurrency: 1 }, bayesian).state, {
			type: 'claimed',
			slot: 0
		});
		// Trial 1 queued (100 steps) and 2 suggestions to come (100 each).
		expect(pendingSteps(run.state)).toBe(300);
	});

	it('counts nothing still to come after a cancel', () => {
		const run = feed(start([trial(0), trial(1)], { concurrency: 1 }, bayesian).state, { type: 'cancel' });
		expect(pendingSteps(run.state)).toBe(0);
	});
});

describe('auto: one measured engine and backend per workload', () => {
	/** A queued trial whose engine and backend are both `auto`, hidden width `width`. */
	const auto = (index: number, width = 64, status: TrialStatus = 'queued') =>
		trial(index, status, {
			config: {
				...DEFAULT_TRIAL_CONFIG,
				maxTrainSteps: 100,
				hiddenWidth: width,
				backend: 'auto',
				engine: 'auto'
			}
		});
	const key = (width = 64) => `mlp/digits/w${width}d1/batch64|engine=auto|backend=auto`;
	const measured = (pair: { engine: 'tfjs' | 'jax'; backend: 'wasm' | 'webgpu' }, width = 64) =>
		({ type: 'measured', slot: 0, key: key(width), outcome: { pair } }) as const;

	it('measures the workload on one slot before any trial starts, and claims nothing meanwhile', () => {
		const run = start([auto(0), auto(1), auto(2)], {});
		expect(run.commands).toEqual([
			{ type: 'measure', slot: 0, key: key(), trialId: 's-t0', engine: 'auto', backend: 'auto' }
		]);
		// Unmeasured `auto` might be a GPU: one slot until the measurement says otherwise.
		expect(run.state.slots).toEqual([{ state: 'measuring', key: key(), trial: run.state.queue[0] }]);
		expect(run.state.queue.map((t) => t.id)).toEqual(['s-t0', 's-t1', 's-t2']);
	});

	it('runs one trial per core once wasm is chosen (like a forced wasm study), all on the chosen pair', () => {
		let run = start([auto(0), auto(1), auto(2)], {});
		run = feed(run.state, measured({ engine: 'jax', backend: 'wasm' }));
		// hardwareConcurrency is 4 in `start`: a forced wasm study gets 4 slots too.
		expect(run.state.slots).toHaveLength(slotCount({ backend: 'wasm' }, [], 4));
		expect(run.state.slots).toHaveLength(4);
		expect(claims(run.commands)).toEqual([
			[0, 's-t0'],
			[1, 's-t1'],
			[2, 's-t2']
		]);
		run = feed(run.state, ...[0, 1, 2].map((slot) => ({ type: 'claimed', slot }) as const));
		expect(runs(run.commands)).toEqual(['jax/wasm', 'jax/wasm', 'jax/wasm']);
	});

	it('keeps one slot when the chosen pair is on WebGPU', () => {
		const run = feed(start([auto(0), auto(1)], {}).state, measured({ engine: 'tfjs', backend: 'webgpu' }));
		expect(run.state.slots).toHaveLength(1);
		expect(claims(run.commands)).toEqual([[0, 's-t0']]);
	});

	it('measures each workload once, one after another, before the first trial starts', () => {
		let run = start([auto(0, 64), auto(1, 128), auto(2, 64)], { concurrency: 2 });
		expect(run.commands.map((c) => c.type)).toEqual(['measure']);
		run = feed(run.state, measured({ engine: 'jax', backend: 'wasm' }, 64));
		expect(run.commands).toEqual([
			{ type: 'measure', slot: 0, key: key(128), trialId: 's-t1', engine: 'auto', backend: 'auto' }
		]);
		run = feed(run.state, measured({ engine: 'tfjs', backend: 'wasm' }, 128));
		// A given concurrency is kept.
		expect(run.state.slots).toHaveLength(2);
		expect(claims(run.commands)).toEqual([
			[0, 's-t0'],
			[1, 's-t1']
		]);
		run = feed(run.state, { type: 'claimed', slot: 0 }, { type: 'claimed', slot: 1 });
		expect(runs(run.commands)).toEqual(['jax/wasm', 'tfjs/wasm']);
	});

	it('waits for running trials to end before measuring a workload that appears later', () => {
		let run = start([auto(0, 64), auto(1, 64)], { concurrency: 2 });
		run = feed(run.state, measured({ engine: 'jax', backend: 'wasm' }), { type: 'claimed', slot: 0 });
		run = feed(run.state, { type: 'claimed', slot: 1 });
		// A retried trial of a new workload: nothing measures while both slots train.
		run = feed(run.state, {
			type: 'retry',
			studyId: 's',
			trial: {
				id: 's-t9',
				index: 9,
				steps: 100,
				pick: { workload: 'mlp/digits/w128d1/batch64', engine: 'auto', backend: 'auto' }
			}
		});
		expect(run.commands).toEqual([]);
		run = feed(run.state, ended(0, 'completed'));
		expect(run.commands.map((c) => c.type)).toEqual(['release']);
		run = feed(run.state, ended(1, 'completed'));
		expect(run.commands).toEqual([
			{ type: 'release', slot: 1 },
			{ type: 'measure', slot: 0, key: key(128), trialId: 's-t9', engine: 'auto', backend: 'auto' }
		]);
	});

	it('uses the pair the study chose in an earlier run, without measuring again', () => {
		const run = startRun(idleScheduler(), {
			study: {
				...study(),
				enginePicks: { [key()]: { pair: { engine: 'jax', backend: 'wasm' }, chosenAt: 1 } }
			},
			trials: [auto(0), auto(1)],
			options: {},
			hardwareConcurrency: 4
		});
		expect(run.state.slots).toHaveLength(4);
		expect(claims(run.commands)).toEqual([
			[0, 's-t0'],
			[1, 's-t1']
		]);
		expect(runs(feed(run.state, { type: 'claimed', slot: 0 }).commands)).toEqual(['jax/wasm']);
	});

	it('lets the trials run on their own auto when no pair could be measured, and does not measure again', () => {
		let run = start([auto(0), auto(1)], { concurrency: 1 });
		run = feed(run.state, {
			type: 'measured',
			slot: 0,
			key: key(),
			outcome: { problem: 'no engine and backend could train this workload (tfjs on wasm: out of memory)' }
		});
		expect(claims(run.commands)).toEqual([[0, 's-t0']]);
		run = feed(run.state, { type: 'claimed', slot: 0 });
		expect(runs(run.commands)).toEqual(['null/null']);
		run = feed(run.state, ended(0, 'failed'));
		expect(run.commands.map((c) => c.type)).toEqual(['release', 'claim']);
	});

	it('forces the run’s engine over the trials’ own: a forced pair needs no measurement', () => {
		const run = start([auto(0)], { engine: 'tfjs', backend: 'cpu' });
		expect(claims(run.commands)).toEqual([[0, 's-t0']]);
		expect(runs(feed(run.state, { type: 'claimed', slot: 0 }).commands)).toEqual(['tfjs/cpu']);
	});
});

describe('batched trials: K slots per worker', () => {
	const jax = (index: number, width = 64) =>
		trial(index, 'queued', {
			config: {
				...DEFAULT_TRIAL_CONFIG,
				maxTrainSteps: 100,
				hiddenWidth: width,
				backend: 'wasm',
				engine: 'jax'
			}
		});
	const key = (width = 64) => `mlp/digits/w${width}d1/batch64|engine=jax|backend=wasm`;
	const measured = (batch: number | undefined, width = 64) =>
		({
			type: 'measured',
			slot: 0,
			key: key(width),
			outcome: { pair: { engine: 'jax', backend: 'wasm' }, ...(batch && { batch }) }
		}) as const;

	it('measures a forced compiled engine (for its batch), then gives each worker K slots', () => {
		let run = start([jax(0), jax(1), jax(2), jax(3), jax(4)], { concurrency: 2 });
		expect(run.commands).toEqual([
			{ type: 'measure', slot: 0, key: key(), trialId: 's-t0', engine: 'jax', backend: 'wasm' }
		]);
		run = feed(run.state, measured(4));
		// 2 workers × 4 trials each: 8 slots (worker 0: slots 0–3, worker 1: 4–7); the 5 queued trials
		// are claimed at once, spread over both workers (3 on worker 0, 2 on worker 1).
		expect(run.state.batch).toBe(4);
		expect(run.state.slots).toHaveLength(8);
		expect(claims(run.commands).map(([slot]) => slot)).toEqual([0, 4, 1, 5, 2]);
	});

	it('keeps one trial per worker when any queued workload has no batch (a forced TF.js trial)', () => {
		let run = start([jax(0), trial(1)], { concurrency: 2 });
		run = feed(run.state, measured(8));
		expect(run.state.batch).toBe(1);
		expect(run.state.slots).toHaveLength(2);
	});

	it('takes the smallest K of the queued workloads, and the K the study kept from an earlier run', () => {
		let run = start([jax(0, 64), jax(1, 128)], { concurrency: 1 });
		run = feed(run.state, measured(8, 64), measured(2, 128));
		expect(run.state.batch).toBe(2);
		expect(run.state.slots).toHaveLength(2);
		const again = startRun(idleScheduler(), {
			study: {
				...study(),
				enginePicks: { [key()]: { pair: { engine: 'jax', backend: 'wasm' }, batch: 4, chosenAt: 1 } }
			},
			trials: [jax(0), jax(1)],
			options: { concurrency: 1 },
			hardwareConcurrency: 4
		});
		expect(again.state.batch).toBe(4);
		expect(again.state.slots).toHaveLength(4);
		expect(claims(again.commands)).toEqual([
			[0, 's-t0'],
			[1, 's-t1']
		]);
	});
});

describe('batched trials: a run that sets the batch', () => {
	const jax = (index: number, backend: 'wasm' | 'auto' = 'wasm') =>
		trial(index, 'queued', {
			config: { ...DEFAULT_TRIAL_CONFIG, maxTrainSteps: 100, backend, engine: 'jax' }
		});

	it('uses the run’s batch and measures nothing when the pair is forced too (1: one trial per worker)', () => {
		const three = start([jax(0), jax(1)], { concurrency: 1, batch: 3 });
		expect(three.commands.map((c) => c.type)).toEqual(['claim', 'claim']);
		expect(three.state.slots).toHaveLength(3);
		const one = start([jax(0), jax(1)], { concurrency: 2, batch: 1 });
		expect(one.commands.map((c) => c.type)).toEqual(['claim', 'claim']);
		expect(one.state.slots).toHaveLength(2);
		// No override: the trial trains on its own pair (jax on wasm).
		expect(runs(feed(one.state, { type: 'claimed', slot: 0 }).commands)).toEqual(['null/null']);
	});

	it('still measures an `auto` backend, and keeps the run’s batch over the measured one', () => {
		let run = start([jax(0, 'auto'), jax(1, 'auto')], { concurrency: 1, batch: 2 });
		expect(run.commands).toEqual([
			{
				type: 'measure',
				slot: 0,
				key: 'mlp/digits/w64d1/batch64|engine=jax|backend=auto',
				trialId: 's-t0',
				engine: 'jax',
				backend: 'auto'
			}
		]);
		run = feed(run.state, {
			type: 'measured',
			slot: 0,
			key: 'mlp/digits/w64d1/batch64|engine=jax|backend=auto',
			outcome: { pair: { engine: 'jax', backend: 'wasm' }, batch: 8 }
		});
		expect(run.state.slots).toHaveLength(2);
	});
});

describe('slotOrder', () => {
	it('hands work to the first slot of every worker before the second of any', () => {
		// 2 workers × 4 batched slots: worker 0 holds slots 0–3, worker 1 slots 4–7.
		expect(slotOrder(8, 4)).toEqual([0, 4, 1, 5, 2, 6, 3, 7]);
		// 3 workers × 2 slots.
		expect(slotOrder(6, 2)).toEqual([0, 2, 4, 1, 3, 5]);
		// No batching: plain slot order.
		expect(slotOrder(3, 1)).toEqual([0, 1, 2]);
	});
});
