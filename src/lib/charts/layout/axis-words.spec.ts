import { describe, expect, it } from 'vitest';
import { CONFIG_VOCABULARY } from '$lib/study/config-vocabulary';
import { OBJECTIVE_METRICS } from '$lib/study/study-schema';
import {
	axisTitle,
	metricName,
	metricWords,
	objectiveName,
	objectiveTitle,
	paramWords,
	reducedMetric
} from './axis-words';

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

	it('names a metric without its unit for titles, legends and read-outs', () => {
		expect(metricName('valLoss')).toBe('validation loss');
		expect(metricName('valAccuracy')).toBe('validation accuracy');
		expect(metricName('trainLoss')).toBe('training loss');
		expect(metricName('emaValLoss')).toBe('validation loss, EMA weights');
		expect(metricName('gradNorm')).toBe('gradient norm');
		expect(metricName('valBitsPerChar')).toBe('validation bits per character');
		expect(objectiveName('valLoss', 'best')).toBe('validation loss (best over training)');
		expect(objectiveName('valAccuracy', 'final')).toBe('validation accuracy (at the end)');
		expect(reducedMetric('valLoss', 'best')).toBe('best validation loss');
		expect(reducedMetric('trainLoss', 'final')).toBe('final training loss');
	});

	it('splits a name nobody defined at its capitals', () => {
		expect(paramWords('useWarmupNow')).toBe('use warmup now');
		expect(metricWords('val_top5')).toBe('val top5');
	});
});
