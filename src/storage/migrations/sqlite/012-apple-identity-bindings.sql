-- Each identity certificate Latch issued, once a device authenticated with it, belongs to that
-- UDID for good: another device's Authenticate signed with it is refused, so holding one
-- device's identity never lets anyone take over another enrolment.
CREATE TABLE apple_identity_bindings (
  fingerprint TEXT PRIMARY KEY,
  udid TEXT NOT NULL,
  bound_at INTEGER NOT NULL
);
