import { CompiledQuery } from 'kysely';
import type { Dialect } from './connect.js';
import type { Executor } from './executor.js';

/**
 * A statement written once as SQL with `?` placeholders and run through the executor without
 * Kysely building or compiling it each time. Only for the few statements every device message
 * runs: building and compiling a query costs about as much CPU as SQLite running it (measured
 * on the Apple command round trip), and these statements never change shape.
 */
export interface FixedStatement {
  run<Row>(db: Executor, parameters: readonly unknown[]): Promise<Row[]>;
}

/**
 * The names PostgreSQL knows the fixed statements by: each connection then parses and plans one
 * once (preparingPool), as SQLite's statement cache does, rather than on every message.
 */
const postgresNames = new Map<string, string>();

/** The prepared-statement name of a fixed statement's PostgreSQL text, if it is one. */
export function postgresStatementName(sql: string): string | undefined {
  return postgresNames.get(sql);
}

export function fixedStatement(dialect: Dialect, text: string): FixedStatement {
  const sql = dialect === 'postgres' ? numberPlaceholders(text) : text;
  if (dialect === 'postgres' && !postgresNames.has(sql)) {
    postgresNames.set(sql, `latch_fixed_${postgresNames.size + 1}`);
  }
  return {
    async run<Row>(db: Executor, parameters: readonly unknown[]) {
      const result = await db.executeQuery<Row>(CompiledQuery.raw(sql, [...parameters]));
      return result.rows as Row[];
    },
  };
}

/** PostgreSQL numbers its placeholders: the n-th `?` becomes `$n`. */
function numberPlaceholders(text: string): string {
  let n = 0;
  return text.replace(/\?/g, () => `$${++n}`);
}

/** `make` run once per dialect, its result kept: how a store holds its fixed statements. */
export function perDialect<T>(make: (dialect: Dialect) => T): (dialect: Dialect) => T {
  const built = new Map<Dialect, T>();
  return (dialect) => {
    let value = built.get(dialect);
    if (value === undefined) {
      value = make(dialect);
      built.set(dialect, value);
    }
    return value;
  };
}
