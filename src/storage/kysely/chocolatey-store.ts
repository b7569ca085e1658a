import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { NugetPackage } from '../../catalog/chocolatey/nuget-package.js';
import { normalizeNugetVersion, packageKey } from '../../catalog/chocolatey/nuget-package.js';
import type {
  CachedPackageVersion,
  ChocoDeviceInstall,
  ChocoInstallState,
  ChocolateyPackage,
  ChocolateyStore,
} from '../roles/chocolatey.js';
import type { Executor } from './executor.js';
import './schema-chocolatey.js';
import type {
  ChocoDeviceInstallsTable,
  ChocoPackageVersionsTable,
  ChocoPackagesTable,
} from './schema-chocolatey.js';

const CHUNK = 500;

function toCached(row: Selectable<ChocoPackageVersionsTable>): CachedPackageVersion {
  return {
    packageKey: row.package_key,
    versionKey: row.version_key,
    package: JSON.parse(row.entry) as NugetPackage,
    fileSha512: row.file_sha512,
    fileSize: row.file_size,
    fetchedAt: row.fetched_at,
    fileFetchedAt: row.file_fetched_at,
  };
}

function toPackage(row: Selectable<ChocoPackagesTable>): ChocolateyPackage {
  return {
    id: row.id,
    packageId: row.package_id,
    version: row.version,
    title: row.title,
    createdBy: row.created_by,
    createdAt: row.created_at,
  };
}

function toInstall(row: Selectable<ChocoDeviceInstallsTable>): ChocoDeviceInstall {
  return {
    deviceId: row.device_id,
    packageRef: row.package_ref,
    state: row.state as ChocoInstallState,
    exitCode: row.exit_code,
    detail: row.detail,
    rebootRequired: row.reboot_required === 1,
    taskId: row.task_id,
    updatedAt: row.updated_at,
  };
}

