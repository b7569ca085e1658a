/** Row shapes of the policy tables (migration 003); times are epoch milliseconds. */
export interface PoliciesTable {
  id: string;
  kind: string;
  name: string;
  version: number;
  /** JSON of the kind's settings. */
  settings: string;
  created_at: number;
  updated_at: number;
}

export interface DeviceExtensionStatesTable {
  device_id: string;
  state: string;
  updated_at: number;
}

declare module './schema.js' {
  interface Database {
    policies: PoliciesTable;
    device_extension_states: DeviceExtensionStatesTable;
  }
}
