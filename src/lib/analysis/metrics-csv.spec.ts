import { describe, expect, it } from 'vitest';
import { metricsCsv } from './metrics-csv';

describe('metricsCsv', () => {
	it('writes one row per step, evaluation columns where an evaluation was logged, empty elsewhere', () => {
		const csv = metricsCsv([
			{
				index: 3,
				metrics: {
					train: {
						step: [0, 1, 2],
						loss: [2.3, 1.5, 0.75],
						lr: [0.1, 0.1, 0.05],
						gradNorm: [4, 2, 1],
						clipped: [1, 0, 0]
					},
					// step 3 has an evaluation but no training row (the final evaluation after the last step)
					evals: [
						{ step: 1, valLoss: 1.6, valAccuracy: 0.5 },
						{ step: 3, valLoss: 0.9, valAccuracy: 0.75 }
					]
				}
			}
		]);
		expect(csv).toBe(
			[
				'trial,step,loss,lr,gradNorm,clipped,valLoss,valAccuracy',
				'3,0,2.3,0.1,4,1,,',
				'3,1,1.5,0.1,2,0,1.6,0.5',
				'3,2,0.75,0.05,1,0,,',
				'3,3,,,,,0.9,0.75',
				''
			].join('\r\n')
		);
	});

	it('joins trials, orders known evaluation columns first and marks cooldown branches', () => {
		const csv = metricsCsv([
			{
				index: 0,
				metrics: {
					train: { step: [5], loss: [1], lr: [0.01], gradNorm: [0.5], clipped: [0] },
					evals: [{ step: 5, zeta: 7, valAccuracy: 0.9, valLoss: 0.3, emaValLoss: 0.25 }]
				}
			},
			{
				index: 0,
				branchFrom: 5,
				metrics: { train: { step: [6], loss: [0.8], lr: [0.005], gradNorm: [0.4], clipped: [0] }, evals: [] }
			}
		]);
		expect(csv.split('\r\n')).toEqual([
			'trial,branch from step,step,loss,lr,gradNorm,clipped,valLoss,valAccuracy,emaValLoss,zeta',
			'0,,5,1,0.01,0.5,0,0.3,0.9,0.25,7',
			'0,5,6,0.8,0.005,0.4,0,,,,',
			''
		]);
	});

	it('writes just the header for a trial that logged nothing', () => {
		expect(
			metricsCsv([
				{ index: 0, metrics: { train: { step: [], loss: [], lr: [], gradNorm: [], clipped: [] }, evals: [] } }
			])
		).toBe('trial,step,loss,lr,gradNorm,clipped\r\n');
	});
});
