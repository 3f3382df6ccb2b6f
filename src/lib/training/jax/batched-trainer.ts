// K trials of one workload trained as one vectorised step (batched-step.ts): the stacked device state
// and, per trial, the host bookkeeping a solo JaxTrainer keeps (update count, Σ γ², averager snapshots,
// dropout seed). Each trial's state goes in and out as the same engine-neutral TrainerState a solo
// trainer uses, so a trial's checkpoints do not say whether it trained alone or in a batch, and a batch
// can be rebuilt from its trials' checkpoints (resume). A trial that diverged, was paused or was
// cancelled leaves (removeRows); the others go on from exactly where they were.
import { jit, numpy as np, random, type OwnedFunction } from '@jax-js/jax';
import { averagerCoefficients, checkAverager } from './averaging';
import {
	batchedMaskedLossAndCorrect,
	batchedModel,
	compileBatchedStep,
	type BatchedModel,
	type CompiledBatchedStep
} from './batched-step';
import { batchLossAndCorrect, maskedLossAndCorrect } from './evaluate';
import { jaxModel, type JaxModel } from './models';
import { initialValues, sizeOf, type ParamSpec } from './params';
import { nextRateSquaredSum } from '../optimizer-scalars';
import { stepCoefficients, stepLayout, type StepLayout } from './train-step';
import type { TrialProducts } from './trial-products';
import type { StepStats, TrainerOptions, TrainerState } from './trainer';

/** One trial of a batch: its options and where it starts (as a solo JaxTrainer takes them). */
export interface BatchMember {
	options: TrainerOptions;
	initial: TrainerState | { weights: Float32Array[] } | { seed: number };
}

/**
 * What trials must share to train in one batch: the model and every choice that changes the compiled
 * step's shape (the optimizer rule, which of weight decay, clipping, smoothing and dropout are on, the
 * averagers' kinds). Values inside those (rates, betas, thresholds, decays) may differ. Null when the
 * model has no batched form.
 */
export function batchSignature(options: TrainerOptions): string | null {
	if (!batchedModel(options.model)) return null;
	// The shared model spec may carry the dropout rate, a value (the step reads it per trial).
	const { dropout: _rate, ...model } = options.model as typeof options.model & { dropout?: number };
	void _rate;
	return JSON.stringify({
		model,
		rule: options.optimizer.kind,
		weightDecay: options.optimizer.weightDecay !== 0,
		clip: (options.gradClipNorm ?? 0) > 0,
		smoothing: (options.labelSmoothing ?? 0) > 0,
		dropout: (options.dropout ?? 0) > 0,
		averagers: (options.averagers ?? []).map((a) => a.kind)
	});
}

/** A trial's starting state on the host, by the rules of JaxTrainer's constructor. */
function startingState(specs: ParamSpec[], layout: StepLayout, member: BatchMember): TrainerState {
	const { options, initial } = member;
	const names = specs.map((s) => s.name);
	const slotInit = Object.entries(layout.rule.slotInitialValues);
	if ('optimizer' in initial) {
		if (initial.paramNames.join() !== names.join()) {
			throw new Error(
				`checkpoint parameters ${initial.paramNames.join(', ')} do not match ${names.join(', ')}`
			);
		}
		const saved = Object.keys(initial.optimizer.slots);
		if (
			saved.sort().join() !==
			slotInit
				.map(([n]) => n)
				.sort()
				.join()
		) {
			throw new Error(`optimizer slots ${saved.join(', ')} do not match the ${options.optimizer.kind} rule`);
		}
		const averagers = (options.averagers ?? []).map((a) => ({
			kind: a.kind,
			state: initial.averagers.find((s) => s.kind === a.kind)?.state ?? {
				updates: 0,
				average: initial.params
			}
		}));
		return { ...initial, averagers };
	}
	const values = 'seed' in initial ? initialValues(specs, initial.seed) : initial.weights;
	const slots: Record<string, Float32Array[]> = {};
	for (const [name, start] of slotInit) {
		slots[name] = specs.map((s, i) =>
			start === 'weights' ? values[i]! : new Float32Array(sizeOf(s.shape)).fill(start)
		);
	}
	return {
		paramNames: names,
		params: values,
		optimizer: { step: 0, slots, rateSquaredSum: 0 },
		averagers: (options.averagers ?? []).map((a) => ({
			kind: a.kind,
			state: { updates: 0, average: values }
		}))
	};
}

