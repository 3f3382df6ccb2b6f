import { expect, test, type Page } from '@playwright/test';
import { digitsJaxStudy, farApart } from './batched-curves';
import { openLab, storedTrials, type StoredTrial } from './helpers';

// Issue 19, item 4, the controls of one trial inside a running batch: pausing or cancelling one trial of a
// batch takes it out with its checkpoint while the others go on to the end with their curves unchanged; a
// paused or cancelled trial resumed later joins a new batch and ends with the curve of an uninterrupted
// run; a study's cooldown branches train in batches with the curves they have alone. Digits MLP, compiled
// engine on wasm, plain SGD, four trials to a worker forced through the run's `batch` option. "The same
// curve" means within 1e-5 relative (RELATIVE_TOLERANCE of tests/batched-curves.ts, which says why).

interface ExportedBranch {
	fromStep: number;
	length: number;
	status: string;
	metrics: unknown;
}

interface ExportedTrial {
	index: number;
	status: string;
	reason?: string;
	batch?: string;
	params: { learningRate: number };
	metrics: { train: { step: number[] } & Record<string, number[]>; evals: Record<string, number>[] };
	branches?: ExportedBranch[];
}

type Stored = StoredTrial & { studyId: string; batchId?: string; reason?: string };

interface Lab {
	tuningLab: {
		runStudy(text: string, options: object): Promise<string>;
		progress(): { running: { index: number; saved: number | null }[] } | null;
		resumed(): boolean;
		continued(): { index: number; fromStep: number }[];
	};
	batchRun?: Promise<string>;
}

const LEARNING_RATES = [0.003, 0.01, 0.03, 0.1];

function trials(text: string): ExportedTrial[] {
	return (JSON.parse(text) as { trials: ExportedTrial[] }).trials.sort((a, b) => a.index - b.index);
}

/** Starts runStudy on the page without waiting for it (the page keeps its promise). */
async function startRun(page: Page, study: object, batch: number): Promise<void> {
	await page.evaluate(
		({ file, batch }) => {
			const w = window as unknown as Lab;
			w.batchRun = w.tuningLab.runStudy(file, { concurrency: 1, batch });
			// A rejection is read by endOfRun; this keeps it from counting as unhandled meanwhile.
			w.batchRun.catch(() => undefined);
		},
		{ file: JSON.stringify(study), batch }
	);
}

async function endOfRun(page: Page): Promise<ExportedTrial[]> {
	return trials(await page.evaluate(() => (window as unknown as Lab).batchRun!));
}

async function run(page: Page, study: object, batch: number): Promise<ExportedTrial[]> {
	await startRun(page, study, batch);
	return endOfRun(page);
}

/** The stored trials of the study named `name`, and their cooldown branches. */
async function storedOf(page: Page, name: string): Promise<Stored[]> {
	const id = await page.evaluate(async (name) => {
		const db = await new Promise<IDBDatabase>((resolve) => {
			const r = indexedDB.open('tuning-lab');
			r.onsuccess = () => resolve(r.result);
		});
		const all = await new Promise<{ id: string; definition: { name: string } }[]>((resolve) => {
			const r = db.transaction('studies').objectStore('studies').getAll();
			r.onsuccess = () => resolve(r.result);
		});
		db.close();
		return all.find((s) => s.definition.name === name)!.id;
	}, name);
	const all = (await storedTrials(page)) as (Stored & { branch?: { parentId: string } })[];
	const own = new Set(all.filter((t) => t.studyId === id).map((t) => t.id));
	// A cooldown branch's record names its parent trial, not the study.
	return all.filter((t) => own.has(t.id) || (t.branch !== undefined && own.has(t.branch.parentId)));
}

/** Waits until trial `index` of the running study has a stored checkpoint at `step` or later. */
async function savedAtLeast(page: Page, index: number, step: number): Promise<void> {
	await page.waitForFunction(
		({ index, step }) => {
			const trial = (window as unknown as Lab).tuningLab.progress()?.running.find((r) => r.index === index);
			return (trial?.saved ?? -1) >= step;
		},
		{ index, step },
		{ timeout: 120_000 }
	);
}

