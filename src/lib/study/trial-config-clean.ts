// Drops keys that do not apply to the chosen optimizer and schedule, so a form that switched from,
// say, wsd to cosine does not carry a stale `cooldownShape` into the trial.
import {
	SCHEDULE_KEY_USERS,
	validateScheduleConfig,
	pickScheduleKeys,
	type OptionalScheduleKey
} from '../math/schedule-config';
import { OPTIMIZER_HYPERPARAMETERS, type OptimizerHyperparameter } from './optimizer-table';
import { trialConfigProblems, type TrialConfig } from './trial-config';

const ALL_HYPERPARAMETERS: OptimizerHyperparameter[] = ['momentum', 'rho', 'beta1', 'beta2', 'epsilon'];

export function cleanTrialConfig(config: TrialConfig): TrialConfig {
	const clean: TrialConfig = { ...config };
	const takes = OPTIMIZER_HYPERPARAMETERS[config.optimizer];
	for (const key of ALL_HYPERPARAMETERS) if (!takes.includes(key)) delete clean[key];
	for (const [key, users] of Object.entries(SCHEDULE_KEY_USERS) as [
		OptionalScheduleKey,
		readonly string[]
	][]) {
		if (!users.includes(config.schedule)) delete clean[key];
	}
	// Empty optional fields in a form arrive as null or NaN: treat them as absent.
	for (const [key, value] of Object.entries(clean)) {
		if (value === null || value === '' || (typeof value === 'number' && Number.isNaN(value))) {
			delete clean[key as keyof TrialConfig];
		}
	}
	if (clean.swaEvery === undefined) delete clean.swaStart;
	return clean;
}

/** Every problem that would stop this configuration from training, each naming its key. */
export function checkTrialConfig(config: TrialConfig): string[] {
	const clean = cleanTrialConfig(config);
	const problems = trialConfigProblems(clean);
	const schedule = validateScheduleConfig(pickScheduleKeys(clean), { totalSteps: clean.maxTrainSteps });
	if (!schedule.ok) problems.push(...schedule.errors);
	const unit = (key: 'beta1' | 'beta2' | 'momentum' | 'rho' | 'emaDecay') => {
		const v = clean[key];
		if (v !== undefined && !(v >= 0 && v < 1)) problems.push(`${key}: expected a number in [0, 1), got ${v}`);
	};
	(['beta1', 'beta2', 'momentum', 'rho', 'emaDecay'] as const).forEach(unit);
	if (clean.epsilon !== undefined && !(clean.epsilon > 0))
		problems.push(`epsilon: expected a positive number, got ${clean.epsilon}`);
	for (const key of ['weightDecay', 'gradClipNorm', 'swaStart'] as const) {
		const v = clean[key];
		if (v !== undefined && !(v >= 0)) problems.push(`${key}: expected a number ≥ 0, got ${v}`);
	}
	if (clean.swaEvery !== undefined && !(Number.isInteger(clean.swaEvery) && clean.swaEvery >= 1)) {
		problems.push(`swaEvery: expected a whole number ≥ 1, got ${clean.swaEvery}`);
	}
	return problems;
}
