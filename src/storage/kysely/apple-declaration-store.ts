import type { DeclarationKind } from '../../apple/declaration-set.js';
import type { ReportedDeclaration } from '../../apple/declaration-status.js';
import type { AppleDeclarationStore } from '../roles/apple-declarations.js';
import type { Executor } from './executor.js';
import './schema-apple-declarations.js';

const CHUNK = 500;

export function appleDeclarationStore(db: Executor): AppleDeclarationStore {
  return {
    async getAppleDeclarationSync(deviceId) {
      const row = await db
        .selectFrom('apple_declaration_syncs')
        .selectAll()
        .where('device_id', '=', deviceId)
        .executeTakeFirst();
      return (
        row && {
          deviceId: row.device_id,
          declarationsToken: row.declarations_token,
          announcedAt: row.announced_at,
        }
      );
    },

    async putAppleDeclarationSync(sync) {
      const values = { declarations_token: sync.declarationsToken, announced_at: sync.announcedAt };
      await db
        .insertInto('apple_declaration_syncs')
        .values({ device_id: sync.deviceId, ...values })
        .onConflict((oc) => oc.column('device_id').doUpdateSet(values))
        .execute();
    },

    async replaceAppleDeclarationStates(deviceId, states, now) {
      await db.deleteFrom('apple_declaration_states').where('device_id', '=', deviceId).execute();
      for (let i = 0; i < states.length; i += CHUNK) {
        await db
          .insertInto('apple_declaration_states')
          .values(
            states.slice(i, i + CHUNK).map((s) => ({
              device_id: deviceId,
              identifier: s.identifier,
              kind: s.kind,
              server_token: s.serverToken,
              active: s.active ? 1 : 0,
              valid: s.valid,
              reasons: s.reasons.length > 0 ? JSON.stringify(s.reasons) : null,
              reported_at: now,
            })),
          )
          // A report naming one identifier twice keeps the first.
          .onConflict((oc) => oc.columns(['device_id', 'identifier']).doNothing())
          .execute();
      }
    },

    async listAppleDeclarationStates(deviceId) {
      const rows = await db
        .selectFrom('apple_declaration_states')
        .selectAll()
        .where('device_id', '=', deviceId)
        .orderBy('identifier')
        .execute();
      return rows.map((r) => ({
        deviceId: r.device_id,
        identifier: r.identifier,
        kind: r.kind as DeclarationKind,
        serverToken: r.server_token,
        active: r.active === 1,
        valid: r.valid as ReportedDeclaration['valid'],
        reasons: r.reasons ? (JSON.parse(r.reasons) as ReportedDeclaration['reasons']) : [],
        reportedAt: r.reported_at,
      }));
    },

    async forgetAppleDeclarations(deviceId) {
      await db.deleteFrom('apple_declaration_syncs').where('device_id', '=', deviceId).execute();
      await db.deleteFrom('apple_declaration_states').where('device_id', '=', deviceId).execute();
    },
  };
}
