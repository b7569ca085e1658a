import type { PlistDict } from './plist.js';
import { buildPlist } from './plist.js';
import { stableUuid } from './stable-uuid.js';

/** Every profile and payload Latch writes has an identifier under this prefix. */
export const LATCH_PROFILE_PREFIX = 'dev.latch.';

/** A configuration profile ready to install: what InstallProfile carries, RemoveProfile names. */
export interface RenderedProfile {
  /** The top-level PayloadIdentifier: installing another profile with it replaces this one. */
  identifier: string;
  /** The top-level PayloadUUID: changes when, and only when, the content's revision changes. */
  uuid: string;
  displayName: string;
  /** The payload types inside, for the schema validator and the console. */
  payloadTypes: string[];
  /** The policy it comes from; null for the default enrolment configuration. */
  policyId: string | null;
  /** The unsigned `.mobileconfig` (XML plist, UTF-8). */
  bytes: Buffer;
}

export interface ProfileSpec {
  identifier: string;
  /** What identifies this revision: the same revision gives the same UUIDs. */
  revision: string;
  displayName: string;
  description: string;
  policyId: string | null;
  /** Payload-specific keys; the common Payload* keys are added here. */
  payloads: { type: string; displayName: string; keys: PlistDict }[];
}

/** Rendered profiles by spec: planning 100,000 devices renders each distinct profile once. */
const RENDERED = new Map<string, RenderedProfile>();
const MAX_RENDERED = 1000;

/**
 * Wraps payloads in a `Configuration` profile (Apple's TopLevel and CommonPayloadKeys schemas),
 * installed for the whole system. Identifiers and UUIDs are derived, never random, so the same
 * spec always gives the same bytes. The result is shared between callers: never modify it.
 */
export function renderProfile(spec: ProfileSpec): RenderedProfile {
  const key = JSON.stringify(spec);
  const known = RENDERED.get(key);
  if (known) return known;
  const rendered = Object.freeze(buildProfile(spec));
  if (RENDERED.size >= MAX_RENDERED) RENDERED.delete(RENDERED.keys().next().value!);
  RENDERED.set(key, rendered);
  return rendered;
}

function buildProfile(spec: ProfileSpec): RenderedProfile {
  const uuid = stableUuid(`${spec.identifier}|${spec.revision}`);
  const content = spec.payloads.map((payload, index) => ({
    PayloadDisplayName: payload.displayName,
    PayloadIdentifier: `${spec.identifier}.${payload.type}`,
    PayloadType: payload.type,
    PayloadUUID: stableUuid(`${spec.identifier}|${spec.revision}|${index}|${payload.type}`),
    PayloadVersion: 1,
    ...payload.keys,
  }));
  const profile: PlistDict = {
    PayloadContent: content,
    PayloadDescription: spec.description,
    PayloadDisplayName: spec.displayName,
    PayloadIdentifier: spec.identifier,
    PayloadOrganization: 'Latch',
    PayloadScope: 'System',
    PayloadType: 'Configuration',
    PayloadUUID: uuid,
    PayloadVersion: 1,
  };
  return {
    identifier: spec.identifier,
    uuid,
    displayName: spec.displayName,
    payloadTypes: spec.payloads.map((p) => p.type),
    policyId: spec.policyId,
    bytes: Buffer.from(buildPlist(profile), 'utf8'),
  };
}
