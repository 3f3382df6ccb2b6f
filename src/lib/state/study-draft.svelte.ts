// The study designer's state: one draft, seen as a form and as the study file's text. The form is the
// model; the text follows it, except while the user is typing in it (see TextOverride). Typed text is
// read after a pause; a valid study replaces the form, an invalid one leaves the form alone and its
// problems are listed. The pure logic lives in study-draft-model.ts.
import { PRESETS } from '$lib/study/presets';
import type { ObjectiveMetric, Study } from '$lib/study/study';
import { parseStudyFile } from '$lib/study/study-file';
import type { ConfigKey } from '$lib/study/config-vocabulary';
import type { ModelName } from '$lib/study/trial-config';
import {
	addCondition,
	addFixed,
	addParam,
	draftText,
	fromStudy,
	moveParam,
	planKey,
	previewTrials,
	removeCondition,
	removeFixed,
	removeParam,
	setFixedKey,
	setObjectiveMetric,
	setParamName,
	fixModelKeys,
	dropModelKeys,
	shownText,
	shownTextErrors,
	validateForm,
	type DraftForm,
	type TextOverride,
	type TrialPreview
} from '../designer/draft-model';

/** How long the JSON text rests before it is read, in milliseconds. */
export const TEXT_DEBOUNCE_MS = 300;

export class StudyDraft {
	form = $state<DraftForm>()!;
	/** Recorded trials left out of the last study read from text (a design starts with none). */
	droppedTrials = $state(0);
	private override = $state.raw<TextOverride | null>(null);
	private timer: ReturnType<typeof setTimeout> | null = null;

	readonly formText = $derived(draftText(this.form));
	/** What the JSON view shows. */
	readonly text = $derived(shownText(this.formText, this.override));
	/** Problems of the typed text, while it is shown. */
	readonly textErrors = $derived(shownTextErrors(this.formText, this.override));
	/** True between a keystroke in the JSON view and the moment it is read. */
	pendingText = $state(false);
	readonly validation = $derived(validateForm(this.form));
	readonly study = $derived<Study | null>(this.validation.ok ? this.validation.study : null);
	/** The plan of the valid draft, made again only when something it depends on changes. */
	readonly preview = $derived.by(() => {
		const study = this.study;
		if (study === null) return null;
		const key = planKey(study);
		if (this.lastPlan?.key !== key) this.lastPlan = { key, preview: previewTrials(study) };
		return this.lastPlan.preview;
	});
	// A cache, not state: reading it must not make the preview depend on itself.
	private lastPlan: { key: string; preview: TrialPreview } | null = null;

	constructor(study: Study) {
		this.form = fromStudy(study);
	}

	/** Replaces the whole draft with a study (a preset, an existing study). */
	load(study: Study): void {
		this.cancelPendingText();
		this.form = fromStudy(study);
		this.override = null;
		this.droppedTrials = study.trials.length;
	}

	applyPreset(id: string): boolean {
		const preset = PRESETS.find((p) => p.id === id);
		if (!preset) return false;
		this.load(preset.build());
		return true;
	}

	/** The user typed in the JSON view: keep the text on screen, read it after a pause. */
	editText(text: string): void {
		this.override = { text, basis: this.formText, errors: this.override?.errors ?? [] };
		this.cancelPendingText();
		this.pendingText = true;
		this.timer = setTimeout(() => this.readText(), TEXT_DEBOUNCE_MS);
	}

	/** Reads text now (an opened file, or the end of a pause in typing). Returns whether it was valid. */
	loadText(text: string): boolean {
		this.override = { text, basis: this.formText, errors: [] };
		this.cancelPendingText();
		return this.readText();
	}

	/** Reads typed text at once if it is still waiting for the pause to end. */
	flush(): void {
		if (this.timer === null) return;
		this.cancelPendingText();
		this.readText();
	}

	private readText(): boolean {
		this.timer = null;
		this.pendingText = false;
		const current = this.override;
		if (current === null) return false;
		const parsed = parseStudyFile(current.text);
		if (!parsed.ok) {
			this.override = { ...current, errors: parsed.errors };
			return false;
		}
		this.form = fromStudy(parsed.study);
		this.droppedTrials = parsed.study.trials.length;
		// Keep showing the text as typed; it gives way to the form's own text at the next form edit.
		this.override = { text: current.text, basis: draftText(this.form), errors: [] };
		return true;
	}

	private cancelPendingText(): void {
		if (this.timer !== null) clearTimeout(this.timer);
		this.timer = null;
		this.pendingText = false;
	}

	dispose(): void {
		this.cancelPendingText();
	}

	private edit(change: (form: DraftForm) => DraftForm): void {
		this.form = change($state.snapshot(this.form) as DraftForm);
	}

	setObjectiveMetric(metric: ObjectiveMetric): void {
		this.edit((form) => setObjectiveMetric(form, metric));
	}

	addFixed(): void {
		this.edit((form) => addFixed(form));
	}

	removeFixed(index: number): void {
		this.edit((form) => removeFixed(form, index));
	}

	setFixedKey(index: number, key: ConfigKey): void {
		this.edit((form) => setFixedKey(form, index, key));
	}

	addParam(): void {
		this.edit((form) => addParam(form));
	}

	removeParam(index: number): void {
		this.edit((form) => removeParam(form, index));
	}

	moveParam(index: number, delta: number): void {
		this.edit((form) => moveParam(form, index, delta));
	}

	/** Turns the keys the model does not read into its own (hiddenWidth → cnnWidth…), dropping the rest. */
	fixModelKeys(model: ModelName): void {
		this.edit((form) => fixModelKeys(form, model));
	}

	/** Drops the fixed and searched keys the model does not read. */
	dropModelKeys(model: ModelName): void {
		this.edit((form) => dropModelKeys(form, model));
	}

	setParamName(index: number, name: string): void {
		this.edit((form) => setParamName(form, index, name));
	}

	addCondition(index: number): void {
		this.edit((form) => addCondition(form, index));
	}

	removeCondition(index: number, conditionIndex: number): void {
		this.edit((form) => removeCondition(form, index, conditionIndex));
	}
}
