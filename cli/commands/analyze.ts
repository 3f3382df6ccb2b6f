// `tuning-lab analyze FILE`: what the analysis page shows of a study file with results, as JSON: the
// checklist's findings, each parameter's importance and the best-so-far series. Each comes from the same
// pure function the page uses (src/lib/analysis/checklist.ts and importance.ts, run in the page's analysis
// worker, and best-so-far.ts), so the command and the page always agree.

import { processIo, type CommandIo } from '../args';
import { readStudyFile, studyFileArgs, usageError } from '../study-file-args';
import { bestSoFar } from '../../src/lib/analysis/best-so-far';
import { analyzeStudy, type Finding } from '../../src/lib/analysis/checklist';
import { computeImportance } from '../../src/lib/analysis/importance';
import {
	availableMetrics,
	defaultChoice,
	metricGoal,
	type ObjectiveChoice
} from '../../src/lib/analysis/objective';

/** Exit code of a file that cannot be read or is not a valid study. */
export const EXIT_BAD_FILE = 1;

export const USAGE = `usage: tuning-lab analyze FILE [--metric NAME] [--reduce best|final]

Prints what the analysis page shows of the study file FILE (with results, as written by the lab's export
or by "tuning-lab run") as one JSON object:
  "study"       the study's name
  "objective"   {"metric", "reduce", "goal"}: the objective everything below is computed for
  "findings"    the analysis checklist, most severe first. Each finding has a stable "id" (boundary,
                infeasible-fraction, overfitting, late-variance, still-improving, saturated,
                train-loss-increasing, instability, aggressive-clipping, best-step-early, best-step-late,
                training-length-unclear, early-stopping), a "severity" (problem, warning or info), a "title", a
                "message", the evidence "trials" (indices), the "parameter" (and for boundary the "edge")
                it concerns, the "plot" that shows it, the playbook "section" it rests on, and, when it
                calls for a follow-up study, "nextStudy": {"change"} (the draft itself is created from
                the analysis page); [] when nothing is flagged
  "importance"  [{"name", "importance"}] for every searched parameter, largest first: the share (0 to 1)
                of the objective's variance across completed trials that the parameter alone explains
                (fANOVA on a random forest, as on the page; all 0 with fewer than 4 completed trials)
  "bestSoFar"   [{"index", "value", "trial"}]: after each trial that ran to an end (completed or
                infeasible), in index order, the best value so far and the trial that holds it (the
                running minimum, or maximum for an accuracy)

Options:
  --metric NAME     the objective: valLoss, valAccuracy, trainLoss or any evaluation metric the trials
                    logged (default: the study's objective metric)
  --reduce R        best (its best value over training, the default) or final (its last value)

Exits with 0 after printing, 1 when FILE cannot be read or is not a valid study file, 2 for bad usage.
`;

/** The finding as printed: fixed key order, and the drafted study reduced to what it changes. */
function printable(finding: Finding): Record<string, unknown> {
	return {
		id: finding.id,
		severity: finding.severity,
		title: finding.title,
		message: finding.message,
		trials: finding.trials,
		...(finding.parameter === undefined ? {} : { parameter: finding.parameter }),
		...(finding.edge === undefined ? {} : { edge: finding.edge }),
		plot: finding.plot,
		section: finding.section,
		...(finding.nextStudy ? { nextStudy: { change: finding.nextStudy.change } } : {})
	};
}

export async function run(argv: readonly string[], io: CommandIo = processIo): Promise<number> {
	const args = studyFileArgs('analyze', argv, io, {
		metric: { type: 'string' },
		reduce: { type: 'string' }
	});
	if (args === 'help') {
		await io.out(USAGE);
		return 0;
	}
	if (typeof args === 'number') return args;
	const { file, values } = args;
	const reduce = values.reduce;
	if (reduce !== undefined && reduce !== 'best' && reduce !== 'final') {
		return usageError('analyze', io, `--reduce: expected best or final, got ${JSON.stringify(reduce)}`);
	}

	const study = await readStudyFile('analyze', file, io);
	if (!study) return EXIT_BAD_FILE;
	const base = defaultChoice(study);
	const metric = values.metric;
	if (metric !== undefined) {
		const known = availableMetrics(study.trials);
		if (!known.includes(metric as string) && metric !== study.objective.metric) {
			return usageError(
				'analyze',
				io,
				`--metric: ${JSON.stringify(metric)} is not logged by this study; it has ${known.join(', ')}`
			);
		}
	}
	const choice: ObjectiveChoice = {
		metric: typeof metric === 'string' ? metric : base.metric,
		reduce: reduce ?? base.reduce
	};
	const report = {
		study: study.name,
		objective: { ...choice, goal: metricGoal(choice.metric) },
		findings: analyzeStudy(study, choice).map(printable),
		importance: computeImportance(study, choice),
		bestSoFar: bestSoFar(study, choice)
	};
	await io.out(`${JSON.stringify(report, null, '\t')}\n`);
	return 0;
}
