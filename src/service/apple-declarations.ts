import { randomUUID } from 'node:crypto';
import { buildCommandPlist } from '../apple/commands.js';
import {
  declarationItems,
  declarationsToken,
  findDeclaration,
  parseDeclarationEndpoint,
  tokensResponse,
} from '../apple/declaration-set.js';
import type { ServedDeclaration } from '../apple/declaration-set.js';
import { reportedDeclarations } from '../apple/declaration-status.js';
import { appleBadMessage, appleDeclarationNotFound } from '../errors.js';
import { MAX_JSON_DEPTH, deeperThan } from '../json-depth.js';
import type { AppleDeclarationSync, NewCommand, Storage } from '../storage/storage.js';
import { planForDevice } from './device-policies.js';

/** What a delivery round queues to make a device sync, and the token it then announced. */
export interface DeclarationSync {
  command: NewCommand;
  sync: AppleDeclarationSync;
}

/**
 * Declarative device management over the check-in endpoint
 * (https://developer.apple.com/documentation/devicemanagement/declarativemanagementrequest):
 * the device's set is whatever the policy engine plans for it now, so every server answers the
 * same and nothing but the announced token and the reported states is stored.
 */
export class AppleDeclarations {
  readonly #storage: Storage;

  constructor(storage: Storage) {
    this.#storage = storage;
  }

  /**
   * Answers one DeclarativeManagement check-in: `tokens`, `declaration-items`,
   * `declaration/<kind>/<identifier>` (JSON text) or `status` (stored; empty answer).
   */
  async answer(
    deviceId: string,
    endpoint: string | undefined,
    data: unknown,
    now: number,
  ): Promise<string> {
    if (endpoint === 'status') {
      await this.#recordStatus(deviceId, data, now);
      return '';
    }
    if (endpoint === undefined) throw appleBadMessage('DeclarativeManagement needs an Endpoint');
    const declarations = await this.#planned(deviceId, now);
    if (endpoint === 'tokens') {
      const token = declarationsToken(declarations);
      const sync = await this.#storage.getAppleDeclarationSync(deviceId);
      const timestamp = sync?.declarationsToken === token ? sync.announcedAt : now;
      return JSON.stringify(tokensResponse(token, timestamp));
    }
    if (endpoint === 'declaration-items') return JSON.stringify(declarationItems(declarations));
    const wanted = parseDeclarationEndpoint(endpoint);
    if (!wanted) throw appleBadMessage(`unknown declarative management endpoint ${endpoint}`);
    const found = findDeclaration(declarations, wanted.kind, wanted.identifier);
    if (!found) throw appleDeclarationNotFound(wanted.kind, wanted.identifier);
    return found.bytes.toString('utf8');
  }

  /**
   * The DeclarativeManagement command (its Data a TokensResponse) that makes the device fetch
   * `declarations`, or undefined when that set is the one it was last told of. A device never
   * told of any set holds none, so an empty set needs no command.
   */
  async syncFor(
    deviceId: string,
    declarations: readonly ServedDeclaration[],
    now: number,
  ): Promise<DeclarationSync | undefined> {
    const token = declarationsToken(declarations);
    const announced = await this.#storage.getAppleDeclarationSync(deviceId);
    const known = announced?.declarationsToken ?? declarationsToken([]);
    if (known === token) return undefined;
    const id = randomUUID();
    const data = Buffer.from(JSON.stringify(tokensResponse(token, now)), 'utf8');
    return {
      command: {
        id,
        channel: 'apple',
        deviceId,
        requestType: 'DeclarativeManagement',
        payload: buildCommandPlist(id, {
          requestType: 'DeclarativeManagement',
          data: new Uint8Array(data),
        }),
        origin: `declarations#${token}`,
      },
      sync: { deviceId, declarationsToken: token, announcedAt: now },
    };
  }

  async #planned(deviceId: string, now: number): Promise<ServedDeclaration[]> {
    const planned = await planForDevice(this.#storage, deviceId, now);
    return planned?.plan.declarations ?? [];
  }

  async #recordStatus(deviceId: string, data: unknown, now: number) {
    const text = data instanceof Uint8Array ? Buffer.from(data).toString('utf8') : '{}';
    let report: unknown;
    try {
      report = JSON.parse(text);
    } catch {
      throw appleBadMessage('the declarative status report is not JSON');
    }
    // Kept as text and walked per declaration: too deep a report would overflow the stack.
    if (deeperThan(report)) {
      throw appleBadMessage(`the declarative status report nests deeper than ${MAX_JSON_DEPTH} levels`);
    }
    const declarations = reportedDeclarations(report);
    await this.#storage.transaction(async (s) => {
      await s.updateAppleInventory(deviceId, { declarativeStatus: text }, now);
      // The item lists every declaration the device holds, so it replaces what was known.
      if (declarations) await s.replaceAppleDeclarationStates(deviceId, declarations, now);
    });
  }
}
