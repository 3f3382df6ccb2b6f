// K trials of one workload as ONE compiled step, vectorised by hand (issue 19, item 4). Every parameter,
// optimizer slot and average is stacked with a leading trial axis and kept flat, [K, size]; every
// per-step scalar of a trial (its scheduled learning rate, Adam's bias correction, betas, weight decay,
// clipping threshold, smoothing and keep rates) sits in row k of a [K, coefficients] matrix, and a
// column of it, [K, 1], broadcasts against the flat stacks. So the optimizer, decoupled weight decay and
// averaging code of the solo step (optimizers.ts, averaging.ts) runs unchanged on the stacks; only the
// loss, the global norm and dropout are written here per trial, and the forward pass sees the stacks
// reshaped with the trial axis in front (x [K, rows, …], kernels [K, in, out], biases [K, 1, out]).
// Why not `vmap` of the solo step: jax-js 0.1.25 runs a vmapped product on wasm about ten times slower
// than the explicitly batched one (bench/jax-batched.bench.ts, "product" rows).
// The trials stay independent: the gradient is taken of the SUM of the K losses, whose derivative with
// respect to trial k's loss is exactly 1, and no operation mixes rows of different trials, so a trial
// that diverges (NaN) leaves the others' numbers unchanged.
import { jit, nn, numpy as np, random, tree, valueAndGrad } from '@jax-js/jax';
import { updateAverage } from './averaging';
import { rowCrossEntropy } from './losses';
import type { DropoutSites } from './dropout';
import { relu } from './activations';
import { cnnBatchedForward, cnnParams, CNN_DROPOUT_SITES, DEFAULT_CONV } from './cnn';
import { mlpDropoutSites, mlpForward, mlpParams } from './mlp';
import type { ModelSpec } from './models';
import { applyRule, applyScheduleFree, gradientPoint, type Coefficient } from './optimizers';
import { sizeOf, type ParamSpec } from './params';
import { defaultTrialProducts, perTrialProduct, sharedProduct, type TrialProducts } from './trial-products';
import { transformerBatchedForward, transformerDropoutSites, transformerParams } from './transformer';
import { stepLayout, type StepOptions, type StepState } from './train-step';

/** A model whose forward pass takes a leading trial axis on its parameters and inputs. */
export interface BatchedModel {
	params: ParamSpec[];
	classes: number;
	dropoutSites: number;
	/** Parameter `i`'s stack [K, size] (consumed) in the shape the forward pass reads. */
	view(i: number, stacked: np.Array, trials: number): np.Array;
	/** Logits [K, labels per trial, classes] from x [K, rows, …]; consumes params and x. */
	forward(params: np.Array[], x: np.Array, dropout: DropoutSites | null): np.Array;
	/**
	 * The same logits when every trial reads the same inputs x [rows, …] (evaluation on the shared
	 * validation split), without dropout; consumes params and x.
	 */
	forwardShared(params: np.Array[], x: np.Array): np.Array;
}

/**
 * A parameter's stack [K, size] (consumed) as the batched forward passes read it: a bias, gain or
 * other vector [n] as [K, 1, n], so it broadcasts over the rows of [K, rows, n]; a matrix [in, out] as
 * [K, in, out]; a 3×3 kernel [3, 3, c, out] as [K, 9·c, out], the matrix im2col multiplies by.
 */
function stackedView(params: ParamSpec[]): BatchedModel['view'] {
	return (i, stacked, trials) => {
		const shape = params[i]!.shape;
		const out = shape[shape.length - 1]!;
		return stacked.reshape([trials, shape.length === 1 ? 1 : sizeOf(shape) / out, out]);
	};
}

/**
 * The batched form of a model: every family the compiled engine trains (cnn.ts's and transformer.ts's
 * batched forward passes fold the trial axis into the batch axis wherever no weight is involved), except
 * a CNN asked for jax-js's own convolution ('lax'), whose sums the im2col products would not reproduce.
 * `products`: how the per-trial products run (trial-products.ts; by default as measured fastest for
 * the family on the current device).
 */
