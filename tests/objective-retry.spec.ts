// Issue 20, items 1 and 4. A trainLoss study runs end to end: its checkpoints, table, best-step report
// and checklist all rank by the mean training loss since the previous evaluation, recomputed here from
// the stored training rows. A trial whose worker crashes is retried from its latest checkpoint (its
// early rows are never rewritten and its steps continue), while "Start over…" asks first, names what it
// discards, and then really starts from step 0.
import { expect, test, type Page } from '@playwright/test';
import { importStudy, openLab, runStudyOnWasm, twoTrialStudy } from './helpers';

interface RawTrial {
	id: string;
	index: number;
	status: string;
	lastStep: number;
	checkpoints: { step: number; value: number }[];
	train: { step: number; loss: number }[];
	evals: { step: number; trainLoss?: number | null }[];
	/** Whether the first metric chunk still carries the marker this test put on it. */
	marked: boolean;
	checkpointKeys: number[];
}

/** Every study trial with its metric rows and checkpoint keys, read straight from IndexedDB. */
function rawTrials(page: Page): Promise<RawTrial[]> {
	return page.evaluate(async () => {
		const db = await new Promise<IDBDatabase>((resolve) => {
			const r = indexedDB.open('tuning-lab');
			r.onsuccess = () => resolve(r.result);
		});
		const all = <T>(store: string, query?: IDBKeyRange) =>
			new Promise<T[]>((resolve) => {
				const r = db.transaction(store).objectStore(store).getAll(query);
				r.onsuccess = () => resolve(r.result as T[]);
			});
		const keys = (store: string, query: IDBKeyRange) =>
			new Promise<IDBValidKey[]>((resolve) => {
				const r = db.transaction(store).objectStore(store).getAllKeys(query);
				r.onsuccess = () => resolve(r.result);
			});
		type Chunk = {
			seq: number;
			marker?: boolean;
			train: { step: number[]; loss: number[] };
			evals: { step: number; trainLoss?: number | null }[];
		};
		type Trial = Omit<RawTrial, 'train' | 'evals' | 'marked' | 'checkpointKeys'>;
		const out: RawTrial[] = [];
		for (const t of (await all<Trial>('trials')).sort((a, b) => a.index - b.index)) {
			const range = IDBKeyRange.bound([t.id, -Infinity], [t.id, Infinity]);
			const chunks = (await all<Chunk>('metrics', range)).sort((a, b) => a.seq - b.seq);
			out.push({
				...t,
				checkpoints: t.checkpoints ?? [],
				train: chunks.flatMap((c) => c.train.step.map((step, i) => ({ step, loss: c.train.loss[i]! }))),
				evals: chunks.flatMap((c) => c.evals),
				marked: chunks[0]?.seq === 0 && chunks[0].marker === true,
				checkpointKeys: (await keys('checkpoints', range)).map((k) => (k as [string, number])[1])
			});
		}
		db.close();
		return out;
	});
}

/** Puts a marker on each trial's first metric chunk: a rewritten chunk loses it, a kept one keeps it. */
function markFirstChunks(page: Page): Promise<void> {
	return page.evaluate(async () => {
		const db = await new Promise<IDBDatabase>((resolve) => {
			const r = indexedDB.open('tuning-lab');
			r.onsuccess = () => resolve(r.result);
		});
		await new Promise<void>((resolve, reject) => {
			const tx = db.transaction('metrics', 'readwrite');
			const r = tx.objectStore('metrics').openCursor();
			r.onsuccess = () => {
				const cursor = r.result;
				if (!cursor) return;
				if ((cursor.value as { seq: number }).seq === 0) cursor.update({ ...cursor.value, marker: true });
				cursor.continue();
			};
			tx.oncomplete = () => resolve();
			tx.onerror = () => reject(tx.error);
		});
		db.close();
	});
}

/**
 * The trainLoss objective computed here, independently of the app: at each evaluation after step 0,
 * the mean of the training losses logged since the previous evaluation.
 */
function intervalMeans(trial: RawTrial): { step: number; value: number }[] {
	const evalSteps = trial.evals.map((e) => e.step);
	const out: { step: number; value: number }[] = [];
	for (let k = 1; k < evalSteps.length; k++) {
		const [from, to] = [evalSteps[k - 1]!, evalSteps[k]!];
		const losses = trial.train.filter((r) => r.step >= from && r.step < to).map((r) => r.loss);
		out.push({ step: to, value: losses.reduce((a, b) => a + b, 0) / losses.length });
	}
	return out;
}

const row = (page: Page, index: number) =>
	page.locator(`[data-testid="study-trial-row"][data-index="${index}"]`);

