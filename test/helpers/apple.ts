import { issueIdentity } from '../../src/apple/certificate-authority.js';
import { issuerAndSerial, signDetached } from '../../src/apple/cms.js';
import { buildPlist } from '../../src/apple/mdm-plist.js';
import type { TestApp } from './app.js';

/** A device identity issued by the test server's own CA, able to sign bodies as a device does. */
export function deviceIdentity(app: TestApp) {
  const issued = issueIdentity(app.server.context.apple.authority, 'test device');
  const signer = issuerAndSerial(issued.certificateDer);
  return {
    ...issued,
    sign: (body: string | Buffer) =>
      signDetached(Buffer.from(body), signer, issued.key).toString('base64'),
  };
}

export type DeviceIdentity = ReturnType<typeof deviceIdentity>;

/** PUTs a body to an MDM endpoint, signed by `identity` unless a signature is given. */
export async function putMdm(
  app: TestApp,
  endpoint: 'checkin' | 'connect',
  body: string | Buffer,
  identity: DeviceIdentity | undefined,
  headers: Record<string, string> = {},
) {
  const response = await fetch(`${app.url}/mdm/apple/${endpoint}`, {
    method: 'PUT',
    headers: {
      'content-type':
        endpoint === 'checkin'
          ? 'application/x-apple-aspen-mdm-checkin'
          : 'application/x-apple-aspen-mdm',
      ...(identity ? { 'mdm-signature': identity.sign(body) } : {}),
      ...headers,
    },
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, text, json: json as { error?: { code: string } } };
}

/** Enrols a device with the UDID: an Authenticate signed by a fresh identity. */
export async function authenticate(app: TestApp, udid: string, extra: Record<string, string> = {}) {
  const identity = deviceIdentity(app);
  const body = buildPlist({
    MessageType: 'Authenticate',
    UDID: udid,
    Topic: 'com.apple.mgmt.External.test',
    SerialNumber: `SER-${udid.slice(-8)}`,
    ...extra,
  });
  const reply = await putMdm(app, 'checkin', body, identity);
  if (reply.status !== 200) throw new Error(`Authenticate failed: ${reply.status} ${reply.text}`);
  const device = await app.storage.findAppleEnrollmentByUdid(udid);
  if (!device) throw new Error('no enrolment after Authenticate');
  return { identity, deviceId: device.deviceId };
}
