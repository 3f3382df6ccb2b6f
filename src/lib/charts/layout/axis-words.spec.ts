import { describe, expect, it } from 'vitest';
import { CONFIG_VOCABULARY } from '$lib/study/config-vocabulary';
import { OBJECTIVE_METRICS } from '$lib/study/study-schema';
import { axisTitle, metricWords, objectiveTitle, paramWords } from './axis-words';

describe('axis words', () => {
	it('names metrics and parameters in words with units', () => {
		expect(metricWords('valLoss')).toBe('validation loss (nats)');
		expect(axisTitle(paramWords('learningRate'), true)).toBe('learning rate (log)');
		expect(paramWords('hiddenWidth')).toBe('hidden width');
		expect(objectiveTitle('valAccuracy', 'best')).toBe(
			'validation accuracy (fraction correct), best over training'
		);
	});

	it('has words for every configuration key and objective metric (no code name reaches an axis)', () => {
		for (const spec of CONFIG_VOCABULARY) {
			if (/[A-Z]/.test(spec.key)) expect(paramWords(spec.key)).not.toContain(spec.key);
		}
		for (const metric of OBJECTIVE_METRICS) expect(metricWords(metric)).not.toBe(metric);
	});

	it('splits a name nobody defined at its capitals', () => {
		expect(paramWords('useWarmupNow')).toBe('use warmup now');
		expect(metricWords('val_top5')).toBe('val top5');
	});
});
