import type { RenderedProfile } from '../apple/configuration-profile.js';
import type { RenderedDeclaration } from '../apple/storage-declarations.js';
import { storageDeclarations } from '../apple/storage-declarations.js';
import {
  agentRestrictionProfile,
  iosUsbRestrictionProfile,
  notificationsProfile,
  privacyProfile,
  systemExtensionProfile,
} from '../apple/storage-profiles.js';
import type { Device } from '../domain.js';
import type { OrganisationSettings } from './organisation-settings.js';
import { applicabilityOf } from './policy-applicability.js';
import type {
  ExtensionState,
  Policy,
  PolicyApplicability,
  PolicyDevice,
  StorageMode,
} from './policy-model.js';
import { STORAGE_MODES } from './policy-model.js';
import { isAtLeast } from './versions.js';

/** What the tray app shows while a restriction is in force, unless the policy says otherwise. */
export const DEFAULT_STATUS_TEXT = 'External disk mounting is disabled by your administrator';
/** The system notification for each refused mount, unless the policy says otherwise. */
export const DEFAULT_NOTIFICATION_TEXT =
  'External device not recognised. External disk mounting is disabled by policy. ' +
  'Contact your IT admin for more information.';

/**
 * The restriction in force on one device, with every default filled in: what the agent
 * enforces (macOS, Linux) and what the Windows channel compiles to Policy CSP settings.
 */
export interface StorageRestriction {
  /** The policy that won (the most restrictive of those that apply). */
  policyId: string;
  policyVersion: number;
  mode: StorageMode;
  helpUrl: string;
  statusText: string;
  notificationText: string;
  /** ISO 8601 end of this device's exception while one is running, else null. */
  exceptionUntil: string | null;
}

/** Everything a device must hold for the policies assigned to it, at one instant. */
export interface DevicePolicyPlan {
  deviceId: string;
  /** One entry per policy given, in the order given. */
  applicability: PolicyApplicability[];
  /** Null when no storage policy applies. */
  restriction: StorageRestriction | null;
  /**
   * Configuration profiles to install (Apple platforms). On a Mac the three enrolment profiles
   * (policyId null) come first; only profiles with a policyId are ever to be removed when a
   * policy no longer reaches the device (see isPolicyProfileIdentifier).
   */
  profiles: RenderedProfile[];
  /** Declarative management declarations (macOS 15 and later). */
  declarations: RenderedDeclaration[];
  /** What the agent pulls; null on platforms without the agent or when nothing applies. */
  agentSettings: StorageRestriction | null;
  /** Epoch ms when this plan changes by itself (an exception ends); plan again then. */
  nextChangeAt: number | null;
}

export interface PlanInput {
  device: PolicyDevice;
  /** The policies assigned to the device, directly or through its groups. */
  policies: Policy[];
  settings: OrganisationSettings;
  /** Epoch ms; decides whether a device exception is running. */
  now: number;
}

/** The profiles every Mac gets at enrolment, so that assigning a restriction needs only it. */
export function enrolmentProfiles(
  device: Pick<PolicyDevice, 'osVersion'>,
  settings: OrganisationSettings,
): RenderedProfile[] {
  const macOS15 = device.osVersion !== null && isAtLeast(device.osVersion, '15.0');
  const key = `${settings.agentTeamId}|${settings.agentBundleId}|${macOS15}`;
  let profiles = ENROLMENT_PROFILES.get(key);
  if (!profiles) {
    profiles = [
      systemExtensionProfile(settings, { macOS15 }),
      privacyProfile(settings),
      notificationsProfile(),
    ];
    if (ENROLMENT_PROFILES.size > 100) ENROLMENT_PROFILES.clear();
    ENROLMENT_PROFILES.set(key, profiles);
  }
  return [...profiles];
}

/** The enrolment profiles depend on a few settings only; render each combination once. */
const ENROLMENT_PROFILES = new Map<string, RenderedProfile[]>();

