import type { Selectable } from 'kysely';
import type {
  OutstandingCommands,
  WindowsEnrollment,
  WindowsMdmStore,
} from '../roles/windows-mdm.js';
import type { Dialect } from './connect.js';
import type { Executor } from './executor.js';
import { fixedStatement } from './fixed-statement.js';
import type { WindowsDevicesTable } from './schema-windows-mdm.js';
import './schema-windows-mdm.js';

function toEnrollment(row: Selectable<WindowsDevicesTable>): WindowsEnrollment {
  return {
    deviceId: row.device_id,
    hardwareDeviceId: row.hardware_device_id,
    certFingerprint: row.cert_fingerprint,
    enrolledAt: Number(row.enrolled_at),
    inventory: row.inventory,
    session: {
      sessionId: row.session_id,
      msgId: row.session_msg_id,
      nextCmdId: row.session_next_cmd,
      outstanding: JSON.parse(row.session_outstanding) as OutstandingCommands,
    },
  };
}

export function windowsMdmStore(db: Executor, dialect: Dialect): WindowsMdmStore {
  return {
    async recordWindowsEnrollment({ deviceId, hardwareDeviceId, certFingerprint, now }) {
      const fresh = {
        hardware_device_id: hardwareDeviceId,
        cert_fingerprint: certFingerprint,
        enrolled_at: now,
        inventory: null,
        session_id: null,
        session_msg_id: 0,
        session_next_cmd: 1,
        session_outstanding: '{}',
        session_updated_at: null,
      };
      const row = await db
        .insertInto('windows_devices')
        .values({ device_id: deviceId, ...fresh })
        .onConflict((oc) => oc.column('device_id').doUpdateSet(fresh))
        .returningAll()
        .executeTakeFirstOrThrow();
      return toEnrollment(row);
    },

    async findWindowsEnrollment(certFingerprint) {
      // SQLite runs one transaction at a time; PostgreSQL must be told (lockedEnrollment).
      const row =
        dialect === 'postgres'
          ? await lockedEnrollment(db, certFingerprint)
          : await db
              .selectFrom('windows_devices')
              .selectAll()
              .where('cert_fingerprint', '=', certFingerprint)
              .executeTakeFirst();
      return row && toEnrollment(row);
    },

    async getWindowsEnrollment(deviceId) {
      const row = await db
        .selectFrom('windows_devices')
        .selectAll()
        .where('device_id', '=', deviceId)
        .executeTakeFirst();
      return row && toEnrollment(row);
    },

    async saveWindowsSession(deviceId, session, now, inventory) {
      await db
        .updateTable('windows_devices')
        .set({
          session_id: session.sessionId,
          session_msg_id: session.msgId,
          session_next_cmd: session.nextCmdId,
          session_outstanding: JSON.stringify(session.outstanding),
          session_updated_at: now,
          ...(inventory === undefined ? {} : { inventory }),
        })
        .where('device_id', '=', deviceId)
        .execute();
    },

    async getWindowsStorageState(deviceId) {
      const row = await db
        .selectFrom('windows_devices')
        .select('storage_state')
        .where('device_id', '=', deviceId)
        .executeTakeFirst();
      return row?.storage_state ?? null;
    },

    async putWindowsStorageState(deviceId, state) {
      await db
        .updateTable('windows_devices')
        .set({ storage_state: state })
        .where('device_id', '=', deviceId)
        .execute();
    },

    async getCertificateAuthority(name) {
      const row = await db
        .selectFrom('windows_certificate_authorities')
        .selectAll()
        .where('name', '=', name)
        .executeTakeFirst();
      return (
        row && {
          name: row.name,
          certificatePem: row.certificate_pem,
          privateKeySealed: row.private_key_sealed,
          createdAt: Number(row.created_at),
        }
      );
    },

    async putCertificateAuthority(record) {
      await db
        .insertInto('windows_certificate_authorities')
        .values({
          name: record.name,
          certificate_pem: record.certificatePem,
          private_key_sealed: record.privateKeySealed,
          created_at: record.createdAt,
        })
        .onConflict((oc) => oc.column('name').doNothing())
        .execute();
      const stored = await this.getCertificateAuthority(record.name);
      if (!stored) throw new Error(`certificate authority ${record.name} vanished`);
      return stored;
    },
  };
}

/** The columns of an enrolment, named: a prepared `*` breaks once a migration adds one. */
const ENROLLMENT_COLUMNS =
  'device_id, hardware_device_id, cert_fingerprint, enrolled_at, inventory, session_id, ' +
  'session_msg_id, session_next_cmd, session_outstanding, session_updated_at, storage_state';
/**
 * The device row first: deleting or re-enrolling a device locks it before its enrolment and
 * commands, so taking the locks in that order too leaves no room for a deadlock. NO KEY UPDATE
 * still lets commands for the device be queued meanwhile. Fixed statements: every message
 * runs them.
 */
const LOCK_DEVICE = fixedStatement(
  'postgres',
  `SELECT id FROM devices
   WHERE id = (SELECT device_id FROM windows_devices WHERE cert_fingerprint = ?)
   FOR NO KEY UPDATE`,
);
const LOCK_ENROLLMENT = fixedStatement(
  'postgres',
  `SELECT ${ENROLLMENT_COLUMNS} FROM windows_devices WHERE cert_fingerprint = ?
   FOR NO KEY UPDATE`,
);

async function lockedEnrollment(db: Executor, certFingerprint: string) {
  await LOCK_DEVICE.run(db, [certFingerprint]);
  const [row] = await LOCK_ENROLLMENT.run<Selectable<WindowsDevicesTable>>(db, [certFingerprint]);
  return row;
}
