// Which weights of a checkpoint a model download can hold (raw, EMA, SWA). The page offers these
// choices before it asks the worker for the ZIP; the choice is engine-neutral, so it is only passed on.
export { availableWeights, weightsOf, type ExportedWeights } from '$lib/training/export/weights';
