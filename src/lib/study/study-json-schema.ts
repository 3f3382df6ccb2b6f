// The published JSON Schema of the study file (docs/study.schema.json), converted from the one
// definition in study-schema.ts, and a check of any value against the published file with ajv. Only
// `npm run schema` (scripts/write-schema.ts) and the tests load this module (it reads files from
// disk); the app checks files with the valibot schema itself.

import { readFileSync } from 'node:fs';
import { toJsonSchema, type JsonSchema } from '@valibot/to-json-schema';
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import { format } from 'prettier';
import { SCHEMA_DEFINITIONS, STUDY_VERSION, StudyFileSchema } from './study-schema';

export const STUDY_SCHEMA_PATH = 'docs/study.schema.json';

export function studyJsonSchema(): JsonSchema {
	const schema = toJsonSchema(StudyFileSchema, {
		target: 'draft-2020-12',
		// The file as written: null metric values, before they are read back as NaN.
		typeMode: 'input',
		// JSON has no infinity, so "finite" adds nothing a JSON file could break.
		ignoreActions: ['finite'],
		definitions: SCHEMA_DEFINITIONS,
		errorMode: 'throw'
	});
	const { $schema, ...rest } = schema;
	return {
		$schema,
		title: `Tuning Lab study file, format version ${STUDY_VERSION}`,
		description:
			'The shape of a study file. Rules that span several keys (a key is fixed or searched but not both, ' +
			'conditions, optimizer and schedule keys, ranges inside the vocabulary) are checked by tuning-lab ' +
			'validate; see docs/study-format.md. Written by npm run schema from src/lib/study/study-schema.ts.',
		...rest
	};
}

/** The text of docs/study.schema.json: the schema as JSON, formatted as the repository formats JSON. */
export async function studyJsonSchemaText(): Promise<string> {
	return format(JSON.stringify(studyJsonSchema()), {
		parser: 'json',
		useTabs: true,
		printWidth: 110
	});
}

let validate: ValidateFunction | undefined;

/**
 * Where `value` breaks the published docs/study.schema.json, as "path: keyword" (`$.fixed.beta1:
 * exclusiveMaximum`), by ajv, a standard JSON Schema validator; empty when it fits.
 */
export function schemaProblems(value: unknown): string[] {
	// Strict: a keyword or format ajv does not know fails to compile instead of being ignored.
	validate ??= new Ajv2020({ allErrors: true, strict: true }).compile(
		JSON.parse(readFileSync(new URL(`../../../${STUDY_SCHEMA_PATH}`, import.meta.url), 'utf8'))
	);
	if (validate(value)) return [];
	// Errors inside the branches of anyOf/oneOf only explain why that branch failed; keep the verdict.
	const kept = (validate.errors ?? []).filter((e) => !/\/(anyOf|oneOf)\//.test(e.schemaPath));
	const path = (e: ErrorObject) => {
		const segments = e.instancePath.split('/').slice(1);
		if (e.keyword === 'required') segments.push(String(e.params.missingProperty));
		if (e.keyword === 'additionalProperties') segments.push(String(e.params.additionalProperty));
		return `$${segments.map((s) => (/^\d+$/.test(s) ? `[${s}]` : `.${s}`)).join('')}`;
	};
	return [...new Set(kept.map((e) => `${path(e)}: ${e.keyword}`))];
}
