import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppContext } from '../context.js';

/**
 * The console's client-side routes. Each is answered with the console's page, so a reload or a
 * bookmark of `/devices/abc` works; every other path keeps the server's own JSON 404.
 */
export const CONSOLE_PAGES = ['/login', '/devices', '/groups', '/software', '/policies'];

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Latch</title></head>
<body><main><h1>Latch</h1>
<p>The server is running, but the console has not been built: run <code>npm run build</code>.
The admin API is at <a href="/api/v1/openapi.json">/api/v1</a>.</p>
</main></body></html>`;

/**
 * Serves the console: its page at `/` and at every client route, its hashed files under
 * `/assets/` (cached for good, since their names change with their content). Nothing of it
 * lives under `/api/`.
 */
export function consoleRoutes(app: FastifyInstance, { config }: AppContext) {
  const indexFile = join(config.consoleDir, 'index.html');
  const built = existsSync(indexFile);
  const page = built ? readFileSync(indexFile, 'utf8') : NOT_BUILT;
  const sendPage = async (_request: unknown, reply: FastifyReply) =>
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(page);

  app.get('/', { schema: { hide: true } }, sendPage);
  if (!built) return;
  for (const path of CONSOLE_PAGES) {
    app.get(path, { schema: { hide: true } }, sendPage);
    app.get(`${path}/*`, { schema: { hide: true } }, sendPage);
  }
  void app.register(fastifyStatic, {
    root: join(config.consoleDir, 'assets'),
    prefix: '/assets/',
    decorateReply: false,
    index: false,
    immutable: true,
    maxAge: '365d',
    schemaHide: true,
  });
}
