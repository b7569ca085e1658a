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
  const hardwareDeviceId = context.DeviceID ?? context.HWDevID;
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
      name: context.DeviceName ?? null,
      osVersion: context.OSVersion ?? null,
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
