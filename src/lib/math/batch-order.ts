// Seeded data order: epochs of shuffled indices, consumed batch by batch. A batch may straddle an
// epoch boundary. The state is three integers, so a checkpoint can resume the exact same order.
import { permutation, Random } from './random';

export interface BatchOrderState {
	/** Generator state at the start of the current epoch (regenerates its permutation). */
	epochSeedState: number;
	epoch: number;
	/** Next position inside the current epoch's permutation. */
	position: number;
}

export class BatchOrder {
	private random: Random;
	private order: Uint32Array;
	private state: BatchOrderState;

	constructor(
		private readonly datasetSize: number,
		seed: number,
		resumeFrom?: BatchOrderState
	) {
		if (datasetSize < 1) throw new Error('BatchOrder needs at least one example');
		this.random = resumeFrom ? Random.fromState(resumeFrom.epochSeedState) : new Random(seed);
		this.state = resumeFrom
			? { ...resumeFrom }
			: { epochSeedState: this.random.state, epoch: 0, position: 0 };
		this.order = permutation(datasetSize, this.random);
	}

	nextBatch(batchSize: number): Int32Array {
		const batch = new Int32Array(batchSize);
		for (let i = 0; i < batchSize; i++) {
			if (this.state.position === this.datasetSize) this.startEpoch();
			batch[i] = this.order[this.state.position++]!;
		}
		return batch;
	}

	getState(): BatchOrderState {
		return { ...this.state };
	}

	private startEpoch(): void {
		this.state = { epochSeedState: this.random.state, epoch: this.state.epoch + 1, position: 0 };
		this.order = permutation(this.datasetSize, this.random);
	}
}
