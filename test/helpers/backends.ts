import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openStorage } from '../../src/main.js';
import type { Storage } from '../../src/storage/storage.js';

/** The PostgreSQL that CI (and a developer's machine) provides for the test run. */
export const POSTGRES_URL =
  process.env.LATCH_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface Backend {
  name: 'sqlite' | 'postgres';
  /** A fresh, migrated, empty database; closing the storage throws it away. */
  open(): Promise<Storage>;
  /** The settings a server process needs to use the same kind of fresh database. */
  serverEnv(dataDir: string): Promise<{ env: Record<string, string>; drop(): Promise<void> }>;
}

async function createSchema(): Promise<{ schema: string; drop(): Promise<void> }> {
  const schema = `latch_test_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  await client.query(`CREATE SCHEMA ${schema}`);
  await client.end();
  return {
    schema,
    async drop() {
      const c = new pg.Client({ connectionString: POSTGRES_URL });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    },
  };
}

const sqlite: Backend = {
  name: 'sqlite',
  async open() {
    return openStorage({ sqlitePath: ':memory:' });
  },
  async serverEnv() {
    return { env: {}, async drop() {} };
  },
};

const postgres: Backend = {
  name: 'postgres',
  async open() {
    const { schema, drop } = await createSchema();
    const storage = await openStorage({ databaseUrl: POSTGRES_URL, schema });
    const close = storage.close.bind(storage);
    return Object.assign(storage, {
      async close() {
        await close();
        await drop();
      },
    });
  },
  async serverEnv() {
    const { schema, drop } = await createSchema();
    const url = new URL(POSTGRES_URL);
    url.searchParams.set('options', `-c search_path=${schema}`);
    return { env: { DATABASE_URL: url.toString() }, drop };
  },
};

/** Every storage backend; each conformance suite runs once per entry. */
export const BACKENDS: Backend[] = [sqlite, postgres];
