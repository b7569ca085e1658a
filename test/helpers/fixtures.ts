import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The shared fixtures folder (`../shared/fixtures` beside the repository). */
export const FIXTURES_DIR = fileURLToPath(new URL('../../../../shared/fixtures/', import.meta.url));

/** Absolute path of a fixture, e.g. `fixturePath('disks', 'x.plist')`. */
export function fixturePath(folder: string, name: string): string {
  return `${FIXTURES_DIR}${folder}/${name}`;
}

/** Text of a fixture file. */
export function readFixture(folder: string, name: string): string {
  return readFileSync(fixturePath(folder, name), 'utf8');
}

/** Every fixture file in a folder except its SOURCES.md. */
export function fixtureNames(folder: string): string[] {
  return readdirSync(`${FIXTURES_DIR}${folder}`)
    .filter((name) => name !== 'SOURCES.md')
    .sort();
}
