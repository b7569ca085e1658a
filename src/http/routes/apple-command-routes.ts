import { randomUUID } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { APPLE_REQUEST_TYPES, buildCommandPlist } from '../../apple/commands.js';
import type { AppleCommandInput } from '../../apple/commands.js';
import { readProfileTarget } from '../../apple/profile-content.js';
import {
  badRequest,
  invalidProfile,
  notFound,
  notOnChannel,
  queueRequestTooLarge,
} from '../../errors.js';
import { adminOf } from '../authentication.js';
import type { AppContext } from '../context.js';

const NewAppleCommand = Type.Object(
  {
    requestType: Type.Union(APPLE_REQUEST_TYPES.map((t) => Type.Literal(t))),
    deviceIds: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { minItems: 1, maxItems: 100_000 }),
    ),
    groupId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    /** RemoveProfile: the profile's PayloadIdentifier. */
    identifier: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    /** InstallProfile: the profile, base64; DeclarativeManagement: the optional Data. */
    payload: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 4_000_000,
        description:
          'base64. InstallProfile: the .mobileconfig, signed or not; ' +
          'DeclarativeManagement: the optional Data',
      }),
    ),
  },
  { additionalProperties: false },
);

function commandInput(body: typeof NewAppleCommand.static): AppleCommandInput {
  const { requestType } = body;
  if (requestType === 'InstallProfile') {
    if (!body.payload) throw badRequest('InstallProfile needs payload (the profile, base64)');
    if (body.payload.trimStart().startsWith('<')) {
      throw invalidProfile('payload looks like the profile itself: send it base64-encoded');
    }
    const payload = new Uint8Array(Buffer.from(body.payload, 'base64'));
    try {
      readProfileTarget(payload);
    } catch (error) {
      // Refused here: once acknowledged, an unreadable profile could never show as installed.
      throw invalidProfile(
        `payload (the profile, base64) is not a configuration profile: ${(error as Error).message}`,
      );
    }
    return { requestType, payload };
  }
  if (requestType === 'RemoveProfile') {
    if (!body.identifier) throw badRequest('RemoveProfile needs identifier');
    return { requestType, identifier: body.identifier };
  }
  if (requestType === 'DeclarativeManagement') {
    return body.payload
      ? { requestType, data: new Uint8Array(Buffer.from(body.payload, 'base64')) }
      : { requestType };
  }
  return { requestType };
}

/** Queues an Apple MDM command for a list of devices or a group; all or none are queued. */
export function appleCommandRoutes(app: FastifyInstance, context: AppContext) {
  const { storage, apple, logger, config } = context;
  app.post<{ Body: typeof NewAppleCommand.static }>(
    '/api/v1/apple/commands',
    { schema: { tags: ['commands'], body: NewAppleCommand } },
    async (request, reply) => {
      const admin = adminOf(request);
      const input = commandInput(request.body);
      if (!request.body.deviceIds === !request.body.groupId) {
        throw badRequest('give either deviceIds or groupId');
      }
      let deviceIds = request.body.deviceIds ?? [];
      let skipped = 0;
      if (request.body.groupId) {
        if (!(await storage.getGroup(request.body.groupId))) {
          throw notFound('group', request.body.groupId);
        }
        // A group mixes platforms: only its Apple-enrolled members can ever answer.
        const members = await storage.listMembers(request.body.groupId);
        deviceIds = await storage.devicesOnChannel('apple', members);
        skipped = members.length - deviceIds.length;
      }
      const missing = await storage.missingDevices(deviceIds);
      if (missing.length > 0) throw notFound('device', missing.slice(0, 5).join(', '));
      const enrolled = new Set(await storage.devicesOnChannel('apple', deviceIds));
      const unreachable = deviceIds.filter((id) => !enrolled.has(id));
      if (unreachable.length > 0) throw notOnChannel('Apple MDM', unreachable);
      // Every command keeps its own copy of the payload (its CommandUUID is inside): a tester's
      // 760 KB profile for 4,000 devices wrote 3 GB in a transaction that held the database
      // for a minute.
      const commandBytes = Buffer.byteLength(buildCommandPlist(randomUUID(), input));
      if (commandBytes * deviceIds.length > config.queueRequestLimitBytes) {
        throw queueRequestTooLarge(commandBytes, deviceIds.length, config.queueRequestLimitBytes);
      }
      const queued = await storage.transaction(async (s) => {
        const now = Date.now();
        const rows = deviceIds.map((deviceId) => {
          const id = randomUUID();
          return {
            id,
            channel: 'apple' as const,
            deviceId,
            requestType: input.requestType,
            payload: buildCommandPlist(id, input),
            origin: `admin:${admin.username}`,
          };
        });
        await s.enqueueCommands(rows, now);
        await s.recordAudit({
          actor: admin.username,
          action: 'apple-command.enqueue',
          entityType: 'command',
          entityId: null,
          before: null,
          after: { requestType: input.requestType, devices: deviceIds.length },
        });
        return rows;
      });
      apple.pusher
        .push(deviceIds)
        .catch((error: unknown) => logger.warn({ err: error }, 'Apple push failed'));
      return reply.status(202).send({
        items: queued.map((c) => ({ id: c.id, deviceId: c.deviceId, requestType: c.requestType })),
        skipped,
      });
    },
  );
}
