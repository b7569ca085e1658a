import type { Generated } from 'kysely';

export interface MountEventsTable {
  id: Generated<number>;
  device_id: string;
  event_id: string;
  occurred_at: number;
  received_at: number;
  user_name: string;
  disk: string | null;
  bus: string | null;
  media_kind: string | null;
  volume_name: string | null;
  size_bytes: number | null;
  category: string;
  decision: string;
  rule: string;
}

declare module './schema.js' {
  interface Database {
    mount_events: MountEventsTable;
  }
}
