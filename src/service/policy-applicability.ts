import type { OrganisationSettings } from './organisation-settings.js';
import type { Policy, PolicyApplicability, PolicyDevice } from './policy-model.js';
import { isAtLeast, parseVersion } from './versions.js';

/** The organisation settings the requirements are checked against. */
export type RequirementSettings = Pick<
  OrganisationSettings,
  'minimumAgentVersion' | 'minimumTrayVersion'
>;

const OS_NAMES = {
  macos: 'macOS',
  ios: 'iOS',
  ipados: 'iPadOS',
  windows: 'Windows',
  linux: 'Linux',
};

/**
 * Whether a storage-restriction policy applies to a device, and if not why (PRODUCT.md §3).
 * Macs need macOS 11 (Endpoint Security), the agent and tray app at the organisation's minimums
 * and the agent's system extension approved; iPhones and iPads need supervision and 13.1 (the
 * restriction payload's key). Windows applies through the Policy CSP; Linux through the agent.
 */
export function applicabilityOf(
  policy: Policy,
  device: PolicyDevice,
  settings: RequirementSettings,
): PolicyApplicability {
  const policyId = policy.id;
  const applies: PolicyApplicability = { policyId, status: 'applies' };
  const osName = OS_NAMES[device.platform];
  switch (device.platform) {
    case 'macos': {
      if (device.osVersion === null || parseVersion(device.osVersion) === undefined) {
        return pending(policyId, 'os-version', 'the device has not reported its macOS version');
      }
      if (!isAtLeast(device.osVersion, '11.0')) {
        return notApplicable(policyId, 'requires macOS 11 or later');
      }
      return agentRequirements(policyId, device, settings, { tray: true, extension: true });
    }
    case 'ios':
    case 'ipados': {
      if (device.enrollment === 'user') {
        return notApplicable(
          policyId,
          'requires a supervised device; user-enrolled devices are never supervised',
        );
      }
      if (!device.supervised) return notApplicable(policyId, 'requires a supervised device');
      if (device.osVersion === null || parseVersion(device.osVersion) === undefined) {
        return pending(policyId, 'os-version', `the device has not reported its ${osName} version`);
      }
      if (!isAtLeast(device.osVersion, '13.1')) {
        return notApplicable(policyId, `requires ${osName} 13.1 or later`);
      }
      return applies;
    }
    case 'windows':
      return applies;
    case 'linux':
      return agentRequirements(policyId, device, settings, { tray: false, extension: false });
  }
}

function agentRequirements(
  policyId: string,
  device: PolicyDevice,
  settings: RequirementSettings,
  needs: { tray: boolean; extension: boolean },
): PolicyApplicability {
  const { minimumAgentVersion, minimumTrayVersion } = settings;
  if (device.agentVersion === null) {
    return pending(policyId, 'agent-version', 'the Latch agent is not installed');
  }
  if (!isAtLeast(device.agentVersion, minimumAgentVersion)) {
    return pending(
      policyId,
      'agent-version',
      `the Latch agent ${device.agentVersion} is older than the minimum ${minimumAgentVersion}`,
    );
  }
  if (needs.tray && device.trayVersion === null) {
    return pending(policyId, 'tray-version', 'the Latch tray app is not installed');
  }
  if (
    needs.tray &&
    device.trayVersion !== null &&
    !isAtLeast(device.trayVersion, minimumTrayVersion)
  ) {
    return pending(
      policyId,
      'tray-version',
      `the Latch tray app ${device.trayVersion} is older than the minimum ${minimumTrayVersion}`,
    );
  }
  if (needs.extension && device.extensionState !== 'approved') {
    return pending(
      policyId,
      'extension-approved',
      device.extensionState === 'pending'
        ? 'the agent’s system extension is waiting for approval'
        : 'the agent’s system extension is not running',
    );
  }
  return { policyId, status: 'applies' };
}

const pending = (
  policyId: string,
  requirement: Extract<PolicyApplicability, { status: 'pending' }>['requirement'],
  reason: string,
): PolicyApplicability => ({ policyId, status: 'pending', requirement, reason });

const notApplicable = (policyId: string, reason: string): PolicyApplicability => ({
  policyId,
  status: 'not-applicable',
  reason,
});
