// Ids of records the lab creates (studies, trials, cooldown branches). `crypto.randomUUID` gives 122
// random bits, so ids made in two tabs, or in two shards of one study on different machines, never
// collide; it exists in the page and the workers (secure contexts, localhost included) and in Node.

/** A new id: the prefix naming the kind of record, a hyphen, then a random UUID. */
export function newId(prefix: string): string {
	return `${prefix}-${crypto.randomUUID()}`;
}