/** K host arrays of one parameter → one device array [K, size] (a copy). */
function stack(arrays: Float32Array[], size: number): np.Array {
	const out = new Float32Array(arrays.length * size);
	arrays.forEach((a, k) => {
		if (a.length !== size) throw new Error(`got ${a.length} values for a parameter of ${size}`);
		out.set(a, k * size);
	});
	return np.array(out).reshape([arrays.length, size]);
}

type CompiledEval = OwnedFunction<(params: np.Array[], x: np.Array, y: np.Array) => np.Array>;
type CompiledMaskedEval = OwnedFunction<
	(params: np.Array[], x: np.Array, y: np.Array, mask: np.Array) => np.Array
>;

export class BatchedJaxTrainer {
	#members: TrainerOptions[];
	/** The solo model: evaluation and checkpoints read one trial at a time. */
	readonly model: JaxModel;
	readonly #batched: BatchedModel;
	readonly #layout: StepLayout;
	/** Each trial's own layout: the same positions, its own rule scalars (betas, ε, momentum…). */
	#layouts: StepLayout[];
	/** Compiled steps by batch size: a batch that loses trials compiles its smaller step once. */
	readonly #compiled = new Map<number, CompiledBatchedStep>();
	#params: np.Array[];
	#slots: np.Array[][];
	#averages: np.Array[][];
	#updates: number[][];
	#steps: number[];
	#sums: number[];
	#evaluate: CompiledEval | null = null;
	#evaluateMasked: CompiledMaskedEval | null = null;
	/** Batched evaluation by batch size (the trial axis is part of the compiled shape). */
	readonly #evaluateAll = new Map<number, CompiledMaskedEval>();
	/** Counts changes of the stacks (steps, rows leaving): what `exportState`'s host copy is of. */
	#generation = 0;
	#host: { generation: number; values: Promise<Float32Array[][]> } | null = null;
	#unusedKeys: np.Array | null = null;

