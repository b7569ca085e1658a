import type { Storage } from '../storage/storage.js';
import type { SoapRequest } from '../windows/enrollment-messages.js';
import { readEnrollmentRequest, requestTokenResponse } from '../windows/enrollment-messages.js';
import { provisioningDocument } from '../windows/provisioning-document.js';
import { CommandQueue } from './command-queue.js';
import { redeemEnrollmentToken } from './enrollment-tokens.js';
import type { WindowsCertificateAuthority } from './windows-certificate-authority.js';
import { CertificateRequestError } from './windows-certificate-authority.js';

/** Why an enrolment was refused, as the SOAP fault code of [MS-MDE2] §2.2.4 names it. */
export class WindowsEnrollmentError extends Error {
  readonly faultCode: 'AuthenticationFailure' | 'InvalidParameter' | 'EnrollmentServer';

  constructor(faultCode: WindowsEnrollmentError['faultCode'], message: string) {
    super(message);
    this.name = 'WindowsEnrollmentError';
    this.faultCode = faultCode;
  }
}

/** Longest AdditionalContext value kept, as long as the agent API allows a device name. */
const MAX_CONTEXT_LENGTH = 255;
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/g;

/**
 * One AdditionalContext value, without control characters (they would reach logs and the
 * console as sent). A value over MAX_CONTEXT_LENGTH is refused rather than cut: a device ID cut
 * short could name another device.
 */
function contextItem(context: Record<string, string>, name: string): string | undefined {
  const value = context[name];
  if (value === undefined) return undefined;
  if (value.length > MAX_CONTEXT_LENGTH) {
    throw new WindowsEnrollmentError(
      'InvalidParameter',
      `AdditionalContext ${name} is over ${MAX_CONTEXT_LENGTH} characters`,
    );
  }
  return value.replace(CONTROL_CHARACTERS, '');
}

export interface EnrollmentDeps {
  storage: Storage;
  authority: WindowsCertificateAuthority;
  queue: CommandQueue;
  /** The address devices reach Latch at, e.g. https://latch.example.com. */
  publicUrl: string;
}

/**
 * MS-WSTEP RequestSecurityToken: checks the enrolment token (the UsernameToken password of
 * OnPremise authentication), signs the device's CSR and answers the provisioning document.
 * The token use, the device record and its enrolment commit together; a re-enrolling device
 * keeps its device record, gets a new certificate and loses the commands queued before.
 */
export async function enrollWindowsDevice(
  deps: EnrollmentDeps,
  request: SoapRequest,
  now = Date.now(),
): Promise<{ xml: string; deviceId: string }> {
  const { csrBase64, context } = readEnrollmentRequest(request);
  const hardwareDeviceId = contextItem(context, 'DeviceID') ?? contextItem(context, 'HWDevID');
  const deviceName = contextItem(context, 'DeviceName');
  const osVersion = contextItem(context, 'OSVersion');
  if (!hardwareDeviceId) {
    throw new WindowsEnrollmentError('InvalidParameter', 'AdditionalContext has no DeviceID');
  }
  if (!request.password) {
    throw new WindowsEnrollmentError('AuthenticationFailure', 'no enrolment token was given');
  }
  const password = request.password;
  const csr = Buffer.from(csrBase64, 'base64');
  const store = context.EnrollmentType === 'Device' ? 'System' : 'User';

  return deps.storage.transaction(async (storage) => {
    const token = await redeemEnrollmentToken(storage, password);
    if (!token) {
      throw new WindowsEnrollmentError(
        'AuthenticationFailure',
        'the enrolment token is unknown, expired, revoked or used up',
      );
    }
    const device = await storage.observeDevice({
      platform: 'windows',
      udid: hardwareDeviceId,
      name: deviceName || null,
      osVersion: osVersion || null,
      enrollmentType: store === 'System' ? 'device' : 'user',
      enrolledAt: now,
      lastSeenAt: now,
    });
    let issued;
    try {
      issued = await deps.authority.signRequest(csr, device.id, now);
    } catch (error) {
      if (error instanceof CertificateRequestError) {
        throw new WindowsEnrollmentError('InvalidParameter', error.message);
      }
      throw error;
    }
    await new CommandQueue(storage, deps.queue.options).clear(
      'windows',
      device.id,
      're-enrolled',
      now,
    );
    await storage.recordWindowsEnrollment({
      deviceId: device.id,
      hardwareDeviceId,
      certFingerprint: issued.fingerprint,
      now,
    });
    const document = provisioningDocument({
      managementUrl: `${deps.publicUrl}/ManagementServer/MDM.svc`,
      providerId: 'Latch',
      deviceId: device.id,
      caThumbprint: deps.authority.thumbprint,
      caDerBase64: deps.authority.der.toString('base64'),
      clientThumbprint: issued.thumbprint,
      clientDerBase64: issued.der.toString('base64'),
      store,
      clientSubject: `CN=${device.id}`,
    });
    return {
      xml: requestTokenResponse(request.messageId, document, now),
      deviceId: device.id,
    };
  });
}
