/** Row shapes of the Chocolatey cache and catalogue (migration 009). */
export interface ChocoPackageVersionsTable {
  package_key: string;
  version_key: string;
  entry: string;
  file_sha512: string | null;
  file_size: number | null;
  fetched_at: number;
  file_fetched_at: number | null;
}

export interface ChocoPackageListsTable {
  package_key: string;
  version_keys: string;
  fetched_at: number;
}

export interface ChocoPackageFilesTable {
  sha512: string;
  content: Buffer;
  size: number;
  created_at: number;
}

export interface ChocoFetchLeasesTable {
  lease_key: string;
  holder: string;
  expires_at: number;
}

export interface ChocoUpstreamTable {
  id: number;
  url: string | null;
  username: string | null;
  password_sealed: string | null;
  paused_until: number;
  updated_at: number;
}

export interface ChocoPackagesTable {
  id: string;
  package_id: string;
  package_key: string;
  version: string;
  version_key: string;
  title: string | null;
  created_by: string;
  created_at: number;
}

export interface ChocoDeviceInstallsTable {
  device_id: string;
  package_ref: string;
  state: string;
  exit_code: number | null;
  detail: string | null;
  reboot_required: number;
  task_id: string | null;
  updated_at: number;
}

declare module './schema.js' {
  interface Database {
    choco_package_versions: ChocoPackageVersionsTable;
    choco_package_lists: ChocoPackageListsTable;
    choco_package_files: ChocoPackageFilesTable;
    choco_fetch_leases: ChocoFetchLeasesTable;
    choco_upstream: ChocoUpstreamTable;
    choco_packages: ChocoPackagesTable;
    choco_device_installs: ChocoDeviceInstallsTable;
  }
}
