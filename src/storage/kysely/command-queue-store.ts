import { sql } from 'kysely';
import type { Selectable } from 'kysely';
import type {
  CommandChannel,
  CommandQueueStore,
  ClaimOptions,
  CommandStatus,
  QueuedCommand,
} from '../roles/command-queue.js';
import type { Executor } from './executor.js';
import { inTransaction } from './executor.js';
import { fixedStatement, perDialect } from './fixed-statement.js';
import type { FixedStatement } from './fixed-statement.js';
import type { CommandsTable } from './schema-command-queue.js';
import './schema-command-queue.js';

/**
 * Statuses a command can still leave by an answer from the device. Written as literals, not
 * parameters: only then can SQLite prove a query matches the commands_active partial index
 * (with parameters it walks the device's whole command history instead).
 */
const OPEN = "status IN ('pending', 'sent', 'not_now')";
const isOpen = sql.raw<boolean>(OPEN);
const BATCH = 500;
/**
 * The columns a command is read back with. Named, not `*`: a prepared statement returning `*`
 * fails on PostgreSQL once a migration adds a column ("cached plan must not change result
 * type"), which would stop every server still running the older version.
 */
const COMMAND_COLUMNS =
  'seq, id, channel, device_id, request_type, payload, origin, status, attempts, ' +
  'created_at, updated_at, sent_at, answered_at, result, error';
/**
 * How far down a device's queue one claim looks past commands whose lease is still running.
 * A literal in the SQL: with `LIMIT ?` SQLite plans the ordered read three times slower.
 */
const CLAIM_WINDOW = 50;

interface Candidate {
  seq: number;
  status: string;
  lease_until: number | null;
  attempts: number;
}

/** The statements every device message runs, fixed per dialect (see fixed-statement.ts). */
interface QueueStatements {
  candidates: FixedStatement;
  recordAnswer: FixedStatement;
  /** Leases `count` commands by seq. */
  claim(count: number): FixedStatement;
}

const statements = perDialect((dialect): QueueStatements => {
  const claims = new Map<number, FixedStatement>();
  return {
    // Row locks make a second server wait for this claim, then see the lease it took.
    candidates: fixedStatement(
      dialect,
      `SELECT seq, status, lease_until, attempts FROM commands
       WHERE channel = ? AND device_id = ? AND ${OPEN}
         AND NOT EXISTS (SELECT 1 FROM command_queue_pauses p
                         WHERE p.channel = ? AND p.device_id = ?)
       ORDER BY seq LIMIT ${CLAIM_WINDOW}${dialect === 'postgres' ? ' FOR UPDATE' : ''}`,
    ),
    recordAnswer: fixedStatement(
      dialect,
      // A late answer to a command we gave up on is still the device's real answer.
      `UPDATE commands SET status = ?, result = ?, error = ?, answered_at = ?,
         lease_until = NULL, updated_at = ?
       WHERE id = ? AND channel = ? AND device_id = ?
         AND (${OPEN} OR (status = 'failed' AND answered_at IS NULL))
       RETURNING ${COMMAND_COLUMNS}`,
    ),
    claim(count) {
      let claim = claims.get(count);
      if (!claim) {
        claim = fixedStatement(
          dialect,
          `UPDATE commands SET status = 'sent', attempts = attempts + 1, sent_at = ?,
             updated_at = ?, lease_until = ?, lease_owner = ?
           WHERE seq IN (${Array.from({ length: count }, () => '?').join(', ')})
           RETURNING ${COMMAND_COLUMNS}`,
        );
        claims.set(count, claim);
      }
      return claim;
    },
  };
});

/** A command as COMMAND_COLUMNS reads it. */
type CommandRow = Omit<Selectable<CommandsTable>, 'lease_until' | 'lease_owner'>;

function toCommand(row: CommandRow): QueuedCommand {
  return {
    id: row.id,
    channel: row.channel as CommandChannel,
    deviceId: row.device_id,
    requestType: row.request_type,
    payload: row.payload,
    origin: row.origin,
    status: row.status as CommandStatus,
    attempts: row.attempts,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    sentAt: row.sent_at,
    answeredAt: row.answered_at,
    result: row.result,
    error: row.error,
  };
}

