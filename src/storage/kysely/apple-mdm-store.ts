import type { Selectable } from 'kysely';
import type { AppleEnrollment, AppleMdmStore } from '../roles/apple-mdm.js';
import type { Dialect } from './connect.js';
import type { Executor } from './executor.js';
import { fixedStatement, perDialect } from './fixed-statement.js';
import type { AppleEnrollmentsTable } from './schema-apple.js';
import './schema-apple.js';

const CHUNK = 500;

const INSTALLED_PROFILE_UPSERT = `INSERT INTO apple_installed_profiles
    (device_id, identifier, display_name, payload_uuid, origin, installed_at)
  VALUES (?, ?, ?, ?, ?, ?)
  ON CONFLICT (device_id, identifier) DO UPDATE SET display_name = excluded.display_name,
    payload_uuid = excluded.payload_uuid, origin = excluded.origin,
    installed_at = excluded.installed_at`;
const recordInstalled = perDialect((dialect) => fixedStatement(dialect, INSTALLED_PROFILE_UPSERT));
const findIdentity = perDialect((dialect) =>
  fixedStatement(
    dialect,
    'SELECT device_id, identity_certificate, enrolled FROM apple_enrollments WHERE udid = ?',
  ),
);

function toEnrollment(row: Selectable<AppleEnrollmentsTable>): AppleEnrollment {
  return {
    deviceId: row.device_id,
    udid: row.udid,
    identityCertificate: row.identity_certificate,
    topic: row.topic,
    pushToken: row.push_token,
    pushMagic: row.push_magic,
    pushInvalidAt: row.push_invalid_at,
    unlockToken: row.unlock_token,
    bootstrapToken: row.bootstrap_token,
    awaitingConfiguration: row.awaiting_configuration === 1,
    enrolled: row.enrolled === 1,
    declarativeStatus: row.declarative_status,
    installedApplications: row.installed_applications,
    securityInfo: row.security_info,
    authenticatedAt: row.authenticated_at,
    tokenUpdatedAt: row.token_updated_at,
    checkedOutAt: row.checked_out_at,
    updatedAt: row.updated_at,
  };
}

