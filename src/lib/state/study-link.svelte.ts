// The study-link flow on the first page: read the `?study=` file, show what it holds and whether this
// browser already has it, and import it only when the person confirms (an imported copy is reused,
// never duplicated).
import type { StudyRecord } from '$lib/storage/schema';
import { findStudyBySourceHash } from '$lib/storage/studies';
import { studySourceHash } from '$lib/storage/study-transfer';
import { parseStudyFile } from '$lib/study/study-file';
import type { Study } from '$lib/study/study';
import type { LabState } from './lab.svelte';
import { fetchStudyText, resolveStudyLink } from '../study/study-link';

export interface StudyLinkPreview {
	/** Where the file came from, in words: its path, or "this link". */
	source: string;
	text: string;
	study: Study;
	/** The copy this browser already holds, if any (opening the link again reuses it). */
	existing: StudyRecord | undefined;
}

export type StudyLinkState =
	| { kind: 'idle' }
	| { kind: 'loading'; source: string }
	| { kind: 'preview'; preview: StudyLinkPreview }
	| { kind: 'refused'; messages: string[] };

export class StudyLinkFlow {
	state = $state.raw<StudyLinkState>({ kind: 'idle' });

	constructor(private readonly lab: LabState) {}

	/** Reads the study a `?study=` value points at and shows it; imports nothing. */
	async open(value: string, page: URL, fetcher: typeof fetch = fetch): Promise<void> {
		const target = resolveStudyLink(value, page);
		if (target.kind === 'refused') {
			this.state = { kind: 'refused', messages: [target.message] };
			return;
		}
		const source = target.kind === 'url' ? target.url.pathname : 'this link';
		this.state = { kind: 'loading', source };
		let text: string;
		if (target.kind === 'url') {
			const fetched = await fetchStudyText(target.url, fetcher);
			if (!fetched.ok) {
				this.state = { kind: 'refused', messages: [fetched.message] };
				return;
			}
			text = fetched.text;
		} else {
			text = target.text;
		}
		const parsed = parseStudyFile(text);
		if (!parsed.ok) {
			this.state = {
				kind: 'refused',
				messages: [
					`The study from ${source} is not valid; nothing was saved.`,
					...parsed.errors.slice(0, 20).map((e) => `${e.path}: ${e.message}`)
				]
			};
			return;
		}
		const found = await findStudyBySourceHash(this.lab.db, await studySourceHash(parsed.study));
		const existing = found && (found.imported || found.status === 'draft') ? found : undefined;
		this.state = { kind: 'preview', preview: { source, text, study: parsed.study, existing } };
	}

	/** Imports the previewed study (or returns the copy already here); undefined when refused. */
	async confirm(): Promise<StudyRecord | undefined> {
		if (this.state.kind !== 'preview') return undefined;
		const { preview } = this.state;
		if (preview.existing) return preview.existing;
		const result = await this.lab.importStudyText(preview.text);
		if (!result.ok) {
			this.state = { kind: 'refused', messages: ['Nothing was saved.', ...result.errors.slice(0, 20)] };
			return undefined;
		}
		this.state = { kind: 'idle' };
		return result.study;
	}

	dismiss(): void {
		this.state = { kind: 'idle' };
	}
}
