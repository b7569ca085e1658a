import { LatchError, badRequest, conflict, notFound } from '../../errors.js';
import type { User } from '../../domain.js';
import type { ChocoDeviceInstall, ChocolateyPackage } from '../../storage/roles/chocolatey.js';
import type { Storage } from '../../storage/storage.js';
import { chocoOutcome } from './choco-task.js';
import type { Chocolatey } from './chocolatey.js';
import type { WaitBudget } from './nuget-client.js';
import { normalizeNugetVersion, packageKey } from './nuget-package.js';
import type { NugetPackage } from './nuget-package.js';

/*
 * The admin's side of Chocolatey (maintenance mode): the catalogue of package versions Latch
 * offers, their assignment to devices and groups, and each device's install state.
 */

export type CacheState = 'cached' | 'metadata_only' | 'not_cached';

export interface CataloguePackage extends ChocolateyPackage {
  cacheState: CacheState;
  packageSize: number | null;
}

const ADMIN_BUDGET: WaitBudget = { maxWaitMs: 10_000 };
/** A background fetch waits out rate limits and 429 pauses for this long before giving up. */
const WARM_BUDGET: WaitBudget = { maxWaitMs: 15 * 60_000 };

/** The catalogue entry with whether its metadata and `.nupkg` are in the cache. */
export async function describePackage(
  storage: Storage,
  pkg: ChocolateyPackage,
): Promise<CataloguePackage> {
  const cached = await storage.getCachedVersion(
    packageKey(pkg.packageId),
    normalizeNugetVersion(pkg.version),
  );
  const cacheState = !cached ? 'not_cached' : cached.fileSha512 ? 'cached' : 'metadata_only';
  return {
    ...pkg,
    cacheState,
    packageSize: cached?.fileSize ?? cached?.package.packageSize ?? null,
  };
}

function latestOf(versions: NugetPackage[]): NugetPackage | undefined {
  return (
    versions.find((v) => v.isLatestVersion) ??
    versions.filter((v) => !v.isPrerelease).at(-1) ??
    versions.at(-1)
  );
}

/**
 * Adds a package version to the catalogue (the latest release when no version is given), then
 * fetches its `.nupkg` into the cache in the background, so installs never wait for upstream.
 */
export async function addCataloguePackage(
  context: { storage: Storage; chocolatey: Chocolatey },
  admin: User,
  input: { packageId: string; version?: string | undefined },
  onWarmFailure: (error: unknown) => void,
): Promise<CataloguePackage> {
  const { storage, chocolatey } = context;
  const found = input.version
    ? (await chocolatey.cache.getVersion(input.packageId, input.version, ADMIN_BUDGET))?.package
    : latestOf(
        (await chocolatey.cache.listVersions(input.packageId, ADMIN_BUDGET)).map((v) => v.package),
      );
  if (!found) {
    const what = input.version ? `${input.packageId} ${input.version}` : input.packageId;
    throw new LatchError('package_not_found', 404, `the repository has no package ${what}`);
  }
  const created = await storage.transaction(async (s) => {
    if (await s.findChocoPackage(found.id, found.normalizedVersion)) {
      throw conflict(`${found.id} ${found.version} is already in the catalogue`);
    }
    const pkg = await s.createChocoPackage(
      {
        packageId: found.id,
        version: found.normalizedVersion,
        title: found.title,
        createdBy: admin.username,
      },
      Date.now(),
    );
    await s.recordAudit({
      actor: admin.username,
      action: 'chocolatey.package.add',
      entityType: 'chocolatey_package',
      entityId: pkg.id,
      before: null,
      after: pkg,
    });
    return pkg;
  });
  chocolatey.cache.getFile(found.id, found.normalizedVersion, WARM_BUDGET).catch(onWarmFailure);
  return describePackage(storage, created);
}

/** Assigns a catalogue package to a device or a group; its devices start as `pending`. */
export async function assignCataloguePackage(
  storage: Storage,
  admin: User,
  packageRef: string,
  subject: { subjectKind: 'device' | 'group'; subjectId: string },
) {
  return storage.transaction(async (s) => {
    const pkg = await s.getChocoPackage(packageRef);
    if (!pkg) throw notFound('chocolatey package', packageRef);
    const exists =
      subject.subjectKind === 'device'
        ? await s.getDevice(subject.subjectId)
        : await s.getGroup(subject.subjectId);
    if (!exists) throw badRequest(`no ${subject.subjectKind} ${subject.subjectId}`);
    const assignment = await s.assign({
      targetKind: 'app',
      targetId: pkg.id,
      ...subject,
      options: { source: 'chocolatey' },
    });
    const devices = await s.devicesForSubject(subject.subjectKind, subject.subjectId);
    const added = await s.trackInstalls(pkg.id, devices, Date.now());
    await s.recordAudit({
      actor: admin.username,
      action: 'chocolatey.package.assign',
      entityType: 'chocolatey_package',
      entityId: pkg.id,
      before: null,
      after: assignment,
    });
    return { assignment, devicesAdded: added };
  });
}

/**
 * Each device's state for a package. Devices that joined an assigned group since the assignment
 * are added as `pending` first, so the list always covers every device the package reaches.
 */
export async function packageInstallStates(
  storage: Storage,
  packageRef: string,
): Promise<ChocoDeviceInstall[]> {
  const assignments = await storage.listAssignments({ targetKind: 'app', targetId: packageRef });
  const reached = new Set<string>();
  for (const a of assignments) {
    for (const id of await storage.devicesForSubject(a.subjectKind, a.subjectId)) reached.add(id);
  }
  await storage.trackInstalls(packageRef, [...reached], Date.now());
  return storage.listInstalls({ packageRef });
}

/**
 * Records the exit code of a device's `choco upgrade` task: success (with a restart noted),
 * waiting on a restart, or failure with the code's meaning.
 */
export async function recordChocoResult(
  storage: Storage,
  deviceId: string,
  packageRef: string,
  exitCode: number,
): Promise<ChocoDeviceInstall> {
  const outcome = chocoOutcome(exitCode);
  const updated = await storage.updateInstall(
    deviceId,
    packageRef,
    {
      state: outcome.state,
      exitCode,
      detail: outcome.meaning,
      rebootRequired: outcome.rebootRequired,
    },
    Date.now(),
  );
  if (!updated) throw notFound('chocolatey install', `${deviceId}/${packageRef}`);
  return updated;
}
