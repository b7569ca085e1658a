import type { StoreCatalog } from '../catalog/msstore/store-catalog.js';
import { parseStoreReference } from '../catalog/msstore/store-reference.js';
import type {
  AppContext,
  AppIntent,
  DeliveryPath,
  DeviceAppState,
  StoreApp,
} from '../catalog/msstore/store-app.js';
import type { Assignment, AssignmentSubjectKind, Device } from '../domain.js';
import { appNotDeployable, badRequest, notFound } from '../errors.js';
import type { DeviceAppStateInput } from '../storage/roles/store-apps.js';
import type { Storage } from '../storage/storage.js';

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

/** The reason an agent install shows while it waits for the Store's terms to be accepted. */
export const WAITING_FOR_TERMS = 'waiting for an admin to accept the Microsoft Store terms';

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
      states.push(
        await s.putDeviceAppState(startingState(input.app, device, assignment, accepted)),
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

/**
 * Brings a device's app states in line with the app assignments that reach it now: an
 * assignment that reaches it (directly or through a group it joined later) without a state
 * gets one; a state whose assignment no longer reaches it is dropped. Channels call this when
 * a device checks in; the API calls it before listing states.
 */
export async function reconcileDeviceApps(storage: Storage, deviceId: string): Promise<void> {
  await storage.transaction(async (s) => {
    const device = await s.getDevice(deviceId);
    if (!device) return;
    const assignments = (await s.assignmentsForDevice(deviceId)).filter(
      (a) => a.targetKind === 'app',
    );
    const states = await s.listDeviceAppStates({ deviceId });
    const reaching = new Set(assignments.map((a) => a.id));
    for (const state of states) {
      if (!reaching.has(state.assignmentId))
        await s.deleteDeviceAppStates(state.appId, state.assignmentId);
    }
    const covered = new Set(
      states.filter((st) => reaching.has(st.assignmentId)).map((st) => st.appId),
    );
    const { accepted } = await readStoreTerms(s);
    for (const assignment of assignments) {
      if (covered.has(assignment.targetId)) continue;
      const app = await s.getStoreApp(assignment.targetId);
      if (!app) continue;
      await s.putDeviceAppState(startingState(app, device, assignment, accepted));
      covered.add(app.id);
    }
  });
}

/** Reconciles every device an app's assignments reach. */
export async function reconcileAppDevices(storage: Storage, appId: string): Promise<void> {
  const deviceIds = new Set<string>();
  for (const assignment of await storage.listAssignments({ targetKind: 'app', targetId: appId })) {
    for (const id of await storage.devicesForSubject(
      assignment.subjectKind,
      assignment.subjectId,
    )) {
      deviceIds.add(id);
    }
  }
  for (const state of await storage.listDeviceAppStates({ appId })) deviceIds.add(state.deviceId);
  for (const deviceId of deviceIds) await reconcileDeviceApps(storage, deviceId);
}

function startingState(
  app: StoreApp,
  device: Device,
  assignment: Assignment,
  termsAccepted: boolean,
): DeviceAppStateInput {
  const plan = planDelivery(app, device, termsAccepted);
  const options = assignment.options as { context?: AppContext; intent?: AppIntent };
  return {
    appId: app.id,
    deviceId: device.id,
    assignmentId: assignment.id,
    intent: options.intent ?? 'install',
    context: options.context ?? 'device',
    state: 'notApplicable' in plan ? 'not-applicable' : 'pending',
    path: 'notApplicable' in plan ? null : plan.path,
    version: null,
    errorCode: null,
    errorMeaning: null,
    reason: 'notApplicable' in plan ? plan.notApplicable : plan.reason,
    deliveryRef: null,
  };
}
