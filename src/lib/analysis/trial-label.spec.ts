import { describe, expect, it } from 'vitest';
import { formatParam, trialChoiceLabel } from './trial-label';

describe('trialChoiceLabel', () => {
	it('formats parameter values to four significant digits and marks the best trial', () => {
		expect(
			trialChoiceLabel(
				{
					index: 3,
					status: 'completed',
					params: { learningRate: 0.0031622776601683794, hiddenWidth: 128, optimizer: 'adam' }
				},
				true
			)
		).toBe('#3 · completed · learningRate=0.003162 · hiddenWidth=128 · optimizer=adam · ★ best');
		expect(trialChoiceLabel({ index: 0, status: 'failed', params: {} }, false)).toBe('#0 · failed');
	});

	it('writes tiny and huge numbers with an exponent', () => {
		expect(formatParam(0.00001234567)).toBe('1.235e-5');
		expect(formatParam(1234567)).toBe('1.235e+6');
		expect(formatParam(0.00001)).toBe('1e-5');
		expect(formatParam(2.5e-4)).toBe('2.5e-4');
		expect(formatParam(true)).toBe('true');
	});
});
