import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { unauthenticated } from '../../errors.js';
import type {
  AgentSession,
  AgentEvent,
  AgentEventFilter,
  NewAgentEvent,
} from '../../storage/roles/agent-channel.js';
import type { Storage } from '../../storage/storage.js';
import type { Page } from '../../domain.js';
import { readSettings } from '../organisation-settings.js';
import type { OrganisationSettings } from '../organisation-settings.js';
import type { CommandQueue } from '../command-queue.js';
import type { SecretBox } from '../secret-box.js';
import { hashToken } from '../tokens.js';
import { AgentCertificateAuthority } from './agent-ca.js';
import type { AgentCheckinAnswer, AgentCheckinReport } from './agent-checkin.js';
import { recordReportedState } from './agent-checkin.js';
import type { AgentEnrollment, AgentEnrollmentRequest } from './agent-enrollment.js';
import { enrollAgent } from './agent-enrollment.js';
import type { AgentSettings, AssignedPolicy } from './agent-settings.js';
import { canonicalJson, computeAgentSettings, settingsEtag } from './agent-settings.js';
import { AgentTasks } from './agent-tasks.js';
import { LastSeenRecorder } from './last-seen-recorder.js';

/**
 * Where the agent settings get the policies assigned to a device. The policy engine provides
 * the real one; without it a device has no policies and gets the organisation defaults.
 */
export type AgentPolicySource = (storage: Storage, deviceId: string) => Promise<AssignedPolicy[]>;

/** How stale the organisation settings and the policy-assignment generation may be read. */
const SHARED_STATE_TTL_MS = 1000;
/** Settings ETags remembered per device; past this many, the memory starts over. */
const MAX_CACHED_ETAGS = 200_000;

export const NO_POLICIES: AgentPolicySource = async () => [];

export interface AgentChannelOptions {
  storage: Storage;
  secrets: SecretBox;
  logger: Logger;
  /** The shared command queue; agent tasks are its `agent` channel. */
  commands: CommandQueue;
  policies?: AgentPolicySource;
  /** How often an idle agent checks in. */
  checkinIntervalSeconds?: number;
}

/** The organisation settings with a key that is equal exactly when the settings are. */
interface KeyedOrganisationSettings {
  settings: OrganisationSettings;
  key: string;
}

/** The device an agent request proved to be, with what the database said of it then. */
export interface AgentIdentity {
  deviceId: string;
  credentialId: string;
  via: 'secret' | 'certificate';
  /** The hash of the state its agent last reported, or null before the first report. */
  stateHash: string | null;
  /** Its tasks that could be handed out, up to TASKS_PER_CLAIM. */
  dueTasks: number;
}

/**
 * The agent channel as the rest of Latch uses it. HTTP routes call `enroll`, `authenticate…`,
 * `checkIn`, `settingsFor` and `recordEvents`. Features that work through the agent (software
 * installs, storage control) queue work and read its results with `tasks` (see AgentTasks),
 * read events with `listEvents` and follow new ones with `onEvent`:
 *
 * ```ts
 * const [task] = await context.agentChannel.tasks.enqueue([deviceId], {
 *   kind: 'exec',
 *   arguments: { command: 'choco', args: ['upgrade', 'git', '-y'], successExitCodes: [0, 3010] },
 *   origin: 'package:git',
 * });
 * context.agentChannel.tasks.onResult((done) => { if (done.origin === 'package:git') … });
 * context.agentChannel.onEvent((event) => …, { kind: 'storage.mount-refused' });
 * ```
 *
 * `onEvent` listeners hear the events stored by this server only; with several servers, read
 * `listEvents` from a cursor to see all of them.
 */