	/** `products`: how per-trial products run (trial-products.ts), by default as suits the model and device. */
	constructor(members: BatchMember[], products?: TrialProducts) {
		if (members.length === 0) throw new Error('a batch needs at least one trial');
		const signature = batchSignature(members[0]!.options);
		if (signature === null) throw new Error(`a ${members[0]!.options.model.kind} has no batched step`);
		for (const m of members) {
			if (batchSignature(m.options) !== signature) {
				throw new Error(
					'trials of one batch must share the model, the optimizer rule and which options are on'
				);
			}
			for (const a of m.options.averagers ?? []) checkAverager(a);
		}
		this.#members = members.map((m) => m.options);
		this.model = jaxModel(members[0]!.options.model);
		this.#batched = batchedModel(members[0]!.options.model, products)!;
		this.#layout = stepLayout(members[0]!.options);
		this.#layouts = members.map((m) => stepLayout(m.options));
		const specs = this.model.params;
		const states = members.map((m) => startingState(specs, this.#layout, m));
		const sizes = specs.map((s) => sizeOf(s.shape));
		const stackOf = (pick: (s: TrainerState) => Float32Array[]) =>
			sizes.map((size, i) =>
				stack(
					states.map((s) => pick(s)[i]!),
					size
				)
			);
		this.#params = stackOf((s) => s.params);
		this.#slots = Object.keys(this.#layout.rule.slotInitialValues).map((name) =>
			stackOf((s) => s.optimizer.slots[name]!)
		);
		this.#averages = (members[0]!.options.averagers ?? []).map((_, a) =>
			stackOf((s) => s.averagers[a]!.state.average)
		);
		this.#updates = states.map((s) => s.averagers.map((a) => a.state.updates));
		this.#steps = states.map((s) => s.optimizer.step);
		this.#sums = states.map((s) => {
			const sum = s.optimizer.rateSquaredSum ?? 0;
			if (!(Number.isFinite(sum) && sum >= 0)) {
				throw new Error(`optimizer state rateSquaredSum must be a finite number >= 0 (got ${sum})`);
			}
			return sum;
		});
	}

	get members(): readonly TrainerOptions[] {
		return this.#members;
	}

	/** Changes with every step and every departure: results computed at one generation stay valid for it. */
	get generation(): number {
		return this.#generation;
	}

	get size(): number {
		return this.#members.length;
	}

	/** Updates applied so far to trial `k`. */
	step(k: number): number {
		return this.#steps[k]!;
	}

	/** Snapshots each of trial `k`'s averagers has absorbed. */
	averagerUpdates(k: number): readonly number[] {
		return [...this.#updates[k]!];
	}

	/**
	 * One update of every trial: x [K, rows, …] and y [K, labels] (consumed) hold each trial's own batch,
	 * `learningRates[k]` trial k's scheduled rate. Returns the device stats [K, 3] (the caller owns them).
	 */
	trainStep(x: np.Array, y: np.Array, learningRates: number[]): np.Array {
		const K = this.size;
		if (learningRates.length !== K)
			throw new Error(`expected ${K} learning rates, got ${learningRates.length}`);
		const rows = new Float32Array(K * this.#layout.size);
		const keys: np.Array[] = [];
		const dropout = (this.#members[0]!.dropout ?? 0) > 0;
		this.#members.forEach((options, k) => {
			const t = this.#steps[k]! + 1;
			const averagerValues = (options.averagers ?? []).map((a, i) => {
				const { values, absorbs } = averagerCoefficients(a, this.#updates[k]![i]!, t);
				if (absorbs) this.#updates[k]![i]! += 1;
				return values;
			});
			const layout = this.#layouts[k]!;
			const sum = nextRateSquaredSum(layout.rule, this.#sums[k]!, learningRates[k]!, t);
			rows.set(
				stepCoefficients(layout, options, learningRates[k]!, t, averagerValues, sum),
				k * this.#layout.size
			);
			// The key of the solo trainer for the same trial and step (trainer.ts), so masks match.
			if (dropout) keys.push(random.key((options.dropoutSeed + this.#steps[k]!) >>> 0));
			this.#steps[k] = t;
			this.#sums[k] = sum;
		});
		const keyStack = dropout ? np.stack(keys) : this.#unusedKeysFor(K);
		let compiled = this.#compiled.get(K);
		if (!compiled) {
			compiled = compileBatchedStep(this.#batched, this.#members[0]!, K);
			this.#compiled.set(K, compiled);
		}
		const out = compiled(
			{ params: this.#params, slots: this.#slots, averages: this.#averages },
			x,
			y,
			np.array(rows).reshape([K, this.#layout.size]),
			keyStack
		);
		this.#params = out.params;
		this.#slots = out.slots;
		this.#averages = out.averages;
		this.#generation += 1;
		return out.stats;
	}

	/** Trial `k`'s weights (or average `averager`) as solo-shaped device arrays; the caller owns them. */
	#weightsOf(k: number, averager?: number): np.Array[] {
		const stacks = averager === undefined ? this.#params : this.#averages[averager];
		if (!stacks) throw new Error(`no averager ${averager}`);
		return stacks.map((a, i) => a.ref.slice(k).reshape(this.model.params[i]!.shape));
	}

	/** As JaxTrainer.evaluate, for trial `k`: [summed loss, correct count]; consumes x and y. */
	evaluate(k: number, x: np.Array, y: np.Array, averager?: number): np.Array {
		this.#evaluate ??= jit((params: np.Array[], xs: np.Array, ys: np.Array) =>
			batchLossAndCorrect(this.model, params, xs, ys)
		);
		return this.#evaluate(this.#weightsOf(k, averager), x, y);
	}

	/** As JaxTrainer.evaluateMasked, for trial `k`; consumes x, y and mask. */
	evaluateMasked(k: number, x: np.Array, y: np.Array, mask: np.Array, averager?: number): np.Array {
		this.#evaluateMasked ??= jit((params: np.Array[], xs: np.Array, ys: np.Array, m: np.Array) =>
			maskedLossAndCorrect(this.model, params, xs, ys, m)
		);
		return this.#evaluateMasked(this.#weightsOf(k, averager), x, y, mask);
	}

	/**
	 * Every trial's [summed loss, correct count] on one validation batch shared by all (x, y, mask
	 * consumed), with the raw weights or average `averager`: [K, 2], row k for trial k. One compiled
	 * forward pass for the whole batch instead of one per trial.
	 */
	evaluateAllMasked(x: np.Array, y: np.Array, mask: np.Array, averager?: number): np.Array {
		const K = this.size;
		let compiled = this.#evaluateAll.get(K);
		if (!compiled) {
			compiled = jit((stacks: np.Array[], xs: np.Array, ys: np.Array, m: np.Array) =>
				batchedMaskedLossAndCorrect(this.#batched, K, stacks, xs, ys, m)
			);
			this.#evaluateAll.set(K, compiled);
		}
		const stacks = averager === undefined ? this.#params : this.#averages[averager];
		if (!stacks) throw new Error(`no averager ${averager}`);
		return compiled(
			stacks.map((a) => a.ref),
			x,
			y,
			mask
		);
	}

	/** Reads a group of batched steps' stats (consumed) in one sync: result[s][k] is trial k at step s. */
	static async readStats(stats: np.Array[]): Promise<StepStats[][]> {
		if (stats.length === 0) return [];
		const K = stats[0]!.shape[0]!;
		const values = await np.stack(stats).data();
		return stats.map((_, s) =>
			Array.from({ length: K }, (_, k) => {
				const at = (s * K + k) * 3;
				return { loss: values[at]!, gradNorm: values[at + 1]!, clipped: values[at + 2]! };
			})
		);
	}

	/** Trial `k`'s whole state on the host, as a solo JaxTrainer exports it. */
	async exportState(k: number): Promise<TrainerState> {
		// Trials of a batch checkpoint at the same steps: the first export after a change reads every
		// stack once ([K, size] each), the others slice that host copy. Row k, the trial's bookkeeping
		// and the copy are all taken before the first await, as rows renumber when a trial leaves.
		if (this.#host?.generation !== this.#generation) {
			const stacks = [this.#params, ...this.#slots, ...this.#averages];
			this.#host = {
				generation: this.#generation,
				values: Promise.all(
					stacks.map((list) => Promise.all(list.map(async (a) => new Float32Array(await a.ref.data()))))
				)
			};
		}
		const host = this.#host.values;
		const options = this.#members[k]!;
		const updates = [...this.#updates[k]!];
		const step = this.#steps[k]!;
		const sum = this.#sums[k]!;
		const slotNames = Object.keys(this.#layout.rule.slotInitialValues);
		const sizes = this.model.params.map((s) => sizeOf(s.shape));
		const lists = await host;
		// A copy of row k, so the checkpoint owns its arrays.
		const row = (list: Float32Array[]) => list.map((a, i) => a.slice(k * sizes[i]!, (k + 1) * sizes[i]!));
		const slots: Record<string, Float32Array[]> = {};
		slotNames.forEach((name, s) => (slots[name] = row(lists[1 + s]!)));
		return {
			paramNames: this.model.params.map((s) => s.name),
			params: row(lists[0]!),
			optimizer: this.#layout.rule.scheduleFree ? { step, slots, rateSquaredSum: sum } : { step, slots },
			averagers: (options.averagers ?? []).map((a, i) => ({
				kind: a.kind,
				state: { updates: updates[i]!, average: row(lists[1 + slotNames.length + i]!) }
			}))
		};
	}

	/** A key per trial for steps without dropout (the step ignores them), kept per batch size. */
	#unusedKeysFor(K: number): np.Array {
		if (this.#unusedKeys?.shape[0] !== K) {
			this.#unusedKeys?.dispose();
			this.#unusedKeys = np.stack(Array.from({ length: K }, () => random.key(0)));
		}
		return this.#unusedKeys.ref;
	}

	/**
	 * Takes the trials at `leaving` (indices) out of the batch; the others keep their exact state (their
	 * rows of every stack are copied, not recomputed) and their order. With no trial left the batch
	 * frees everything, as `dispose`.
	 */
	removeRows(leaving: number[]): void {
		const staying = this.#members.map((_, k) => k).filter((k) => !leaving.includes(k));
		if (staying.length === this.size) return;
		if (staying.length === 0) {
			this.dispose();
			this.#members = [];
			return;
		}
		this.#generation += 1;
		const keep = <T>(list: T[]) => staying.map((k) => list[k]!);
		const rows = (a: np.Array) => {
			const parts = staying.map((k) => a.ref.slice([k, k + 1]));
			a.dispose();
			return parts.length === 1 ? parts[0]! : np.concatenate(parts, 0);
		};
		this.#params = this.#params.map(rows);
		this.#slots = this.#slots.map((list) => list.map(rows));
		this.#averages = this.#averages.map((list) => list.map(rows));
		this.#members = keep(this.#members);
		this.#layouts = keep(this.#layouts);
		this.#updates = keep(this.#updates);
		this.#steps = keep(this.#steps);
		this.#sums = keep(this.#sums);
	}

	/** Frees every device array and the compiled functions. */
	dispose(): void {
		for (const a of [this.#params, ...this.#slots, ...this.#averages].flat()) a.dispose();
		for (const c of this.#compiled.values()) c.dispose();
		this.#compiled.clear();
		this.#evaluate?.dispose();
		this.#evaluateMasked?.dispose();
		for (const e of this.#evaluateAll.values()) e.dispose();
		this.#evaluateAll.clear();
		this.#host = null;
		this.#unusedKeys?.dispose();
		this.#params = [];
		this.#slots = [];
		this.#averages = [];
		this.#evaluate = null;
		this.#evaluateMasked = null;
		this.#unusedKeys = null;
	}
}
