import { buildPlist } from './mdm-plist.js';
import type { PlistDict } from './mdm-plist.js';

/**
 * The MDM commands Latch sends, as Apple's schema names them
 * (apple-device-management/mdm/commands/*.yaml); each builds the command plist the device gets.
 */
export const APPLE_REQUEST_TYPES = [
  'InstallProfile',
  'RemoveProfile',
  'ProfileList',
  'DeviceInformation',
  'InstalledApplicationList',
  'SecurityInfo',
  'DeclarativeManagement',
  'RestartDevice',
] as const;
export type AppleRequestType = (typeof APPLE_REQUEST_TYPES)[number];

/** The DeviceInformation queries Latch asks for: what its inventory shows. */
export const DEVICE_INFORMATION_QUERIES = [
  'UDID',
  'DeviceName',
  'OSVersion',
  'BuildVersion',
  'Model',
  'ModelName',
  'ProductName',
  'SerialNumber',
  'IsSupervised',
  'IsUserEnrollment',
  'IsDeviceLocatorServiceEnabled',
];

export type AppleCommandInput =
  | { requestType: 'InstallProfile'; payload: Uint8Array }
  | { requestType: 'RemoveProfile'; identifier: string }
  | { requestType: 'DeclarativeManagement'; data?: Uint8Array }
  | {
      requestType: Exclude<
        AppleRequestType,
        'InstallProfile' | 'RemoveProfile' | 'DeclarativeManagement'
      >;
    };

/** Builds `{ Command: { RequestType, … }, CommandUUID }` for the command endpoint's answer. */
export function buildCommandPlist(commandUuid: string, input: AppleCommandInput): string {
  const command: PlistDict = { RequestType: input.requestType };
  switch (input.requestType) {
    case 'InstallProfile':
      command.Payload = input.payload;
      break;
    case 'RemoveProfile':
      command.Identifier = input.identifier;
      break;
    case 'DeviceInformation':
      command.Queries = DEVICE_INFORMATION_QUERIES;
      break;
    case 'DeclarativeManagement':
      if (input.data) command.Data = input.data;
      break;
    default:
      break;
  }
  return buildPlist({ Command: command, CommandUUID: commandUuid });
}
