import type { Generated } from 'kysely';

/** Row shapes of the agent channel's tables (migration 005); times are epoch milliseconds. */
export interface AgentCaTable {
  id: number;
  certificate_pem: string;
  sealed_key: string;
  created_at: number;
}

export interface AgentCredentialsTable {
  id: string;
  device_id: string;
  secret_hash: string;
  certificate_fingerprint: string | null;
  certificate_serial: string | null;
  certificate_not_after: number | null;
  issued_at: number;
  revoked_at: number | null;
}

export interface AgentStatesTable {
  device_id: string;
  state_hash: string;
  state: string;
  extension_state: string | null;
  reported_at: number;
}

export interface AgentEventsTable {
  seq: Generated<number>;
  device_id: string;
  event_id: string;
  kind: string;
  occurred_at: number;
  received_at: number;
  payload: string;
}

declare module './schema.js' {
  interface Database {
    agent_ca: AgentCaTable;
    agent_credentials: AgentCredentialsTable;
    agent_states: AgentStatesTable;
    agent_events: AgentEventsTable;
  }
}
