import type { MountDecision } from './decide-mount.js';
import type { AgentStorageRestriction } from '../service/agent/agent-settings.js';

/** A system notification the tray app raises; its action opens `actionUrl`. */
export interface UserNotice {
  title: string;
  body: string;
  actionUrl?: string;
}

/**
 * The tray's status line: the policy's text while mounts are refused or made read-only, nothing
 * in audit mode (nothing is refused, so the user is not told) or without a restriction.
 */
export function trayStatusText(settings: AgentStorageRestriction | null): string | undefined {
  if (!settings || settings.mode === 'audit') return undefined;
  return settings.statusText;
}

/**
 * The notification for one decided mount: raised when the mount was refused or made read-only,
 * with the policy's text and help page; undefined for allowed and audited mounts.
 */
export function noticeForDecision(
  settings: AgentStorageRestriction | null,
  decision: MountDecision,
): UserNotice | undefined {
  if (!settings || (decision.decision !== 'deny' && decision.decision !== 'read-only')) {
    return undefined;
  }
  return {
    title: decision.decision === 'deny' ? 'External disk refused' : 'External disk is read-only',
    body: settings.notificationText,
    ...(settings.helpUrl ? { actionUrl: settings.helpUrl } : {}),
  };
}
