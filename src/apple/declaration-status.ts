import type { DeclarationKind } from './declaration-set.js';

/**
 * Reads the `management.declarations` status item of a DeclarativeManagement status report
 * (declarative/status/management.declarations.yaml): what the device did with each declaration.
 * Status item names are dotted paths that the report nests, so the item sits at
 * `StatusItems.management.declarations`.
 */

export interface DeclarationReason {
  code: string;
  description?: string;
  details?: Record<string, unknown>;
}

export interface ReportedDeclaration {
  identifier: string;
  kind: DeclarationKind;
  serverToken: string;
  active: boolean;
  valid: 'valid' | 'invalid' | 'unknown';
  reasons: DeclarationReason[];
}

const GROUPS: [string, DeclarationKind][] = [
  ['activations', 'activation'],
  ['configurations', 'configuration'],
  ['assets', 'asset'],
  ['management', 'management'],
];

const VALIDITY = new Set(['valid', 'invalid', 'unknown']);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The declarations the report describes, or undefined when it has no `management.declarations`
 * item (reports carry only what changed). Entries lacking a required key are left out rather
 * than failing the report: the rest of it is still worth keeping.
 */
export function reportedDeclarations(report: unknown): ReportedDeclaration[] | undefined {
  if (!isRecord(report) || !isRecord(report.StatusItems)) return undefined;
  const management = report.StatusItems.management;
  if (!isRecord(management) || !isRecord(management.declarations)) return undefined;
  const item = management.declarations;
  const out: ReportedDeclaration[] = [];
  for (const [key, kind] of GROUPS) {
    const entries = item[key];
    if (!Array.isArray(entries)) continue;
    for (const entry of entries) {
      const parsed = readEntry(entry, kind);
      if (parsed) out.push(parsed);
    }
  }
  return out;
}

function readEntry(entry: unknown, kind: DeclarationKind): ReportedDeclaration | undefined {
  if (!isRecord(entry)) return undefined;
  const { identifier, active, valid } = entry;
  const serverToken = entry['server-token'];
  if (typeof identifier !== 'string' || typeof serverToken !== 'string') return undefined;
  if (typeof active !== 'boolean' || typeof valid !== 'string' || !VALIDITY.has(valid)) {
    return undefined;
  }
  return {
    identifier,
    kind,
    serverToken,
    active,
    valid: valid as ReportedDeclaration['valid'],
    reasons: Array.isArray(entry.reasons) ? entry.reasons.flatMap(readReason) : [],
  };
}

function readReason(reason: unknown): DeclarationReason[] {
  if (!isRecord(reason) || typeof reason.code !== 'string') return [];
  return [
    {
      code: reason.code,
      ...(typeof reason.description === 'string' ? { description: reason.description } : {}),
      ...(isRecord(reason.details) ? { details: reason.details } : {}),
    },
  ];
}
