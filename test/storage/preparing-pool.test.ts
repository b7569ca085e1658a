import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { connect } from '../../src/storage/kysely/connect.js';
import type { Connection } from '../../src/storage/kysely/connect.js';
import { fixedStatement, postgresStatementName } from '../../src/storage/kysely/fixed-statement.js';
import { POSTGRES_URL } from '../helpers/backends.js';

describe('fixed statements on PostgreSQL', () => {
  let connection: Connection;
  const statement = fixedStatement('postgres', 'SELECT ?::int + ?::int AS sum');
  const numbered = 'SELECT $1::int + $2::int AS sum';
  const preparedStatements = async () =>
    (
      await sql<{ name: string; statement: string }>`
        SELECT name, statement FROM pg_prepared_statements ORDER BY name`.execute(connection.db)
    ).rows;

  before(() => {
    // One connection, so that its prepared statements are the ones the test reads back.
    connection = connect({ databaseUrl: POSTGRES_URL, poolSize: 1 });
  });
  after(() => connection.db.destroy());

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
});
