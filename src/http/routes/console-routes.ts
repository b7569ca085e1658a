import type { FastifyInstance } from 'fastify';

const PLACEHOLDER = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Latch</title></head>
<body><main><h1>Latch</h1>
<p>The server is running. The admin API is at <a href="/api/v1/openapi.json">/api/v1</a>.</p>
</main></body></html>`;

/** The console's home; a placeholder page until the console is built. */
export function consoleRoutes(app: FastifyInstance) {
  app.get('/', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/html; charset=utf-8').send(PLACEHOLDER),
  );
}
