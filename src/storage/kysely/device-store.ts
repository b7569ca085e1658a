import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Selectable } from 'kysely';
import { badRequest } from '../../errors.js';
import type { Device, DeviceObservation, EnrollmentType, Platform } from '../../domain.js';
import type { DeviceFilter, DeviceStore } from '../storage.js';
import type { Dialect } from './connect.js';
import type { Executor } from './executor.js';
import { decodeCursor, encodeCursor, isUniqueViolation } from './executor.js';
import type { DevicesTable } from './schema.js';

const DEFAULT_PAGE = 100;
const MAX_PAGE = 1000;
/** Ids per lookup query: under SQLite's and PostgreSQL's bound-parameter limits. */
const LOOKUP_BATCH = 500;
const SEARCHED_COLUMNS = ['name', 'serial_number', 'model', 'udid', 'hardware_uuid'];

export function toDevice(row: Selectable<DevicesTable>): Device {
  return {
    id: row.id,
    platform: row.platform as Platform,
    name: row.name,
    serialNumber: row.serial_number,
    udid: row.udid,
    hardwareUuid: row.hardware_uuid,
    model: row.model,
    osVersion: row.os_version,
    osBuild: row.os_build,
    enrollmentType: row.enrollment_type as EnrollmentType | null,
    supervised: row.supervised === 1,
    agentVersion: row.agent_version,
    trayVersion: row.tray_version,
    lastSeenAt: row.last_seen_at,
    enrolledAt: row.enrolled_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The columns an observation sets; undefined fields are left out so they keep their value. */
function observedColumns(o: DeviceObservation): Partial<DevicesTable> {
  const columns: Partial<DevicesTable> = {
    platform: o.platform,
    serial_number: o.serialNumber,
    udid: o.udid,
    hardware_uuid: o.hardwareUuid,
    name: o.name,
    model: o.model,
    os_version: o.osVersion,
    os_build: o.osBuild,
    enrollment_type: o.enrollmentType,
    supervised: o.supervised === undefined ? undefined : o.supervised ? 1 : 0,
    agent_version: o.agentVersion,
    tray_version: o.trayVersion,
    enrolled_at: o.enrolledAt,
    last_seen_at: o.lastSeenAt,
  };
  return Object.fromEntries(Object.entries(columns).filter(([, v]) => v !== undefined));
}

export function deviceStore(db: Executor, dialect: Dialect): DeviceStore {
  async function findMatch(o: DeviceObservation) {
    const identifiers: [keyof DevicesTable, string][] = [];
    if (o.serialNumber) identifiers.push(['serial_number', o.serialNumber]);
    if (o.hardwareUuid) identifiers.push(['hardware_uuid', o.hardwareUuid]);
    if (o.udid) identifiers.push(['udid', o.udid]);
    if (identifiers.length === 0) return undefined;
    const rows = await db
      .selectFrom('devices')
      .selectAll()
      .where((eb) => eb.or(identifiers.map(([column, value]) => eb(column, '=', value))))
      .execute();
    // The serial number is the strongest match, then the hardware UUID, then the UDID.
    for (const [column, value] of identifiers) {
      const row = rows.find((r) => r[column] === value);
      if (row) return row;
    }
    return undefined;
  }

  async function observeOnce(o: DeviceObservation): Promise<Device> {
    const now = Date.now();
    const columns = observedColumns(o);
    const existing = await findMatch(o);
    if (existing) {
      const row = await db
        .updateTable('devices')
        .set({ ...columns, updated_at: now })
        .where('id', '=', existing.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      return toDevice(row);
    }
    const row = await db
      .insertInto('devices')
      .values({
        supervised: 0,
        ...columns,
        id: randomUUID(),
        platform: o.platform,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toDevice(row);
  }

  /**
   * On PostgreSQL a failed statement aborts the transaction it is in; inside one, the attempt
   * runs in a savepoint, so the transaction can go on to the retry. (SQLite runs one
   * transaction at a time: no other can create the device in between.)
   */
  async function observeInSavepoint(o: DeviceObservation): Promise<Device> {
    if (dialect !== 'postgres' || !db.isTransaction) return observeOnce(o);
    await sql`SAVEPOINT observe_device`.execute(db);
    try {
      const device = await observeOnce(o);
      await sql`RELEASE SAVEPOINT observe_device`.execute(db);
      return device;
    } catch (error) {
      await sql`ROLLBACK TO SAVEPOINT observe_device`.execute(db);
      throw error;
    }
  }

  return {
    async observeDevice(observation) {
      try {
        return await observeInSavepoint(observation);
      } catch (error) {
        // Two channels saw a new device at once and the other created it first: match it now.
        if (!isUniqueViolation(error)) throw error;
        return observeOnce(observation);
      }
    },

    async updateDevice(id, observation) {
      const columns = observedColumns(observation);
      const identifiers = (['serial_number', 'hardware_uuid', 'udid'] as const).filter(
        (column) => columns[column],
      );
      if (identifiers.length > 0) {
        const holders = await db
          .selectFrom('devices')
          .select(identifiers)
          .where('id', '!=', id)
          .where((eb) => eb.or(identifiers.map((column) => eb(column, '=', columns[column]!))))
          .execute();
        for (const column of identifiers) {
          if (holders.some((holder) => holder[column] === columns[column])) delete columns[column];
        }
      }
      const row = await db
        .updateTable('devices')
        .set({ ...columns, updated_at: Date.now() })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      return row && toDevice(row);
    },

    async getDevice(id) {
      const row = await db
        .selectFrom('devices')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return row && toDevice(row);
    },

    async listDevices(filter: DeviceFilter = {}) {
      const limit = Math.min(Math.max(filter.limit ?? DEFAULT_PAGE, 1), MAX_PAGE);
      let query = db.selectFrom('devices').selectAll('devices');
      if (filter.platform) query = query.where('platform', '=', filter.platform);
      if (filter.search) {
        const pattern = `%${filter.search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        query = query.where((eb) =>
          eb.or(
            SEARCHED_COLUMNS.map(
              (column) => sql<boolean>`lower(${sql.ref(column)}) like ${pattern} escape '\\'`,
            ),
          ),
        );
      }
      if (filter.groupId) {
        const groupId = filter.groupId;
        query = query.where((eb) =>
          eb.exists(
            eb
              .selectFrom('group_members')
              .select('group_members.device_id')
              .whereRef('group_members.device_id', '=', 'devices.id')
              .where('group_members.group_id', '=', groupId),
          ),
        );
      }
      if (filter.cursor) {
        const parts = decodeCursor(filter.cursor);
        if (!parts || typeof parts[0] !== 'number' || typeof parts[1] !== 'string') {
          throw badRequest('the cursor is not one this server issued');
        }
        const [createdAt, id] = parts as [number, string];
        query = query.where((eb) =>
          eb.or([
            eb('created_at', '>', createdAt),
            eb.and([eb('created_at', '=', createdAt), eb('id', '>', id)]),
          ]),
        );
      }
      const rows = await query
        .orderBy('created_at')
        .orderBy('id')
        .limit(limit + 1)
        .execute();
      const items = rows.slice(0, limit).map(toDevice);
      const last = items.at(-1);
      return {
        items,
        nextCursor: rows.length > limit && last ? encodeCursor([last.createdAt, last.id]) : null,
      };
    },

    async deleteDevice(id) {
      const result = await db.deleteFrom('devices').where('id', '=', id).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },

    async missingDevices(ids) {
      const found = new Set<string>();
      for (let i = 0; i < ids.length; i += LOOKUP_BATCH) {
        const rows = await db
          .selectFrom('devices')
          .select('id')
          .where('id', 'in', ids.slice(i, i + LOOKUP_BATCH))
          .execute();
        for (const row of rows) found.add(row.id);
      }
      return ids.filter((id) => !found.has(id));
    },

    async devicesOnChannel(channel, ids) {
      const reached = new Set<string>();
      for (let i = 0; i < ids.length; i += LOOKUP_BATCH) {
        const batch = ids.slice(i, i + LOOKUP_BATCH);
        const query =
          channel === 'apple'
            ? db
                .selectFrom('apple_enrollments')
                .select('device_id')
                .where('enrolled', '=', 1)
                .where('device_id', 'in', batch)
            : channel === 'agent'
              ? db
                  .selectFrom('agent_credentials')
                  .select('device_id')
                  .where('revoked_at', 'is', null)
                  .where('device_id', 'in', batch)
              : db
                  .selectFrom('windows_devices')
                  .select('device_id')
                  .where('device_id', 'in', batch);
        for (const row of await query.execute()) reached.add(row.device_id);
      }
      return ids.filter((id) => reached.has(id));
    },

    async touchDevice(id, at) {
      await db.updateTable('devices').set({ last_seen_at: at }).where('id', '=', id).execute();
    },
  };
}
