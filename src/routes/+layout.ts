// Everything runs in the browser (WebGPU, workers, IndexedDB): no server rendering, one static shell.
export const ssr = false;
export const prerender = true;
