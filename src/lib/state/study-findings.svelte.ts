// The checklist's findings for one study under its own objective (best over training), computed once in
// the shared analysis worker and read by every panel that needs them: the checklist lists them, the
// exploitation panel warns about the open ones. Create it while a component initialises (it owns an effect).
import type { Finding } from '$lib/analysis/checklist';
import { defaultChoice } from '$lib/analysis/objective';
import { getAnalysisClient } from '$lib/runner/analysis-client';
import type { Study } from '$lib/study/study';
import { errorMessage } from '$lib/util/error-message';

export class StudyFindings {
	/** null while the worker computes them (or while there is no study yet). */
	findings = $state.raw<Finding[] | null>(null);
	failure = $state<string | null>(null);

	constructor(study: () => Study | null) {
		$effect(() => {
			const current = study();
			let live = true;
			this.findings = null;
			this.failure = null;
			if (!current) return;
			const { metric, reduce } = defaultChoice(current);
			getAnalysisClient()
				.analyze(current, { metric, reduce })
				.then(
					(result) => {
						if (live) this.findings = result;
					},
					(error: unknown) => {
						if (live) this.failure = errorMessage(error);
					}
				);
			return () => {
				live = false;
			};
		});
	}
}
