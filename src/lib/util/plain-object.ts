// The test every validator of untrusted JSON makes before reading keys: a JSON object, not an array
// or null (both of which `typeof` also calls 'object').

/** Whether `value` is a non-null, non-array object, so its keys can be read as a record. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
