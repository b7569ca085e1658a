import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The shared recorded inputs, ../shared/fixtures from the repository root. */
export const FIXTURES_DIR = fileURLToPath(new URL('../../../../shared/fixtures/', import.meta.url));

/** One recorded input, as text. */
export function readFixture(folder: string, file: string): string {
  return readFileSync(`${FIXTURES_DIR}${folder}/${file}`, 'utf8');
}

/** The recorded inputs of a folder, without its SOURCES.md. */
export function listFixtures(folder: string): string[] {
  return readdirSync(`${FIXTURES_DIR}${folder}`)
    .filter((f) => f !== 'SOURCES.md')
    .sort();
}

/** Absolute path of one recorded input (for tools that take a file name). */
export function fixturePath(folder: string, file: string): string {
  return `${FIXTURES_DIR}${folder}/${file}`;
}
