import type { FastifyInstance } from 'fastify';
import { RateLimiter } from '../../service/rate-limiter.js';
import { agentOf, authenticateAgent } from '../agent-authentication.js';
import type { AppContext } from '../context.js';
import { exactValidator } from '../exact-validator.js';
import { agentTaskNotSent, notFound } from '../../errors.js';
import {
  CheckinBody,
  EnrollBody,
  EventsBody,
  TaskParams,
  TaskResultBody,
} from './agent-schemas.js';

const KB = 1024;

/**
 * The device-facing agent API under `/agent/v1/`. Every route but enrolment proves the device
 * (see authenticateAgent) and is rate-limited per device; bodies are JSON with small limits.
 */
export function agentRoutes(app: FastifyInstance, context: AppContext) {
  const { agentChannel: channel, config } = context;
  const auth = {
    channel,
    limiter: new RateLimiter({
      perMinute: config.agentRatePerMinute,
      burst: config.agentRateBurst,
    }),
    config,
  };

  void app.register(async (agent) => {
    agent.setValidatorCompiler(exactValidator);

    agent.post<{ Body: typeof EnrollBody.static }>(
      '/agent/v1/enroll',
      { bodyLimit: 64 * KB, schema: { hide: true, body: EnrollBody } },
      async (request, reply) => {
        const enrollment = await channel.enroll(request.body);
        request.log.info({ deviceId: enrollment.deviceId }, 'agent enrolled');
        return reply.status(201).send(enrollment);
      },
    );

    void agent.register(async (scope) => {
      scope.addHook('onRequest', async (request, reply) => {
        await authenticateAgent(request, reply, auth);
      });

      scope.post<{ Body: typeof CheckinBody.static }>(
        '/agent/v1/checkin',
        { bodyLimit: 256 * KB, schema: { hide: true, body: CheckinBody } },
        async (request) => {
          return channel.checkIn(agentOf(request), request.body);
        },
      );

      scope.get('/agent/v1/settings', { schema: { hide: true } }, async (request, reply) => {
        const { deviceId } = agentOf(request);
        const { settings, etag } = await channel.settingsFor(deviceId);
        void reply.header('etag', etag).header('cache-control', 'no-store');
        if (request.headers['if-none-match'] === etag) return reply.status(304).send();
        return { etag, settings };
      });

      scope.post<{ Body: typeof EventsBody.static }>(
        '/agent/v1/events',
        { bodyLimit: 1024 * KB, schema: { hide: true, body: EventsBody } },
        async (request) => {
          const { deviceId } = agentOf(request);
          const events = request.body.events.map(({ id, kind, occurredAt, payload }) => ({
            eventId: id,
            kind,
            occurredAt,
            payload,
          }));
          const { stored } = await channel.recordEvents(deviceId, events);
          return { received: events.length, stored };
        },
      );

      scope.get('/agent/v1/tasks', { schema: { hide: true } }, async (request) => {
        const { deviceId } = agentOf(request);
        const tasks = await channel.tasks.claim(deviceId);
        return {
          tasks: tasks.map(({ id, kind, arguments: args, attempts }) => ({
            id,
            kind,
            arguments: args,
            attempt: attempts,
          })),
        };
      });

      scope.post<{ Params: typeof TaskParams.static; Body: typeof TaskResultBody.static }>(
        '/agent/v1/tasks/:id/result',
        { bodyLimit: 64 * KB, schema: { hide: true, params: TaskParams, body: TaskResultBody } },
        async (request) => {
          const { deviceId } = agentOf(request);
          const outcome = await channel.tasks.recordResult(
            deviceId,
            request.params.id,
            request.body,
          );
          // Another device's task and a task that does not exist look the same: nothing leaks.
          if (outcome === 'unknown') throw notFound('task', request.params.id);
          if (outcome === 'not_sent') throw agentTaskNotSent(request.params.id);
          return { recorded: outcome === 'recorded' };
        },
      );
    });
  });
}
