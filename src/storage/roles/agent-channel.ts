import type { Page } from '../../domain.js';

/** Latch's own certificate authority for agent client certificates; the key is sealed. */
export interface AgentCaRecord {
  certificatePem: string;
  /** The PKCS#8 private key, sealed with the server's SecretBox. */
  sealedKey: string;
  createdAt: number;
}

/** A device's agent credential: a hashed device secret and, optionally, a client certificate. */
export interface AgentCredential {
  id: string;
  deviceId: string;
  /** SHA-256 (hex) of the certificate's DER encoding, when one was issued. */
  certificateFingerprint: string | null;
  certificateSerial: string | null;
  certificateNotAfter: number | null;
  issuedAt: number;
  revokedAt: number | null;
}

export interface AgentSession {
  credential: AgentCredential;
  stateHash: string | null;
  dueTasks: number;
}

export interface NewAgentCredential {
  deviceId: string;
  secretHash: string;
  certificateFingerprint: string | null;
  certificateSerial: string | null;
  certificateNotAfter: number | null;
  issuedAt: number;
}

/** What the agent last reported about its machine (inventory, extension state, volumes). */
export interface AgentState {
  deviceId: string;
  /** The agent's hash of `state`; an idle check-in sends only the hash. */
  stateHash: string;
  state: Record<string, unknown>;
  extensionState: string | null;
  reportedAt: number;
}

export interface AgentEvent {
  /** Server-side order of arrival; cursors page on it. */
  seq: number;
  deviceId: string;
  /** Chosen by the agent; a retried upload repeats it, so the event is stored once. */
  eventId: string;
  kind: string;
  occurredAt: number;
  receivedAt: number;
  payload: Record<string, unknown>;
}

export type NewAgentEvent = Omit<AgentEvent, 'seq' | 'deviceId' | 'receivedAt'>;

export interface AgentEventFilter {
  deviceId?: string | undefined;
  kind?: string | undefined;
  limit?: number | undefined;
  /** From a previous page's `nextCursor`; pages go oldest first. */
  cursor?: string | undefined;
  /**
   * Instead of a cursor: only events whose seq is above this. A follower passes the last seq
   * it read; events are committed in seq order, so none is ever skipped.
   */
  after?: number | undefined;
}

/** Storage of the agent channel: the agent CA, device credentials, reported state, events. */
export interface AgentChannelStore {
  getAgentCa(): Promise<AgentCaRecord | undefined>;
  /**
   * Stores the CA unless one exists, and answers the one stored: of two servers creating a CA at
   * once, both end up using the first one written.
   */
  putAgentCaOnce(ca: AgentCaRecord): Promise<AgentCaRecord>;
  /** Issues a credential and revokes every earlier live credential of the same device. */
  replaceAgentCredential(input: NewAgentCredential): Promise<AgentCredential>;
  /**
   * What an agent request needs to know, in one read: the live credential with this device
   * secret hash or certificate fingerprint, the hash of the state its agent last reported, and
   * how many of its agent tasks in the shared command queue could be handed out at `now`
   * (pending, or sent with the lease run out; counted up to 10). Undefined when no live
   * credential matches.
   */
  findAgentSession(
    by: { secretHash: string } | { certificateFingerprint: string },
    now: number,
  ): Promise<AgentSession | undefined>;
  /** Revokes the device's live credentials; answers how many were revoked. */
  revokeAgentCredentials(deviceId: string, at: number): Promise<number>;
  getAgentState(deviceId: string): Promise<AgentState | undefined>;
  putAgentState(state: AgentState): Promise<void>;
  /**
   * Stores the events whose (device, event id) is new and answers only those; events already
   * stored are skipped, so a retried batch changes nothing. Undefined when there is no such
   * device (deleted since its agent's request was authenticated).
   */
  recordAgentEvents(
    deviceId: string,
    events: NewAgentEvent[],
    receivedAt: number,
  ): Promise<AgentEvent[] | undefined>;
  listAgentEvents(filter?: AgentEventFilter): Promise<Page<AgentEvent>>;
  /** Sets the last-seen time of many devices at once (batched check-ins). */
  touchAgentDevices(deviceIds: string[], at: number): Promise<void>;
}
