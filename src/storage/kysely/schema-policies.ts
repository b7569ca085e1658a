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

/** Counters raised by triggers (migration 011); see PolicyStore.policyAssignmentsGeneration. */
export interface ChangeCountersTable {
  name: string;
  value: number;
}

declare module './schema.js' {
  interface Database {
    change_counters: ChangeCountersTable;
    policies: PoliciesTable;
    device_extension_states: DeviceExtensionStatesTable;
  }
}
