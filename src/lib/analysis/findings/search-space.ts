// Findings about the search space: best trials at the edge of a range, many infeasible trials, and
// learning rates just above the best one that break down.
import type { StudyParam, TrialRecord } from '../../study/study';
import { isInfeasible } from '../objective';
import {
	addWarmup,
	isRangeParam,
	lowerRangeMax,
	widenRange,
	widenedBound,
	type RangeParam
} from '../next-study';
import {
	StudyContext,
	cite,
	conditionHolds,
	formatNumber,
	percentText,
	topCount,
	trialList,
	type RankedTrial
} from './context';
import { lossSpikes, trainLossRise, TRAIN_RISE_SHARE } from './curves';
import { SECTIONS, type Finding, type Severity } from './types';

/**
 * A value within this share of its range from an edge (measured where the sampler draws uniformly: in log
 * space for a log scale) is "at" the edge. Quasi-random search puts only about one trial in twenty in such
 * a sliver by chance, so the best trial landing there is a signal, not luck.
 */
export const EDGE_FRACTION = 0.05;
/** With fewer ranked trials under a range than this, "the best trials" say nothing about its edges. */
export const BOUNDARY_MIN_TRIALS = 3;

/**
 * Shares of infeasible trials (among those that ran to an end) that raise the infeasible-fraction finding
 * to info, warning and problem. A few infeasible trials are expected: they mark where the feasible region
 * ends. A quarter of the budget spent on them is waste worth fixing; half or more usually means the space
 * (most often the learning rate range) is badly placed, or a bug.
 */
export const INFEASIBLE_INFO_SHARE = 0.1;
export const INFEASIBLE_WARNING_SHARE = 0.25;
export const INFEASIBLE_PROBLEM_SHARE = 0.5;

/**
 * Learning rates up to this factor above the best one count as "just above" it. The playbook inspects
 * rates a few times to ten times higher; three times (about half a decade) keeps the check to the
 * immediate neighbourhood, where a normal workload should still train reasonably.
 */
export const NEIGHBOUR_FACTOR = 3;

/** Where a value sits in a range, 0 at min and 1 at max, in the space the sampler draws uniformly from. */
export function unitPosition(param: RangeParam, value: number): number {
	if (param.scale === 'log') {
		return (Math.log(value) - Math.log(param.min)) / (Math.log(param.max) - Math.log(param.min));
	}
	return (value - param.min) / (param.max - param.min);
}

function describeEntry(study: { params: StudyParam[] }, param: StudyParam): string {
	const twins = study.params.filter((p) => p.name === param.name).length;
	if (twins < 2 || !param.when) return param.name;
	const condition = Object.entries(param.when)
		.map(([parent, values]) => `${parent} is ${values.join(' or ')}`)
		.join(' and ');
	return `${param.name} (where ${condition})`;
}