export function batchedModel(
	spec: ModelSpec,
	products: TrialProducts = defaultTrialProducts(spec.kind)
): BatchedModel | null {
	switch (spec.kind) {
		case 'mlp':
			return mlpBatched(spec, products);
		case 'cnn': {
			if ((spec.conv ?? DEFAULT_CONV) !== 'im2col') return null;
			const params = cnnParams(spec);
			return {
				params,
				classes: spec.classes,
				dropoutSites: CNN_DROPOUT_SITES,
				view: stackedView(params),
				forward: (p, x, d) => cnnBatchedForward(spec, p, x, d, false, products),
				forwardShared: (p, x) => cnnBatchedForward(spec, p, x, null, true, products)
			};
		}
		case 'transformer': {
			const params = transformerParams(spec);
			return {
				params,
				classes: spec.vocab,
				dropoutSites: transformerDropoutSites(spec),
				view: stackedView(params),
				forward: (p, x, d) => transformerBatchedForward(spec, p, x, d, false, products),
				forwardShared: (p, x) => transformerBatchedForward(spec, p, x, null, true, products)
			};
		}
	}
}

function mlpBatched(spec: Extract<ModelSpec, { kind: 'mlp' }>, products: TrialProducts): BatchedModel {
	const params = mlpParams(spec);
	return {
		params,
		classes: spec.classes,
		dropoutSites: mlpDropoutSites(spec),
		view: stackedView(params),
		forward: (p, x, d) => mlpForward(spec, p, x, d, (h, kernel) => perTrialProduct(h, kernel, products)),
		forwardShared: (p, x) => {
			// The first layer as ONE plain product x · [W₁ | W₂ | … | W_K] (sharedProduct); the other
			// layers read per-trial activations and stay batched.
			let h: np.Array = x;
			for (let layer = 0; layer <= spec.depth; layer++) {
				const kernel = p[2 * layer]!;
				const bias = p[2 * layer + 1]!;
				const z = (layer === 0 ? sharedProduct(h, kernel) : perTrialProduct(h, kernel, products)).add(bias);
				h = layer === spec.depth ? z : relu(z);
			}
			return h;
		}
	};
}

/**
 * Dropout for K trials: each trial splits its own key (row k of keys [K, 2]) into one subkey per site
 * and draws its mask exactly as the solo step's Dropout does, with its own keep rate; so a batched
 * trial sees the same masks as the same trial trained alone.
 */
class BatchedDropout implements DropoutSites {
	readonly #keys: np.Array[];
	readonly #keep: np.Array;
	readonly #trials: number;
	#next = 0;

	/** Takes ownership of `keys` [K, 2] and `keep` [K]. */
	constructor(keys: np.Array, keep: np.Array, sites: number, trials: number) {
		this.#keys = Array.from({ length: trials }, (_, k) =>
			random.split(keys.ref.slice(k), Math.max(1, sites))
		);
		keys.dispose();
		this.#keep = keep;
		this.#trials = trials;
	}

	apply(x: np.Array): np.Array {
		const site = this.#next++;
		const rest = x.shape.slice(1);
		const masks = this.#keys.map((keys, k) =>
			random.bernoulli(keys.ref.slice(site), this.#keep.ref.slice(k), rest)
		);
		const keep = this.#keep.ref.reshape([this.#trials, ...rest.map(() => 1)]);
		return np.where(np.stack(masks), x.div(keep), 0);
	}

	dispose(): void {
		for (const k of this.#keys) k.dispose();
		this.#keep.dispose();
	}
}

/**
 * Mean cross-entropy of each trial [K] from logits [K, n, classes] and labels [K, n] (both consumed),
 * with each trial's smoothing pair [1 − ε, ε] as columns [K, 1] (consumed) or null: the rule of
 * losses.ts row by row, the mean taken over each trial's own labels.
 */
function perTrialCrossEntropy(
	logits: np.Array,
	labels: np.Array,
	classes: number,
	smoothing: [np.Array, np.Array] | null
): np.Array {
	return rowCrossEntropy(logits, labels, classes, smoothing).mean(1);
}

/**
 * Each trial's unclipped global norm [K] (squares summed per parameter in parameter order, as clip.ts
 * does) and its gradients scaled by limit / max(norm, limit); `limit` [K, 1] or null when off.
 */
