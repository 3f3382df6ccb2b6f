import { describe, expect, it } from 'vitest';
import { familyColor, layoutFamilyCurves } from './family-curves';

describe('layoutFamilyCurves', () => {
	const order = ['cosine', 'constant'];
	const curves = [
		{
			family: 'cosine',
			index: 3,
			main: [
				{ step: 0, value: 2 },
				{ step: 50, value: 1 },
				{ step: 100, value: 0.4 }
			],
			branch: []
		},
		{
			family: 'constant',
			index: 6,
			main: [
				{ step: 0, value: 2 },
				{ step: 100, value: 1.5 }
			],
			branch: [
				{ step: 110, value: 1 },
				{ step: 120, value: 1 }
			]
		}
	];

	it('puts every curve on one step axis and one value axis, the branch drawn on from its branch point', () => {
		// Steps 0…120 over 0…240 px (2 px a step); values 0.4…2 (ratio 5, linear) over 160…0 px,
		// 100 px per unit: 2 → 0, 1.5 → 50, 1 → 100, 0.4 → 160; the target 1.25 → 75.
		const layout = layoutFamilyCurves(curves, 1.25, { width: 240, height: 160 }, (f) => order.indexOf(f));
		expect(layout.log).toBe(false);
		expect(layout.curves[0]).toMatchObject({
			family: 'cosine',
			index: 3,
			mainPath: 'M0,0L100,100L200,160',
			branchPath: '',
			color: familyColor(0)
		});
		expect(layout.curves[1]!.mainPath).toBe('M0,0L200,50');
		expect(layout.curves[1]!.branchPath).toBe('M200,50L220,100L240,100');
		expect(layout.curves[1]!.color).toBe(familyColor(1));
		expect(layout.targetY).toBe(75);
	});

	it('has no target line without a target', () => {
		expect(layoutFamilyCurves(curves, null, { width: 240, height: 150 }, () => 0).targetY).toBeNull();
	});
});