export function appleMdmStore(db: Executor, dialect: Dialect): AppleMdmStore {
  return {
    async bindAppleIdentity(fingerprint, udid, now) {
      await db
        .insertInto('apple_identity_bindings')
        .values({ fingerprint, udid, bound_at: now })
        .onConflict((oc) => oc.column('fingerprint').doNothing())
        .execute();
      const row = await db
        .selectFrom('apple_identity_bindings')
        .select('udid')
        .where('fingerprint', '=', fingerprint)
        .executeTakeFirstOrThrow();
      return row.udid;
    },

    async authenticateAppleEnrollment({ deviceId, udid, identityCertificate, topic, now }) {
      // A UDID belongs to one device row; a stale row under another id gives way.
      await db
        .deleteFrom('apple_enrollments')
        .where('udid', '=', udid)
        .where('device_id', '!=', deviceId)
        .execute();
      const fresh = {
        udid,
        identity_certificate: identityCertificate,
        topic,
        push_token: null,
        push_magic: null,
        push_invalid_at: null,
        unlock_token: null,
        bootstrap_token: null,
        awaiting_configuration: 0,
        enrolled: 1,
        authenticated_at: now,
        token_updated_at: null,
        checked_out_at: null,
        updated_at: now,
      };
      const row = await db
        .insertInto('apple_enrollments')
        .values({ device_id: deviceId, ...fresh })
        .onConflict((oc) => oc.column('device_id').doUpdateSet(fresh))
        .returningAll()
        .executeTakeFirstOrThrow();
      await db.deleteFrom('apple_user_channels').where('device_id', '=', deviceId).execute();
      return toEnrollment(row);
    },

    async getAppleEnrollment(deviceId) {
      const row = await db
        .selectFrom('apple_enrollments')
        .selectAll()
        .where('device_id', '=', deviceId)
        .executeTakeFirst();
      return row && toEnrollment(row);
    },

    async findAppleEnrollmentByUdid(udid) {
      const row = await db
        .selectFrom('apple_enrollments')
        .selectAll()
        .where('udid', '=', udid)
        .executeTakeFirst();
      return row && toEnrollment(row);
    },

    async findAppleIdentity(udid) {
      const [row] = await findIdentity(dialect).run<
        Pick<Selectable<AppleEnrollmentsTable>, 'device_id' | 'identity_certificate' | 'enrolled'>
      >(db, [udid]);
      return (
        row && {
          deviceId: row.device_id,
          identityCertificate: row.identity_certificate,
          enrolled: Number(row.enrolled) === 1,
        }
      );
    },

    async updateApplePushTokens(deviceId, update, now) {
      await db
        .updateTable('apple_enrollments')
        .set({
          topic: update.topic,
          push_token: update.pushToken,
          push_magic: update.pushMagic,
          push_invalid_at: null,
          awaiting_configuration: update.awaitingConfiguration ? 1 : 0,
          ...(update.unlockToken !== undefined ? { unlock_token: update.unlockToken } : {}),
          token_updated_at: now,
          updated_at: now,
        })
        .where('device_id', '=', deviceId)
        .execute();
    },

    async upsertAppleUserChannel(channel, now) {
      const values = {
        user_short_name: channel.userShortName,
        user_long_name: channel.userLongName,
        push_token: channel.pushToken,
        push_magic: channel.pushMagic,
        updated_at: now,
      };
      await db
        .insertInto('apple_user_channels')
        .values({ device_id: channel.deviceId, user_id: channel.userId, ...values })
        .onConflict((oc) => oc.columns(['device_id', 'user_id']).doUpdateSet(values))
        .execute();
    },

    async checkOutAppleEnrollment(deviceId, now) {
      await db
        .updateTable('apple_enrollments')
        .set({ enrolled: 0, push_token: null, checked_out_at: now, updated_at: now })
        .where('device_id', '=', deviceId)
        .execute();
    },

    async setAppleBootstrapToken(deviceId, sealed, now) {
      await db
        .updateTable('apple_enrollments')
        .set({ bootstrap_token: sealed, updated_at: now })
        .where('device_id', '=', deviceId)
        .execute();
    },

    async updateAppleInventory(deviceId, fields, now) {
      await db
        .updateTable('apple_enrollments')
        .set({
          ...(fields.declarativeStatus !== undefined
            ? { declarative_status: fields.declarativeStatus }
            : {}),
          ...(fields.installedApplications !== undefined
            ? { installed_applications: fields.installedApplications }
            : {}),
          ...(fields.securityInfo !== undefined ? { security_info: fields.securityInfo } : {}),
          updated_at: now,
        })
        .where('device_id', '=', deviceId)
        .execute();
    },

    async replaceAppleProfiles(deviceId, profiles, now) {
      const known = await db
        .selectFrom('apple_installed_profiles')
        .select(['identifier', 'origin'])
        .where('device_id', '=', deviceId)
        .execute();
      const origins = new Map(known.map((k) => [k.identifier, k.origin]));
      await db.deleteFrom('apple_installed_profiles').where('device_id', '=', deviceId).execute();
      for (let i = 0; i < profiles.length; i += CHUNK) {
        await db
          .insertInto('apple_installed_profiles')
          .values(
            profiles.slice(i, i + CHUNK).map((p) => ({
              device_id: deviceId,
              identifier: p.identifier,
              display_name: p.displayName,
              payload_uuid: p.payloadUuid,
              origin: origins.get(p.identifier) ?? null,
              installed_at: now,
            })),
          )
          .onConflict((oc) => oc.columns(['device_id', 'identifier']).doNothing())
          .execute();
      }
    },

    async recordAppleProfileInstalled(profile) {
      // Every acknowledged InstallProfile runs it: a fixed statement (see fixed-statement.ts).
      await recordInstalled(dialect).run(db, [
        profile.deviceId,
        profile.identifier,
        profile.displayName,
        profile.payloadUuid,
        profile.origin,
        profile.installedAt,
      ]);
    },

    async recordAppleProfileRemoved(deviceId, identifier) {
      await db
        .deleteFrom('apple_installed_profiles')
        .where('device_id', '=', deviceId)
        .where('identifier', '=', identifier)
        .execute();
    },

    async listAppleProfiles(deviceId) {
      const rows = await db
        .selectFrom('apple_installed_profiles')
        .selectAll()
        .where('device_id', '=', deviceId)
        .orderBy('identifier')
        .execute();
      return rows.map((r) => ({
        deviceId: r.device_id,
        identifier: r.identifier,
        displayName: r.display_name,
        payloadUuid: r.payload_uuid,
        origin: r.origin,
        installedAt: r.installed_at,
      }));
    },

    async markApplePushInvalid(deviceId, now) {
      await db
        .updateTable('apple_enrollments')
        .set({ push_invalid_at: now, updated_at: now })
        .where('device_id', '=', deviceId)
        .execute();
    },

    async applePushTargets(deviceIds) {
      const out: { deviceId: string; topic: string; pushToken: string; pushMagic: string }[] = [];
      for (let i = 0; i < deviceIds.length; i += CHUNK) {
        const rows = await db
          .selectFrom('apple_enrollments')
          .select(['device_id', 'topic', 'push_token', 'push_magic'])
          .where('device_id', 'in', deviceIds.slice(i, i + CHUNK))
          .where('enrolled', '=', 1)
          .where('push_invalid_at', 'is', null)
          .execute();
        for (const r of rows) {
          if (r.topic && r.push_token && r.push_magic) {
            out.push({
              deviceId: r.device_id,
              topic: r.topic,
              pushToken: r.push_token,
              pushMagic: r.push_magic,
            });
          }
        }
      }
      return out;
    },

    async getServerSecret(name) {
      const row = await db
        .selectFrom('apple_server_secrets')
        .selectAll()
        .where('name', '=', name)
        .executeTakeFirst();
      return (
        row && {
          name: row.name,
          certificate: row.certificate,
          privateKey: row.private_key,
          createdAt: row.created_at,
        }
      );
    },

    async putServerSecretOnce(secret) {
      await db
        .insertInto('apple_server_secrets')
        .values({
          name: secret.name,
          certificate: secret.certificate,
          private_key: secret.privateKey,
          created_at: secret.createdAt,
        })
        .onConflict((oc) => oc.column('name').doNothing())
        .execute();
      const stored = await this.getServerSecret(secret.name);
      if (!stored) throw new Error(`server secret ${secret.name} vanished`);
      return stored;
    },
  };
}
