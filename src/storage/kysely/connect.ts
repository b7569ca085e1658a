import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { preparingPool } from './preparing-pool.js';
import type { Database } from './schema.js';
import { FALLBACK_AUTOCHECKPOINT_PAGES, startCheckpointer } from './checkpointer.js';
import { GroupCommitSqliteDialect } from './group-commit-driver.js';

export type Dialect = 'sqlite' | 'postgres';

export interface Connection {
  db: Kysely<Database>;
  dialect: Dialect;
}

/** The WAL file size SQLite keeps after a checkpoint. */
const WAL_SIZE_LIMIT_BYTES = 64 * 2 ** 20;
/** SQLite's page cache, in KiB. */
const PAGE_CACHE_KIB = 64 * 1024;
const INT8_OID = 20;
const NUMERIC_OID = 1700;

/**
 * Opens SQLite at `sqlitePath`, or PostgreSQL when `databaseUrl` is given.
 * `schema` (PostgreSQL only) selects a search_path, which tests use to isolate suites.
 */
export function connect(options: {
  databaseUrl?: string | undefined;
  sqlitePath?: string;
  schema?: string;
  poolSize?: number;
  /** PostgreSQL only: hears a connection that failed outside a query; it is replaced. */
  onConnectionError?: (error: Error) => void;
}): Connection {
  if (options.databaseUrl) return connectPostgres(options.databaseUrl, options);
  const path = options.sqlitePath ?? ':memory:';
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const database = new SqliteDatabase(path);
  // WAL lets readers run beside the writer; NORMAL sync is durable across process crashes,
  // which is the failure a server sees, at a fraction of FULL's cost.
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  // The default page cache (2 MiB) holds less than the command queue of a thousand devices;
  // every miss is a read from the file. The cache grows only as far as it is used.
  database.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
  // After a checkpoint starts the WAL over, SQLite cuts the file back to this size; without it
  // one large transaction leaves a WAL of gigabytes on disk for good.
  database.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
  const checkpointer = path === ':memory:' ? undefined : startCheckpointer(path);
  if (checkpointer) database.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
  return {
    db: new Kysely<Database>({
      dialect: new GroupCommitSqliteDialect(database, () => checkpointer?.stop()),
    }),
    dialect: 'sqlite',
  };
}

function connectPostgres(
  connectionString: string,
  options: {
    schema?: string;
    poolSize?: number;
    onConnectionError?: (error: Error) => void;
  },
): Connection {
  const pool = new pg.Pool({
    connectionString,
    max: options.poolSize ?? 10,
    types: {
      getTypeParser: (oid: number, format?: string) => {
        // Times and counters are BIGINT; they stay well inside Number's exact range.
        if (oid === INT8_OID || oid === NUMERIC_OID) return (value: string) => Number(value);
        return pg.types.getTypeParser(oid, format as 'text');
      },
    },
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  });
  const dialect = new PostgresDialect({
    pool: preparingPool(pool, options.onConnectionError ?? (() => {})),
  });
  return { db: new Kysely<Database>({ dialect }), dialect: 'postgres' };
}
