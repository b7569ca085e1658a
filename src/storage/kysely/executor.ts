import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';

/** Either the database or an open transaction: stores run the same queries on both. */
export type Executor = Kysely<Database> | Transaction<Database>;

/** True when `error` is a foreign-key violation (a row refers to one gone), in either dialect. */
export function isForeignKeyViolation(error: unknown): boolean {
  const { code } = (error ?? {}) as { code?: string };
  return code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}

/** True when `error` is a unique-constraint violation, in either dialect. */
export function isUniqueViolation(error: unknown): boolean {
  const { code } = (error ?? {}) as { code?: string };
  return (
    code === '23505' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  );
}

export function encodeCursor(parts: (string | number)[]): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

/**
 * Undefined for a cursor we did not issue; callers treat that as a bad request. The cursors we
 * issue hold strings and integers (ids, sequence numbers, times), all within Number's exact
 * range: anything else (1.5, 1e20) would reach the database as a value out of its range.
 */
export function decodeCursor(cursor: string): (string | number)[] | undefined {
  try {
    const parts: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(parts)) return undefined;
    const issued = (p: unknown) => typeof p === 'string' || Number.isSafeInteger(p);
    return parts.every(issued) ? (parts as (string | number)[]) : undefined;
  } catch {
    return undefined;
  }
}

export function parseJson(text: string | null): unknown {
  return text === null ? null : JSON.parse(text);
}

/** Runs `work` in a transaction, joining the caller's when `db` already is one. */
export function inTransaction<T>(db: Executor, work: (trx: Transaction<Database>) => Promise<T>) {
  if (db.isTransaction) return work(db as Transaction<Database>);
  return db.transaction().execute(work);
}
