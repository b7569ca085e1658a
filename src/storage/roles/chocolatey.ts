import type { NugetPackage } from '../../catalog/chocolatey/nuget-package.js';

/** A package version Latch has fetched from upstream; the metadata never changes afterwards. */
export interface CachedPackageVersion {
  packageKey: string;
  versionKey: string;
  package: NugetPackage;
  /** Hex SHA-512 of the stored `.nupkg`; null until the file has been fetched. */
  fileSha512: string | null;
  fileSize: number | null;
  fetchedAt: number;
  fileFetchedAt: number | null;
}

/** A package version the admin added to the catalogue, which assignments point at. */
export interface ChocolateyPackage {
  id: string;
  packageId: string;
  version: string;
  title: string | null;
  createdBy: string;
  createdAt: number;
}

export const CHOCO_INSTALL_STATES = [
  'pending',
  'installing',
  'installed',
  'failed',
  'not_applicable',
] as const;
export type ChocoInstallState = (typeof CHOCO_INSTALL_STATES)[number];

/** Where one assigned package stands on one device. */
export interface ChocoDeviceInstall {
  deviceId: string;
  packageRef: string;
  state: ChocoInstallState;
  exitCode: number | null;
  /** The meaning of the exit code, or why the install waits or does not apply. */
  detail: string | null;
  rebootRequired: boolean;
  taskId: string | null;
  updatedAt: number;
}

/** The upstream repository settings shared by every server. */
export interface UpstreamSettings {
  url: string | null;
  username: string | null;
  /** Sealed with the server's SecretBox; never returned by the API. */
  passwordSealed: string | null;
  /** Epoch ms until which a 429 told us to stay away; 0 when not paused. */
  pausedUntil: number;
}

export interface ChocolateyStore {
  getCachedVersion(
    packageKey: string,
    versionKey: string,
  ): Promise<CachedPackageVersion | undefined>;
  /** Stores the metadata of versions not cached yet; a cached version is left as it is. */
  cacheVersions(packages: NugetPackage[], at: number): Promise<void>;
  recordCachedFile(
    packageKey: string,
    versionKey: string,
    file: { sha512: string; size: number },
    at: number,
  ): Promise<void>;
  /** The versions a FindPackagesById() answer listed, and when; undefined when never fetched. */
  getPackageList(
    packageKey: string,
  ): Promise<{ versionKeys: string[]; fetchedAt: number } | undefined>;
  putPackageList(packageKey: string, versionKeys: string[], at: number): Promise<void>;
  listCachedVersions(packageKey: string): Promise<CachedPackageVersion[]>;

  /** Stores a file by its hash; storing the same bytes twice is harmless. */
  putPackageFile(sha512: string, content: Buffer, at: number): Promise<void>;
  getPackageFile(sha512: string): Promise<Buffer | undefined>;

  /**
   * Takes the named lease for `holder` until `expiresAt`, unless another holder has it and it has
   * not lapsed at `now`. Atomic across servers sharing the database.
   */
  acquireLease(key: string, holder: string, expiresAt: number, now: number): Promise<boolean>;
  releaseLease(key: string, holder: string): Promise<void>;

  getUpstreamSettings(): Promise<UpstreamSettings>;
  putUpstreamSettings(
    settings: Pick<UpstreamSettings, 'url' | 'username' | 'passwordSealed'>,
    at: number,
  ): Promise<void>;
  /** Moves the shared pause forward; an earlier time than the stored one changes nothing. */
  extendUpstreamPause(until: number, at: number): Promise<void>;

  createChocoPackage(
    input: Omit<ChocolateyPackage, 'id' | 'createdAt'>,
    at: number,
  ): Promise<ChocolateyPackage>;
  getChocoPackage(id: string): Promise<ChocolateyPackage | undefined>;
  findChocoPackage(packageId: string, version: string): Promise<ChocolateyPackage | undefined>;
  listChocoPackages(): Promise<ChocolateyPackage[]>;

  /** Adds devices as `pending`; a device already tracked for the package keeps its state. */
  trackInstalls(packageRef: string, deviceIds: string[], at: number): Promise<number>;
  listInstalls(filter: { packageRef?: string; deviceId?: string }): Promise<ChocoDeviceInstall[]>;
  updateInstall(
    deviceId: string,
    packageRef: string,
    patch: Partial<Omit<ChocoDeviceInstall, 'deviceId' | 'packageRef' | 'updatedAt'>>,
    at: number,
  ): Promise<ChocoDeviceInstall | undefined>;
}
