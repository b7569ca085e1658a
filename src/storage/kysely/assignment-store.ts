import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { Assignment, AssignmentSubjectKind, AssignmentTargetKind } from '../../domain.js';
import type { AssignmentStore } from '../storage.js';
import type { Executor } from './executor.js';
import type { AssignmentsTable } from './schema.js';

function toAssignment(row: Selectable<AssignmentsTable>): Assignment {
  return {
    id: row.id,
    targetKind: row.target_kind as AssignmentTargetKind,
    targetId: row.target_id,
    subjectKind: row.subject_kind as AssignmentSubjectKind,
    subjectId: row.subject_id,
    options: JSON.parse(row.options) as Record<string, unknown>,
    createdAt: row.created_at,
  };
}

export function assignmentStore(db: Executor): AssignmentStore {
  return {
    async assign(input) {
      const row = await db
        .insertInto('assignments')
        .values({
          id: randomUUID(),
          target_kind: input.targetKind,
          target_id: input.targetId,
          subject_kind: input.subjectKind,
          subject_id: input.subjectId,
          options: JSON.stringify(input.options ?? {}),
          created_at: Date.now(),
        })
        .onConflict((oc) =>
          oc
            .columns(['target_kind', 'target_id', 'subject_kind', 'subject_id'])
            .doUpdateSet((eb) => ({ options: eb.ref('excluded.options') })),
        )
        .returningAll()
        .executeTakeFirstOrThrow();
      return toAssignment(row);
    },

    async getAssignment(id) {
      const row = await db
        .selectFrom('assignments')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return row && toAssignment(row);
    },

    async unassign(id) {
      const result = await db.deleteFrom('assignments').where('id', '=', id).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },

    async listAssignments(filter = {}) {
      let query = db.selectFrom('assignments').selectAll();
      if (filter.targetKind) query = query.where('target_kind', '=', filter.targetKind);
      if (filter.targetId) query = query.where('target_id', '=', filter.targetId);
      return (await query.orderBy('created_at').orderBy('id').execute()).map(toAssignment);
    },

    async assignmentsForDevice(deviceId) {
      const rows = await db
        .selectFrom('assignments')
        .selectAll()
        .where((eb) =>
          eb.or([
            eb.and([eb('subject_kind', '=', 'device'), eb('subject_id', '=', deviceId)]),
            eb.and([
              eb('subject_kind', '=', 'group'),
              eb(
                'subject_id',
                'in',
                eb.selectFrom('group_members').select('group_id').where('device_id', '=', deviceId),
              ),
            ]),
          ]),
        )
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toAssignment);
    },

    async devicesForSubject(subjectKind, subjectId) {
      if (subjectKind === 'device') {
        const row = await db
          .selectFrom('devices')
          .select('id')
          .where('id', '=', subjectId)
          .executeTakeFirst();
        return row ? [row.id] : [];
      }
      const rows = await db
        .selectFrom('group_members')
        .select('device_id')
        .where('group_id', '=', subjectId)
        .orderBy('device_id')
        .execute();
      return rows.map((r) => r.device_id);
    },
  };
}
