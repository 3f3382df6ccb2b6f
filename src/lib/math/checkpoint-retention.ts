// Which checkpoints a trial keeps: its latest (to resume from) and its N best by the objective (the
// playbook's retrospective selection: "Saving checkpoints and retrospectively selecting the best
// checkpoint"). Everything else can be dropped.

export interface CheckpointMeta {
	/** Updates applied at the checkpoint. */
	step: number;
	/** The objective's value at that step (NaN when it was not finite). */
	value: number;
	/** Stored size in bytes. */
	bytes: number;
}

/** Steps of the checkpoints to keep. Non-finite values never count as best; ties go to the earlier step. */
export function checkpointsToKeep(
	all: readonly CheckpointMeta[],
	keepBest: number,
	goal: 'minimize' | 'maximize'
): Set<number> {
	const keep = new Set<number>();
	if (all.length === 0) return keep;
	keep.add(Math.max(...all.map((c) => c.step)));
	const ranked = all
		.filter((c) => Number.isFinite(c.value))
		.sort((a, b) =>
			a.value === b.value ? a.step - b.step : goal === 'minimize' ? a.value - b.value : b.value - a.value
		);
	for (const c of ranked.slice(0, Math.max(0, keepBest))) keep.add(c.step);
	return keep;
}

/** The best checkpoint by the objective, if any has a finite value. */
export function bestCheckpoint(
	all: readonly CheckpointMeta[],
	goal: 'minimize' | 'maximize'
): CheckpointMeta | undefined {
	const [best] = [...all]
		.filter((c) => Number.isFinite(c.value))
		.sort((a, b) =>
			a.value === b.value ? a.step - b.step : goal === 'minimize' ? a.value - b.value : b.value - a.value
		);
	return best;
}
