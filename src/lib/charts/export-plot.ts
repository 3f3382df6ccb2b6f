// Saves a plot as a standalone SVG file or a PNG image.
//
// A plot is an element holding one <svg> (axes, labels, SVG marks) and optionally <canvas> layers
// under it (charts with thousands of lines draw them on a canvas). The SVG file is a copy of the
// <svg> with:
// - each canvas embedded as an <image> (a PNG data URL at the canvas's backing-store resolution, so
//   devicePixelRatio sharpness is kept), placed where the canvas sits under the SVG and with the
//   canvas's CSS opacity; the lines stay raster, the axes and labels stay vector. Redrawing 500 × 2,000
//   points as SVG paths would make files of tens of megabytes that editors choke on;
// - the computed styles that matter for drawing written inline on each element, because the page's
//   (scoped) stylesheets do not travel with the file;
// - a white background, and anything marked `data-export-skip` (hover cursors and the hover canvas) left out.
// The PNG is that SVG drawn onto a canvas at devicePixelRatio (or a given scale) and encoded by
// `canvas.toBlob`.

import { downloadBlob } from '../util/download';

/** Style properties copied inline: what decides how SVG shapes and text look. */
export const INLINE_STYLE_PROPERTIES = [
	'fill',
	'fill-opacity',
	'stroke',
	'stroke-width',
	'stroke-dasharray',
	'stroke-opacity',
	'stroke-linecap',
	'opacity',
	'font-family',
	'font-size',
	'font-weight',
	'text-anchor',
	'dominant-baseline',
	'visibility',
	'display'
] as const;

/** A file name from a plot's name: letters and digits kept, anything else one dash, lower case. */
export function exportFileName(name: string, extension: 'svg' | 'png'): string {
	const slug = name
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[^\p{L}\p{N}]+/gu, '-')
		.replace(/^-+|-+$/g, '')
		.slice(0, 80)
		.replace(/-+$/, '');
	return `${slug || 'plot'}.${extension}`;
}

/** The inline `style` text for one element from its computed style (empty values left out). */
export function inlineStyleText(style: Pick<CSSStyleDeclaration, 'getPropertyValue'>): string {
	const parts: string[] = [];
	for (const property of INLINE_STYLE_PROPERTIES) {
		const value = style.getPropertyValue(property).trim();
		if (value) parts.push(`${property}:${value}`);
	}
	return parts.join(';');
}

/** The plot's main <svg>: one marked `data-plot`, else the largest one inside `target`. */
export function plotSvgElement(target: Element): SVGSVGElement | null {
	const marked = target.querySelector<SVGSVGElement>('svg[data-plot]');
	if (marked) return marked;
	let best: SVGSVGElement | null = null;
	let bestArea = -1;
	for (const svg of target.querySelectorAll<SVGSVGElement>('svg')) {
		const { width, height } = svg.getBoundingClientRect();
		if (width * height > bestArea) {
			best = svg;
			bestArea = width * height;
		}
	}
	return best;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** The standalone SVG document text of the plot in `target`, with its size in CSS pixels. */
export function plotToSvg(target: Element): { text: string; width: number; height: number } {
	const svg = plotSvgElement(target);
	if (!svg) throw new Error('there is no <svg> plot to export here');
	const box = svg.getBoundingClientRect();
	const width = Math.round(box.width) || Number(svg.getAttribute('width')) || 600;
	const height = Math.round(box.height) || Number(svg.getAttribute('height')) || 400;
	const copy = svg.cloneNode(true) as SVGSVGElement;

	// Inline styles first, while the copy still matches the original element for element.
	const originals = [svg, ...svg.querySelectorAll('*')];
	const copies = [copy, ...copy.querySelectorAll('*')];
	originals.forEach((element, i) => {
		const clone = copies[i] as Element;
		const text = inlineStyleText(getComputedStyle(element));
		if (text) clone.setAttribute('style', text);
		clone.removeAttribute('class');
	});
	for (const skipped of copy.querySelectorAll('[data-export-skip]')) skipped.remove();

	copy.setAttribute('xmlns', SVG_NS);
	copy.setAttribute('width', String(width));
	copy.setAttribute('height', String(height));
	if (!copy.getAttribute('viewBox')) copy.setAttribute('viewBox', `0 0 ${width} ${height}`);
	for (const attribute of ['tabindex', 'role', 'aria-label', 'data-plot']) copy.removeAttribute(attribute);
	copy.style.removeProperty('position');

	const layers: Element[] = [];
	const background = document.createElementNS(SVG_NS, 'rect');
	background.setAttribute('width', '100%');
	background.setAttribute('height', '100%');
	background.setAttribute('fill', 'white');
	layers.push(background);
	for (const canvas of target.querySelectorAll<HTMLCanvasElement>('canvas:not([data-export-skip])')) {
		const rect = canvas.getBoundingClientRect();
		if (rect.width === 0 || rect.height === 0 || canvas.width === 0) continue;
		const image = document.createElementNS(SVG_NS, 'image');
		image.setAttribute('x', String(rect.left - box.left));
		image.setAttribute('y', String(rect.top - box.top));
		image.setAttribute('width', String(rect.width));
		image.setAttribute('height', String(rect.height));
		image.setAttribute('preserveAspectRatio', 'none');
		image.setAttribute('href', canvas.toDataURL('image/png'));
		const opacity = getComputedStyle(canvas).opacity;
		if (opacity && opacity !== '1') image.setAttribute('opacity', opacity);
		layers.push(image);
	}
	copy.prepend(...layers);
	const text = `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(copy)}`;
	return { text, width, height };
}

/** The plot drawn as a PNG at `scale` device pixels per CSS pixel. */
export async function plotToPng(target: Element, scale = globalThis.devicePixelRatio || 1): Promise<Blob> {
	const { text, width, height } = plotToSvg(target);
	const url = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }));
	try {
		const image = new Image();
		image.src = url;
		await image.decode();
		const canvas = document.createElement('canvas');
		canvas.width = Math.round(width * scale);
		canvas.height = Math.round(height * scale);
		const ctx = canvas.getContext('2d');
		if (!ctx) throw new Error('this browser gave no 2D canvas to draw the PNG on');
		ctx.drawImage(image, 0, 0, canvas.width, canvas.height);
		return await new Promise<Blob>((resolve, reject) =>
			canvas.toBlob(
				(blob) => (blob ? resolve(blob) : reject(new Error('the PNG could not be encoded'))),
				'image/png'
			)
		);
	} finally {
		URL.revokeObjectURL(url);
	}
}

/** Exports the plot in `target` as `<name>.svg` or `<name>.png` and starts the download. */
export async function exportPlot(target: Element, name: string, format: 'svg' | 'png'): Promise<void> {
	const blob =
		format === 'svg'
			? new Blob([plotToSvg(target).text], { type: 'image/svg+xml' })
			: await plotToPng(target);
	downloadBlob(blob, exportFileName(name, format));
}
