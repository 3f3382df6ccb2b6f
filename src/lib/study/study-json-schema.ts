// The published JSON Schema of the study file (docs/study.schema.json), converted from the one
// definition in study-schema.ts (see json-schema-publish.ts for how and who loads this module).

import { jsonSchemaText, publishedSchemaProblems, type PublishedSchema } from './json-schema-publish';
import { SCHEMA_DEFINITIONS, STUDY_VERSION, StudyFileSchema } from './study-schema';

export const STUDY_SCHEMA_PATH = 'docs/study.schema.json';

export const STUDY_JSON_SCHEMA: PublishedSchema = {
	path: STUDY_SCHEMA_PATH,
	schema: StudyFileSchema,
	title: `Tuning Lab study file, format version ${STUDY_VERSION}`,
	description:
		'The shape of a study file. Rules that span several keys (a key is fixed or searched but not both, ' +
		'conditions, optimizer and schedule keys, ranges inside the vocabulary) are checked by tuning-lab ' +
		'validate; see docs/study-format.md. Written by npm run schema from src/lib/study/study-schema.ts.',
	definitions: SCHEMA_DEFINITIONS
};

/** The text of docs/study.schema.json. */
export function studyJsonSchemaText(): Promise<string> {
	return jsonSchemaText(STUDY_JSON_SCHEMA);
}

/** Where `value` breaks the published docs/study.schema.json (ajv), empty when it fits. */
export function schemaProblems(value: unknown): string[] {
	return publishedSchemaProblems(STUDY_SCHEMA_PATH, value);
}
