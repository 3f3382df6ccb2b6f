// One trial's training state on the compiled engine: the named parameters, the optimizer slots, the
// weight averages and the host bookkeeping (update count, averaged snapshots), around one compiled step.
// `step` returns the step's device scalars without reading them back; `readStats` reads a group of
// steps back in one sync. State goes in and out as named Float32Arrays in the layout checkpoints use,
// so a trial saved by either engine continues on the other.
import { jit, numpy as np, random, type OwnedFunction } from '@jax-js/jax';
import { batchLossAndCorrect, maskedLossAndCorrect, type CompiledEval } from './evaluate';
import { averagerCoefficients, checkAverager, type AveragerKind } from './averaging';
import { jaxModel, type JaxModel, type ModelSpec } from './models';
import { initialValues, toArrays, toHost } from './params';
import { nextRateSquaredSum } from '../optimizer-scalars';
import {
	compileStep,
	stepCoefficients,
	stepLayout,
	type CompiledStep,
	type StepLayout,
	type StepOptions
} from './train-step';

/** The engine-neutral state of a trial (the shapes TrialCheckpoint stores). */
export interface TrainerState {
	paramNames: string[];
	params: Float32Array[];
	/** `rateSquaredSum` (Σ γᵢ², float64) only for the schedule-free optimizers. */
	optimizer: { step: number; slots: Record<string, Float32Array[]>; rateSquaredSum?: number };
	averagers: { kind: AveragerKind; state: { updates: number; average: Float32Array[] } }[];
}

type CompiledMaskedEval = OwnedFunction<
	(params: np.Array[], x: np.Array, y: np.Array, mask: np.Array) => np.Array
>;

export interface TrainerOptions extends StepOptions {
	model: ModelSpec;
	/** Seed of the per-step dropout keys (the key of step s is derived from seed + s). */
	dropoutSeed: number;
}

/** One step's metrics. */
export interface StepStats {
	loss: number;
	gradNorm: number;
	clipped: number;
}

export class JaxTrainer {
	readonly model: JaxModel;
	readonly #options: TrainerOptions;
	readonly #layout: StepLayout;
	readonly #compiled: CompiledStep;
	#params: np.Array[];
	#slots: np.Array[][];
	#averages: np.Array[][];
	#updates: number[];
	/** Updates applied so far. */
	#step: number;
	/** Σ γᵢ² over the updates applied (schedule-free rules), in float64 on the host. */
	#rateSquaredSum: number;
	#evaluate: CompiledEval | null = null;
	#evaluateMasked: CompiledMaskedEval | null = null;
	#unusedKey: np.Array | null = null;

	/**
	 * Continues from a saved state, or starts fresh (step 0, new optimizer slots) from given initial
	 * weights or from the models' seeded init.
	 */
	constructor(
		options: TrainerOptions,
		initial: TrainerState | { weights: Float32Array[] } | { seed: number }
	) {
		this.model = jaxModel(options.model);
		this.#options = options;
		for (const a of options.averagers ?? []) checkAverager(a);
		this.#layout = stepLayout(options);
		const specs = this.model.params;
		const slotInit = Object.entries(this.#layout.rule.slotInitialValues);
		if (!('optimizer' in initial)) {
			const values = 'seed' in initial ? initialValues(specs, initial.seed) : initial.weights;
			this.#params = toArrays(specs, values);
			// A slot that starts at the weights (schedule-free z) gets its own copy of them.
			this.#slots = slotInit.map(([, v]) =>
				v === 'weights' ? toArrays(specs, values) : specs.map((s) => np.full(s.shape, v))
			);
			this.#averages = (options.averagers ?? []).map(() => toArrays(specs, values));
			this.#updates = (options.averagers ?? []).map(() => 0);
			this.#step = 0;
			this.#rateSquaredSum = 0;
		} else {
			const names = specs.map((s) => s.name);
			if (initial.paramNames.join() !== names.join()) {
				throw new Error(
					`checkpoint parameters ${initial.paramNames.join(', ')} do not match ${names.join(', ')}`
				);
			}
			const slotNames = slotInit.map(([name]) => name);
			const saved = Object.keys(initial.optimizer.slots);
			if (saved.sort().join() !== [...slotNames].sort().join()) {
				throw new Error(`optimizer slots ${saved.join(', ')} do not match ${slotNames.join(', ')}`);
			}
			this.#params = toArrays(specs, initial.params);
			this.#slots = slotNames.map((name) => toArrays(specs, initial.optimizer.slots[name]!));
			const averagers = (options.averagers ?? []).map((a) => {
				const found = initial.averagers.find((s) => s.kind === a.kind);
				return found?.state ?? { updates: 0, average: initial.params };
			});
			this.#averages = averagers.map((s) => toArrays(specs, s.average));
			this.#updates = averagers.map((s) => s.updates);
			this.#step = initial.optimizer.step;
			const sum = initial.optimizer.rateSquaredSum ?? 0;
			if (!(Number.isFinite(sum) && sum >= 0)) {
				throw new Error(`optimizer state rateSquaredSum must be a finite number >= 0 (got ${sum})`);
			}
			this.#rateSquaredSum = sum;
		}
		this.#compiled = compileStep(this.model, options);
	}

