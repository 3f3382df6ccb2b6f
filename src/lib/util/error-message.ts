// What to show of a caught value: an Error's message, or the value itself as text (a thrown string,
// a rejected promise's reason).

/** The message of an Error, or `String(error)` for anything else that was thrown. */
export function errorMessage(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}
