// The optional second file of a shared study: the best checkpoint of each of its best trials
// (`"format": "tuning-lab.checkpoints"`), so whoever imports the study can also sample from, export or
// inspect those models. It names the study file it belongs to by that file's hash (the hash the lab
// stores on an imported study), so it can only be attached to exactly that study. Weights are
// little-endian float32 bytes in base64. Everything is checked before anything is written, and all
// checkpoints are written in one transaction.
import { bestCheckpoint, type CheckpointMeta } from '$lib/math/checkpoint-retention';
import { childPath, describeValue, isPlainObject } from '$lib/study/json-path';
import { scanJson } from '$lib/study/study-file';
import type { EvalRow } from '$lib/study/metrics';
import type { Objective } from '$lib/study/study';
import type { TrialCheckpoint } from '$lib/training/checkpoint-data';
import { checkpointBytes } from '$lib/training/checkpoint-data';
import type { CheckpointRecord, LabDb, StudyRecord, TrialRecord } from './schema';
import { findStudyBySourceHash, listStudyTrials } from './studies';
import { MAX_CHECKPOINTS_FILE_BYTES } from '$lib/study/file-limits';

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
			)
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
 * objective value; trials without a finite one are left out), in rank order.
 */
export async function bestTrialCheckpoints(
	db: LabDb,
	study: StudyRecord,
	count: number
): Promise<CheckpointEntry[]> {
	const objective = study.definition.objective;
	const ranked = (await listStudyTrials(db, study.id))
		.filter((t) => Number.isFinite(trialScore(t, objective)))
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
// Reading

class Problems {
	readonly list: string[] = [];
	add(path: string, message: string): void {
		if (this.list.length < 50) this.list.push(`${path}: ${message}`);
	}
}

function readInteger(problems: Problems, record: Record<string, unknown>, key: string, path: string) {
	const value = record[key];
	if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
	problems.add(childPath(path, key), `expected an integer ≥ 0, got ${describeValue(value)}`);
	return undefined;
}

function readNumber(problems: Problems, value: unknown, path: string): number | undefined {
	if (value === null) return Number.NaN;
	if (typeof value === 'number') return value;
	problems.add(path, `expected a number or null, got ${describeValue(value)}`);
	return undefined;
}

function checkKeys(problems: Problems, record: Record<string, unknown>, path: string, valid: string[]) {
	for (const key of Object.keys(record))
		if (!valid.includes(key))
			problems.add(childPath(path, key), `unknown key; valid keys are ${valid.join(', ')}`);
	for (const key of valid) if (!Object.hasOwn(record, key)) problems.add(childPath(path, key), 'required');
}

function readArrays(problems: Problems, value: unknown, path: string, sizes?: number[]) {
	if (!Array.isArray(value)) {
		problems.add(path, `expected a list of base64 arrays, got ${describeValue(value)}`);
		return undefined;
	}
	if (sizes && value.length !== sizes.length) {
		problems.add(path, `expected ${sizes.length} arrays (one per parameter), got ${value.length}`);
		return undefined;
	}
	const out: Float32Array[] = [];
	for (let i = 0; i < value.length; i++) {
		const at = childPath(path, i);
		const item: unknown = value[i];
		if (typeof item !== 'string') {
			problems.add(at, `expected base64 text, got ${describeValue(item)}`);
			return undefined;
		}
		const floats = base64ToFloats(item);
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

function checkEntry(problems: Problems, value: unknown, path: string): CheckpointEntry | undefined {
	if (!isPlainObject(value)) {
		problems.add(path, `expected a checkpoint object, got ${describeValue(value)}`);
		return undefined;
	}
	const before = problems.list.length;
	checkKeys(problems, value, path, [
		'index',
		'step',
		'paramNames',
		'params',
		'optimizer',
		'averagers',
		'batchOrder',
		'initialLoss',
		'evalRow'
	]);
	const index = readInteger(problems, value, 'index', path);
	const step = readInteger(problems, value, 'step', path);
	const names = value.paramNames;
	if (!Array.isArray(names) || !names.every((n) => typeof n === 'string' && n.length <= 200))
		problems.add(`${path}.paramNames`, 'expected a list of parameter names (text, at most 200 characters)');
	const params = readArrays(problems, value.params, `${path}.params`);
	if (params && Array.isArray(names) && names.length !== params.length)
		problems.add(`${path}.params`, `expected ${names.length} arrays like paramNames, got ${params.length}`);
	const sizes = params?.map((p) => p.length);
	const optimizer = value.optimizer;
	const slots: Record<string, Float32Array[]> = {};
	let optimizerStep: number | undefined;
	if (!isPlainObject(optimizer)) problems.add(`${path}.optimizer`, 'expected an object with step and slots');
	else {
		checkKeys(problems, optimizer, `${path}.optimizer`, ['step', 'slots']);
		optimizerStep = readInteger(problems, optimizer, 'step', `${path}.optimizer`);
		if (!isPlainObject(optimizer.slots)) problems.add(`${path}.optimizer.slots`, 'expected an object');
		else
			for (const [name, arrays] of Object.entries(optimizer.slots)) {
				const read = readArrays(problems, arrays, childPath(`${path}.optimizer.slots`, name), sizes);
				if (read) slots[name] = read;
			}
	}
	const averagers: TrialCheckpoint['averagers'] = [];
	if (!Array.isArray(value.averagers)) problems.add(`${path}.averagers`, 'expected a list');
	else
		value.averagers.forEach((a: unknown, i) => {
			const at = childPath(`${path}.averagers`, i);
			if (!isPlainObject(a)) return problems.add(at, `expected an object, got ${describeValue(a)}`);
			checkKeys(problems, a, at, ['kind', 'updates', 'average']);
			const kind = AVERAGER_KINDS.find((k) => k === a.kind);
			if (!kind) problems.add(`${at}.kind`, `expected one of ema, swa, got ${describeValue(a.kind)}`);
			const updates = readInteger(problems, a, 'updates', at);
			const average = readArrays(problems, a.average, `${at}.average`, sizes);
			if (kind && updates !== undefined && average) averagers.push({ kind, state: { updates, average } });
		});
	const order = value.batchOrder;
	let batchOrder: TrialCheckpoint['batchOrder'] | undefined;
	if (!isPlainObject(order)) problems.add(`${path}.batchOrder`, 'expected an object');
	else {
		checkKeys(problems, order, `${path}.batchOrder`, ['epochSeedState', 'epoch', 'position']);
		const epochSeedState = readInteger(problems, order, 'epochSeedState', `${path}.batchOrder`);
		const epoch = readInteger(problems, order, 'epoch', `${path}.batchOrder`);
		const position = readInteger(problems, order, 'position', `${path}.batchOrder`);
		if (epochSeedState !== undefined && epoch !== undefined && position !== undefined)
			batchOrder = { epochSeedState, epoch, position };
	}
	const initialLoss = readNumber(problems, value.initialLoss, `${path}.initialLoss`);
	const evalRow: Record<string, number> = {};
	if (!isPlainObject(value.evalRow)) problems.add(`${path}.evalRow`, 'expected an evaluation object');
	else {
		for (const key of ['step', 'valLoss', 'valAccuracy'])
			if (!Object.hasOwn(value.evalRow, key)) problems.add(`${path}.evalRow.${key}`, 'required');
		for (const [key, item] of Object.entries(value.evalRow)) {
			const n = readNumber(problems, item, childPath(`${path}.evalRow`, key));
			if (n !== undefined) evalRow[key] = n;
		}
		if (step !== undefined && evalRow.step !== step)
			problems.add(`${path}.evalRow.step`, `expected ${step}, the checkpoint's step`);
	}
	if (
		problems.list.length > before ||
		index === undefined ||
		step === undefined ||
		!params ||
		optimizerStep === undefined ||
		!batchOrder ||
		initialLoss === undefined
	)
		return undefined;
	return {
		index,
		state: {
			step,
			paramNames: names as string[],
			params,
			optimizer: { step: optimizerStep, slots },
			averagers,
			batchOrder,
			initialLoss,
			evalRow: evalRow as unknown as EvalRow
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
	const problems = new Problems();
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
	checkKeys(problems, root, '$', ['format', 'version', 'study', 'checkpoints']);
	let studyHash = '';
	let studyName = '';
	if (!isPlainObject(root.study)) problems.add('$.study', 'expected an object with name and sha256');
	else {
		checkKeys(problems, root.study, '$.study', ['name', 'sha256']);
		if (typeof root.study.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(root.study.sha256))
			problems.add('$.study.sha256', 'expected 64 lowercase hexadecimal digits');
		else studyHash = root.study.sha256;
		if (typeof root.study.name !== 'string' || root.study.name.length > 120)
			problems.add('$.study.name', 'expected text of at most 120 characters');
		else studyName = root.study.name;
	}
	const checkpoints: CheckpointEntry[] = [];
	if (!Array.isArray(root.checkpoints)) problems.add('$.checkpoints', 'expected a list');
	else {
		const seen = new Set<number>();
		root.checkpoints.forEach((item: unknown, i) => {
			const entry = checkEntry(problems, item, `$.checkpoints[${i}]`);
			if (!entry) return;
			if (seen.has(entry.index))
				problems.add(`$.checkpoints[${i}].index`, `trial ${entry.index} already has a checkpoint here`);
			seen.add(entry.index);
			checkpoints.push(entry);
		});
	}
	if (problems.list.length > 0) return { ok: false, errors: problems.list };
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
			const value = (entry.state.evalRow as unknown as Record<string, number | undefined>)[metric];
			const meta: CheckpointMeta = {
				step: entry.state.step,
				value: typeof value === 'number' ? value : Number.NaN,
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
		const why = error instanceof Error ? error.message : String(error);
		return {
			ok: false,
			errors: [`$: the browser refused to store the checkpoints (${why}); nothing was saved`]
		};
	}
	return { ok: true, study, trials: file.checkpoints.length };
}
