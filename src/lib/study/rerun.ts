// "Clone to re-run": the design of a study as a new study with no results. The source's notes describe
// the source (what was tried, what its results showed), so the clone starts without them unless the
// person asks for them; its conclusion belongs to the source's results and never travels. Pure.
import { MAX_NAME_CHARS, type Study } from './study-schema';

export interface RerunOptions {
	/** Copy the source's notes into the clone (default: the clone starts with none). */
	copyNotes?: boolean;
}

/** The definition of a re-run of `source`: the same design, named "… (re-run)", notes only on request. */
export function rerunDefinition(source: Study, options: RerunOptions = {}): Study {
	const { notes, conclusion: _conclusion, changedBaseline: _changed, ...design } = source;
	const name = `${source.name} (re-run)`.slice(0, MAX_NAME_CHARS);
	return options.copyNotes && notes !== undefined ? { ...design, name, notes } : { ...design, name };
}
