// A small anti-aliased line rasteriser for the study curve chart. Pure: it writes into typed arrays,
// and the component copies the result into its canvas with one putImageData.
//
// Why not the canvas's own stroke(): 500 trials × 2,000 rows leave ~1,000,000 segments even after
// min/max downsampling (a pixel column still needs its first, lowest, highest and last point), and
// Chromium's software canvas took 200–300 ms to stroke them on this project's 2-core reference
// machine, beyond the 200 ms budget for the whole chart. Curves against steps need none of
// the stroker's generality:
// - solid curves (`series`) are drawn column by column: within one device-pixel column all a line
//   does is a vertical stroke from its lowest to its highest y there, so each column gets one span,
//   painted once, with fractional coverage at its two ends;
// - dashed curves (`polyline`, a few per chart) walk each segment along its major axis one pixel
//   centre at a time, painting a short span across it (Xiaolin Wu's idea, widened to any width).
// The cost is the height of the spans in pixels, not the number of points.
//
// Pixels are premultiplied RGBA, 8 bits a channel, packed in an Int32Array column by column (a span
// is contiguous memory). Curves are drawn front to back (the first drawn ends on top), composited
// "under" in integer arithmetic: the same picture as back-to-front source-over, but a pixel that is
// already opaque needs no more work. One difference from a canvas path, accepted: where a dashed
// curve's segments overlap, the overlap is blended twice.

export interface RasterStyle {
	/** Colour channels 0–255. */
	r: number;
	g: number;
	b: number;
	/** Opacity 0–1 of a fully covered pixel. */
	alpha: number;
	/** Line width in device pixels. */
	width: number;
	/** Dash pattern in device pixels (on, off, on, …); empty for solid. */
	dash: readonly number[];
}

/** Packs straight 0–255 channels, premultiplied by `a256`/256, into one little-endian RGBA word. */
function premultiplied(r: number, g: number, b: number, a256: number): number {
	return (
		(((r * a256) >> 8) |
			(((g * a256) >> 8) << 8) |
			(((b * a256) >> 8) << 16) |
			(((255 * a256) >> 8) << 24)) >>>
		0
	);
}

/**
 * `src` composited under `dst` (both premultiplied words): dst + src·(1 − dst alpha). Curves are drawn
 * front to back, so a pixel that is already opaque is final and is skipped without any arithmetic:
 * with hundreds of overlapping curves, most writes land on such pixels.
 */
function under(dst: number, src: number): number {
	const room = 256 - (dst >>> 24);
	// Red and blue, then green and alpha, two channels per multiplication; `| 0` keeps the word a
	// 32-bit integer (V8 then never boxes it as a double).
	const rb = (((src & 0x00ff00ff) * room) >>> 8) & 0x00ff00ff;
	const ga = (((src >>> 8) & 0x00ff00ff) * room) & 0xff00ff00;
	return (dst + (rb | ga)) | 0;
}

export class LineRaster {
	readonly width: number;
	readonly height: number;
	/**
	 * Premultiplied RGBA words (red in the low byte; signed only so V8 keeps them small integers),
	 * column-major: pixel (x, y) at x·height + y.
	 * `writeRGBA` turns it into the row-major, straight-alpha bytes of ImageData.
	 */
	readonly pixels: Int32Array;

	constructor(width: number, height: number) {
		this.width = Math.max(0, Math.floor(width));
		this.height = Math.max(0, Math.floor(height));
		this.pixels = new Int32Array(this.width * this.height);
		// Allocated here, not on first use: an allocation site that runs once inside `series` deopts
		// the hot function the next time round.
		this.columnLow = new Float32Array(this.width).fill(Infinity);
		this.columnHigh = new Float32Array(this.width).fill(-Infinity);
	}

	clear(): void {
		this.pixels.fill(0);
	}

	/** The current colour premultiplied at each opacity 0…256 (in 256ths), looked up per pixel. */
	private readonly words = new Int32Array(257);
	/** The current colour's opacity in 256ths. */
	private alpha256 = 256;

	private setColour(style: RasterStyle): void {
		const r = Math.round(style.r);
		const g = Math.round(style.g);
		const b = Math.round(style.b);
		for (let a = 0; a <= 256; a++) this.words[a] = premultiplied(r, g, b, a);
		this.alpha256 = Math.round(Math.min(1, Math.max(0, style.alpha)) * 256);
	}

