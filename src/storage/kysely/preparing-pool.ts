import type { PostgresCursor, PostgresPool, PostgresPoolClient } from 'kysely';
import type pg from 'pg';
import { postgresStatementName } from './fixed-statement.js';

/**
 * The pg pool as Kysely's PostgreSQL dialect sees it, except that the fixed statements go out
 * as named prepared statements: pg prepares each once per connection and afterwards sends only
 * its name and parameters, sparing the server a parse and a plan on every device message.
 *
 * `onError` hears connections that fail outside a query (the server restarted, an admin ended
 * the backend): without a listener pg would throw the error and end the process. Such a
 * connection is left out of the pool when it is next released; the pool opens another.
 */
export function preparingPool(pool: pg.Pool, onError: (error: Error) => void): PostgresPool {
  pool.on('error', onError);
  // One wrapper per pg client, so that Kysely, which keeps a connection per client, reuses it.
  const wrappers = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  return {
    async connect() {
      const client = await pool.connect();
      // pg-pool hears a client's errors only while it is idle; this covers it checked out.
      client.on('error', onError);
      let wrapper = wrappers.get(client);
      if (!wrapper) {
        wrapper = preparingClient(client, () => client.removeListener('error', onError));
        wrappers.set(client, wrapper);
      }
      return wrapper;
    },
    end: () => pool.end(),
  };
}

function preparingClient(client: pg.PoolClient, beforeRelease: () => void): PostgresPoolClient {
  // Set when a prepared statement's plan no longer fits its tables; see isStalePlan.
  let stale = false;
  const query = (sql: string | PostgresCursor<unknown>, parameters?: readonly unknown[]) => {
    // Kysely streams through a cursor object: that goes through untouched.
    if (typeof sql !== 'string') return client.query(sql as never);
    const name = postgresStatementName(sql);
    const values = parameters ? [...parameters] : [];
    if (!name) return client.query(sql, values);
    return client.query({ name, text: sql, values }).catch((error: unknown) => {
      if (isStalePlan(error)) stale = true;
      throw error;
    });
  };
  return {
    // pg's own typings and Kysely's overloads say the same two things in different words.
    query: query as unknown as PostgresPoolClient['query'],
    release: (destroy?: boolean) => {
      beforeRelease();
      client.release(destroy === true || stale);
    },
  };
}

/**
 * PostgreSQL refuses to run a prepared statement whose result columns changed type since it
 * was prepared (a migration by a newer server, say) and will refuse it on that connection for
 * good. The connection is then closed on release, so the next one prepares the statement anew:
 * one failed query per connection rather than a server that fails from then on.
 */
function isStalePlan(error: unknown): boolean {
  const { code, message } = error as { code?: unknown; message?: unknown };
  return (
    code === '0A000' && typeof message === 'string' && message.includes('cached plan must not')
  );
}
