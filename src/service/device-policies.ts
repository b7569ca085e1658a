import type { Device } from '../domain.js';
import type { Storage } from '../storage/storage.js';
import { readSettings } from './organisation-settings.js';
import type { DevicePolicyPlan } from './policy-engine.js';
import { planDevicePolicies, policyDeviceOf } from './policy-engine.js';

type PlanStorage = Pick<
  Storage,
  'getDevice' | 'getExtensionState' | 'policiesForDevice' | 'getSettings' | 'putSettings'
>;

/**
 * Loads what the engine needs for one device (the device, its agent's extension state, the
 * policies reaching it, the organisation settings) and plans it. Undefined when there is no
 * such device. The channels call this to learn what to deliver.
 */
export async function planForDevice(
  storage: PlanStorage,
  deviceId: string,
  now: number = Date.now(),
): Promise<{ device: Device; plan: DevicePolicyPlan } | undefined> {
  const device = await storage.getDevice(deviceId);
  if (!device) return undefined;
  const [extensionState, policies, settings] = await Promise.all([
    storage.getExtensionState(device.id),
    storage.policiesForDevice(device.id),
    readSettings(storage),
  ]);
  const plan = planDevicePolicies({
    device: policyDeviceOf(device, extensionState),
    policies,
    settings,
    now,
  });
  return { device, plan };
}

/** Every device a policy reaches, directly or through groups: sorted, each once. */
export async function devicesReachedByPolicy(
  storage: Pick<Storage, 'listAssignments' | 'devicesForSubject'>,
  policyId: string,
): Promise<string[]> {
  const assignments = await storage.listAssignments({ targetKind: 'policy', targetId: policyId });
  const reached = new Set<string>();
  for (const a of assignments) {
    for (const id of await storage.devicesForSubject(a.subjectKind, a.subjectId)) reached.add(id);
  }
  return [...reached].sort();
}
