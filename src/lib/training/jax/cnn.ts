// The convolutional classifier as a pure function of its named parameters: `blocks` of conv 3×3
// ('same') → ReLU → 2×2 max-pool, the first with `filters` filters and each later one with twice the
// previous, then flatten → dropout → one dense layer. Same names, shapes and init as the TF.js model.
import { numpy as np } from '@jax-js/jax';
import { relu } from './activations';
import { conv3x3Same, im2colPatches, maxPool2x2, type ConvFormulation } from './conv';
import { maybeDrop, type Dropout, type DropoutSites } from './dropout';
import { byName, type ParamSpec } from './params';
import { perTrialProduct, sharedProduct, type TrialProducts } from './trial-products';
import type { CnnShape as SharedCnnShape } from '../model-spec';

/** The shared CNN shape (training/model-spec.ts); dropout reaches the forward pass as a Dropout. */
export type CnnShape = Omit<SharedCnnShape, 'dropout'>;

/** The formulation measured fastest on wasm (im2col; see conv.ts and bench/jax-steps.bench.ts). */
export const DEFAULT_CONV: ConvFormulation = 'im2col';

function outputSize(shape: CnnShape): [number, number, number] {
	let [h, w] = [shape.height, shape.width];
	for (let b = 0; b < shape.blocks; b++) [h, w] = [Math.floor(h / 2), Math.floor(w / 2)];
	if (h < 1 || w < 1)
		throw new Error(`${shape.blocks} conv blocks pool a ${shape.height}×${shape.width} image away`);
	return [h, w, shape.filters * 2 ** (shape.blocks - 1)];
}

/** He-normal kernels (fan-in 9·input channels), √(1/fan-in) for the dense layer, zero biases. */
export function cnnParams(shape: CnnShape): ParamSpec[] {
	const specs: ParamSpec[] = [];
	let channels = 1;
	for (let b = 0; b < shape.blocks; b++) {
		const out = shape.filters * 2 ** b;
		specs.push(
			{ name: `conv${b}/kernel`, shape: [3, 3, channels, out], init: { std: Math.sqrt(2 / (9 * channels)) } },
			{ name: `conv${b}/bias`, shape: [out], init: 'zeros' }
		);
		channels = out;
	}
	const flat = shape.blocks === 0 ? shape.height * shape.width : outputSize(shape).reduce((a, b) => a * b);
	specs.push(
		{ name: 'output/kernel', shape: [flat, shape.classes], init: { std: Math.sqrt(1 / flat) } },
		{ name: 'output/bias', shape: [shape.classes], init: 'zeros' }
	);
	return specs;
}

/** Dropout sites: one, before the dense layer. */
export const CNN_DROPOUT_SITES = 1;

/** Logits [batch, classes] from flat images [batch, height·width]; consumes `params` and `x`. */
export function cnnForward(
	shape: CnnShape,
	params: np.Array[],
	x: np.Array,
	dropout: Dropout | null,
	formulation: ConvFormulation = DEFAULT_CONV
): np.Array {
	const specs = cnnParams(shape);
	const p = byName(specs, params);
	let y = x.reshape([-1, shape.height, shape.width, 1]);
	for (let b = 0; b < shape.blocks; b++) {
		const conv = conv3x3Same(y, p(`conv${b}/kernel`), formulation);
		y = maxPool2x2(relu(conv.add(p(`conv${b}/bias`))));
	}
	const flat = specs[specs.length - 2]!.shape[0]!;
	const features = maybeDrop(dropout, y.reshape([-1, flat]));
	return np.matmul(features, p('output/kernel')).add(p('output/bias'));
}

/**
 * Logits [K, batch, classes] of K trials (batched-step.ts), im2col only. The trial axis is folded into
 * the image axis wherever no weight is involved (patches and pooling see K·batch images), and each
 * trial's rows meet its own kernels in per-trial products (trial-products.ts, `products`): patches
 * [K, batch·h·w, 9·in] times kernels [K, 9·in, out], biases [K, 1, out]; the dense layer [K, batch,
 * flat] times [K, flat, classes]. Each trial's products sum the same terms in the same order as
 * cnnForward's. `x` holds each trial's images [K, batch, height·width], or with `shared` one set
 * [batch, height·width] read by every trial (then the first product is one plain product with the K
 * kernels side by side). Consumes params and x.
 */
export function cnnBatchedForward(
	shape: CnnShape,
	params: np.Array[],
	x: np.Array,
	dropout: DropoutSites | null,
	shared: boolean,
	products: TrialProducts
): np.Array {
	const specs = cnnParams(shape);
	const p = byName(specs, params);
	const trials = params[0]!.shape[0]!;
	const rows = x.shape[shared ? 0 : 1]!;
	const flat = specs[specs.length - 2]!.shape[0]!;
	if (shape.blocks === 0) {
		const kernel = p('output/kernel');
		const logits = shared
			? sharedProduct(x.reshape([rows, flat]), kernel)
			: perTrialProduct(maybeDrop(dropout, x.reshape([trials, rows, flat])), kernel, products);
		return logits.add(p('output/bias'));
	}
	let y = x.reshape([-1, shape.height, shape.width, 1]);
	for (let b = 0; b < shape.blocks; b++) {
		const [, h, w] = y.shape as [number, number, number, number];
		const kernel = p(`conv${b}/kernel`);
		const out = kernel.shape[2]!;
		const patches = im2colPatches(y);
		const z =
			shared && b === 0
				? sharedProduct(patches, kernel)
				: perTrialProduct(patches.reshape([trials, rows * h * w, -1]), kernel, products);
		// The bias [K, 1, out] added to [K, rows, h, w, out], as cnnForward adds its [out] to [rows, h,
		// w, out]: its gradient then sums the same axes in the same order.
		const bias = p(`conv${b}/bias`).reshape([trials, 1, 1, 1, out]);
		const activated = relu(z.reshape([trials, rows, h, w, out]).add(bias));
		y = maxPool2x2(activated.reshape([trials * rows, h, w, out]));
	}
	const features = maybeDrop(dropout, y.reshape([trials, rows, flat]));
	return perTrialProduct(features, p('output/kernel'), products).add(p('output/bias'));
}
