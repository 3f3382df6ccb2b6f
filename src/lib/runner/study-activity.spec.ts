import { describe, expect, it } from 'vitest';
import { describeWorkload, studyActivity, trialPhaseText } from './study-activity';

describe('study activity', () => {
	it('names the workload being measured in words', () => {
		expect(describeWorkload('cnn/fashion-mnist/f16b2/batch64|engine=auto|backend=auto')).toBe(
			'cnn on fashion-mnist'
		);
		expect(studyActivity('running', 'mlp/digits/w64d1/batch32|engine=auto|backend=wasm', [])).toBe(
			'Measuring backends for mlp on digits…'
		);
	});

	it('says what happens before the first step, then hands over to the progress bars', () => {
		expect(studyActivity('running', null, [])).toBe('Starting the study…');
		expect(studyActivity('running', null, [{ index: 3, phase: null, stepping: false }])).toBe(
			'Trial 3: starting its backend…'
		);
		expect(
			studyActivity('running', null, [
				{ index: 0, phase: 'training', stepping: true },
				{ index: 1, phase: 'loading-data', stepping: false }
			])
		).toBe('Trial 1: loading data…');
		expect(
			studyActivity('running', null, [
				{ index: 0, phase: 'training', stepping: true },
				{ index: 1, phase: 'training', stepping: true }
			])
		).toBe('Training 2 trials…');
		expect(trialPhaseText('training', true)).toBeNull();
	});

	it('says when the run pauses or cancels, and nothing when idle', () => {
		expect(studyActivity('pausing', null, [{ index: 0, phase: 'training', stepping: true }])).toBe(
			'Pausing: 1 running trial finishes first…'
		);
		expect(studyActivity('cancelling', null, [])).toBe('Cancelling: stopping the running trials…');
		expect(studyActivity('idle', null, [])).toBeNull();
	});
});
