import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureFolder, repoRoot } from '../src/lib/testing/cli-support';

// A cluster job runs the command from its own scratch folder, not from the repository. The lab's code
// imports through the `$lib` alias of the repository's tsconfig, so the executable must find that
// tsconfig wherever it is started (it once failed there with ERR_MODULE_NOT_FOUND '$lib').
const folder = fixtureFolder('cwd');
const bin = join(repoRoot, 'cli', 'tuning-lab.mjs');
const study = join(repoRoot, 'static', 'studies', 'default-digits.study.json');
const fromElsewhere = (...args: string[]) =>
	spawnSync('node', [bin, ...args], { cwd: folder.path, encoding: 'utf8' });

describe('tuning-lab started outside the repository', () => {
	it('analyze loads every module it imports and reads the study', () => {
		const result = fromElsewhere('analyze', study);
		expect(result.stderr).toBe('');
		expect(result.status).toBe(0);
		const expectedName = (JSON.parse(readFileSync(study, 'utf8')) as { name: string }).name;
		expect((JSON.parse(result.stdout) as { study: string }).study).toBe(expectedName);
	});

	it.each(['validate', 'sample', 'merge', 'run', 'scaling-law', 'schedule'])('%s --help loads', (command) => {
		const result = fromElsewhere(command, '--help');
		expect(result.stderr).not.toMatch(/ERR_MODULE_NOT_FOUND|Cannot find/);
		expect(result.status).toBe(0);
		expect(result.stdout).toMatch(/usage|Usage/);
	});
});
