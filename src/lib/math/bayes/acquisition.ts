// Expected improvement for minimisation (Jones, Schonlau & Welch 1998), in closed form:
//   EI(x) = (best − μ)·Φ(z) + σ·φ(z),   z = (best − μ)/σ,
// and its product with the probability of feasibility (Gelbart et al. 2014).
import { normalCdf, normalPdf } from './normal';

/** E[max(0, best − f)] for f ~ N(mean, sd²); at sd = 0 the plain improvement. */
export function expectedImprovement(mean: number, sd: number, best: number): number {
	const improvement = best - mean;
	if (!(sd > 0)) return Math.max(0, improvement);
	const z = improvement / sd;
	return improvement * normalCdf(z) + sd * normalPdf(z);
}

/**
 * The constrained acquisition: EI × P(feasible); before any feasible trial there is no incumbent, and the
 * search goes where feasibility is most likely (Gelbart et al. 2014, section 3).
 */
export function constrainedAcquisition(
	mean: number,
	sd: number,
	best: number | null,
	feasibility: number
): number {
	return best === null ? feasibility : expectedImprovement(mean, sd, best) * feasibility;
}
