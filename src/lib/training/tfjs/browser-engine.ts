// The tfjs engine as the trial worker runs it in the browser: the wasm backend loads its .wasm files
// from the app's own bundle (Vite hands out their URLs), not from a CDN.
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import type { Engine } from '../engine';
import { createTfjsEngine } from './engine';

export function createBrowserTfjsEngine(): Engine {
	setWasmPaths({
		'tfjs-backend-wasm.wasm': wasmPlain,
		'tfjs-backend-wasm-simd.wasm': wasmSimd,
		'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded
	});
	return createTfjsEngine();
}
