import type { Generated } from 'kysely';

/** Row shapes of the foundation tables; times are epoch milliseconds, booleans 0 or 1. */
export interface DevicesTable {
  id: string;
  platform: string;
  name: string | null;
  serial_number: string | null;
  udid: string | null;
  hardware_uuid: string | null;
  model: string | null;
  os_version: string | null;
  os_build: string | null;
  enrollment_type: string | null;
  supervised: number;
  agent_version: string | null;
  tray_version: string | null;
  last_seen_at: number | null;
  enrolled_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface DeviceGroupsTable {
  id: string;
  name: string;
  description: string;
  created_at: number;
  updated_at: number;
}

export interface GroupMembersTable {
  group_id: string;
  device_id: string;
  added_at: number;
}

export interface AssignmentsTable {
  id: string;
  target_kind: string;
  target_id: string;
  subject_kind: string;
  subject_id: string;
  options: string;
  created_at: number;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: number;
  actor: string;
  action: string;
  entity_type: string;
  entity_id: string | null;
  before_state: string | null;
  after_state: string | null;
}

export interface SettingsTable {
  key: string;
  value: string;
  updated_at: number;
}

export interface UsersTable {
  id: string;
  username: string;
  password_hash: string;
  created_at: number;
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  kind: string;
  name: string;
  token_hash: string;
  created_at: number;
  expires_at: number | null;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface EnrollmentTokensTable {
  id: string;
  name: string;
  token_hash: string;
  created_by: string;
  created_at: number;
  expires_at: number;
  max_uses: number;
  uses: number;
  revoked_at: number | null;
}

export interface LatchMigrationsTable {
  version: number;
  name: string;
  applied_at: number;
}

/** Every table Kysely knows about; feature issues add theirs here. */
export interface Database {
  devices: DevicesTable;
  device_groups: DeviceGroupsTable;
  group_members: GroupMembersTable;
  assignments: AssignmentsTable;
  audit_log: AuditLogTable;
  settings: SettingsTable;
  users: UsersTable;
  api_tokens: ApiTokensTable;
  enrollment_tokens: EnrollmentTokensTable;
  latch_migrations: LatchMigrationsTable;
}
