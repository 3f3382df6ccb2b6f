import { describe, expect, it } from 'vitest';
import { nextEta, type EtaEstimate, type EtaSample } from './eta';

function run(samples: EtaSample[], tau: number): EtaEstimate[] {
	const out: EtaEstimate[] = [];
	let e: EtaEstimate | null = null;
	for (const s of samples) out.push((e = nextEta(e, s, tau)));
	return out;
}

describe('nextEta', () => {
	it('follows a hand-worked run: a stall moves the ETA by what it cost, not to infinity', () => {
		// tau = 20 s and samples 5 s apart: each sample moves the rate 5/25 = 0.2 of the way.
		const out = run(
			[
				{ time: 0, stepsDone: 0, stepsLeft: 1000 }, // nothing measured yet
				{ time: 5, stepsDone: 50, stepsLeft: 950 }, // 10 steps/s: first rate = 10, ETA 950/10 = 95 s
				{ time: 10, stepsDone: 100, stepsLeft: 900 }, // 10 steps/s: rate 10, ETA 90 s
				{ time: 15, stepsDone: 100, stepsLeft: 900 }, // stalled (data loading): rate 10 + 0.2·(0 − 10) = 8, ETA 112.5 s
				{ time: 20, stepsDone: 200, stepsLeft: 800 }, // 20 steps/s: rate 8 + 0.2·(20 − 8) = 10.4, ETA 800/10.4
				{ time: 25, stepsDone: 252, stepsLeft: 748 } // 10.4 steps/s: rate stays 10.4, ETA 748/10.4 = 71.92… s
			],
			20
		);
		expect(out.map((e) => e.rate)).toEqual([
			null,
			10,
			10,
			8,
			expect.closeTo(10.4, 12),
			expect.closeTo(10.4, 12)
		]);
		expect(out[0]!.seconds).toBeNull();
		expect(out[1]!.seconds).toBeCloseTo(95, 12);
		expect(out[2]!.seconds).toBeCloseTo(90, 12);
		expect(out[3]!.seconds).toBeCloseTo(112.5, 12);
		expect(out[4]!.seconds).toBeCloseTo(76.923076923, 8);
		expect(out[5]!.seconds).toBeCloseTo(71.923076923, 8);
		// The unsmoothed ETA over the same samples: 95, 90, ∞, 40, 74.8 — the jumps the issue reported.
	});

	it('waits for the first steps, then starts from the rate they show', () => {
		const out = run(
			[
				{ time: 0, stepsDone: 0, stepsLeft: 600 },
				{ time: 1, stepsDone: 0, stepsLeft: 600 }, // measuring backends: no rate, no ETA
				{ time: 2, stepsDone: 0, stepsLeft: 600 },
				{ time: 4, stepsDone: 60, stepsLeft: 540 } // 30 steps/s: ETA 540/30 = 18 s
			],
			20
		);
		expect(out.slice(0, 3).map((e) => e.seconds)).toEqual([null, null, null]);
		expect(out[3]!.rate).toBe(30);
		expect(out[3]!.seconds).toBe(18);
	});

	it('measures trained steps, not the plan: steps added to the run (a retry) change the ETA, not the rate', () => {
		const a = nextEta(null, { time: 0, stepsDone: 0, stepsLeft: 100 });
		const b = nextEta(a, { time: 2, stepsDone: 20, stepsLeft: 80 });
		expect(b.rate).toBe(10);
		expect(b.seconds).toBe(8);
		// 40 more steps queued while 10 were trained in 1 s: tau 20 → rate 10 + (1/21)·(10 − 10) = 10.
		const c = nextEta(b, { time: 3, stepsDone: 30, stepsLeft: 110 });
		expect(c.rate).toBe(10);
		expect(c.seconds).toBe(11);
		// No time passed: nothing to measure; a counter that went back (a new run) restarts.
		expect(nextEta(c, { time: 3, stepsDone: 31, stepsLeft: 109 })).toBe(c);
		expect(nextEta(c, { time: 4, stepsDone: 0, stepsLeft: 500 })).toEqual({
			time: 4,
			stepsDone: 0,
			stepsLeft: 500,
			rate: null,
			seconds: null
		});
	});
});
