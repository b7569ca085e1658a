import { createHash } from 'node:crypto';
import type { OrganisationSettings } from '../organisation-settings.js';

/** The storage-control modes, from least to most restrictive. */
export const STORAGE_MODES = ['audit', 'read-only', 'block'] as const;
export type StorageMode = (typeof STORAGE_MODES)[number];

/** A policy assigned to the device, as the policy engine hands it over. */
export interface AssignedPolicy {
  id: string;
  version: number;
  kind: string;
  name: string;
  settings: Record<string, unknown>;
}

/** The external-storage restriction the agent enforces, from one `storage-restriction` policy. */
export interface AgentStorageRestriction {
  policyId: string;
  policyVersion: number;
  mode: StorageMode;
  helpUrl: string;
  statusText: string;
  notificationText: string;
  /** Until when this device is exempt (epoch ms), or null. */
  exceptionUntil: number | null;
}

/**
 * Everything the agent is told to apply, as one document. The agent replaces its copy whole
 * (never field by field), so a device is always on one version or the next, and the ETag of the
 * document is what an idle check-in compares.
 */
export interface AgentSettings {
  schemaVersion: 1;
  checkinIntervalSeconds: number;
  minimumAgentVersion: string;
  minimumTrayVersion: string;
  storageRestriction: AgentStorageRestriction | null;
}

export const DEFAULT_STATUS_TEXT = 'External disk mounting is disabled by your administrator';
export const DEFAULT_NOTIFICATION_TEXT =
  'External device not recognised. External disk mounting is disabled by policy. ' +
  'Contact your IT admin for more information.';

/**
 * Computes a device's agent settings from the organisation settings and the policies assigned
 * to it (pure). Of several storage restrictions the most restrictive wins (block over read-only
 * over audit; on a tie the first given); a policy whose mode is not one we know is ignored.
 */
export function computeAgentSettings(input: {
  deviceId: string;
  organisation: OrganisationSettings;
  policies: AssignedPolicy[];
  checkinIntervalSeconds: number;
}): AgentSettings {
  let restriction: AgentStorageRestriction | null = null;
  for (const policy of input.policies) {
    if (policy.kind !== 'storage-restriction') continue;
    const candidate = toRestriction(policy, input.deviceId, input.organisation);
    if (!candidate) continue;
    if (!restriction || rank(candidate.mode) > rank(restriction.mode)) restriction = candidate;
  }
  return {
    schemaVersion: 1,
    checkinIntervalSeconds: input.checkinIntervalSeconds,
    minimumAgentVersion: input.organisation.minimumAgentVersion,
    minimumTrayVersion: input.organisation.minimumTrayVersion,
    storageRestriction: restriction,
  };
}

/** A strong ETag (quoted) of the document: equal documents give equal tags on every server. */
export function settingsEtag(settings: AgentSettings): string {
  return `"${createHash('sha256').update(canonicalJson(settings)).digest('base64url')}"`;
}

function rank(mode: StorageMode): number {
  return STORAGE_MODES.indexOf(mode);
}

function toRestriction(
  policy: AssignedPolicy,
  deviceId: string,
  organisation: OrganisationSettings,
): AgentStorageRestriction | undefined {
  const s = policy.settings;
  const mode = STORAGE_MODES.find((m) => m === s.mode);
  if (!mode) return undefined;
  const exceptions = Array.isArray(s.exceptions) ? (s.exceptions as unknown[]) : [];
  // The policy stores each end as ISO 8601 (the API's format); the agent compares epoch ms.
  const until = exceptions
    .map((e) => e as { deviceId?: unknown; until?: unknown })
    .filter((e) => e.deviceId === deviceId && typeof e.until === 'string')
    .map((e) => Date.parse(e.until as string))
    .filter((end) => !Number.isNaN(end));
  return {
    policyId: policy.id,
    policyVersion: policy.version,
    mode,
    helpUrl: typeof s.helpUrl === 'string' ? s.helpUrl : organisation.helpUrl,
    statusText: typeof s.statusText === 'string' ? s.statusText : DEFAULT_STATUS_TEXT,
    notificationText:
      typeof s.notificationText === 'string' ? s.notificationText : DEFAULT_NOTIFICATION_TEXT,
    exceptionUntil: until.length > 0 ? Math.max(...until) : null,
  };
}

/** JSON with object keys sorted, so the same document always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
