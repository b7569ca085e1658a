import type { SyncmlCommand, SyncmlItem } from '../syncml.js';

/**
 * A simulated Windows device's configuration service provider tree: the nodes it holds and how
 * it answers each OMA-DM command, with the status codes a real client uses. Get reads back what
 * Replace or Add set; Atomic applies all of its commands or none.
 */
export interface CspNode {
  format: string;
  value: string;
}

export interface CommandOutcome {
  status: number;
  results: SyncmlItem[];
  /** Atomic: each inner command's CmdID and status. */
  inner?: { cmdId: string; verb: string; status: number }[];
}

const MANAGED_ROOTS = ['./Device/Vendor/MSFT/', './User/Vendor/MSFT/', './Vendor/MSFT/'];
const STORE_INSTALL =
  /^\.\/(User|Device)\/Vendor\/MSFT\/EnterpriseModernAppManagement\/AppInstallation\/([^/]+)\/StoreInstall$/;
const REMOVE_PACKAGE =
  /^\.\/(User|Device)\/Vendor\/MSFT\/EnterpriseModernAppManagement\/AppManagement\/RemovePackage$/;

export class CspTree {
  readonly nodes = new Map<string, CspNode>();

  constructor(initial: Record<string, string> = {}) {
    for (const [uri, value] of Object.entries(initial))
      this.nodes.set(uri, { format: 'chr', value });
  }

  get(uri: string): string | undefined {
    return this.nodes.get(uri)?.value;
  }

  /** Carries out one command from the server. */
  apply(command: SyncmlCommand): CommandOutcome {
    if (command.verb === 'Atomic') return this.#atomic(command);
    let status = 200;
    const results: SyncmlItem[] = [];
    for (const item of command.items) {
      const uri = item.target ?? '';
      const itemStatus = this.#item(command.verb, uri, item, results);
      if (itemStatus !== 200) status = itemStatus;
    }
    return { status, results };
  }

  #item(verb: string, uri: string, item: SyncmlItem, results: SyncmlItem[]): number {
    const existing = this.nodes.get(uri);
    switch (verb) {
      case 'Get':
        if (!existing) return this.#interior(uri, results);
        results.push({ source: uri, format: existing.format, data: existing.value });
        return 200;
      case 'Add':
        if (existing) return 418;
        if (!this.#managed(uri)) return 404;
        this.nodes.set(uri, { format: item.format ?? 'chr', value: item.data ?? '' });
        return 200;
      case 'Replace':
        if (!existing && !this.#managed(uri)) return 404;
        this.nodes.set(uri, { format: item.format ?? 'chr', value: item.data ?? '' });
        return 200;
      case 'Delete':
        if (!existing) return 404;
        this.nodes.delete(uri);
        return 200;
      case 'Exec':
        return this.#exec(uri, item);
      default:
        return 406;
    }
  }

  /** A Get on an interior node lists its children, as Windows does (format `node`). */
  #interior(uri: string, results: SyncmlItem[]): number {
    const prefix = `${uri}/`;
    const children = new Set<string>();
    for (const key of this.nodes.keys()) {
      if (key.startsWith(prefix)) children.add(key.slice(prefix.length).split('/')[0] ?? '');
    }
    if (children.size === 0) return 404;
    results.push({ source: uri, format: 'node', data: [...children].join('/') });
    return 200;
  }

  #managed(uri: string): boolean {
    return MANAGED_ROOTS.some((root) => uri.startsWith(root));
  }

  #exec(uri: string, item: SyncmlItem): number {
    const install = STORE_INSTALL.exec(uri);
    if (install) {
      if (item.format !== 'xml' || !/<Application\b[^>]*\bid="[^"]+"/.test(item.data ?? '')) {
        return 400;
      }
      const base = uri.slice(0, -'/StoreInstall'.length);
      this.nodes.set(`${base}/Status`, { format: 'int', value: '3' });
      this.nodes.set(`${base}/LastError`, { format: 'int', value: '0' });
      return 200;
    }
    if (REMOVE_PACKAGE.test(uri)) return item.format === 'xml' ? 200 : 400;
    return 405;
  }

  #atomic(command: SyncmlCommand): CommandOutcome {
    const snapshot = new Map(this.nodes);
    const inner: { cmdId: string; verb: string; status: number }[] = [];
    const results: SyncmlItem[] = [];
    let failed = false;
    for (const child of command.commands ?? []) {
      const outcome = this.apply(child);
      inner.push({ cmdId: child.cmdId, verb: child.verb, status: outcome.status });
      results.push(...outcome.results);
      if (outcome.status >= 300) failed = true;
    }
    if (!failed) return { status: 200, results, inner };
    this.nodes.clear();
    for (const [key, value] of snapshot) this.nodes.set(key, value);
    return {
      status: 507,
      results: [],
      inner: inner.map((i) => ({ ...i, status: i.status < 300 ? 216 : i.status })),
    };
  }
}
