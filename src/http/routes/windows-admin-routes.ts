import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { badRequest, notFound } from '../../errors.js';
import { toWindowsCommandView } from '../../service/windows-commands.js';
import { readStorageState } from '../../service/windows-storage-policy.js';
import { CSP_VERBS, InvalidCspCommandError } from '../../windows/csp-command.js';
import type { CspCommand } from '../../windows/csp-command.js';
import { XmlRefusedError } from '../../windows/hardened-xml.js';
import { adminOf } from '../authentication.js';
import type { AppContext } from '../context.js';
import { IdParams } from '../schemas.js';

const CspItemSchema = Type.Object(
  {
    target: Type.String({ minLength: 3, maxLength: 1024 }),
    format: Type.Optional(Type.String({ maxLength: 16 })),
    type: Type.Optional(Type.String({ maxLength: 128 })),
    data: Type.Optional(Type.String({ maxLength: 65_536 })),
  },
  { additionalProperties: false },
);
const PlainCommand = Type.Object(
  {
    verb: Type.Union(CSP_VERBS.map((verb) => Type.Literal(verb))),
    items: Type.Array(CspItemSchema, { minItems: 1, maxItems: 100 }),
  },
  { additionalProperties: false },
);
const CommandBody = Type.Object(
  {
    command: Type.Union([
      PlainCommand,
      Type.Object(
        {
          verb: Type.Literal('Atomic'),
          commands: Type.Array(PlainCommand, { minItems: 1, maxItems: 50 }),
        },
        { additionalProperties: false },
      ),
    ]),
  },
  { additionalProperties: false },
);

/** What the admin sees of a Windows device's MDM channel, and raw CSP commands for it. */
export function windowsAdminRoutes(app: FastifyInstance, context: AppContext) {
  const { storage } = context;

  app.get<{ Params: typeof IdParams.static }>(
    '/api/v1/devices/:id/windows',
    { schema: { tags: ['windows'], params: IdParams } },
    async (request) => {
      const enrollment = await storage.getWindowsEnrollment(request.params.id);
      if (!enrollment) throw notFound('windows enrolment of device', request.params.id);
      const commands = await storage.listCommands({
        deviceId: enrollment.deviceId,
        channel: 'windows',
        limit: 200,
      });
      return {
        deviceId: enrollment.deviceId,
        hardwareDeviceId: enrollment.hardwareDeviceId,
        enrolledAt: enrollment.enrolledAt,
        inventory: enrollment.inventory ? (JSON.parse(enrollment.inventory) as unknown) : {},
        storage: await readStorageState(storage, enrollment.deviceId),
        session: { id: enrollment.session.sessionId, lastMessage: enrollment.session.msgId },
        commands: commands.map(toWindowsCommandView),
      };
    },
  );

  app.post<{ Params: typeof IdParams.static; Body: typeof CommandBody.static }>(
    '/api/v1/devices/:id/windows/commands',
    { schema: { tags: ['windows'], params: IdParams, body: CommandBody } },
    async (request, reply) => {
      const admin = adminOf(request);
      const enrollment = await storage.getWindowsEnrollment(request.params.id);
      if (!enrollment) throw notFound('windows enrolment of device', request.params.id);
      const command = request.body.command as CspCommand;
      let ids: Map<string, string>;
      try {
        ids = await storage.transaction(async (s) => {
          const queued = await context.windowsCommands.enqueue(
            [enrollment.deviceId],
            command,
            `admin:${admin.username}`,
            Date.now(),
            s,
          );
          await s.recordAudit({
            actor: admin.username,
            action: 'windows.command.enqueue',
            entityType: 'device',
            entityId: enrollment.deviceId,
            before: null,
            after: { commandId: queued.get(enrollment.deviceId), command },
          });
          return queued;
        });
      } catch (error) {
        if (error instanceof InvalidCspCommandError || error instanceof XmlRefusedError) {
          throw badRequest(error.message);
        }
        throw error;
      }
      return reply.status(201).send({ id: ids.get(enrollment.deviceId) });
    },
  );
}
