/**
 * The external-storage restriction as the agent consumes it: the mode, the texts the user is shown
 * and this device's exception. The server derives it from the "Mac External Storage Restrictions"
 * policy assigned to the device; no policy at all is the same as mode `off`.
 */
export interface RestrictionSettings {
  /** block: refuse; read-only: remount read-only and no-exec; audit: allow and report; off. */
  mode: RestrictionMode;
  /** Tray status text while the restriction is on. */
  statusText: string;
  /** Body of the notification raised for each refused mount. */
  notificationText: string;
  /** Help page the notification's action opens; set by the admin. */
  helpUrl?: string;
  /** End (epoch ms) of a time-limited exception for this device; mounts are allowed until then. */
  exceptionEndsAt?: number;
}

export type RestrictionMode = 'block' | 'read-only' | 'audit' | 'off';

export const RESTRICTION_MODES: readonly RestrictionMode[] = ['block', 'read-only', 'audit', 'off'];

/** Tray status text Latch ships; a policy may replace it. */
export const DEFAULT_STATUS_TEXT = 'External disk mounting is disabled by your administrator';

/** Notification body Latch ships; a policy may replace it. */
export const DEFAULT_NOTIFICATION_TEXT =
  'External device not recognised. External disk mounting is disabled by policy. ' +
  'Contact your IT admin for more information.';

/** Settings of the given mode with the shipped texts. */
export function restrictionSettings(
  mode: RestrictionMode,
  extra: Partial<RestrictionSettings> = {},
): RestrictionSettings {
  return {
    mode,
    statusText: DEFAULT_STATUS_TEXT,
    notificationText: DEFAULT_NOTIFICATION_TEXT,
    ...extra,
  };
}
