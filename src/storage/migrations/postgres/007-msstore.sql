CREATE TABLE msstore_cache (
  cache_key TEXT PRIMARY KEY,
  market TEXT NOT NULL,
  kind TEXT NOT NULL,
  body TEXT NOT NULL,
  fetched_at BIGINT NOT NULL
);

CREATE TABLE store_apps (
  id TEXT PRIMARY KEY,
  store_id TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  publisher TEXT NOT NULL,
  app_type TEXT NOT NULL,
  kind TEXT NOT NULL,
  package_family_name TEXT,
  reason TEXT,
  market TEXT NOT NULL,
  added_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE TABLE device_app_states (
  app_id TEXT NOT NULL REFERENCES store_apps (id) ON DELETE CASCADE,
  device_id TEXT NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
  assignment_id TEXT NOT NULL,
  intent TEXT NOT NULL,
  context TEXT NOT NULL,
  state TEXT NOT NULL,
  path TEXT,
  version TEXT,
  error_code TEXT,
  error_meaning TEXT,
  reason TEXT,
  delivery_ref TEXT,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (app_id, device_id)
);
CREATE INDEX device_app_states_device ON device_app_states (device_id);
CREATE INDEX device_app_states_ref ON device_app_states (delivery_ref);
