import type { OrganisationSettings } from '../service/organisation-settings.js';
import type { StorageMode } from '../service/policy-model.js';
import type { RenderedProfile } from './configuration-profile.js';
import { LATCH_PROFILE_PREFIX, renderProfile } from './configuration-profile.js';
import type { PlistDict } from './plist.js';

/**
 * The Mac and iOS profiles of the external-storage restriction (PRODUCT.md §3). Keys are those
 * of Apple's schema (../shared/apple-device-management/mdm/profiles) and of the agent's own
 * preference domain (schemas/dev.latch.agent.yaml).
 */

/** The managed-preferences domain the Latch agent reads its restriction from. */
export const AGENT_PREFERENCE_DOMAIN = 'dev.latch.agent';
/** The tray app, whose alerts tell the user about refused mounts. */
export const TRAY_BUNDLE_ID = 'dev.latch.tray';

export const ENROLMENT_PROFILE_IDS = {
  systemExtension: `${LATCH_PROFILE_PREFIX}enrolment.system-extension`,
  privacy: `${LATCH_PROFILE_PREFIX}enrolment.privacy`,
  notifications: `${LATCH_PROFILE_PREFIX}enrolment.notifications`,
} as const;

/** The identifier of a policy's profile: from the policy's id alone, so an edit replaces it. */
export function policyProfileIdentifier(policyId: string): string {
  return `${LATCH_PROFILE_PREFIX}policy.${policyId}`;
}

/** True for identifiers of profiles that come from a policy (not the enrolment configuration). */
export function isPolicyProfileIdentifier(identifier: string): boolean {
  return identifier.startsWith(`${LATCH_PROFILE_PREFIX}policy.`);
}

export type AgentIdentity = Pick<OrganisationSettings, 'agentTeamId' | 'agentBundleId'>;

/**
 * Allows the agent's Endpoint Security extension to load without the user's approval; on
 * macOS 15 and later also keeps it from being removed in System Settings or the Finder.
 */
export function systemExtensionProfile(
  agent: AgentIdentity,
  options: { macOS15: boolean },
): RenderedProfile {
  const byTeam = { [agent.agentTeamId]: [agent.agentBundleId] };
  const keys: PlistDict = {
    AllowedSystemExtensionTypes: { [agent.agentTeamId]: ['EndpointSecurityExtension'] },
    AllowedSystemExtensions: byTeam,
    AllowUserOverrides: true,
  };
  if (options.macOS15) keys.NonRemovableFromUISystemExtensions = byTeam;
  return renderProfile({
    identifier: ENROLMENT_PROFILE_IDS.systemExtension,
    revision: JSON.stringify(keys),
    displayName: 'Latch agent system extension',
    description: 'Allows the Latch agent’s Endpoint Security extension.',
    policyId: null,
    payloads: [
      { type: 'com.apple.system-extension-policy', displayName: 'System Extensions', keys },
    ],
  });
}

/** The designated requirement of a Developer ID signed bundle of the given team. */
export function developerIdRequirement(bundleId: string, teamId: string): string {
  return (
    `identifier "${bundleId}" and anchor apple generic and ` +
    'certificate 1[field.1.2.840.113635.100.6.2.6] /* exists */ and ' +
    'certificate leaf[field.1.2.840.113635.100.6.1.13] /* exists */ and ' +
    `certificate leaf[subject.OU] = ${teamId}`
  );
}

/** Grants the extension Full Disk Access, which Endpoint Security clients need. */
export function privacyProfile(agent: AgentIdentity): RenderedProfile {
  const keys: PlistDict = {
    Services: {
      SystemPolicyAllFiles: [
        {
          Authorization: 'Allow',
          CodeRequirement: developerIdRequirement(agent.agentBundleId, agent.agentTeamId),
          Comment: 'Latch agent Endpoint Security extension',
          Identifier: agent.agentBundleId,
          IdentifierType: 'bundleID',
          StaticCode: false,
        },
      ],
    },
  };
  return renderProfile({
    identifier: ENROLMENT_PROFILE_IDS.privacy,
    revision: JSON.stringify(keys),
    displayName: 'Latch agent full disk access',
    description: 'Grants the Latch agent’s extension the Full Disk Access it needs.',
    policyId: null,
    payloads: [
      {
        type: 'com.apple.TCC.configuration-profile-policy',
        displayName: 'Privacy Preferences Policy Control',
        keys,
      },
    ],
  });
}

/** Turns the tray app's alerts on, so refused mounts are seen. */
export function notificationsProfile(): RenderedProfile {
  const keys: PlistDict = {
    NotificationSettings: [
      {
        AlertType: 2,
        BadgesEnabled: true,
        BundleIdentifier: TRAY_BUNDLE_ID,
        CriticalAlertEnabled: false,
        NotificationsEnabled: true,
        ShowInLockScreen: true,
        ShowInNotificationCenter: true,
        SoundsEnabled: true,
      },
    ],
  };
  return renderProfile({
    identifier: ENROLMENT_PROFILE_IDS.notifications,
    revision: JSON.stringify(keys),
    displayName: 'Latch notifications',
    description: 'Shows the Latch tray app’s alerts.',
    policyId: null,
    payloads: [{ type: 'com.apple.notificationsettings', displayName: 'Notifications', keys }],
  });
}

/** What the agent enforces; the keys of its managed preferences. */
export interface AgentRestrictionKeys {
  policyId: string;
  policyVersion: number;
  mode: StorageMode;
  helpUrl: string;
  statusText: string;
  notificationText: string;
  /** The end of this device's exception, when it has one. */
  exceptionUntil: Date | null;
}

/** The restriction itself, as managed preferences of the agent's domain. */
export function agentRestrictionProfile(
  restriction: AgentRestrictionKeys,
  policyName: string,
): RenderedProfile {
  const keys: PlistDict = {
    HelpURL: restriction.helpUrl,
    Mode: restriction.mode,
    NotificationText: restriction.notificationText,
    PolicyIdentifier: restriction.policyId,
    PolicyVersion: restriction.policyVersion,
    StatusText: restriction.statusText,
  };
  if (restriction.exceptionUntil) keys.ExceptionUntil = restriction.exceptionUntil;
  return renderProfile({
    identifier: policyProfileIdentifier(restriction.policyId),
    revision: `${restriction.policyId}|${restriction.policyVersion}`,
    displayName: policyName,
    description: 'External storage restriction enforced by the Latch agent.',
    policyId: restriction.policyId,
    payloads: [{ type: AGENT_PREFERENCE_DOMAIN, displayName: 'Latch external storage', keys }],
  });
}

/** iOS and iPadOS (supervised, 13.1+): no access to USB drives from the Files app. */
export function iosUsbRestrictionProfile(policy: {
  id: string;
  version: number;
  name: string;
}): RenderedProfile {
  return renderProfile({
    identifier: policyProfileIdentifier(policy.id),
    revision: `${policy.id}|${policy.version}`,
    displayName: policy.name,
    description: 'Turns off access to USB drives in the Files app.',
    policyId: policy.id,
    payloads: [
      {
        type: 'com.apple.applicationaccess',
        displayName: 'Restrictions',
        keys: { allowFilesUSBDriveAccess: false },
      },
    ],
  });
}
