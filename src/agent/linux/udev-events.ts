/** One udev or kernel uevent of a block device, with its properties. */
export interface UdevEvent {
  /** `add`, `change`, `remove`; undefined for `udevadm info` output, which describes a device. */
  action?: string;
  devpath?: string;
  properties: Record<string, string>;
}

const MONITOR_HEADER = /^(?:UDEV|KERNEL)\s*\[[\d.]+\]\s+(\w+)\s+(\S+)\s+\(\w+\)\s*$/;

/**
 * Splits `udevadm monitor --property` and `udevadm info` output into events. A block ends at a
 * blank line; `E: KEY=VALUE` (info) and `KEY=VALUE` (monitor) lines are both read.
 */
export class UdevEventSplitter {
  #current: UdevEvent | undefined;

  /** Feeds one line; answers the event a blank line completes. */
  push(line: string): UdevEvent | undefined {
    if (line.trim() === '') return this.flush();
    const header = MONITOR_HEADER.exec(line);
    if (header) {
      const done = this.flush();
      this.#current = { action: header[1], devpath: header[2], properties: {} };
      return done;
    }
    const property = /^(?:E: )?([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    const sysPath = /^P: (\S+)$/.exec(line);
    if (!property && !sysPath) return undefined;
    this.#current ??= { properties: {} };
    if (sysPath) this.#current.devpath = sysPath[1];
    if (property?.[1]) this.#current.properties[property[1]] = property[2] ?? '';
    return undefined;
  }

  /** Answers the event in progress, if any, and starts afresh. */
  flush(): UdevEvent | undefined {
    const done = this.#current;
    this.#current = undefined;
    if (!done) return undefined;
    done.action ??= done.properties['ACTION'];
    done.devpath ??= done.properties['DEVPATH'];
    return done;
  }
}

/** Every event in a recorded `udevadm` output. */
export function parseUdevOutput(text: string): UdevEvent[] {
  const splitter = new UdevEventSplitter();
  const events = text.split(/\r?\n/).map((line) => splitter.push(line));
  return [...events, splitter.flush()].filter((e): e is UdevEvent => e !== undefined);
}

/**
 * The USB interface a block device hangs from (`3-1.3:1.0` in
 * `/devices/…/usb3/3-1/3-1.3/3-1.3:1.0/host0/…/block/sda`): the mass-storage interface that is
 * deauthorised to refuse the storage while the device's other interfaces keep working.
 */
export function usbInterfaceOf(devpath: string | undefined): string | undefined {
  return /\/usb\d+\/(?:[^/]+\/)*?(\d+-[\d.]+:\d+\.\d+)\//.exec(devpath ?? '')?.[1];
}
