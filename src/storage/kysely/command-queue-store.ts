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
import type { CommandsTable } from './schema-command-queue.js';
import './schema-command-queue.js';

/**
 * Statuses a command can still leave by an answer from the device. Written as literals, not
 * parameters: only then can SQLite prove a query matches the commands_active partial index
 * (with parameters it walks the device's whole command history instead).
 */
const isOpen = sql<boolean>`status in ('pending', 'sent', 'not_now')`;
const BATCH = 500;
/**
 * How far down a device's queue one claim looks past commands whose lease is still running.
 * A literal in the SQL: with `LIMIT ?` SQLite plans the ordered read three times slower.
 */
const CLAIM_WINDOW = 50;

function toCommand(row: Selectable<CommandsTable>): QueuedCommand {
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
        const updated = await trx
          .updateTable('commands')
          .set({
            status,
            result: result ?? null,
            error: error ?? null,
            answered_at: status === 'not_now' ? null : now,
            lease_until: null,
            updated_at: now,
          })
          .where('id', '=', commandId)
          .where('channel', '=', channel)
          .where('device_id', '=', deviceId)
          .where((eb) =>
            eb.or([
              isOpen,
              // A late answer to a command we gave up on is still the device's real answer.
              eb.and([eb('status', '=', 'failed'), eb('answered_at', 'is', null)]),
            ]),
          )
          .returningAll()
          .executeTakeFirst();
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
    let query = trx
      .selectFrom('commands')
      .select(['seq', 'status', 'lease_until', 'attempts'])
      .where('channel', '=', channel)
      .where('device_id', '=', deviceId)
      .where(isOpen)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('command_queue_pauses')
              .select('paused_at')
              .where('command_queue_pauses.channel', '=', channel)
              .where('command_queue_pauses.device_id', '=', deviceId),
          ),
        ),
      )
      .orderBy('seq')
      .limit(sql.lit(CLAIM_WINDOW));
    // Row locks make a second server wait for this claim, then see the lease it took.
    if (dialect === 'postgres') query = query.forUpdate();
    const candidates = await query.execute();

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
    const claimed = await trx
      .updateTable('commands')
      .set((eb) => ({
        status: 'sent',
        attempts: eb('attempts', '+', 1),
        sent_at: now,
        updated_at: now,
        lease_until: now + leaseMs,
        lease_owner: owner,
      }))
      .where('seq', 'in', chosen)
      .returningAll()
      .execute();
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
