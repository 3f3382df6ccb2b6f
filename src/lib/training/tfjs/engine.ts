// The TensorFlow.js engine (engine.ts): backends through tf.setBackend, trainers (trainer.ts), text
// generation and model export as TensorFlow.js model files. tfjs keeps one global backend per thread,
// so one engine serves a whole worker and its caller queues backend switches.
import * as tf from '@tensorflow/tfjs';
import type { Engine } from '../engine';
import { autoOrder } from '../backend-choice';
import { contextLengthOf } from '../model-spec';
import { initBackend } from './backend';
import { defaultProbeStore, probeFor } from './backend-probe';
import { restoreParams } from './checkpoint';
import { modelPackage } from './export/package';
import { createModel } from './models/create-model';
import { sampleText } from './sample-text';
import { createTfjsTrainer } from './trainer';

/** The tfjs engine; `probeStore` keeps backend measurements (Cache Storage in a browser). */
export function createTfjsEngine(probeStore = defaultProbeStore()): Engine {
	return {
		name: 'tfjs',

		/**
		 * `auto` with a workload runs on the backend measured fastest for it on this device (a short
		 * probe, cached; backend-probe.ts). Without a workload, or when the probe fails, it uses the fixed
		 * order.
		 */
		async selectBackend(choice, workload) {
			if (choice !== 'auto' || !workload) return initBackend(choice);
			const probe = await probeFor(
				workload.config,
				await workload.data(),
				probeStore,
				workload.remeasure ?? false
			).catch(() => undefined);
			if (!probe) return initBackend('auto');
			const report = await initBackend('auto', autoOrder(probe));
			// Backends that could not train in the probe are listed with their reasons, like failed starts.
			const failed = probe.speeds
				.filter((s) => s.error !== undefined && !report.attempts.some((a) => a.backend === s.backend))
				.map((s) => ({ backend: s.backend, ok: false, reason: s.error }));
			return { ...report, attempts: [...failed, ...report.attempts], probe };
		},

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
