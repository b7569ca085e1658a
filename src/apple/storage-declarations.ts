import type { StorageMode } from '../service/policy-model.js';
import { LATCH_PROFILE_PREFIX } from './configuration-profile.js';
import { stableUuid } from './stable-uuid.js';

/**
 * Declarative device management for the restriction on macOS 15 and later: Apple's
 * `com.apple.configuration.diskmanagement.settings` (an OS-level second layer under the agent)
 * and the simple activation that installs it. Identifiers stay under Apple's 64-octet advice.
 */

/** One declaration as the DeclarativeManagement `declarations/...` endpoint serves it. */
export interface RenderedDeclaration {
  identifier: string;
  type: string;
  serverToken: string;
  payload: Record<string, unknown>;
  policyId: string;
  /** The JSON body (UTF-8) the device fetches. */
  bytes: Buffer;
}

const EXTERNAL_STORAGE: Record<StorageMode, string | null> = {
  block: 'Disallowed',
  'read-only': 'ReadOnly',
  // Audit mode refuses nothing, so the OS must not either.
  audit: null,
};

/** The declaration identifiers of a policy: derived from its id alone, like its profile's. */
export function storageDeclarationIdentifiers(policyId: string) {
  const key = stableUuid(`declaration|${policyId}`);
  return {
    configuration: `${LATCH_PROFILE_PREFIX}disk.${key}`,
    activation: `${LATCH_PROFILE_PREFIX}activation.${key}`,
  };
}

/**
 * The configuration and its activation for a policy's mode; none in audit mode. ServerTokens
 * change with the policy's version, so the device re-applies an edited policy.
 */
export function storageDeclarations(policy: {
  id: string;
  version: number;
  mode: StorageMode;
}): RenderedDeclaration[] {
  const externalStorage = EXTERNAL_STORAGE[policy.mode];
  if (externalStorage === null) return [];
  const ids = storageDeclarationIdentifiers(policy.id);
  const serverToken = stableUuid(`${policy.id}|${policy.version}|${policy.mode}`);
  return [
    declaration(policy.id, {
      Type: 'com.apple.configuration.diskmanagement.settings',
      Identifier: ids.configuration,
      ServerToken: serverToken,
      Payload: { Restrictions: { ExternalStorage: externalStorage } },
    }),
    declaration(policy.id, {
      Type: 'com.apple.activation.simple',
      Identifier: ids.activation,
      ServerToken: serverToken,
      Payload: { StandardConfigurations: [ids.configuration] },
    }),
  ];
}

function declaration(
  policyId: string,
  body: { Type: string; Identifier: string; ServerToken: string; Payload: Record<string, unknown> },
): RenderedDeclaration {
  return {
    identifier: body.Identifier,
    type: body.Type,
    serverToken: body.ServerToken,
    payload: body.Payload,
    policyId,
    bytes: Buffer.from(JSON.stringify(body, null, 2) + '\n', 'utf8'),
  };
}
