import type { Selectable } from 'kysely';
import type { MountReport } from '../../agent/mount-report.js';
import { badRequest } from '../../errors.js';
import type { MountEvent, MountEventStore } from '../roles/mount-events.js';
import type { Executor } from './executor.js';
import { decodeCursor, encodeCursor } from './executor.js';
import type { MountEventsTable } from './schema-mount-events.js';
import './schema-mount-events.js';

const DEFAULT_PAGE = 50;
const MAX_PAGE = 500;

function toMountEvent(row: Selectable<MountEventsTable>): MountEvent {
  return {
    id: row.id,
    deviceId: row.device_id,
    eventId: row.event_id,
    occurredAt: row.occurred_at,
    receivedAt: row.received_at,
    user: row.user_name,
    disk: row.disk,
    bus: row.bus,
    mediaKind: row.media_kind,
    volumeName: row.volume_name,
    sizeBytes: row.size_bytes,
    category: row.category as MountEvent['category'],
    decision: row.decision as MountEvent['decision'],
    rule: row.rule,
  };
}

export function mountEventStore(db: Executor): MountEventStore {
  return {
    async recordMountEvents(deviceId: string, reports: MountReport[], receivedAt: number) {
      if (reports.length === 0) return 0;
      const result = await db
        .insertInto('mount_events')
        .values(
          reports.map((report) => ({
            device_id: deviceId,
            event_id: report.eventId,
            occurred_at: report.occurredAt,
            received_at: receivedAt,
            user_name: report.user,
            disk: report.disk,
            bus: report.bus,
            media_kind: report.mediaKind,
            volume_name: report.volumeName,
            size_bytes: report.sizeBytes,
            category: report.category,
            decision: report.decision,
            rule: report.rule,
          })),
        )
        .onConflict((conflict) => conflict.columns(['device_id', 'event_id']).doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0);
    },

    async listMountEvents(filter = {}) {
      const size = Math.min(Math.max(filter.limit ?? DEFAULT_PAGE, 1), MAX_PAGE);
      let query = db.selectFrom('mount_events').selectAll();
      if (filter.deviceId !== undefined) query = query.where('device_id', '=', filter.deviceId);
      if (filter.decision !== undefined) query = query.where('decision', '=', filter.decision);
      if (filter.category !== undefined) query = query.where('category', '=', filter.category);
      if (filter.from !== undefined) query = query.where('occurred_at', '>=', filter.from);
      if (filter.to !== undefined) query = query.where('occurred_at', '<', filter.to);
      if (filter.cursor) {
        const [beforeId] = decodeCursor(filter.cursor) ?? [];
        if (typeof beforeId !== 'number') {
          throw badRequest('the cursor is not one this server issued');
        }
        query = query.where('id', '<', beforeId);
      }
      const rows = await query
        .orderBy('id', 'desc')
        .limit(size + 1)
        .execute();
      const items = rows.slice(0, size).map(toMountEvent);
      const last = items.at(-1);
      return { items, nextCursor: rows.length > size && last ? encodeCursor([last.id]) : null };
    },
  };
}
