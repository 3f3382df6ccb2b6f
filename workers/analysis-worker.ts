// The module worker that analyses a study with results. Exposes AnalysisWorkerApi (workers/protocol.ts).
// Both computations are pure functions of the study: the worker holds no state between calls.
import * as Comlink from 'comlink';
import { analyzeStudy } from '$lib/analysis/checklist';
import { computeImportance } from '$lib/analysis/importance';
import type { AnalysisWorkerApi } from './protocol';

const api: AnalysisWorkerApi = {
	analyze: (study, choice) => analyzeStudy(study, choice),
	importance: (study, choice) => computeImportance(study, choice)
};

Comlink.expose(api);
