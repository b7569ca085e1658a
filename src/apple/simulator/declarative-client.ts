import { DECLARATION_KINDS } from '../declaration-set.js';
import type { DeclarationKind } from '../declaration-set.js';

/**
 * The device side of declarative management, as a macOS 15 Mac does it after a
 * DeclarativeManagement command: fetch the tokens, and when the DeclarationsToken is new, the
 * manifest, then each declaration whose ServerToken it does not hold; drop the ones the manifest
 * no longer lists; report every declaration's state (declarative/status/
 * management.declarations.yaml) in a full status report.
 */

/** Sends one DeclarativeManagement check-in and returns the answer's body. */
export type DeclarativeCheckin = (endpoint: string, data?: Uint8Array) => Promise<string>;

interface HeldDeclaration {
  kind: DeclarationKind;
  identifier: string;
  serverToken: string;
  type: string;
  payload: Record<string, unknown>;
}

interface StatusEntry {
  identifier: string;
  'server-token': string;
  active: boolean;
  valid: 'valid' | 'invalid';
  reasons?: { code: string; description: string }[];
}

const MANIFEST_KEYS: Record<DeclarationKind, string> = {
  activation: 'Activations',
  configuration: 'Configurations',
  asset: 'Assets',
  management: 'Management',
};

const STATUS_KEYS: Record<DeclarationKind, string> = {
  activation: 'activations',
  configuration: 'configurations',
  asset: 'assets',
  management: 'management',
};

/** The payload keys a macOS 15 Mac accepts in the disk management configuration. */
const EXTERNAL_STORAGE = new Set(['Allowed', 'ReadOnly', 'Disallowed']);

export class DeclarativeClient {
  readonly #held = new Map<string, HeldDeclaration>();
  #token: string | undefined;

  /** How many held declarations are active. */
  get activeCount(): number {
    return this.#status().reduce((sum, s) => sum + (s.active ? 1 : 0), 0);
  }

  /** One synchronisation; returns whether anything was fetched or dropped. */
  async sync(checkin: DeclarativeCheckin): Promise<boolean> {
    const tokens = JSON.parse(await checkin('tokens')) as {
      SyncTokens: { DeclarationsToken: string };
    };
    const token = tokens.SyncTokens.DeclarationsToken;
    if (token === this.#token) return false;
    const items = JSON.parse(await checkin('declaration-items')) as {
      Declarations: Record<string, { Identifier: string; ServerToken: string }[]>;
    };
    const listed = new Set<string>();
    for (const kind of DECLARATION_KINDS) {
      for (const item of items.Declarations[MANIFEST_KEYS[kind]] ?? []) {
        listed.add(item.Identifier);
        if (this.#held.get(item.Identifier)?.serverToken === item.ServerToken) continue;
        const body = JSON.parse(await checkin(`declaration/${kind}/${item.Identifier}`)) as {
          Type: string;
          Identifier: string;
          ServerToken: string;
          Payload: Record<string, unknown>;
        };
        this.#held.set(item.Identifier, {
          kind,
          identifier: body.Identifier,
          serverToken: body.ServerToken,
          type: body.Type,
          payload: body.Payload,
        });
      }
    }
    for (const identifier of [...this.#held.keys()]) {
      if (!listed.has(identifier)) this.#held.delete(identifier);
    }
    this.#token = token;
    await checkin('status', Buffer.from(JSON.stringify(this.#report())));
    return true;
  }

  #report() {
    const declarations: Record<string, StatusEntry[]> = {
      activations: [],
      configurations: [],
      assets: [],
      management: [],
    };
    for (const entry of this.#status()) {
      declarations[STATUS_KEYS[this.#held.get(entry.identifier)!.kind]]!.push(entry);
    }
    return { StatusItems: { management: { declarations } }, Errors: [], FullReport: true };
  }

  /** Activations are active when valid; configurations when a valid activation names them. */
  #status(): StatusEntry[] {
    const activated = new Set<string>();
    const out: StatusEntry[] = [];
    for (const held of this.#held.values()) {
      if (held.kind !== 'activation') continue;
      const names = held.payload.StandardConfigurations;
      const valid =
        held.type === 'com.apple.activation.simple' &&
        Array.isArray(names) &&
        names.every((n) => this.#held.get(String(n))?.kind === 'configuration');
      if (valid) for (const n of names) activated.add(String(n));
      out.push(entry(held, valid, valid));
    }
    for (const held of this.#held.values()) {
      if (held.kind === 'activation') continue;
      const valid = held.kind === 'configuration' && validConfiguration(held);
      out.push(entry(held, valid, valid && activated.has(held.identifier)));
    }
    return out;
  }
}

function validConfiguration(held: HeldDeclaration): boolean {
  if (held.type !== 'com.apple.configuration.diskmanagement.settings') return false;
  const restrictions = held.payload.Restrictions as Record<string, unknown> | undefined;
  const external = restrictions?.ExternalStorage;
  return external === undefined || EXTERNAL_STORAGE.has(String(external));
}

function entry(held: HeldDeclaration, valid: boolean, active: boolean): StatusEntry {
  return {
    identifier: held.identifier,
    'server-token': held.serverToken,
    active,
    valid: valid ? 'valid' : 'invalid',
    ...(valid
      ? {}
      : {
          reasons: [
            {
              code: 'Error.ConfigurationCannotBeApplied',
              description: `the simulator does not apply ${held.type}`,
            },
          ],
        }),
  };
}
