import { compareVersions, parseVersion } from '../service/versions.js';
import type { PlistValue } from './plist.js';

/**
 * Checks payloads and declarations against schemas in the format of Apple's
 * device-management YAML files (https://github.com/apple/device-management): key names, value
 * types, allowed values (`rangelist`), required keys and `supportedOS`. A key the schema does
 * not define is an issue. Pure: the schemas are given, already parsed.
 */

/** The parts of one key definition that are checked. */
export interface SchemaKey {
  key: string;
  type: string;
  presence?: 'required' | 'optional';
  rangelist?: unknown[];
  supportedOS?: Record<string, OsSupport | undefined>;
  subkeys?: SchemaKey[];
}

export interface OsSupport {
  introduced?: string;
  removed?: string;
  supervised?: boolean;
  userenrollment?: { mode?: string };
}

/** One schema file: a profile payload (`payloadtype`) or a declaration (`declarationtype`). */
export interface PayloadSchema {
  title: string;
  payload: {
    payloadtype?: string;
    declarationtype?: string;
    supportedOS?: Record<string, OsSupport | undefined>;
  };
  payloadkeys: SchemaKey[];
}

/** The device a payload is meant for: the OS (as Apple's schemas spell it) and how enrolled. */
export interface SchemaTarget {
  os: 'macOS' | 'iOS';
  version: string;
  supervised: boolean;
  userEnrollment: boolean;
}

export interface SchemaIssue {
  code:
    | 'unknown_key'
    | 'missing_key'
    | 'wrong_type'
    | 'not_allowed'
    | 'unsupported_os'
    | 'requires_supervision'
    | 'unknown_payload_type';
  /** JSON-pointer-like path to the value, e.g. `/PayloadContent/0/Services`. */
  path: string;
  message: string;
}

/**
 * Keys the YAML marks required that Apple's reference lets another key replace: a TCC entry
 * may carry `Authorization` (macOS 11 and later) instead of `Allowed`.
 */
const REPLACEMENTS: Record<string, string> = { Allowed: 'Authorization' };

/** Validates `value` against the keys of `keys` (a dictionary's definition) on `target`. */
export function validateKeys(
  value: unknown,
  keys: SchemaKey[],
  target: SchemaTarget,
  path = '',
): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  if (!isDictionary(value)) {
    return [{ code: 'wrong_type', path: path || '/', message: 'expected a dictionary' }];
  }
  const wildcard = keys.find((k) => k.key === 'ANY');
  const byName = new Map(keys.filter((k) => k.key !== 'ANY').map((k) => [k.key, k]));
  for (const [name, child] of Object.entries(value)) {
    const definition = byName.get(name) ?? wildcard;
    const childPath = `${path}/${name}`;
    if (!definition) {
      issues.push({
        code: 'unknown_key',
        path: childPath,
        message: `${name} is not in the schema`,
      });
      continue;
    }
    issues.push(...validateValue(child, definition, target, childPath));
  }
  for (const definition of byName.values()) {
    const replacement = REPLACEMENTS[definition.key];
    if (
      definition.presence === 'required' &&
      !(definition.key in value) &&
      !(replacement !== undefined && replacement in value)
    ) {
      issues.push({
        code: 'missing_key',
        path: `${path}/${definition.key}`,
        message: `${definition.key} is required`,
      });
    }
  }
  return issues;
}

function validateValue(
  value: unknown,
  definition: SchemaKey,
  target: SchemaTarget,
  path: string,
): SchemaIssue[] {
  const support = supportIssue(definition.supportedOS, target, path, definition.key);
  if (support) return [support];
  const type = definition.type.replace(/[<>]/g, '');
  if (!hasType(value, type)) {
    return [{ code: 'wrong_type', path, message: `expected ${definition.type}` }];
  }
  if (definition.rangelist && !definition.rangelist.some((allowed) => allowed === value)) {
    return [{ code: 'not_allowed', path, message: `${String(value)} is not an allowed value` }];
  }
  if (type === 'dictionary' && definition.subkeys && definition.subkeys.length > 0) {
    return validateKeys(value, definition.subkeys, target, path);
  }
  const item = definition.subkeys?.[0];
  if (type === 'array' && item) {
    return (value as unknown[]).flatMap((element, i) =>
      validateValue(element, item, target, `${path}/${i}`),
    );
  }
  return [];
}

/** An issue when the schema says the key (or payload) does not exist on the target. */
export function supportIssue(
  supportedOS: Record<string, OsSupport | undefined> | undefined,
  target: SchemaTarget,
  path: string,
  what: string,
): SchemaIssue | undefined {
  const support = supportedOS?.[target.os];
  if (!support) return undefined;
  const unsupported = (message: string): SchemaIssue => ({ code: 'unsupported_os', path, message });
  if (support.introduced === 'n/a') return unsupported(`${what} does not exist on ${target.os}`);
  if (support.introduced && compare(target.version, support.introduced) < 0) {
    return unsupported(`${what} needs ${target.os} ${support.introduced} or later`);
  }
  if (support.removed && compare(target.version, support.removed) >= 0) {
    return unsupported(`${what} was removed in ${target.os} ${support.removed}`);
  }
  if (support.supervised === true && !target.supervised) {
    return { code: 'requires_supervision', path, message: `${what} needs a supervised device` };
  }
  if (support.userenrollment?.mode === 'forbidden' && target.userEnrollment) {
    return unsupported(`${what} is not allowed on user-enrolled devices`);
  }
  return undefined;
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'real':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    case 'date':
      return value instanceof Date;
    case 'data':
      return value instanceof Uint8Array;
    case 'array':
      return Array.isArray(value);
    case 'dictionary':
      return isDictionary(value);
    default:
      return true;
  }
}

function isDictionary(value: unknown): value is Record<string, PlistValue> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Date) &&
    !(value instanceof Uint8Array)
  );
}

function compare(a: string, b: string): number {
  return compareVersions(parseVersion(a) ?? [], parseVersion(b) ?? []);
}