test('a trainLoss study keeps its N best checkpoints and shows its best value, step, report and checklist', async ({
	page
}) => {
	const STEPS = 300;
	const EVAL = 30;
	const study = twoTrialStudy(
		'trainLoss end to end',
		{ maxTrainSteps: STEPS, evalEvery: EVAL, checkpointEvery: EVAL, keepBestCheckpoints: 2 },
		0.1
	);
	study.objective = { metric: 'trainLoss', goal: 'minimize' };
	(study.search as { trials: number }).trials = 3;
	study.params = [{ name: 'hiddenWidth', role: 'scientific', type: 'discrete', values: [32, 64, 128] }];
	await openLab(page);
	await importStudy(page, study);
	await expect(page.getByTestId('study-name')).toHaveText('trainLoss end to end');
	await runStudyOnWasm(page);
	await expect(page.getByTestId('study-status')).toHaveText('finished', { timeout: 180_000 });

	const trials = await rawTrials(page);
	expect(trials.map((t) => t.status)).toEqual(['completed', 'completed', 'completed']);
	const bestSteps: number[] = [];
	for (const trial of trials) {
		const means = intervalMeans(trial);
		expect(means).toHaveLength(STEPS / EVAL);
		// The loop logged the same value in each evaluation row (the first one has none).
		expect(trial.evals[0]!.trainLoss).toBeUndefined();
		trial.evals.slice(1).forEach((e, k) => expect(e.trainLoss).toBeCloseTo(means[k]!.value, 5));
		const ranked = [...means].sort((a, b) => a.value - b.value || a.step - b.step);
		const best = ranked[0]!;
		bestSteps.push(best.step);
		// Kept: the two best by hand, plus the latest (step 300) to resume from.
		const expected = [...new Set([ranked[0]!.step, ranked[1]!.step, STEPS])].sort((a, b) => a - b);
		expect(trial.checkpoints.map((c) => c.step)).toEqual(expected);
		expect(trial.checkpointKeys).toEqual(expected);
		for (const c of trial.checkpoints) {
			expect(c.value).toBeCloseTo(means.find((m) => m.step === c.step)!.value, 5);
		}
		const tableRow = row(page, trial.index);
		await expect(tableRow.getByTestId('best-at-step')).toHaveText(String(best.step));
		const shown = Number(await tableRow.getByTestId('best-value').textContent());
		expect(Math.abs(shown - best.value)).toBeLessThan(5e-4 * best.value);
		await expect(tableRow.getByTestId('best-checkpoint')).toContainText(`step ${best.step}:`);
	}

	// The best-step report counts all three at the steps found above, on the study page and the analysis page.
	const expectedBins = Array.from(
		{ length: 10 },
		(_, bin) => bestSteps.filter((s) => Math.min(9, Math.floor((10 * s) / STEPS)) === bin).length
	);
	const checkReport = async () => {
		const report = page.getByTestId('best-step-report');
		await expect(report.getByTestId('best-step-count')).toHaveText('3');
		await expect(report.getByTestId('best-step-objective')).toContainText('trainLoss');
		const counts = await report
			.getByTestId('best-step-histogram')
			.locator('rect.bar')
			.evaluateAll((bars) => bars.map((b) => Number(b.getAttribute('data-count'))));
		expect(counts).toEqual(expectedBins);
	};
	await checkReport();
	await page.getByTestId('open-analysis').click();
	await expect(page.getByTestId('analysis-page')).toBeVisible();
	await checkReport();
	const checklist = page.getByTestId('checklist');
	await expect(checklist).toContainText('under the objective training loss');
	await expect(checklist.getByTestId('checklist-busy')).toHaveCount(0, { timeout: 60_000 });
	await expect(checklist.getByRole('alert')).toHaveCount(0);
	await expect(
		checklist.locator('[data-testid="finding"], [data-testid="checklist-clear"]').first()
	).toBeVisible();
});

