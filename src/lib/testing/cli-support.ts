// Shared by the CLI specs: run the real executable as a user would, and write fixture files to a
// temporary folder that is removed after the spec file.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';

export const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

export function tuningLab(...args: string[]): { status: number | null; stdout: string; stderr: string } {
	const result = spawnSync('node', ['cli/tuning-lab.mjs', ...args], { cwd: repoRoot, encoding: 'utf8' });
	return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A temporary folder for this spec file; `write` stores text as is and anything else as JSON. */
export function fixtureFolder(prefix: string): {
	path: string;
	write(name: string, content: unknown): string;
} {
	const path = mkdtempSync(join(tmpdir(), `tuning-lab-${prefix}-`));
	afterAll(() => rmSync(path, { recursive: true, force: true }));
	return {
		path,
		write(name, content) {
			const file = join(path, name);
			writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, '\t'));
			return file;
		}
	};
}
