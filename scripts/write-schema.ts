// Writes docs/study.schema.json from the study file's schema (src/lib/study/study-schema.ts).
// Run with `npm run schema` after changing the schema; a unit test fails while the file is stale.
import { writeFileSync } from 'node:fs';
import { STUDY_SCHEMA_PATH, studyJsonSchemaText } from '../src/lib/study/study-json-schema';

writeFileSync(new URL(`../${STUDY_SCHEMA_PATH}`, import.meta.url), await studyJsonSchemaText());
console.log(`wrote ${STUDY_SCHEMA_PATH}`);
