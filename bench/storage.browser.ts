// Issue 11, item 7, in headless Chromium with the real IndexedDB (/bench/index.html?page=storage): metric rows
// written per second through the lab's appendMetrics (20-row batches, as trials publish them),
// checkpoint save and restore time for a 1M-parameter model with Adam state (12 MB), and the IndexedDB
// usage per 1,000 steps of metrics from navigator.storage.estimate() deltas. Writes
// bench/results/storage.json; asserts nothing about time.
import { mkdirSync, writeFileSync } from 'node:fs';
import { test } from '@playwright/test';
import { stats, type BenchRow } from './bench-stats';

const RUNS = Number(process.env.STORAGE_BENCH_RUNS ?? 5);
const STEPS = 10_000;

interface StorageBench {
	ready: boolean;
	open(): Promise<void>;
	metrics(steps: number): Promise<{ rowsPerSecond: number; usageDelta: number }>;
	checkpoint(step: number): Promise<{ saveMs: number; restoreMs: number; bytes: number }>;
	close(): Promise<void>;
}
type BenchWindow = Window & { __storageBench?: StorageBench };

test('storage: metrics writes, checkpoint save and restore, bytes per 1,000 steps', async ({ page }) => {
	await page.goto('/bench/index.html?page=storage');
	await page.waitForFunction(() => (window as BenchWindow).__storageBench?.ready, null, { timeout: 60_000 });
	await page.evaluate(() => (window as BenchWindow).__storageBench!.open());
	const rows: number[] = [];
	const bytesPer1000: number[] = [];
	const save: number[] = [];
	const restore: number[] = [];
	let checkpointBytes = 0;
	for (let r = 0; r < RUNS; r++) {
		const m = await page.evaluate((n) => (window as BenchWindow).__storageBench!.metrics(n), STEPS);
		rows.push(m.rowsPerSecond);
		bytesPer1000.push((m.usageDelta / STEPS) * 1000);
		const c = await page.evaluate(
			(s) => (window as BenchWindow).__storageBench!.checkpoint(s),
			100 * (r + 1)
		);
		save.push(c.saveMs);
		restore.push(c.restoreMs);
		checkpointBytes = c.bytes;
	}
	await page.evaluate(() => (window as BenchWindow).__storageBench!.close());
	const mb = (checkpointBytes / 2 ** 20).toFixed(1);
	const results: BenchRow[] = [
		stats(
			'storage: metric rows written',
			'rows/s',
			rows,
			`${STEPS} rows per run in 20-row appendMetrics transactions, an evaluation every 100 steps`
		),
		stats(
			'storage: IndexedDB usage per 1,000 steps of metrics',
			'bytes',
			bytesPer1000,
			'navigator.storage.estimate() usage delta over 10,000 rows (5 numbers per row + evaluations); the estimate is coarse (it counts LevelDB files, compaction included), so read it as an order of magnitude'
		),
		stats(
			'storage: checkpoint save, 1M parameters + Adam state',
			'ms',
			save,
			`${mb} MiB of float32, saveCheckpoint with strict durability`
		),
		stats(
			'storage: checkpoint restore, 1M parameters + Adam state',
			'ms',
			restore,
			`${mb} MiB, getCheckpoint`
		)
	];
	mkdirSync('bench/results', { recursive: true });
	writeFileSync('bench/results/storage.json', `${JSON.stringify(results, null, 2)}\n`);
	console.log(JSON.stringify(results, null, 2));
});
