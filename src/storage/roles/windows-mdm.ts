/**
 * What the Windows MDM channel keeps per enrolled device: the enrolment certificate that
 * identifies it, the OMA-DM session in progress, and the last inventory it reported.
 */

/** Which of this server's commands (by CmdID) a device has not answered yet in its session. */
export type OutstandingCommands = Record<string, OutstandingCommand>;

export interface OutstandingCommand {
  /** The queued command's id, or `inventory` for the session's own inventory Gets. */
  commandId: string;
  /** The CmdID of the Atomic this command sits in, when it does. */
  parent?: string;
  /** Inside an Atomic: the verb, reported back with the inner command's status. */
  verb?: 'Add' | 'Replace' | 'Delete' | 'Get' | 'Exec';
}

export interface WindowsSession {
  sessionId: string | null;
  /** The last client MsgID handled in this session. */
  msgId: number;
  /** The next CmdID this server gives out in the session. */
  nextCmdId: number;
  outstanding: OutstandingCommands;
}

export interface WindowsEnrollment {
  deviceId: string;
  /** The device's own id (DeviceID at enrolment; SyncHdr Source in every message). */
  hardwareDeviceId: string;
  certFingerprint: string;
  enrolledAt: number;
  /** The inventory last written to the device record (JSON), to skip unchanged writes. */
  inventory: string | null;
  session: WindowsSession;
}

export interface StoredCertificateAuthority {
  name: string;
  certificatePem: string;
  /** The private key sealed with the server's SecretBox. */
  privateKeySealed: string;
  createdAt: number;
}

export interface WindowsMdmStore {
  /**
   * Records a device's enrolment, replacing any earlier one of the same device (its old
   * certificate no longer identifies it) and starting with no session.
   */
  recordWindowsEnrollment(input: {
    deviceId: string;
    hardwareDeviceId: string;
    certFingerprint: string;
    now: number;
  }): Promise<WindowsEnrollment>;
  /**
   * The enrolment whose certificate has this SHA-256 fingerprint; undefined when none. Inside
   * a transaction the enrolment stays locked until it ends, so that two messages of a device
   * (a resent one beside the original, on two servers) are handled one after the other.
   */
  findWindowsEnrollment(certFingerprint: string): Promise<WindowsEnrollment | undefined>;
  getWindowsEnrollment(deviceId: string): Promise<WindowsEnrollment | undefined>;
  /** Saves the session state (and the inventory when given) after a message was handled. */
  saveWindowsSession(
    deviceId: string,
    session: WindowsSession,
    now: number,
    inventory?: string,
  ): Promise<void>;
  /** The removable-storage state kept for the device (JSON), or null when none was kept. */
  getWindowsStorageState(deviceId: string): Promise<string | null>;
  putWindowsStorageState(deviceId: string, state: string): Promise<void>;
  getCertificateAuthority(name: string): Promise<StoredCertificateAuthority | undefined>;
  /**
   * Stores a new authority unless one of that name exists, and returns the stored one: when two
   * servers create one at once, both end up using the first.
   */
  putCertificateAuthority(record: StoredCertificateAuthority): Promise<StoredCertificateAuthority>;
}
