import { createHash, randomUUID } from 'node:crypto';
import type { X509Certificate } from 'node:crypto';
import {
  deviceInformationObservation,
  installProfileTarget,
  installedApplications,
  profileListEntries,
  removeProfileTarget,
  toJsonValue,
} from '../apple/command-results.js';
import { buildCommandPlist } from '../apple/commands.js';
import { PlistError, buildPlist, parsePlistDict } from '../apple/mdm-plist.js';
import type { PlistDict } from '../apple/mdm-plist.js';
import type { Platform } from '../domain.js';
import {
  appleBadMessage,
  appleIdentityBound,
  appleUnknownCommand,
  appleUnknownMessageType,
  appleUserAuthenticateDeclined,
} from '../errors.js';
import type { CommandAnswerStatus, QueuedCommand, Storage } from '../storage/storage.js';
import type { ClientCertificateIdentity } from './apple-client-identity.js';
import type { AppleDeclarations } from './apple-declarations.js';
import type { IdentityVerifier } from './apple-identity.js';
import { readSignatureHeader } from './apple-identity.js';
import type { CommandQueue } from './command-queue.js';
import type { SecretBox } from './secret-box.js';

/**
 * Apple's check-in and command endpoints
 * (https://developer.apple.com/documentation/devicemanagement/check-in,
 * https://developer.apple.com/documentation/devicemanagement/implementing-device-management):
 * every message's identity is verified, then its effect stored.
 */

/** A Map, not an object: a Status such as "constructor" must not find Object's properties. */
const ANSWERS = new Map<string, CommandAnswerStatus>([
  ['Acknowledged', 'acknowledged'],
  ['Error', 'error'],
  ['CommandFormatError', 'error'],
  ['NotNow', 'not_now'],
]);

const str = (dict: PlistDict, key: string) => {
  const value = dict[key];
  return typeof value === 'string' ? value : undefined;
};

function parseBody(body: Buffer): PlistDict {
  try {
    return parsePlistDict(body);
  } catch (error) {
    if (error instanceof PlistError) throw appleBadMessage(`malformed plist: ${error.message}`);
    throw error;
  }
}

/** The client certificate, when it is what identifies the device: it sent no signature. */
function certificateOnly(
  signatureHeader: string | string[] | undefined,
  clientCertificate: Buffer | undefined,
): Buffer | undefined {
  return signatureHeader === undefined || signatureHeader === '' ? clientCertificate : undefined;
}

function platformOf(dict: PlistDict): Platform {
  const product = `${str(dict, 'ProductName') ?? ''} ${str(dict, 'Model') ?? ''}`;
  if (/iPad/i.test(product)) return 'ipados';
  if (/iPhone|iPod/i.test(product)) return 'ios';
  return 'macos';
}

export interface AppleMdmServiceOptions {
  storage: Storage;
  commands: CommandQueue;
  secrets: SecretBox;
  identities: IdentityVerifier;
  /** Identifies devices that present a client certificate instead of signing. */
  certificates: ClientCertificateIdentity;
  declarations: AppleDeclarations;
  /** Called after a device's first TokenUpdate of an enrolment, when it can be pushed. */
  onFirstTokenUpdate?: (deviceId: string) => void;
  /** Called after a DeviceInformation answer is stored: the OS version may have changed. */
  onDeviceInformation?: (deviceId: string) => void;
}

export class AppleMdmService {
  readonly #storage: Storage;
  readonly #commands: CommandQueue;
  readonly #secrets: SecretBox;
  readonly #identities: IdentityVerifier;
  readonly #certificates: ClientCertificateIdentity;
  readonly #declarations: AppleDeclarations;
  readonly #onFirstTokenUpdate: ((deviceId: string) => void) | undefined;
  readonly #onDeviceInformation: ((deviceId: string) => void) | undefined;

  constructor(options: AppleMdmServiceOptions) {
    this.#storage = options.storage;
    this.#commands = options.commands;
    this.#secrets = options.secrets;
    this.#identities = options.identities;
    this.#certificates = options.certificates;
    this.#declarations = options.declarations;
    this.#onFirstTokenUpdate = options.onFirstTokenUpdate;
    this.#onDeviceInformation = options.onDeviceInformation;
  }

