import { badRequest } from '../../errors.js';
import type { AuditStore } from '../storage.js';
import type { Executor } from './executor.js';
import { decodeCursor, encodeCursor, parseJson } from './executor.js';

const DEFAULT_PAGE = 50;
const MAX_PAGE = 500;

export function auditStore(db: Executor): AuditStore {
  return {
    async recordAudit(entry) {
      await db
        .insertInto('audit_log')
        .values({
          at: entry.at ?? Date.now(),
          actor: entry.actor,
          action: entry.action,
          entity_type: entry.entityType,
          entity_id: entry.entityId,
          before_state: entry.before === undefined ? null : JSON.stringify(entry.before),
          after_state: entry.after === undefined ? null : JSON.stringify(entry.after),
        })
        .execute();
    },

    async listAudit({ limit = DEFAULT_PAGE, cursor } = {}) {
      const size = Math.min(Math.max(limit, 1), MAX_PAGE);
      let query = db.selectFrom('audit_log').selectAll();
      if (cursor) {
        const [beforeId] = decodeCursor(cursor) ?? [];
        if (typeof beforeId !== 'number')
          throw badRequest('the cursor is not one this server issued');
        query = query.where('id', '<', beforeId);
      }
      const rows = await query
        .orderBy('id', 'desc')
        .limit(size + 1)
        .execute();
      const items = rows.slice(0, size).map((row) => ({
        id: row.id,
        at: row.at,
        actor: row.actor,
        action: row.action,
        entityType: row.entity_type,
        entityId: row.entity_id,
        before: parseJson(row.before_state),
        after: parseJson(row.after_state),
      }));
      const last = items.at(-1);
      return { items, nextCursor: rows.length > size && last ? encodeCursor([last.id]) : null };
    },
  };
}
