import type SqliteDatabase from 'better-sqlite3';

/** Distinct SQL texts kept prepared; queries with variable-length IN lists make many. */
const CACHE_SIZE = 500;

/**
 * Wraps a better-sqlite3 database so that `prepare` answers an already prepared statement for
 * SQL it has seen. Kysely's SQLite driver prepares every query anew, and preparing costs more
 * than running a typical indexed lookup (measured 145 µs against 16 µs for a join with a
 * subquery), which made preparation the largest cost of a hot request. Statements are reusable
 * because Kysely runs one query at a time on the connection and reads each to the end.
 */
export function withStatementCache(database: SqliteDatabase.Database): SqliteDatabase.Database {
  const cache = new Map<string, SqliteDatabase.Statement>();
  const prepare = database.prepare.bind(database);
  return new Proxy(database, {
    get(target, property, receiver) {
      if (property !== 'prepare') {
        const value = Reflect.get(target, property, receiver) as unknown;
        return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
      }
      return (sql: string) => {
        let statement = cache.get(sql);
        if (statement) {
          // Re-inserting keeps the map in least-recently-used order.
          cache.delete(sql);
        } else {
          statement = prepare(sql);
          if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
        }
        cache.set(sql, statement);
        return statement;
      };
    },
  });
}
