// Clipping so aggressive that it is really a smaller learning rate (playbook: "Gradient clipping").
import { AGGRESSIVE_CLIP_FRACTION, clippedFraction } from '../stability';
import { StudyContext, capitalised, cite, percentText, trialList } from './context';
import { SECTIONS, type Finding } from './types';

export function aggressiveClippingFinding(ctx: StudyContext): Finding[] {
	const hits = ctx.study.trials
		.filter((t) => t.metrics && (t.status === 'completed' || t.status === 'infeasible'))
		.map((t) => ({ index: t.index, fraction: clippedFraction(t.metrics!.train) }))
		.filter(
			(h): h is { index: number; fraction: number } =>
				h.fraction !== null && h.fraction > AGGRESSIVE_CLIP_FRACTION
		)
		.sort((a, b) => b.fraction - a.fraction || a.index - b.index);
	if (hits.length === 0) return [];
	return [
		{
			id: 'aggressive-clipping',
			severity: 'warning',
			title: 'Extremely aggressive clipping: lower the learning rate instead',
			message:
				`${capitalised(trialList(hits.map((h) => h.index)))} clipped the gradient on more than ` +
				`${percentText(AGGRESSIVE_CLIP_FRACTION)} of ${hits.length === 1 ? 'its' : 'their'} steps ` +
				`(${hits.length === 1 ? '' : 'up to '}${percentText(hits[0]!.fraction)}). ` +
				'When most updates are clipped, the clip threshold rather than the learning rate sets the step ' +
				'size, so the run is effectively training at a smaller, hidden learning rate. Lower the learning ' +
				'rate instead, and set the threshold just above the typical gradient norm (around its 90th ' +
				`percentile, shown on the stability plot) ${cite(SECTIONS.clipping)}.`,
			trials: hits.map((h) => h.index),
			parameter: 'gradClipNorm',
			plot: 'stability',
			section: SECTIONS.clipping
		}
	];
}
