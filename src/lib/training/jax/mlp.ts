// The multilayer perceptron as a pure function of its named parameters: the same names, shapes and
// init as the TF.js model (hidden ReLU layers, then a linear output layer giving logits).
import { numpy as np } from '@jax-js/jax';
import { relu } from './activations';
import { maybeDrop, type DropoutSites } from './dropout';
import { byName, type ParamSpec } from './params';
import type { MlpShape as SharedMlpShape } from '../model-spec';

/** The shared MLP shape (training/model-spec.ts); dropout reaches the forward pass as a Dropout. */
export type MlpShape = Omit<SharedMlpShape, 'dropout'>;

/** He-normal kernels (std √(2/fan-in)), √(1/fan-in) for the output layer, zero biases. */
export function mlpParams(shape: MlpShape): ParamSpec[] {
	const specs: ParamSpec[] = [];
	let fanIn = shape.inputSize;
	for (let layer = 0; layer <= shape.depth; layer++) {
		const isOutput = layer === shape.depth;
		const fanOut = isOutput ? shape.classes : shape.hiddenWidth;
		const name = isOutput ? 'output' : `hidden${layer}`;
		specs.push(
			{
				name: `${name}/kernel`,
				shape: [fanIn, fanOut],
				init: { std: Math.sqrt((isOutput ? 1 : 2) / fanIn) }
			},
			{ name: `${name}/bias`, shape: [fanOut], init: 'zeros' }
		);
		fanIn = fanOut;
	}
	return specs;
}

/** Dropout sites: one after each hidden layer. */
export function mlpDropoutSites(shape: MlpShape): number {
	return shape.depth;
}

/**
 * Logits [batch, classes] from inputs [batch, inputSize]; consumes `params` and `x`. The batched step
 * (batched-step.ts) calls it with a leading trial axis on everything: x [K, batch, inputSize], kernels
 * [K, in, out], biases [K, 1, out] → logits [K, batch, classes], and its per-trial `product`
 * (trial-products.ts); `product` consumes both operands.
 */
export function mlpForward(
	shape: MlpShape,
	params: np.Array[],
	x: np.Array,
	dropout: DropoutSites | null,
	product: (h: np.Array, kernel: np.Array) => np.Array = np.matmul
): np.Array {
	const p = byName(mlpParams(shape), params);
	let h = x;
	for (let layer = 0; layer <= shape.depth; layer++) {
		const name = layer === shape.depth ? 'output' : `hidden${layer}`;
		const z = product(h, p(`${name}/kernel`)).add(p(`${name}/bias`));
		h = layer === shape.depth ? z : maybeDrop(dropout, relu(z));
	}
	return h;
}
