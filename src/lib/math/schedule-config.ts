// A learning-rate schedule described as data, its strict validation, and the registry that turns it into
// a `Schedule`. The trial worker and the CLI both go through `buildSchedule`, so they produce the same
// rates for the same configuration.

import {
	COOLDOWN_SHAPES,
	constant,
	cosineDecay,
	linearDecay,
	rsqrt,
	withWarmup,
	wsd,
	type CooldownShape,
	type Schedule
} from './schedules';
import { isPlainObject } from '../util/plain-object';

export const SCHEDULE_NAMES = ['constant', 'linear', 'cosine', 'rsqrt', 'wsd'] as const;
export type ScheduleName = (typeof SCHEDULE_NAMES)[number];

export interface ScheduleConfig {
	schedule: ScheduleName;
	/** Peak learning rate: the value after warmup and before any decay. */
	learningRate: number;
	/** Length of the linear warmup from 0, in optimizer steps (default 0). */
	warmupSteps?: number;
	/** wsd only: cooldown length in optimizer steps. */
	cooldownSteps?: number;
	/** wsd only: cooldown length as a fraction of the run, in (0, 1] (default 0.2). */
	cooldownFraction?: number;
	/** wsd only: shape of the cooldown (default linear). */
	cooldownShape?: CooldownShape;
	/** linear, cosine, wsd: final rate as a fraction of learningRate (default 0). */
	finalLrFraction?: number;
	/** rsqrt only: steps after the warmup over which the rate falls to 1/sqrt(2) of its peak (default 10000). */
	rsqrtTimescale?: number;
}

export const SCHEDULE_KEYS = [
	'schedule',
	'learningRate',
	'warmupSteps',
	'cooldownSteps',
	'cooldownFraction',
	'cooldownShape',
	'finalLrFraction',
	'rsqrtTimescale'
] as const satisfies ReadonlyArray<keyof ScheduleConfig>;

export const DEFAULT_COOLDOWN_FRACTION = 0.2;
export const DEFAULT_COOLDOWN_SHAPE: CooldownShape = 'linear';
export const DEFAULT_FINAL_LR_FRACTION = 0;
export const DEFAULT_RSQRT_TIMESCALE = 10_000;

export type OptionalScheduleKey = Exclude<keyof ScheduleConfig, 'schedule' | 'learningRate'>;

/** The schedules that read each optional key; the key is an error on any other schedule. */
export const SCHEDULE_KEY_USERS: Record<OptionalScheduleKey, readonly ScheduleName[]> = {
	warmupSteps: SCHEDULE_NAMES,
	cooldownSteps: ['wsd'],
	cooldownFraction: ['wsd'],
	cooldownShape: ['wsd'],
	finalLrFraction: ['linear', 'cosine', 'wsd'],
	rsqrtTimescale: ['rsqrt']
};

export type ValidationResult = { ok: true; value: ScheduleConfig } | { ok: false; errors: string[] };

export interface ValidateScheduleOptions {
	/** The run length in optimizer steps; enables the checks that warmup and cooldown fit in the run. */
	totalSteps?: number;
	/** Keys that may sit beside the schedule keys (in a flat trial config) and are ignored. */
	allowExtraKeys?: readonly string[];
	/** Prefix of every message (default `schedule`). */
	path?: string;
}

function describeValue(value: unknown): string {
	if (typeof value === 'string') return JSON.stringify(value);
	if (Array.isArray(value)) return 'an array';
	if (value === null) return 'null';
	if (typeof value === 'object') return 'an object';
	return String(value);
}

function listSchedules(names: readonly ScheduleName[]): string {
	if (names.length === 1) return `the ${names[0]} schedule`;
	return `the ${names.slice(0, -1).join(', ')} and ${names[names.length - 1]} schedules`;
}

/** Number of cooldown steps of a wsd run, from cooldownSteps or a fraction of the run (rounded, at least 1). */
export function resolveCooldownSteps(config: ScheduleConfig, totalSteps: number): number {
	if (config.cooldownSteps !== undefined) return config.cooldownSteps;
	const fraction = config.cooldownFraction ?? DEFAULT_COOLDOWN_FRACTION;
	return Math.max(1, Math.round(fraction * totalSteps));
}

