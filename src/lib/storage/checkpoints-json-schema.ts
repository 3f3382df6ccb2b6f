// The published JSON Schema of the checkpoints file (docs/checkpoints.schema.json), converted from the
// one definition in checkpoint-transfer.ts. Like the study file's, only `npm run schema` and the tests
// load this module.

import {
	jsonSchemaText,
	publishedSchemaProblems,
	type PublishedSchema
} from '$lib/study/json-schema-publish';
import { CHECKPOINTS_VERSION, CheckpointsFileSchema } from './checkpoint-transfer';

export const CHECKPOINTS_SCHEMA_PATH = 'docs/checkpoints.schema.json';

export const CHECKPOINTS_JSON_SCHEMA: PublishedSchema = {
	path: CHECKPOINTS_SCHEMA_PATH,
	schema: CheckpointsFileSchema,
	title: `Tuning Lab checkpoints file, format version ${CHECKPOINTS_VERSION}`,
	description:
		'The shape of a <study>.checkpoints.json file. What the shape cannot state (weights that decode to ' +
		"float32 arrays of the parameters' sizes, one checkpoint per trial, the study it belongs to) is " +
		'checked on import; see docs/study-format.md. Written by npm run schema from ' +
		'src/lib/storage/checkpoint-transfer.ts.'
};

/** The text of docs/checkpoints.schema.json. */
export function checkpointsJsonSchemaText(): Promise<string> {
	return jsonSchemaText(CHECKPOINTS_JSON_SCHEMA);
}

/** Where `value` breaks the published docs/checkpoints.schema.json (ajv), empty when it fits. */
export function checkpointsSchemaProblems(value: unknown): string[] {
	return publishedSchemaProblems(CHECKPOINTS_SCHEMA_PATH, value);
}
