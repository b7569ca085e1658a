import type { DeliveryPath, DeviceAppState } from '../catalog/msstore/store-app.js';
import { interpretWingetExit } from '../catalog/msstore/winget-command.js';
import type { Storage } from '../storage/storage.js';
import { interpretStoreInstall } from '../windows/store-install-status.js';
import type { StoreInstallAnswers } from '../windows/store-install-status.js';

/*
 * How delivery channels write back into the per-device app state. The Windows MDM channel
 * calls `reportStoreInstallAnswers` with the device's answers to the StoreInstall polls; the
 * agent channel calls `reportWingetExit` with winget's exit code; either may call
 * `reportAppResult` directly (e.g. `installing` once a command or task is handed out, with its
 * id as `deliveryRef`). Reports for apps no longer assigned, or from a path the device was
 * moved off, change nothing.
 */

/** What a channel reports about one app on one device. */
export interface AppResultReport {
  appId: string;
  deviceId: string;
  /** The channel reporting; a report from a path the device no longer uses is ignored. */
  path: DeliveryPath;
  /** `removed`: an uninstall finished; shown as not-applicable, "uninstalled as assigned". */
  state: 'installing' | 'installed' | 'failed' | 'not-applicable' | 'removed';
  /** The command or task id that carried it, kept so later answers find the row. */
  deliveryRef?: string | null;
  version?: string | null;
  errorCode?: string | null;
  errorMeaning?: string | null;
  reason?: string | null;
}

/**
 * The one way a channel writes back into the per-device app state. Undefined (and nothing
 * written) when the app is no longer assigned to the device or the report comes from a path
 * the device was moved off (a late MDM answer after the fallback to the agent).
 */
export async function reportAppResult(
  storage: Storage,
  report: AppResultReport,
): Promise<DeviceAppState | undefined> {
  const current = await storage.getDeviceAppState(report.appId, report.deviceId);
  if (!current || current.path !== report.path) return undefined;
  const removed = report.state === 'removed';
  return storage.putDeviceAppState({
    ...current,
    state: report.state === 'removed' ? 'not-applicable' : report.state,
    version: report.state === 'installed' && !removed ? (report.version ?? null) : null,
    errorCode: report.state === 'failed' ? (report.errorCode ?? null) : null,
    errorMeaning: report.state === 'failed' ? (report.errorMeaning ?? null) : null,
    reason: removed ? 'uninstalled as assigned' : (report.reason ?? current.reason),
    deliveryRef: report.deliveryRef ?? current.deliveryRef,
  });
}

/**
 * Windows MDM: feeds the device's answers to the StoreInstall polls into the state. When the
 * failure means the Store path is closed to the device and it runs the agent, the state moves
 * to the agent path (pending again, with the reason) for the agent channel to deliver.
 */
export async function reportStoreInstallAnswers(
  storage: Storage,
  input: { appId: string; deviceId: string; answers: StoreInstallAnswers },
): Promise<DeviceAppState | undefined> {
  const verdict = interpretStoreInstall(input.answers);
  const current = await storage.getDeviceAppState(input.appId, input.deviceId);
  if (!current || current.path !== 'mdm') return undefined;
  if (verdict.state === 'failed' && verdict.storePathClosed) {
    const device = await storage.getDevice(input.deviceId);
    if (device?.agentVersion) {
      return storage.putDeviceAppState({
        ...current,
        state: 'pending',
        path: 'agent',
        version: null,
        errorCode: verdict.errorCode,
        errorMeaning: verdict.errorMeaning,
        reason: `the Store path is closed to this device (${verdict.errorMeaning}); delivered through the agent`,
        deliveryRef: null,
      });
    }
  }
  return reportAppResult(storage, {
    appId: input.appId,
    deviceId: input.deviceId,
    path: 'mdm',
    state: verdict.state,
    version: verdict.version,
    errorCode: verdict.errorCode,
    errorMeaning: verdict.errorMeaning,
  });
}

/** Agent: feeds winget's exit code (and the version it reports) into the state. */
export function reportWingetExit(
  storage: Storage,
  input: { appId: string; deviceId: string; exitCode: number; version?: string | null },
): Promise<DeviceAppState | undefined> {
  const outcome = interpretWingetExit(input.exitCode);
  return reportAppResult(storage, {
    appId: input.appId,
    deviceId: input.deviceId,
    path: 'agent',
    state: outcome.state,
    version: input.version ?? null,
    errorCode: outcome.code,
    errorMeaning: outcome.state === 'installed' ? null : outcome.meaning,
    reason: outcome.state === 'not-applicable' ? outcome.meaning : null,
  });
}
