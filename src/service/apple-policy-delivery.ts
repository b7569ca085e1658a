import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { buildCommandPlist } from '../apple/commands.js';
import { isPolicyProfileIdentifier } from '../apple/storage-profiles.js';
import type { AppleDeclarationSync, NewCommand, Storage } from '../storage/storage.js';
import type { AppleDeclarations } from './apple-declarations.js';
import type { ApplePusher } from './apple-push.js';
import { planForDevice } from './device-policies.js';
import type { PolicyChange } from './policy-events.js';

/** The origin of a command that delivers a profile: its policy, or the enrolment configuration. */
export const profileOrigin = (policyId: string | null) =>
  policyId ? `policy:${policyId}` : 'enrolment';

/**
 * Turns the policy engine's plan into Apple MDM commands: InstallProfile for each planned profile
 * the device does not hold in that revision (and is not already queued), RemoveProfile for each
 * policy profile it holds that the plan no longer names, and DeclarativeManagement when its set of
 * declarations is not the one it was last told of. Only enrolled Apple devices are served.
 */
export class ApplePolicyDelivery {
  readonly #storage: Storage;
  readonly #pusher: ApplePusher;
  readonly #logger: Logger;
  readonly #declarations: AppleDeclarations;

  constructor(
    storage: Storage,
    pusher: ApplePusher,
    logger: Logger,
    declarations: AppleDeclarations,
  ) {
    this.#storage = storage;
    this.#pusher = pusher;
    this.#logger = logger;
    this.#declarations = declarations;
  }

  /** The policy-events listener: re-plans every device the change touched. */
  readonly onPolicyChange = async (event: PolicyChange) => {
    await this.deliver(event.deviceIds);
  };

  /** Plans the devices, queues what each lacks, pushes them; returns how many were queued. */
  async deliver(deviceIds: string[]): Promise<number> {
    const now = Date.now();
    const commands: NewCommand[] = [];
    const syncs: AppleDeclarationSync[] = [];
    for (const deviceId of deviceIds) {
      const enrollment = await this.#storage.getAppleEnrollment(deviceId);
      if (!enrollment?.enrolled) continue;
      commands.push(...(await this.#commandsFor(deviceId, now, syncs)));
    }
    if (commands.length === 0) return 0;
    // The announced token is stored with its command, so a failed enqueue announces nothing.
    await this.#storage.transaction(async (s) => {
      await s.enqueueCommands(commands, now);
      for (const sync of syncs) await s.putAppleDeclarationSync(sync);
    });
    const touched = [...new Set(commands.map((c) => c.deviceId))];
    this.#logger.info({ devices: touched.length, commands: commands.length }, 'profiles queued');
    await this.#pusher.push(touched);
    return commands.length;
  }

  async #commandsFor(
    deviceId: string,
    now: number,
    syncs: AppleDeclarationSync[],
  ): Promise<NewCommand[]> {
    const planned = await planForDevice(this.#storage, deviceId, now);
    if (!planned) return [];
    const installed = new Map(
      (await this.#storage.listAppleProfiles(deviceId)).map((p) => [p.identifier, p]),
    );
    const queued = await this.#storage.listCommands({
      deviceId,
      channel: 'apple',
      limit: 5000,
    });
    const open = queued.filter((c) => c.status === 'pending' || c.status === 'sent');
    const out: NewCommand[] = [];
    const wanted = new Set<string>();
    for (const profile of planned.plan.profiles) {
      wanted.add(profile.identifier);
      const origin = profileOrigin(profile.policyId);
      const held = installed.get(profile.identifier);
      if (held?.payloadUuid === profile.uuid) continue;
      const pending = open.some(
        (c) => c.requestType === 'InstallProfile' && c.origin === `${origin}#${profile.uuid}`,
      );
      if (pending) continue;
      const id = randomUUID();
      out.push({
        id,
        channel: 'apple',
        deviceId,
        requestType: 'InstallProfile',
        payload: buildCommandPlist(id, {
          requestType: 'InstallProfile',
          payload: new Uint8Array(profile.bytes),
        }),
        origin: `${origin}#${profile.uuid}`,
      });
    }
    for (const held of installed.values()) {
      if (wanted.has(held.identifier) || !isPolicyProfileIdentifier(held.identifier)) continue;
      const origin = held.origin ?? 'policy';
      if (open.some((c) => c.requestType === 'RemoveProfile' && c.origin === origin)) continue;
      const id = randomUUID();
      out.push({
        id,
        channel: 'apple',
        deviceId,
        requestType: 'RemoveProfile',
        payload: buildCommandPlist(id, {
          requestType: 'RemoveProfile',
          identifier: held.identifier,
        }),
        origin,
      });
    }
    const sync = await this.#declarations.syncFor(deviceId, planned.plan.declarations, now);
    if (sync) {
      out.push(sync.command);
      syncs.push(sync.sync);
    }
    return out;
  }
}
