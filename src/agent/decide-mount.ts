import { classifyVolume } from './classify-volume.js';
import type { StorageCategory, VolumeLookup } from './classify-volume.js';
import type { EnforcementState } from './enforcement-state.js';
import type { AgentStorageRestriction } from '../service/agent/agent-settings.js';
import type { VolumeDescription } from './volume-description.js';

/** What happens to a mount. */
export type MountVerdict = 'allow' | 'deny' | 'read-only' | 'audit';

/** A decision with the category, the rule that fired and a sentence for people. */
export interface MountDecision {
  category: StorageCategory;
  decision: MountVerdict;
  rule: string;
  reason: string;
}

/** The volume being mounted and how to find its relatives. */
export interface MountRequest {
  volume: VolumeDescription;
  /** Stable key of the volume in the enforcement state ({@link volumeKey}). */
  key?: string;
  lookup?: VolumeLookup;
}

/**
 * Decides a mount: a pure function of the volume, the restriction in the agent settings the
 * device pulled (null or undefined = none) and the state, at time `now` (epoch ms). Order: no
 * restriction → allow; not refusable (internal, disk image, network, internal optical, the system
 * disk) → allow; an unexpired device exception → allow; mounted before the restriction arrived,
 * in this boot → allow; otherwise the mode decides: block → deny, read-only → read-only (unknown
 * media stays deny), audit → audit.
 */
export function decideMount(
  request: MountRequest,
  settings: AgentStorageRestriction | null | undefined,
  state: EnforcementState | undefined,
  now: number,
): MountDecision {
  const found = classifyVolume(request.volume, request.lookup);
  const base = { category: found.category, rule: found.rule, reason: found.reason };
  if (!settings) {
    return {
      ...base,
      decision: 'allow',
      rule: 'no-restriction',
      reason: 'No restriction applies.',
    };
  }
  if (!found.refusable) return { ...base, decision: 'allow' };
  if (settings.exceptionUntil !== null && now < settings.exceptionUntil) {
    const until = new Date(settings.exceptionUntil).toISOString();
    return {
      ...base,
      decision: 'allow',
      rule: 'device-exception',
      reason: `An exception for this device allows mounts until ${until}.`,
    };
  }
  const key = request.key ?? volumeKey(request.volume);
  if (state?.mountedBeforeRestriction.has(key)) {
    return {
      ...base,
      decision: 'allow',
      rule: 'mounted-before-restriction',
      reason: 'Mounted before the restriction arrived; it stays until restart or logout.',
    };
  }
  if (settings.mode === 'audit') return { ...base, decision: 'audit' };
  if (settings.mode === 'read-only' && found.category !== 'unknown') {
    return { ...base, decision: 'read-only' };
  }
  return { ...base, decision: 'deny' };
}

/**
 * Decides a remount. A read-write remount of a volume that the restriction refuses or makes
 * read-only is denied; anything else is decided as a mount.
 */
export function decideRemount(
  request: MountRequest & { readWrite: boolean },
  settings: AgentStorageRestriction | null | undefined,
  state: EnforcementState | undefined,
  now: number,
): MountDecision {
  const decision = decideMount(request, settings, state, now);
  if (!request.readWrite || decision.decision === 'allow' || decision.decision === 'audit') {
    return decision;
  }
  return {
    ...decision,
    decision: 'deny',
    rule: 'read-write-remount-refused',
    reason: 'A read-write remount of a restricted volume is refused.',
  };
}

/**
 * The key a volume is remembered by: its volume or disk UUID when the tool printed one, else its
 * device name (stable for as long as the device stays attached).
 */
export function volumeKey(volume: VolumeDescription): string {
  return volume.uuid ?? `${volume.source === 'lsblk' ? 'linux' : 'mac'}:${volume.device ?? '?'}`;
}