/**
 * Checks an untrusted value (parsed JSON, a trial config) against `ScheduleConfig`. Reports every problem,
 * each message starting with the key it concerns. On success the value holds only the schedule keys.
 */
export function validateScheduleConfig(
	input: unknown,
	options: ValidateScheduleOptions = {}
): ValidationResult {
	const path = options.path ?? 'schedule';
	const errors: string[] = [];
	const fail = (key: string, message: string) => errors.push(`${path}.${key}: ${message}`);

	if (!isPlainObject(input)) {
		return { ok: false, errors: [`${path}: expected an object, got ${describeValue(input)}`] };
	}
	const known = new Set<string>(SCHEDULE_KEYS);
	const extra = new Set(options.allowExtraKeys ?? []);
	for (const key of Object.keys(input)) {
		if (!known.has(key) && !extra.has(key)) {
			fail(key, `unknown key; valid keys are ${SCHEDULE_KEYS.join(', ')}`);
		}
	}

	const name = input.schedule;
	const scheduleName = SCHEDULE_NAMES.find((candidate) => candidate === name);
	if (name === undefined) fail('schedule', `required; expected one of ${SCHEDULE_NAMES.join(', ')}`);
	else if (scheduleName === undefined) {
		fail('schedule', `expected one of ${SCHEDULE_NAMES.join(', ')}, got ${describeValue(name)}`);
	}

	// Each number check returns the value when it passed, so later cross-key checks only see good numbers.
	const numberAt = (key: keyof ScheduleConfig, rule: string, accept: (n: number) => boolean) => {
		const value = input[key];
		if (value === undefined) return undefined;
		if (typeof value !== 'number' || !Number.isFinite(value) || !accept(value)) {
			fail(key, `expected ${rule}, got ${describeValue(value)}`);
			return undefined;
		}
		return value;
	};
	const learningRate = numberAt('learningRate', 'a number greater than 0', (n) => n > 0);
	if (input.learningRate === undefined) fail('learningRate', 'required; expected a number greater than 0');
	const warmupSteps = numberAt(
		'warmupSteps',
		'an integer of at least 0',
		(n) => Number.isInteger(n) && n >= 0
	);
	const cooldownSteps = numberAt(
		'cooldownSteps',
		'an integer of at least 1',
		(n) => Number.isInteger(n) && n >= 1
	);
	const cooldownFraction = numberAt('cooldownFraction', 'a number in (0, 1]', (n) => n > 0 && n <= 1);
	const finalLrFraction = numberAt('finalLrFraction', 'a number in [0, 1]', (n) => n >= 0 && n <= 1);
	const rsqrtTimescale = numberAt('rsqrtTimescale', 'a number greater than 0', (n) => n > 0);

	const shape = input.cooldownShape;
	const cooldownShape = COOLDOWN_SHAPES.find((candidate) => candidate === shape);
	if (shape !== undefined && cooldownShape === undefined) {
		fail('cooldownShape', `expected one of ${COOLDOWN_SHAPES.join(', ')}, got ${describeValue(shape)}`);
	}

	if (input.cooldownSteps !== undefined && input.cooldownFraction !== undefined) {
		fail('cooldownSteps', 'give either cooldownSteps or cooldownFraction, not both');
	}
	if (scheduleName !== undefined) {
		for (const [key, users] of Object.entries(SCHEDULE_KEY_USERS) as [
			OptionalScheduleKey,
			readonly ScheduleName[]
		][]) {
			if (input[key] !== undefined && !users.includes(scheduleName)) {
				fail(key, `only used by ${listSchedules(users)}, not by ${JSON.stringify(scheduleName)}`);
			}
		}
	}

	const total = options.totalSteps;
	if (total !== undefined) {
		if (!Number.isInteger(total) || total < 1) {
			errors.push(`${path}: the run length must be an integer of at least 1 step, got ${total}`);
		} else {
			const warmup = warmupSteps ?? 0;
			if (warmup >= total) {
				fail('warmupSteps', `must be less than the run length of ${total} steps, got ${warmup}`);
			} else if (scheduleName === 'wsd' && errors.length === 0) {
				const cooldown = resolveCooldownSteps(
					{ schedule: 'wsd', learningRate: 1, cooldownSteps, cooldownFraction },
					total
				);
				if (warmup + cooldown > total) {
					const key = cooldownSteps !== undefined ? 'cooldownSteps' : 'cooldownFraction';
					fail(
						key,
						`the cooldown of ${cooldown} steps does not fit after the warmup of ${warmup} steps in a run of ${total} steps`
					);
				}
			}
		}
	}

	if (errors.length > 0 || scheduleName === undefined || learningRate === undefined) {
		return { ok: false, errors };
	}
	const value: ScheduleConfig = { schedule: scheduleName, learningRate };
	if (warmupSteps !== undefined) value.warmupSteps = warmupSteps;
	if (cooldownSteps !== undefined) value.cooldownSteps = cooldownSteps;
	if (cooldownFraction !== undefined) value.cooldownFraction = cooldownFraction;
	if (cooldownShape !== undefined) value.cooldownShape = cooldownShape;
	if (finalLrFraction !== undefined) value.finalLrFraction = finalLrFraction;
	if (rsqrtTimescale !== undefined) value.rsqrtTimescale = rsqrtTimescale;
	return { ok: true, value };
}

