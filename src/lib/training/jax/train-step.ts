// The whole training step of one trial as one compiled (jit) function:
//   (params, slots, averages, x, y, coefficients, key) → (params', slots', averages', [loss, norm, clipped])
// forward with dropout, label-smoothed cross-entropy, gradients, clipping by global norm, the optimizer
// update with decoupled weight decay (the schedule-free rules take the gradient at their interpolated
// point y), and EMA/SWA. Everything that changes from step to step (the
// scheduled learning rate, Adam's bias correction, averaging flags) arrives in the float32 vector
// `coefficients`, laid out by `stepLayout`, so the function is traced and compiled once per trial.
// Every array argument is consumed (jax-js ownership); the caller keeps the returned state.
import { jit, numpy as np, tree, valueAndGrad } from '@jax-js/jax';
import { AVERAGER_COEFFICIENTS, updateAverage, type AveragerConfig } from './averaging';
import { clipByGlobalNorm } from './clip';
import { Dropout } from './dropout';
import { meanCrossEntropy } from './losses';
import type { JaxModel } from './models';
import {
	applyRule,
	applyScheduleFree,
	gradientPoint,
	jaxRule,
	type Coefficient,
	type JaxRule,
	type OptimizerConfig
} from './optimizers';

export interface StepOptions {
	optimizer: OptimizerConfig;
	/** Clip gradients to this global norm; undefined or 0 = off (the norm is still measured). */
	gradClipNorm?: number;
	/** Dropout rate while training; 0 or undefined = off. */
	dropout?: number;
	/** Label smoothing ε; 0 or undefined = off. */
	labelSmoothing?: number;
	averagers?: AveragerConfig[];
}

/** Where each group of scalars sits in the coefficient vector (absent groups are off). */
export interface StepLayout {
	rule: JaxRule;
	weightDecay: boolean;
	ruleStart: number;
	clip?: number;
	smoothing?: number;
	keep?: number;
	averagers: number[];
	size: number;
}

export function stepLayout(options: StepOptions): StepLayout {
	const rule = jaxRule(options.optimizer);
	// The rule's coefficients, the decay coefficient first (index 0), its own from `ruleStart` on.
	let size = rule.coefficients(0, 1, 0).length;
	const take = (n: number) => ((size += n), size - n);
	const clipNorm = options.gradClipNorm ?? 0;
	if (!(Number.isFinite(clipNorm) && clipNorm >= 0))
		throw new Error(`gradClipNorm must be >= 0 (got ${clipNorm})`);
	const rate = options.dropout ?? 0;
	if (!(rate >= 0 && rate < 1)) throw new Error(`dropout must be in [0, 1) (got ${rate})`);
	const eps = options.labelSmoothing ?? 0;
	if (!(eps >= 0 && eps <= 1)) throw new Error(`labelSmoothing must be in [0, 1] (got ${eps})`);
	return {
		rule,
		weightDecay: options.optimizer.weightDecay !== 0,
		ruleStart: 1,
		clip: clipNorm > 0 ? take(1) : undefined,
		smoothing: eps > 0 ? take(2) : undefined,
		keep: rate > 0 ? take(1) : undefined,
		averagers: (options.averagers ?? []).map(() => take(AVERAGER_COEFFICIENTS)),
		get size() {
			return size;
		}
	};
}

/**
 * The host-side values of one step's coefficient vector (float64, uploaded as float32) for update `t`
 * (1-based); `rateSquaredSum` is Σ γᵢ² over updates 1..t (schedule-free rules; ignored by the others).
 */
export function stepCoefficients(
	layout: StepLayout,
	options: StepOptions,
	learningRate: number,
	t: number,
	averagerValues: number[][],
	rateSquaredSum: number
): Float32Array<ArrayBuffer> {
	const values = new Float32Array(layout.size);
	values.set(layout.rule.coefficients(learningRate, t, rateSquaredSum), 0);
	if (layout.clip !== undefined) values[layout.clip] = options.gradClipNorm!;
	if (layout.smoothing !== undefined) {
		values[layout.smoothing] = 1 - options.labelSmoothing!;
		values[layout.smoothing + 1] = options.labelSmoothing!;
	}
	if (layout.keep !== undefined) values[layout.keep] = 1 - options.dropout!;
	layout.averagers.forEach((start, i) => values.set(averagerValues[i]!, start));
	return values;
}

export type StepState = {
	params: np.Array[];
	/** One list per slot name of the rule, in `slotInitialValues` order, parallel to the params. */
	slots: np.Array[][];
	/** One list per averager, parallel to the params. */
	averages: np.Array[][];
};

/** The new state and [loss, unclipped global gradient norm, clipped 0/1]. */
export type StepOutput = StepState & { stats: np.Array };

export type CompiledStep = ReturnType<typeof compileStep>;

export function compileStep(model: JaxModel, options: StepOptions) {
	const layout = stepLayout(options);
	const averagers = options.averagers ?? [];

	const loss = (params: np.Array[], x: np.Array, y: np.Array, coefficients: np.Array, key: np.Array) => {
		const at = (i: number) => coefficients.ref.slice(i);
		const dropout = layout.keep !== undefined ? new Dropout(key, at(layout.keep), model.dropoutSites) : null;
		if (!dropout) key.dispose();
		const logits = model.forward(params, x, dropout);
		dropout?.dispose();
		const smoothing: [np.Array, np.Array] | null =
			layout.smoothing !== undefined ? [at(layout.smoothing), at(layout.smoothing + 1)] : null;
		coefficients.dispose();
		return meanCrossEntropy(logits, y.reshape([-1]), model.classes, smoothing);
	};

	const step = (
		state: StepState,
		x: np.Array,
		y: np.Array,
		coefficients: np.Array,
		key: np.Array
	): StepOutput => {
		const at = (i: number) => coefficients.ref.slice(i);
		const ruleC: Coefficient = (i) => at(layout.ruleStart + i);
		// Schedule-free rules take the gradient at y = (1 − β)·z + β·x; the others at the weights.
		const point = layout.rule.scheduleFree
			? gradientPoint(
					state.params,
					state.slots[Object.keys(layout.rule.slotInitialValues).indexOf('z')]!,
					ruleC
				)
			: tree.ref(state.params);
		const [value, grads] = valueAndGrad(loss)(point, x, y, coefficients.ref, key);
		const clip = clipByGlobalNorm(grads, layout.clip !== undefined ? at(layout.clip) : null);
		const { params, slots } = (layout.rule.scheduleFree ? applyScheduleFree : applyRule)(
			layout.rule,
			state.params,
			state.slots,
			clip.grads,
			ruleC,
			layout.weightDecay ? () => at(0) : null
		);
		const averages = averagers.map((config, a) => {
			const c: Coefficient = (i) => at(layout.averagers[a]! + i);
			return state.averages[a]!.map((avg, i) => updateAverage(config.kind, avg, params[i]!.ref, c));
		});
		coefficients.dispose();
		return { params, slots, averages, stats: np.stack([value, clip.norm, clip.clipped]) };
	};

	return jit(step);
}