test('one trial paused and one cancelled inside a running batch leave it with their checkpoints; the others finish unchanged; resumed, they join a new batch and end with the uninterrupted curves', async ({
	page
}) => {
	test.setTimeout(300_000);
	const STEPS = 1500;
	const study = (name: string) =>
		digitsJaxStudy(name, {
			budget: { maxTrainSteps: STEPS, evalEvery: 100, checkpointEvery: 100, keepBestCheckpoints: 1 },
			search: { algorithm: 'grid', trials: 4, seed: 1 },
			params: [{ name: 'learningRate', role: 'scientific', type: 'discrete', values: LEARNING_RATES }]
		});
	await openLab(page);
	await page.waitForFunction(() => 'tuningLab' in window);

	// The uninterrupted reference: the same four trials, one batch, start to end.
	const reference = await run(page, study('Reference batch'), 4);
	expect(reference.map((t) => t.status)).toEqual(['completed', 'completed', 'completed', 'completed']);
	expect(new Set(reference.map((t) => t.batch)).size).toBe(1);
	expect(reference[0]!.metrics.train.step).toHaveLength(STEPS);

	// The same study again; on its page, trial 1 is paused, then trial 3 cancelled, then trial 2 paused,
	// each once it has a stored checkpoint and while the batch is still training.
	const name = 'Interrupted batch';
	await startRun(page, study(name), 4);
	await page.getByTestId('study-list-row').filter({ hasText: name }).getByRole('link', { name }).click();
	const row = (i: number) => page.locator(`[data-testid="study-trial-row"][data-index="${i}"]`);
	await savedAtLeast(page, 1, 100);
	await row(1).getByTestId('pause-trial').click();
	await savedAtLeast(page, 3, 300);
	await row(3).getByRole('button', { name: 'Cancel' }).click();
	await savedAtLeast(page, 2, 500);
	await row(2).getByTestId('pause-trial').click();
	const interrupted = await endOfRun(page);

	expect(
		interrupted.map((t) => t.status),
		interrupted.map((t) => t.reason ?? '').join('; ')
	).toEqual(['completed', 'queued', 'queued', 'cancelled']);
	expect(interrupted[1]!.reason).toMatch(/^paused by the user at step \d+/);
	expect(interrupted[2]!.reason).toMatch(/^paused by the user at step \d+/);
	expect(interrupted[3]!.reason).toMatch(/^stopped by the user at step \d+/);
	// All four started in one batch.
	expect(new Set(interrupted.map((t) => t.batch)).size).toBe(1);
	// Trial 0 went on to the end with the uninterrupted curve.
	expect(farApart(interrupted[0]!.metrics, reference[0]!.metrics), 'trial 0 against the reference').toEqual(
		[]
	);
	// The stopped ones left early, each with a checkpoint at or after the step it was stopped past.
	const afterStop = await storedOf(page, name);
	const byIndex = (i: number) => afterStop.find((t) => t.index === i)!;
	const left = { 1: 100, 2: 500, 3: 300 } as const;
	for (const [i, atLeast] of Object.entries(left)) {
		const t = byIndex(Number(i));
		expect(t.lastStep, `trial ${i}'s last step`).toBeLessThan(STEPS);
		expect(Math.max(...t.checkpoints.map((c) => c.step)), `trial ${i}'s checkpoint`).toBeGreaterThanOrEqual(
			atLeast
		);
		// What it logged up to its stop is the reference's curve there.
		const steps = interrupted[Number(i)]!.metrics.train.step;
		expect(steps).toEqual(reference[Number(i)]!.metrics.train.step.slice(0, steps.length));
		expect(
			farApart(
				interrupted[Number(i)]!.metrics.train.loss,
				reference[Number(i)]!.metrics.train.loss!.slice(0, steps.length)
			),
			`trial ${i}'s losses before it left`
		).toEqual([]);
	}
	const resumeSteps = [1, 2, 3].map((i) => Math.max(...byIndex(i).checkpoints.map((c) => c.step)));

	// The cancelled trial is queued again from its checkpoint; the study runs on (the same file continues
	// the unfinished study), and the three resume together.
	await expect(row(3).getByTestId('retry-trial')).toHaveText(`Retry from step ${resumeSteps[2]}`);
	await row(3).getByTestId('retry-trial').click();
	await expect(row(3)).toHaveAttribute('data-status', 'queued');
	const resumed = await run(page, study(name), 4);
	expect(await page.evaluate(() => (window as unknown as Lab).tuningLab.resumed())).toBe(true);
	expect(await page.evaluate(() => (window as unknown as Lab).tuningLab.continued())).toEqual(
		[1, 2, 3].map((index, k) => ({ index, fromStep: resumeSteps[k] }))
	);
	expect(resumed.map((t) => t.status)).toEqual(['completed', 'completed', 'completed', 'completed']);
	// A new batch of the three: one id for them, not the first run's.
	const again = new Set([1, 2, 3].map((i) => resumed[i]!.batch));
	expect(again.size).toBe(1);
	expect([...again][0]).toMatch(/^batch-/);
	expect([...again][0]).not.toBe(interrupted[0]!.batch);
	for (const [i, t] of resumed.entries()) {
		expect(t.metrics.train.step).toEqual(Array.from({ length: STEPS }, (_, s) => s));
		expect(farApart(t.metrics, reference[i]!.metrics), `trial ${i} against the uninterrupted run`).toEqual(
			[]
		);
	}
});

