// Cooldown branches in the study file: the study option that runs them automatically, and the
// branches each trial carries in an export. Checked here so study-validation.ts only wires them in.
import { COOLDOWN_SHAPES, type CooldownShape } from '../math/schedules';
import type { BranchResult, CooldownBranchesOption } from './study-schema';
import { describeValue, isPlainObject } from './json-path';
import type { MetricBatch, TrialStatus } from './metrics';
import type { TrialBest } from './study';

/**
 * Branch every trial automatically at these fractions of maxTrainSteps, each branch decaying the
 * learning rate over `length` × maxTrainSteps steps: one long run then gives a whole curve of
 * "loss if training stopped here" (Hägele et al.; "Learning rates without fortune telling").
 * A branch as exported with its trial is a `BranchResult`. Both types come from study-schema.ts.
 */
export type { BranchResult, CooldownBranchesOption } from './study-schema';

type Add = (path: string, message: string) => void;

const OPTION_KEYS = ['at', 'length', 'shape', 'finalFraction'];

function unknownKeys(record: Record<string, unknown>, valid: string[], path: string, add: Add): void {
	for (const key of Object.keys(record)) {
		if (!valid.includes(key)) add(`${path}.${key}`, `unknown key; valid keys are ${valid.join(', ')}`);
	}
}

/** The step of each automatic branch point for a run of `maxTrainSteps`. */
export function branchSteps(option: CooldownBranchesOption, maxTrainSteps: number): number[] {
	return option.at.map((f) => Math.max(1, Math.round(f * maxTrainSteps)));
}

export function branchLength(option: CooldownBranchesOption, maxTrainSteps: number): number {
	return Math.max(1, Math.round(option.length * maxTrainSteps));
}

export function checkCooldownBranches(
	value: unknown,
	path: string,
	add: Add
): CooldownBranchesOption | undefined {
	if (!isPlainObject(value)) {
		add(path, `expected an object with at, length and shape, got ${describeValue(value)}`);
		return undefined;
	}
	let ok = true;
	const fail = (at: string, message: string) => {
		ok = false;
		add(at, message);
	};
	unknownKeys(value, OPTION_KEYS, path, fail);
	const at = value.at;
	if (!Array.isArray(at) || at.length === 0 || at.length > 20) {
		fail(`${path}.at`, `expected a list of 1 to 20 fractions of maxTrainSteps, got ${describeValue(at)}`);
	} else {
		at.forEach((f, i) => {
			if (typeof f !== 'number' || !(f > 0 && f <= 1))
				fail(`${path}.at[${i}]`, `expected a number in (0, 1], got ${describeValue(f)}`);
			else if (i > 0 && typeof at[i - 1] === 'number' && f <= (at[i - 1] as number)) {
				fail(`${path}.at[${i}]`, 'the fractions must increase');
			}
		});
	}
	if (typeof value.length !== 'number' || !(value.length > 0 && value.length <= 1)) {
		fail(
			`${path}.length`,
			`expected a fraction of maxTrainSteps in (0, 1], got ${describeValue(value.length)}`
		);
	}
	if (typeof value.shape !== 'string' || !(COOLDOWN_SHAPES as readonly string[]).includes(value.shape)) {
		fail(`${path}.shape`, `expected one of ${COOLDOWN_SHAPES.join(', ')}, got ${describeValue(value.shape)}`);
	}
	const final = value.finalFraction;
	if (final !== undefined && (typeof final !== 'number' || !(final >= 0 && final <= 1))) {
		fail(`${path}.finalFraction`, `expected a number in [0, 1], got ${describeValue(final)}`);
	}
	if (!ok) return undefined;
	const option: CooldownBranchesOption = {
		at: at as number[],
		length: value.length as number,
		shape: value.shape as CooldownShape
	};
	if (final !== undefined) option.finalFraction = final as number;
	return option;
}

const BRANCH_KEYS = ['fromStep', 'length', 'shape', 'finalFraction', 'status', 'reason', 'metrics', 'best'];

/**
 * A trial's exported branches. Metrics and best are checked by the caller's own checkers (passed in),
 * so branch results follow exactly the rules of trial results.
 */
export function checkBranchResults(
	value: unknown,
	path: string,
	add: Add,
	check: {
		status(value: unknown, path: string): TrialStatus | undefined;
		metrics(value: unknown, path: string): MetricBatch | undefined;
		best(value: unknown, path: string): TrialBest | undefined;
	}
): BranchResult[] | undefined {
	if (!Array.isArray(value)) {
		add(path, `expected a list of branches, got ${describeValue(value)}`);
		return undefined;
	}
	const out: BranchResult[] = [];
	let ok = true;
	value.forEach((raw, i) => {
		const at = `${path}[${i}]`;
		if (!isPlainObject(raw)) {
			ok = false;
			add(at, `expected a branch object, got ${describeValue(raw)}`);
			return;
		}
		const fail = (p: string, message: string) => {
			ok = false;
			add(p, message);
		};
		unknownKeys(raw, BRANCH_KEYS, at, fail);
		const int = (key: string, min: number) => {
			const v = raw[key];
			if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) {
				fail(`${at}.${key}`, `expected an integer ≥ ${min}, got ${describeValue(v)}`);
				return 0;
			}
			return v;
		};
		const fromStep = int('fromStep', 0);
		const length = int('length', 1);
		const shape = raw.shape;
		if (typeof shape !== 'string' || !(COOLDOWN_SHAPES as readonly string[]).includes(shape)) {
			fail(`${at}.shape`, `expected one of ${COOLDOWN_SHAPES.join(', ')}, got ${describeValue(shape)}`);
		}
		const finalFraction = raw.finalFraction;
		if (typeof finalFraction !== 'number' || !(finalFraction >= 0 && finalFraction <= 1)) {
			fail(`${at}.finalFraction`, `expected a number in [0, 1], got ${describeValue(finalFraction)}`);
		}
		const status = check.status(raw.status, `${at}.status`);
		if (status === undefined) ok = false;
		if (raw.reason !== undefined && (typeof raw.reason !== 'string' || raw.reason.length > 2000)) {
			fail(`${at}.reason`, 'expected a text of at most 2000 characters');
		}
		const metrics = raw.metrics === undefined ? undefined : check.metrics(raw.metrics, `${at}.metrics`);
		const best = raw.best === undefined ? undefined : check.best(raw.best, `${at}.best`);
		if (raw.metrics !== undefined && metrics === undefined) ok = false;
		if (raw.best !== undefined && best === undefined) ok = false;
		if (!ok || status === undefined) return;
		const branch: BranchResult = {
			fromStep,
			length,
			shape: shape as CooldownShape,
			finalFraction: finalFraction as number,
			status
		};
		if (typeof raw.reason === 'string') branch.reason = raw.reason;
		if (metrics) branch.metrics = metrics;
		if (best) branch.best = best;
		out.push(branch);
	});
	return ok ? out : undefined;
}