  /**
   * Handles one check-in message; returns the body to answer with (often empty). The device is
   * identified by its Mdm-Signature or, when it sent none, by `clientCertificate` (DER).
   */
  async checkin(
    body: Buffer,
    signatureHeader: string | string[] | undefined,
    clientCertificate?: Buffer,
  ): Promise<string> {
    const message = parseBody(body);
    const type = str(message, 'MessageType');
    const udid = str(message, 'UDID') ?? str(message, 'EnrollmentID');
    if (!type) throw appleBadMessage('the check-in has no MessageType');
    if (!udid) throw appleBadMessage('the check-in has no UDID');
    const byCertificate = certificateOnly(signatureHeader, clientCertificate);
    if (type === 'Authenticate') {
      const cert = byCertificate
        ? this.#certificates.verifyNewIdentity(byCertificate)
        : await this.#identities.verifyNewIdentity(readSignatureHeader(signatureHeader), body);
      await this.#authenticate(udid, message, cert);
      return '';
    }
    if (!KNOWN_CHECKINS.has(type)) throw appleUnknownMessageType(type);
    const identity = byCertificate
      ? await this.#certificates.verifyEnrolled(udid, byCertificate)
      : await this.#identities.verifyEnrolled(udid, readSignatureHeader(signatureHeader), body);
    const deviceId = identity.deviceId;
    const now = Date.now();
    switch (type) {
      case 'TokenUpdate':
        await this.#tokenUpdate(deviceId, message, now);
        return '';
      case 'CheckOut':
        await this.#storage.transaction(async (s) => {
          await s.checkOutAppleEnrollment(deviceId, now);
          // Nothing waits for a device that left: its commands end here, with the reason.
          await s.clearQueue('apple', deviceId, 'the device checked out', now);
        });
        this.#identities.forget(udid);
        return '';
      case 'UserAuthenticate':
        // Latch does not run user-channel logins; 410 is Apple's documented way to decline.
        throw appleUserAuthenticateDeclined();
      case 'DeclarativeManagement':
        return this.#declarations.answer(deviceId, str(message, 'Endpoint'), message.Data, now);
      case 'SetBootstrapToken': {
        const token = message.BootstrapToken;
        const sealed = token instanceof Uint8Array ? this.#secrets.seal(Buffer.from(token)) : null;
        await this.#storage.setAppleBootstrapToken(deviceId, sealed, now);
        return '';
      }
      default: {
        const enrollment = await this.#storage.getAppleEnrollment(deviceId);
        if (!enrollment?.bootstrapToken) return buildPlist({});
        return buildPlist({ BootstrapToken: this.#secrets.open(enrollment.bootstrapToken) });
      }
    }
  }

