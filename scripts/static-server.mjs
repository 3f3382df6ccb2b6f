// Static file server over node:http. Sends .wasm as application/wasm (needed for streaming
// compilation) and never re-encodes .gz files, so the loaders see the raw gzip bytes.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';

const TYPES = {
	'.html': 'text/html; charset=utf-8',
	'.js': 'text/javascript; charset=utf-8',
	'.mjs': 'text/javascript; charset=utf-8',
	'.css': 'text/css; charset=utf-8',
	'.json': 'application/json; charset=utf-8',
	'.webmanifest': 'application/manifest+json',
	'.svg': 'image/svg+xml',
	'.png': 'image/png',
	'.ico': 'image/x-icon',
	'.wasm': 'application/wasm',
	'.gz': 'application/octet-stream',
	'.txt': 'text/plain; charset=utf-8',
	'.md': 'text/markdown; charset=utf-8'
};

async function fileAt(path) {
	try {
		const info = await stat(path);
		return info.isFile() ? info : null;
	} catch {
		return null;
	}
}

/** Starts serving `dir`; resolves once listening. Port 0 picks a free port. */
export function startStaticServer({ dir, port = 0, host = '127.0.0.1' }) {
	const rootDir = resolve(dir);
	const serve = async (req, res) => {
		const url = new URL(req.url ?? '/', 'http://localhost');
		const relative = normalize(decodeURIComponent(url.pathname)).replace(/^(\.\.[/\\])+/, '');
		let path = join(rootDir, relative);
		if (!path.startsWith(rootDir)) {
			res.writeHead(403).end('forbidden');
			return;
		}
		let info = await fileAt(path);
		if (!info && (await fileAt(join(path, 'index.html')))) {
			path = join(path, 'index.html');
			info = await fileAt(path);
		}
		if (!info) {
			path = join(rootDir, 'index.html');
			info = await fileAt(path);
		}
		if (!info) {
			res.writeHead(404).end('not found');
			return;
		}
		res.writeHead(200, {
			'content-type': TYPES[extname(path)] ?? 'application/octet-stream',
			'content-length': info.size,
			'cache-control': path.includes('/_app/immutable/') ? 'public, max-age=31536000, immutable' : 'no-cache'
		});
		createReadStream(path).pipe(res);
	};
	// Node does not await the handler: a request it cannot serve (a malformed %-escape in the path makes
	// decodeURIComponent throw) is answered with 400 instead of becoming an unhandled rejection.
	const server = createServer((req, res) => {
		serve(req, res).catch((error) => {
			if (!res.headersSent) res.writeHead(400);
			res.end(error instanceof Error ? error.message : String(error));
		});
	});
	return new Promise((resolveListen, reject) => {
		server.once('error', reject);
		server.listen(port, host, () => {
			const address = server.address();
			resolveListen({
				port: typeof address === 'object' && address ? address.port : port,
				close: () => new Promise((done) => server.close(() => done()))
			});
		});
	});
}
