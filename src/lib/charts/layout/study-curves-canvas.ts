// Line styles of the study-wide curve chart and the canvas pass that draws them. Kept apart from
// the component so the benchmark draws exactly what the page draws.
import { color } from 'd3';
import type { CurveKind, PixelCurve, StudyCurve } from './study-curves';
import { lastPoint } from './study-curves';
import { LineRaster } from './study-curves-raster';

export interface LineStyle {
	color: string;
	/** CSS pixels. */
	width: number;
	/** Canvas / SVG dash pattern in CSS pixels; empty for a solid line. */
	dash: readonly number[];
}

/** Dash patterns by what a line is; the legend shows the same ones. */
export const DASHES: Record<CurveKind | 'infeasible' | 'stopped', readonly number[]> = {
	main: [],
	infeasible: [4, 3],
	stopped: [8, 2, 2, 2],
	ema: [6, 3],
	swa: [6, 2, 1, 2],
	branch: [1, 2]
};

export function lineStyle(
	curve: Pick<StudyCurve, 'kind' | 'infeasible' | 'stopped'>,
	color: string
): LineStyle {
	if (curve.kind === 'branch') return { color, width: 1, dash: DASHES.branch };
	if (curve.kind !== 'main') return { color, width: 1, dash: DASHES[curve.kind] };
	if (curve.stopped) return { color, width: 1, dash: DASHES.stopped };
	return { color, width: 1, dash: curve.infeasible ? DASHES.infeasible : DASHES.main };
}

/** Half the arm of the × that marks where an infeasible trial stopped, in CSS pixels. */
export const STOP_MARK = 3;

type Context = Pick<
	CanvasRenderingContext2D,
	| 'setTransform'
	| 'beginPath'
	| 'moveTo'
	| 'lineTo'
	| 'stroke'
	| 'setLineDash'
	| 'createImageData'
	| 'putImageData'
> & { strokeStyle: CanvasRenderingContext2D['strokeStyle']; lineWidth: number };

/** Opacity of every line, so dense bundles of trials still show their spread. */
export const LINE_ALPHA = 0.8;

const rgbCache = new Map<string, { r: number; g: number; b: number }>();

/** A CSS colour as 0–255 channels (black when it cannot be parsed). */
export function colorChannels(css: string): { r: number; g: number; b: number } {
	let rgb = rgbCache.get(css);
	if (!rgb) {
		const parsed = color(css)?.rgb();
		rgb = parsed ? { r: parsed.r, g: parsed.g, b: parsed.b } : { r: 0, g: 0, b: 0 };
		rgbCache.set(css, rgb);
	}
	return rgb;
}

/**
 * Replaces the canvas's pixels with the curves in `order` (indices into `pixels`, bottom first),
 * rasterised by LineRaster in device pixels, then strokes a × where each curve in `stopMarks` ends.
 * Coordinates are CSS pixels; `dpr` scales them (and line widths and dashes) to the backing store of
 * `size` × `dpr` pixels.
 */
export function drawCurves(
	ctx: Context,
	pixels: readonly PixelCurve[],
	order: readonly number[],
	styleOf: (pixelCurve: number) => LineStyle,
	size: { width: number; height: number },
	dpr: number,
	stopMarks: readonly number[] = []
): { segments: number } {
	const width = Math.round(size.width * dpr);
	const height = Math.round(size.height * dpr);
	const raster = new LineRaster(width, height);
	let segments = 0;
	// The raster composites front to back: walk the order from its top.
	for (let n = order.length - 1; n >= 0; n--) {
		const k = order[n]!;
		const p = pixels[k];
		if (!p || p.xs.length < 2) continue;
		const style = styleOf(k);
		const paint = {
			...colorChannels(style.color),
			alpha: LINE_ALPHA,
			width: style.width * dpr,
			dash: style.dash.map((d) => d * dpr)
		};
		// Solid curves (nearly all of them) go column by column; the few dashed ones segment by segment.
		if (style.dash.length === 0) raster.series(p.xs, p.ys, dpr, paint);
		else raster.polyline(p.xs, p.ys, dpr, paint);
		segments += p.xs.length - 1;
	}
	const image = ctx.createImageData(Math.max(1, width), Math.max(1, height));
	raster.writeRGBA(image.data);
	ctx.putImageData(image, 0, 0);

	// A × where each infeasible trial's line ends, so "stopped here" reads without the legend.
	ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
	for (const k of stopMarks) {
		const p = pixels[k];
		const end = p && lastPoint(p);
		if (!end) continue;
		ctx.strokeStyle = styleOf(k).color;
		ctx.lineWidth = 1.5;
		ctx.setLineDash([]);
		ctx.beginPath();
		ctx.moveTo(end.x - STOP_MARK, end.y - STOP_MARK);
		ctx.lineTo(end.x + STOP_MARK, end.y + STOP_MARK);
		ctx.moveTo(end.x - STOP_MARK, end.y + STOP_MARK);
		ctx.lineTo(end.x + STOP_MARK, end.y - STOP_MARK);
		ctx.stroke();
	}
	return { segments };
}

/**
 * Draws one curve (the hovered one) over a cleared overlay canvas of `size` × `dpr` pixels, lifting the
 * pen at NaN gaps; `curve` null only clears. Canvas path calls cost far less per hover than an SVG path
 * string of thousands of points, which the browser must also parse and lay out.
 */
export function drawHoverCurve(
	ctx: Context & Pick<CanvasRenderingContext2D, 'clearRect'>,
	curve: PixelCurve | null,
	style: { color: string; width: number },
	size: { width: number; height: number },
	dpr: number
): void {
	ctx.setTransform(1, 0, 0, 1, 0, 0);
	ctx.clearRect(0, 0, Math.round(size.width * dpr), Math.round(size.height * dpr));
	if (!curve) return;
	ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
	ctx.setLineDash([]);
	ctx.beginPath();
	let pen = false;
	for (let i = 0; i < curve.xs.length; i++) {
		const y = curve.ys[i]!;
		if (Number.isNaN(y)) {
			pen = false;
			continue;
		}
		if (pen) ctx.lineTo(curve.xs[i]!, y);
		else ctx.moveTo(curve.xs[i]!, y);
		pen = true;
	}
	ctx.strokeStyle = style.color;
	ctx.lineWidth = style.width;
	ctx.stroke();
}
