import type { StoreCatalog } from '../catalog/msstore/store-catalog.js';
import { parseStoreReference } from '../catalog/msstore/store-reference.js';
import type {
  AppContext,
  AppIntent,
  DeliveryPath,
  DeviceAppState,
  StoreApp,
} from '../catalog/msstore/store-app.js';
import { interpretWingetExit } from '../catalog/msstore/winget-command.js';
import type { Assignment, AssignmentSubjectKind, Device } from '../domain.js';
import { appNotDeployable, badRequest, notFound } from '../errors.js';
import type { Storage } from '../storage/storage.js';
import { interpretStoreInstall } from '../windows/store-install-status.js';
import type { StoreInstallAnswers } from '../windows/store-install-status.js';

/** The settings key under which the admin's acceptance of the Store's terms is kept. */
export const STORE_TERMS_SETTING = 'msstoreTermsAcceptance';

export interface StoreTerms {
  accepted: boolean;
  acceptedBy: string | null;
  acceptedAt: number | null;
}

export async function readStoreTerms(storage: Storage): Promise<StoreTerms> {
  const value = (await storage.getSettings())[STORE_TERMS_SETTING] as
    { acceptedBy: string; acceptedAt: number } | undefined;
  if (!value) return { accepted: false, acceptedBy: null, acceptedAt: null };
  return { accepted: true, acceptedBy: value.acceptedBy, acceptedAt: value.acceptedAt };
}

/**
 * Records that `actor` accepted the Microsoft Store's package and source agreements for the
 * organisation, in the audit log too, and releases the agent installs that waited for it.
 */
export async function acceptStoreTerms(storage: Storage, actor: string): Promise<StoreTerms> {
  return storage.transaction(async (s) => {
    const before = await readStoreTerms(s);
    const acceptedAt = Date.now();
    await s.putSettings({ [STORE_TERMS_SETTING]: { acceptedBy: actor, acceptedAt } });
    await s.recordAudit({
      actor,
      action: 'store.terms.accept',
      entityType: 'settings',
      entityId: STORE_TERMS_SETTING,
      before,
      after: { accepted: true, acceptedBy: actor, acceptedAt },
    });
    for (const state of await s.listDeviceAppStates({})) {
      if (state.state !== 'pending' || state.reason !== WAITING_FOR_TERMS) continue;
      const app = await s.getStoreApp(state.appId);
      const device = await s.getDevice(state.deviceId);
      if (!app || !device) continue;
      const plan = planDelivery(app, device, true);
      if ('path' in plan) await s.putDeviceAppState({ ...state, ...plan });
    }
    return { accepted: true, acceptedBy: actor, acceptedAt };
  });
}

const WAITING_FOR_TERMS = 'waiting for an admin to accept the Microsoft Store terms';

/** How an app can reach a device, or why it cannot. */
export type DeliveryPlan =
  { path: DeliveryPath; reason: string | null } | { notApplicable: string };

/**
 * Chooses the channel for one app on one device. Pure. Modern apps go over Windows MDM when the
 * device is MDM-enrolled, else through the agent's winget; legacy apps only through the agent,
 * after the Store's terms are accepted (until then they wait, pending, with that reason).
 */
export function planDelivery(app: StoreApp, device: Device, termsAccepted: boolean): DeliveryPlan {
  if (device.platform !== 'windows') {
    return { notApplicable: 'Microsoft Store apps install on Windows only' };
  }
  if (app.kind === 'unavailable') return { notApplicable: app.reason ?? 'unavailable' };
  const hasMdm = device.enrollmentType !== null;
  const hasAgent = device.agentVersion !== null;
  if (app.kind === 'mdm' && hasMdm) return { path: 'mdm', reason: null };
  if (!hasAgent) {
    return {
      notApplicable:
        app.kind === 'mdm'
          ? 'the device has neither a Windows MDM enrolment nor the Latch agent'
          : 'this legacy Store app installs only through the Latch agent, which the device lacks',
    };
  }
  const note =
    app.kind === 'mdm' ? 'not MDM-enrolled; installed through the agent with winget' : app.reason;
  return { path: 'agent', reason: termsAccepted ? note : WAITING_FOR_TERMS };
}

/** Looks an app up in the Store by ID or Store URL and adds it to the catalog (audited). */
export async function addStoreApp(
  storage: Storage,
  catalog: StoreCatalog,
  input: { reference: string; market: string; actor: string },
): Promise<StoreApp> {
  const storeId = parseStoreReference(input.reference);
  if (!storeId) {
    throw badRequest('not a Microsoft Store ID or Store URL', [
      { path: '/reference', message: 'expected a 12-character ID, a 14-character XP ID or a URL' },
    ]);
  }
  const { item } = await catalog.lookup(storeId, input.market);
  if (!item) throw notFound('Microsoft Store product', storeId);
  if (item.kind === 'unavailable') throw appNotDeployable(`${item.name}: ${item.reason ?? ''}`);
  return storage.transaction(async (s) => {
    const before = (await s.findStoreAppByStoreId(storeId)) ?? null;
    const app = await s.saveStoreApp({
      storeId,
      name: item.name,
      publisher: item.publisher,
      appType: item.appType,
      kind: item.kind,
      packageFamilyName: item.packageFamilyName,
      reason: item.reason,
      market: input.market,
      addedBy: input.actor,
    });
    await s.recordAudit({
      actor: input.actor,
      action: before ? 'store-app.refresh' : 'store-app.add',
      entityType: 'store-app',
      entityId: app.id,
      before,
      after: app,
    });
    return app;
  });
}

/**
 * Assigns an app to a device or a group with a context and an intent, and records each reached
 * device's starting state (pending on its path, or not-applicable with the reason). Audited.
 */
export async function assignStoreApp(
  storage: Storage,
  input: {
    app: StoreApp;
    subjectKind: AssignmentSubjectKind;
    subjectId: string;
    context: AppContext;
    intent: AppIntent;
    actor: string;
  },
): Promise<{ assignment: Assignment; states: DeviceAppState[] }> {
  return storage.transaction(async (s) => {
    const exists =
      input.subjectKind === 'device'
        ? await s.getDevice(input.subjectId)
        : await s.getGroup(input.subjectId);
    if (!exists) throw notFound(input.subjectKind, input.subjectId);
    const assignment = await s.assign({
      targetKind: 'app',
      targetId: input.app.id,
      subjectKind: input.subjectKind,
      subjectId: input.subjectId,
      options: { context: input.context, intent: input.intent },
    });
    const { accepted } = await readStoreTerms(s);
    const states: DeviceAppState[] = [];
    for (const deviceId of await s.devicesForSubject(input.subjectKind, input.subjectId)) {
      const device = await s.getDevice(deviceId);
      if (!device) continue;
      const plan = planDelivery(input.app, device, accepted);
      states.push(
        await s.putDeviceAppState({
          appId: input.app.id,
          deviceId,
          assignmentId: assignment.id,
          intent: input.intent,
          context: input.context,
          state: 'notApplicable' in plan ? 'not-applicable' : 'pending',
          path: 'notApplicable' in plan ? null : plan.path,
          version: null,
          errorCode: null,
          errorMeaning: null,
          reason: 'notApplicable' in plan ? plan.notApplicable : plan.reason,
          deliveryRef: null,
        }),
      );
    }
    await s.recordAudit({
      actor: input.actor,
      action: 'store-app.assign',
      entityType: 'store-app',
      entityId: input.app.id,
      before: null,
      after: { assignment, devices: states.length },
    });
    return { assignment, states };
  });
}

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
