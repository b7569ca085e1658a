/** What Latch keeps of each Apple MDM enrolment, beside the device row and the command queue. */
export interface AppleEnrollment {
  deviceId: string;
  udid: string;
  /** PEM of the identity certificate the device authenticated with. */
  identityCertificate: string;
  topic: string | null;
  pushToken: string | null;
  pushMagic: string | null;
  /** When APNs answered 410 Unregistered for the token; null while it is usable. */
  pushInvalidAt: number | null;
  /** Sealed with the server's SecretBox. */
  unlockToken: string | null;
  /** Sealed with the server's SecretBox. */
  bootstrapToken: string | null;
  awaitingConfiguration: boolean;
  enrolled: boolean;
  /** JSON of the last declarative status report. */
  declarativeStatus: string | null;
  /** JSON of the last InstalledApplicationList. */
  installedApplications: string | null;
  /** JSON of the last SecurityInfo. */
  securityInfo: string | null;
  authenticatedAt: number;
  tokenUpdatedAt: number | null;
  checkedOutAt: number | null;
  updatedAt: number;
}

export interface AppleInstalledProfile {
  deviceId: string;
  identifier: string;
  displayName: string | null;
  payloadUuid: string | null;
  /** The command origin that installed it (e.g. `policy:ID`), when Latch did. */
  origin: string | null;
  installedAt: number;
}

export interface AppleTokenUpdate {
  topic: string;
  pushToken: string;
  pushMagic: string;
  unlockToken?: string | null | undefined;
  awaitingConfiguration: boolean;
}

export interface AppleUserChannel {
  deviceId: string;
  userId: string;
  userShortName: string | null;
  userLongName: string | null;
  pushToken: string | null;
  pushMagic: string | null;
}

export interface ServerSecret {
  name: string;
  /** PEM. */
  certificate: string;
  /** Sealed PEM. */
  privateKey: string;
  createdAt: number;
}

/** The identity an enrolment authenticated with, and whether it is still enrolled. */
export type AppleIdentityRecord = Pick<
  AppleEnrollment,
  'deviceId' | 'identityCertificate' | 'enrolled'
>;

export interface AppleMdmStore {
  /**
   * Binds an identity certificate (by SHA-256 fingerprint) to the UDID that authenticates with
   * it, unless it is bound already; answers the UDID it is bound to.
   */
  bindAppleIdentity(fingerprint: string, udid: string, now: number): Promise<string>;
  /**
   * Authenticate: creates the enrolment or starts it afresh (tokens forgotten, identity replaced,
   * enrolled again). The command queue is cleared by the caller in the same transaction.
   */
  authenticateAppleEnrollment(input: {
    deviceId: string;
    udid: string;
    identityCertificate: string;
    topic: string | null;
    now: number;
  }): Promise<AppleEnrollment>;
  getAppleEnrollment(deviceId: string): Promise<AppleEnrollment | undefined>;
  findAppleEnrollmentByUdid(udid: string): Promise<AppleEnrollment | undefined>;
  /** Just what checking a message's signer needs: one small read for every message. */
  findAppleIdentity(udid: string): Promise<AppleIdentityRecord | undefined>;
  updateApplePushTokens(deviceId: string, update: AppleTokenUpdate, now: number): Promise<void>;
  upsertAppleUserChannel(channel: AppleUserChannel, now: number): Promise<void>;
  checkOutAppleEnrollment(deviceId: string, now: number): Promise<void>;
  setAppleBootstrapToken(deviceId: string, sealed: string | null, now: number): Promise<void>;
  updateAppleInventory(
    deviceId: string,
    fields: {
      declarativeStatus?: string;
      installedApplications?: string;
      securityInfo?: string;
    },
    now: number,
  ): Promise<void>;
  /** Replaces the device's profile list with what ProfileList reported. */
  replaceAppleProfiles(
    deviceId: string,
    profiles: Omit<AppleInstalledProfile, 'deviceId' | 'installedAt' | 'origin'>[],
    now: number,
  ): Promise<void>;
  recordAppleProfileInstalled(profile: AppleInstalledProfile): Promise<void>;
  recordAppleProfileRemoved(deviceId: string, identifier: string): Promise<void>;
  listAppleProfiles(deviceId: string): Promise<AppleInstalledProfile[]>;
  markApplePushInvalid(deviceId: string, now: number): Promise<void>;
  /** Enrolled devices among `deviceIds` with a usable push token. */
  applePushTargets(
    deviceIds: string[],
  ): Promise<{ deviceId: string; topic: string; pushToken: string; pushMagic: string }[]>;
  getServerSecret(name: string): Promise<ServerSecret | undefined>;
  /** Stores the secret unless one of that name exists; returns the one that is stored. */
  putServerSecretOnce(secret: ServerSecret): Promise<ServerSecret>;
}
