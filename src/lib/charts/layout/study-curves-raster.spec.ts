import { describe, expect, it } from 'vitest';
import { LineRaster, type RasterStyle } from './study-curves-raster';

const black: RasterStyle = { r: 0, g: 0, b: 0, alpha: 1, width: 1, dash: [] };

/** Opacity (0–1, two decimals) of pixel (x, y). */
const alpha = (r: LineRaster, x: number, y: number) =>
	Number(((r.pixels[x * r.height + y]! >>> 24) / 255).toFixed(2));

function column(r: LineRaster, x: number): number[] {
	return Array.from({ length: r.height }, (_, y) => alpha(r, x, y));
}

describe('LineRaster', () => {
	it('paints a horizontal line on a pixel centre row exactly, and half-covers rows between', () => {
		const r = new LineRaster(10, 6);
		r.polyline([0, 10], [2.5, 2.5], 1, black);
		expect(column(r, 4)).toEqual([0, 0, 1, 0, 0, 0]);
		r.clear();
		r.polyline([0, 10], [3, 3], 1, black);
		expect(column(r, 4)).toEqual([0, 0, 0.5, 0.5, 0, 0]);
	});

	it('stops painting a pixel once it is opaque', () => {
		const r = new LineRaster(4, 3);
		r.series([0, 4], [1.5, 1.5], 1, { r: 0, g: 0, b: 255, alpha: 1, width: 1, dash: [] });
		r.series([0, 4], [1.5, 1.5], 1, { r: 255, g: 0, b: 0, alpha: 1, width: 1, dash: [] });
		const out = new Uint8ClampedArray(4 * 3 * 4);
		r.writeRGBA(out);
		expect([...out.subarray(4 * 4, 4 * 4 + 4)]).toEqual([0, 0, 255, 255]);
	});

	it('paints a vertical spike over its full height (a min/max column)', () => {
		const r = new LineRaster(5, 20);
		r.polyline([2.5, 2.5, 2.5], [18, 1, 18], 1, black);
		for (let y = 1; y < 18; y++) expect(alpha(r, 2, y)).toBe(1);
		expect(alpha(r, 2, 19)).toBe(0);
		expect(alpha(r, 0, 10)).toBe(0);
	});

	it('lifts the pen at NaN and clips what falls outside', () => {
		const r = new LineRaster(10, 4);
		r.polyline([0, 3, 4, 7, 10], [1.5, 1.5, NaN, 1.5, 1.5], 1, black);
		expect(alpha(r, 1, 1)).toBe(1);
		expect(alpha(r, 5, 1)).toBe(0);
		expect(alpha(r, 8, 1)).toBe(1);
		// Far outside: nothing is written, nothing throws.
		r.polyline([-100, 200], [-1e9, 1e9], 1, black);
		r.series([-100, 200], [-1e9, 1e9], 1, black);
		expect(r.pixels.every((v) => v === 0 || v >>> 24 === 255)).toBe(true);
	});

	it('scales CSS coordinates and widths by the device pixel ratio', () => {
		const r = new LineRaster(20, 12);
		r.polyline([0, 10], [3, 3], 2, { ...black, width: 2 });
		expect(column(r, 10)).toEqual([0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0]);
	});

	it('leaves the gaps of a dash pattern', () => {
		const r = new LineRaster(20, 3);
		r.polyline([0, 20], [1.5, 1.5], 1, { ...black, dash: [4, 3] });
		const row = Array.from({ length: 20 }, (_, x) => alpha(r, x, 1));
		expect(row).toEqual([1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 0, 0]);
	});

	it('composites front to back (the first curve drawn stays on top) and writes straight RGBA bytes', () => {
		const r = new LineRaster(4, 3);
		r.polyline([0, 4], [1.5, 1.5], 1, { r: 0, g: 0, b: 255, alpha: 0.5, width: 1, dash: [] });
		r.series([0, 4], [1.5, 1.5], 1, { r: 255, g: 0, b: 0, alpha: 0.5, width: 1, dash: [] });
		const out = new Uint8ClampedArray(4 * 3 * 4);
		r.writeRGBA(out);
		const i = (1 * 4 + 2) * 4;
		// Red under blue: opacity 1 − 0.5·0.5 = 0.75; colour (red·0.25 + blue·0.5) / 0.75, to 8-bit rounding.
		const [r8, g8, b8, a8] = [...out.subarray(i, i + 4)];
		expect(Math.abs(r8! - 85)).toBeLessThanOrEqual(2);
		expect(g8).toBe(0);
		expect(Math.abs(b8! - 170)).toBeLessThanOrEqual(2);
		expect(Math.abs(a8! - 191)).toBeLessThanOrEqual(1);
		expect(out[3]).toBe(0);
	});
});
