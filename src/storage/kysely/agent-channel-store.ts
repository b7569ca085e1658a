import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Selectable } from 'kysely';
import { badRequest } from '../../errors.js';
import type {
  AgentChannelStore,
  AgentCredential,
  AgentEvent,
  NewAgentEvent,
} from '../roles/agent-channel.js';
import type { Dialect } from './connect.js';
import type { Executor } from './executor.js';
import { decodeCursor, encodeCursor, inTransaction, isForeignKeyViolation } from './executor.js';
import type { AgentCredentialsTable, AgentEventsTable } from './schema-agent-channel.js';
import './schema-agent-channel.js';

const CA_ROW = 1;
const DUE_TASK_LIMIT = 10;
/** Ids per statement: under both databases' bound-parameter limits. */
const ID_BATCH = 500;
const DEFAULT_PAGE = 100;
const MAX_PAGE = 1000;
/**
 * An arbitrary constant (apart from the migration lock's): the advisory lock that makes event
 * inserts on PostgreSQL commit in the order of their sequence numbers. Without it a reader at
 * the head of the stream could read seq 12 while 11 is not yet committed, move its cursor past
 * 11 and never see it.
 */
const EVENT_ORDER_LOCK_KEY = 7_340_113;

function toCredential(row: Selectable<AgentCredentialsTable>): AgentCredential {
  return {
    id: row.id,
    deviceId: row.device_id,
    certificateFingerprint: row.certificate_fingerprint,
    certificateSerial: row.certificate_serial,
    certificateNotAfter: row.certificate_not_after,
    issuedAt: row.issued_at,
    revokedAt: row.revoked_at,
  };
}

type AgentSessionRow = Selectable<AgentCredentialsTable> & {
  session_state_hash: string | null;
  session_due_tasks: number | string;
};

function toEvent(row: Selectable<AgentEventsTable>): AgentEvent {
  return {
    seq: row.seq,
    deviceId: row.device_id,
    eventId: row.event_id,
    kind: row.kind,
    occurredAt: row.occurred_at,
    receivedAt: row.received_at,
    payload: JSON.parse(row.payload) as Record<string, unknown>,
  };
}

