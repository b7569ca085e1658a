CREATE TABLE apple_enrollments (
  device_id TEXT PRIMARY KEY REFERENCES devices (id) ON DELETE CASCADE,
  udid TEXT NOT NULL UNIQUE,
  identity_certificate TEXT NOT NULL,
  topic TEXT,
  push_token TEXT,
  push_magic TEXT,
  push_invalid_at INTEGER,
  unlock_token TEXT,
  bootstrap_token TEXT,
  awaiting_configuration INTEGER NOT NULL DEFAULT 0,
  enrolled INTEGER NOT NULL DEFAULT 1,
  declarative_status TEXT,
  installed_applications TEXT,
  security_info TEXT,
  authenticated_at INTEGER NOT NULL,
  token_updated_at INTEGER,
  checked_out_at INTEGER,
  updated_at INTEGER NOT NULL
);

CREATE TABLE apple_user_channels (
  device_id TEXT NOT NULL REFERENCES apple_enrollments (device_id) ON DELETE CASCADE,
  user_id TEXT NOT NULL,
  user_short_name TEXT,
  user_long_name TEXT,
  push_token TEXT,
  push_magic TEXT,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (device_id, user_id)
);

CREATE TABLE apple_installed_profiles (
  device_id TEXT NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
  identifier TEXT NOT NULL,
  display_name TEXT,
  payload_uuid TEXT,
  origin TEXT,
  installed_at INTEGER NOT NULL,
  PRIMARY KEY (device_id, identifier)
);

CREATE TABLE apple_server_secrets (
  name TEXT PRIMARY KEY,
  certificate TEXT NOT NULL,
  private_key TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