function clipPerTrial(
	grads: np.Array[],
	limit: np.Array | null,
	trials: number
): { grads: np.Array[]; norm: np.Array; clipped: np.Array } {
	const squares = grads.map((g) => np.square(g.ref).sum(1));
	const norm = np.sqrt(squares.reduce((total, s) => total.add(s)));
	if (!limit) return { grads, norm, clipped: np.zeros([trials]) };
	const scale = limit.ref.div(np.maximum(norm.ref.reshape([trials, 1]), limit.ref));
	const clipped = norm.ref.greater(limit.reshape([trials])).astype(np.float32);
	const scaled = grads.map((g) => g.mul(scale.ref));
	scale.dispose();
	return { grads: scaled, norm, clipped };
}

/** The new stacked state and stats [K, 3]: each trial's [loss, unclipped norm, clipped]. */
export type BatchedStepOutput = StepState & { stats: np.Array };

export type CompiledBatchedStep = ReturnType<typeof compileBatchedStep>;

/**
 * The step of `trials` trials sharing `options`' layout (the same rule, the same groups switched on;
 * their values come per trial in the coefficient rows). Arguments: the stacked state, x [K, rows, …],
 * y [K, labels], coefficients [K, layout.size], keys [K, 2]; all consumed.
 */
export function compileBatchedStep(model: BatchedModel, options: StepOptions, trials: number) {
	const layout = stepLayout(options);
	const averagers = options.averagers ?? [];
	const column = (coefficients: np.Array, i: number) => coefficients.ref.slice([], i).reshape([trials, 1]);

	const loss = (flat: np.Array[], x: np.Array, y: np.Array, coefficients: np.Array, keys: np.Array) => {
		const params = flat.map((a, i) => model.view(i, a, trials));
		const dropout =
			layout.keep !== undefined
				? new BatchedDropout(keys, coefficients.ref.slice([], layout.keep), model.dropoutSites, trials)
				: (keys.dispose(), null);
		const logits = model.forward(params, x, dropout);
		dropout?.dispose();
		const smoothing: [np.Array, np.Array] | null =
			layout.smoothing !== undefined
				? [column(coefficients, layout.smoothing), column(coefficients, layout.smoothing + 1)]
				: null;
		coefficients.dispose();
		const losses = perTrialCrossEntropy(logits, y.reshape([trials, -1]), model.classes, smoothing);
		return [losses.ref.sum(), losses] as [np.Array, np.Array];
	};

	const step = (
		state: StepState,
		x: np.Array,
		y: np.Array,
		coefficients: np.Array,
		keys: np.Array
	): BatchedStepOutput => {
		const at = (i: number) => column(coefficients, i);
		const ruleC: Coefficient = (i) => at(layout.ruleStart + i);
		const point = layout.rule.scheduleFree
			? gradientPoint(
					state.params,
					state.slots[Object.keys(layout.rule.slotInitialValues).indexOf('z')]!,
					ruleC
				)
			: tree.ref(state.params);
		const [[total, losses], grads] = valueAndGrad(loss, { hasAux: true })(
			point,
			x,
			y,
			coefficients.ref,
			keys
		);
		total.dispose();
		const clip = clipPerTrial(grads, layout.clip !== undefined ? at(layout.clip) : null, trials);
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
		return { params, slots, averages, stats: np.stack([losses, clip.norm, clip.clipped], 1) };
	};

	return jit(step);
}

/**
 * Evaluation of every trial of a batch on one shared validation batch: [K, 2] rows of [summed loss,
 * correct count], each label weighted by `mask` (0 on padding rows), as evaluate.ts's
 * maskedLossAndCorrect computes them for one trial. `stacks` are the batch's flat stacks (consumed);
 * x [rows, …], y [labels] and mask [labels] are consumed and shared by all trials.
 */
export function batchedMaskedLossAndCorrect(
	model: BatchedModel,
	trials: number,
	stacks: np.Array[],
	x: np.Array,
	y: np.Array,
	mask: np.Array
): np.Array {
	const params = stacks.map((a, i) => model.view(i, a, trials));
	const logits = model.forwardShared(params, x);
	const labels = y.reshape([-1]);
	const predicted = np.argmax(logits.ref, -1);
	const correct = predicted.equal(labels.ref).astype(np.float32).mul(mask.ref).sum(1);
	const logProbs = nn.logSoftmax(logits, -1);
	const perLabel = np.negative(nn.oneHot(labels, model.classes).mul(logProbs).sum(-1));
	return np.stack([perLabel.mul(mask).sum(1), correct], 1);
}
