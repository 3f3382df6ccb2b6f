// One vocabulary for every axis title: human words with their units ("validation loss (nats)",
// "learning rate (log)", "hidden width"), never the code names the study file uses. Pure.

/** Metrics (logged per step or per evaluation) in words, with units. */
const METRIC_WORDS: Record<string, string> = {
	valLoss: 'validation loss (nats)',
	valAccuracy: 'validation accuracy (fraction correct)',
	trainLoss: 'training loss (nats)',
	loss: 'training loss (nats)',
	emaValLoss: 'validation loss, EMA weights (nats)',
	emaValAccuracy: 'validation accuracy, EMA weights (fraction correct)',
	swaValLoss: 'validation loss, SWA weights (nats)',
	swaValAccuracy: 'validation accuracy, SWA weights (fraction correct)',
	valBitsPerChar: 'validation bits per character',
	lr: 'learning rate',
	gradNorm: 'gradient norm (global L2, before clipping)'
};

/** Configuration keys (searched parameters) in words; units where they have one. */
const PARAM_WORDS: Record<string, string> = {
	optimizer: 'optimizer',
	learningRate: 'learning rate',
	momentum: 'momentum',
	rho: 'RMSProp ρ',
	beta1: 'Adam β₁',
	beta2: 'Adam β₂',
	epsilon: 'Adam ε',
	weightDecay: 'weight decay',
	gradClipNorm: 'gradient clip norm',
	dropout: 'dropout rate',
	labelSmoothing: 'label smoothing',
	emaDecay: 'EMA decay',
	swaStart: 'SWA start (step)',
	swaEvery: 'SWA interval (steps)',
	schedule: 'learning-rate schedule',
	warmupSteps: 'warmup (steps)',
	cooldownSteps: 'cooldown (steps)',
	cooldownFraction: 'cooldown (fraction of run)',
	cooldownShape: 'cooldown shape',
	finalLrFraction: 'final learning rate (fraction of peak)',
	rsqrtTimescale: 'rsqrt timescale (steps)',
	batchSize: 'batch size',
	seed: 'seed',
	hiddenWidth: 'hidden width',
	depth: 'hidden layers',
	cnnWidth: 'filters (first block)',
	cnnDepth: 'conv blocks',
	nLayer: 'transformer layers',
	nHead: 'attention heads',
	dModel: 'model width',
	contextLength: 'context (characters)',
	backend: 'backend',
	engine: 'engine'
};

/** "hiddenWidth" → "hidden width": a name nobody defined, split at its capitals. */
function splitName(name: string): string {
	return name
		.replace(/([a-z0-9])([A-Z])/g, '$1 $2')
		.replace(/[_-]+/g, ' ')
		.toLowerCase();
}

/** A metric in words with its unit. */
export function metricWords(metric: string): string {
	return METRIC_WORDS[metric] ?? splitName(metric);
}

/** A searched parameter (or any configuration key) in words. */
export function paramWords(name: string): string {
	return PARAM_WORDS[name] ?? splitName(name);
}

/** An axis title: the words, and "(log)" when the axis is logarithmic. */
export function axisTitle(words: string, log = false): string {
	return log ? `${words} (log)` : words;
}

/**
 * A metric's name without its unit, for titles, legends and read-outs where a value follows it
 * ("Best validation loss so far", "validation loss 0.7"): "validation loss", "gradient norm".
 */
export function metricName(metric: string): string {
	return metricWords(metric).replace(/ \([^()]*\)$/, '');
}

/** How a curve became one number, in words: "best over training", "at the end". */
export function reduceWords(reduce: string): string {
	const how: Record<string, string> = { best: 'best over training', final: 'at the end', last: 'at the end' };
	return how[reduce] ?? reduce;
}

/** The objective's axis: "validation loss (nats), best over training". */
export function objectiveTitle(metric: string, reduce: string): string {
	return `${metricWords(metric)}, ${reduceWords(reduce)}`;
}

/** The objective in a chart's title: "validation loss (best over training)". */
export function objectiveName(metric: string, reduce: string): string {
	return `${metricName(metric)} (${reduceWords(reduce)})`;
}

/** One trial's objective before its value in a read-out: "best validation loss", "final training loss". */
export function reducedMetric(metric: string, reduce: string): string {
	const how: Record<string, string> = { best: 'best', final: 'final', last: 'final' };
	return `${how[reduce] ?? reduce} ${metricName(metric)}`;
}
