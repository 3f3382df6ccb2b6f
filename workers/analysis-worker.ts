// The module worker that analyses a study with results. Exposes AnalysisWorkerApi (workers/protocol.ts).
// Every computation is a pure function of the study: the worker holds no state between calls.
import * as Comlink from 'comlink';
import { analyzeStudy } from '$lib/analysis/checklist';
import { computeImportance } from '$lib/analysis/importance';
import { fitScalingLaw } from '$lib/analysis/scaling-fit';
import { idwGrid } from '$lib/math/idw';
import type { AnalysisWorkerApi } from './protocol';

const api: AnalysisWorkerApi = {
	analyze: (study, choice) => analyzeStudy(study, choice),
	importance: (study, choice) => computeImportance(study, choice),
	interpolate: (samples, columns, rows) => idwGrid(samples, columns, rows),
	scalingFit: (points, options) => fitScalingLaw(points, options)
};

Comlink.expose(api);