	/** Blends `coverage` (0–1) of the current colour under pixel (x, y); no bounds check. */
	private blend(x: number, y: number, coverage: number): void {
		const a256 = Math.round(this.alpha256 * coverage);
		if (a256 <= 0) return;
		const i = x * this.height + y;
		const dst = this.pixels[i]!;
		if (dst >>> 24 === 255) return;
		this.pixels[i] = under(dst, this.words[a256]!);
	}

	/**
	 * Strokes the polyline through (`xs[i]`·`scale`, `ys[i]`·`scale`) (so CSS-pixel coordinates and
	 * devicePixelRatio can be passed as they are), in any direction, dashed or not. A NaN lifts the
	 * pen. Pixel (i, j) covers [i, i+1) × [j, j+1), like a canvas's backing store.
	 */
	polyline(xs: ArrayLike<number>, ys: ArrayLike<number>, scale: number, style: RasterStyle): void {
		this.setColour(style);
		const dash = style.dash;
		let period = 0;
		for (const d of dash) period += d;
		const dashed = dash.length > 0 && period > 0;
		let travelled = 0;
		let penX = NaN;
		let penY = NaN;
		for (let i = 0; i < xs.length; i++) {
			const y = ys[i]! * scale;
			const x = xs[i]! * scale;
			if (Number.isNaN(y) || Number.isNaN(x)) {
				penX = penY = NaN;
				continue;
			}
			if (!Number.isNaN(penY)) {
				const length = Math.hypot(x - penX, y - penY);
				this.segment(penX, penY, x, y, style, dashed ? travelled : -1, length, period);
				travelled += length;
			}
			penX = x;
			penY = y;
		}
	}

	/** Per device column of the series being drawn: its lowest and highest y (device pixels). */
	private readonly columnLow: Float32Array;
	private readonly columnHigh: Float32Array;

	/**
	 * A solid line through points whose x never decreases (a curve against steps), one span per
	 * device-pixel column. Same conventions as `polyline`; `style.dash` is ignored.
	 */
	series(xs: ArrayLike<number>, ys: ArrayLike<number>, scale: number, style: RasterStyle): void {
		const w = this.width;
		const low = this.columnLow;
		const high = this.columnHigh;
		let first = w;
		let last = -1;
		let penX = NaN;
		let penY = NaN;
		for (let i = 0; i < xs.length; i++) {
			const x = xs[i]! * scale;
			const y = ys[i]! * scale;
			if (Number.isNaN(y) || Number.isNaN(x)) {
				penX = penY = NaN;
				continue;
			}
			if (!Number.isNaN(penY)) {
				// The segment's y where it enters and leaves each column it crosses, folded into that
				// column's range.
				const slope = x > penX ? (y - penY) / (x - penX) : 0;
				const from = Math.max(0, Math.floor(penX));
				const to = Math.min(w - 1, Math.floor(x));
				for (let c = from; c <= to; c++) {
					const ya = c <= penX ? penY : penY + slope * (c - penX);
					const yb = c + 1 >= x ? y : penY + slope * (c + 1 - penX);
					const lo = ya < yb ? ya : yb;
					const hi = ya < yb ? yb : ya;
					if (lo < low[c]!) low[c] = lo;
					if (hi > high[c]!) high[c] = hi;
				}
				if (from < first) first = from;
				if (to > last) last = to;
			}
			penX = x;
			penY = y;
		}
		if (last < first) return;
		this.setColour(style);
		const half = style.width / 2;
		// A line w device pixels wide covers w columns: each column also takes the ranges of the
		// columns up to `reach` before it (reach 0 at one device pixel per CSS pixel).
		const reach = Math.max(0, Math.round(style.width) - 1);
		const end = Math.min(w - 1, last + reach);
		for (let c = first; c <= end; c++) {
			let lo = low[c]!;
			let hi = high[c]!;
			for (let d = Math.max(first, c - reach); d < c; d++) {
				if (low[d]! < lo) lo = low[d]!;
				if (high[d]! > hi) hi = high[d]!;
			}
			if (lo <= hi) this.span(c, lo - half, hi + half);
		}
		low.fill(Infinity, first, last + 1);
		high.fill(-Infinity, first, last + 1);
	}

