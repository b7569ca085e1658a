-- The agent channel: Latch's own CA for agent client certificates, device credentials,
-- the agent's last reported state, and the events agents upload (stored once per event id).
CREATE TABLE agent_ca (
  id INTEGER PRIMARY KEY,
  certificate_pem TEXT NOT NULL,
  sealed_key TEXT NOT NULL,
  created_at BIGINT NOT NULL
);

CREATE TABLE agent_credentials (
  id TEXT PRIMARY KEY,
  device_id TEXT NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
  secret_hash TEXT NOT NULL UNIQUE,
  certificate_fingerprint TEXT UNIQUE,
  certificate_serial TEXT,
  certificate_not_after BIGINT,
  issued_at BIGINT NOT NULL,
  revoked_at BIGINT
);
CREATE INDEX agent_credentials_device ON agent_credentials (device_id);

CREATE TABLE agent_states (
  device_id TEXT PRIMARY KEY REFERENCES devices (id) ON DELETE CASCADE,
  state_hash TEXT NOT NULL,
  state TEXT NOT NULL,
  extension_state TEXT,
  reported_at BIGINT NOT NULL
);

CREATE TABLE agent_events (
  seq BIGSERIAL PRIMARY KEY,
  device_id TEXT NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
  event_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  occurred_at BIGINT NOT NULL,
  received_at BIGINT NOT NULL,
  payload TEXT NOT NULL,
  UNIQUE (device_id, event_id)
);
CREATE INDEX agent_events_kind ON agent_events (kind, seq);
