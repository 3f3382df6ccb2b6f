// Shared by the end-to-end tests of the command line: run `node cli/tuning-lab.mjs` as a user would
// and read the study files it writes.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseStudyFile } from '../src/lib/study/study-file';
import type { Study } from '../src/lib/study/study';

export const repoRoot = fileURLToPath(new URL('..', import.meta.url));

export interface Finished {
	status: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
}

/**
 * Starts `node cli/tuning-lab.mjs ARGS`. `output` holds what it printed so far; `exited` resolves when
 * it ends. Pipes make stdout a non-terminal, so progress comes as whole lines.
 */
export function start(...args: string[]) {
	const child = spawn('node', ['cli/tuning-lab.mjs', ...args], { cwd: repoRoot });
	const output = { stdout: '', stderr: '' };
	child.stdout.on('data', (chunk: Buffer) => (output.stdout += chunk.toString()));
	child.stderr.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
	const exited = new Promise<Finished>((resolve) =>
		child.once('close', (status, signal) => resolve({ status, signal, ...output }))
	);
	return { child, output, exited };
}

export type Started = ReturnType<typeof start>;

/**
 * Resolves as soon as what `run` printed to stdout satisfies `done`. It is checked on every chunk, as
 * it arrives, so a caller that acts right after the await acts before the command runs on. Rejects,
 * with everything printed, when the command ends first: what it waited for can then never come.
 */
export function untilStdout(run: Started, done: (stdout: string) => boolean, what: string): Promise<void> {
	return new Promise((resolve, reject) => {
		const check = () => {
			if (!done(run.output.stdout)) return;
			run.child.stdout.off('data', check);
			resolve();
		};
		// Registered after start()'s own listener, so run.output already holds the chunk.
		run.child.stdout.on('data', check);
		void run.exited.then(({ status, signal, stdout, stderr }) => {
			run.child.stdout.off('data', check);
			reject(
				new Error(
					`the command ended (status ${status}, signal ${signal}) before ${what}\nstdout:\n${stdout}\nstderr:\n${stderr}`
				)
			);
		});
		check();
	});
}

/** Runs the command to its end (killing it if the test gives up first). */
export async function tuningLab(...args: string[]): Promise<Finished> {
	const run = start(...args);
	try {
		return await run.exited;
	} finally {
		if (run.child.exitCode === null) run.child.kill('SIGKILL');
	}
}

export function readStudy(path: string): Study {
	const result = parseStudyFile(readFileSync(path, 'utf8'));
	if (!result.ok) throw new Error(`${path} is not a valid study:\n${JSON.stringify(result.errors, null, 1)}`);
	return result.study;
}

/** What must match between runs: which trial, with what, how it ended, and every metric it logged. */
export function results(study: Study) {
	return study.trials.map(({ index, params, status, metrics }) => ({ index, params, status, metrics }));
}