  /**
   * Handles one command-endpoint message: records the answer (if any) and leases the next
   * command in one transaction. Returns the next command's plist, or '' when there is none.
   */
  async connect(
    body: Buffer,
    signatureHeader: string | string[] | undefined,
    clientCertificate?: Buffer,
  ): Promise<string> {
    const message = parseBody(body);
    const udid = str(message, 'UDID') ?? str(message, 'EnrollmentID');
    const status = str(message, 'Status');
    if (!udid) throw appleBadMessage('the message has no UDID');
    if (!status) throw appleBadMessage('the message has no Status');
    const answer = ANSWERS.get(status);
    if (status !== 'Idle' && !answer) throw appleBadMessage(`unknown Status ${status}`);
    const commandUuid = str(message, 'CommandUUID');
    if (answer && !commandUuid) throw appleBadMessage(`a ${status} answer needs a CommandUUID`);
    const byCertificate = certificateOnly(signatureHeader, clientCertificate);
    const { deviceId } = byCertificate
      ? await this.#certificates.verifyEnrolled(udid, byCertificate)
      : await this.#identities.verifyEnrolled(udid, readSignatureHeader(signatureHeader), body);
    if (!answer || !commandUuid) {
      const next = await this.#commands.next('apple', deviceId);
      return next?.payload ?? '';
    }
    const now = Date.now();
    const errorChain = message.ErrorChain;
    let informed = false;
    const next = await this.#storage.transaction(async (s) => {
      const trip = await s.recordAnswerAndClaimNext(
        {
          channel: 'apple',
          deviceId,
          commandId: commandUuid,
          status: answer,
          result: answer === 'acknowledged' ? body.toString('utf8') : null,
          error:
            answer === 'error'
              ? JSON.stringify({ status, errorChain: errorChain ? toJsonValue(errorChain) : [] })
              : null,
          now,
        },
        this.#commands.claimOptions(),
      );
      // Throwing rolls back the claim: an answer to a command this device never had changes
      // nothing in its queue.
      if (trip.answer.outcome === 'unknown') throw appleUnknownCommand(commandUuid);
      if (trip.answer.outcome === 'recorded' && answer === 'acknowledged') {
        await this.#applyResult(s, deviceId, trip.answer.command, message, now);
        informed = trip.answer.command.requestType === 'DeviceInformation';
      }
      return trip.next;
    });
    if (informed) this.#onDeviceInformation?.(deviceId);
    return next?.payload ?? '';
  }

  async #authenticate(udid: string, message: PlistDict, cert: X509Certificate) {
    const now = Date.now();
    await this.#storage.transaction(async (s) => {
      // An identity serves the device that first authenticated with it, and no other: a device
      // holding its own Latch identity cannot re-enrol as another UDID and take its commands.
      const fingerprint = createHash('sha256').update(cert.raw).digest('hex');
      if ((await s.bindAppleIdentity(fingerprint, udid, now)) !== udid) {
        throw appleIdentityBound(udid);
      }
      const device = await s.observeDevice({
        platform: platformOf(message),
        udid,
        serialNumber: str(message, 'SerialNumber'),
        name: str(message, 'DeviceName'),
        model: str(message, 'ProductName') ?? str(message, 'Model'),
        osVersion: str(message, 'OSVersion'),
        osBuild: str(message, 'BuildVersion'),
        enrolledAt: now,
        lastSeenAt: now,
      });
      await s.authenticateAppleEnrollment({
        deviceId: device.id,
        udid,
        identityCertificate: cert.toString(),
        topic: str(message, 'Topic') ?? null,
        now,
      });
      // Nothing queued for a previous enrolment survives a new one.
      await s.clearQueue('apple', device.id, 'the device enrolled again', now);
      await s.resumeQueues('apple', [device.id]);
      // A new enrolment holds no declarations until it is told of its set again.
      await s.forgetAppleDeclarations(device.id);
    });
    this.#identities.forget(udid);
  }

  async #tokenUpdate(deviceId: string, message: PlistDict, now: number) {
    const token = message.Token;
    const topic = str(message, 'Topic');
    const pushMagic = str(message, 'PushMagic');
    if (!(token instanceof Uint8Array) || !topic || !pushMagic) {
      throw appleBadMessage('TokenUpdate needs Token, Topic and PushMagic');
    }
    const pushToken = Buffer.from(token).toString('hex');
    const userId = str(message, 'UserID');
    if (userId) {
      await this.#storage.upsertAppleUserChannel(
        {
          deviceId,
          userId,
          userShortName: str(message, 'UserShortName') ?? null,
          userLongName: str(message, 'UserLongName') ?? null,
          pushToken,
          pushMagic,
        },
        now,
      );
      return;
    }
    const unlock = message.UnlockToken;
    const first = await this.#storage.transaction(async (s) => {
      const before = await s.getAppleEnrollment(deviceId);
      await s.updateApplePushTokens(
        deviceId,
        {
          topic,
          pushToken,
          pushMagic,
          awaitingConfiguration: message.AwaitingConfiguration === true,
          ...(unlock instanceof Uint8Array
            ? { unlockToken: this.#secrets.seal(Buffer.from(unlock)) }
            : {}),
        },
        now,
      );
      // A check-in is one of the events after which delivery resumes after NotNow.
      await s.resumeQueues('apple', [deviceId]);
      const first = before?.tokenUpdatedAt === null;
      // A new enrolment is asked what it is (supervision decides the iPhone restriction,
      // enrolment type and OS version the plan) as soon as it can be pushed.
      if (first) await s.enqueueCommands([deviceInformationCommand(deviceId)], now);
      return first;
    });
    if (first) this.#onFirstTokenUpdate?.(deviceId);
  }

  async #applyResult(
    s: Storage,
    deviceId: string,
    command: QueuedCommand,
    result: PlistDict,
    now: number,
  ) {
    switch (command.requestType) {
      case 'InstallProfile': {
        const target = installProfileTarget(command.payload);
        if (target) {
          await s.recordAppleProfileInstalled({
            deviceId,
            ...target,
            origin: command.origin,
            installedAt: now,
          });
        }
        return;
      }
      case 'RemoveProfile': {
        const identifier = removeProfileTarget(command.payload);
        if (identifier) await s.recordAppleProfileRemoved(deviceId, identifier);
        return;
      }
      case 'DeviceInformation': {
        const device = await s.getDevice(deviceId);
        if (!device) return;
        // By id: the answer describes this device, whatever serial number it claims.
        await s.updateDevice(deviceId, {
          ...deviceInformationObservation(result),
          platform: device.platform,
          lastSeenAt: now,
        });
        return;
      }
      case 'ProfileList':
        await s.replaceAppleProfiles(deviceId, profileListEntries(result), now);
        return;
      case 'InstalledApplicationList':
        await s.updateAppleInventory(
          deviceId,
          { installedApplications: JSON.stringify(installedApplications(result)) },
          now,
        );
        return;
      case 'SecurityInfo': {
        const info = result.SecurityInfo;
        if (info) {
          await s.updateAppleInventory(
            deviceId,
            { securityInfo: JSON.stringify(toJsonValue(info)) },
            now,
          );
        }
        return;
      }
      default:
        return;
    }
  }
}

const KNOWN_CHECKINS = new Set([
  'TokenUpdate',
  'CheckOut',
  'UserAuthenticate',
  'DeclarativeManagement',
  'SetBootstrapToken',
  'GetBootstrapToken',
]);

function deviceInformationCommand(deviceId: string) {
  const id = randomUUID().toUpperCase();
  return {
    id,
    channel: 'apple' as const,
    deviceId,
    requestType: 'DeviceInformation',
    payload: buildCommandPlist(id, { requestType: 'DeviceInformation' }),
    origin: 'enrolment',
  };
}
