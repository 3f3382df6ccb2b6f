// The README.md that travels with an exported model: what it is, how it was trained, how it scored at
// the saved step, and how to load it with TensorFlow.js. Plain text building: no tfjs is loaded here.
import type { EvalRow } from '$lib/study/metrics';
import type { TrialConfig } from '$lib/study/trial-config';
import type { ExportedWeights } from '../../export/weights';

export interface ModelReadmeFacts {
	trialLabel: string;
	studyName?: string;
	config: TrialConfig;
	step: number;
	weights: ExportedWeights;
	evalRow: EvalRow;
	inputShape: number[];
	classes: number;
	exportedAt: Date;
}

const WEIGHTS_TEXT: Record<ExportedWeights, string> = {
	raw: 'the raw weights the optimizer left at this step',
	ema: 'the exponential moving average (EMA) of the weights at this step',
	swa: 'the stochastic weight average (SWA) of the weights at this step',
	average: 'the uniform average of kept checkpoints of this trial, the last of them at this step'
};

function metricLines(row: EvalRow, weights: ExportedWeights): string[] {
	const value = (key: string) => (row as unknown as Record<string, number | undefined>)[key];
	const [loss, accuracy] =
		weights === 'raw'
			? [value('valLoss'), value('valAccuracy')]
			: [value(`${weights}ValLoss`), value(`${weights}ValAccuracy`)];
	const lines: string[] = [];
	if (typeof loss === 'number') lines.push(`- validation loss (cross-entropy, nats): ${loss}`);
	if (typeof accuracy === 'number') lines.push(`- validation accuracy: ${accuracy}`);
	return lines.length > 0 ? lines : ['- (no evaluation of these weights was stored)'];
}

function inputText(config: TrialConfig, inputShape: number[]): string {
	if (config.model === 'cnn') {
		return (
			`a batch of images shaped [batch, ${inputShape.join(', ')}]: grey levels scaled to [0, 1] ` +
			'(the row-major pixels the lab trains on, reshaped)'
		);
	}
	return (
		`a batch of rows shaped [batch, ${inputShape[0]}], prepared as the lab prepares them: image pixels ` +
		'scaled to [0, 1], table columns standardised with the training split’s mean and standard deviation'
	);
}

/** What the files are, what goes in and out, and how to load them: a Layers model (MLP, CNN). */
function layersSections(facts: ModelReadmeFacts): string[] {
	return [
		'## Files',
		'',
		'- `model.json`: a TensorFlow.js Layers model (topology and weights manifest)',
		'- `weights.bin`: the weights, float32',
		'',
		'## Input and output',
		'',
		`- Input: ${inputText(facts.config, facts.inputShape)}.`,
		`- Output: ${facts.classes} logits per example (unnormalised scores, one per class); ` +
			'`tf.softmax` turns them into probabilities and `argMax(-1)` into the predicted class.',
		'- Dropout is not part of the exported model (it only acts while training).',
		'',
		...metricSection(facts),
		'## Loading it',
		'',
		'Serve the folder (any static server) and load `model.json` with `tf.loadLayersModel`:',
		'',
		'```js',
		"import * as tf from '@tensorflow/tfjs';",
		"const model = await tf.loadLayersModel('http://localhost:8080/model.json');",
		`const logits = model.predict(tf.zeros([1, ${facts.inputShape.join(', ')}]));`,
		'const probabilities = tf.softmax(logits);',
		'```',
		'',
		'In a page without a server, `tf.io.browserFiles([jsonFile, weightsFile])` loads the two files ' +
			'picked in an `<input type="file" multiple>`. This is a Layers model: `tf.loadGraphModel` does not ' +
			'read it. See docs/model-export.md in the Tuning Lab repository.'
	];
}

/** The same for the character transformer, a GraphModel (transformer-graph.ts). */
function graphSections(facts: ModelReadmeFacts): string[] {
	const context = facts.inputShape[0]!;
	return [
		'## Files',
		'',
		'- `model.json`: a TensorFlow.js graph model (the inference graph and its weights manifest)',
		'- `weights.bin`: the weights, float32 (plus a few int32 shape constants)',
		`- \`vocabulary.json\`: the ${facts.classes} characters of the token ids, in id order`,
		'',
		'## Input and output',
		'',
		`- Input \`tokens\`: int32 token ids shaped [batch, length], 1 ≤ length ≤ ${context} (the context ` +
			'length); id i is the character at index i of `vocabulary.json`.',
		`- Output \`logits\`: float32 [batch, length, ${facts.classes}]; position t scores every character ` +
			'as the one that follows position t (attention is causal: position t sees only positions ≤ t). ' +
			'`tf.softmax` over the last axis gives probabilities.',
		'- Dropout is not part of the exported model (it only acts while training).',
		'',
		...metricSection(facts),
		'## Loading it',
		'',
		'Serve the folder (any static server) and load `model.json` with `tf.loadGraphModel`:',
		'',
		'```js',
		"import * as tf from '@tensorflow/tfjs';",
		"const model = await tf.loadGraphModel('http://localhost:8080/model.json');",
		"const vocabulary = await (await fetch('http://localhost:8080/vocabulary.json')).json();",
		"const ids = [...'Call me '].map((c) => vocabulary.indexOf(c));",
		"const logits = model.execute({ tokens: tf.tensor2d([ids], undefined, 'int32') });",
		'const next = vocabulary[logits.slice([0, ids.length - 1, 0], [1, 1, -1]).argMax(-1).dataSync()[0]];',
		'```',
		'',
		'Characters outside the vocabulary have no id. This is a graph model: `tf.loadLayersModel` does not ' +
			'read it. See docs/model-export.md in the Tuning Lab repository.'
	];
}

function metricSection(facts: ModelReadmeFacts): string[] {
	return ['## Metrics at this step', '', ...metricLines(facts.evalRow, facts.weights), ''];
}

export function modelReadme(facts: ModelReadmeFacts): string {
	const { config } = facts;
	const title = facts.studyName ? `${facts.trialLabel} of “${facts.studyName}”` : facts.trialLabel;
	return [
		`# Tuning Lab model: ${title}`,
		'',
		`A ${config.model.toUpperCase()} trained on \`${config.dataset}\`, saved at step ${facts.step} of ` +
			`${config.maxTrainSteps}, with ${WEIGHTS_TEXT[facts.weights]}. Exported ${facts.exportedAt.toISOString()}.`,
		'',
		...(config.model === 'transformer' ? graphSections(facts) : layersSections(facts)),
		'',
		'## Training configuration',
		'',
		'```json',
		JSON.stringify(config, null, '\t'),
		'```',
		''
	].join('\n');
}
