// Scores given weights of a trial's model on the validation split, as the trial loop scores its own
// (same batches, same engine code): how a checkpoint average (checkpoint-average.ts) gets its loss and
// accuracy. No optimizer state or weight averages are built.
import type { TrainingData } from '$lib/datasets/classification-data';
import type { TrialConfig } from '$lib/study/trial-config';
import type { SavedWeights } from './checkpoint-data';
import type { Engine, SplitScore } from './engine';
import { evaluationBatchRows } from './trial-loop';

export async function evaluateWeights(
	engine: Pick<Engine, 'createTrainer'>,
	config: TrialConfig,
	data: TrainingData,
	weights: SavedWeights
): Promise<SplitScore> {
	// Plain SGD has no optimizer slots, so the weights alone make a complete trainer state.
	const scoring: TrialConfig = { ...config, optimizer: 'sgd', weightDecay: 0 };
	delete scoring.emaDecay;
	delete scoring.swaEvery;
	delete scoring.swaStart;
	const trainer = engine.createTrainer(scoring, data, {
		paramNames: weights.paramNames,
		params: weights.params,
		optimizer: { step: 0, slots: {} },
		averagers: []
	});
	try {
		const { loss, accuracy } = await trainer.evaluate(evaluationBatchRows(config, data));
		return { loss, accuracy };
	} finally {
		trainer.dispose();
	}
}
