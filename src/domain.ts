/** The shapes every part of Latch shares: devices, groups, assignments, audit entries. */

export const PLATFORMS = ['macos', 'windows', 'ios', 'ipados', 'linux'] as const;
export type Platform = (typeof PLATFORMS)[number];

export const ENROLLMENT_TYPES = ['automated', 'device', 'user'] as const;
export type EnrollmentType = (typeof ENROLLMENT_TYPES)[number];

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
  enrollmentType: EnrollmentType | null;
  supervised: boolean;
  agentVersion: string | null;
  trayVersion: string | null;
  lastSeenAt: number | null;
  enrolledAt: number | null;
  createdAt: number;
  updatedAt: number;
}

/**
 * What a channel (MDM check-in, agent enrolment) knows of a device. Fields left undefined keep
 * their stored value; the identifiers decide which device it is.
 */
export interface DeviceObservation {
  platform: Platform;
  serialNumber?: string | null | undefined;
  udid?: string | null | undefined;
  hardwareUuid?: string | null | undefined;
  name?: string | null | undefined;
  model?: string | null | undefined;
  osVersion?: string | null | undefined;
  osBuild?: string | null | undefined;
  enrollmentType?: EnrollmentType | null | undefined;
  supervised?: boolean | undefined;
  agentVersion?: string | null | undefined;
  trayVersion?: string | null | undefined;
  enrolledAt?: number | undefined;
  lastSeenAt?: number | undefined;
}

export interface Group {
  id: string;
  name: string;
  description: string;
  memberCount: number;
  createdAt: number;
  updatedAt: number;
}

export const ASSIGNMENT_TARGETS = ['policy', 'app'] as const;
export type AssignmentTargetKind = (typeof ASSIGNMENT_TARGETS)[number];
export type AssignmentSubjectKind = 'device' | 'group';

export interface Assignment {
  id: string;
  targetKind: AssignmentTargetKind;
  targetId: string;
  subjectKind: AssignmentSubjectKind;
  subjectId: string;
  options: Record<string, unknown>;
  createdAt: number;
}

export interface AuditEntry {
  id: number;
  at: number;
  actor: string;
  action: string;
  entityType: string;
  entityId: string | null;
  before: unknown;
  after: unknown;
}

export type NewAuditEntry = Omit<AuditEntry, 'id' | 'at'> & { at?: number };

export interface User {
  id: string;
  username: string;
  createdAt: number;
}

export interface ApiToken {
  id: string;
  userId: string;
  kind: 'session' | 'api';
  name: string;
  createdAt: number;
  expiresAt: number | null;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

export interface EnrollmentToken {
  id: string;
  name: string;
  createdBy: string;
  createdAt: number;
  expiresAt: number;
  maxUses: number;
  uses: number;
  revokedAt: number | null;
}

export interface Page<T> {
  items: T[];
  /** Pass back as `cursor` to read the next page; null on the last page. */
  nextCursor: string | null;
}