export function boundaryFindings(ctx: StudyContext): Finding[] {
	const findings: Finding[] = [];
	ctx.study.params.forEach((param, index) => {
		if (!isRangeParam(param)) return;
		const under = ctx.ranked.filter(
			(r) => conditionHolds(param, r.trial.params) && typeof r.trial.params[param.name] === 'number'
		);
		if (under.length < BOUNDARY_MIN_TRIALS) return;
		const top = under.slice(0, topCount(under.length));
		const positions = top.map((r) => ({ r, u: unitPosition(param, r.trial.params[param.name] as number) }));
		for (const edge of ['min', 'max'] as const) {
			const near = positions.filter(({ u }) =>
				edge === 'min' ? u <= EDGE_FRACTION : u >= 1 - EDGE_FRACTION
			);
			const bestNear = near.some(({ r }) => r === top[0]);
			if (!bestNear && near.length <= top.length / 2) continue;
			const best = top[0]!;
			const label = describeEntry(ctx.study, param);
			const bound = edge === 'min' ? param.min : param.max;
			const who = bestNear
				? `The best trial (${best.trial.index}) has ${param.name} = ${formatNumber(best.trial.params[param.name] as number)}`
				: `${near.length} of the ${top.length} best trials have ${param.name}`;
			const reason =
				`${who}, within ${percentText(EDGE_FRACTION)} of the ${edge === 'min' ? 'lower' : 'upper'} edge ` +
				`(${formatNumber(bound)}) of its ${param.scale}-scale range.`;
			const side = edge === 'min' ? 'lower' : 'upper';
			const bestValue = best.trial.params[param.name] as number;
			const breaksAbove =
				edge === 'max' && param.name === 'learningRate'
					? ctx.study.trials.filter(
							(t) =>
								isInfeasible(t) &&
								conditionHolds(param, t.params) &&
								typeof t.params[param.name] === 'number' &&
								(t.params[param.name] as number) > bestValue
						)
					: [];
			if (breaksAbove.length > 0) {
				// Widening would contradict the evidence above the best rate (and the infeasible-fraction
				// and instability findings built on it): training already diverges there.
				const diverged = breaksAbove.map((t) => t.index);
				findings.push({
					id: 'boundary',
					severity: 'warning',
					title: `Best trials at the upper edge of ${label}, where training diverges`,
					message:
						`${reason} But ${trialList(diverged)}, at higher learning rates still inside the range, ` +
						`diverged, so the range already reaches past where training breaks down: extending it would ` +
						'only add diverging trials. The best learning rate sits at the edge of stability. Check what ' +
						'makes training unstable there first (warmup, gradient clipping); ' +
						'once higher rates train, widen the range again to see whether they do better ' +
						`${cite(SECTIONS.boundaries)}.`,
					trials: [...near.map(({ r }) => r.trial.index), ...diverged],
					parameter: param.name,
					edge,
					plot: 'axis',
					section: SECTIONS.boundaries
				});
				continue;
			}
			if (widenedBound(param, edge) === null) {
				// Nothing lies past this edge (a dropout of 0, a fraction of 1, the least a log scale can
				// start at): the best value is the limit itself, and "widen the range" cannot be done.
				findings.push({
					id: 'boundary',
					severity: 'info',
					title: `Best trials at the ${side} limit of ${label}`,
					message:
						`${reason} ${formatNumber(bound)} is also as ${edge === 'min' ? 'low' : 'high'} as ${param.name} can go ` +
						`here, so the range cannot be extended past it: no better value was left outside the search. The best ` +
						`trials prefer ${param.name} at or near ${formatNumber(bound)}. If the other parameters' best values ` +
						`do not move it, fix ${param.name} at ${formatNumber(bound)} in the next study and spend its trials on ` +
						`the rest; otherwise keep searching it, perhaps over a narrower range that starts at this limit ${cite(SECTIONS.boundaries)}.`,
					trials: near.map(({ r }) => r.trial.index),
					parameter: param.name,
					edge,
					plot: 'axis',
					section: SECTIONS.boundaries
				});
				continue;
			}
			findings.push({
				id: 'boundary',
				severity: 'warning',
				title: `Best trials at the ${side} edge of ${label}`,
				message:
					`${reason} The best value may lie outside the range searched, so the comparison this study ` +
					`makes may not hold once it is widened. Run a follow-up with the range extended past ` +
					`${formatNumber(bound)} until the best trials sit well inside it ${cite(SECTIONS.boundaries)}.`,
				trials: near.map(({ r }) => r.trial.index),
				parameter: param.name,
				edge,
				plot: 'axis',
				section: SECTIONS.boundaries,
				nextStudy: widenRange(ctx.study, index, edge, reason)
			});
		}
	});
	return findings;
}

function learningRateEntries(ctx: StudyContext): { index: number; param: RangeParam }[] {
	return ctx.study.params.flatMap((param, index) =>
		param.name === 'learningRate' && param.type === 'float' ? [{ index, param }] : []
	);
}

function entryOf(ctx: StudyContext, trial: TrialRecord): { index: number; param: RangeParam } | undefined {
	return learningRateEntries(ctx).find(({ param }) => conditionHolds(param, trial.params));
}

export function infeasibleFinding(ctx: StudyContext): Finding[] {
	const ended = ctx.study.trials.filter((t) => t.status === 'completed' || isInfeasible(t));
	const infeasible = ended.filter(isInfeasible);
	if (ended.length === 0 || infeasible.length === 0) return [];
	const share = infeasible.length / ended.length;
	if (share < INFEASIBLE_INFO_SHARE) return [];
	const severity: Severity =
		share >= INFEASIBLE_PROBLEM_SHARE ? 'problem' : share >= INFEASIBLE_WARNING_SHARE ? 'warning' : 'info';
	const reason = `${infeasible.length} of ${ended.length} trials (${percentText(share)}) were infeasible.`;

	// The usual cause is a learning-rate range that reaches too high: when every infeasible trial of a range
	// lies above that range's best feasible rate, end the range at the lowest rate that diverged.
	const limits: { index: number; max: number }[] = [];
	for (const { index, param } of learningRateEntries(ctx)) {
		const rate = (t: TrialRecord) => t.config.learningRate;
		const bad = infeasible.filter((t) => conditionHolds(param, t.params));
		const best = ctx.ranked.find((r) => conditionHolds(param, r.trial.params));
		if (bad.length === 0 || !best) continue;
		const lowestBad = Math.min(...bad.map(rate));
		if (lowestBad > rate(best.trial)) limits.push({ index, max: lowestBad });
	}
	const explained = limits.length > 0;
	return [
		{
			id: 'infeasible-fraction',
			severity,
			title: `${percentText(share)} of trials infeasible`,
			message:
				`${reason} Each one is budget that taught us only where training breaks. ` +
				(explained
					? 'They all sit above the best feasible learning rate, so a lower upper bound for the learning ' +
						'rate would spend those trials where training works. '
					: 'They are not explained by a high learning rate alone: check the other parameters they share, ' +
						'and whether a bug makes some configurations fail. ') +
				`When many trials are infeasible, reshape the search space so that fewer of them are sampled ${cite(SECTIONS.insight)}.`,
			trials: infeasible.map((t) => t.index),
			parameter: explained ? 'learningRate' : undefined,
			plot: 'axis',
			section: SECTIONS.insight,
			nextStudy: explained
				? lowerRangeMax(
						ctx.study,
						limits,
						`${reason} All of them trained above the best feasible learning rate.`
					)
				: undefined
		}
	];
}