export function agentChannelStore(db: Executor, dialect: Dialect): AgentChannelStore {
  async function getAgentCa() {
    const row = await db
      .selectFrom('agent_ca')
      .selectAll()
      .where('id', '=', CA_ROW)
      .executeTakeFirst();
    return (
      row && {
        certificatePem: row.certificate_pem,
        sealedKey: row.sealed_key,
        createdAt: row.created_at,
      }
    );
  }

  return {
    getAgentCa,

    async putAgentCaOnce(ca) {
      await db
        .insertInto('agent_ca')
        .values({
          id: CA_ROW,
          certificate_pem: ca.certificatePem,
          sealed_key: ca.sealedKey,
          created_at: ca.createdAt,
        })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
      const stored = await getAgentCa();
      if (!stored) throw new Error('the agent CA was not stored');
      return stored;
    },

    async replaceAgentCredential(input) {
      await db
        .updateTable('agent_credentials')
        .set({ revoked_at: input.issuedAt })
        .where('device_id', '=', input.deviceId)
        .where('revoked_at', 'is', null)
        .execute();
      const row = await db
        .insertInto('agent_credentials')
        .values({
          id: randomUUID(),
          device_id: input.deviceId,
          secret_hash: input.secretHash,
          certificate_fingerprint: input.certificateFingerprint,
          certificate_serial: input.certificateSerial,
          certificate_not_after: input.certificateNotAfter,
          issued_at: input.issuedAt,
          revoked_at: null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toCredential(row);
    },

    async findAgentSession(by, now) {
      const match =
        'secretHash' in by
          ? sql`c.secret_hash = ${by.secretHash}`
          : sql`c.certificate_fingerprint = ${by.certificateFingerprint}`;
      // One statement for the hottest request (an idle check-in). The status list is literal so
      // SQLite can use the queue's partial index of open commands.
      const { rows } = await sql<AgentSessionRow>`
        SELECT c.*, s.state_hash AS session_state_hash, (
          SELECT count(*) FROM (
            SELECT 1 FROM commands m
            WHERE m.channel = 'agent' AND m.device_id = c.device_id
              AND m.status IN ('pending', 'sent', 'not_now')
              AND (m.status = 'pending' OR m.lease_until <= ${now})
            LIMIT ${DUE_TASK_LIMIT}
          ) AS due
        ) AS session_due_tasks
        FROM agent_credentials c
        LEFT JOIN agent_states s ON s.device_id = c.device_id
        WHERE ${match} AND c.revoked_at IS NULL`.execute(db);
      const row = rows[0];
      return (
        row && {
          credential: toCredential(row),
          stateHash: row.session_state_hash,
          dueTasks: Number(row.session_due_tasks),
        }
      );
    },

    async revokeAgentCredentials(deviceId, at) {
      const result = await db
        .updateTable('agent_credentials')
        .set({ revoked_at: at })
        .where('device_id', '=', deviceId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    async getAgentState(deviceId) {
      const row = await db
        .selectFrom('agent_states')
        .selectAll()
        .where('device_id', '=', deviceId)
        .executeTakeFirst();
      return (
        row && {
          deviceId: row.device_id,
          stateHash: row.state_hash,
          state: JSON.parse(row.state) as Record<string, unknown>,
          extensionState: row.extension_state,
          reportedAt: row.reported_at,
        }
      );
    },

    async putAgentState(state) {
      const columns = {
        state_hash: state.stateHash,
        state: JSON.stringify(state.state),
        extension_state: state.extensionState,
        reported_at: state.reportedAt,
      };
      await db
        .insertInto('agent_states')
        .values({ device_id: state.deviceId, ...columns })
        .onConflict((oc) => oc.column('device_id').doUpdateSet(columns))
        .execute();
    },

    async recordAgentEvents(deviceId, events, receivedAt) {
      if (events.length === 0) return [];
      try {
        if (dialect === 'sqlite') return await insertEvents(db, deviceId, events, receivedAt);
        // A transaction-scoped lock is held until COMMIT, so the inserts must share one with it.
        return await inTransaction(db, async (trx) => {
          await sql`SELECT pg_advisory_xact_lock(${EVENT_ORDER_LOCK_KEY})`.execute(trx);
          return insertEvents(trx, deviceId, events, receivedAt);
        });
      } catch (error) {
        // The device was deleted after its request was authenticated.
        if (isForeignKeyViolation(error)) return undefined;
        throw error;
      }
    },

    async listAgentEvents(filter = {}) {
      const limit = Math.min(Math.max(filter.limit ?? DEFAULT_PAGE, 1), MAX_PAGE);
      let query = db.selectFrom('agent_events').selectAll();
      if (filter.deviceId) query = query.where('device_id', '=', filter.deviceId);
      if (filter.kind) query = query.where('kind', '=', filter.kind);
      if (filter.cursor && filter.after !== undefined) {
        throw badRequest('give either a cursor or after, not both');
      }
      if (filter.cursor) {
        const [after] = decodeCursor(filter.cursor) ?? [];
        if (typeof after !== 'number') throw badRequest('the cursor is not one this server issued');
        query = query.where('seq', '>', after);
      }
      if (filter.after !== undefined) query = query.where('seq', '>', filter.after);
      const rows = await query
        .orderBy('seq')
        .limit(limit + 1)
        .execute();
      const items = rows.slice(0, limit).map(toEvent);
      const last = items.at(-1);
      return {
        items,
        nextCursor: rows.length > limit && last ? encodeCursor([last.seq]) : null,
      };
    },

    async touchAgentDevices(deviceIds, at) {
      for (let i = 0; i < deviceIds.length; i += ID_BATCH) {
        await db
          .updateTable('devices')
          .set({ last_seen_at: at })
          .where('id', 'in', deviceIds.slice(i, i + ID_BATCH))
          .execute();
      }
    },
  };
}

async function insertEvents(
  db: Executor,
  deviceId: string,
  events: NewAgentEvent[],
  receivedAt: number,
): Promise<AgentEvent[]> {
  const rows = await db
    .insertInto('agent_events')
    .values(
      events.map((e) => ({
        device_id: deviceId,
        event_id: e.eventId,
        kind: e.kind,
        occurred_at: e.occurredAt,
        received_at: receivedAt,
        payload: JSON.stringify(e.payload),
      })),
    )
    .onConflict((oc) => oc.columns(['device_id', 'event_id']).doNothing())
    .returningAll()
    .execute();
  return rows.map(toEvent).sort((a, b) => a.seq - b.seq);
}
