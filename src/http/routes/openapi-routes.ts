import type { FastifyInstance } from 'fastify';

/** The OpenAPI document, generated from the route schemas, public so tools can read it. */
export function openapiRoutes(app: FastifyInstance) {
  app.get('/api/v1/openapi.json', { config: { public: true }, schema: { hide: true } }, async () =>
    app.swagger(),
  );
}
