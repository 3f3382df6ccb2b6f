// The optional second file of a shared study: the best checkpoint of each of its best trials
// (`"format": "tuning-lab.checkpoints"`), so whoever imports the study can also sample from, export or
// inspect those models. It names the study file it belongs to by that file's hash (the hash the lab
// stores on an imported study), so it can only be attached to exactly that study. Weights are
// little-endian float32 bytes in base64. Everything is checked before anything is written, and all
// checkpoints are written in one transaction.
import { bestCheckpoint, type CheckpointMeta } from '$lib/math/checkpoint-retention';
import { objectiveSeries, objectiveValue } from '$lib/study/objective';
import * as v from 'valibot';
import { childPath, describeValue, isPlainObject } from '$lib/study/json-path';
import {
	choice,
	count,
	expecting,
	got,
	issueProblems,
	noArrays,
	numberSchema,
	objectMessage,
	strict
} from '$lib/study/schema-kit';
import { scanJson } from '$lib/study/study-file';
import type { EvalRow } from '$lib/study/metrics';
import type { Objective } from '$lib/study/study';
import type { TrialCheckpoint } from '$lib/training/checkpoint-data';
import { checkpointBytes } from '$lib/training/checkpoint-data';
import type { CheckpointRecord, LabDb, StudyRecord, TrialRecord } from './schema';
import { findStudyBySourceHash, listStudyTrials } from './studies';
import { readMetrics } from './trials';
import { MAX_CHECKPOINTS_FILE_BYTES } from '$lib/study/file-limits';
import { errorMessage } from '$lib/util/error-message';

export const CHECKPOINTS_FORMAT = 'tuning-lab.checkpoints';
export const CHECKPOINTS_VERSION = 1;

const AVERAGER_KINDS = ['ema', 'swa'] as const;

/** One trial's checkpoint as the file holds it. */
export interface CheckpointEntry {
	index: number;
	state: TrialCheckpoint;
}

export interface CheckpointsFile {
	studyHash: string;
	studyName: string;
	checkpoints: CheckpointEntry[];
}

export type CheckpointsParse = { ok: true; file: CheckpointsFile } | { ok: false; errors: string[] };

// ---------------------------------------------------------------------------------------------
// Float32 arrays as base64 (little-endian on every platform, so files move between machines).

