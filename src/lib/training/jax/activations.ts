// ReLU with the derivative 0 at 0, as TF.js, PyTorch and JAX define it. jax-js 0.1.25's nn.relu has
// derivative 1 at 0, which matters wherever a pre-activation is exactly 0 (a zero-padded border, a blank
// image region before the biases move): there the two engines' gradients would differ.
import { numpy as np } from '@jax-js/jax';

/** max(x, 0), consuming `x`; gradient 1 where x > 0, else 0. */
export function relu(x: np.Array): np.Array {
	return np.where(x.ref.greater(0), x, 0);
}