/** The values of every parameter that is not a range, so trials are compared only with their own kind. */
function groupKey(ctx: StudyContext, trial: TrialRecord): string {
	const parts = ctx.study.params
		.filter((p) => !isRangeParam(p) && p.name in trial.params)
		.map((p) => `${p.name}=${JSON.stringify(trial.params[p.name])}`);
	return [...new Set(parts)].sort().join('&');
}

export function instabilityFinding(ctx: StudyContext): Finding[] {
	if (learningRateEntries(ctx).length === 0) return [];
	const groups = new Map<string, RankedTrial[]>();
	for (const r of ctx.ranked) {
		if (!entryOf(ctx, r.trial)) continue;
		const key = groupKey(ctx, r.trial);
		groups.set(key, [...(groups.get(key) ?? []), r]);
	}
	const evidence: number[] = [];
	const limits: { index: number; max: number }[] = [];
	const details: string[] = [];
	for (const [key, ranked] of groups) {
		const best = ranked[0]!;
		const bestRate = best.trial.config.learningRate;
		const entry = entryOf(ctx, best.trial)!;
		const inGroup = (t: TrialRecord) => groupKey(ctx, t) === key && entryOf(ctx, t)?.index === entry.index;
		const neighbours = ctx.study.trials.filter(
			(t) =>
				(t.status === 'completed' || isInfeasible(t)) &&
				inGroup(t) &&
				t.config.learningRate > bestRate &&
				t.config.learningRate <= bestRate * NEIGHBOUR_FACTOR
		);
		if (neighbours.length === 0) continue;
		// Evidence of instability, trial by trial: divergence, loss spikes, or a training loss that rose
		// beyond its batch noise. A trial that trained smoothly and merely ended worse is no such evidence.
		const unstable = neighbours.flatMap((t) => {
			if (isInfeasible(t)) return [{ trial: t, what: 'diverged' }];
			const spikes = lossSpikes(ctx.trainPoints(t));
			if (spikes.length > 0) {
				return [
					{
						trial: t,
						what: `had ${spikes.length === 1 ? 'a loss spike' : `${spikes.length} loss spikes`} (at step ${spikes.slice(0, 3).join(', ')}${spikes.length > 3 ? ', …' : ''})`
					}
				];
			}
			const rise = trainLossRise(ctx, t);
			if (rise >= TRAIN_RISE_SHARE) {
				return [{ trial: t, what: `had a training loss that rose by ${percentText(rise)} of its drop` }];
			}
			return [];
		});
		if (unstable.length === 0 || unstable.length * 2 < neighbours.length) continue;
		evidence.push(best.trial.index, ...unstable.map((u) => u.trial.index));
		const lowest = Math.min(...unstable.map((u) => u.trial.config.learningRate));
		limits.push({ index: entry.index, max: lowest });
		details.push(
			`${unstable.length} of ${neighbours.length} trials with a learning rate up to ${NEIGHBOUR_FACTOR}× ` +
				`the best one (${formatNumber(bestRate)}, trial ${best.trial.index}${key ? `, ${key.replaceAll('&', ', ')}` : ''}) ` +
				`show instability: ${unstable.map((u) => `trial ${u.trial.index} ${u.what}`).join(', ')}`
		);
	}
	if (details.length === 0) return [];
	const reason = `${details.join('; ')}.`;
	return [
		{
			id: 'instability',
			severity: 'warning',
			title: 'Training breaks down just above the best learning rate',
			message:
				`${reason} The best learning rate sits right at the edge of stability, which suggests an ` +
				'instability is holding it back rather than the learning rate being well tuned. Warmup (for early ' +
				'instability) or gradient clipping often make higher rates usable; lowering the learning rate is ' +
				`the last resort ${cite(SECTIONS.unstable)}.`,
			trials: [...new Set(evidence)],
			parameter: 'learningRate',
			plot: 'axis',
			section: SECTIONS.unstable,
			nextStudy: addWarmup(ctx.study, reason) ?? lowerRangeMax(ctx.study, limits, reason)
		}
	];
}
