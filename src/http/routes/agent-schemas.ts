import { Type } from '@sinclair/typebox';
import { AGENT_PLATFORMS } from '../../service/agent/agent-enrollment.js';
import { EXTENSION_STATES } from '../../service/agent/agent-checkin.js';

/** Request bodies of the agent API (`/agent/v1/…`), validated at the edge. */
const Version = Type.String({ minLength: 1, maxLength: 64 });
const Identifier = Type.String({ minLength: 1, maxLength: 200 });
/** A time the device reports, in epoch ms: before 2100, so a broken clock cannot pass for one. */
const EpochMs = Type.Integer({ minimum: 0, maximum: 4_102_444_800_000 });

export const EnrollBody = Type.Object(
  {
    enrollmentToken: Type.String({ minLength: 1, maxLength: 200 }),
    platform: Type.Union(AGENT_PLATFORMS.map((p) => Type.Literal(p))),
    serialNumber: Type.Optional(Identifier),
    hardwareUuid: Type.Optional(Identifier),
    name: Type.Optional(Type.String({ maxLength: 255 })),
    model: Type.Optional(Type.String({ maxLength: 255 })),
    osVersion: Version,
    osBuild: Type.Optional(Version),
    agentVersion: Version,
    trayVersion: Type.Optional(Version),
    csr: Type.Optional(Type.String({ minLength: 1, maxLength: 16_384 })),
  },
  { additionalProperties: false },
);

const Volume = Type.Object(
  {
    name: Type.String({ maxLength: 255 }),
    mountPoint: Type.String({ maxLength: 1024 }),
    bus: Type.Optional(Type.String({ maxLength: 64 })),
    mediaKind: Type.Optional(Type.String({ maxLength: 64 })),
    sizeBytes: Type.Optional(Type.Integer({ minimum: 0 })),
    readOnly: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const CheckinBody = Type.Object(
  {
    stateHash: Type.String({ minLength: 1, maxLength: 128 }),
    settingsEtag: Type.Optional(Type.String({ maxLength: 128 })),
    state: Type.Optional(
      Type.Object(
        {
          osVersion: Version,
          osBuild: Type.Optional(Version),
          agentVersion: Version,
          trayVersion: Type.Optional(Version),
          name: Type.Optional(Type.String({ maxLength: 255 })),
          model: Type.Optional(Type.String({ maxLength: 255 })),
          extensionState: Type.Union(EXTENSION_STATES.map((s) => Type.Literal(s))),
          volumes: Type.Array(Volume, { maxItems: 256 }),
          inventory: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

/** Events per upload; the agent sends more in further batches. */
export const MAX_EVENTS_PER_BATCH = 500;

export const EventsBody = Type.Object(
  {
    events: Type.Array(
      Type.Object(
        {
          id: Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9._:-]+$' }),
          kind: Type.String({ pattern: '^[a-z][a-z0-9.-]{0,63}$' }),
          occurredAt: EpochMs,
          payload: Type.Record(Type.String(), Type.Unknown()),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: MAX_EVENTS_PER_BATCH },
    ),
  },
  { additionalProperties: false },
);

export const TaskResultBody = Type.Object(
  {
    outcome: Type.Union([Type.Literal('succeeded'), Type.Literal('failed')]),
    exitCode: Type.Union([Type.Integer(), Type.Null()]),
    outputTail: Type.String({ maxLength: 16_384 }),
    startedAt: EpochMs,
    finishedAt: EpochMs,
    error: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);

export const TaskParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });
