// The time left of a study run, from its measured throughput: how many optimizer steps the run
// trained per second, sampled about once a second and smoothed by an exponential moving average.
// Gaps where nothing trains (a backend measurement, data loading, a trial's compile) lower the
// measured rate only in proportion to their length, so the estimate moves smoothly. The sum of the
// running trials' own speeds, used before, fell by half whenever one trial ended and the next had not
// reported yet, and the ETA doubled and came back.

/** One reading of the run: a clock (seconds), steps trained so far in this run, steps still to train. */
export interface EtaSample {
	time: number;
	stepsDone: number;
	stepsLeft: number;
}

/** The tracker's state after a sample: smoothed throughput (steps/s) and the seconds left it implies. */
export interface EtaEstimate extends EtaSample {
	/** Smoothed steps per second, null until the first steps were trained. */
	rate: number | null;
	/** stepsLeft / rate, null while the rate is unknown. */
	seconds: number | null;
}

/**
 * Time constant of the smoothing, seconds: a sample `dt` seconds after the last one moves the rate by
 * dt / (TAU + dt) of the way to what it measured (one second moves it by 1/21, twenty seconds halfway).
 */
export const ETA_TAU_SECONDS = 20;

/** Folds one sample into the estimate (pure). The first sample, or a counter that went back, restarts it. */
export function nextEta(prev: EtaEstimate | null, sample: EtaSample, tau = ETA_TAU_SECONDS): EtaEstimate {
	if (prev === null || sample.stepsDone < prev.stepsDone) return { ...sample, rate: null, seconds: null };
	const dt = sample.time - prev.time;
	if (!(dt > 0)) return prev;
	const measured = (sample.stepsDone - prev.stepsDone) / dt;
	// Until the first steps there is nothing to measure (the run is starting, or measuring backends).
	const rate =
		prev.rate === null
			? measured > 0
				? measured
				: null
			: prev.rate + (dt / (tau + dt)) * (measured - prev.rate);
	return { ...sample, rate, seconds: rate !== null && rate > 0 ? sample.stepsLeft / rate : null };
}
