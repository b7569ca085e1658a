import { readFileSync } from 'node:fs';

/** The shared recorded inputs (/work/shared/fixtures), found relative to the repository. */
export const FIXTURES = new URL('../../../../shared/fixtures/', import.meta.url);

/** A fixture file's text, e.g. `fixture('chocolatey/nuget-v2-service-document.xml')`. */
export function fixture(path: string): string {
  return readFileSync(new URL(path, FIXTURES), 'utf8');
}
