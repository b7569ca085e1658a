/** Row shapes of the Microsoft Store tables (migration 007). */
export interface MsstoreCacheTable {
  cache_key: string;
  market: string;
  kind: string;
  body: string;
  fetched_at: number;
}

export interface StoreAppsTable {
  id: string;
  store_id: string;
  name: string;
  publisher: string;
  app_type: string;
  kind: string;
  package_family_name: string | null;
  reason: string | null;
  market: string;
  added_by: string;
  created_at: number;
  updated_at: number;
}

export interface DeviceAppStatesTable {
  app_id: string;
  device_id: string;
  assignment_id: string;
  intent: string;
  context: string;
  state: string;
  path: string | null;
  version: string | null;
  error_code: string | null;
  error_meaning: string | null;
  reason: string | null;
  delivery_ref: string | null;
  updated_at: number;
}

declare module './schema.js' {
  interface Database {
    msstore_cache: MsstoreCacheTable;
    store_apps: StoreAppsTable;
    device_app_states: DeviceAppStatesTable;
  }
}