export function commandQueueStore(db: Executor, dialect: 'sqlite' | 'postgres'): CommandQueueStore {
  return {
    async enqueueCommands(commands, now) {
      if (commands.length === 0) return;
      await inTransaction(db, async (trx) => {
        for (let i = 0; i < commands.length; i += BATCH) {
          const rows = commands.slice(i, i + BATCH).map((c) => ({
            id: c.id,
            channel: c.channel,
            device_id: c.deviceId,
            request_type: c.requestType,
            payload: c.payload,
            origin: c.origin ?? null,
            status: 'pending',
            attempts: 0,
            created_at: now,
            updated_at: now,
          }));
          await trx.insertInto('commands').values(rows).execute();
        }
      });
    },

    async claimNextCommand(claim) {
      const [first] = await claimCommands(db, dialect, { ...claim, max: 1 });
      return first;
    },

    async recordCommandAnswer({ channel, deviceId, commandId, status, result, error, now }) {
      return inTransaction(db, async (trx) => {
        const [updated] = await statements(dialect).recordAnswer.run<CommandRow>(trx, [
          status,
          result ?? null,
          error ?? null,
          status === 'not_now' ? null : now,
          now,
          commandId,
          channel,
          deviceId,
        ]);
        if (updated) {
          if (status === 'not_now') {
            await trx
              .insertInto('command_queue_pauses')
              .values({ channel, device_id: deviceId, paused_at: now })
              .onConflict((oc) => oc.columns(['channel', 'device_id']).doNothing())
              .execute();
          }
          return { outcome: 'recorded', command: toCommand(updated) } as const;
        }
        const existing = await trx
          .selectFrom('commands')
          .selectAll()
          .where('id', '=', commandId)
          .where('channel', '=', channel)
          .where('device_id', '=', deviceId)
          .executeTakeFirst();
        return existing
          ? ({ outcome: 'duplicate', command: toCommand(existing) } as const)
          : ({ outcome: 'unknown' } as const);
      });
    },

    async recordAnswerAndClaimNext(answer, claim) {
      return inTransaction(db, async (trx) => {
        const store = commandQueueStore(trx, dialect);
        const outcome = await store.recordCommandAnswer(answer);
        const next = await store.claimNextCommand({
          ...claim,
          channel: answer.channel,
          deviceId: answer.deviceId,
          now: answer.now,
        });
        return { answer: outcome, next };
      });
    },

    async getCommand(id) {
      const row = await db
        .selectFrom('commands')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return row && toCommand(row);
    },

    async listCommands({ deviceId, channel, origin, status, limit = 200 }) {
      let query = db.selectFrom('commands').selectAll();
      if (deviceId) query = query.where('device_id', '=', deviceId);
      if (channel) query = query.where('channel', '=', channel);
      if (origin) query = query.where('origin', '=', origin);
      if (status) query = query.where('status', '=', status);
      const rows = await query.orderBy('seq', 'desc').limit(Math.min(limit, 5000)).execute();
      return rows.map(toCommand);
    },

    async cancelCommand(id, reason, now) {
      const row = await db
        .updateTable('commands')
        .set({ status: 'cancelled', error: reason, lease_until: null, updated_at: now })
        .where('id', '=', id)
        .where(isOpen)
        .returningAll()
        .executeTakeFirst();
      return row && toCommand(row);
    },

    async clearQueue(channel, deviceId, reason, now) {
      const result = await db
        .updateTable('commands')
        .set({ status: 'cancelled', error: reason, lease_until: null, updated_at: now })
        .where('channel', '=', channel)
        .where('device_id', '=', deviceId)
        .where(isOpen)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    async pauseQueue(channel, deviceId, now) {
      await db
        .insertInto('command_queue_pauses')
        .values({ channel, device_id: deviceId, paused_at: now })
        .onConflict((oc) => oc.columns(['channel', 'device_id']).doNothing())
        .execute();
    },

    async resumeQueues(channel, deviceIds) {
      if (deviceIds.length === 0) return;
      await inTransaction(db, async (trx) => {
        for (let i = 0; i < deviceIds.length; i += BATCH) {
          await trx
            .deleteFrom('command_queue_pauses')
            .where('channel', '=', channel)
            .where('device_id', 'in', deviceIds.slice(i, i + BATCH))
            .execute();
        }
      });
    },

    async failExhaustedCommands(now, maxAttempts) {
      const result = await db
        .updateTable('commands')
        .set(exhaustedValues(now, maxAttempts))
        .where('status', '=', 'sent')
        .where('lease_until', '<=', now)
        .where('attempts', '>=', maxAttempts)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    async claimCommands(claim) {
      return claimCommands(db, dialect, claim);
    },
  };
}

/**
 * Leases up to `max` of the device's next commands. Candidates are read without their payloads
 * (a device may have dozens queued); only the claimed rows come back whole.
 */
async function claimCommands(
  db: Executor,
  dialect: 'sqlite' | 'postgres',
  { channel, deviceId, now, owner, leaseMs, maxAttempts, max }: ClaimOptions & { max: number },
): Promise<QueuedCommand[]> {
  if (max <= 0) return [];
  return inTransaction(db, async (trx) => {
    const candidates = await statements(dialect).candidates.run<Candidate>(trx, [
      channel,
      deviceId,
      channel,
      deviceId,
    ]);

    const exhausted: number[] = [];
    const chosen: number[] = [];
    for (const row of candidates) {
      if (chosen.length === max) break;
      if (row.status === 'sent' && (row.lease_until ?? 0) > now) continue;
      if (row.status === 'sent' && row.attempts >= maxAttempts) exhausted.push(row.seq);
      else chosen.push(row.seq);
    }
    if (exhausted.length > 0) {
      await trx
        .updateTable('commands')
        .set(exhaustedValues(now, maxAttempts))
        .where('seq', 'in', exhausted)
        .execute();
    }
    if (chosen.length === 0) return [];
    const claimed = await statements(dialect)
      .claim(chosen.length)
      .run<CommandRow>(trx, [now, now, now + leaseMs, owner, ...chosen]);
    return claimed.sort((a, b) => a.seq - b.seq).map(toCommand);
  });
}

/** A sent command given up on: failed with the reason, its lease ended. */
function exhaustedValues(now: number, maxAttempts: number) {
  return {
    status: 'failed',
    lease_until: null,
    updated_at: now,
    error: `no answer after ${maxAttempts} attempts`,
  };
}
