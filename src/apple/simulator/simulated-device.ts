import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { issuerAndSerial, signDetached } from '../cms.js';
import { readPkcs12 } from '../pkcs12.js';
import { profileContent } from '../profile-content.js';
import { buildPlist, isDict, parsePlistDict } from '../mdm-plist.js';
import type { PlistDict, PlistValue } from '../mdm-plist.js';
import { DeclarativeClient } from './declarative-client.js';

/** What the enrolment profile told the device. */
export interface EnrollmentSettings {
  serverUrl: string;
  checkInUrl: string;
  topic: string;
  certificate: Buffer;
  key: KeyObject;
}

/** Reads the com.apple.mdm and PKCS#12 payloads of an enrolment profile, as a device does. */
export function readEnrollmentProfile(profileText: string): EnrollmentSettings {
  const profile = parsePlistDict(profileText);
  const payloads = Array.isArray(profile.PayloadContent)
    ? profile.PayloadContent.filter(isDict)
    : [];
  const mdm = payloads.find((p) => p.PayloadType === 'com.apple.mdm');
  const identity = payloads.find((p) => p.PayloadType === 'com.apple.security.pkcs12');
  if (!mdm || !identity) throw new Error('the enrolment profile lacks its MDM or identity payload');
  if (mdm.IdentityCertificateUUID !== identity.PayloadUUID) {
    throw new Error('the MDM payload names another identity');
  }
  const content = identity.PayloadContent;
  if (!(content instanceof Uint8Array) || typeof identity.Password !== 'string') {
    throw new Error('the identity payload has no PKCS#12 content or password');
  }
  const { certificate, key } = readPkcs12(Buffer.from(content), identity.Password);
  return {
    serverUrl: String(mdm.ServerURL),
    checkInUrl: String(mdm.CheckInURL),
    topic: String(mdm.Topic),
    certificate,
    key,
  };
}

export type SimulatedKind = 'mac' | 'iphone';

/** The macOS versions a simulated Mac can run, with their builds. */
const MAC_BUILDS: Record<string, string> = { '14.5': '23F79', '15.5': '24F74' };
export const SIMULATED_MACOS_VERSIONS = Object.keys(MAC_BUILDS);

/**
 * One simulated Mac or iPhone: it builds the signed messages a real device sends and keeps the
 * profiles it is given. Answers follow Apple's schema (mdm/checkin and mdm/commands).
 */
export class SimulatedDevice {
  readonly udid = randomUUID().toUpperCase();
  readonly serialNumber: string;
  readonly pushToken = randomBytes(32);
  readonly pushMagic = randomUUID().toUpperCase();
  readonly profiles = new Map<string, PlistDict>();
  readonly kind: SimulatedKind;
  readonly osVersion: string;
  readonly osBuild: string;
  /** Its declarative management state (used once the server sends DeclarativeManagement). */
  readonly declarative = new DeclarativeClient();
  #settings: EnrollmentSettings | undefined;
  #signer: ReturnType<typeof issuerAndSerial> | undefined;

  constructor(index: number, kind: SimulatedKind, macosVersion = '14.5') {
    this.kind = kind;
    const macBuild = MAC_BUILDS[macosVersion];
    if (!macBuild) throw new Error(`the simulator has no macOS ${macosVersion}`);
    this.osVersion = kind === 'mac' ? macosVersion : '17.5';
    this.osBuild = kind === 'mac' ? macBuild : '21F79';
    this.serialNumber = `SIM${createHash('sha1').update(this.udid).digest('hex').slice(0, 9).toUpperCase()}${index % 10}`;
  }

