import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import swagger from '@fastify/swagger';
import Fastify, { LogController } from 'fastify';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { LatchError } from '../errors.js';
import { registerAuthentication } from './authentication.js';
import { registerJsonBody } from './json-body.js';
import type { AppContext } from './context.js';
import { handleError } from './error-handler.js';
import { registerHttpMetrics } from './http-metrics.js';
import { agentAdminRoutes } from './routes/agent-admin-routes.js';
import { agentRoutes } from './routes/agent-routes.js';
import { appleCommandRoutes } from './routes/apple-command-routes.js';
import { appleDeviceRoutes } from './routes/apple-device-routes.js';
import { appleMdmRoutes } from './routes/apple-mdm-routes.js';
import { assignmentRoutes } from './routes/assignment-routes.js';
import { auditRoutes } from './routes/audit-routes.js';
import { authRoutes } from './routes/auth-routes.js';
import { chocolateyAdminRoutes } from './routes/chocolatey-admin-routes.js';
import { chocolateyFeedRoutes } from './routes/chocolatey-feed-routes.js';
import { commandRoutes } from './routes/command-routes.js';
import { consoleRoutes } from './routes/console-routes.js';
import { deviceRoutes } from './routes/device-routes.js';
import { enrollmentTokenRoutes } from './routes/enrollment-token-routes.js';
import { groupRoutes } from './routes/group-routes.js';
import { mountEventRoutes } from './routes/mount-event-routes.js';
import { healthRoutes } from './routes/health-routes.js';
import { openapiRoutes } from './routes/openapi-routes.js';
import { policyRoutes } from './routes/policy-routes.js';
import { settingsRoutes } from './routes/settings-routes.js';
import { windowsAdminRoutes } from './routes/windows-admin-routes.js';
import { windowsEnrollmentRoutes } from './routes/windows-enrollment-routes.js';
import { windowsMdmRoutes } from './routes/windows-mdm-routes.js';
import { storeAppRoutes } from './routes/store-app-routes.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route registered, so tests can check rules (authentication) on all of them. */
    routeTable: RouteEntry[];
  }
}

export interface RouteEntry {
  method: string;
  url: string;
  public: boolean;
}

export type RouteModule = (app: FastifyInstance, context: AppContext) => void;

/** Every route module of the server; a feature adds its module to this list. */
export const ROUTE_MODULES: RouteModule[] = [
  healthRoutes,
  openapiRoutes,
  consoleRoutes,
  authRoutes,
  deviceRoutes,
  groupRoutes,
  assignmentRoutes,
  auditRoutes,
  settingsRoutes,
  enrollmentTokenRoutes,
  chocolateyFeedRoutes,
  chocolateyAdminRoutes,
  policyRoutes,
  agentRoutes,
  agentAdminRoutes,
  commandRoutes,
  windowsEnrollmentRoutes,
  windowsMdmRoutes,
  windowsAdminRoutes,
  appleMdmRoutes,
  appleCommandRoutes,
  appleDeviceRoutes,
  mountEventRoutes,
  storeAppRoutes,
];

/** Builds the fastify app over wired services; it is not listening yet. */
export async function buildServer(context: AppContext): Promise<FastifyInstance> {
  const { tlsCertFile, tlsKeyFile } = context.config;
  const app = Fastify({
    // Client certificates are asked for, not required: devices prove who they are with them,
    // browsers and admin clients do not have one.
    ...(tlsCertFile && tlsKeyFile
      ? {
          https: {
            cert: readFileSync(tlsCertFile),
            key: readFileSync(tlsKeyFile),
            requestCert: true,
            rejectUnauthorized: false,
          },
        }
      : {}),
    loggerInstance: context.logger as FastifyBaseLogger,
    bodyLimit: context.config.bodyLimitBytes,
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    // One line per request comes from our onResponse hook, with the route pattern, not the URL.
    logController: new LogController({ disableRequestLogging: true }),
    // Our own hook answers 503 while closing, in our error format (see below).
    return503OnClosing: false,
    forceCloseConnections: false,
    frameworkErrors: handleError,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: true } },
  });
  app.setErrorHandler(handleError);
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  // A callback hook, not an async one: it runs on every request and nearly always does nothing.
  app.addHook('onRequest', (_request, reply, done) => {
    if (!closing) return done();
    // Requests on kept-alive connections still arrive while in-flight ones finish.
    reply.header('connection', 'close');
    done(new LatchError('shutting_down', 503, 'the server is shutting down; try again shortly'));
  });
  registerJsonBody(app);
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({
      error: { code: 'route_not_found', message: `no route ${request.method} ${request.url}` },
    }),
  );
  await app.register(swagger, {
    openapi: {
      info: { title: 'Latch admin API', version: '1' },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      },
      security: [{ bearer: [] }],
    },
  });
  const routeTable: RouteEntry[] = [];
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      routeTable.push({ method, url: route.url, public: route.config?.public === true });
    }
  });
  app.decorate('routeTable', routeTable);
  registerAuthentication(app, context.storage);
  registerHttpMetrics(app, context.metrics);
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      {
        method: request.method,
        route: request.routeOptions.url,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request answered',
    );
  });
  for (const routes of ROUTE_MODULES) routes(app, context);
  return app;
}
