import type { FastifyInstance } from 'fastify';
import { unauthenticated } from '../../errors.js';
import { bearerToken } from '../authentication.js';
import type { AppContext } from '../context.js';

/** Liveness, readiness and Prometheus metrics: what a load balancer and a scraper ask. */
export function healthRoutes(app: FastifyInstance, { storage, metrics, config }: AppContext) {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    try {
      await storage.ping();
      return { status: 'ready' };
    } catch (error) {
      reply.log.warn({ err: error }, 'database unreachable');
      return reply.status(503).send({
        error: { code: 'database_unreachable', message: 'the database cannot be reached' },
      });
    }
  });

  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    if (config.metricsToken && bearerToken(request) !== config.metricsToken) {
      throw unauthenticated('metrics need the metrics token');
    }
    return reply.type(metrics.contentType).send(await metrics.metrics());
  });
}
