import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import type { Connection } from './connect.js';

/** An arbitrary constant: the key of the advisory lock that serialises migrating servers. */
const MIGRATION_LOCK_KEY = 7_340_112;

interface Migration {
  version: number;
  name: string;
  statements: string[];
}

/**
 * Applies, in order, every numbered `.sql` file of the dialect that the database has not seen.
 * The pending migrations and their bookkeeping rows run in one transaction, so a crash leaves all
 * of them or none; running it again (or from several servers at once) is harmless.
 */
export async function migrate(connection: Connection): Promise<number[]> {
  const { db, dialect } = connection;
  const migrations = readMigrations(dialect);

  await sql`CREATE TABLE IF NOT EXISTS latch_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`.execute(db);

  return db.transaction().execute(async (trx) => {
    if (dialect === 'postgres') {
      await sql`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`.execute(trx);
    }
    const done = new Set(
      (await trx.selectFrom('latch_migrations').select('version').execute()).map((r) => r.version),
    );
    const applied: number[] = [];
    for (const migration of migrations) {
      if (done.has(migration.version)) continue;
      for (const statement of migration.statements) await sql.raw(statement).execute(trx);
      await trx
        .insertInto('latch_migrations')
        .values({ version: migration.version, name: migration.name, applied_at: Date.now() })
        .execute();
      applied.push(migration.version);
    }
    return applied;
  });
}

function readMigrations(dialect: string): Migration[] {
  const dir = fileURLToPath(new URL(`../migrations/${dialect}/`, import.meta.url));
  return readdirSync(dir)
    .filter((file) => /^\d{3}-[\w-]+\.sql$/.test(file))
    .sort()
    .map((file) => ({
      version: Number(file.slice(0, 3)),
      name: file.slice(4, -4),
      statements: splitStatements(readFileSync(dir + file, 'utf8')),
    }));
}

/** Splits on semicolons that end a line; our migrations keep one statement per such line. */
function splitStatements(text: string): string[] {
  return text
    .split(/;\s*$/m)
    .map((statement) => statement.replace(/^\s*--.*$/gm, '').trim())
    .filter((statement) => statement.length > 0);
}
