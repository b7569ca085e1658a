CREATE TABLE apple_declaration_syncs (
  device_id TEXT PRIMARY KEY REFERENCES devices (id) ON DELETE CASCADE,
  declarations_token TEXT NOT NULL,
  announced_at INTEGER NOT NULL
);

CREATE TABLE apple_declaration_states (
  device_id TEXT NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
  identifier TEXT NOT NULL,
  kind TEXT NOT NULL,
  server_token TEXT NOT NULL,
  active INTEGER NOT NULL,
  valid TEXT NOT NULL,
  reasons TEXT,
  reported_at INTEGER NOT NULL,
  PRIMARY KEY (device_id, identifier)
);
