// Says when a study used early stopping (successive halving, study/halving.ts), so no reader of the
// checklist mistakes its stopped trials for full-length evidence or its gaps for bad regions.
import type { Finding } from './types';
import { SECTIONS } from './types';
import { cite, type StudyContext } from './context';
import { isStopped } from '../objective';

export function earlyStoppingFinding(ctx: StudyContext): Finding[] {
	const halving = ctx.study.search.halving;
	const stopped = ctx.study.trials.filter(isStopped);
	if (!halving && stopped.length === 0) return [];
	const trials = ctx.study.trials.length;
	const how = halving
		? `successive halving (eta ${halving.eta}, first rung at ${halving.minSteps} steps, scored ` +
			(halving.cooldownSteps > 0
				? `after a ${halving.cooldownSteps}-step cooldown branch)`
				: 'by the evaluation at the rung)')
		: 'early stopping';
	return [
		{
			id: 'early-stopping',
			severity: 'info',
			title: `Early stopping: ${stopped.length} of ${trials} trials stopped at a rung`,
			message:
				`This study used ${how}. A stopped trial trained only to its rung, so its values are not comparable ` +
				'with trials that ran to the end: it is never the best, never ranked, and the axis, isolation and ' +
				'importance views compare only the trials that finished. A region where many trials were stopped ' +
				'looks emptier than it is, and the decision was taken on a short horizon, which favours settings ' +
				'that learn fast early (a higher learning rate, less regularisation). Read the gaps with that in mind ' +
				`before narrowing the search space, and confirm a conclusion with a study without halving ${cite(SECTIONS.insight)}.`,
			trials: stopped.map((t) => t.index),
			plot: 'curves',
			section: SECTIONS.insight
		}
	];
}