test('a crashed trial resumes from its checkpoint on Retry; Start over asks first, then discards', async ({
	page
}) => {
	// Long enough that neither trial can finish between its first checkpoint (step 300) and the crash.
	const STEPS = 6000;
	const EVAL = 300;
	const study = twoTrialStudy('Retry keeps the work', {
		maxTrainSteps: STEPS,
		evalEvery: EVAL,
		checkpointEvery: EVAL,
		keepBestCheckpoints: 1
	});
	await openLab(page);
	await importStudy(page, study);
	await expect(page.getByTestId('study-name')).toHaveText('Retry keeps the work');
	await page.getByTestId('concurrency').fill('2');
	await runStudyOnWasm(page);
	// Both trials train side by side; once each has stored a checkpoint, every trial worker crashes.
	for (const index of [0, 1]) {
		await expect(row(page, index).getByTestId('best-checkpoint')).toContainText('step', { timeout: 60_000 });
	}
	for (const worker of page.workers().filter((w) => w.url().includes('trial-worker'))) {
		await worker.evaluate(() => {
			setTimeout(() => {
				throw new Error('simulated crash');
			});
		});
	}
	for (const index of [0, 1]) {
		await expect(row(page, index)).toHaveAttribute('data-status', 'failed', { timeout: 20_000 });
		await expect(row(page, index).locator('.status')).toHaveAttribute('title', /the trial worker crashed/);
	}
	await expect(page.getByTestId('run-study')).toHaveText('Nothing left to run.');
	await markFirstChunks(page);
	const [crashed0, crashed1] = await rawTrials(page);
	const resumeStep = Math.max(...crashed0!.checkpoints.map((c) => c.step));
	expect(resumeStep).toBeGreaterThan(0);
	expect(resumeStep).toBeLessThan(STEPS);
	expect(crashed0!.train.length).toBeGreaterThanOrEqual(resumeStep);

	// Start over asks first and says what it would discard; "Keep the work" changes nothing.
	const steps1 = crashed1!.checkpoints.map((c) => c.step);
	await row(page, 1).getByTestId('start-over-trial').click();
	const confirm = page.getByTestId('confirm-start-over');
	await expect(confirm).toContainText(`Start trial 1 over from step 0?`);
	await expect(confirm).toContainText(`metrics up to step ${crashed1!.lastStep}`);
	await expect(confirm).toContainText(steps1.join(', '));
	await expect(confirm).toContainText(`resumes from step ${Math.max(...steps1)}`);
	await expect(page.getByTestId('confirm-start-over-no')).toBeFocused();
	await page.keyboard.press('Enter');
	await expect(confirm).toHaveCount(0);
	await expect(row(page, 1)).toHaveAttribute('data-status', 'failed');
	expect((await rawTrials(page))[1]!.checkpointKeys).toEqual(crashed1!.checkpointKeys);

	// Retry (the default) resumes trial 0 from its checkpoint; Start over, confirmed, restarts trial 1.
	await expect(row(page, 0).getByTestId('retry-trial')).toHaveText(`Retry from step ${resumeStep}`);
	await row(page, 0).getByTestId('retry-trial').click();
	await expect(row(page, 0)).toHaveAttribute('data-status', 'queued');
	await expect(row(page, 0).getByTestId('trial-progress')).toHaveText(`${resumeStep}/${STEPS}`);
	await row(page, 1).getByTestId('start-over-trial').click();
	await page.getByTestId('confirm-start-over-yes').click();
	await expect(row(page, 1)).toHaveAttribute('data-status', 'queued');
	await expect(row(page, 1).getByTestId('trial-progress')).toHaveText(`0/${STEPS}`);
	const [queued0, queued1] = await rawTrials(page);
	// Trial 0 kept its rows before the checkpoint and the checkpoint itself; trial 1 kept nothing.
	expect(queued0!.marked).toBe(true);
	expect(queued0!.train.map((r) => r.step)).toEqual(Array.from({ length: resumeStep }, (_, i) => i));
	expect(queued0!.checkpointKeys).toContain(resumeStep);
	expect(queued1!.train).toEqual([]);
	expect(queued1!.checkpointKeys).toEqual([]);

	await expect(page.getByTestId('run-study')).toHaveText('Resume');
	await page.getByTestId('run-study').click();
	// The study was already "finished" after the crash, so wait on the trials themselves.
	for (const index of [0, 1]) {
		await expect(row(page, index)).toHaveAttribute('data-status', 'completed', { timeout: 180_000 });
	}
	await expect(page.getByTestId('study-status')).toHaveText('finished');
	const [done0, done1] = await rawTrials(page);
	for (const done of [done0!, done1!]) {
		expect(done.status).toBe('completed');
		// Every step logged exactly once, in order, and every evaluation once.
		expect(done.train.map((r) => r.step)).toEqual(Array.from({ length: STEPS }, (_, i) => i));
		expect(done.evals.map((e) => e.step)).toEqual(
			Array.from({ length: STEPS / EVAL + 1 }, (_, i) => i * EVAL)
		);
	}
	// The resumed trial's first chunk was never rewritten; the restarted one's was.
	expect(done0!.marked).toBe(true);
	expect(done1!.marked).toBe(false);
	await expect(row(page, 0).getByTestId('trial-progress')).toHaveText(`${STEPS}/${STEPS}`);
});
