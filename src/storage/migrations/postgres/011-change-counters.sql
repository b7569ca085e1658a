-- A number that every write to policies, assignments or group memberships raises, so a server
-- can tell with one read whether any device's assigned policies may have changed. Triggers
-- (not the stores) raise it, so no code path that writes these tables can forget to. They run
-- once per statement, so a bulk membership change locks the counter row once.
CREATE TABLE change_counters (
  name TEXT PRIMARY KEY,
  value BIGINT NOT NULL
);
INSERT INTO change_counters (name, value) VALUES ('policy_assignments', 0);

CREATE FUNCTION count_policy_assignment_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN UPDATE change_counters SET value = value + 1 WHERE name = 'policy_assignments'; RETURN NULL; END $$;

CREATE TRIGGER policies_counted AFTER INSERT OR UPDATE OR DELETE ON policies
  FOR EACH STATEMENT EXECUTE FUNCTION count_policy_assignment_change();
CREATE TRIGGER assignments_counted AFTER INSERT OR UPDATE OR DELETE ON assignments
  FOR EACH STATEMENT EXECUTE FUNCTION count_policy_assignment_change();
CREATE TRIGGER group_members_counted AFTER INSERT OR UPDATE OR DELETE ON group_members
  FOR EACH STATEMENT EXECUTE FUNCTION count_policy_assignment_change();
