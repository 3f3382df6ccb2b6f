import { describe, expect, it } from 'vitest';
import { csvField, trialsCsv } from './trial-csv';
import type { TableRow } from './trial-table';

const row = (extra: Partial<TableRow>): TableRow => ({
	id: 't',
	index: 0,
	params: {},
	status: 'completed',
	lastStep: 80,
	maxTrainSteps: 80,
	...extra
});

describe('trialsCsv', () => {
	it('writes one line per trial with the engine and backend it trained on and its batch', () => {
		const csv = trialsCsv(
			[
				row({
					index: 0,
					params: { learningRate: 0.1 },
					best: 0.25,
					bestStep: 60,
					engine: 'jax',
					backend: 'wasm',
					batchId: 'batch-7'
				}),
				row({
					index: 1,
					params: { learningRate: 0.2 },
					status: 'failed',
					reason: 'worker crashed',
					lastStep: 5
				})
			],
			['learningRate'],
			'valLoss'
		);
		expect(csv).toBe(
			'index,learningRate,status,best valLoss,best step,engine,backend,batch,last step,max train steps,reason\r\n' +
				'0,0.1,completed,0.25,60,jax,wasm,batch-7,80,80,\r\n' +
				'1,0.2,failed,,,,,,5,80,worker crashed\r\n'
		);
	});
	it('quotes fields with commas, quotes or line breaks (RFC 4180)', () => {
		expect(csvField('plain')).toBe('plain');
		expect(csvField('a,b')).toBe('"a,b"');
		expect(csvField('say "hi"')).toBe('"say ""hi"""');
		expect(csvField('two\nlines')).toBe('"two\nlines"');
		expect(csvField(undefined)).toBe('');
		expect(csvField(false)).toBe('false');
	});
});
