import type {
  ApiToken,
  Assignment,
  AssignmentSubjectKind,
  AssignmentTargetKind,
  AuditEntry,
  Device,
  DeviceObservation,
  EnrollmentToken,
  Group,
  NewAuditEntry,
  Page,
  Platform,
  User,
} from '../domain.js';
import type { AppleDeclarationStore } from './roles/apple-declarations.js';
import type { AppleMdmStore } from './roles/apple-mdm.js';
import type { ChocolateyStore } from './roles/chocolatey.js';
import type { PolicyStore } from './roles/policies.js';
import type { AgentChannelStore } from './roles/agent-channel.js';
import type { CommandQueueStore } from './roles/command-queue.js';
import type { WindowsMdmStore } from './roles/windows-mdm.js';
import type { MountEventStore } from './roles/mount-events.js';
import type { CatalogCacheStore, StoreAppStore } from './roles/store-apps.js';

export type * from './roles/command-queue.js';
export type * from './roles/apple-mdm.js';
export type * from './roles/apple-declarations.js';
export type * from './roles/policies.js';
export type * from './roles/windows-mdm.js';

/**
 * Small role interfaces, one per job; services ask for the narrowest they need and `Storage`
 * composes them. Every implementation passes the conformance suites in test/storage/.
 */

export interface DeviceFilter {
  platform?: Platform | undefined;
  /** Matches name, serial number, model or UDID, case-insensitively. */
  search?: string | undefined;
  groupId?: string | undefined;
  limit?: number | undefined;
  cursor?: string | undefined;
}

export interface DeviceStore {
  /**
   * Records what a channel saw of a device. The device is found by serial number, hardware UUID
   * or UDID (so a Mac's MDM enrolment and its agent are one device) and created when none match.
   */
  observeDevice(observation: DeviceObservation): Promise<Device>;
  /**
   * Records what a known device said of itself. A serial number, hardware UUID or UDID that
   * another device holds is not taken: one device's answer never merges it with another.
   * Undefined when there is no such device.
   */
  updateDevice(id: string, observation: DeviceObservation): Promise<Device | undefined>;
  getDevice(id: string): Promise<Device | undefined>;
  listDevices(filter?: DeviceFilter): Promise<Page<Device>>;
  /** Returns false when there was no such device. */
  deleteDevice(id: string): Promise<boolean>;
  touchDevice(id: string, at: number): Promise<void>;
  /** The ids among `ids` that name no device, in the order given. */
  missingDevices(ids: string[]): Promise<string[]>;
  /**
   * The ids among `ids` that the channel can reach, in the order given: enrolled in Apple MDM,
   * holding a live agent credential, or enrolled in Windows MDM.
   */
  devicesOnChannel(channel: 'apple' | 'agent' | 'windows', ids: string[]): Promise<string[]>;
}

export interface GroupStore {
  createGroup(input: { name: string; description?: string }): Promise<Group>;
  getGroup(id: string): Promise<Group | undefined>;
  listGroups(): Promise<Group[]>;
  updateGroup(
    id: string,
    patch: { name?: string; description?: string },
  ): Promise<Group | undefined>;
  /** Deletes the group with its memberships and the assignments made to it. */
  deleteGroup(id: string): Promise<boolean>;
  /** Adds all or none; members already there stay as they are. Returns how many joined. */
  addMembers(groupId: string, deviceIds: string[]): Promise<number>;
  removeMembers(groupId: string, deviceIds: string[]): Promise<number>;
  listMembers(groupId: string): Promise<string[]>;
  groupsOfDevice(deviceId: string): Promise<Group[]>;
}

export interface NewAssignment {
  targetKind: AssignmentTargetKind;
  targetId: string;
  subjectKind: AssignmentSubjectKind;
  subjectId: string;
  options?: Record<string, unknown>;
}

export interface AssignmentStore {
  /** Creates the assignment, or updates the options of the one that already links the two. */
  assign(input: NewAssignment): Promise<Assignment>;
  getAssignment(id: string): Promise<Assignment | undefined>;
  unassign(id: string): Promise<boolean>;
  listAssignments(filter?: {
    targetKind?: AssignmentTargetKind;
    targetId?: string;
  }): Promise<Assignment[]>;
  /** Assignments that reach a device, directly or through any of its groups. */
  assignmentsForDevice(deviceId: string): Promise<Assignment[]>;
  /** Devices an assignment reaches: the device itself, or every member of the group. */
  devicesForSubject(subjectKind: AssignmentSubjectKind, subjectId: string): Promise<string[]>;
}

export interface AuditStore {
  recordAudit(entry: NewAuditEntry): Promise<void>;
  /** Newest first. */
  listAudit(options?: { limit?: number; cursor?: string }): Promise<Page<AuditEntry>>;
}

export interface SettingsStore {
  getSettings(): Promise<Record<string, unknown>>;
  putSettings(values: Record<string, unknown>): Promise<void>;
}

export interface CredentialStore {
  createUser(input: { username: string; passwordHash: string }): Promise<User>;
  findUserByName(username: string): Promise<(User & { passwordHash: string }) | undefined>;
  /**
   * Replaces the password hash if it is still `currentHash`; false when another change came
   * first (two changes checked against the same old password: only one may win).
   */
  replacePassword(userId: string, currentHash: string, newHash: string): Promise<boolean>;
  countUsers(): Promise<number>;
  createApiToken(
    input: Omit<ApiToken, 'id' | 'createdAt' | 'lastUsedAt' | 'revokedAt'> & {
      tokenHash: string;
    },
  ): Promise<ApiToken>;
  /** A token that is neither revoked nor expired at `now`, with its user. */
  findLiveApiToken(
    tokenHash: string,
    now: number,
  ): Promise<(ApiToken & { user: User }) | undefined>;
  listApiTokens(userId: string): Promise<ApiToken[]>;
  revokeApiToken(id: string, userId: string, at: number): Promise<boolean>;
  /**
   * Ends the user's sign-in sessions (not their API tokens), all but the one whose hash is
   * `keepTokenHash`; answers how many ended.
   */
  revokeSessions(userId: string, at: number, keepTokenHash?: string): Promise<number>;
  createEnrollmentToken(
    input: Omit<EnrollmentToken, 'id' | 'uses' | 'revokedAt'> & {
      tokenHash: string;
    },
  ): Promise<EnrollmentToken>;
  listEnrollmentTokens(): Promise<EnrollmentToken[]>;
  revokeEnrollmentToken(id: string, at: number): Promise<EnrollmentToken | undefined>;
  /**
   * Uses one of the token's uses, atomically: two enrolments racing for the last use cannot both
   * win. Undefined when the token is unknown, revoked, expired or used up.
   */
  consumeEnrollmentToken(tokenHash: string, now: number): Promise<EnrollmentToken | undefined>;
}

export interface Storage
  extends
    DeviceStore,
    CommandQueueStore,
    GroupStore,
    AssignmentStore,
    AuditStore,
    SettingsStore,
    CredentialStore,
    AppleMdmStore,
    AppleDeclarationStore,
    PolicyStore,
    MountEventStore,
    CatalogCacheStore,
    StoreAppStore,
    AgentChannelStore,
    WindowsMdmStore,
    ChocolateyStore {
  readonly dialect: 'sqlite' | 'postgres';
  /**
   * Runs `work` in one database transaction: every write through the storage it is given commits
   * together or not at all.
   */
  transaction<T>(work: (storage: Storage) => Promise<T>): Promise<T>;
  /** Throws when the database cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
