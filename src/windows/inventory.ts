import type { CspItem } from './csp-command.js';
import type { SyncmlItem } from './syncml.js';

/**
 * Device inventory from the DevInfo and DevDetail CSPs: what the client reports with its first
 * message (Replace ./DevInfo/*) and what the server asks at the start of each session.
 */
export interface WindowsInventory {
  manufacturer?: string;
  /** DevInfo/Mod: the model. */
  model?: string;
  language?: string;
  /** DevDetail/SwV: the OS version, e.g. 10.0.22631.3447. */
  osVersion?: string;
  /** DevDetail/Ext/Microsoft/OSPlatform: the edition, e.g. Windows 11 Enterprise. */
  osEdition?: string;
  deviceName?: string;
  serialNumber?: string;
}

const NODES: Record<string, keyof WindowsInventory> = {
  './DevInfo/Man': 'manufacturer',
  './DevInfo/Mod': 'model',
  './DevInfo/Lang': 'language',
  './DevDetail/SwV': 'osVersion',
  './DevDetail/Ext/Microsoft/OSPlatform': 'osEdition',
  './DevDetail/Ext/Microsoft/DeviceName': 'deviceName',
  './DevDetail/Ext/Microsoft/SMBIOSSerialNumber': 'serialNumber',
};

/** The nodes the server reads at the start of each session, in one Get. */
export const INVENTORY_GET_ITEMS: CspItem[] = [
  { target: './DevDetail/SwV' },
  { target: './DevDetail/Ext/Microsoft/OSPlatform' },
  { target: './DevDetail/Ext/Microsoft/DeviceName' },
  { target: './DevDetail/Ext/Microsoft/SMBIOSSerialNumber' },
];

/** Adds what `items` (Replace or Results items, named by Source) say to `inventory`. */
export function readInventory(items: SyncmlItem[], inventory: WindowsInventory): boolean {
  let changed = false;
  for (const item of items) {
    const key = item.source === undefined ? undefined : NODES[item.source];
    if (!key || item.data === undefined || inventory[key] === item.data) continue;
    inventory[key] = item.data;
    changed = true;
  }
  return changed;
}
