-- Mounts the agents refused, remounted read-only or audited, one row per agent event id.
CREATE TABLE mount_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  device_id TEXT NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
  event_id TEXT NOT NULL,
  occurred_at INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  user_name TEXT NOT NULL,
  disk TEXT,
  bus TEXT,
  media_kind TEXT,
  volume_name TEXT,
  size_bytes INTEGER,
  category TEXT NOT NULL,
  decision TEXT NOT NULL,
  rule TEXT NOT NULL,
  UNIQUE (device_id, event_id)
);
CREATE INDEX mount_events_device ON mount_events (device_id, id);
CREATE INDEX mount_events_decision ON mount_events (decision, id);
