// A trial as one line in a picker: "#3 · completed · learningRate=0.00316 · hiddenWidth=128 · best",
// its parameter values formatted to four significant digits (a sampled learning rate otherwise reads
// 0.0031622776601683794) and the study's best trial marked. Pure.
import type { TrialRecord } from '$lib/storage/schema';
import { formatNumber } from '$lib/util/number-format';

/**
 * A parameter value as people read it: numbers to four significant digits, with an exponent below
 * 0.001 or from 100,000 up (trailing zeros dropped: 1e-5, not 1.000e-5); others as they are.
 */
export function formatParam(value: unknown): string {
	return typeof value === 'number' ? formatNumber(value) : String(value);
}

export function trialChoiceLabel(
	trial: Pick<TrialRecord, 'index' | 'status' | 'params'>,
	isBest: boolean
): string {
	const params = Object.entries(trial.params ?? {}).map(([k, v]) => ` · ${k}=${formatParam(v)}`);
	return `#${trial.index ?? 0} · ${trial.status}${params.join('')}${isBest ? ' · ★ best' : ''}`;
}
