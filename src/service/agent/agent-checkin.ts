import type { Storage } from '../../storage/storage.js';

export const EXTENSION_STATES = ['approved', 'pending', 'absent'] as const;
export type ExtensionState = (typeof EXTENSION_STATES)[number];

/** A mounted volume as the agent reports it. */
export interface ReportedVolume {
  name: string;
  mountPoint: string;
  bus?: string | undefined;
  mediaKind?: string | undefined;
  sizeBytes?: number | undefined;
  readOnly?: boolean | undefined;
}

/** What the agent knows of its machine; sent only when its hash changed. */
export interface AgentReportedState {
  osVersion: string;
  osBuild?: string | undefined;
  agentVersion: string;
  trayVersion?: string | undefined;
  name?: string | undefined;
  model?: string | undefined;
  /** The state of the agent's system extension (Endpoint Security on macOS). */
  extensionState: ExtensionState;
  volumes: ReportedVolume[];
  /** Anything else the agent inventories (hardware, installed software …). */
  inventory?: Record<string, unknown> | undefined;
}

export interface AgentCheckinReport {
  /** The agent's own hash of its state; an idle check-in sends only this. */
  stateHash: string;
  state?: AgentReportedState | undefined;
  /** The ETag of the settings document the agent holds, if any. */
  settingsEtag?: string | undefined;
}

export interface AgentCheckinAnswer {
  settings: { etag: string; changed: boolean };
  tasks: { pending: number };
  /** True when the server has no state under the hash sent: the agent sends its state next. */
  sendState: boolean;
  checkinIntervalSeconds: number;
}

/**
 * Stores the reported state when there is one (and carries versions over to the inventory),
 * or answers whether the server needs it, by the state hash read when the agent authenticated.
 */
export async function recordReportedState(
  storage: Storage,
  agent: { deviceId: string; stateHash: string | null },
  report: AgentCheckinReport,
  now: number,
): Promise<{ sendState: boolean }> {
  if (!report.state) return { sendState: agent.stateHash !== report.stateHash };
  const state = report.state;
  await storage.transaction(async (s) => {
    const current = await s.getDevice(agent.deviceId);
    if (!current) return;
    await s.observeDevice({
      platform: current.platform,
      serialNumber: current.serialNumber,
      hardwareUuid: current.hardwareUuid,
      udid: current.udid,
      osVersion: state.osVersion,
      osBuild: state.osBuild,
      agentVersion: state.agentVersion,
      trayVersion: state.trayVersion,
      name: state.name,
      model: state.model,
    });
    await s.putAgentState({
      deviceId: agent.deviceId,
      stateHash: report.stateHash,
      state: { ...state },
      extensionState: state.extensionState,
      reportedAt: now,
    });
    // The policy engine reads the extension state from here for the Mac requirements.
    await s.recordExtensionState(agent.deviceId, state.extensionState, now);
  });
  return { sendState: false };
}
