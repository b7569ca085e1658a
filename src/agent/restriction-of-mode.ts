import type { AgentStorageRestriction } from '../service/agent/agent-settings.js';
import { DEFAULT_NOTIFICATION_TEXT, DEFAULT_STATUS_TEXT } from '../service/agent/agent-settings.js';

/** Modes `latch agent classify --mode` accepts: the policy modes, and `off` for no restriction. */
export const CLASSIFY_MODES = ['block', 'read-only', 'audit', 'off'] as const;
export type ClassifyMode = (typeof CLASSIFY_MODES)[number];

/**
 * A restriction of the given mode with the shipped texts, as the agent settings carry it for a
 * device without an exception; null for `off`. For the classify command and tests, which
 * decide without a server.
 */
export function restrictionOfMode(
  mode: ClassifyMode,
  extra: Partial<AgentStorageRestriction> = {},
): AgentStorageRestriction | null {
  if (mode === 'off') return null;
  return {
    policyId: 'local',
    policyVersion: 0,
    mode,
    helpUrl: '',
    statusText: DEFAULT_STATUS_TEXT,
    notificationText: DEFAULT_NOTIFICATION_TEXT,
    exceptionUntil: null,
    ...extra,
  };
}
