import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import type {
  ExtensionState,
  PolicyKind,
  StorageRestrictionSettings,
  StoredPolicy,
} from '../../service/policy-model.js';
import type { PolicyStore } from '../roles/policies.js';
import type { Executor } from './executor.js';
import './schema-agent-channel.js';
import './schema-policies.js';
import type { PoliciesTable } from './schema-policies.js';

function toPolicy(row: Selectable<PoliciesTable>): StoredPolicy {
  return {
    id: row.id,
    version: Number(row.version),
    kind: row.kind as PolicyKind,
    name: row.name,
    settings: JSON.parse(row.settings) as StorageRestrictionSettings,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

export function policyStore(db: Executor): PolicyStore {
  const getPolicy = async (id: string) => {
    const row = await db.selectFrom('policies').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toPolicy(row);
  };

  return {
    async createPolicy(input) {
      const now = Date.now();
      const row = {
        id: randomUUID(),
        kind: input.kind,
        name: input.name,
        version: 1,
        settings: JSON.stringify(input.settings),
        created_at: now,
        updated_at: now,
      };
      await db.insertInto('policies').values(row).execute();
      return toPolicy(row);
    },

    getPolicy,

    async listPolicies() {
      const rows = await db.selectFrom('policies').selectAll().orderBy('name').execute();
      return rows.map(toPolicy);
    },

    async updatePolicy(id, patch) {
      const set: Partial<PoliciesTable> = { updated_at: Date.now() };
      if (patch.name !== undefined) set.name = patch.name;
      if (patch.settings !== undefined) set.settings = JSON.stringify(patch.settings);
      const result = await db
        .updateTable('policies')
        .set((eb) => ({ ...set, version: eb('version', '+', 1) }))
        .where('id', '=', id)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n ? getPolicy(id) : undefined;
    },

    async deletePolicy(id) {
      await db
        .deleteFrom('assignments')
        .where('target_kind', '=', 'policy')
        .where('target_id', '=', id)
        .execute();
      const result = await db.deleteFrom('policies').where('id', '=', id).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },

    async policiesForDevice(deviceId) {
      const rows = await db
        .selectFrom('policies')
        .selectAll()
        .where((eb) =>
          eb(
            'id',
            'in',
            eb
              .selectFrom('assignments')
              .select('target_id')
              .where('target_kind', '=', 'policy')
              .where((inner) =>
                inner.or([
                  inner.and([
                    inner('subject_kind', '=', 'device'),
                    inner('subject_id', '=', deviceId),
                  ]),
                  inner.and([
                    inner('subject_kind', '=', 'group'),
                    inner(
                      'subject_id',
                      'in',
                      inner
                        .selectFrom('group_members')
                        .select('group_id')
                        .where('device_id', '=', deviceId),
                    ),
                  ]),
                ]),
              ),
          ),
        )
        .orderBy('name')
        .execute();
      return rows.map(toPolicy);
    },

    async policyAssignmentsGeneration() {
      const row = await db
        .selectFrom('change_counters')
        .select('value')
        .where('name', '=', 'policy_assignments')
        .executeTakeFirstOrThrow();
      return row.value;
    },

    async recordExtensionState(deviceId, state, at = Date.now()) {
      await db
        .insertInto('device_extension_states')
        .values({ device_id: deviceId, state, updated_at: at })
        .onConflict((oc) =>
          oc.column('device_id').doUpdateSet((eb) => ({
            state: eb.ref('excluded.state'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute();
    },

    async getExtensionState(deviceId) {
      // The agent channel keeps the state of its last check-in in agent_states; the newer of
      // that and a state recorded here is the one in force.
      const [recorded, checkedIn] = await Promise.all([
        db
          .selectFrom('device_extension_states')
          .select(['state', 'updated_at as at'])
          .where('device_id', '=', deviceId)
          .executeTakeFirst(),
        db
          .selectFrom('agent_states')
          .select(['extension_state as state', 'reported_at as at'])
          .where('device_id', '=', deviceId)
          .where('extension_state', 'is not', null)
          .executeTakeFirst(),
      ]);
      const newest = [recorded, checkedIn]
        .filter((r) => r !== undefined && r.state !== null)
        .sort((a, b) => Number(b!.at) - Number(a!.at))[0];
      return (newest?.state ?? 'absent') as ExtensionState;
    },
  };
}
