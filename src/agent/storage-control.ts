import { decideMount, decideRemount } from './decide-mount.js';
import type { MountDecision, MountRequest } from './decide-mount.js';
import type { EnforcementState, MountedVolume } from './enforcement-state.js';
import {
  bootState,
  restrictionArrived,
  restrictionRemoved,
  userLoggedOut,
  volumeUnmounted,
} from './enforcement-state.js';
import type { MountReport } from './mount-report.js';
import { isReportable, mountReport } from './mount-report.js';
import type { AgentStorageRestriction } from '../service/agent/agent-settings.js';
import type { UserNotice } from './user-notice.js';
import { noticeForDecision, trayStatusText } from './user-notice.js';

/** What the storage control needs from its surroundings; all I/O stays with the caller. */
export interface StorageControlOptions {
  bootId: string;
  now(): number;
  newEventId(): string;
  /** Receives each report of a refused, read-only or audited mount (to queue for upload). */
  onReport(report: MountReport): void;
  /** Receives each notification for the user. */
  onNotice(notice: UserNotice): void;
}

/**
 * The agent's storage control: holds the restriction and the enforcement state, decides every
 * mount with the pure decision, and hands reports and notices to the adapter's callbacks. The
 * platform adapters (Endpoint Security bridge, diskutil activity, udev) only feed it and carry
 * out its decisions.
 */
export class StorageControl {
  readonly #options: StorageControlOptions;
  #settings: AgentStorageRestriction | null;
  #state: EnforcementState;

  constructor(options: StorageControlOptions, settings: AgentStorageRestriction | null = null) {
    this.#options = options;
    this.#settings = settings;
    this.#state = bootState(options.bootId, settings !== null);
  }

  get settings(): AgentStorageRestriction | null {
    return this.#settings;
  }

  get state(): EnforcementState {
    return this.#state;
  }

  /** The tray's status text, or undefined when nothing is restricted. */
  get statusText(): string | undefined {
    return trayStatusText(this.#settings);
  }

  /**
   * Applies new settings from the server. On arrival, `mounted` (the volumes mounted right now)
   * stay until restart or logout; removal (null) lifts every refusal at once.
   */
  applySettings(settings: AgentStorageRestriction | null, mounted: readonly MountedVolume[]) {
    this.#settings = settings;
    this.#state = this.#settings
      ? restrictionArrived(this.#state, mounted)
      : restrictionRemoved(this.#state);
  }

  userLoggedOut(user: string) {
    this.#state = userLoggedOut(this.#state, user);
  }

  volumeUnmounted(key: string) {
    this.#state = volumeUnmounted(this.#state, key);
  }

  /** Decides a mount by `user`, reporting and notifying as the decision requires. */
  decideMount(request: MountRequest, user: string): MountDecision {
    const decision = decideMount(request, this.#settings, this.#state, this.#options.now());
    this.#announce(request, decision, user);
    return decision;
  }

  /** Decides a remount (`readWrite` when asked for read-write), reporting as required. */
  decideRemount(request: MountRequest & { readWrite: boolean }, user: string): MountDecision {
    const decision = decideRemount(request, this.#settings, this.#state, this.#options.now());
    this.#announce(request, decision, user);
    return decision;
  }

  #announce(request: MountRequest, decision: MountDecision, user: string) {
    if (!isReportable(decision)) return;
    const context = { eventId: this.#options.newEventId(), occurredAt: this.#options.now(), user };
    this.#options.onReport(mountReport(request.volume, decision, context));
    const notice = noticeForDecision(this.#settings, decision);
    if (notice) this.#options.onNotice(notice);
  }
}