  get settings(): EnrollmentSettings {
    if (!this.#settings) throw new Error('the device has not installed its enrolment profile');
    return this.#settings;
  }

  install(settings: EnrollmentSettings) {
    this.#settings = settings;
    this.#signer = issuerAndSerial(settings.certificate);
  }

  /** The body and its Mdm-Signature header value. */
  sign(message: PlistDict): { body: Buffer; signature: string } {
    const body = Buffer.from(buildPlist(message));
    if (!this.#signer) throw new Error('no identity to sign with');
    return {
      body,
      signature: signDetached(body, this.#signer, this.settings.key).toString('base64'),
    };
  }

  authenticate() {
    const mac = this.kind === 'mac';
    return this.sign({
      MessageType: 'Authenticate',
      UDID: this.udid,
      Topic: this.settings.topic,
      SerialNumber: this.serialNumber,
      DeviceName: `${mac ? 'Simulated Mac' : 'Simulated iPhone'} ${this.serialNumber}`,
      Model: mac ? 'Mac14,2' : 'iPhone15,2',
      ModelName: mac ? 'MacBook Air' : 'iPhone',
      ProductName: mac ? 'Mac14,2' : 'iPhone15,2',
      OSVersion: this.osVersion,
      BuildVersion: this.osBuild,
    });
  }

  tokenUpdate() {
    return this.sign({
      MessageType: 'TokenUpdate',
      UDID: this.udid,
      Topic: this.settings.topic,
      Token: new Uint8Array(this.pushToken),
      PushMagic: this.pushMagic,
      AwaitingConfiguration: false,
    });
  }

  /** A DeclarativeManagement check-in to `endpoint`, with `data` (JSON) when it sends some. */
  declarativeManagement(endpoint: string, data?: Uint8Array) {
    return this.sign({
      MessageType: 'DeclarativeManagement',
      UDID: this.udid,
      Endpoint: endpoint,
      ...(data ? { Data: data } : {}),
    });
  }

  idle() {
    return this.sign({ Status: 'Idle', UDID: this.udid });
  }

  /**
   * Carries out a command plist and returns the answer; unknown ones get CommandFormatError.
   * `requestType` tells the caller what follows the answer (DeclarativeManagement: a sync).
   */
  answer(commandText: string): {
    body: Buffer;
    signature: string;
    status: string;
    requestType: string;
  } {
    const message = parsePlistDict(commandText);
    const command = isDict(message.Command) ? message.Command : {};
    const uuid = String(message.CommandUUID);
    const base = { UDID: this.udid, CommandUUID: uuid };
    const requestType = String(command.RequestType);
    const result = this.#carryOut(command);
    if (result === undefined) {
      return {
        ...this.sign({ ...base, Status: 'CommandFormatError' }),
        status: 'error',
        requestType,
      };
    }
    if (result instanceof Error) {
      return {
        ...this.sign({
          ...base,
          Status: 'Error',
          ErrorChain: [
            {
              ErrorCode: 4001,
              ErrorDomain: 'MCProfileErrorDomain',
              LocalizedDescription: result.message,
            },
          ],
        }),
        status: 'error',
        requestType,
      };
    }
    return {
      ...this.sign({ ...base, Status: 'Acknowledged', ...result }),
      status: 'acknowledged',
      requestType,
    };
  }

  #carryOut(command: PlistDict): PlistDict | Error | undefined {
    switch (command.RequestType) {
      case 'InstallProfile': {
        if (!(command.Payload instanceof Uint8Array)) return new Error('no Payload');
        let profile: PlistDict;
        try {
          // A signed profile is installed as its content, as a device does once it checked it.
          profile = parsePlistDict(profileContent(command.Payload));
        } catch (error) {
          return new Error(`the profile cannot be read: ${(error as Error).message}`);
        }
        if (typeof profile.PayloadIdentifier !== 'string') return new Error('no PayloadIdentifier');
        this.profiles.set(profile.PayloadIdentifier, profile);
        return {};
      }
      case 'RemoveProfile':
        if (typeof command.Identifier !== 'string') return undefined;
        if (!this.profiles.delete(command.Identifier)) return new Error('profile not installed');
        return {};
      case 'ProfileList':
        return {
          ProfileList: [...this.profiles.values()].map((p) => {
            const entry: PlistDict = {};
            for (const key of ['PayloadIdentifier', 'PayloadDisplayName', 'PayloadUUID']) {
              const value: PlistValue | undefined = p[key];
              if (value !== undefined) entry[key] = value;
            }
            return entry;
          }),
        };
      case 'DeviceInformation':
        return {
          QueryResponses: {
            UDID: this.udid,
            DeviceName: `Simulated ${this.serialNumber}`,
            OSVersion: this.osVersion,
            BuildVersion: this.osBuild,
            ProductName: this.kind === 'mac' ? 'Mac14,2' : 'iPhone15,2',
            SerialNumber: this.serialNumber,
            IsSupervised: this.kind === 'mac',
            IsUserEnrollment: false,
          },
        };
      case 'InstalledApplicationList':
        return { InstalledApplicationList: [] };
      case 'SecurityInfo':
        return { SecurityInfo: { PasscodePresent: false } };
      case 'RestartDevice':
      case 'DeclarativeManagement':
        return {};
      default:
        return undefined;
    }
  }
}
