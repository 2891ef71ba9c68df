import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { IncomingMessage, ServerResponse } from 'node:http';

interface Asset {
  readonly body: Buffer;
  readonly type: string;
}

const require = createRequire(import.meta.url);
const pageDir = fileURLToPath(new URL('../../page/', import.meta.url));

/**
 * The page and its assets, read once: our HTML, script and style from `page/`, and uPlot from
 * node_modules (no CDN, nothing from the network).
 */
export function loadAssets(): ReadonlyMap<string, Asset> {
  const uplot = (file: string): string => require.resolve(`uplot/dist/${file}`);
  const files: [string, string, string][] = [
    ['/', `${pageDir}index.html`, 'text/html; charset=utf-8'],
    ['/assets/app.js', `${pageDir}app.js`, 'text/javascript; charset=utf-8'],
    ['/assets/style.css', `${pageDir}style.css`, 'text/css; charset=utf-8'],
    ['/assets/uPlot.iife.min.js', uplot('uPlot.iife.min.js'), 'text/javascript; charset=utf-8'],
    ['/assets/uPlot.min.css', uplot('uPlot.min.css'), 'text/css; charset=utf-8'],
  ];
  return new Map(files.map(([path, file, type]) => [path, { body: readFileSync(file), type }]));
}

export function serveAsset(asset: Asset): (req: IncomingMessage, res: ServerResponse) => void {
  return (_req, res) => {
    res.writeHead(200, { 'Content-Type': asset.type, 'Content-Length': asset.body.length, 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' });
    res.end(asset.body);
  };
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store', ...headers });
  res.end(text);
}

export function queryOf(req: IncomingMessage): URLSearchParams {
  return new URL(req.url ?? '/', 'http://page').searchParams;
}