export function chocolateyStore(db: Executor): ChocolateyStore {
  return {
    async getCachedVersion(key, versionKey) {
      const row = await db
        .selectFrom('choco_package_versions')
        .selectAll()
        .where('package_key', '=', key)
        .where('version_key', '=', versionKey)
        .executeTakeFirst();
      return row && toCached(row);
    },

    async cacheVersions(packages, at) {
      for (let i = 0; i < packages.length; i += CHUNK) {
        const rows = packages.slice(i, i + CHUNK).map((pkg) => ({
          package_key: packageKey(pkg.id),
          version_key: pkg.normalizedVersion,
          entry: JSON.stringify(pkg),
          fetched_at: at,
        }));
        await db
          .insertInto('choco_package_versions')
          .values(rows)
          .onConflict((oc) => oc.columns(['package_key', 'version_key']).doNothing())
          .execute();
      }
    },

    async recordCachedFile(key, versionKey, file, at) {
      await db
        .updateTable('choco_package_versions')
        .set({ file_sha512: file.sha512, file_size: file.size, file_fetched_at: at })
        .where('package_key', '=', key)
        .where('version_key', '=', versionKey)
        .execute();
    },

    async getPackageList(key) {
      const row = await db
        .selectFrom('choco_package_lists')
        .selectAll()
        .where('package_key', '=', key)
        .executeTakeFirst();
      if (!row) return undefined;
      return { versionKeys: JSON.parse(row.version_keys) as string[], fetchedAt: row.fetched_at };
    },

    async putPackageList(key, versionKeys, at) {
      await db
        .insertInto('choco_package_lists')
        .values({ package_key: key, version_keys: JSON.stringify(versionKeys), fetched_at: at })
        .onConflict((oc) =>
          oc.column('package_key').doUpdateSet({
            version_keys: JSON.stringify(versionKeys),
            fetched_at: at,
          }),
        )
        .execute();
    },

    async listCachedVersions(key) {
      const rows = await db
        .selectFrom('choco_package_versions')
        .selectAll()
        .where('package_key', '=', key)
        .orderBy('version_key')
        .execute();
      return rows.map(toCached);
    },

    async putPackageFile(sha512, content, at) {
      await db
        .insertInto('choco_package_files')
        .values({ sha512, content, size: content.length, created_at: at })
        .onConflict((oc) => oc.column('sha512').doNothing())
        .execute();
    },

    async getPackageFile(sha512) {
      const row = await db
        .selectFrom('choco_package_files')
        .select('content')
        .where('sha512', '=', sha512)
        .executeTakeFirst();
      return row ? Buffer.from(row.content) : undefined;
    },

    async acquireLease(key, holder, expiresAt, now) {
      const row = await db
        .insertInto('choco_fetch_leases')
        .values({ lease_key: key, holder, expires_at: expiresAt })
        .onConflict((oc) =>
          oc
            .column('lease_key')
            .doUpdateSet({ holder, expires_at: expiresAt })
            .where('choco_fetch_leases.expires_at', '<=', now),
        )
        .returning('holder')
        .executeTakeFirst();
      return row?.holder === holder;
    },

    async releaseLease(key, holder) {
      await db
        .deleteFrom('choco_fetch_leases')
        .where('lease_key', '=', key)
        .where('holder', '=', holder)
        .execute();
    },

    async getUpstreamSettings() {
      const row = await db
        .selectFrom('choco_upstream')
        .selectAll()
        .where('id', '=', 1)
        .executeTakeFirst();
      return {
        url: row?.url ?? null,
        username: row?.username ?? null,
        passwordSealed: row?.password_sealed ?? null,
        pausedUntil: row?.paused_until ?? 0,
      };
    },

    async putUpstreamSettings(settings, at) {
      const values = {
        url: settings.url,
        username: settings.username,
        password_sealed: settings.passwordSealed,
        updated_at: at,
      };
      await db
        .insertInto('choco_upstream')
        .values({ id: 1, paused_until: 0, ...values })
        .onConflict((oc) => oc.column('id').doUpdateSet(values))
        .execute();
    },

    async extendUpstreamPause(until, at) {
      await db
        .insertInto('choco_upstream')
        .values({ id: 1, paused_until: 0, updated_at: at })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
      await db
        .updateTable('choco_upstream')
        .set({ paused_until: until, updated_at: at })
        .where('id', '=', 1)
        .where('paused_until', '<', until)
        .execute();
    },

    async createChocoPackage(input, at) {
      const row = await db
        .insertInto('choco_packages')
        .values({
          id: randomUUID(),
          package_id: input.packageId,
          package_key: packageKey(input.packageId),
          version: input.version,
          version_key: normalizeNugetVersion(input.version),
          title: input.title,
          created_by: input.createdBy,
          created_at: at,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toPackage(row);
    },

    async getChocoPackage(id) {
      const row = await db
        .selectFrom('choco_packages')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return row && toPackage(row);
    },

    async findChocoPackage(packageId, version) {
      const row = await db
        .selectFrom('choco_packages')
        .selectAll()
        .where('package_key', '=', packageKey(packageId))
        .where('version_key', '=', normalizeNugetVersion(version))
        .executeTakeFirst();
      return row && toPackage(row);
    },

    async listChocoPackages() {
      const rows = await db
        .selectFrom('choco_packages')
        .selectAll()
        .orderBy('package_key')
        .orderBy('created_at')
        .execute();
      return rows.map(toPackage);
    },

    async trackInstalls(packageRef, deviceIds, at) {
      let added = 0;
      for (let i = 0; i < deviceIds.length; i += CHUNK) {
        const rows = deviceIds.slice(i, i + CHUNK).map((deviceId) => ({
          device_id: deviceId,
          package_ref: packageRef,
          state: 'pending',
          reboot_required: 0,
          updated_at: at,
        }));
        const result = await db
          .insertInto('choco_device_installs')
          .values(rows)
          .onConflict((oc) => oc.columns(['device_id', 'package_ref']).doNothing())
          .executeTakeFirst();
        added += Number(result.numInsertedOrUpdatedRows ?? 0n);
      }
      return added;
    },

    async listInstalls(filter) {
      let query = db.selectFrom('choco_device_installs').selectAll();
      if (filter.packageRef) query = query.where('package_ref', '=', filter.packageRef);
      if (filter.deviceId) query = query.where('device_id', '=', filter.deviceId);
      const rows = await query.orderBy('device_id').orderBy('package_ref').execute();
      return rows.map(toInstall);
    },

    async updateInstall(deviceId, packageRef, patch, at) {
      const row = await db
        .updateTable('choco_device_installs')
        .set({
          ...(patch.state === undefined ? {} : { state: patch.state }),
          ...(patch.exitCode === undefined ? {} : { exit_code: patch.exitCode }),
          ...(patch.detail === undefined ? {} : { detail: patch.detail }),
          ...(patch.rebootRequired === undefined
            ? {}
            : { reboot_required: patch.rebootRequired ? 1 : 0 }),
          ...(patch.taskId === undefined ? {} : { task_id: patch.taskId }),
          updated_at: at,
        })
        .where('device_id', '=', deviceId)
        .where('package_ref', '=', packageRef)
        .returningAll()
        .executeTakeFirst();
      return row && toInstall(row);
    },
  };
}
