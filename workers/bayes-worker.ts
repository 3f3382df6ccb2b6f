// The module worker that suggests a Bayesian study's next trials. Exposes BayesWorkerApi
// (workers/protocol.ts). Stateless: every call refits the models from the request alone, which is what makes
// a suggestion a function of the seed and the ordered history (src/lib/math/bayes/suggest.ts).
import * as Comlink from 'comlink';
import { suggestTrials } from '$lib/math/bayes/suggest';
import type { BayesWorkerApi } from './protocol';

const api: BayesWorkerApi = {
	suggest: (request) => suggestTrials(request)
};

Comlink.expose(api);