/**
 * Decides, for one device, whether each policy applies and what the device must hold. Pure: the
 * same input always gives the same plan, byte for byte. Of several storage policies that apply,
 * the most restrictive (block, then read-only, then audit; then by name and id) wins and the
 * others are marked `overriddenBy` it.
 */
export function planDevicePolicies(input: PlanInput): DevicePolicyPlan {
  const { device, policies, settings, now } = input;
  const applicability = policies.map((policy) => applicabilityOf(policy, device, settings));
  const applying = policies.filter((_, i) => applicability[i]?.status === 'applies');
  const winner = [...applying].sort(byRestrictiveness)[0];
  const plan: DevicePolicyPlan = {
    deviceId: device.id,
    applicability: applicability.map((entry) =>
      winner && entry.status === 'applies' && entry.policyId !== winner.id
        ? { ...entry, overriddenBy: winner.id }
        : entry,
    ),
    restriction: null,
    profiles: [],
    declarations: [],
    agentSettings: null,
    nextChangeAt: null,
  };
  const macPending =
    device.platform === 'macos' && applicability.some((a) => a.status === 'pending');
  if (device.platform === 'macos' && (winner || macPending)) {
    plan.profiles.push(...enrolmentProfiles(device, settings));
  }
  if (!winner) return plan;

  const restriction = resolveRestriction(winner, device.id, settings, now);
  const excepted = restriction.exceptionUntil !== null;
  plan.restriction = restriction;
  plan.nextChangeAt = excepted ? Date.parse(restriction.exceptionUntil!) : null;
  switch (device.platform) {
    case 'macos':
      plan.agentSettings = restriction;
      plan.profiles.push(
        agentRestrictionProfile(
          {
            ...restriction,
            exceptionUntil: excepted ? new Date(restriction.exceptionUntil!) : null,
          },
          winner.name,
        ),
      );
      if (!excepted && device.osVersion !== null && isAtLeast(device.osVersion, '15.0')) {
        plan.declarations.push(...storageDeclarations({ ...winner, mode: restriction.mode }));
      }
      break;
    case 'ios':
    case 'ipados':
      if (!excepted && restriction.mode !== 'audit')
        plan.profiles.push(iosUsbRestrictionProfile(winner));
      break;
    case 'linux':
      plan.agentSettings = restriction;
      break;
    case 'windows':
      break;
  }
  return plan;
}

/** The winning policy's settings with defaults filled in and this device's running exception. */
export function resolveRestriction(
  policy: Policy,
  deviceId: string,
  settings: Pick<OrganisationSettings, 'helpUrl'>,
  now: number,
): StorageRestriction {
  const running = (policy.settings.exceptions ?? [])
    .filter((e) => e.deviceId === deviceId && Date.parse(e.until) > now)
    .map((e) => Date.parse(e.until));
  return {
    policyId: policy.id,
    policyVersion: policy.version,
    mode: policy.settings.mode,
    helpUrl: policy.settings.helpUrl ?? settings.helpUrl,
    statusText: policy.settings.statusText ?? DEFAULT_STATUS_TEXT,
    notificationText: policy.settings.notificationText ?? DEFAULT_NOTIFICATION_TEXT,
    exceptionUntil: running.length > 0 ? new Date(Math.max(...running)).toISOString() : null,
  };
}

/** The engine's view of a stored device and the extension state its agent reported. */
export function policyDeviceOf(device: Device, extensionState: ExtensionState): PolicyDevice {
  return {
    id: device.id,
    platform: device.platform,
    osVersion: device.osVersion,
    enrollment: device.enrollmentType,
    supervised: device.supervised,
    agentVersion: device.agentVersion,
    trayVersion: device.trayVersion,
    extensionState,
  };
}

function byRestrictiveness(a: Policy, b: Policy): number {
  const rank = STORAGE_MODES.indexOf(a.settings.mode) - STORAGE_MODES.indexOf(b.settings.mode);
  if (rank !== 0) return rank;
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
