import type { PostgresCursor, PostgresPool, PostgresPoolClient } from 'kysely';
import type pg from 'pg';
import { postgresStatementName } from './fixed-statement.js';

/**
 * The pg pool as Kysely's PostgreSQL dialect sees it, except that the fixed statements go out
 * as named prepared statements: pg prepares each once per connection and afterwards sends only
 * its name and parameters, sparing the server a parse and a plan on every device message.
 */
export function preparingPool(pool: pg.Pool): PostgresPool {
  // One wrapper per pg client, so that Kysely, which keeps a connection per client, reuses it.
  const wrappers = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  return {
    async connect() {
      const client = await pool.connect();
      let wrapper = wrappers.get(client);
      if (!wrapper) {
        wrapper = preparingClient(client);
        wrappers.set(client, wrapper);
      }
      return wrapper;
    },
    end: () => pool.end(),
  };
}

function preparingClient(client: pg.PoolClient): PostgresPoolClient {
  const query = (sql: string | PostgresCursor<unknown>, parameters?: readonly unknown[]) => {
    // Kysely streams through a cursor object: that goes through untouched.
    if (typeof sql !== 'string') return client.query(sql as never);
    const name = postgresStatementName(sql);
    const values = parameters ? [...parameters] : [];
    return name ? client.query({ name, text: sql, values }) : client.query(sql, values);
  };
  return {
    // pg's own typings and Kysely's overloads say the same two things in different words.
    query: query as unknown as PostgresPoolClient['query'],
    release: (destroy?: boolean) => client.release(destroy),
  };
}
