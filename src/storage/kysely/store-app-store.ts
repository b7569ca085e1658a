import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import type {
  AppContext,
  AppIntent,
  AppKind,
  AppState,
  AppType,
  DeliveryPath,
  DeviceAppState,
  StoreApp,
} from '../../catalog/msstore/store-app.js';
import type { CatalogCacheStore, StoreAppStore } from '../roles/store-apps.js';
import type { Executor } from './executor.js';
import './schema-msstore.js';
import type { DeviceAppStatesTable, StoreAppsTable } from './schema-msstore.js';

function toStoreApp(row: Selectable<StoreAppsTable>): StoreApp {
  return {
    id: row.id,
    storeId: row.store_id,
    name: row.name,
    publisher: row.publisher,
    appType: row.app_type as AppType,
    kind: row.kind as AppKind,
    packageFamilyName: row.package_family_name,
    reason: row.reason,
    market: row.market,
    addedBy: row.added_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toDeviceAppState(row: Selectable<DeviceAppStatesTable>): DeviceAppState {
  return {
    appId: row.app_id,
    deviceId: row.device_id,
    assignmentId: row.assignment_id,
    intent: row.intent as AppIntent,
    context: row.context as AppContext,
    state: row.state as AppState,
    path: row.path as DeliveryPath | null,
    version: row.version,
    errorCode: row.error_code,
    errorMeaning: row.error_meaning,
    reason: row.reason,
    deliveryRef: row.delivery_ref,
    updatedAt: row.updated_at,
  };
}

export function catalogCacheStore(db: Executor): CatalogCacheStore {
  return {
    async readCatalogCache(key) {
      const row = await db
        .selectFrom('msstore_cache')
        .selectAll()
        .where('cache_key', '=', key)
        .executeTakeFirst();
      if (!row) return undefined;
      return {
        key: row.cache_key,
        market: row.market,
        kind: row.kind as 'search' | 'manifest',
        body: row.body,
        fetchedAt: row.fetched_at,
      };
    },

    async writeCatalogCache(entry) {
      const values = {
        cache_key: entry.key,
        market: entry.market,
        kind: entry.kind,
        body: entry.body,
        fetched_at: entry.fetchedAt,
      };
      await db
        .insertInto('msstore_cache')
        .values(values)
        .onConflict((oc) =>
          oc.column('cache_key').doUpdateSet({ body: values.body, fetched_at: values.fetched_at }),
        )
        .execute();
    },
  };
}

export function storeAppStore(db: Executor): StoreAppStore {
  return {
    async saveStoreApp(input) {
      const now = Date.now();
      const values = {
        store_id: input.storeId,
        name: input.name,
        publisher: input.publisher,
        app_type: input.appType,
        kind: input.kind,
        package_family_name: input.packageFamilyName,
        reason: input.reason,
        market: input.market,
        added_by: input.addedBy,
        updated_at: now,
      };
      const row = await db
        .insertInto('store_apps')
        .values({ id: randomUUID(), created_at: now, ...values })
        .onConflict((oc) =>
          oc.column('store_id').doUpdateSet({
            name: values.name,
            publisher: values.publisher,
            app_type: values.app_type,
            kind: values.kind,
            package_family_name: values.package_family_name,
            reason: values.reason,
            market: values.market,
            updated_at: values.updated_at,
          }),
        )
        .returningAll()
        .executeTakeFirstOrThrow();
      return toStoreApp(row);
    },

    async getStoreApp(id) {
      const row = await db
        .selectFrom('store_apps')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return row && toStoreApp(row);
    },

    async findStoreAppByStoreId(storeId) {
      const row = await db
        .selectFrom('store_apps')
        .selectAll()
        .where('store_id', '=', storeId)
        .executeTakeFirst();
      return row && toStoreApp(row);
    },

    async listStoreApps() {
      const rows = await db.selectFrom('store_apps').selectAll().orderBy('name').execute();
      return rows.map(toStoreApp);
    },

    async deleteStoreApp(id) {
      await db.deleteFrom('device_app_states').where('app_id', '=', id).execute();
      const result = await db.deleteFrom('store_apps').where('id', '=', id).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },

    async putDeviceAppState(state) {
      const values = {
        app_id: state.appId,
        device_id: state.deviceId,
        assignment_id: state.assignmentId,
        intent: state.intent,
        context: state.context,
        state: state.state,
        path: state.path,
        version: state.version,
        error_code: state.errorCode,
        error_meaning: state.errorMeaning,
        reason: state.reason,
        delivery_ref: state.deliveryRef,
        updated_at: Date.now(),
      };
      const changed = {
        assignment_id: values.assignment_id,
        intent: values.intent,
        context: values.context,
        state: values.state,
        path: values.path,
        version: values.version,
        error_code: values.error_code,
        error_meaning: values.error_meaning,
        reason: values.reason,
        delivery_ref: values.delivery_ref,
        updated_at: values.updated_at,
      };
      const row = await db
        .insertInto('device_app_states')
        .values(values)
        .onConflict((oc) => oc.columns(['app_id', 'device_id']).doUpdateSet(changed))
        .returningAll()
        .executeTakeFirstOrThrow();
      return toDeviceAppState(row);
    },

    async getDeviceAppState(appId, deviceId) {
      const row = await db
        .selectFrom('device_app_states')
        .selectAll()
        .where('app_id', '=', appId)
        .where('device_id', '=', deviceId)
        .executeTakeFirst();
      return row && toDeviceAppState(row);
    },

    async listDeviceAppStates(filter) {
      let query = db.selectFrom('device_app_states').selectAll();
      if (filter.appId) query = query.where('app_id', '=', filter.appId);
      if (filter.deviceId) query = query.where('device_id', '=', filter.deviceId);
      if (filter.states?.length) query = query.where('state', 'in', filter.states);
      const rows = await query.orderBy('app_id').orderBy('device_id').execute();
      return rows.map(toDeviceAppState);
    },

    async swapDeliveryRef(appId, deviceId, expected, next) {
      const result = await db
        .updateTable('device_app_states')
        .set({ delivery_ref: next, updated_at: Date.now() })
        .where('app_id', '=', appId)
        .where('device_id', '=', deviceId)
        .where((eb) =>
          expected === null ? eb('delivery_ref', 'is', null) : eb('delivery_ref', '=', expected),
        )
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async findDeviceAppStateByRef(deliveryRef) {
      const row = await db
        .selectFrom('device_app_states')
        .selectAll()
        .where('delivery_ref', '=', deliveryRef)
        .executeTakeFirst();
      return row && toDeviceAppState(row);
    },

    async deleteDeviceAppStates(appId, assignmentId) {
      const result = await db
        .deleteFrom('device_app_states')
        .where('app_id', '=', appId)
        .where('assignment_id', '=', assignmentId)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
