import type { AppState, DeviceAppState, StoreApp } from '../../catalog/msstore/store-app.js';

/** One cached Store answer: a search or a manifest, for one market. */
export interface CatalogCacheEntry {
  key: string;
  market: string;
  kind: 'search' | 'manifest';
  /** The answer as JSON text. */
  body: string;
  fetchedAt: number;
}

/** The database-backed cache of Microsoft Store answers, shared by every server. */
export interface CatalogCacheStore {
  /** Undefined when nothing was ever cached under `key`; freshness is the caller's call. */
  readCatalogCache(key: string): Promise<CatalogCacheEntry | undefined>;
  /** Replaces whatever was cached under the entry's key. */
  writeCatalogCache(entry: CatalogCacheEntry): Promise<void>;
}

export type NewStoreApp = Omit<StoreApp, 'id' | 'createdAt' | 'updatedAt'>;
export type DeviceAppStateInput = Omit<DeviceAppState, 'updatedAt'>;

/** Store apps added to Latch, and the per-device state of each assigned app. */
export interface StoreAppStore {
  /** Adds the app, or refreshes the one with the same Store ID (keeping its Latch id). */
  saveStoreApp(input: NewStoreApp): Promise<StoreApp>;
  getStoreApp(id: string): Promise<StoreApp | undefined>;
  findStoreAppByStoreId(storeId: string): Promise<StoreApp | undefined>;
  listStoreApps(): Promise<StoreApp[]>;
  /** Removes the app and every device state of it; false when there was none. */
  deleteStoreApp(id: string): Promise<boolean>;
  /** Creates or replaces the state of one app on one device. */
  putDeviceAppState(state: DeviceAppStateInput): Promise<DeviceAppState>;
  getDeviceAppState(appId: string, deviceId: string): Promise<DeviceAppState | undefined>;
  listDeviceAppStates(filter: {
    appId?: string;
    deviceId?: string;
    states?: AppState[];
  }): Promise<DeviceAppState[]>;
  /**
   * Sets the delivery reference of a state only if it is still `expected`: the claim that lets
   * one server, not two, queue a delivery. False when another got there first.
   */
  swapDeliveryRef(
    appId: string,
    deviceId: string,
    expected: string | null,
    next: string,
  ): Promise<boolean>;
  /** The state whose delivery (MDM command or agent task) has this id. */
  findDeviceAppStateByRef(deliveryRef: string): Promise<DeviceAppState | undefined>;
  /** Removes the states an assignment created; returns how many. */
  deleteDeviceAppStates(appId: string, assignmentId: string): Promise<number>;
}
