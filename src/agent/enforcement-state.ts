/**
 * What the agent remembers between mount decisions: the boot it runs in, whether a restriction is
 * in force and the volumes that were already mounted when it arrived.
 * Pure values: every change returns a new state, so the rules are tested without a machine.
 */
export interface EnforcementState {
  /** Identifies the running boot (Linux boot_id, the Mac's boot time); a new one resets mounts. */
  bootId: string;
  /** True while a restriction (any mode but `off`) is in force. */
  restrictionActive: boolean;
  /** Volumes mounted before the restriction arrived, by volume key, with who mounted them. */
  mountedBeforeRestriction: ReadonlyMap<string, { user: string }>;
}

/** A volume that is mounted, as the adapter sees it at a state change. */
export interface MountedVolume {
  key: string;
  /** The user who mounted it (console user, or `root` for the system). */
  user: string;
}

/**
 * State at boot: nothing counts as already mounted, so a drive plugged into a switched-off machine
 * is decided like any new mount. `restrictionActive` carries the stored policy across the boot.
 */
export function bootState(bootId: string, restrictionActive: boolean): EnforcementState {
  return { bootId, restrictionActive, mountedBeforeRestriction: new Map() };
}

/**
 * The restriction arrives (or changes). On arrival every mounted volume is recorded and stays
 * until restart or its user's logout; a change of an active restriction records nothing new.
 */
export function restrictionArrived(
  state: EnforcementState,
  mounted: readonly MountedVolume[],
): EnforcementState {
  if (state.restrictionActive) return state;
  const before = new Map(mounted.map((volume) => [volume.key, { user: volume.user }]));
  return { ...state, restrictionActive: true, mountedBeforeRestriction: before };
}

/** The restriction is removed: every refusal stops at once, without a restart. */
export function restrictionRemoved(state: EnforcementState): EnforcementState {
  return { ...state, restrictionActive: false, mountedBeforeRestriction: new Map() };
}

/** A user logs out: the volumes they mounted before the restriction are no longer exempt. */
export function userLoggedOut(state: EnforcementState, user: string): EnforcementState {
  const kept = [...state.mountedBeforeRestriction].filter(([, entry]) => entry.user !== user);
  return { ...state, mountedBeforeRestriction: new Map(kept) };
}

/** A volume is unmounted: mounting it again is a new mount, decided afresh. */
export function volumeUnmounted(state: EnforcementState, key: string): EnforcementState {
  if (!state.mountedBeforeRestriction.has(key)) return state;
  const kept = new Map(state.mountedBeforeRestriction);
  kept.delete(key);
  return { ...state, mountedBeforeRestriction: kept };
}
