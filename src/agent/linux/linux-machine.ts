import { readFile } from 'node:fs/promises';
import { hostname, release } from 'node:os';

/** What a Linux machine tells about itself for enrolment and check-in. */
export interface MachineIdentity {
  serialNumber?: string;
  hardwareUuid?: string;
  name: string;
  model?: string;
  osVersion: string;
}

/**
 * Reads the machine's identity: DMI serial number, product UUID and model (readable by root),
 * falling back to the systemd machine id when the firmware gives no UUID; the OS version from
 * os-release, else the kernel release.
 */
export async function linuxMachineIdentity(): Promise<MachineIdentity> {
  const [serial, uuid, model, machineId, osRelease] = await Promise.all(
    [
      '/sys/class/dmi/id/product_serial',
      '/sys/class/dmi/id/product_uuid',
      '/sys/class/dmi/id/product_name',
      '/etc/machine-id',
      '/etc/os-release',
    ].map((path) =>
      readFile(path, 'utf8').then(
        (text) => text.trim(),
        () => undefined,
      ),
    ),
  );
  const version = /^VERSION_ID="?([^"\n]+)"?$/m.exec(osRelease ?? '')?.[1];
  return {
    serialNumber: serial || undefined,
    hardwareUuid: uuid?.toUpperCase() || machineId || undefined,
    name: hostname(),
    model: model || undefined,
    osVersion: version ?? release(),
  };
}
