// `tuning-lab run FILE --out OUT`: runs a study with the app itself, so the trials train exactly as
// they do in the lab (same workers, same tfjs backends, same divergence checks and export). The file
// is checked like `tuning-lab validate`; the built app (rebuilt first when its sources are newer) is
// served on a loopback port and opened in headless Chromium, and the page's automation API,
// `window.tuningLab`, imports the study, trains its trials and hands back the exported study file,
// which is written to OUT. Progress is polled from the page and printed as it comes. With a kept
// --profile, running the same study again continues a run that was cut off (killed, crashed, Ctrl-C)
// from the checkpoints in that profile instead of starting over.

import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { parsePositiveInteger, processIo, type CommandIo } from '../args';
import {
	BUILD_DIR,
	REPO_ROOT,
	buildApp,
	checkBuild,
	claimProfile,
	openAppSession,
	waitForGlobal
} from '../browser-session';
import {
	AUTOMATION_GLOBAL,
	type AdapterDescription,
	type AutomationProgress,
	type AutoPick,
	type ContinuedTrial,
	type FinishedTrial,
	type RunStudyOptions
} from '../../src/lib/automation/protocol';
import { formatShard, inShard, parseShard, selectShard, type Shard } from '../../src/lib/study/shard';
import { canonicalJson, describeStatuses } from '../study-merge';
import { BACKEND_CHOICES, ENGINE_CHOICES } from '../../src/lib/study/config-vocabulary';
import { parseStudyFile, serializeStudy } from '../../src/lib/study/study-file';
import {
	BAYESIAN_SHARD_MESSAGE,
	HALVING_SHARD_MESSAGE,
	planTrials,
	type PlannedTrial
} from '../../src/lib/study/study-trials';
import type { Study, TrialRecord } from '../../src/lib/study/study';
import { EXIT_INVALID, loadStudyArgument, studyFileArgs, usageError } from '../study-file-args';
import { errorMessage } from '../../src/lib/util/error-message';
import { adapterFromInfo, adapterText, type AdapterInfoLike } from '../../src/lib/training/backend-report';
import { CHROMIUM_ARGS, GPU_NODE_ARGS } from '../../scripts/chromium-args.mjs';

export const USAGE = `usage: tuning-lab run FILE --out OUT [--backend B] [--engine E] [--concurrency K] [--shard I/N]
                      [--profile DIR] [--progress-every S] [--allow-software-gpu]

Runs the study in FILE with the Tuning Lab app itself, in headless Chromium, and writes the study with
its results (the app's export) to OUT. FILE is checked like "tuning-lab validate" first. The app is
rebuilt (npx vite build) when build/ is missing or older than its sources.

Options:
  --out OUT          where to write the exported study file (folders are created)
  --backend B        auto, webgpu, webgl, wasm or cpu, for every trial (default: as the study says)
  --engine E         auto, tfjs or jax, for every trial (default: as the study says); auto measures
                     each engine x backend pair on the workload once and trains on the fastest
  --concurrency K    how many trials train at once (default: the app's choice for the backend)
  --shard I/N        run only the trials whose index is I modulo N (0 <= I < N); merge the shards'
                     files with "tuning-lab merge"
  --profile DIR      keep the browser profile (and the app's stored studies) in DIR instead of a
                     temporary profile that is deleted afterwards; running the same FILE again with
                     the same DIR resumes a run that was cut off, from its latest checkpoints
  --progress-every S print the progress summary every S seconds (default 10; at most ten a second)
                     when standard output is not a terminal; on a terminal it is redrawn in place
                     twice a second
  --allow-software-gpu train on webgpu even when Chromium's WebGPU adapter is a software fallback
                     (SwiftShader and the like, which emulate a GPU on the CPU); without it a run
                     whose trials train on webgpu refuses to start on such an adapter

Every line of a finished trial names the engine and backend it trained on, and on webgpu the adapter;
the exported trials record it too ("adapter"). With auto, the run says which engine and backend it
picked for each workload and the speeds it measured to choose.
OUT is written only once the app's export checks out: a valid study file holding a record of every
planned trial with the parameters FILE plans for it; otherwise the problems are printed, an existing OUT
is left as it was, and the exit code is 1.

Prints one line per finished trial, one per trial that continues from a stored checkpoint, and a
progress summary. Exits with 0 when every trial ran to the end (completed, or infeasible because it
diverged), 1 when a trial failed or the run could not be done (also when another browser uses DIR),
2 for bad usage, and 130 when interrupted.
`;

