// The shape of one checklist finding, shared by the detectors, the panel, the worker and the CLI.
import type { Study } from '../../study/study';

export const FINDING_IDS = [
	'boundary',
	'infeasible-fraction',
	'overfitting',
	'late-variance',
	'still-improving',
	'saturated',
	'train-loss-increasing',
	'instability',
	'aggressive-clipping',
	'best-step-early',
	'best-step-late',
	'training-length-unclear',
	'early-stopping'
] as const;
export type FindingId = (typeof FINDING_IDS)[number];

export const SEVERITIES = ['problem', 'warning', 'info'] as const;
/** `problem`: likely wrong results or a bug; `warning`: fix before trusting the comparison; `info`: a hint. */
export type Severity = (typeof SEVERITIES)[number];

/** The plot on the analysis page where the evidence can be seen. */
export type EvidencePlot = 'curves' | 'axis' | 'isolation' | 'stability' | 'parallel' | 'bootstrap';

/** A ready draft of the study that follows from a finding: plain data, so it crosses a worker boundary. */
export interface NextStudySuggestion {
	/** What differs from the analysed study, in a few words. */
	change: string;
	/** A valid study with no trials, a new name, and a goal that says why it exists. */
	study: Study;
}

export interface Finding {
	/** Stable identifier of the kind of finding (several `boundary` findings may appear at once). */
	id: FindingId;
	severity: Severity;
	title: string;
	/** What was seen and what to do, in our words. */
	message: string;
	/** Trial indices that show it, the strongest evidence first. */
	trials: number[];
	/** The searched parameter it is about, if any. */
	parameter?: string;
	/** For `boundary`: which edge of the parameter's range. */
	edge?: 'min' | 'max';
	plot: EvidencePlot;
	/** The playbook section the advice rests on, by its title. */
	section: string;
	nextStudy?: NextStudySuggestion;
}

/** Playbook section titles cited by the checklist. */
export const SECTIONS = {
	boundaries: 'Identifying bad search space boundaries',
	insight: 'Extracting insight from experimental results',
	curves: 'Examining the training curves',
	unstable: 'Identifying unstable workloads',
	clipping: 'Gradient clipping',
	notComputeBound: 'Deciding how long to train when training is not compute-bound',
	computeBound: 'Deciding how long to train when training is compute-bound'
} as const;
