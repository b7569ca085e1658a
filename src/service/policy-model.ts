import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { ENROLLMENT_TYPES, PLATFORMS } from '../domain.js';

/**
 * The shapes of policies and of the device facts the policy engine decides on. They are the JSON
 * the admin API and `latch profile render` read and write, so the TypeBox schemas here are the
 * one definition of both.
 */

export const POLICY_KINDS = ['storage-restriction'] as const;
export type PolicyKind = (typeof POLICY_KINDS)[number];

/** From most to least restrictive: when two policies reach a device, the earlier one wins. */
export const STORAGE_MODES = ['block', 'read-only', 'audit'] as const;
export type StorageMode = (typeof STORAGE_MODES)[number];

export const EXTENSION_STATES = ['approved', 'pending', 'absent'] as const;
export type ExtensionState = (typeof EXTENSION_STATES)[number];

const literals = <T extends string>(values: readonly T[]) =>
  Type.Union(values.map((v) => Type.Literal(v)));

/**
 * A web address shown to users (the help page their notification opens): http or https only,
 * since `format: 'uri'` alone lets `javascript:` and `file:` addresses through.
 */
export const HttpUrlSchema = (options: { description?: string } = {}) =>
  Type.String({ format: 'uri', pattern: '^[Hh][Tt][Tt][Pp][Ss]?://', maxLength: 2048, ...options });

export const StorageExceptionSchema = Type.Object(
  {
    deviceId: Type.String({ minLength: 1, maxLength: 200 }),
    until: Type.String({ format: 'date-time', description: 'end of the exception (ISO 8601)' }),
  },
  { additionalProperties: false },
);
export type StorageException = Static<typeof StorageExceptionSchema>;

export const StorageRestrictionSettingsSchema = Type.Object(
  {
    mode: literals(STORAGE_MODES),
    helpUrl: Type.Optional(HttpUrlSchema({ description: 'default: the organisation’s' })),
    statusText: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    notificationText: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })),
    exceptions: Type.Optional(Type.Array(StorageExceptionSchema, { maxItems: 10_000 })),
  },
  { additionalProperties: false },
);
export type StorageRestrictionSettings = Static<typeof StorageRestrictionSettingsSchema>;

/** A policy as the engine sees it: what `latch profile render --policy` reads. */
export const PolicySchema = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9._-]+$' }),
    version: Type.Integer({ minimum: 1 }),
    kind: Type.Literal('storage-restriction'),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    settings: StorageRestrictionSettingsSchema,
  },
  { additionalProperties: false },
);
export type Policy = Static<typeof PolicySchema>;

/** A policy as stored: the engine's shape and its timestamps. */
export interface StoredPolicy extends Policy {
  createdAt: number;
  updatedAt: number;
}

/** The device facts the engine decides on: what `latch profile render --device` reads. */
export const PolicyDeviceSchema = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 200 }),
    platform: literals(PLATFORMS),
    osVersion: Type.Union([Type.String({ maxLength: 50 }), Type.Null()]),
    enrollment: Type.Union([literals(ENROLLMENT_TYPES), Type.Null()]),
    supervised: Type.Boolean(),
    agentVersion: Type.Union([Type.String({ maxLength: 50 }), Type.Null()]),
    trayVersion: Type.Union([Type.String({ maxLength: 50 }), Type.Null()]),
    extensionState: literals(EXTENSION_STATES),
  },
  { additionalProperties: false },
);
export type PolicyDevice = Static<typeof PolicyDeviceSchema>;

export const APPLICABILITY_STATUSES = ['applies', 'pending', 'not-applicable'] as const;
export type ApplicabilityStatus = (typeof APPLICABILITY_STATUSES)[number];

/** A requirement a device has not met yet; the policy applies once it is. */
export const REQUIREMENTS = [
  'os-version',
  'agent-version',
  'tray-version',
  'extension-approved',
] as const;
export type Requirement = (typeof REQUIREMENTS)[number];

/** Whether one policy applies to one device, and if not, why. */
export type PolicyApplicability =
  | {
      policyId: string;
      status: 'applies';
      /** Set when another storage policy on the device is more restrictive and wins. */
      overriddenBy?: string;
    }
  | { policyId: string; status: 'pending'; requirement: Requirement; reason: string }
  | { policyId: string; status: 'not-applicable'; reason: string };

export const PolicyApplicabilitySchema = Type.Object({
  policyId: Type.String(),
  status: literals(APPLICABILITY_STATUSES),
  requirement: Type.Optional(literals(REQUIREMENTS)),
  reason: Type.Optional(Type.String()),
  overriddenBy: Type.Optional(Type.String()),
});
