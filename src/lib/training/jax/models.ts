// The three model families behind one shape: parameter specs, dropout sites and a forward pass.
import type { numpy as np } from '@jax-js/jax';
import { cnnForward, cnnParams, CNN_DROPOUT_SITES, type CnnShape } from './cnn';
import type { ConvFormulation } from './conv';
import type { Dropout } from './dropout';
import { mlpDropoutSites, mlpForward, mlpParams, type MlpShape } from './mlp';
import type { ParamSpec } from './params';
import {
	transformerDropoutSites,
	transformerForward,
	transformerParams,
	type TransformerShape
} from './transformer';

export type ModelSpec =
	| ({ kind: 'mlp' } & MlpShape)
	| ({ kind: 'cnn'; conv?: ConvFormulation } & CnnShape)
	| ({ kind: 'transformer' } & TransformerShape);

export interface JaxModel {
	params: ParamSpec[];
	/** Output classes (the vocabulary for the transformer). */
	classes: number;
	dropoutSites: number;
	/** Logits, one row per label; consumes `params` and `x`. */
	forward(params: np.Array[], x: np.Array, dropout: Dropout | null): np.Array;
}

export function jaxModel(spec: ModelSpec): JaxModel {
	switch (spec.kind) {
		case 'mlp':
			return {
				params: mlpParams(spec),
				classes: spec.classes,
				dropoutSites: mlpDropoutSites(spec),
				forward: (p, x, d) => mlpForward(spec, p, x, d)
			};
		case 'cnn':
			return {
				params: cnnParams(spec),
				classes: spec.classes,
				dropoutSites: CNN_DROPOUT_SITES,
				forward: (p, x, d) => cnnForward(spec, p, x, d, spec.conv)
			};
		case 'transformer':
			return {
				params: transformerParams(spec),
				classes: spec.vocab,
				dropoutSites: transformerDropoutSites(spec),
				forward: (p, x, d) => transformerForward(spec, p, x, d)
			};
	}
}
