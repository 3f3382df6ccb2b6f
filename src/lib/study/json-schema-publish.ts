// Publishing a valibot schema as a JSON Schema file under docs/, and checking any value against the
// published file with ajv (a standard validator, independent of valibot). Shared by the study file
// (study-json-schema.ts) and the checkpoints file (storage/checkpoints-json-schema.ts). Only
// `npm run schema` (scripts/write-schema.ts) and the tests load this module: it reads files from disk;
// the app checks files with the valibot schemas themselves.

import { readFileSync } from 'node:fs';
import { toJsonSchema, type ConversionConfig, type JsonSchema } from '@valibot/to-json-schema';
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import { format } from 'prettier';

type Convertible = Parameters<typeof toJsonSchema>[0];

export interface PublishedSchema {
	/** Where the file lives, relative to the repository root (docs/….schema.json). */
	path: string;
	schema: Convertible;
	title: string;
	description: string;
	definitions?: ConversionConfig['definitions'];
}

export function jsonSchemaOf(published: PublishedSchema): JsonSchema {
	const schema = toJsonSchema(published.schema, {
		target: 'draft-2020-12',
		// The file as written: null metric values, before they are read back as NaN.
		typeMode: 'input',
		// JSON has no infinity, so "finite" adds nothing a JSON file could break.
		ignoreActions: ['finite'],
		definitions: published.definitions,
		errorMode: 'throw'
	});
	const { $schema, ...rest } = schema;
	return { $schema, title: published.title, description: published.description, ...rest };
}

/** The text of the published file: the schema as JSON, formatted as the repository formats JSON. */
export function jsonSchemaText(published: PublishedSchema): Promise<string> {
	return format(JSON.stringify(jsonSchemaOf(published)), { parser: 'json', useTabs: true, printWidth: 110 });
}

const validators = new Map<string, ValidateFunction>();

/**
 * Where `value` breaks the published file at `path` (from the repository root), as "path: keyword"
 * (`$.fixed.beta1: exclusiveMaximum`), by ajv; empty when it fits.
 */
export function publishedSchemaProblems(path: string, value: unknown): string[] {
	let validate = validators.get(path);
	if (!validate) {
		// Strict: a keyword or format ajv does not know fails to compile instead of being ignored.
		validate = new Ajv2020({ allErrors: true, strict: true }).compile(
			JSON.parse(readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8'))
		);
		validators.set(path, validate);
	}
	if (validate(value)) return [];
	// Errors inside the branches of anyOf/oneOf only explain why that branch failed; keep the verdict.
	const kept = (validate.errors ?? []).filter((e) => !/\/(anyOf|oneOf)\//.test(e.schemaPath));
	const at = (e: ErrorObject) => {
		const segments = e.instancePath.split('/').slice(1);
		if (e.keyword === 'required') segments.push(String(e.params.missingProperty));
		if (e.keyword === 'additionalProperties') segments.push(String(e.params.additionalProperty));
		return `$${segments.map((s) => (/^\d+$/.test(s) ? `[${s}]` : `.${s}`)).join('')}`;
	};
	return [...new Set(kept.map((e) => `${at(e)}: ${e.keyword}`))];
}
