/** The shapes the admin API answers with, as the console reads them. */

export const PLATFORMS = ['macos', 'windows', 'ios', 'ipados', 'linux'] as const;
export type Platform = (typeof PLATFORMS)[number];

export const PLATFORM_NAMES: Record<Platform, string> = {
  macos: 'macOS',
  windows: 'Windows',
  ios: 'iOS',
  ipados: 'iPadOS',
  linux: 'Linux',
};

export interface User {
  id: string;
  username: string;
  createdAt: number;
}

export interface Device {
  id: string;
  platform: Platform;
  name: string | null;
  serialNumber: string | null;
  udid: string | null;
  hardwareUuid: string | null;
  model: string | null;
  osVersion: string | null;
  osBuild: string | null;
  enrollmentType: 'automated' | 'device' | 'user' | null;
  supervised: boolean;
  agentVersion: string | null;
  trayVersion: string | null;
  lastSeenAt: number | null;
  enrolledAt: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface DeviceDetail extends Device {
  groups: { id: string; name: string }[];
}

export interface Group {
  id: string;
  name: string;
  description: string;
  memberCount: number;
  createdAt: number;
  updatedAt: number;
}

export interface GroupDetail extends Group {
  deviceIds: string[];
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Assignment {
  id: string;
  targetKind: 'policy' | 'app';
  targetId: string;
  subjectKind: 'device' | 'group';
  subjectId: string;
  options: Record<string, unknown>;
  createdAt: number;
}

export type CommandStatus =
  'pending' | 'sent' | 'acknowledged' | 'error' | 'not_now' | 'failed' | 'cancelled';

/** A command of a device's queue, as GET /devices/:id/commands lists it (without payload). */
export interface QueuedCommand {
  id: string;
  channel: 'apple' | 'windows' | 'agent';
  deviceId: string;
  requestType: string;
  origin: string | null;
  status: CommandStatus;
  attempts: number;
  createdAt: number;
  updatedAt: number;
  sentAt: number | null;
  answeredAt: number | null;
  result: string | null;
  error: string | null;
}

export const STORAGE_MODES = ['block', 'read-only', 'audit'] as const;
export type StorageMode = (typeof STORAGE_MODES)[number];

export interface StorageException {
  deviceId: string;
  /** ISO 8601 end of the exception. */
  until: string;
}

export interface StorageRestrictionSettings {
  mode: StorageMode;
  helpUrl?: string;
  statusText?: string;
  notificationText?: string;
  exceptions?: StorageException[];
}

export interface Policy {
  id: string;
  version: number;
  kind: 'storage-restriction';
  name: string;
  settings: StorageRestrictionSettings;
  createdAt: number;
  updatedAt: number;
}

export interface PolicyDetail extends Policy {
  assignments: Assignment[];
}

export type ApplicabilityStatus = 'applies' | 'pending' | 'not-applicable';

/** Whether one policy applies to one device, and if not, why. */
export interface PolicyApplicability {
  policyId: string;
  status: ApplicabilityStatus;
  requirement?: string;
  reason?: string;
  overriddenBy?: string;
}

/** A row of GET /policies/:id/devices. */
export interface PolicyDeviceRow extends PolicyApplicability {
  deviceId: string;
  name: string | null;
  platform: Platform;
}

/** How a Store app reaches a device: over MDM (StoreInstall), through the agent, or not. */
export type AppKind = 'mdm' | 'agent' | 'unavailable';

/** A Store product in a search answer. */
export interface CatalogItem {
  id: string;
  name: string;
  publisher: string;
  kind: AppKind;
  appType: 'modern' | 'legacy' | 'unknown';
  packageFamilyName: string | null;
  reason: string | null;
  iconUrl: string | null;
}

/** How fresh a Store answer is; stale answers come from the cache while the Store is down. */
export interface Freshness {
  market: string;
  fetchedAt: number;
  stale: boolean;
  staleSince: number | null;
  storeError: string | null;
}

export interface StoreSearchAnswer extends Freshness {
  query: string;
  items: CatalogItem[];
}

/** A Store app added to Latch. */
export interface StoreApp {
  id: string;
  storeId: string;
  name: string;
  publisher: string;
  market: string;
  kind: AppKind;
  appType: 'modern' | 'legacy' | 'unknown';
  packageFamilyName: string | null;
  reason: string | null;
  addedBy: string;
  createdAt: number;
  updatedAt: number;
}

export interface StoreAppDetail extends StoreApp {
  assignments: Assignment[];
}

export type AppState = 'pending' | 'installing' | 'installed' | 'failed' | 'not-applicable';

/** Where one device stands with one app. */
export interface DeviceAppState {
  appId: string;
  deviceId: string;
  assignmentId: string;
  intent: 'install' | 'uninstall';
  context: 'device' | 'user';
  state: AppState;
  path: 'mdm' | 'agent' | null;
  version: string | null;
  errorCode: string | null;
  errorMeaning: string | null;
  reason: string | null;
  updatedAt: number;
}

export interface StoreTerms {
  accepted: boolean;
  acceptedBy: string | null;
  acceptedAt: number | null;
}

/** A mount an agent refused, remounted read-only or audited. */
export interface MountEvent {
  id: number;
  deviceId: string;
  eventId: string;
  occurredAt: number;
  receivedAt: number;
  user: string;
  disk: string | null;
  bus: string | null;
  mediaKind: string | null;
  volumeName: string | null;
  sizeBytes: number | null;
  category: string;
  decision: 'deny' | 'read-only' | 'audit';
  rule: string;
}

/** A Chocolatey package version in Latch's catalogue. */
export interface ChocolateyPackage {
  id: string;
  packageId: string;
  version: string;
  title: string | null;
  createdBy: string;
  createdAt: number;
  cacheState: 'not_cached' | 'metadata_only' | 'cached';
  packageSize: number | null;
}

export interface ChocolateySearchItem {
  packageId: string;
  version: string;
  title: string | null;
  summary: string | null;
  authors: string | null;
  isPrerelease: boolean;
  iconUrl: string | null;
}

export interface ChocolateyUpstream {
  url: string;
  username: string | null;
  hasPassword: boolean;
  status: 'ok' | 'backing_off' | 'failing';
  pausedUntil: number | null;
  lastError: string | null;
  lastErrorAt: number | null;
  lastSuccessAt: number | null;
  requests: { metadata: number; download: number };
  throttled: number;
}

export interface ChocoDeviceInstall {
  deviceId: string;
  packageRef: string;
  state: 'pending' | 'installing' | 'installed' | 'failed' | 'not_applicable';
  exitCode: number | null;
  detail: string | null;
  rebootRequired: boolean;
  updatedAt: number;
}
