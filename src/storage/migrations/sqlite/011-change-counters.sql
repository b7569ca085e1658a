-- A number that every write to policies, assignments or group memberships raises, so a server
-- can tell with one read whether any device's assigned policies may have changed. Triggers
-- (not the stores) raise it, so no code path that writes these tables can forget to.
CREATE TABLE change_counters (
  name TEXT PRIMARY KEY,
  value INTEGER NOT NULL
);
INSERT INTO change_counters (name, value) VALUES ('policy_assignments', 0);

CREATE TRIGGER policies_inserted_counted AFTER INSERT ON policies
BEGIN UPDATE change_counters SET value = value + 1 WHERE name = 'policy_assignments'; END;
CREATE TRIGGER policies_updated_counted AFTER UPDATE ON policies
BEGIN UPDATE change_counters SET value = value + 1 WHERE name = 'policy_assignments'; END;
CREATE TRIGGER policies_deleted_counted AFTER DELETE ON policies
BEGIN UPDATE change_counters SET value = value + 1 WHERE name = 'policy_assignments'; END;
CREATE TRIGGER assignments_inserted_counted AFTER INSERT ON assignments
BEGIN UPDATE change_counters SET value = value + 1 WHERE name = 'policy_assignments'; END;
CREATE TRIGGER assignments_updated_counted AFTER UPDATE ON assignments
BEGIN UPDATE change_counters SET value = value + 1 WHERE name = 'policy_assignments'; END;
CREATE TRIGGER assignments_deleted_counted AFTER DELETE ON assignments
BEGIN UPDATE change_counters SET value = value + 1 WHERE name = 'policy_assignments'; END;
CREATE TRIGGER group_members_inserted_counted AFTER INSERT ON group_members
BEGIN UPDATE change_counters SET value = value + 1 WHERE name = 'policy_assignments'; END;
CREATE TRIGGER group_members_updated_counted AFTER UPDATE ON group_members
BEGIN UPDATE change_counters SET value = value + 1 WHERE name = 'policy_assignments'; END;
CREATE TRIGGER group_members_deleted_counted AFTER DELETE ON group_members
BEGIN UPDATE change_counters SET value = value + 1 WHERE name = 'policy_assignments'; END;
