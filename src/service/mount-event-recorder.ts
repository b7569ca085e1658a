import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { Logger } from 'pino';
import type { MountReport } from '../agent/mount-report.js';
import { MOUNT_EVENT_KIND } from '../agent/mount-report.js';
import type { Page } from '../domain.js';
import type { MountEventStore } from '../storage/roles/mount-events.js';

/** An agent event as the agent channel stores it. */
export interface AgentEventRecord {
  deviceId: string;
  eventId: string;
  kind: string;
  occurredAt: number;
  payload: Record<string, unknown>;
}

/** The part of the agent channel that mount events are read from. */
export interface AgentEventSource {
  listEvents(filter: {
    kind?: string;
    limit?: number;
    cursor?: string;
  }): Promise<Page<AgentEventRecord>>;
  onEvent(listener: (event: AgentEventRecord) => void, filter: { kind?: string }): () => void;
}

const Text = Type.Union([Type.String({ maxLength: 500 }), Type.Null()]);
const MountReportPayload = Type.Object({
  user: Type.String({ maxLength: 200 }),
  disk: Text,
  bus: Text,
  mediaKind: Text,
  volumeName: Text,
  sizeBytes: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
  category: Type.Union(
    ['internal', 'external', 'sd-card', 'disk-image', 'network', 'optical', 'unknown'].map((c) =>
      Type.Literal(c),
    ),
  ),
  decision: Type.Union(['deny', 'read-only', 'audit'].map((d) => Type.Literal(d))),
  rule: Type.String({ pattern: '^[a-z0-9-]{1,80}$' }),
});

/**
 * The mount report an agent event carries, with the event's own id and time; undefined when the
 * event is of another kind or its payload is not a mount report.
 */
export function mountReportOf(event: AgentEventRecord): MountReport | undefined {
  if (event.kind !== MOUNT_EVENT_KIND || !Value.Check(MountReportPayload, event.payload)) {
    return undefined;
  }
  const payload = event.payload as Omit<MountReport, 'eventId' | 'occurredAt'>;
  return {
    eventId: event.eventId,
    occurredAt: event.occurredAt,
    user: payload.user,
    disk: payload.disk,
    bus: payload.bus,
    mediaKind: payload.mediaKind,
    volumeName: payload.volumeName,
    sizeBytes: payload.sizeBytes,
    category: payload.category,
    decision: payload.decision,
    rule: payload.rule,
  };
}

/** Stores the mount reports among `events` (once each); answers how many were new. */
export async function recordMountEvents(
  store: MountEventStore,
  events: readonly AgentEventRecord[],
  receivedAt: number,
): Promise<number> {
  let stored = 0;
  const byDevice = new Map<string, MountReport[]>();
  for (const event of events) {
    const report = mountReportOf(event);
    if (report) byDevice.set(event.deviceId, [...(byDevice.get(event.deviceId) ?? []), report]);
  }
  for (const [deviceId, reports] of byDevice) {
    stored += await store.recordMountEvents(deviceId, reports, receivedAt);
  }
  return stored;
}

/**
 * Keeps mount events in step with the agent channel: first reads every stored agent event of the
 * mount kind (stored once each, so a repeat changes nothing and an event a crash left unprojected
 * is picked up), then follows new ones as this server stores them. Answers a function that stops
 * following.
 */
export function followMountEvents(
  source: AgentEventSource,
  store: MountEventStore,
  logger: Logger,
): () => void {
  const stop = source.onEvent(
    (event) => {
      recordMountEvents(store, [event], Date.now()).catch((error: unknown) =>
        logger.error({ err: error, eventId: event.eventId }, 'storing a mount event failed'),
      );
    },
    { kind: MOUNT_EVENT_KIND },
  );
  catchUp(source, store).catch((error: unknown) =>
    logger.error({ err: error }, 'catching up on mount events failed'),
  );
  return stop;
}

async function catchUp(source: AgentEventSource, store: MountEventStore) {
  let cursor: string | undefined;
  do {
    const page = await source.listEvents({ kind: MOUNT_EVENT_KIND, limit: 500, cursor });
    await recordMountEvents(store, page.items, Date.now());
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}
