import { randomUUID } from 'node:crypto';
import { buildPlist } from './mdm-plist.js';

/** Every right Apple defines for AccessRights (mdm/profiles/com.apple.mdm.yaml): 1 to 4096. */
export const ALL_ACCESS_RIGHTS = 8191;

/**
 * The enrolment profile (a configuration profile with an identity and the `com.apple.mdm`
 * payload, keys as mdm/profiles/com.apple.mdm.yaml names them); pure, so it is tested as built.
 */
export function buildEnrollmentProfile(input: {
  serverUrl: string;
  checkInUrl: string;
  topic: string;
  pkcs12: Buffer;
  pkcs12Password: string;
  organisation: string;
}): string {
  const identityUuid = randomUUID().toUpperCase();
  return buildPlist({
    PayloadContent: [
      {
        PayloadType: 'com.apple.security.pkcs12',
        PayloadVersion: 1,
        PayloadIdentifier: `com.latch.mdm.identity.${identityUuid}`,
        PayloadUUID: identityUuid,
        PayloadDisplayName: 'Device identity',
        PayloadContent: new Uint8Array(input.pkcs12),
        Password: input.pkcs12Password,
      },
      {
        PayloadType: 'com.apple.mdm',
        PayloadVersion: 1,
        PayloadIdentifier: 'com.latch.mdm',
        PayloadUUID: randomUUID().toUpperCase(),
        PayloadDisplayName: 'Device management',
        ServerURL: input.serverUrl,
        CheckInURL: input.checkInUrl,
        Topic: input.topic,
        IdentityCertificateUUID: identityUuid,
        AccessRights: ALL_ACCESS_RIGHTS,
        SignMessage: true,
        CheckOutWhenRemoved: true,
        ServerCapabilities: ['com.apple.mdm.per-user-connections', 'com.apple.mdm.bootstraptoken'],
      },
    ],
    PayloadType: 'Configuration',
    PayloadVersion: 1,
    PayloadIdentifier: 'com.latch.enrollment',
    PayloadUUID: randomUUID().toUpperCase(),
    PayloadDisplayName: `${input.organisation} device management`,
    PayloadOrganization: input.organisation,
  });
}
