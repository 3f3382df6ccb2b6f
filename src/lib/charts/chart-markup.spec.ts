// Charts rendered on the server: the markup Frame and Axis draw for given sizes and ticks, and the
// test ids and positions the extracted panel charts keep.
import { createRawSnippet } from 'svelte';
import { render } from 'svelte/server';
import { describe, expect, it } from 'vitest';
import Axis, { type AxisTick } from './Axis.svelte';
import BestStepHistogram from './BestStepHistogram.svelte';
import Frame from './Frame.svelte';
import ImportanceBars from './ImportanceBars.svelte';

/** Server-rendered markup without Svelte's comments and scoping classes. */
function clean(body: string): string {
	return body
		.replace(/<!--[^>]*-->/g, '')
		.replace(/svelte-[a-z0-9]+/g, '')
		.replace(
			/class="([^"]*)"/g,
			(_, names: string) => `class="${names.split(/\s+/).filter(Boolean).join(' ')}"`
		)
		.replace(/ class=""/g, '');
}

function markup(props: Parameters<typeof render<typeof Axis>>[1] & object): string {
	return clean(render(Axis, props).body);
}

const ticks: AxisTick[] = [
	{ at: 0, label: '0' },
	{ at: 50, label: '0.5', value: 0.5 },
	{ at: 100, label: '1', strong: true }
];

describe('Axis', () => {
	it('draws a bottom axis: ticks at their x on the axis line, labels below, the title centred', () => {
		const html = markup({
			props: {
				side: 'bottom',
				ticks,
				plot: { width: 200, height: 120 },
				title: 'step',
				titleOffset: 32
			}
		});
		expect(html).toContain('<g transform="translate(50,120)" class="tick" data-x-tick="0.5">');
		expect(html).toContain('<line y2="5"></line><text y="18" text-anchor="middle">0.5</text>');
		// Only ticks that carry a value are marked with it.
		expect(html.match(/data-x-tick/g)).toHaveLength(1);
		expect(html).toContain('<line class="axis" y1="120" x2="200" y2="120"></line>');
		expect(html).toContain('<text class="axis-label" x="100" y="152" text-anchor="middle">step</text>');
		expect(html).toMatch(/<text y="18" text-anchor="middle" class="strong">1<\/text>/);
	});

	it('draws a left axis with grid lines across the plot and a rotated title', () => {
		const html = markup({
			props: {
				side: 'left',
				ticks,
				plot: { width: 300, height: 120 },
				grid: true,
				title: 'loss',
				titleOffset: 54
			}
		});
		expect(html).toContain('<g transform="translate(0,50)" class="tick" data-y-tick="0.5">');
		expect(html).toContain('<line x2="300"></line><text x="-6" dy="0.32em" text-anchor="end"');
		expect(html).toContain('transform="translate(-54,60) rotate(-90)" text-anchor="middle">loss</text>');
		expect(html).not.toContain('class="axis"');
	});

	it('draws outward tick marks, a title above the axis and the small look on request', () => {
		const html = markup({
			props: {
				side: 'left',
				ticks,
				plot: { width: 0, height: 240 },
				small: true,
				halo: true,
				title: 'valLoss ↑ better',
				titleAbove: true,
				titleOffset: 12,
				titleStrong: true
			}
		});
		expect(html).toMatch(/^<g class="axis-left small halo">/);
		expect(html).toContain('<line x2="-4"></line>');
		expect(html).toContain(
			'<text class="axis-label strong" y="-12" text-anchor="middle">valLoss ↑ better</text>'
		);
	});

	it('draws what a chart adds to each tick inside the tick group', () => {
		const count = createRawSnippet((tick: () => AxisTick, index: () => number) => ({
			render: () => `<text class="count" y="29">${tick().label}#${index()}</text>`
		}));
		const html = markup({
			props: { side: 'bottom', ticks, plot: { width: 200, height: 100 }, small: true, tickExtra: count }
		});
		expect(html).toContain('<text class="count" y="29">0.5#1</text></g>');
		expect(html.match(/class="count"/g)).toHaveLength(3);
		// A small plot's bottom axis: 4 px marks, labels 14 px below, no axis line (its box is the line).
		expect(html).toContain('<line y2="4"></line><text y="14" text-anchor="middle">0</text>');
		expect(html).not.toContain('class="axis"');
	});
});

