import type SqliteDatabase from 'better-sqlite3';
import type { SqliteDatabase as KyselySqliteDatabase } from 'kysely';

/** Distinct SQL texts kept prepared; queries with variable-length IN lists make many. */
const CACHE_SIZE = 500;

/**
 * The database as Kysely's SQLite driver sees it (it only prepares and closes), answering an
 * already prepared statement for SQL it has seen. Kysely's driver prepares every query anew,
 * and preparing costs more than running a typical indexed lookup (measured 145 µs against
 * 16 µs for a join with a subquery), which made preparation the largest cost of a hot request.
 * Statements are reusable because Kysely runs one query at a time on the connection and reads
 * each to the end. `onClose` runs before the database closes.
 */
export function withStatementCache(
  database: SqliteDatabase.Database,
  onClose: () => void = () => {},
): KyselySqliteDatabase {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return {
    prepare(sql: string) {
      let statement = cache.get(sql);
      if (!statement) {
        // The oldest entry goes first: hot statements are prepared again at most once a cycle.
        if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
        statement = database.prepare(sql);
        cache.set(sql, statement);
      }
      return statement;
    },
    close() {
      onClose();
      database.close();
    },
  };
}
