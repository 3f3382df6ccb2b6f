// Whether reloading into a new version needs the user's confirmation: it does while any tab trains
// a trial, because the reload stops that trial (it resumes later from its latest checkpoint).

export interface ReloadDecision {
	/** The question to ask, or null when reloading interrupts nothing. */
	confirm: string | null;
}

export function reloadDecision(trainingTrials: number): ReloadDecision {
	if (trainingTrials <= 0) return { confirm: null };
	const what = trainingTrials === 1 ? 'A trial is' : `${trainingTrials} trials are`;
	return {
		confirm:
			`${what} training. Reloading now stops ${trainingTrials === 1 ? 'it' : 'them'}; ` +
			'the studies keep everything up to the latest checkpoint and can resume from it. Reload anyway?'
	};
}
