import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Selectable } from 'kysely';
import { usableIdentifier } from '../../device-identifiers.js';
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
    // An empty or placeholder identifier says nothing (and the columns are unique): not stored.
    serial_number: usableIdentifier(o.serialNumber, 'serial'),
    udid: usableIdentifier(o.udid),
    hardware_uuid: usableIdentifier(o.hardwareUuid),
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

/** The channels of one machine report one platform; iPhone and iPad differ only by name. */
function platformFamily(platform: string): string {
  return platform === 'ipados' ? 'ios' : platform;
}

const IDENTIFIERS = ['serial_number', 'hardware_uuid', 'udid'] as const;

type Holder = Pick<Selectable<DevicesTable>, 'id' | 'platform' | (typeof IDENTIFIERS)[number]>;

/** `columns` without the identifiers that one of `others` holds already (they are unique). */
function withoutTaken(columns: Partial<DevicesTable>, others: Holder[]): Partial<DevicesTable> {
  const free = { ...columns };
  for (const column of IDENTIFIERS) {
    if (free[column] && others.some((other) => other[column] === free[column])) {
      delete free[column];
    }
  }
  return free;
}

export function deviceStore(db: Executor, dialect: Dialect): DeviceStore {
  /** The devices that hold any of the identifiers in `columns`. */
  async function holdersOf(columns: Partial<DevicesTable>): Promise<Holder[]> {
    const identifiers = IDENTIFIERS.filter((column) => columns[column]);
    if (identifiers.length === 0) return [];
    return db
      .selectFrom('devices')
      .select(['id', 'platform', ...IDENTIFIERS])
      .where((eb) => eb.or(identifiers.map((column) => eb(column, '=', columns[column]!))))
      .execute();
  }

  async function update(id: string, columns: Partial<DevicesTable>, holders: Holder[]) {
    const row = await db
      .updateTable('devices')
      .set({
        ...withoutTaken(
          columns,
          holders.filter((h) => h.id !== id),
        ),
        updated_at: Date.now(),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    return row && toDevice(row);
  }

  async function updateOnce(id: string, observation: DeviceObservation) {
    const columns = observedColumns(observation);
    return update(id, columns, await holdersOf(columns));
  }

  async function observeOnce(o: DeviceObservation): Promise<Device> {
    const columns = observedColumns(o);
    const holders = await holdersOf(columns);
    // Only a device of the same platform can be the same machine: a serial number that a
    // device of another platform reports too (copied, or a placeholder we do not know) must
    // not merge the two. The serial number is the strongest match, then the hardware UUID,
    // then the UDID.
    const family = platformFamily(o.platform);
    const sameFamily = holders.filter((h) => platformFamily(h.platform) === family);
    const match = IDENTIFIERS.flatMap((column) =>
      columns[column] ? sameFamily.filter((h) => h[column] === columns[column]) : [],
    )[0];
    const updated = match && (await update(match.id, columns, holders));
    if (updated) return updated;
    const now = Date.now();
    const row = await db
      .insertInto('devices')
      .values({
        supervised: 0,
        // Identifiers held by a device of another platform are left out. One of the same
        // platform holding one is the same machine, committed since holdersOf looked: the
        // insert fails and againIfTaken matches it.
        ...withoutTaken(
          columns,
          holders.filter((h) => !sameFamily.includes(h)),
        ),
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
   * Runs `work` and, if another transaction took one of the device's unique identifiers in the
   * meantime (two channels seeing a new device at once), runs it once more: it then sees that
   * transaction's device. On PostgreSQL a failed statement aborts the transaction it is in, so
   * inside one the first attempt runs in a savepoint. (SQLite runs one transaction at a time: no
   * other can take an identifier in between.)
   */
  async function againIfTaken<T>(work: () => Promise<T>): Promise<T> {
    const savepoint = dialect === 'postgres' && db.isTransaction;
    if (savepoint) await sql`SAVEPOINT device_identifiers`.execute(db);
    try {
      const result = await work();
      if (savepoint) await sql`RELEASE SAVEPOINT device_identifiers`.execute(db);
      return result;
    } catch (error) {
      if (savepoint) await sql`ROLLBACK TO SAVEPOINT device_identifiers`.execute(db);
      if (!isUniqueViolation(error)) throw error;
      return work();
    }
  }

  return {
    observeDevice(observation) {
      return againIfTaken(() => observeOnce(observation));
    },

    updateDevice(id, observation) {
      return againIfTaken(() => updateOnce(id, observation));
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
