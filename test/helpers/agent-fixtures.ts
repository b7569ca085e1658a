import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Recorded adapter inputs in test/fixtures/agent (see its SOURCES.md). */
export function readAgentFixture(name: string): string {
  const dir = fileURLToPath(new URL('../../../test/fixtures/agent/', import.meta.url));
  return readFileSync(`${dir}${name}`, 'utf8');
}
