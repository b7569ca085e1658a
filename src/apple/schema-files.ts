import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { PayloadSchema } from './payload-schema.js';
import type { SchemaSet } from './profile-validator.js';

function readSchema(path: string): PayloadSchema {
  return parse(readFileSync(path, 'utf8'), { maxAliasCount: 1000 }) as PayloadSchema;
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => join(dir, f));
}

/**
 * Reads a checkout of Apple's device-management schemas (the folder holding `mdm/` and
 * `declarative/`) and our own profile schemas (a folder of YAML files in the same format).
 */
export function loadSchemaSet(appleDir: string, ownDirs: string[] = []): SchemaSet {
  const payloads = new Map<string, PayloadSchema>();
  const declarations = new Map<string, PayloadSchema>();
  const profileFiles = [
    ...yamlFiles(join(appleDir, 'mdm/profiles')),
    ...ownDirs.flatMap(yamlFiles),
  ];
  for (const file of profileFiles) {
    const schema = readSchema(file);
    if (schema.payload.payloadtype) payloads.set(schema.payload.payloadtype, schema);
  }
  for (const file of yamlFiles(join(appleDir, 'declarative/declarations'))) {
    const schema = readSchema(file);
    const type = schema.payload.declarationtype;
    if (type && type !== 'any') declarations.set(type, schema);
  }
  return {
    topLevel: readSchema(join(appleDir, 'mdm/profiles/TopLevel.yaml')),
    common: readSchema(join(appleDir, 'mdm/profiles/CommonPayloadKeys.yaml')),
    declarationBase: readSchema(join(appleDir, 'declarative/declarations/declarationbase.yaml')),
    payloads,
    declarations,
  };
}
