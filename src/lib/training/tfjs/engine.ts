// The TensorFlow.js engine (engine.ts): backends through tf.setBackend, trainers (trainer.ts), text
// generation and model export as TensorFlow.js model files. tfjs keeps one global backend per thread,
// so one engine serves a whole worker and its caller queues backend switches.
import * as tf from '@tensorflow/tfjs';
import type { Engine } from '../engine';
import { contextLengthOf } from '../model-spec';
import { initBackend } from './backend';
import { restoreParams } from './checkpoint';
import { modelPackage } from './export/package';
import { createModel } from './models/create-model';
import { sampleText } from './sample-text';
import { createTfjsTrainer } from './trainer';

/** The tfjs engine. */
export function createTfjsEngine(): Engine {
	return {
		name: 'tfjs',

		/**
		 * The backend `choice`; `auto` takes the first of WebGPU, WebGL, wasm and cpu that starts. Measuring
		 * which is fastest for a workload is the trial worker's job (../engine-probe.ts), across engines.
		 */
		selectBackend: (choice) => initBackend(choice),

		createTrainer: createTfjsTrainer,

		async sampleText(config, data, weights, options) {
			if (data.kind !== 'text')
				throw new Error(`${config.dataset} is not a text dataset; only language models sample text`);
			const model = createModel(config, data, 0);
			try {
				restoreParams(weights, model.paramNames, model.params);
				return await sampleText(model, data.vocab, contextLengthOf(config), options);
			} finally {
				model.dispose();
			}
		},

		exportModel: modelPackage,

		liveBuffers: () => tf.memory().numTensors
	};
}
