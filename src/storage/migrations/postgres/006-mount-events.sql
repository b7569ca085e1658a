-- Mounts the agents refused, remounted read-only or audited, one row per agent event id.
CREATE TABLE mount_events (
  id BIGSERIAL PRIMARY KEY,
  device_id TEXT NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
  event_id TEXT NOT NULL,
  occurred_at BIGINT NOT NULL,
  received_at BIGINT NOT NULL,
  user_name TEXT NOT NULL,
  disk TEXT,
  bus TEXT,
  media_kind TEXT,
  volume_name TEXT,
  size_bytes BIGINT,
  category TEXT NOT NULL,
  decision TEXT NOT NULL,
  rule TEXT NOT NULL,
  UNIQUE (device_id, event_id)
);
CREATE INDEX mount_events_device ON mount_events (device_id, id);
CREATE INDEX mount_events_decision ON mount_events (decision, id);
