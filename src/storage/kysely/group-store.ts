import { randomUUID } from 'node:crypto';
import type { Group } from '../../domain.js';
import type { GroupStore } from '../storage.js';
import type { Executor } from './executor.js';
import { inTransaction } from './executor.js';

/** Rows written per statement: under SQLite's and PostgreSQL's bound-parameter limits. */
const BATCH = 500;

export function groupStore(db: Executor): GroupStore {
  const groupsWithCounts = () =>
    db
      .selectFrom('device_groups as g')
      .selectAll('g')
      .select((eb) =>
        eb
          .selectFrom('group_members as m')
          .whereRef('m.group_id', '=', 'g.id')
          .select((e) => e.fn.countAll<number>().as('n'))
          .as('member_count'),
      );

  const toGroup = (row: {
    id: string;
    name: string;
    description: string;
    created_at: number;
    updated_at: number;
    member_count: number | string | null;
  }): Group => ({
    id: row.id,
    name: row.name,
    description: row.description,
    memberCount: Number(row.member_count ?? 0),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });

  const getGroup = async (id: string) => {
    const row = await groupsWithCounts().where('g.id', '=', id).executeTakeFirst();
    return row && toGroup(row);
  };

  return {
    async createGroup({ name, description = '' }) {
      const now = Date.now();
      const id = randomUUID();
      await db
        .insertInto('device_groups')
        .values({ id, name, description, created_at: now, updated_at: now })
        .execute();
      return { id, name, description, memberCount: 0, createdAt: now, updatedAt: now };
    },

    getGroup,

    async listGroups() {
      return (await groupsWithCounts().orderBy('g.name').execute()).map(toGroup);
    },

    async updateGroup(id, patch) {
      const result = await db
        .updateTable('device_groups')
        .set({ ...patch, updated_at: Date.now() })
        .where('id', '=', id)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n ? getGroup(id) : undefined;
    },

    async deleteGroup(id) {
      return inTransaction(db, async (trx) => {
        // Assignments name their group by id without a foreign key (a subject may be a device
        // or a group), so they go with the group here rather than by cascade.
        await trx
          .deleteFrom('assignments')
          .where('subject_kind', '=', 'group')
          .where('subject_id', '=', id)
          .execute();
        const result = await trx
          .deleteFrom('device_groups')
          .where('id', '=', id)
          .executeTakeFirst();
        return result.numDeletedRows > 0n;
      });
    },

    async addMembers(groupId, deviceIds) {
      const now = Date.now();
      const unique = [...new Set(deviceIds)];
      let added = 0;
      for (let i = 0; i < unique.length; i += BATCH) {
        const rows = unique
          .slice(i, i + BATCH)
          .map((deviceId) => ({ group_id: groupId, device_id: deviceId, added_at: now }));
        const result = await db
          .insertInto('group_members')
          .values(rows)
          .onConflict((oc) => oc.columns(['group_id', 'device_id']).doNothing())
          .executeTakeFirst();
        added += Number(result.numInsertedOrUpdatedRows ?? 0n);
      }
      return added;
    },

    async removeMembers(groupId, deviceIds) {
      let removed = 0;
      for (let i = 0; i < deviceIds.length; i += BATCH) {
        const result = await db
          .deleteFrom('group_members')
          .where('group_id', '=', groupId)
          .where('device_id', 'in', deviceIds.slice(i, i + BATCH))
          .executeTakeFirst();
        removed += Number(result.numDeletedRows);
      }
      return removed;
    },

    async listMembers(groupId) {
      const rows = await db
        .selectFrom('group_members')
        .select('device_id')
        .where('group_id', '=', groupId)
        .orderBy('device_id')
        .execute();
      return rows.map((r) => r.device_id);
    },

    async groupsOfDevice(deviceId) {
      const rows = await groupsWithCounts()
        .where((eb) =>
          eb.exists(
            eb
              .selectFrom('group_members as gm')
              .select('gm.group_id')
              .whereRef('gm.group_id', '=', 'g.id')
              .where('gm.device_id', '=', deviceId),
          ),
        )
        .orderBy('g.name')
        .execute();
      return rows.map(toGroup);
    },
  };
}
