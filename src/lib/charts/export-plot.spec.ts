import { describe, expect, it } from 'vitest';
import { exportFileName, inlineStyleText, INLINE_STYLE_PROPERTIES } from './export-plot';

describe('exportFileName', () => {
	it('makes a plain file name from the plot name', () => {
		expect(exportFileName('Synthetic study valLoss', 'svg')).toBe('synthetic-study-valloss.svg');
		expect(exportFileName('  Étude: lr × wd / 2026  ', 'png')).toBe('etude-lr-wd-2026.png');
		expect(exportFileName('***', 'svg')).toBe('plot.svg');
		expect(exportFileName('a'.repeat(200), 'png')).toBe(`${'a'.repeat(80)}.png`);
	});
});

describe('inlineStyleText', () => {
	it('copies the drawing properties that have a value, in a fixed order', () => {
		const values: Record<string, string> = { stroke: 'rgb(0, 0, 0)', 'font-size': '11px', color: 'red' };
		const style = { getPropertyValue: (p: string) => values[p] ?? '' };
		expect(inlineStyleText(style)).toBe('stroke:rgb(0, 0, 0);font-size:11px');
		expect(INLINE_STYLE_PROPERTIES).toContain('stroke-dasharray');
	});
});
