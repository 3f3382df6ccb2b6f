// Series for the schedule preview: a schedule sampled over a run, and optionally a cooldown branch
// drawn over it.
import {
	buildSchedule,
	DEFAULT_COOLDOWN_SHAPE,
	DEFAULT_FINAL_LR_FRACTION,
	DEFAULT_RSQRT_TIMESCALE,
	resolveCooldownSteps,
	type ScheduleConfig
} from '$lib/math/schedule-config';
import { cooldownBranch, type CooldownShape, type Schedule } from '$lib/math/schedules';
import type { CurveSeries } from './curve-scales';

export interface BranchSpec {
	startStep: number;
	length: number;
	shape: CooldownShape;
	finalFraction: number;
}

/** At most this many points per curve: enough for a smooth line at any chart width. */
export const MAX_POINTS = 1000;

/** Steps 0..end−1 thinned to at most MAX_POINTS, always keeping the first and last step. */
export function sampleSteps(start: number, end: number): number[] {
	const count = end - start;
	if (count <= 0) return [];
	const stride = Math.max(1, Math.ceil(count / MAX_POINTS));
	const steps: number[] = [];
	for (let s = start; s < end; s += stride) steps.push(s);
	if (steps[steps.length - 1] !== end - 1) steps.push(end - 1);
	return steps;
}

function series(
	id: string,
	label: string,
	color: string,
	schedule: Schedule,
	steps: number[],
	dashed = false
): CurveSeries {
	return { id, label, color, dashed, xs: steps, ys: steps.map((s) => schedule(s)) };
}

export function schedulePreviewSeries(
	config: ScheduleConfig,
	totalSteps: number,
	branch?: BranchSpec
): CurveSeries[] {
	const base = buildSchedule(config, totalSteps);
	const out = [series('base', `${config.schedule} schedule`, '#0f766e', base, sampleSteps(0, totalSteps))];
	if (branch) {
		const branched = cooldownBranch(
			base,
			branch.startStep,
			branch.length,
			branch.shape,
			branch.finalFraction
		);
		const end = branch.startStep + branch.length + 1;
		out.push(
			series(
				'branch',
				`cooldown branch at step ${branch.startStep} (${branch.shape}, ${branch.length} steps)`,
				'#dc2626',
				branched,
				sampleSteps(branch.startStep, end),
				true
			)
		);
	}
	return out;
}

/**
 * What the preview draws, in words, with every default spelled out (an empty field is not "off" when
 * the schedule still applies its default): "wsd from 0.003, warmup 500 steps, cooldown the last 2000
 * steps (20%, linear) to 0 × the rate; branch from step 6000 for 2000 steps, 1-sqrt to 0 × the rate".
 */
export function describeSchedulePreview(
	config: ScheduleConfig,
	totalSteps: number,
	branch?: BranchSpec
): string {
	const parts = [`${config.schedule} from ${config.learningRate}`];
	parts.push(config.warmupSteps ? `warmup ${config.warmupSteps} steps` : 'no warmup');
	const finalFraction = config.finalLrFraction ?? DEFAULT_FINAL_LR_FRACTION;
	if (config.schedule === 'wsd') {
		const steps = resolveCooldownSteps(config, totalSteps);
		const percent = Number(((100 * steps) / totalSteps).toPrecision(3));
		parts.push(
			`cooldown the last ${steps} steps (${percent}%, ${config.cooldownShape ?? DEFAULT_COOLDOWN_SHAPE}) to ${finalFraction} × the rate`
		);
	} else if (config.schedule === 'linear' || config.schedule === 'cosine') {
		parts.push(`decays to ${finalFraction} × the rate`);
	} else if (config.schedule === 'rsqrt') {
		parts.push(`timescale ${config.rsqrtTimescale ?? DEFAULT_RSQRT_TIMESCALE} steps`);
	}
	const text = parts.join(', ');
	if (!branch) return `${text}; no branch`;
	return `${text}; branch from step ${branch.startStep} for ${branch.length} steps, ${branch.shape} to ${branch.finalFraction} × the rate`;
}
