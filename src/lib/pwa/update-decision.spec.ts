import { describe, expect, it } from 'vitest';
import { reloadDecision } from './update-decision';

describe('reloadDecision', () => {
	it('reloads without asking when nothing trains', () => {
		expect(reloadDecision(0).confirm).toBeNull();
	});

	it('asks first while a trial trains, naming how many', () => {
		expect(reloadDecision(1).confirm).toMatch(/^A trial is training\. Reloading now stops it;/);
		expect(reloadDecision(3).confirm).toMatch(/^3 trials are training\. Reloading now stops them;/);
	});
});
