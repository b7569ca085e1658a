import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import pg from 'pg';
import { connect } from '../../src/storage/kysely/connect.js';
import type { Connection } from '../../src/storage/kysely/connect.js';
import { fixedStatement, postgresStatementName } from '../../src/storage/kysely/fixed-statement.js';
import { POSTGRES_URL } from '../helpers/backends.js';
import { until } from '../helpers/waiting.js';

describe('fixed statements on PostgreSQL', () => {
  let connection: Connection;
  const connectionErrors: Error[] = [];
  const statement = fixedStatement('postgres', 'SELECT ?::int + ?::int AS sum');
  const numbered = 'SELECT $1::int + $2::int AS sum';
  const table = `stale_plan_${randomBytes(4).toString('hex')}`;
  const preparedStatements = async () =>
    (
      await sql<{ name: string; statement: string }>`
        SELECT name, statement FROM pg_prepared_statements ORDER BY name`.execute(connection.db)
    ).rows;
  const backendPid = async (db: Connection['db'] = connection.db) =>
    (await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(db)).rows[0]!.pid;
  /** Ends a backend from outside, as an admin or a PostgreSQL restart would. */
  const terminate = async (pid: number) => {
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    await admin.end();
  };

  before(() => {
    // One connection, so that its prepared statements are the ones the test reads back.
    connection = connect({
      databaseUrl: POSTGRES_URL,
      poolSize: 1,
      onConnectionError: (error) => connectionErrors.push(error),
    });
  });
  after(async () => {
    await sql`DROP TABLE IF EXISTS ${sql.table(table)}`.execute(connection.db);
    await connection.db.destroy();
  });

  it('go out as named prepared statements, prepared once per connection', async () => {
    const first = await statement.run<{ sum: number }>(connection.db, [40, 2]);
    const second = await statement.run<{ sum: number }>(connection.db, [7, 8]);

    assert.deepEqual([first, second], [[{ sum: 42 }], [{ sum: 15 }]]);
    assert.match(postgresStatementName(numbered) ?? '', /^latch_fixed_\d+$/);
    assert.deepEqual(await preparedStatements(), [
      { name: postgresStatementName(numbered), statement: numbered },
    ]);
  });

  it('leave the statements Kysely builds unprepared', async () => {
    const built = await connection.db
      .selectNoFrom(sql<number>`${20}::int + ${22}::int`.as('sum'))
      .executeTakeFirstOrThrow();

    assert.equal(built.sum, 42);
    assert.deepEqual(
      (await preparedStatements()).map((row) => row.statement),
      [numbered],
    );
  });

  it('reach the same result in a transaction', async () => {
    const inside = await connection.db
      .transaction()
      .execute((trx) => statement.run<{ sum: number }>(trx, [1, 2]));

    assert.deepEqual(inside, [{ sum: 3 }]);
  });

  it('survive a connection ended while idle: reported, replaced, prepared again', async () => {
    const before = await backendPid();
    await terminate(before);
    await until('the connection error', async () => connectionErrors.length === 1, 10_000);

    assert.match(connectionErrors[0]!.message, /terminating connection/);
    assert.deepEqual(await statement.run(connection.db, [2, 3]), [{ sum: 5 }]);
    assert.notEqual(await backendPid(), before);
  });

  it('survive a connection ended inside a transaction: it fails, the pool goes on', async () => {
    connectionErrors.length = 0;
    await assert.rejects(
      connection.db.transaction().execute(async (trx) => {
        await terminate(await backendPid(trx));
        await until('the connection error', async () => connectionErrors.length === 1, 10_000);
        await statement.run(trx, [1, 1]);
      }),
    );

    assert.deepEqual(await statement.run(connection.db, [4, 4]), [{ sum: 8 }]);
  });

  it('recover when a migration changes a column a prepared statement returns', async () => {
    await sql`CREATE TABLE ${sql.table(table)} (n integer)`.execute(connection.db);
    await sql`INSERT INTO ${sql.table(table)} VALUES (7)`.execute(connection.db);
    const read = fixedStatement('postgres', `SELECT n FROM ${table}`);
    assert.deepEqual(await read.run(connection.db, []), [{ n: 7 }]);

    await sql`ALTER TABLE ${sql.table(table)} ALTER COLUMN n TYPE bigint`.execute(connection.db);

    // The connection that prepared it fails once, then is replaced and prepares it anew.
    await assert.rejects(read.run(connection.db, []), /cached plan must not change result type/);
    assert.deepEqual(await read.run(connection.db, []), [{ n: 7 }]);
  });
});
