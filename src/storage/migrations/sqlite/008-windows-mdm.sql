CREATE TABLE windows_devices (
  device_id TEXT PRIMARY KEY REFERENCES devices (id) ON DELETE CASCADE,
  hardware_device_id TEXT NOT NULL,
  cert_fingerprint TEXT NOT NULL UNIQUE,
  enrolled_at INTEGER NOT NULL,
  inventory TEXT,
  session_id TEXT,
  session_msg_id INTEGER NOT NULL DEFAULT 0,
  session_next_cmd INTEGER NOT NULL DEFAULT 1,
  session_outstanding TEXT NOT NULL DEFAULT '{}',
  session_updated_at INTEGER,
  storage_state TEXT
);
CREATE INDEX windows_devices_hardware ON windows_devices (hardware_device_id);

CREATE TABLE windows_certificate_authorities (
  name TEXT PRIMARY KEY,
  certificate_pem TEXT NOT NULL,
  private_key_sealed TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
