import { fileURLToPath } from 'node:url';
import type { SchemaTarget } from '../../src/apple/payload-schema.js';
import type { SchemaSet } from '../../src/apple/profile-validator.js';
import { loadSchemaSet } from '../../src/apple/schema-files.js';
import type { PolicyDevice } from '../../src/service/policy-model.js';

/** Apple's schema YAMLs, ../shared/apple-device-management from the repository root. */
export const APPLE_SCHEMAS_DIR = fileURLToPath(
  new URL('../../../../shared/apple-device-management/', import.meta.url),
);
/** Our own schemas in Apple's format (the agent's preference domain). */
export const OWN_SCHEMAS_DIR = fileURLToPath(new URL('../../../schemas/', import.meta.url));
/** The repository's examples/ folder. */
export const EXAMPLES_DIR = fileURLToPath(new URL('../../../examples/', import.meta.url));

let cached: SchemaSet | undefined;

/** Apple's schemas and ours, read once per test process. */
export function schemaSet(): SchemaSet {
  cached ??= loadSchemaSet(APPLE_SCHEMAS_DIR, [OWN_SCHEMAS_DIR]);
  return cached;
}

/** The schema target of an engine device (Apple platforms only). */
export function targetOf(device: PolicyDevice): SchemaTarget {
  return {
    os: device.platform === 'macos' ? 'macOS' : 'iOS',
    version: device.osVersion ?? '0',
    supervised: device.supervised,
    userEnrollment: device.enrollment === 'user',
  };
}