const plot = createRawSnippet(() => ({ render: () => '<circle r="2"></circle>' }));
const margin = { top: 10, right: 20, bottom: 30, left: 40 };

function frameMarkup(props: Record<string, unknown>): string {
	return clean(
		render(Frame, { props: { plot: { width: 240, height: 160 }, margin, children: plot, ...props } }).body
	);
}

describe('Frame', () => {
	it('draws the plot in a group moved by the margins, with the other attributes on the <svg>', () => {
		const html = frameMarkup({ label: 'Loss against step', 'data-testid': 'chart' });
		expect(html).toMatch(/^<svg width="300" height="200" xmlns="http:\/\/www.w3.org\/2000\/svg"/);
		expect(html).toContain('role="img" aria-label="Loss against step" data-testid="chart"');
		expect(html).toContain('<g transform="translate(40,10)"><circle r="2"></circle></g>');
		expect(html).not.toContain('<title>');
		expect(html).not.toContain('class="frame"');
	});

	it('takes the outer size from a chart sized by its container, and is no image without a name', () => {
		const html = frameMarkup({ width: 500, height: 260, 'aria-hidden': 'true' });
		expect(html).toMatch(/^<svg width="500" height="260"/);
		expect(html).toContain('aria-hidden="true"');
		expect(html).not.toContain('role=');
	});

	it('outlines the plot area and names the chart on request', () => {
		const html = frameMarkup({ boxed: true, title: 'Loss', desc: 'Training loss of trial 3' });
		expect(html).toContain('<rect class="frame" width="240" height="160"></rect><circle r="2"></circle>');
		expect(html).toContain('<title>Loss</title><desc>Training loss of trial 3</desc>');
	});
});

describe('BestStepHistogram', () => {
	it('draws one bar per bin with its count, shaded bands and the axes, named by the summary', () => {
		const bins = [0, 0.25, 0.5, 0.75].map((lo, k) => ({
			lo,
			hi: lo + 0.25,
			count: [0, 1, 0, 3][k]!,
			indices: []
		}));
		const html = clean(
			render(BestStepHistogram, { props: { bins, summary: 'Best steps of 4 trials' } }).body
		);
		expect(html).toContain('aria-label="Best steps of 4 trials" data-testid="best-step-histogram"');
		expect([...html.matchAll(/class="bar"[^>]*data-count="(\d+)"/g)].map((m) => Number(m[1]))).toEqual([
			0, 1, 0, 3
		]);
		// Measured width before layout: 480 px, less the 40 + 14 px margins, so the plot is 426 px wide.
		expect(html).toContain('<line class="axis" y1="132" x2="426" y2="132"></line>');
		expect(html).toContain('class="band early"');
		expect(html).toContain('>best step (fraction of the run)</text>');
	});
});

describe('ImportanceBars', () => {
	it('draws a row per parameter: name, bar to scale on its track, and the share in percent', () => {
		const rows = [
			{ name: 'learningRate', importance: 0.5 },
			{ name: 'weightDecay', importance: -0.02 }
		];
		const html = clean(
			render(ImportanceBars, { props: { rows, width: 200, title: 'Importance for validation loss' } }).body
		);
		// 130 px of names, 200 px of bar, 48 px of percentages; 22 px a row and 4 px above and below.
		expect(html).toMatch(/^<svg width="378" height="52"/);
		// Names in words from the one vocabulary (axis-words.ts), in the accessible name and beside the bars.
		expect(html).toContain('aria-label="Importance: learning rate 50%, weight decay -2%"');
		expect(html).toContain('<title>Importance for validation loss</title>');
		expect(html).toContain(
			'<text class="label" x="-6" y="11" dy="0.32em" text-anchor="end">learning rate</text>'
		);
		expect(html).toContain(
			'<g transform="translate(0,22)" data-testid="importance-bar" data-param="weightDecay">'
		);
		expect(html).toContain('<rect class="bar" width="100" height="16"></rect>');
		// A negative share (noise) draws no bar.
		expect(html).toContain('<rect class="bar" width="0" height="16"></rect>');
		expect(html).toContain('<text class="value" x="206" y="11" dy="0.32em">50%</text>');
	});
});
