#!/usr/bin/env node
// Draws the lab's app icons (static/icons/*.png) from the same picture as static/favicon.svg: a
// falling training curve, amber on dark blue. Drawn here pixel by pixel and written as PNG with
// node:zlib, so no image tool or download is needed. Run: node scripts/make-icons.mjs
import { writeFileSync, mkdirSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const BACKGROUND = [0x1e, 0x3a, 0x8a];
const CURVE = [0xfb, 0xbf, 0x24];

// The favicon's path in its 32×32 box: M5 24 C10 8, 14 20, 18 14 S 24 9, 27 8 (the S mirrors the
// previous control point: 2·(18,14) − (14,20) = (22,8)).
const SEGMENTS = [
	[
		[5, 24],
		[10, 8],
		[14, 20],
		[18, 14]
	],
	[
		[18, 14],
		[22, 8],
		[24, 9],
		[27, 8]
	]
];

function bezier([p0, p1, p2, p3], t) {
	const u = 1 - t;
	const a = u * u * u;
	const b = 3 * u * u * t;
	const c = 3 * u * t * t;
	const d = t * t * t;
	return [0, 1].map((k) => a * p0[k] + b * p1[k] + c * p2[k] + d * p3[k]);
}

const POLYLINE = SEGMENTS.flatMap((segment) => Array.from({ length: 65 }, (_, i) => bezier(segment, i / 64)));

function distanceToPolyline(x, y) {
	let best = Infinity;
	for (let i = 1; i < POLYLINE.length; i++) {
		const [ax, ay] = POLYLINE[i - 1];
		const [bx, by] = POLYLINE[i];
		const dx = bx - ax;
		const dy = by - ay;
		const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy || 1)));
		best = Math.min(best, Math.hypot(x - ax - t * dx, y - ay - t * dy));
	}
	return best;
}

/** Coverage in [0, 1] of a pixel by a shape whose signed distance (in pixels) is `d` (negative inside). */
const coverage = (d) => Math.max(0, Math.min(1, 0.5 - d));

/**
 * RGBA pixels of one icon. `maskable` fills the whole square (the platform cuts its own shape) and
 * keeps the curve inside the central safe circle (80% of the size); otherwise the square has rounded
 * corners like the favicon.
 */
function draw(size, maskable) {
	const pixels = new Uint8Array(size * size * 4);
	const box = maskable ? 0.6 * size : size; // the 32-unit picture's size in pixels
	const offset = (size - box) / 2;
	const unit = box / 32;
	const radius = maskable ? 0 : 6 * unit;
	for (let py = 0; py < size; py++) {
		for (let px = 0; px < size; px++) {
			const x = px + 0.5;
			const y = py + 0.5;
			// Rounded-rectangle signed distance.
			const qx = Math.abs(x - size / 2) - (size / 2 - radius);
			const qy = Math.abs(y - size / 2) - (size / 2 - radius);
			const outside = Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - radius;
			const alpha = coverage(outside);
			const curveDistance = distanceToPolyline((x - offset) / unit, (y - offset) / unit) * unit;
			const ink = coverage(curveDistance - 1.5 * unit); // stroke width 3 units
			const i = 4 * (py * size + px);
			for (let k = 0; k < 3; k++) pixels[i + k] = Math.round(BACKGROUND[k] * (1 - ink) + CURVE[k] * ink);
			pixels[i + 3] = Math.round(255 * alpha);
		}
	}
	return pixels;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
	let c = n;
	for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
	return c >>> 0;
});

function crc32(bytes) {
	let c = 0xffffffff;
	for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
	return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
	const out = Buffer.alloc(12 + data.length);
	out.writeUInt32BE(data.length, 0);
	out.write(type, 4, 'ascii');
	data.copy(out, 8);
	out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
	return out;
}

/** A PNG file (8-bit RGBA, no interlace) of `pixels`. */
export function encodePng(size, pixels) {
	const header = Buffer.alloc(13);
	header.writeUInt32BE(size, 0);
	header.writeUInt32BE(size, 4);
	header.set([8, 6, 0, 0, 0], 8); // bit depth 8, colour type RGBA
	const rows = Buffer.alloc(size * (1 + 4 * size));
	for (let y = 0; y < size; y++) {
		rows[y * (1 + 4 * size)] = 0; // filter: none
		rows.set(pixels.subarray(4 * size * y, 4 * size * (y + 1)), y * (1 + 4 * size) + 1);
	}
	return Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		chunk('IHDR', header),
		chunk('IDAT', deflateSync(rows, { level: 9 })),
		chunk('IEND', Buffer.alloc(0))
	]);
}

const ICONS = [
	{ file: 'icon-192.png', size: 192, maskable: false },
	{ file: 'icon-512.png', size: 512, maskable: false },
	{ file: 'maskable-192.png', size: 192, maskable: true },
	{ file: 'maskable-512.png', size: 512, maskable: true },
	{ file: 'apple-touch-icon.png', size: 180, maskable: true }
];

if (import.meta.url === `file://${process.argv[1]}`) {
	const dir = new URL('../static/icons/', import.meta.url);
	mkdirSync(dir, { recursive: true });
	for (const icon of ICONS) {
		writeFileSync(new URL(icon.file, dir), encodePng(icon.size, draw(icon.size, icon.maskable)));
		console.log(`static/icons/${icon.file} (${icon.size}×${icon.size}${icon.maskable ? ', maskable' : ''})`);
	}
}