/** Exit code after Ctrl-C (128 + SIGINT), as shells report it. */
export const EXIT_INTERRUPTED = 130;

/** How long the page may take to define window.tuningLab. */
const API_TIMEOUT_MS = 60_000;
/** How often progress is read from the page on a terminal, and at most between summaries otherwise. */
const POLL_MS = 500;
/** The shortest time between two readings of the page's progress, in milliseconds. */
const MIN_POLL_MS = 100;
/** How often a summary line is printed when stdout is not a terminal (and something changed), by default. */
const SUMMARY_EVERY_S = 10;
/** Statuses of a trial that ran to its end; any other status makes the run exit with 1. */
const RAN_TO_END: readonly string[] = ['completed', 'infeasible'];

/** "40 s", "3 min 20 s", "1 h 05 min". */
export function formatDuration(seconds: number): string {
	const s = Math.max(0, Math.round(seconds));
	if (s < 60) return `${s} s`;
	if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
	return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

/**
 * How often progress is read from the page, in milliseconds: twice a second on a terminal; otherwise
 * as often as summaries are due, up to twice a second (a summary can only show what a reading saw),
 * and never more often than every MIN_POLL_MS.
 */
export function pollEveryMs(tty: boolean, summaryEveryMs: number): number {
	return tty ? POLL_MS : Math.max(MIN_POLL_MS, Math.min(POLL_MS, summaryEveryMs));
}

/**
 * `[run] 3/6 trials done · trial 4 step 120/300 (saved 100) · ETA 40 s`. A trial that has not
 * reported a step yet is `starting`, with the checkpoint it continues from when it has one.
 */
export function summaryLine(snapshot: AutomationProgress): string {
	const parts = [`${snapshot.done}/${snapshot.total} trials done`];
	if (snapshot.running.length > 0) {
		parts.push(
			[...snapshot.running]
				.sort((a, b) => a.index - b.index)
				.map(({ index, step, maxTrainSteps, saved }) => {
					const stored = saved != null ? ` (saved ${saved})` : '';
					return maxTrainSteps > 0
						? `trial ${index} step ${step}/${maxTrainSteps}${stored}`
						: `trial ${index} starting${stored}`;
				})
				.join(', ')
		);
	}
	if (snapshot.etaSeconds !== null && Number.isFinite(snapshot.etaSeconds)) {
		parts.push(`ETA ${formatDuration(snapshot.etaSeconds)}`);
	}
	return `[run] ${parts.join(' · ')}`;
}

function formatValue(value: number): string {
	return Number.isFinite(value) ? String(Number(value.toPrecision(4))) : String(value);
}

function formatParams(params: PlannedTrial['params']): string {
	return Object.entries(params)
		.map(([name, value]) => `${name}=${typeof value === 'number' ? formatValue(value) : String(value)}`)
		.join(' ');
}

/**
 * Turns progress snapshots into terminal output: one line per finished trial, and a summary that is
 * redrawn in place on a terminal and printed every `summaryEveryMs` otherwise.
 */
/** The adapter in one line: its names, and "(fallback)" for a software adapter. */
export function describeAdapter(adapter: AdapterDescription): string {
	return adapterText(adapter) || 'an adapter that gives no name';
}

/**
 * Why a run on webgpu does not start on this adapter, and what to check: a software adapter trains, but
 * many times slower than a GPU (docs/BENCHMARKS.md), which a node that was meant to have one should
 * not do without a word.
 */
export function softwareGpuRefusal(adapter: AdapterDescription | null, problem?: string): string {
	const what =
		adapter === null
			? `Chromium offers no WebGPU adapter here (${problem ?? 'none found'})`
			: `Chromium's WebGPU adapter here is a software fallback: ${describeAdapter(adapter)}. It emulates a ` +
				'GPU on the CPU and trains many times slower than a GPU';
	return [
		`run: refusing to train on webgpu: ${what}.`,
		'run: check that Chromium reaches the GPU through Vulkan:',
		`run: - Chromium's flags: a Linux GPU node needs Vulkan, e.g. TUNING_LAB_CHROMIUM_ARGS="${GPU_NODE_ARGS.join(' ')}" ` +
			'(added to the flags of scripts/chromium-args.mjs; now: ' +
			`${CHROMIUM_ARGS.join(' ')})`,
		"run: - the Vulkan driver: `vulkaninfo --summary` must list the GPU (NVIDIA: the driver's Vulkan ICD; in a " +
			'container NVIDIA_DRIVER_CAPABILITIES must include graphics)',
		adapter === null
			? 'run: or train on another backend (--backend wasm)'
			: 'run: or pass --allow-software-gpu to train on this software adapter anyway',
		''
	].join('\n');
}

/** `[run] auto picked tfjs on wasm for mlp/digits/w32d1/batch64: 120 steps/s, the fastest of …` */
export function autoPickLine(pick: AutoPick, adapter?: AdapterDescription | null): string {
	const rate = (v: number) => `${Number(v.toPrecision(3))} steps/s`;
	const chosen = pick.measured.find((m) => m.engine === pick.engine && m.backend === pick.backend);
	const head = `[run] auto picked ${pick.engine} on ${pick.backend} for ${pick.workload}`;
	if (pick.measured.length === 0)
		return `${head}: kept from an earlier run of this study (no measurement stored)`;
	const others = pick.measured
		.filter((m) => m !== chosen)
		.map((m) =>
			m.stepsPerSecond !== undefined
				? `${m.engine}/${m.backend} ${rate(m.stepsPerSecond)}`
				: `${m.engine}/${m.backend} failed (${m.error ?? 'no reason given'})`
		);
	const why =
		chosen?.stepsPerSecond === undefined
			? 'the pair the measurement chose'
			: `${rate(chosen.stepsPerSecond)}, the fastest measured on this workload`;
	const gpu = pick.measured.some((m) => m.backend === 'webgpu')
		? adapter
			? `; WebGPU adapter: ${describeAdapter(adapter)}${adapter.isFallback ? ', a software adapter' : ''}`
			: '; no WebGPU adapter'
		: '';
	return `${head}: ${why}${others.length > 0 ? ` (others: ${others.join(', ')})` : ''}${gpu}`;
}

/** `[run] trial 1 continues from its checkpoint at step 900` */
export function continuedLine({ index, fromStep }: ContinuedTrial): string {
	return `[run] trial ${index} continues from its checkpoint at step ${fromStep}`;
}

/** A finished trial as a line shows it: the adapter in words. */
type FinishedLine = Omit<FinishedTrial, 'adapter'> & { adapter?: string };

class ProgressPrinter {
	private readonly reported = new Set<number>();
	private readonly continuedReported = new Set<number>();
	private lastSummary = '';
	private lastSummaryAt = 0;
	private statusShown = false;
	private resumeReported = false;
	private readonly picksReported = new Set<string>();
	/** The WebGPU adapter of this browser (null: none), once the run has looked. */
	adapter: AdapterDescription | null | undefined;

	constructor(
		private readonly io: CommandIo,
		private readonly tty: boolean,
		private readonly summaryEveryMs: number,
		private readonly study: Study,
		private readonly planned: ReadonlyMap<number, PlannedTrial>,
		private readonly profileDir: string | undefined
	) {}

	private async clearStatus(): Promise<void> {
		if (!this.statusShown) return;
		this.statusShown = false;
		await this.io.out('\r\x1b[K');
	}

	/** Says once that the page continued an unfinished run of the study instead of starting a new one. */
	async resumed(): Promise<void> {
		if (this.resumeReported) return;
		this.resumeReported = true;
		const where = this.profileDir === undefined ? 'the browser profile' : this.profileDir;
		await this.clearStatus();
		await this.io.out(
			`[run] resuming the unfinished run of this study found in ${where}: finished trials are kept, ` +
				`interrupted ones continue from their latest checkpoint\n`
		);
	}

	/** Says once per trial that it continues from a stored checkpoint rather than from step 0. */
	async continued(trials: readonly ContinuedTrial[]): Promise<void> {
		for (const trial of trials) {
			if (this.continuedReported.has(trial.index)) continue;
			this.continuedReported.add(trial.index);
			await this.clearStatus();
			await this.io.out(`${continuedLine(trial)}\n`);
		}
	}

	/** Says once per workload what `auto` picked for it and why. */
	async picked(picks: readonly AutoPick[]): Promise<void> {
		for (const pick of picks) {
			if (this.picksReported.has(pick.workload)) continue;
			this.picksReported.add(pick.workload);
			await this.clearStatus();
			await this.io.out(`${autoPickLine(pick, this.adapter)}\n`);
		}
	}

	/** `[run] trial 3 completed · best valLoss 0.4123 · tfjs on wasm · hiddenWidth=64 learningRate=0.01` */
	async trialFinished(trial: FinishedLine): Promise<void> {
		if (this.reported.has(trial.index)) return;
		this.reported.add(trial.index);
		const parts = [`[run] trial ${trial.index} ${trial.status}`];
		if (trial.best !== undefined)
			parts.push(`best ${this.study.objective.metric} ${formatValue(trial.best)}`);
		if (trial.backend !== undefined) {
			const on = `${trial.engine ?? 'tfjs'} on ${trial.backend}`;
			parts.push(trial.adapter === undefined ? on : `${on} (adapter ${trial.adapter})`);
		}
		const plan = this.planned.get(trial.index);
		if (plan !== undefined && Object.keys(plan.params).length > 0) parts.push(formatParams(plan.params));
		const reason = trial.reason === undefined ? '' : `: ${trial.reason}`;
		await this.clearStatus();
		await this.io.out(`${parts.join(' · ')}${reason}\n`);
	}

	async update(snapshot: AutomationProgress): Promise<void> {
		for (const { adapter, ...trial } of snapshot.finished) {
			await this.trialFinished(
				adapter === undefined ? trial : { ...trial, adapter: describeAdapter(adapter) }
			);
		}
		const line = summaryLine(snapshot);
		if (this.tty) {
			if (this.statusShown && line === this.lastSummary) return;
			this.lastSummary = line;
			await this.io.out(`\r\x1b[K${line}`);
			this.statusShown = true;
			return;
		}
		const now = Date.now();
		if (line !== this.lastSummary && now - this.lastSummaryAt >= this.summaryEveryMs) {
			this.lastSummary = line;
			this.lastSummaryAt = now;
			await this.io.out(`${line}\n`);
		}
	}

	/** Reports the trials of the final export that no snapshot showed finishing, and ends the status line. */
	async finish(trials: readonly TrialRecord[]): Promise<void> {
		for (const trial of trials) {
			await this.trialFinished({
				index: trial.index,
				status: trial.status,
				...(trial.reason === undefined ? {} : { reason: trial.reason }),
				...(trial.best === undefined ? {} : { best: trial.best.value }),
				...(trial.backend === undefined ? {} : { engine: trial.engine ?? 'tfjs', backend: trial.backend }),
				...(trial.adapter === undefined
					? {}
					: { adapter: `${trial.adapter.name}${trial.adapter.fallback ? ' (fallback)' : ''}` })
			});
		}
		await this.clearStatus();
	}
}

/**
 * Reads the study's progress from the page every `everyMs` until `stop` resolves. Progress appears
 * once the page has chosen between resuming and starting the study, so the first snapshot also tells that.
 */
async function pollProgress(
	page: Page,
	printer: ProgressPrinter,
	stop: Promise<unknown>,
	everyMs: number
): Promise<void> {
	let stopped = false;
	// Only the end matters here; whoever awaits `stop` sees how it ended.
	const ended = stop.then(
		() => (stopped = true),
		() => (stopped = true)
	);
	while (!stopped) {
		await Promise.race([new Promise((wake) => setTimeout(wake, everyMs)), ended]);
		if (stopped) return;
		let polled: {
			snapshot: AutomationProgress | null;
			resumed: boolean;
			continued: ContinuedTrial[];
			picks: AutoPick[];
		};
		try {
			polled = await page.evaluate(() => {
				const lab = window.tuningLab;
				return {
					snapshot: lab?.progress() ?? null,
					resumed: lab?.resumed() ?? false,
					continued: lab?.continued() ?? [],
					picks: lab?.picks() ?? []
				};
			});
		} catch {
			// The page is closing (the study ended or the run was interrupted); the result decides what follows.
			return;
		}
		if (polled.snapshot === null) continue;
		if (polled.resumed) await printer.resumed();
		await printer.continued(polled.continued);
		await printer.picked(polled.picks);
		await printer.update(polled.snapshot);
	}
}

/** What the page's browser says about its WebGPU adapter, read the way the trial worker reads it. */
async function webGpuAdapter(page: Page): Promise<{ adapter: AdapterDescription | null; problem?: string }> {
	const seen = await page.evaluate(async () => {
		// This function runs in the page, where only its own text exists: no imported helpers.
		const gpu = navigator.gpu;
		if (!gpu)
			return { problem: 'this browser exposes no navigator.gpu (Chromium needs --enable-unsafe-webgpu)' };
		const found = await gpu.requestAdapter();
		if (!found) return { problem: 'navigator.gpu.requestAdapter() returned no adapter' };
		const info = (found.info ?? {}) as GPUAdapterInfo & { isFallbackAdapter?: boolean };
		return {
			info: {
				vendor: info.vendor,
				architecture: info.architecture,
				device: info.device,
				description: info.description,
				isFallbackAdapter: info.isFallbackAdapter
			},
			legacyFallback: (found as unknown as { isFallbackAdapter?: boolean }).isFallbackAdapter
		};
	});
	if (!('info' in seen)) return { adapter: null, problem: seen.problem };
	return { adapter: adapterFromInfo(seen.info as AdapterInfoLike, seen.legacyFallback) };
}

export interface RunArguments {
	file: string;
	out: string;
	options: RunStudyOptions;
	profileDir?: string;
	summaryEveryMs: number;
	/** Train on webgpu even on a software (fallback) adapter. */
	allowSoftwareGpu: boolean;
}

/** Reads `--progress-every S`: a number of seconds written in decimal, more than 0. */
function parseSeconds(text: string, name: string): { ok: true; ms: number } | { ok: false; error: string } {
	const value = Number(text);
	if (!/^\d+(\.\d+)?$/.test(text) || !(value > 0)) {
		return { ok: false, error: `${name}: expected a number of seconds above 0, got ${JSON.stringify(text)}` };
	}
	return { ok: true, ms: value * 1000 };
}

export function readArguments(argv: readonly string[], io: CommandIo): RunArguments | 'help' | number {
	const args = studyFileArgs('run', argv, io, {
		out: { type: 'string' },
		backend: { type: 'string' },
		engine: { type: 'string' },
		concurrency: { type: 'string' },
		shard: { type: 'string' },
		profile: { type: 'string' },
		'progress-every': { type: 'string' },
		'allow-software-gpu': { type: 'boolean' }
	});
	if (typeof args !== 'object') return args;
	const { file, values } = args;
	const { out, backend, engine, concurrency, shard, profile, 'progress-every': progressEvery } = values;
	if (typeof out !== 'string' || out === '') return usageError('run', io, '--out OUT is required');
	const options: RunStudyOptions = {};
	if (backend !== undefined) {
		const choice = BACKEND_CHOICES.find((name) => name === backend);
		if (choice === undefined) {
			return usageError(
				'run',
				io,
				`--backend: expected one of ${BACKEND_CHOICES.join(', ')}, got ${JSON.stringify(backend)}`
			);
		}
		options.backend = choice;
	}
	if (engine !== undefined) {
		const choice = ENGINE_CHOICES.find((name) => name === engine);
		if (choice === undefined) {
			return usageError(
				'run',
				io,
				`--engine: expected one of ${ENGINE_CHOICES.join(', ')}, got ${JSON.stringify(engine)}`
			);
		}
		options.engine = choice;
	}
	if (concurrency !== undefined) {
		const parsed = parsePositiveInteger(concurrency, '--concurrency');
		if (!parsed.ok) return usageError('run', io, parsed.error);
		options.concurrency = parsed.value;
	}
	if (shard !== undefined) {
		const parsed = parseShard(shard);
		if (!parsed.ok) return usageError('run', io, parsed.error);
		options.shard = parsed.value;
	}
	if (profile !== undefined && (typeof profile !== 'string' || profile === '')) {
		return usageError('run', io, '--profile: expected a folder');
	}
	let summaryEveryMs = SUMMARY_EVERY_S * 1000;
	if (progressEvery !== undefined) {
		const parsed = parseSeconds(String(progressEvery), '--progress-every');
		if (!parsed.ok) return usageError('run', io, parsed.error);
		summaryEveryMs = parsed.ms;
	}
	return {
		file,
		out,
		options,
		summaryEveryMs,
		allowSoftwareGpu: values['allow-software-gpu'] === true,
		...(typeof profile === 'string' ? { profileDir: profile } : {})
	};
}

/**
 * What makes an export not check out against the plan: trials it lacks, trials outside the shard, and
 * trials whose parameters are not the planned ones (the export is of another study, or another sample).
 */
export function exportMismatches(
	trials: readonly TrialRecord[],
	planned: readonly PlannedTrial[],
	shard?: Shard
): string[] {
	const problems: string[] = [];
	const byIndex = new Map(trials.map((trial) => [trial.index, trial]));
	const missing = planned.filter((plan) => !byIndex.has(plan.index)).map((plan) => plan.index);
	if (missing.length > 0) problems.push(`the export holds no record of trial(s) ${missing.join(', ')}`);
	const foreign = trials.filter((trial) => !inShard(trial.index, shard)).map((trial) => trial.index);
	if (shard !== undefined && foreign.length > 0) {
		problems.push(`the export holds trial(s) ${foreign.join(', ')}, outside shard ${formatShard(shard)}`);
	}
	const changed = planned.filter((plan) => {
		const trial = byIndex.get(plan.index);
		return trial !== undefined && canonicalJson(trial.params) !== canonicalJson(plan.params);
	});
	if (changed.length > 0) {
		problems.push(
			`the export's trial(s) ${changed.map((plan) => plan.index).join(', ')} have other parameters than FILE plans`
		);
	}
	return problems;
}

/** Trials that did not run to their end: the export is written, but the run exits with 1. */
function unfinishedTrials(trials: readonly TrialRecord[]): string[] {
	return trials
		.filter((trial) => !RAN_TO_END.includes(trial.status))
		.map(
			(trial) =>
				`trial ${trial.index} ${trial.status}${trial.reason === undefined ? '' : `: ${trial.reason}`}`
		);
}

export type CheckedExport = { ok: true; study: Study } | { ok: false; problems: string[] };

/**
 * Writes the app's export to `out` only once it checks out: a valid study file (the same check as an
 * import) that matches the plan (exportMismatches). It is written to a temporary file beside `out` and
 * renamed over it, so a refused export, or a write that fails halfway, leaves an existing `out` as it was.
 */
export async function writeCheckedExport(
	text: string,
	out: string,
	planned: readonly PlannedTrial[],
	shard?: Shard
): Promise<CheckedExport> {
	const parsed = parseStudyFile(text);
	if (!parsed.ok) {
		return {
			ok: false,
			problems: [
				'the export is not a valid study file',
				...parsed.errors.map(({ path, message }) => `${path}: ${message}`)
			]
		};
	}
	const mismatches = exportMismatches(parsed.study.trials, planned, shard);
	if (mismatches.length > 0) return { ok: false, problems: mismatches };
	const temporary = join(dirname(out), `.${basename(out)}.${process.pid}.tmp`);
	try {
		await writeFile(temporary, text);
		await rename(temporary, out);
	} catch (error) {
		await rm(temporary, { force: true });
		throw error;
	}
	return { ok: true, study: parsed.study };
}

export async function run(argv: readonly string[], io: CommandIo = processIo): Promise<number> {
	const args = readArguments(argv, io);
	if (args === 'help') {
		await io.out(USAGE);
		return 0;
	}
	if (typeof args === 'number') return args;
	// The same reading and checking as `tuning-lab validate FILE`; `--` keeps a file named like an option a file.
	const loaded = await loadStudyArgument('run', USAGE, ['--', args.file], io);
	if (loaded.ok === 'help') return 0;
	if (!loaded.ok) return loaded.exitCode;
	const { study } = loaded;
	const { shard } = args.options;
	if (shard !== undefined && study.search.algorithm === 'bayesian') {
		io.err(`run: ${BAYESIAN_SHARD_MESSAGE}\n`);
		return EXIT_INVALID;
	}
	if (shard !== undefined && study.search.halving) {
		io.err(`run: ${HALVING_SHARD_MESSAGE}\n`);
		return EXIT_INVALID;
	}
	let planned: PlannedTrial[];
	try {
		planned = selectShard(planTrials(study), shard);
	} catch (error) {
		io.err(`run: ${errorMessage(error)}\n`);
		return EXIT_INVALID;
	}
	try {
		await mkdir(dirname(args.out), { recursive: true });
	} catch (error) {
		return usageError(
			'run',
			io,
			`cannot create the folder of ${JSON.stringify(args.out)}: ${errorMessage(error)}`
		);
	}

	// Ctrl-C (or a polite kill) stops the build or the study and closes everything that was opened.
	const abort = new AbortController();
	let session: Awaited<ReturnType<typeof openAppSession>> | undefined;
	let interrupted = false;
	const onSignal = (signal: NodeJS.Signals) => {
		if (interrupted) process.exit(EXIT_INTERRUPTED);
		interrupted = true;
		io.err(`\n[run] ${signal}: stopping; closing the browser and the server\n`);
		abort.abort();
		void (session?.close() ?? Promise.resolve()).finally(() => process.exit(EXIT_INTERRUPTED));
	};
	process.on('SIGINT', onSignal);
	process.on('SIGTERM', onSignal);
	const note = (message: string) => io.err(`[run] ${message}\n`);
	try {
		// A profile another browser still uses is refused before any build; openAppSession checks again.
		if (args.profileDir !== undefined) await claimProfile(resolve(args.profileDir), note);
		const build = await checkBuild(REPO_ROOT);
		if (!build.fresh) {
			io.err(`[run] building the app (npx vite build), because ${build.reason}\n`);
			await buildApp(REPO_ROOT, abort.signal);
		}
		if (interrupted) return EXIT_INTERRUPTED;
		session = await openAppSession({
			buildDir: join(REPO_ROOT, BUILD_DIR),
			...(args.profileDir === undefined ? {} : { profileDir: args.profileDir }),
			onPageError: (message) => io.err(`[page] ${message}\n`),
			onNote: note
		});
		if (interrupted) return EXIT_INTERRUPTED;
		const { page, url } = session;
		try {
			await waitForGlobal(page, AUTOMATION_GLOBAL, API_TIMEOUT_MS);
		} catch (error) {
			throw new Error(
				`${errorMessage(error)} at ${url}: the app in ${BUILD_DIR}/ has no automation API ` +
					`(delete ${BUILD_DIR}/ to force a rebuild)`,
				{ cause: error }
			);
		}
		// Where the trials train: the forced backend, or each trial's own. A run on webgpu (or one that
		// lets auto measure it) looks at the adapter first; on webgpu a software one is refused.
		const backends = new Set(planned.map((plan) => args.options.backend ?? plan.config.backend));
		let adapter: AdapterDescription | null | undefined;
		if (backends.has('webgpu') || backends.has('auto')) {
			const described = await webGpuAdapter(page);
			adapter = described.adapter;
			if (backends.has('webgpu')) {
				if (adapter === null || (adapter.isFallback && !args.allowSoftwareGpu)) {
					io.err(softwareGpuRefusal(adapter, described.problem));
					return EXIT_INVALID;
				}
				const allowed = adapter.isFallback ? ' (a software adapter, allowed by --allow-software-gpu)' : '';
				await io.out(`[run] WebGPU adapter: ${describeAdapter(adapter)}${allowed}\n`);
			}
		}
		const scope = shard === undefined ? '' : ` (shard ${formatShard(shard)})`;
		const forced = [args.options.engine, args.options.backend].filter((x) => x !== undefined);
		const backend = forced.length === 0 ? '' : ` on ${forced.join(' ')}`;
		await io.out(
			`[run] ${study.name}: ${planned.length} trial${planned.length === 1 ? '' : 's'}${scope}${backend}\n`
		);

		const tty = io === processIo && process.stdout.isTTY === true;
		const printer = new ProgressPrinter(
			io,
			tty,
			args.summaryEveryMs,
			study,
			new Map(planned.map((plan) => [plan.index, plan])),
			args.profileDir === undefined ? undefined : resolve(args.profileDir)
		);
		printer.adapter = adapter;
		const result = page.evaluate(
			async ({ text, options }) => {
				const lab = window.tuningLab;
				if (lab === undefined) return { ok: false as const, message: 'window.tuningLab disappeared' };
				try {
					const exported = await lab.runStudy(text, options);
					return {
						ok: true as const,
						text: exported,
						resumed: lab.resumed(),
						continued: lab.continued(),
						picks: lab.picks()
					};
				} catch (error) {
					// This function runs in the page, where only its own text exists: no imported helpers.
					return { ok: false as const, message: error instanceof Error ? error.message : String(error) };
				}
			},
			{ text: serializeStudy(study), options: args.options }
		);
		// Awaited below; this only keeps an early failure from counting as an unhandled rejection.
		result.catch(() => undefined);
		await pollProgress(page, printer, result, pollEveryMs(tty, args.summaryEveryMs));
		const outcome = await result;
		if (!outcome.ok) {
			io.err(`run: the app could not run the study:\n${outcome.message}\n`);
			return EXIT_INVALID;
		}
		// A run short enough to end before the first progress poll is reported here.
		if (outcome.resumed) await printer.resumed();
		await printer.continued(outcome.continued);
		await printer.picked(outcome.picks);
		const checked = await writeCheckedExport(outcome.text, args.out, planned, shard);
		if (!checked.ok) {
			io.err(
				`run: the app's export did not check out, so ${args.out} was not written:\n` +
					checked.problems.map((problem) => `run: ${problem}\n`).join('')
			);
			return EXIT_INVALID;
		}
		const { trials } = checked.study;
		await printer.finish(trials);
		await io.out(`[run] wrote ${args.out}: ${describeStatuses(trials)}\n`);
		const problems = unfinishedTrials(trials);
		if (problems.length > 0) {
			io.err(problems.map((problem) => `run: ${problem}\n`).join(''));
			return EXIT_INVALID;
		}
		return 0;
	} catch (error) {
		if (interrupted) return EXIT_INTERRUPTED;
		io.err(`run: ${errorMessage(error)}\n`);
		return EXIT_INVALID;
	} finally {
		await session?.close();
		process.off('SIGINT', onSignal);
		process.off('SIGTERM', onSignal);
	}
}