export class AgentChannel {
  readonly #storage: Storage;
  readonly #secrets: SecretBox;
  readonly #logger: Logger;
  readonly #policies: AgentPolicySource;
  readonly #checkinIntervalSeconds: number;
  readonly #emitter = new EventEmitter();
  readonly #lastSeen: LastSeenRecorder;
  /** Tasks for agents: queue, list, cancel, follow results. */
  readonly tasks: AgentTasks;
  #authority: Promise<AgentCertificateAuthority> | undefined;
  #organisation: { value: Promise<KeyedOrganisationSettings>; at: number } | undefined;
  #generation: { value: Promise<number>; at: number } | undefined;
  /**
   * Each device's settings ETag with the state it was computed from (policy-assignment
   * generation and organisation settings), so an idle check-in need not read its policies.
   */
  readonly #etags = new Map<string, { basis: string; etag: string }>();

  constructor(options: AgentChannelOptions) {
    this.#storage = options.storage;
    this.#secrets = options.secrets;
    this.#logger = options.logger;
    this.#policies = options.policies ?? NO_POLICIES;
    this.#checkinIntervalSeconds = options.checkinIntervalSeconds ?? 60;
    this.#lastSeen = new LastSeenRecorder(options.storage, options.logger);
    this.#emitter.setMaxListeners(0);
    this.tasks = new AgentTasks(options.storage, options.commands, options.logger);
  }

