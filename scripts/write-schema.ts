// Writes the published JSON Schemas (docs/study.schema.json, docs/checkpoints.schema.json) from the one
// valibot definition of each file. Run with `npm run schema` after changing a schema; a unit test fails
// while a published file is stale.
import { writeFileSync } from 'node:fs';
import { jsonSchemaText } from '../src/lib/study/json-schema-publish';
import { STUDY_JSON_SCHEMA } from '../src/lib/study/study-json-schema';
import { CHECKPOINTS_JSON_SCHEMA } from '../src/lib/storage/checkpoints-json-schema';

for (const published of [STUDY_JSON_SCHEMA, CHECKPOINTS_JSON_SCHEMA]) {
	writeFileSync(new URL(`../${published.path}`, import.meta.url), await jsonSchemaText(published));
	console.log(`wrote ${published.path}`);
}
