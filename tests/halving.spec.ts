// Successive halving end to end (issue 22, item 4): a small digits study on wasm whose weak trials stop
// at rungs after a cooldown branch, stored with their decisions, shown apart in the table and the plots.
import { expect, test } from '@playwright/test';
import { importStudy, openLab, runStudyOnWasm, storedTrials, type StoredTrial } from './helpers';

const study = {
	format: 'tuning-lab.study',
	version: 1,
	name: 'Halving on digits',
	goal: 'Do weak trials stop at their rungs?',
	workload: { dataset: 'digits', model: 'mlp' },
	budget: { maxTrainSteps: 90, evalEvery: 30, checkpointEvery: 30, keepBestCheckpoints: 1 },
	objective: { metric: 'valLoss', goal: 'minimize' },
	fixed: { optimizer: 'sgd', schedule: 'constant', batchSize: 64, depth: 1, engine: 'tfjs' },
	// Rungs at 10 and 30 steps (10·3^k below 90), each scored after a 5-step cooldown branch.
	search: {
		algorithm: 'quasi-random',
		trials: 9,
		seed: 3,
		halving: { eta: 3, minSteps: 10, cooldownSteps: 5 }
	},
	params: [
		{ name: 'hiddenWidth', role: 'scientific', type: 'discrete', values: [32, 64] },
		{ name: 'learningRate', role: 'nuisance', type: 'float', min: 0.0001, max: 0.3, scale: 'log' }
	],
	trials: []
};

interface Decision {
	rung: number;
	step: number;
	score: number;
	promoted: boolean;
	/** Its position among the trials scored at the rung (1 for the first): the order decisions were made. */
	scoredAtRung: number;
	decidedAt: number;
}
type Stored = StoredTrial & {
	reason?: string;
	halving?: Decision[];
	branch?: { parentId: string; fromStep: number; length: number };
};

test('a digits study with successive halving stops weak trials at rungs and draws them apart', async ({
	page
}) => {
	test.setTimeout(300_000);
	await openLab(page);
	await importStudy(page, study, 'halving.study.json');
	await runStudyOnWasm(page);
	await expect(page.getByTestId('study-status')).toHaveText('finished', { timeout: 240_000 });

	const all = (await storedTrials(page)) as Stored[];
	const trials = all.filter((t) => !t.branch);
	const branches = all.filter((t) => t.branch);
	expect(trials).toHaveLength(9);
	const stopped = trials.filter((t) => t.status === 'stopped');
	expect(stopped.length).toBeGreaterThan(0);
	expect(trials.filter((t) => t.status === 'completed').length).toBeGreaterThan(0);
	expect(trials.every((t) => t.status === 'completed' || t.status === 'stopped')).toBe(true);

	for (const t of stopped) {
		const last = t.halving!.at(-1)!;
		expect(last.promoted).toBe(false);
		// It trained to its rung and no further, and the reason says where and with what score.
		expect(t.lastStep).toBe(last.step);
		expect(t.reason).toMatch(
			new RegExp(
				`^stopped by successive halving at rung ${last.rung} \\(step ${last.step}\\): valLoss [0-9.e-]+ after a 5-step cooldown branch`
			)
		);
	}
	for (const t of trials.filter((t) => t.status === 'completed')) {
		expect(t.lastStep).toBe(90);
		expect(t.halving!.map((d) => [d.step, d.promoted])).toEqual([
			[10, true],
			[30, true]
		]);
	}

	// Every decision, checked against the rule worked out here: at a rung, in the order decided, the
	// n-th trial scored goes on when fewer than max(1, ⌊n/3⌋) of the n scores are strictly lower.
	const decisions = trials.flatMap((t) => (t.halving ?? []).map((d) => ({ ...d, trial: t })));
	for (const step of [10, 30]) {
		// In the order they were made (two can share a millisecond, so by position, not by time).
		const atRung = decisions.filter((d) => d.step === step).sort((a, b) => a.scoredAtRung - b.scoredAtRung);
		expect(atRung.map((d) => d.scoredAtRung)).toEqual(atRung.map((_, i) => i + 1));
		atRung.forEach((d, i) => {
			const better = atRung.slice(0, i).filter((e) => e.score < d.score).length;
			expect(d.promoted).toBe(better < Math.max(1, Math.floor((i + 1) / 3)));
			// Its score is the final validation loss of its cooldown branch from the rung's checkpoint.
			const branch = branches.find((b) => b.branch!.parentId === d.trial.id && b.branch!.fromStep === step)!;
			expect(branch.branch!.length).toBe(5);
			expect(branch.evals.at(-1)).toMatchObject({ step: step + 5, valLoss: d.score });
		});
	}

	// The table shows them as stopped; the analysis page draws them apart and says early stopping was used.
	await expect(page.locator('[data-testid="study-trial-row"][data-status="stopped"]')).toHaveCount(
		stopped.length
	);
	await page.getByTestId('open-analysis').click();
	await expect(page.getByTestId('legend-stopped')).toContainText(
		`stopped early by successive halving (${stopped.length}`
	);
	await expect(
		page.locator('[data-testid="axis-plot"][data-param="learningRate"] [data-stopped="true"]')
	).toHaveCount(stopped.length);
	await expect(page.locator('[data-testid="parallel-coordinates"] [data-stopped="true"]')).toHaveCount(
		stopped.length
	);
	await expect(page.getByTestId('history-stopped')).toContainText(`${stopped.length} stopped early`);
	// The isolation plot (hidden width) counts them per group with ○, never as a group's best.
	const counts = await page.getByTestId('isolation-count').allTextContents();
	const circles = counts.reduce((sum, text) => sum + Number(/○(\d+)/.exec(text)?.[1] ?? 0), 0);
	expect(circles).toBe(stopped.length);
	// The views that leave stopped trials out as evidence say so on the plot: the bootstrap, importance and
	// where the best checkpoints landed.
	const n = stopped.length;
	await expect(page.getByTestId('bootstrap-stopped')).toContainText(
		`${n} trial${n === 1 ? '' : 's'} stopped early by successive halving ${n === 1 ? 'is' : 'are'} not resampled`
	);
	await expect(page.getByTestId('importance-stopped')).toContainText(
		`${n} trial${n === 1 ? '' : 's'} stopped early by successive halving`
	);
	await expect(page.getByTestId('best-step-excluded')).toContainText(
		`${n} stopped early by successive halving`
	);
	await expect(page.getByTestId('early-stopping-caveat').first()).toBeVisible();
	await expect(page.locator('[data-finding-id="early-stopping"]')).toBeVisible();
});

