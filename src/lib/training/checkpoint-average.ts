// Checkpoint averaging (issue 21, item 2): the uniform mean of a finished trial's kept checkpoints, all
// of them or those inside a step window, as weights the validation split can score and a model export
// can take. Plain data, no engine: the mean is accumulated in float64 and rounded once to float32, so
// the result does not depend on the order of the checkpoints.
import type { SavedWeights, TrialCheckpoint } from './checkpoint-data';

/** Steps to average over, both ends included; an absent end is open. */
export interface StepWindow {
	fromStep?: number;
	toStep?: number;
}

export interface CheckpointAverage extends SavedWeights {
	/** The steps of the checkpoints averaged, ascending. */
	steps: number[];
}

type Averageable = Pick<TrialCheckpoint, 'step' | 'paramNames' | 'params'>;

function describeWindow({ fromStep, toStep }: StepWindow): string {
	return `steps ${fromStep ?? 0}–${toStep ?? '∞'}`;
}

/**
 * The mean of the raw weights of `checkpoints` whose step lies in `window`. Throws, saying why, when
 * the window holds none, the window is reversed, or the checkpoints do not hold the same parameters.
 */
export function averageCheckpoints(
	checkpoints: readonly Averageable[],
	window: StepWindow = {}
): CheckpointAverage {
	const { fromStep = -Infinity, toStep = Infinity } = window;
	if (fromStep > toStep) {
		throw new Error(`the step window starts at ${fromStep}, after its end at ${toStep}`);
	}
	const chosen = checkpoints
		.filter((c) => c.step >= fromStep && c.step <= toStep)
		.sort((a, b) => a.step - b.step);
	const first = chosen[0];
	if (!first) {
		const kept = checkpoints.map((c) => c.step).sort((a, b) => a - b);
		throw new Error(
			`no kept checkpoint lies in ${describeWindow(window)} (kept: ${kept.length ? kept.join(', ') : 'none'})`
		);
	}
	for (const c of chosen) {
		if (c.paramNames.join() !== first.paramNames.join()) {
			throw new Error(
				`the checkpoint at step ${c.step} holds other parameters than the one at step ${first.step}`
			);
		}
		c.params.forEach((p, i) => {
			if (p.length !== first.params[i]!.length) {
				throw new Error(
					`parameter ${c.paramNames[i]} has ${p.length} values at step ${c.step}, ${first.params[i]!.length} at step ${first.step}`
				);
			}
		});
	}
	const params = first.params.map((p, i) => {
		const sum = new Float64Array(p.length);
		for (const c of chosen) {
			const values = c.params[i]!;
			for (let j = 0; j < sum.length; j++) sum[j]! += values[j]!;
		}
		return Float32Array.from(sum, (s) => s / chosen.length);
	});
	return { paramNames: [...first.paramNames], params, steps: chosen.map((c) => c.step) };
}
