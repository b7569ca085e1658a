// The idle agent's storage control, as a process of its own: the readers, the decision, the
// state and the Linux adapter loaded and wired, waiting for events. The parent measures its RSS.
import { localLinuxSystem } from '../src/agent/linux/linux-system.js';
import { LinuxStorageAdapter } from '../src/agent/linux/linux-storage-adapter.js';
import { DiskutilActivityAdapter } from '../src/agent/macos/diskutil-activity.js';
import { EsBridge } from '../src/agent/macos/es-bridge.js';
import { StorageControl } from '../src/agent/storage-control.js';

const control = new StorageControl(
  {
    bootId: 'bench',
    now: Date.now,
    newEventId: () => 'bench',
    onReport: () => undefined,
    onNotice: () => undefined,
  },
  // As the agent receives it from the server (the policy engine's StorageRestriction).
  {
    policyId: 'bench',
    policyVersion: 1,
    mode: 'block',
    helpUrl: 'https://help.example.com/usb',
    statusText: 'External disk mounting is disabled by your administrator',
    notificationText: 'External device not recognised.',
    exceptionUntil: null,
  },
);
const system = localLinuxSystem();
const adapters = [
  new LinuxStorageAdapter(control, system, () => 'root'),
  new DiskutilActivityAdapter(control, system.run, () => 'root'),
  new EsBridge(control, {
    write: () => undefined,
    describe: (device) => Promise.reject(new Error(`no description source for ${device}`)),
    now: Date.now,
  }),
];
process.send?.({ ready: adapters.length });
setInterval(() => undefined, 60_000);
