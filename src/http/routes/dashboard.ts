/**
 * The dashboard's static files at /dashboard/, built by Vite into dist/dashboard by `npm run build`. It needs no key:
 * the page holds no data, it asks the API with the key its user types. Nothing is fetched from elsewhere (CSP 'self').
 */
import { readFile } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { gatewayError } from '../../catalog/switchboard-error.js';

/** Beside the compiled server in dist/; from the sources (tests, `npm run dev`) the build's output all the same. */
export const DASHBOARD_DIR = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? '../../../dist/dashboard/' : '../../dashboard/', import.meta.url));

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.json': 'application/json', '.map': 'application/json',
};

const POLICY = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/** The file a path names inside `root`, or undefined for a path that leaves it or a type we do not serve. */
export function dashboardFile(root: string, path: string): string | undefined {
  const file = resolve(root, `.${sep}${path === '' ? 'index.html' : path}`);
  if (!file.startsWith(root.endsWith(sep) ? root : root + sep) || !(extname(file) in TYPES)) return undefined;
  return file;
}

async function sendFile(reply: FastifyReply, file: string | undefined): Promise<FastifyReply> {
  const body = file === undefined ? undefined : await readFile(file).catch(() => undefined);
  if (body === undefined || file === undefined)
    throw gatewayError('not_found', { detail: 'No such dashboard file (the dashboard is built by `npm run build`).' });
  // Vite names assets by their content hash, so only index.html may change under the same name.
  const cache = file.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache';
  return reply.type(TYPES[extname(file)]!).header('cache-control', cache).header('content-security-policy', POLICY)
    .header('x-content-type-options', 'nosniff').header('referrer-policy', 'no-referrer').send(body);
}

export function dashboardRoutes(app: FastifyInstance, root: string = DASHBOARD_DIR): void {
  app.get('/dashboard', { schema: { hide: true } }, async function dashboardHome(_request, reply) {
    return reply.redirect('/dashboard/');
  });
  app.get<{ Params: { '*': string } }>('/dashboard/*', { schema: { hide: true } }, async function dashboardAsset(request, reply) {
    return sendFile(reply, dashboardFile(root, request.params['*']));
  });
}
