import type { CspCommand } from './csp-command.js';

/**
 * The storage-restriction policy compiled for Windows (Policy CSP). `block` enables the ADMX
 * policy "All Removable Storage classes: Deny all access"; `read-only` sets "Removable Disks:
 * Deny write access"; `audit` enforces nothing (the agent reports). Only these two nodes are ever
 * written, so printer and imaging (WPD/scanner) device classes are never touched. Pure.
 * https://learn.microsoft.com/windows/client-management/mdm/policy-csp-admx-removablestorage
 * https://learn.microsoft.com/windows/client-management/mdm/policy-csp-storage
 */
export const DENY_ALL_URI =
  './Device/Vendor/MSFT/Policy/Config/ADMX_RemovableStorage/RemovableStorageClasses_DenyAll_Access_2';
export const DENY_WRITE_URI =
  './Device/Vendor/MSFT/Policy/Config/Storage/RemovableDiskDenyWriteAccess';
/** ADMX-backed policies take their state as an XML fragment in a chr value. */
export const ADMX_ENABLED = '<enabled/>';

export interface StorageSettings {
  denyAll: boolean;
  denyWrite: boolean;
}

export const NOTHING_DENIED: StorageSettings = Object.freeze({ denyAll: false, denyWrite: false });

/** What the device must hold for a mode; null (no policy) and a running exception deny nothing. */
export function settingsForMode(
  mode: 'block' | 'read-only' | 'audit' | null,
  excepted: boolean,
): StorageSettings {
  if (excepted || mode === null || mode === 'audit') return { ...NOTHING_DENIED };
  return { denyAll: mode === 'block', denyWrite: mode === 'read-only' };
}

/**
 * The commands that take a device from `held` (what it was last told or reported; null when
 * unknown) to `wanted`: Replace to set, Delete to lift (the Policy CSP's way back to the
 * default), nothing for a node already right. Then a Get per node, to read the real state back.
 */
export function storageCommands(
  wanted: StorageSettings,
  held: StorageSettings | null,
): CspCommand[] {
  const commands: CspCommand[] = [];
  if (wanted.denyAll && !held?.denyAll) {
    commands.push({
      verb: 'Replace',
      items: [{ target: DENY_ALL_URI, format: 'chr', data: ADMX_ENABLED }],
    });
  }
  if (wanted.denyWrite && !held?.denyWrite) {
    commands.push({
      verb: 'Replace',
      items: [{ target: DENY_WRITE_URI, format: 'int', data: '1' }],
    });
  }
  if (!wanted.denyAll && held?.denyAll !== false) {
    commands.push({ verb: 'Delete', items: [{ target: DENY_ALL_URI }] });
  }
  if (!wanted.denyWrite && held?.denyWrite !== false) {
    commands.push({ verb: 'Delete', items: [{ target: DENY_WRITE_URI }] });
  }
  commands.push({ verb: 'Get', items: [{ target: DENY_ALL_URI }] });
  commands.push({ verb: 'Get', items: [{ target: DENY_WRITE_URI }] });
  return commands;
}

/**
 * What a readback Get says about one node: 404 means not configured (nothing denied); a value
 * means denied when it is the ADMX `<enabled/>` (deny all) or 1 (deny write). Undefined when the
 * answer says neither (another error): the state stays unknown.
 */
export function readBack(
  uri: string,
  status: number,
  data: string | null | undefined,
): boolean | undefined {
  if (status === 404) return false;
  if (status !== 200) return undefined;
  const value = (data ?? '').trim();
  if (uri === DENY_ALL_URI) return /^<enabled\s*\/>/.test(value);
  if (uri === DENY_WRITE_URI) return value === '1';
  return undefined;
}