test('cooldown branches of trials trained in a batch train in batches and have the curves they have alone', async ({
	page
}) => {
	test.setTimeout(300_000);
	const study = (name: string) =>
		digitsJaxStudy(name, {
			budget: { maxTrainSteps: 80, evalEvery: 20, checkpointEvery: 20, keepBestCheckpoints: 1 },
			search: { algorithm: 'grid', trials: 3, seed: 1 },
			params: [{ name: 'learningRate', role: 'scientific', type: 'discrete', values: [0.01, 0.03, 0.1] }],
			// Branch points at steps 40 and 80, each 20 steps of linear cooldown to zero.
			cooldownBranches: { at: [0.5, 1], length: 0.25, shape: 'linear' }
		});
	await openLab(page);
	await page.waitForFunction(() => 'tuningLab' in window);

	const batched = await run(page, study('Batched branches'), 4);
	const alone = await run(page, study('Branches alone'), 1);
	for (const result of [batched, alone]) {
		expect(result.map((t) => t.status)).toEqual(['completed', 'completed', 'completed']);
		for (const t of result) {
			expect(t.branches?.map((b) => [b.fromStep, b.length, b.status])).toEqual([
				[40, 20, 'completed'],
				[80, 20, 'completed']
			]);
		}
	}
	for (const [i, t] of batched.entries()) {
		expect(farApart(t.metrics, alone[i]!.metrics), `trial ${i} batched against alone`).toEqual([]);
		for (const [b, branch] of t.branches!.entries()) {
			expect(
				farApart(branch.metrics, alone[i]!.branches![b]!.metrics),
				`trial ${i}'s branch from ${branch.fromStep} batched against alone`
			).toEqual([]);
		}
	}
	// Linear cooldown from the trial's constant rate to zero over 20 steps: the rate at the branch's
	// first step is the trial's own, and at step k of 20 it is (1 − k/20) of it.
	const first = batched[1]!.branches![0]!.metrics as { train: { step: number[]; lr: number[] } };
	expect(first.train.step).toEqual(Array.from({ length: 20 }, (_, k) => 40 + k));
	expect(first.train.lr[0]).toBeCloseTo(0.03, 8);
	expect(first.train.lr[10]).toBeCloseTo(0.015, 8);

	// Branches train in batches too: at least one batch held several branches. (Which branches share a
	// batch depends on when their parents' results reach the page, so a branch handed over late may go
	// alone; the curves above are equal either way.) Alone, no record names a batch.
	const branches = (await storedOf(page, 'Batched branches')).filter((t) => t.branch);
	expect(branches).toHaveLength(6);
	const sizes = new Map<string, number>();
	for (const b of branches) if (b.batchId) sizes.set(b.batchId, (sizes.get(b.batchId) ?? 0) + 1);
	expect(
		[...sizes.values()].some((n) => n >= 2),
		`branch batch ids: ${JSON.stringify(branches.map((b) => b.batchId ?? null))}`
	).toBe(true);
	expect((await storedOf(page, 'Branches alone')).every((t) => t.batchId === undefined)).toBe(true);
});