	/** Paints column `x` from `top` to `bottom` (device pixels), with partial cover at both ends. */
	private span(x: number, top: number, bottom: number): void {
		const from = Math.max(0, Math.floor(top));
		const to = Math.min(this.height - 1, Math.floor(bottom));
		if (to < from) return;
		this.blend(x, from, Math.min(from + 1, bottom) - Math.max(from, top));
		if (to === from) return;
		this.blend(x, to, Math.min(to + 1, bottom) - Math.max(to, top));
		// Fully covered pixels between the ends: the same word each time (most pixels come here).
		const p = this.pixels;
		const src = this.words[this.alpha256]!;
		const column = x * this.height;
		for (let i = column + from + 1, stop = column + to; i < stop; i++) {
			const dst = p[i]!;
			if (dst >>> 24 !== 255) p[i] = under(dst, src);
		}
	}

	/** Whether arc position `s` (device pixels from the line's start) falls on a dash. */
	private onDash(s: number, dash: readonly number[], period: number): boolean {
		let at = s % period;
		for (let k = 0; k < dash.length; k++) {
			at -= dash[k]!;
			if (at < 0) return k % 2 === 0;
		}
		return false;
	}

	/**
	 * One segment, painted at the pixel centres of its major axis in [start, end), so consecutive
	 * segments never paint the same centre twice. `dashStart` < 0: solid.
	 */
	private segment(
		x0: number,
		y0: number,
		x1: number,
		y1: number,
		s: RasterStyle,
		dashStart: number,
		length: number,
		period: number
	): void {
		const dx = x1 - x0;
		const dy = y1 - y0;
		const xMajor = Math.abs(dx) >= Math.abs(dy);
		// Major axis a, minor axis b; the segment runs a0 → a1 along it.
		const a0 = xMajor ? x0 : y0;
		const a1 = xMajor ? x1 : y1;
		const b0 = xMajor ? y0 : x0;
		const da = a1 - a0;
		if (da === 0) return;
		const slope = (xMajor ? dy : dx) / da;
		// Half the span across the major axis that a line of this width covers at this slope.
		const half = (s.width / 2) * Math.sqrt(1 + slope * slope);
		const majorSize = xMajor ? this.width : this.height;
		const minorSize = xMajor ? this.height : this.width;
		const lo = Math.min(a0, a1);
		const hi = Math.max(a0, a1);
		// Pixel centres c + 0.5 with lo ≤ c + 0.5 < hi, clipped to the raster.
		const first = Math.max(0, Math.ceil(lo - 0.5));
		const last = Math.min(majorSize - 1, Math.ceil(hi - 0.5) - 1);
		for (let c = first; c <= last; c++) {
			const centre = c + 0.5;
			if (dashStart >= 0) {
				const t = (centre - a0) / da;
				if (!this.onDash(dashStart + t * length, s.dash, period)) continue;
			}
			const b = b0 + slope * (centre - a0);
			const top = b - half;
			const bottom = b + half;
			const from = Math.max(0, Math.floor(top));
			const to = Math.min(minorSize - 1, Math.floor(bottom));
			for (let p = from; p <= to; p++) {
				// Overlap of pixel [p, p+1) with the span [top, bottom].
				const coverage = Math.min(p + 1, bottom) - Math.max(p, top);
				if (coverage <= 0) continue;
				if (xMajor) this.blend(c, p, coverage > 1 ? 1 : coverage);
				else this.blend(p, c, coverage > 1 ? 1 : coverage);
			}
		}
	}

	/** Writes straight (non-premultiplied) RGBA bytes, row-major as ImageData holds them, into `out`. */
	writeRGBA(out: Uint8ClampedArray): void {
		const p = this.pixels;
		const { width, height } = this;
		if (out.length < width * height * 4) throw new RangeError('the output is smaller than the raster');
		out.fill(0, 0, width * height * 4);
		for (let x = 0; x < width; x++) {
			for (let y = 0, i = x * height; y < height; y++, i++) {
				const v = p[i]!;
				const a = v >>> 24;
				if (a === 0) continue;
				const o = (y * width + x) * 4;
				const k = 255 / a;
				out[o] = (v & 0xff) * k;
				out[o + 1] = ((v >>> 8) & 0xff) * k;
				out[o + 2] = ((v >>> 16) & 0xff) * k;
				out[o + 3] = a;
			}
		}
	}
}
