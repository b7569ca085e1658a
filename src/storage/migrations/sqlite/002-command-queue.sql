CREATE TABLE commands (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  channel TEXT NOT NULL,
  device_id TEXT NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
  request_type TEXT NOT NULL,
  payload TEXT NOT NULL,
  origin TEXT,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  sent_at INTEGER,
  lease_until INTEGER,
  lease_owner TEXT,
  answered_at INTEGER,
  result TEXT,
  error TEXT
);
CREATE INDEX commands_active ON commands (channel, device_id, seq)
  WHERE status IN ('pending', 'sent', 'not_now');
CREATE INDEX commands_device ON commands (device_id, seq);
CREATE INDEX commands_leases ON commands (lease_until) WHERE status = 'sent';

CREATE TABLE command_queue_pauses (
  channel TEXT NOT NULL,
  device_id TEXT NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
  paused_at INTEGER NOT NULL,
  PRIMARY KEY (channel, device_id)
);
