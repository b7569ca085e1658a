import { readFileSync } from 'node:fs';

/** Latch's version, from package.json (the agent reports it at enrolment and check-in). */
export const version = (
  JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;
