// A metric batch for tests: training rows at steps 0, 1, … with the given losses (lr 0.1, gradient norm
// 1, never clipped) and evaluation rows (step, valLoss, valAccuracy).
import { emptyTrainRows, type MetricBatch } from '$lib/study/metrics';

export function metricBatch(trainLosses: readonly number[], evals: [number, number, number][]): MetricBatch {
	const train = emptyTrainRows();
	trainLosses.forEach((loss, step) => {
		train.step.push(step);
		train.loss.push(loss);
		train.lr.push(0.1);
		train.gradNorm.push(1);
		train.clipped.push(0);
	});
	return { train, evals: evals.map(([step, valLoss, valAccuracy]) => ({ step, valLoss, valAccuracy })) };
}
