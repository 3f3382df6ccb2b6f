// Learning-rate schedules as pure functions of the optimizer step.
//
// Conventions shared by every function in this file:
// - `step` is the 0-based optimizer step in absolute units: step 0 is the first update of the run, and a
//   run of `totalSteps` updates evaluates steps 0 .. totalSteps - 1.
// - Every decay is written in that same absolute frame, so schedules compose by wrapping, never by
//   re-basing a step counter (a decay that starts after the warmup takes the warmup length as its start).
// - A decay that runs from `startStep` to `endStep` uses progress t = (step - startStep) / (endStep - startStep),
//   clamped to [0, 1]. It reaches its final value exactly at `endStep`, which for a decay ending at
//   `totalSteps` is the step after the last trained one (as in big_vision and the WSD reference code), so
//   the last update still has a small positive rate when the final fraction is 0.
// - Warmup is a separate wrapper (`withWarmup`) that ramps linearly from exactly 0 at step 0 to the wrapped
//   schedule's value at the warmup length.

/** Learning rate as a function of the 0-based optimizer step. */
export type Schedule = (step: number) => number;

export const COOLDOWN_SHAPES = ['linear', '1-sqrt', 'cosine', 'square'] as const;

/** How a cooldown falls from its starting value to its final value (see `cooldownFactor`). */
export type CooldownShape = (typeof COOLDOWN_SHAPES)[number];

function requireFinite(name: string, value: number): void {
	if (!Number.isFinite(value)) throw new RangeError(`${name} must be a finite number, got ${value}`);
}

function requireNonNegative(name: string, value: number): void {
	requireFinite(name, value);
	if (value < 0) throw new RangeError(`${name} must be at least 0, got ${value}`);
}

function requireFraction(name: string, value: number): void {
	requireFinite(name, value);
	if (value < 0 || value > 1) throw new RangeError(`${name} must lie in [0, 1], got ${value}`);
}

function clampUnit(value: number): number {
	return Math.min(1, Math.max(0, value));
}

/** Each shape maps progress t in [0, 1] to a multiplier that starts at 1 (t = 0) and ends at 0 (t = 1). */
const SHAPES: Record<CooldownShape, (t: number) => number> = {
	linear: (t) => 1 - t,
	'1-sqrt': (t) => 1 - Math.sqrt(t),
	cosine: (t) => (1 + Math.cos(Math.PI * t)) / 2,
	square: (t) => 1 - t * t
};

/**
 * The multiplier applied to the starting learning rate at cooldown progress `t` (clamped to [0, 1]):
 * `finalFraction + (1 - finalFraction) * shape(t)`, so it is 1 at t = 0 and `finalFraction` at t = 1.
 */
export function cooldownFactor(shape: CooldownShape, t: number, finalFraction = 0): number {
	return finalFraction + (1 - finalFraction) * SHAPES[shape](clampUnit(t));
}

/** The same learning rate at every step. */
export function constant(lr: number): Schedule {
	requireFinite('lr', lr);
	return () => lr;
}

/**
 * `base` before `startStep`; from there the rate falls from `base(startStep)` to
 * `finalFraction * base(startStep)` along `shape` over `length` steps, and stays at that final value from
 * step `startStep + length` on. This is the cooldown branch of a constant or rsqrt run: resume from the
 * checkpoint at `startStep` with a new horizon. A `length` of 0 jumps straight to the final value.
 */
export function cooldownBranch(
	base: Schedule,
	startStep: number,
	length: number,
	shape: CooldownShape,
	finalFraction: number
): Schedule {
	requireNonNegative('startStep', startStep);
	requireNonNegative('length', length);
	requireFraction('finalFraction', finalFraction);
	const startValue = base(startStep);
	return (step) => {
		if (step < startStep) return base(step);
		const t = length > 0 ? (step - startStep) / length : 1;
		return startValue * cooldownFactor(shape, t, finalFraction);
	};
}

/**
 * Constant `lr` until `startStep`, then a linear fall to `finalFraction * lr` reached at step `totalSteps`.
 * Pass the warmup length as `startStep` so the decay covers only the steps after the warmup.
 */
export function linearDecay(lr: number, totalSteps: number, finalFraction: number, startStep = 0): Schedule {
	requireNonNegative('totalSteps', totalSteps);
	return cooldownBranch(
		constant(lr),
		startStep,
		Math.max(0, totalSteps - startStep),
		'linear',
		finalFraction
	);
}

/**
 * Constant `lr` until `startStep`, then half a cosine period down to `finalFraction * lr` at `totalSteps`.
 * Halfway through the decay the rate is exactly the midpoint between `lr` and the final value.
 */
export function cosineDecay(lr: number, totalSteps: number, finalFraction: number, startStep = 0): Schedule {
	requireNonNegative('totalSteps', totalSteps);
	return cooldownBranch(
		constant(lr),
		startStep,
		Math.max(0, totalSteps - startStep),
		'cosine',
		finalFraction
	);
}

/**
 * Inverse square root decay as in big_vision: `lr` up to `warmupSteps`, then
 * `lr / sqrt(1 + (step - warmupSteps) / timescale)`, which halves the rate `3 * timescale` steps after the
 * warmup. It never ends, so a run can be extended; pair it with `cooldownBranch` to evaluate it.
 */
export function rsqrt(lr: number, warmupSteps: number, timescale: number): Schedule {
	requireFinite('lr', lr);
	requireNonNegative('warmupSteps', warmupSteps);
	requireFinite('timescale', timescale);
	if (timescale <= 0) throw new RangeError(`timescale must be greater than 0, got ${timescale}`);
	return (step) => (step < warmupSteps ? lr : lr / Math.sqrt(1 + (step - warmupSteps) / timescale));
}

/**
 * Warmup-stable-decay: constant `lr`, then a cooldown of `cooldownSteps` steps along `shape` that reaches
 * `finalFraction * lr` at step `totalSteps`. Wrap it in `withWarmup` for the warmup phase.
 */
export function wsd(
	lr: number,
	totalSteps: number,
	cooldownSteps: number,
	shape: CooldownShape,
	finalFraction: number
): Schedule {
	requireNonNegative('totalSteps', totalSteps);
	requireNonNegative('cooldownSteps', cooldownSteps);
	if (cooldownSteps > totalSteps) {
		throw new RangeError(`cooldownSteps (${cooldownSteps}) must not exceed totalSteps (${totalSteps})`);
	}
	return cooldownBranch(constant(lr), totalSteps - cooldownSteps, cooldownSteps, shape, finalFraction);
}

/**
 * Prepends a linear warmup: for step < warmupSteps the rate is `schedule(warmupSteps) * step / warmupSteps`,
 * so step 0 has a rate of exactly 0 and the ramp meets the wrapped schedule at step `warmupSteps`; from
 * there on it is `schedule(step)` unchanged. A warmup of 0 steps returns `schedule` itself.
 */
export function withWarmup(schedule: Schedule, warmupSteps: number): Schedule {
	requireNonNegative('warmupSteps', warmupSteps);
	if (warmupSteps === 0) return schedule;
	const peak = schedule(warmupSteps);
	return (step) => (step < warmupSteps ? (peak * Math.max(0, step)) / warmupSteps : schedule(step));
}

/** The schedule's values at steps 0 .. steps - 1. */
export function sampleSchedule(schedule: Schedule, steps: number): Float64Array {
	if (!Number.isInteger(steps) || steps < 0) {
		throw new RangeError(`steps must be a non-negative integer, got ${steps}`);
	}
	const values = new Float64Array(steps);
	for (let step = 0; step < steps; step++) values[step] = schedule(step);
	return values;
}
