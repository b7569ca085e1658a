CREATE TABLE choco_package_versions (
  package_key TEXT NOT NULL,
  version_key TEXT NOT NULL,
  entry TEXT NOT NULL,
  file_sha512 TEXT,
  file_size BIGINT,
  fetched_at BIGINT NOT NULL,
  file_fetched_at BIGINT,
  PRIMARY KEY (package_key, version_key)
);

CREATE TABLE choco_package_lists (
  package_key TEXT PRIMARY KEY,
  version_keys TEXT NOT NULL,
  fetched_at BIGINT NOT NULL
);

CREATE TABLE choco_package_files (
  sha512 TEXT PRIMARY KEY,
  content BYTEA NOT NULL,
  size BIGINT NOT NULL,
  created_at BIGINT NOT NULL
);

CREATE TABLE choco_fetch_leases (
  lease_key TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  expires_at BIGINT NOT NULL
);

CREATE TABLE choco_upstream (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  url TEXT,
  username TEXT,
  password_sealed TEXT,
  paused_until BIGINT NOT NULL DEFAULT 0,
  updated_at BIGINT NOT NULL
);

CREATE TABLE choco_packages (
  id TEXT PRIMARY KEY,
  package_id TEXT NOT NULL,
  package_key TEXT NOT NULL,
  version TEXT NOT NULL,
  version_key TEXT NOT NULL,
  title TEXT,
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  UNIQUE (package_key, version_key)
);

CREATE TABLE choco_device_installs (
  device_id TEXT NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
  package_ref TEXT NOT NULL REFERENCES choco_packages (id) ON DELETE CASCADE,
  state TEXT NOT NULL,
  exit_code INTEGER,
  detail TEXT,
  reboot_required INTEGER NOT NULL DEFAULT 0,
  task_id TEXT,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (device_id, package_ref)
);
CREATE INDEX choco_device_installs_package ON choco_device_installs (package_ref, state);