	get step(): number {
		return this.#step;
	}

	/**
	 * One update on the batch (x, y consumed) with the scheduled `learningRate`. Returns the device
	 * vector [loss, unclipped gradient norm, clipped]; the caller owns it (readStats consumes it).
	 */
	trainStep(x: np.Array, y: np.Array, learningRate: number): np.Array {
		const t = this.#step + 1;
		const averagers = this.#options.averagers ?? [];
		const averagerValues = averagers.map((a, i) => {
			const { values, absorbs } = averagerCoefficients(a, this.#updates[i]!, t);
			if (absorbs) this.#updates[i]! += 1;
			return values;
		});
		const sum = nextRateSquaredSum(this.#layout.rule, this.#rateSquaredSum, learningRate, t);
		const coefficients = np.array(
			stepCoefficients(this.#layout, this.#options, learningRate, t, averagerValues, sum)
		);
		// Derived from (seed, step) alone, so a resumed trial draws the same masks. Without dropout the
		// step ignores its key: one kept key saves a random.key per step (~0.14 ms on wasm, ~10% of a
		// digits MLP step).
		const key = this.#options.dropout
			? random.key((this.#options.dropoutSeed + this.#step) >>> 0)
			: (this.#unusedKey ??= random.key(0)).ref;
		const out = this.#compiled(
			{ params: this.#params, slots: this.#slots, averages: this.#averages },
			x,
			y,
			coefficients,
			key
		);
		this.#params = out.params;
		this.#slots = out.slots;
		this.#averages = out.averages;
		this.#step = t;
		this.#rateSquaredSum = sum;
		return out.stats;
	}

	/**
	 * Evaluation of one batch (x, y consumed) without dropout or smoothing, with the raw weights or an
	 * average (`averager` = its index in the options): the device vector [summed loss, correct count].
	 */
	evaluate(x: np.Array, y: np.Array, averager?: number): np.Array {
		this.#evaluate ??= jit((params: np.Array[], xs: np.Array, ys: np.Array) =>
			batchLossAndCorrect(this.model, params, xs, ys)
		);
		const weights = averager === undefined ? this.#params : this.#averages[averager];
		if (!weights) throw new Error(`no averager ${averager}`);
		return this.#evaluate(
			weights.map((p) => p.ref),
			x,
			y
		);
	}

	/**
	 * As `evaluate`, with each label weighted by `mask` (float32, one entry per label; 0 for the rows
	 * that pad a partial batch to the fixed shape). Consumes x, y and mask.
	 */
	evaluateMasked(x: np.Array, y: np.Array, mask: np.Array, averager?: number): np.Array {
		this.#evaluateMasked ??= jit((params: np.Array[], xs: np.Array, ys: np.Array, m: np.Array) =>
			maskedLossAndCorrect(this.model, params, xs, ys, m)
		);
		const weights = averager === undefined ? this.#params : this.#averages[averager];
		if (!weights) throw new Error(`no averager ${averager}`);
		return this.#evaluateMasked(
			weights.map((p) => p.ref),
			x,
			y,
			mask
		);
	}

	/** Snapshots each averager has absorbed, in the options' order (0 = nothing averaged yet). */
	get averagerUpdates(): readonly number[] {
		return [...this.#updates];
	}

	/** Reads back a group of steps' stats (consumed) in one sync. */
	static async readStats(stats: np.Array[]): Promise<StepStats[]> {
		if (stats.length === 0) return [];
		const values = await np.stack(stats).data();
		return stats.map((_, i) => ({
			loss: values[3 * i]!,
			gradNorm: values[3 * i + 1]!,
			clipped: values[3 * i + 2]!
		}));
	}

	/** A host copy of the whole state; the trainer keeps its own. */
	async exportState(): Promise<TrainerState> {
		const slotNames = Object.keys(this.#layout.rule.slotInitialValues);
		const slots: Record<string, Float32Array[]> = {};
		for (const [s, name] of slotNames.entries()) slots[name] = await toHost(this.#slots[s]!);
		const averagers = await Promise.all(
			(this.#options.averagers ?? []).map(async (a, i) => ({
				kind: a.kind,
				state: { updates: this.#updates[i]!, average: await toHost(this.#averages[i]!) }
			}))
		);
		return {
			paramNames: this.model.params.map((s) => s.name),
			params: await toHost(this.#params),
			optimizer: this.#layout.rule.scheduleFree
				? { step: this.#step, slots, rateSquaredSum: this.#rateSquaredSum }
				: { step: this.#step, slots },
			averagers
		};
	}

	/** Frees every device array and the compiled step. */
	dispose(): void {
		for (const a of [this.#params, ...this.#slots, ...this.#averages].flat()) a.dispose();
		this.#compiled.dispose();
		this.#evaluate?.dispose();
		this.#evaluateMasked?.dispose();
		this.#unusedKey?.dispose();
	}
}