export function floatsToBase64(values: Float32Array): string {
	const bytes = new Uint8Array(values.length * 4);
	const view = new DataView(bytes.buffer);
	values.forEach((v, i) => view.setFloat32(i * 4, v, true));
	let binary = '';
	// In slices: String.fromCharCode takes its arguments on the stack.
	for (let i = 0; i < bytes.length; i += 0x8000) {
		binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
	}
	return btoa(binary);
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The floats of a base64 string, or a message saying what is wrong with it. */
export function base64ToFloats(text: string): Float32Array | string {
	if (!BASE64.test(text)) return 'expected base64 text (A–Z, a–z, 0–9, +, / and = padding)';
	const binary = atob(text);
	if (binary.length % 4 !== 0) return `holds ${binary.length} bytes, not a whole number of float32 values`;
	const view = new DataView(new ArrayBuffer(binary.length));
	for (let i = 0; i < binary.length; i++) view.setUint8(i, binary.charCodeAt(i));
	const out = new Float32Array(binary.length / 4);
	for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
	return out;
}

// ---------------------------------------------------------------------------------------------
// Writing

const finiteOrNull = (n: number) => (Number.isFinite(n) ? n : null);

function entryForFile(entry: CheckpointEntry): Record<string, unknown> {
	const s = entry.state;
	return {
		index: entry.index,
		step: s.step,
		paramNames: s.paramNames,
		params: s.params.map(floatsToBase64),
		optimizer: {
			step: s.optimizer.step,
			slots: Object.fromEntries(
				Object.entries(s.optimizer.slots).map(([name, arrays]) => [name, arrays.map(floatsToBase64)])
			),
			// A float64 in JSON's shortest round-trip form: read back, it is the same number.
			...(s.optimizer.rateSquaredSum !== undefined ? { rateSquaredSum: s.optimizer.rateSquaredSum } : {})
		},
		averagers: s.averagers.map((a) => ({
			kind: a.kind,
			updates: a.state.updates,
			average: a.state.average.map(floatsToBase64)
		})),
		batchOrder: { ...s.batchOrder },
		initialLoss: finiteOrNull(s.initialLoss),
		evalRow: Object.fromEntries(Object.entries(s.evalRow).map(([k, v]) => [k, finiteOrNull(v as number)]))
	};
}

export function serializeCheckpoints(file: CheckpointsFile): string {
	return `${JSON.stringify({
		format: CHECKPOINTS_FORMAT,
		version: CHECKPOINTS_VERSION,
		study: { name: file.studyName, sha256: file.studyHash },
		checkpoints: file.checkpoints.map(entryForFile)
	})}\n`;
}

/** The objective's value of a trial for ranking (its best over training); NaN when unknown. */
function trialScore(trial: TrialRecord, objective: Objective): number {
	const metas = trial.checkpoints ?? [];
	return bestCheckpoint(metas, objective.goal)?.value ?? Number.NaN;
}

/**
 * The best checkpoint of each of the study's `count` best trials (ranked by their best checkpoint's
 * objective value; only completed trials with a finite one), in rank order.
 */
export async function bestTrialCheckpoints(
	db: LabDb,
	study: StudyRecord,
	count: number
): Promise<CheckpointEntry[]> {
	const objective = study.definition.objective;
	const ranked = (await listStudyTrials(db, study.id))
		// Only completed trials: a diverged (infeasible), failed or cancelled trial is never shipped as a best.
		.filter((t) => t.status === 'completed' && Number.isFinite(trialScore(t, objective)))
		.sort((a, b) => {
			const d = trialScore(a, objective) - trialScore(b, objective);
			return (objective.goal === 'minimize' ? d : -d) || (a.index ?? 0) - (b.index ?? 0);
		})
		.slice(0, Math.max(0, count));
	const entries: CheckpointEntry[] = [];
	for (const trial of ranked) {
		const best = bestCheckpoint(trial.checkpoints ?? [], objective.goal)!;
		const stored = await db.get('checkpoints', [trial.id, best.step]);
		if (stored) entries.push({ index: trial.index ?? 0, state: stored.state });
	}
	return entries;
}

// ---------------------------------------------------------------------------------------------
// Reading: the file's shape, defined once with valibot (messages from schema-kit.ts), then what the
// shape cannot say: base64 that decodes to whole float32 arrays of the parameters' sizes, one array
// per parameter name, the evaluation at the checkpoint's step, one checkpoint per trial.

/** Missing keys of this file are reported as just "required". */
const REQUIRED = { required: () => 'required' };
const nonNegative = count(0);
const numberOrNull = expecting(v.nullable(v.number(got('a number or null'))), 'a number or null');
/** Float32 arrays, one per parameter, each as little-endian bytes in base64. */
const arrays = expecting(
	v.array(expecting(v.string(got('base64 text')), 'base64 text'), got('a list of base64 arrays')),
	'a list of base64 arrays'
);
const PARAM_NAMES = 'expected a list of parameter names (text, at most 200 characters)';
const evalEntries = { step: numberOrNull, valLoss: numberOrNull, valAccuracy: numberOrNull };

const checkpointSchema = strict(
	{
		/** The trial's index in the study. */
		index: nonNegative,
		step: nonNegative,
		paramNames: expecting(
			v.array(v.pipe(v.string(PARAM_NAMES), v.maxLength(200, PARAM_NAMES)), PARAM_NAMES),
			'a list'
		),
		params: arrays,
		optimizer: strict(
			{
				step: nonNegative,
				/** Each optimizer slot (m, v, …) holds one array per parameter. */
				slots: noArrays(expecting(v.record(v.string(), arrays, got('an object')), 'an object')),
				/** Σ γ² of a schedule-free optimizer: the total weight of its running average. */
				rateSquaredSum: v.optional(numberSchema({ kind: 'number', min: 0 }))
			},
			{ what: 'an object with step and slots (and rateSquaredSum for schedule-free optimizers)', ...REQUIRED }
		),
		averagers: expecting(
			v.array(
				strict(
					{ kind: choice(AVERAGER_KINDS), updates: nonNegative, average: arrays },
					{ what: 'an object', ...REQUIRED }
				),
				got('a list')
			),
			'a list'
		),
		batchOrder: strict(
			{ epochSeedState: nonNegative, epoch: nonNegative, position: nonNegative },
			{ what: 'an object', ...REQUIRED }
		),
		/** null stands for a loss that was not finite. */
		initialLoss: numberOrNull,
		evalRow: noArrays(
			expecting(
				v.objectWithRest(
					evalEntries,
					numberOrNull,
					objectMessage(evalEntries, { what: 'an evaluation object', ...REQUIRED })
				),
				'an evaluation object'
			)
		)
	},
	{ what: 'a checkpoint object', ...REQUIRED }
);

const STUDY_NAME = 'expected text of at most 120 characters';
const SHA256 = 'expected 64 lowercase hexadecimal digits';
export const CheckpointsFileSchema = strict(
	{
		format: v.literal(CHECKPOINTS_FORMAT),
		version: v.literal(CHECKPOINTS_VERSION),
		/** The study file these checkpoints belong to: its name, and the SHA-256 of its text. */
		study: strict(
			{
				name: v.pipe(v.string(STUDY_NAME), v.maxLength(120, STUDY_NAME)),
				sha256: v.pipe(v.string(SHA256), v.regex(/^[0-9a-f]{64}$/, SHA256))
			},
			{ what: 'an object with name and sha256', ...REQUIRED }
		),
		checkpoints: expecting(v.array(checkpointSchema, got('a list')), 'a list')
	},
	{ what: 'an object', ...REQUIRED }
);
/** A checkpoints file as JSON holds it (weights still in base64). */
export type CheckpointsFileJson = v.InferOutput<typeof CheckpointsFileSchema>;
type CheckpointJson = v.InferOutput<typeof checkpointSchema>;

/** Problems reported at most. */
const MAX_PROBLEMS = 50;

class Problems {
	readonly list: string[] = [];
	add(path: string, message: string): void {
		if (this.list.length < MAX_PROBLEMS) this.list.push(`${path}: ${message}`);
	}
}

/** The arrays decoded, each of the size its parameter has (when sizes are known). */
function decodeArrays(problems: Problems, texts: string[], path: string, sizes?: number[]) {
	if (sizes && texts.length !== sizes.length) {
		problems.add(path, `expected ${sizes.length} arrays (one per parameter), got ${texts.length}`);
		return undefined;
	}
	const out: Float32Array[] = [];
	for (const [i, text] of texts.entries()) {
		const at = childPath(path, i);
		const floats = base64ToFloats(text);
		if (typeof floats === 'string') {
			problems.add(at, floats);
			return undefined;
		}
		if (sizes && floats.length !== sizes[i]) {
			problems.add(at, `holds ${floats.length} values; parameter ${i} has ${sizes[i]}`);
			return undefined;
		}
		out.push(floats);
	}
	return out;
}

/** One checkpoint of the right shape, its arrays decoded; undefined with problems reported if not. */
function decodeEntry(problems: Problems, entry: CheckpointJson, path: string): CheckpointEntry | undefined {
	const before = problems.list.length;
	const params = decodeArrays(problems, entry.params, `${path}.params`);
	if (params && entry.paramNames.length !== params.length)
		problems.add(
			`${path}.params`,
			`expected ${entry.paramNames.length} arrays like paramNames, got ${params.length}`
		);
	const sizes = params?.map((p) => p.length);
	const slots: Record<string, Float32Array[]> = {};
	for (const [name, texts] of Object.entries(entry.optimizer.slots)) {
		const read = decodeArrays(problems, texts, childPath(`${path}.optimizer.slots`, name), sizes);
		if (read) slots[name] = read;
	}
	const averagers: TrialCheckpoint['averagers'] = [];
	entry.averagers.forEach(({ kind, updates, average }, i) => {
		const read = decodeArrays(problems, average, `${childPath(`${path}.averagers`, i)}.average`, sizes);
		if (read) averagers.push({ kind, state: { updates, average: read } });
	});
	const evalRow = Object.fromEntries(
		Object.entries(entry.evalRow).map(([key, value]) => [key, value ?? Number.NaN])
	) as unknown as EvalRow;
	if (evalRow.step !== entry.step)
		problems.add(`${path}.evalRow.step`, `expected ${entry.step}, the checkpoint's step`);
	if (problems.list.length > before || !params) return undefined;
	return {
		index: entry.index,
		state: {
			step: entry.step,
			paramNames: entry.paramNames,
			params,
			optimizer:
				entry.optimizer.rateSquaredSum !== undefined
					? { step: entry.optimizer.step, slots, rateSquaredSum: entry.optimizer.rateSquaredSum }
					: { step: entry.optimizer.step, slots },
			averagers,
			batchOrder: { ...entry.batchOrder },
			initialLoss: entry.initialLoss ?? Number.NaN,
			evalRow
		}
	};
}

/** Checks the text of a checkpoints file; every problem comes with its JSON path. */
export function parseCheckpointsFile(text: string): CheckpointsParse {
	const tooLarge = checkpointsSizeProblem(text.length);
	if (tooLarge) return { ok: false, errors: [tooLarge] };
	const scan = scanJson(text);
	if (!scan.ok) {
		const { line, column, message } = scan.problem;
		return { ok: false, errors: [`$: invalid JSON at line ${line}, column ${column}: ${message}`] };
	}
	if (scan.duplicates.length > 0)
		return { ok: false, errors: scan.duplicates.map((d) => `${d.path}: this key is written twice`) };
	const root: unknown = JSON.parse(text);
	if (!isPlainObject(root))
		return { ok: false, errors: [`$: expected an object, got ${describeValue(root)}`] };
	if (root.format !== CHECKPOINTS_FORMAT) {
		return {
			ok: false,
			errors: [`$.format: expected "${CHECKPOINTS_FORMAT}", got ${describeValue(root.format)}`]
		};
	}
	if (root.version !== CHECKPOINTS_VERSION) {
		const newer = typeof root.version === 'number' && root.version > CHECKPOINTS_VERSION;
		return {
			ok: false,
			errors: [
				newer
					? `$.version: this file comes from a newer Tuning Lab (checkpoints version ${root.version}); this one reads version ${CHECKPOINTS_VERSION}`
					: `$.version: expected ${CHECKPOINTS_VERSION}, got ${describeValue(root.version)}`
			]
		};
	}
	const problems = new Problems();
	const parsed = v.safeParse(CheckpointsFileSchema, root, { abortPipeEarly: true });
	for (const { path, message } of issueProblems(parsed.issues)) problems.add(path, message);
	if (!parsed.success) return { ok: false, errors: problems.list };
	const checkpoints: CheckpointEntry[] = [];
	const seen = new Set<number>();
	parsed.output.checkpoints.forEach((item, i) => {
		const entry = decodeEntry(problems, item, `$.checkpoints[${i}]`);
		if (!entry) return;
		if (seen.has(entry.index))
			problems.add(`$.checkpoints[${i}].index`, `trial ${entry.index} already has a checkpoint here`);
		seen.add(entry.index);
		checkpoints.push(entry);
	});
	if (problems.list.length > 0) return { ok: false, errors: problems.list };
	const { name: studyName, sha256: studyHash } = parsed.output.study;
	return { ok: true, file: { studyHash, studyName, checkpoints } };
}

export function checkpointsSizeProblem(bytes: number): string | undefined {
	if (bytes <= MAX_CHECKPOINTS_FILE_BYTES) return undefined;
	return (
		`$: the checkpoints file is ${(bytes / 2 ** 20).toFixed(0)} MiB, over the ` +
		`${MAX_CHECKPOINTS_FILE_BYTES / 2 ** 20} MiB limit; nothing was read`
	);
}

export type CheckpointsImport =
	{ ok: true; study: StudyRecord; trials: number } | { ok: false; errors: string[] };

/**
 * Attaches a checkpoints file to the study it was exported with (found by the study file's hash,
 * so the study must be imported first). Checks every checkpoint against its trial (it must exist, and
 * the step must lie within its run) and writes them all in one transaction, or none. Importing the
 * same file twice writes the same records again: nothing is duplicated.
 */
export async function importCheckpoints(db: LabDb, text: string): Promise<CheckpointsImport> {
	const parsed = parseCheckpointsFile(text);
	if (!parsed.ok) return parsed;
	const { file } = parsed;
	const study = await findStudyBySourceHash(db, file.studyHash);
	if (!study) {
		return {
			ok: false,
			errors: [
				`$.study.sha256: no study in this browser was imported from the study file these checkpoints ` +
					`belong to ("${file.studyName.slice(0, 60)}"); import that study file first, then this one`
			]
		};
	}
	const trials = new Map((await listStudyTrials(db, study.id)).map((t) => [t.index ?? -1, t]));
	const errors: string[] = [];
	file.checkpoints.forEach((entry, i) => {
		const trial = trials.get(entry.index);
		if (!trial) errors.push(`$.checkpoints[${i}].index: the study has no trial ${entry.index}`);
		else if (entry.state.step > trial.config.maxTrainSteps)
			errors.push(
				`$.checkpoints[${i}].step: step ${entry.state.step} lies past the trial's ${trial.config.maxTrainSteps} steps`
			);
	});
	if (errors.length > 0) return { ok: false, errors };
	const metric = study.definition.objective.metric;
	// A checkpoint's value is the objective at its evaluation. Files written before the loop logged the
	// trainLoss column lack it in `evalRow`: the trial's own metric rows give it (objective.ts).
	const seriesValue = new Map<string, number>();
	if (metric === 'trainLoss') {
		for (const entry of file.checkpoints) {
			if (!Number.isNaN(objectiveValue(entry.state.evalRow, metric))) continue;
			const trial = trials.get(entry.index)!;
			for (const p of objectiveSeries(await readMetrics(db, trial.id), metric)) {
				seriesValue.set(`${trial.id}:${p.step}`, p.value);
			}
		}
	}
	const tx = db.transaction(['trials', 'checkpoints'], 'readwrite');
	tx.done.catch(() => undefined);
	try {
		for (const entry of file.checkpoints) {
			const trial = trials.get(entry.index)!;
			const record: CheckpointRecord = {
				trialId: trial.id,
				step: entry.state.step,
				createdAt: Date.now(),
				state: entry.state
			};
			await tx.objectStore('checkpoints').put(record);
			const meta: CheckpointMeta = {
				step: entry.state.step,
				value:
					seriesValue.get(`${trial.id}:${entry.state.step}`) ?? objectiveValue(entry.state.evalRow, metric),
				bytes: checkpointBytes(entry.state)
			};
			const fresh = (await tx.objectStore('trials').get(trial.id))!;
			const metas = [...(fresh.checkpoints ?? []).filter((c) => c.step !== meta.step), meta];
			await tx
				.objectStore('trials')
				.put({ ...fresh, checkpoints: metas.sort((a, b) => a.step - b.step), updatedAt: Date.now() });
		}
		await tx.done;
	} catch (error) {
		const why = errorMessage(error);
		return {
			ok: false,
			errors: [`$: the browser refused to store the checkpoints (${why}); nothing was saved`]
		};
	}
	return { ok: true, study, trials: file.checkpoints.length };
}
