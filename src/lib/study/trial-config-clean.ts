// Drops keys that do not apply to the chosen optimizer, schedule and model, so a form that switched
// from, say, wsd to cosine does not carry a stale `cooldownShape` into the trial.
import {
	SCHEDULE_KEY_USERS,
	validateScheduleConfig,
	pickScheduleKeys,
	type OptionalScheduleKey
} from '../math/schedule-config';
import { MODEL_KEY_DEFAULTS, checkConfigValue, modelReads } from './config-vocabulary';
import { OPTIMIZER_HYPERPARAMETERS, type OptimizerHyperparameter } from './optimizer-table';
import { trialConfigProblems, type TrialConfig } from './trial-config';

const ALL_HYPERPARAMETERS: OptimizerHyperparameter[] = ['momentum', 'rho', 'beta1', 'beta2', 'epsilon'];
/**
 * The optional keys that only some models read. hiddenWidth and depth (the MLP's) are required fields
 * of every TrialConfig, so they stay, and the other models ignore them.
 */
const OPTIONAL_MODEL_KEYS = ['cnnWidth', 'cnnDepth', 'nLayer', 'nHead', 'dModel', 'contextLength'] as const;

export function cleanTrialConfig(config: TrialConfig): TrialConfig {
	const clean: TrialConfig = { ...config };
	const takes = OPTIMIZER_HYPERPARAMETERS[config.optimizer];
	for (const key of ALL_HYPERPARAMETERS) if (!takes.includes(key)) delete clean[key];
	for (const key of OPTIONAL_MODEL_KEYS) if (!modelReads(config.model, key)) delete clean[key];
	for (const [key, users] of Object.entries(SCHEDULE_KEY_USERS) as [
		OptionalScheduleKey,
		readonly string[]
	][]) {
		if (!users.includes(config.schedule)) delete clean[key];
	}
	// Empty optional fields in a form arrive as null or NaN: treat them as absent.
	for (const [key, value] of Object.entries(clean as Record<string, unknown>)) {
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
	for (const key of [...OPTIONAL_MODEL_KEYS, 'dropout', 'labelSmoothing'] as const) {
		const wrong = clean[key] === undefined ? undefined : checkConfigValue(key, clean[key]);
		if (wrong !== undefined) problems.push(`${key}: ${wrong}`);
	}
	if (clean.model === 'transformer') {
		const heads = clean.nHead ?? MODEL_KEY_DEFAULTS.nHead;
		const width = clean.dModel ?? MODEL_KEY_DEFAULTS.dModel;
		if (width % heads !== 0) problems.push(`nHead: ${heads} does not divide dModel ${width}`);
	}
	return problems;
}
