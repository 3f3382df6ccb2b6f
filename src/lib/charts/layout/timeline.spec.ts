import { describe, expect, it } from 'vitest';
import { layoutTimeline } from './timeline';

describe('layoutTimeline', () => {
	// Two slots; times in milliseconds since the epoch, starting at t0.
	const t0 = 1_700_000_000_000;
	const trials = [
		{ index: 0, status: 'completed' as const, runs: [{ slot: 0, startedAt: t0, endedAt: t0 + 30_000 }] },
		{
			index: 1,
			status: 'infeasible' as const,
			runs: [{ slot: 1, startedAt: t0 + 1_000, endedAt: t0 + 11_000 }]
		},
		{
			index: 2,
			status: 'completed' as const,
			runs: [
				{ slot: 1, startedAt: t0 + 12_000, endedAt: t0 + 20_000 },
				{ slot: 0, startedAt: t0 + 40_000, endedAt: t0 + 60_000 }
			]
		},
		{ index: 3, status: 'running' as const, runs: [{ slot: 1, startedAt: t0 + 50_000 }] },
		{ index: 4, status: 'queued' as const },
		{ index: 5, status: 'completed' as const, runs: [] }
	];

	it('draws one bar per run on its slot row, from the first start, in seconds for a short study', () => {
		// Now is 70 s after t0: the span is 70 s, d3's nice domain 0…70 over 700 px, 10 px a second.
		const layout = layoutTimeline(trials, 700, 20, t0 + 70_000);
		expect(layout.unit).toBe('seconds');
		expect(layout.origin).toBe(t0);
		expect(layout.rows).toEqual([
			{ slot: 0, y: 10, label: 'slot 0' },
			{ slot: 1, y: 30, label: 'slot 1' }
		]);
		expect(layout.height).toBe(40);
		expect(layout.bars.map((b) => [b.trialIndex, b.slot, b.outcome, b.x, b.width, b.y, b.open])).toEqual([
			[0, 0, 'completed', 0, 300, 3, false],
			[1, 1, 'infeasible', 10, 100, 23, false],
			// Trial 2 was paused once: its first run is interrupted, its last one takes its status.
			[2, 1, 'interrupted', 120, 80, 23, false],
			[2, 0, 'completed', 400, 200, 3, false],
			// Still running: drawn up to now.
			[3, 1, 'running', 500, 200, 23, true]
		]);
		expect(layout.bars.every((b) => b.height === 14)).toBe(true);
		// The queued trial has not run; trial 5 ran but has no recorded time.
		expect(layout.untimed).toBe(1);
		expect(layout.xTicks.map((t) => t.value)).toEqual([0, 10, 20, 30, 40, 50, 60, 70]);
	});

	it('switches to minutes and hours for long studies', () => {
		const long = [
			{ index: 0, status: 'completed' as const, runs: [{ slot: 0, startedAt: 0, endedAt: 5 * 60_000 }] }
		];
		expect(layoutTimeline(long, 500, 20, 0).unit).toBe('minutes');
		const longer = [
			{ index: 0, status: 'completed' as const, runs: [{ slot: 0, startedAt: 0, endedAt: 3 * 3_600_000 }] }
		];
		const layout = layoutTimeline(longer, 300, 20, 0);
		expect(layout.unit).toBe('hours');
		// 0…3 h over 300 px: the bar spans it all.
		expect(layout.bars[0]).toMatchObject({ x: 0, width: 300, start: 0, end: 10_800 });
	});

	it('draws nothing but counts untimed trials when no run was recorded', () => {
		const layout = layoutTimeline([{ index: 0, status: 'completed' as const }], 300, 20, 0);
		expect(layout.bars).toEqual([]);
		expect(layout.untimed).toBe(1);
		expect(layout.origin).toBeNull();
	});
});