  /** Latch's agent CA, created at first use. */
  authority(): Promise<AgentCertificateAuthority> {
    this.#authority ??= AgentCertificateAuthority.open(this.#storage, this.#secrets).catch(
      (error: unknown) => {
        this.#authority = undefined;
        throw error;
      },
    );
    return this.#authority;
  }

  /** See {@link enrollAgent}. */
  enroll(request: AgentEnrollmentRequest): Promise<AgentEnrollment> {
    return enrollAgent(this.#storage, () => this.authority(), request);
  }

  /** The device whose live device secret this is; throws `unauthenticated` otherwise. */
  async authenticateSecret(secret: string, now = Date.now()): Promise<AgentIdentity> {
    const session = await this.#storage.findAgentSession({ secretHash: hashToken(secret) }, now);
    return identity(session, 'secret');
  }

  /**
   * The device whose live client certificate has this fingerprint (SHA-256 of its DER); an
   * expired certificate or one Latch did not issue is refused with `unauthenticated`.
   */
  async authenticateCertificate(fingerprint: string, now = Date.now()): Promise<AgentIdentity> {
    const session = await this.#storage.findAgentSession(
      { certificateFingerprint: fingerprint },
      now,
    );
    const notAfter = session?.credential.certificateNotAfter;
    if (notAfter && notAfter < now) throw unauthenticated('the client certificate has expired');
    return identity(session, 'certificate');
  }

  /** The agent settings the device must hold now, with their ETag. */
  async settingsFor(deviceId: string): Promise<{ settings: AgentSettings; etag: string }> {
    // The basis is read before the policies, so a change in between makes the next basis differ.
    const basis = await this.#settingsBasis();
    const [organisation, policies] = await Promise.all([
      this.#organisationSettings(),
      this.#policies(this.#storage, deviceId),
    ]);
    const settings = computeAgentSettings({
      deviceId,
      organisation: organisation.settings,
      policies,
      checkinIntervalSeconds: this.#checkinIntervalSeconds,
    });
    const etag = settingsEtag(settings);
    if (this.#etags.size >= MAX_CACHED_ETAGS) this.#etags.clear();
    this.#etags.set(deviceId, { basis, etag });
    return { settings, etag };
  }

  /** The device's settings ETag: remembered while nothing it depends on changed. */
  async #settingsEtag(deviceId: string): Promise<string> {
    const basis = await this.#settingsBasis();
    const known = this.#etags.get(deviceId);
    if (known?.basis === basis) return known.etag;
    return (await this.settingsFor(deviceId)).etag;
  }

  /** What every device's settings are computed from besides its own policies. */
  async #settingsBasis(): Promise<string> {
    const [generation, organisation] = await Promise.all([
      this.#policyGeneration(),
      this.#organisationSettings(),
    ]);
    return `${generation}|${organisation.key}`;
  }

  /** The storage's policy-assignment generation, read at most once a second. */
  #policyGeneration(): Promise<number> {
    const now = Date.now();
    if (!this.#generation || now - this.#generation.at > SHARED_STATE_TTL_MS) {
      const value = this.#storage.policyAssignmentsGeneration();
      this.#generation = { value, at: now };
      value.catch(() => (this.#generation = undefined));
    }
    return this.#generation.value;
  }

  /**
   * A check-in: records when the device was seen and what it reported, and answers what changed
   * since the agent's last view: the settings' ETag and how many tasks are due. An idle check-in
   * (state unchanged) costs no database access beyond the request's authentication.
   */
  async checkIn(agent: AgentIdentity, report: AgentCheckinReport): Promise<AgentCheckinAnswer> {
    const now = Date.now();
    this.#lastSeen.seen(agent.deviceId, now);
    const [{ sendState }, etag] = await Promise.all([
      recordReportedState(this.#storage, agent, report, now),
      this.#settingsEtag(agent.deviceId),
    ]);
    return {
      settings: { etag, changed: etag !== report.settingsEtag },
      tasks: { pending: agent.dueTasks },
      sendState,
      checkinIntervalSeconds: this.#checkinIntervalSeconds,
    };
  }

  /**
   * Stores a batch of the device's events; events whose id the device already sent are skipped,
   * so a retried batch is stored once. Answers how many were new.
   */
  async recordEvents(deviceId: string, events: NewAgentEvent[]): Promise<{ stored: number }> {
    const unique = [...new Map(events.map((e) => [e.eventId, e])).values()];
    const stored = await this.#storage.recordAgentEvents(deviceId, unique, Date.now());
    if (!stored) throw unauthenticated('the device no longer exists');
    for (const event of stored) this.#emitter.emit('event', event);
    return { stored: stored.length };
  }

  /** Stored events, oldest first, by device and kind. */
  listEvents(filter: AgentEventFilter = {}): Promise<Page<AgentEvent>> {
    return this.#storage.listAgentEvents(filter);
  }

  /**
   * Calls `listener` for each new event this server stores (of `kind`, when given), after it is
   * committed. Answers a function that unsubscribes. A throwing listener is logged and ignored.
   */
  onEvent(listener: (event: AgentEvent) => void, filter: { kind?: string } = {}): () => void {
    const wrapped = (event: AgentEvent) => {
      if (filter.kind && event.kind !== filter.kind) return;
      try {
        listener(event);
      } catch (error) {
        this.#logger.error({ err: error, kind: event.kind }, 'agent event listener failed');
      }
    };
    this.#emitter.on('event', wrapped);
    return () => this.#emitter.off('event', wrapped);
  }

  /**
   * The organisation settings, read at most once a second: every check-in needs them, and a
   * change reaching agents a second later changes nothing for anyone.
   */
  #organisationSettings(): Promise<KeyedOrganisationSettings> {
    const now = Date.now();
    if (!this.#organisation || now - this.#organisation.at > SHARED_STATE_TTL_MS) {
      const value = readSettings(this.#storage).then((settings) => ({
        settings,
        key: canonicalJson(settings),
      }));
      this.#organisation = { value, at: now };
      value.catch(() => (this.#organisation = undefined));
    }
    return this.#organisation.value;
  }

  /** Writes pending last-seen times; the server calls it when closing. */
  async close() {
    await this.#lastSeen.close();
  }
}

function identity(session: AgentSession | undefined, via: AgentIdentity['via']): AgentIdentity {
  if (!session) throw unauthenticated('the device credential is unknown or revoked');
  return {
    deviceId: session.credential.deviceId,
    credentialId: session.credential.id,
    via,
    stateHash: session.stateHash,
    dueTasks: session.dueTasks,
  };
}