/**
 * Copies the schedule keys out of a flat object that also holds other settings (a trial config), dropping
 * keys whose value is undefined.
 */
export function pickScheduleKeys(flat: ScheduleConfig): ScheduleConfig {
	const picked: Record<string, unknown> = {};
	for (const key of SCHEDULE_KEYS) {
		if (flat[key] !== undefined) picked[key] = flat[key];
	}
	return picked as unknown as ScheduleConfig;
}

/** Builds the decay part of each schedule; the warmup is prepended by `buildSchedule` for all of them. */
const SCHEDULE_FACTORIES: Record<ScheduleName, (config: ScheduleConfig, totalSteps: number) => Schedule> = {
	constant: (c) => constant(c.learningRate),
	linear: (c, total) =>
		linearDecay(c.learningRate, total, c.finalLrFraction ?? DEFAULT_FINAL_LR_FRACTION, c.warmupSteps ?? 0),
	cosine: (c, total) =>
		cosineDecay(c.learningRate, total, c.finalLrFraction ?? DEFAULT_FINAL_LR_FRACTION, c.warmupSteps ?? 0),
	rsqrt: (c) => rsqrt(c.learningRate, c.warmupSteps ?? 0, c.rsqrtTimescale ?? DEFAULT_RSQRT_TIMESCALE),
	wsd: (c, total) =>
		wsd(
			c.learningRate,
			total,
			resolveCooldownSteps(c, total),
			c.cooldownShape ?? DEFAULT_COOLDOWN_SHAPE,
			c.finalLrFraction ?? DEFAULT_FINAL_LR_FRACTION
		)
};

/**
 * The schedule of a run of `totalSteps` optimizer steps: the named decay with a linear warmup from 0
 * prepended. Throws an Error listing every problem when the configuration is invalid.
 */
export function buildSchedule(config: ScheduleConfig, totalSteps: number): Schedule {
	const result = validateScheduleConfig(config, { totalSteps });
	if (!result.ok) throw new Error(`invalid schedule configuration:\n${result.errors.join('\n')}`);
	const valid = result.value;
	return withWarmup(SCHEDULE_FACTORIES[valid.schedule](valid, totalSteps), valid.warmupSteps ?? 0);
}

/**
 * The first step at which the schedule starts its final decay: a wsd run's cooldown start, the end
 * of warmup for linear and cosine (they decay all along), and never (the run length) for constant and
 * rsqrt. A run can be extended from any checkpoint at or before this step without having decayed.
 */
export function decayStart(config: ScheduleConfig, totalSteps: number): number {
	if (config.schedule === 'wsd') return totalSteps - resolveCooldownSteps(config, totalSteps);
	if (config.schedule === 'linear' || config.schedule === 'cosine') return config.warmupSteps ?? 0;
	return totalSteps;
}
