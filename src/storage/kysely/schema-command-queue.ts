import type { Generated } from 'kysely';

export interface CommandsTable {
  seq: Generated<number>;
  id: string;
  channel: string;
  device_id: string;
  request_type: string;
  payload: string;
  origin: string | null;
  status: string;
  attempts: number;
  created_at: number;
  updated_at: number;
  sent_at: number | null;
  lease_until: number | null;
  lease_owner: string | null;
  answered_at: number | null;
  result: string | null;
  error: string | null;
}

export interface CommandQueuePausesTable {
  channel: string;
  device_id: string;
  paused_at: number;
}

declare module './schema.js' {
  interface Database {
    commands: CommandsTable;
    command_queue_pauses: CommandQueuePausesTable;
  }
}
