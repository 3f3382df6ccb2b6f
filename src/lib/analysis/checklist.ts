// The playbook's checklist for a study with results: the questions to ask of every study before drawing
// conclusions from it (playbook: "Extracting insight from experimental results"), each answered from the
// stored trials. One pure function, used by the analysis page (through the analysis worker) and by
// `tuning-lab analyze`, so both always report the same findings. Thresholds live beside each detector in
// findings/*.ts, as named constants that say why they have their value.
import type { Study } from '../study/study';
import { defaultChoice, type ObjectiveChoice } from './objective';
import { aggressiveClippingFinding } from './findings/clipping';
import { StudyContext } from './findings/context';
import {
	bestStepFindings,
	lateVarianceFinding,
	overfittingFinding,
	reconcileTrainingLength,
	trainLossIncreasingFinding,
	trainingLengthFindings
} from './findings/curves';
import { boundaryFindings, infeasibleFinding, instabilityFinding } from './findings/search-space';
import { FINDING_IDS, SEVERITIES, type Finding } from './findings/types';
import { earlyStoppingFinding } from './findings/early-stopping';

export {
	FINDING_IDS,
	SECTIONS,
	SEVERITIES,
	type EvidencePlot,
	type Finding,
	type FindingId,
	type NextStudySuggestion,
	type Severity
} from './findings/types';

/**
 * Every finding for the study under the objective `choice`, most severe first, then in the order of
 * FINDING_IDS (and, within one id, in the order the study lists its parameters).
 */
export function analyzeStudy(study: Study, choice: ObjectiveChoice = defaultChoice(study)): Finding[] {
	const ctx = new StudyContext(study, choice);
	const findings = [
		...boundaryFindings(ctx),
		...infeasibleFinding(ctx),
		...overfittingFinding(ctx),
		...lateVarianceFinding(ctx),
		// Advice on maxTrainSteps comes from two detectors; when they disagree one finding says so.
		...reconcileTrainingLength(ctx, [...trainingLengthFindings(ctx), ...bestStepFindings(ctx)]),
		...trainLossIncreasingFinding(ctx),
		...instabilityFinding(ctx),
		...aggressiveClippingFinding(ctx),
		...earlyStoppingFinding(ctx)
	];
	// A stable sort: ties keep the order above.
	return findings.sort(
		(a, b) =>
			SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) ||
			FINDING_IDS.indexOf(a.id) - FINDING_IDS.indexOf(b.id)
	);
}