test('a halving study cut off by a closed tab keeps every decision and decides the rest by the same rule', async ({
	browser
}) => {
	test.setTimeout(300_000);
	const longer = {
		...study,
		name: 'Halving resumed',
		// Rungs at 10, 30 and 90 of 270 steps.
		budget: { maxTrainSteps: 270, evalEvery: 30, checkpointEvery: 30, keepBestCheckpoints: 1 }
	};
	const context = await browser.newContext();
	const first = await context.newPage();
	await openLab(first);
	await importStudy(first, longer, 'halving-resume.study.json');
	await runStudyOnWasm(first);
	const decided = async () =>
		((await storedTrials(first)) as Stored[]).flatMap((t) =>
			(t.halving ?? []).map((d) => ({ id: t.id, ...d }))
		);
	await expect
		.poll(async () => (await decided()).length, { timeout: 120_000, intervals: [100] })
		.toBeGreaterThan(3);
	const before = await decided();
	const stoppedBefore = ((await storedTrials(first)) as Stored[])
		.filter((t) => t.status === 'stopped')
		.map((t) => t.id);
	const studyUrl = first.url();
	await first.close();

	const second = await context.newPage();
	await second.goto(studyUrl);
	await expect(second.getByTestId('study-status')).not.toHaveText('running');
	await second.getByTestId('study-controls').getByLabel('Backend').selectOption('wasm');
	await second.getByTestId('run-study').click();
	await expect(second.getByTestId('study-status')).toHaveText('finished', { timeout: 240_000 });
	const trials = ((await storedTrials(second)) as Stored[]).filter((t) => !t.branch);
	await context.close();

	// Every decision taken before the tab closed is still there, unchanged, and no trial was decided twice
	// at one rung; trials stopped before stay stopped.
	const after = trials.flatMap((t) => (t.halving ?? []).map((d) => ({ id: t.id, ...d })));
	for (const d of before) expect(after).toContainEqual(d);
	for (const t of trials) {
		const steps = (t.halving ?? []).map((d) => d.step);
		expect(new Set(steps).size).toBe(steps.length);
	}
	for (const id of stoppedBefore) expect(trials.find((t) => t.id === id)!.status).toBe('stopped');
	expect(trials.every((t) => t.status === 'completed' || t.status === 'stopped')).toBe(true);
	// And the whole history still follows the rule, the decisions before the crash included.
	for (const step of [10, 30, 90]) {
		const atRung = after.filter((d) => d.step === step).sort((a, b) => a.scoredAtRung - b.scoredAtRung);
		expect(atRung.map((d) => d.scoredAtRung)).toEqual(atRung.map((_, i) => i + 1));
		atRung.forEach((d, i) => {
			const better = atRung.slice(0, i).filter((e) => e.score < d.score).length;
			expect(d.promoted).toBe(better < Math.max(1, Math.floor((i + 1) / 3)));
		});
	}
	// A completed trial went on at every rung and trained to the end.
	for (const t of trials.filter((t) => t.status === 'completed')) {
		expect(t.lastStep).toBe(270);
		expect((t.halving ?? []).map((d) => [d.step, d.promoted])).toEqual([
			[10, true],
			[30, true],
			[90, true]
		]);
	}
});
