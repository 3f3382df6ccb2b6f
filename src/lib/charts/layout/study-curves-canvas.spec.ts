import { describe, expect, it } from 'vitest';
import {
	colorChannels,
	DASHES,
	drawCurves,
	drawHoverCurve,
	LINE_ALPHA,
	lineStyle,
	type LineStyle
} from './study-curves-canvas';
import type { PixelCurve } from './study-curves';

/** A stand-in 2D context: records path calls and keeps the pixels put into it. */
function recorder() {
	const calls: string[] = [];
	let put: { data: Uint8ClampedArray; width: number; height: number } | null = null;
	const ctx = {
		strokeStyle: '' as string,
		lineWidth: 1,
		setTransform: (...a: number[]) => calls.push(`transform ${a.join(',')}`),
		beginPath: () => calls.push('begin'),
		moveTo: (x: number, y: number) => calls.push(`M${x},${y}`),
		lineTo: (x: number, y: number) => calls.push(`L${x},${y}`),
		stroke: () => calls.push(`stroke ${ctx.strokeStyle}`),
		setLineDash: (d: number[]) => calls.push(`dash ${d.join(' ')}`),
		clearRect: (...a: number[]) => calls.push(`clear ${a.join(',')}`),
		createImageData: (width: number, height: number) => ({
			data: new Uint8ClampedArray(width * height * 4),
			width,
			height
		}),
		putImageData: (image: { data: Uint8ClampedArray; width: number; height: number }) => (put = image)
	};
	const alphaAt = (x: number, y: number) => put!.data[(y * put!.width + x) * 4 + 3]!;
	const rgbAt = (x: number, y: number) => [
		...put!.data.subarray((y * put!.width + x) * 4, (y * put!.width + x) * 4 + 3)
	];
	return { ctx: ctx as unknown as CanvasRenderingContext2D, calls, alphaAt, rgbAt, image: () => put! };
}

const pc = (xs: number[], ys: number[]): PixelCurve => ({
	curve: 0,
	xs: Float32Array.from(xs),
	ys: Float32Array.from(ys),
	rows: Uint32Array.from(xs.map((_, i) => i))
});

describe('line styles', () => {
	it('gives each kind of line its own dash; infeasible trials are dashed', () => {
		expect(lineStyle({ kind: 'main', infeasible: false }, 'c').dash).toEqual([]);
		expect(lineStyle({ kind: 'main', infeasible: true }, 'c').dash).toBe(DASHES.infeasible);
		expect(lineStyle({ kind: 'branch', infeasible: false }, 'c').dash).toBe(DASHES.branch);
		expect(lineStyle({ kind: 'ema', infeasible: false }, 'c').dash).toBe(DASHES.ema);
		expect(lineStyle({ kind: 'main', infeasible: false, stopped: true }, 'c').dash).toBe(DASHES.stopped);
		// Every kind of line, trials stopped by successive halving included, has its own dash.
		expect(new Set(Object.values(DASHES).map((d) => d.join(' '))).size).toBe(6);
	});

	it('reads CSS colours as channels', () => {
		expect(colorChannels('#ff8000')).toEqual({ r: 255, g: 128, b: 0 });
		expect(colorChannels('rgb(1, 2, 3)')).toEqual({ r: 1, g: 2, b: 3 });
	});
});

describe('drawCurves', () => {
	it('puts the rasterised curves at device resolution, in order, the later on top', () => {
		const { ctx, alphaAt, rgbAt, image } = recorder();
		const red: LineStyle = { color: '#ff0000', width: 1, dash: DASHES.main };
		const blue: LineStyle = { color: '#0000ff', width: 1, dash: DASHES.main };
		const styles = [red, blue];
		// Both horizontal at CSS y = 5, one CSS pixel wide.
		const { segments } = drawCurves(
			ctx,
			[pc([0, 10], [5, 5]), pc([0, 10], [5, 5])],
			[0, 1],
			(k) => styles[k]!,
			{ width: 10, height: 10 },
			2
		);
		expect(segments).toBe(2);
		expect(image().width).toBe(20);
		// A 1-CSS-px line at dpr 2 covers device rows 9 and 10 fully, nothing else.
		expect(alphaAt(5, 9)).toBeGreaterThan(240);
		expect(alphaAt(5, 10)).toBeGreaterThan(240);
		expect(alphaAt(5, 8)).toBe(0);
		expect(alphaAt(5, 11)).toBe(0);
		// Blue over red at opacity LINE_ALPHA: mostly blue, a little red.
		const [r, , b] = rgbAt(5, 9);
		expect(b).toBeGreaterThan(r!);
		expect(r).toBeCloseTo((255 * (LINE_ALPHA * (1 - LINE_ALPHA))) / (1 - (1 - LINE_ALPHA) ** 2), -1);
	});

	it('marks where infeasible lines stop with a ×', () => {
		const { ctx, calls } = recorder();
		const style: LineStyle = { color: 'red', width: 1, dash: DASHES.infeasible };
		drawCurves(ctx, [pc([0, 1, 2], [1, 2, NaN])], [0], () => style, { width: 10, height: 10 }, 1, [0]);
		// The × is centred on the last drawable point (1, 2).
		expect(calls).toContain('M-2,-1');
		expect(calls).toContain('L4,5');
		expect(calls.filter((c) => c.startsWith('stroke'))).toHaveLength(1);
	});
});

describe('drawHoverCurve', () => {
	it('clears the overlay at device size, then strokes the curve in CSS pixels, lifting the pen at gaps', () => {
		const { ctx, calls } = recorder();
		const style = { color: 'blue', width: 2 };
		drawHoverCurve(ctx, pc([0, 1, 2, 3, 4], [5, 6, NaN, 7, 8]), style, { width: 10.4, height: 20 }, 2);
		expect(calls).toEqual([
			'transform 1,0,0,1,0,0',
			'clear 0,0,21,40',
			'transform 2,0,0,2,0,0',
			'dash ',
			'begin',
			'M0,5',
			'L1,6',
			'M3,7',
			'L4,8',
			'stroke blue'
		]);
		expect(ctx.lineWidth).toBe(2);
	});

	it('only clears when nothing is hovered', () => {
		const { ctx, calls } = recorder();
		drawHoverCurve(ctx, null, { color: 'blue', width: 2 }, { width: 10, height: 10 }, 1);
		expect(calls).toEqual(['transform 1,0,0,1,0,0', 'clear 0,0,10,10']);
	});
});
