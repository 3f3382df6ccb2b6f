import { rgb } from 'd3';
import { describe, expect, it } from 'vitest';
import { objectiveColor } from './objective-colors';

const luminance = (color: string) => {
	const { r, g, b } = rgb(color);
	return 0.2126 * r + 0.7152 * g + 0.0722 * b;
};

describe('one colour for better', () => {
	it('runs from dark (best) to light (worst), never to the palest yellow', () => {
		// Viridis starts at #440154 (dark purple); its end #fde725 is the pale yellow the ramp stops short of.
		expect(objectiveColor(0)).toBe('#440154');
		expect(luminance(objectiveColor(0))).toBeLessThan(luminance(objectiveColor(0.5)));
		expect(luminance(objectiveColor(0.5))).toBeLessThan(luminance(objectiveColor(1)));
		expect(luminance(objectiveColor(1))).toBeLessThan(luminance('#fde725'));
	});

	it('clamps values outside [0, 1] and draws a missing one as the worst', () => {
		expect(objectiveColor(-1)).toBe(objectiveColor(0));
		expect(objectiveColor(2)).toBe(objectiveColor(1));
		expect(objectiveColor(NaN)).toBe(objectiveColor(1));
	});
});
