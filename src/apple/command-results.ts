import type { DeviceObservation, EnrollmentType } from '../domain.js';
import { isDict, parsePlistDict } from './mdm-plist.js';
import type { PlistDict, PlistValue } from './mdm-plist.js';
import { readProfileTarget } from './profile-content.js';

/**
 * Reads the inventory out of command results
 * (apple-device-management/mdm/commands/{device.information,profile.list,…}.yaml): pure, so it
 * is tested on the recorded answers in fixtures/apple-command-results.
 */

const str = (value: PlistValue | undefined) => (typeof value === 'string' ? value : undefined);

/** What a DeviceInformation answer says about the device, as a device observation. */
export function deviceInformationObservation(
  result: PlistDict,
): Omit<DeviceObservation, 'platform'> {
  const q = isDict(result.QueryResponses) ? result.QueryResponses : {};
  const userEnrollment = q.IsUserEnrollment === true;
  const enrollmentType: EnrollmentType | undefined = userEnrollment
    ? 'user'
    : q.IsUserEnrollment === false
      ? 'device'
      : undefined;
  return {
    name: str(q.DeviceName),
    model: str(q.ProductName) ?? str(q.Model),
    osVersion: str(q.OSVersion),
    osBuild: str(q.BuildVersion),
    serialNumber: str(q.SerialNumber),
    ...(typeof q.IsSupervised === 'boolean' ? { supervised: q.IsSupervised } : {}),
    ...(enrollmentType ? { enrollmentType } : {}),
  };
}

export interface ReportedProfile {
  identifier: string;
  displayName: string | null;
  payloadUuid: string | null;
}

/** The profiles a ProfileList answer lists. */
export function profileListEntries(result: PlistDict): ReportedProfile[] {
  const list = Array.isArray(result.ProfileList) ? result.ProfileList : [];
  return list.filter(isDict).flatMap((p) => {
    const identifier = str(p.PayloadIdentifier);
    if (!identifier) return [];
    return [
      {
        identifier,
        displayName: str(p.PayloadDisplayName) ?? null,
        payloadUuid: str(p.PayloadUUID) ?? null,
      },
    ];
  });
}

export interface InstalledApplication {
  identifier: string | null;
  name: string | null;
  version: string | null;
}

export function installedApplications(result: PlistDict): InstalledApplication[] {
  const list = Array.isArray(result.InstalledApplicationList)
    ? result.InstalledApplicationList
    : [];
  return list.filter(isDict).map((a) => ({
    identifier: str(a.Identifier) ?? null,
    name: str(a.Name) ?? null,
    version: str(a.ShortVersion) ?? str(a.Version) ?? null,
  }));
}

/**
 * The profile an InstallProfile command carries (signed or not); undefined when the command
 * holds no readable profile. Never throws: it runs on a device's acknowledgement, which must be
 * recorded whatever the command held.
 */
export function installProfileTarget(commandPlist: string): ReportedProfile | undefined {
  try {
    const command = parsePlistDict(commandPlist).Command;
    if (!isDict(command) || !(command.Payload instanceof Uint8Array)) return undefined;
    return readProfileTarget(command.Payload);
  } catch {
    return undefined;
  }
}

/** The Identifier a RemoveProfile command names. */
export function removeProfileTarget(commandPlist: string): string | undefined {
  const command = parsePlistDict(commandPlist).Command;
  return isDict(command) ? str(command.Identifier) : undefined;
}

/** Converts plist values to JSON-safe ones (data as base64, dates as ISO text) for storage. */
export function toJsonValue(value: PlistValue): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (isDict(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonValue(v)]));
  }
  return value;
}
