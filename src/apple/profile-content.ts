import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { parsePlistDict } from './mdm-plist.js';
import type { ReportedProfile } from './command-results.js';

/** The first byte of a DER or BER SEQUENCE: how a CMS-signed profile starts. */
const SEQUENCE = 0x30;

/**
 * The property list of a configuration profile as an InstallProfile carries it: the bytes
 * themselves, or, for a signed `.mobileconfig`, the content of its CMS signature (DER or the
 * indefinite-length BER that macOS's `security cms` writes). The signature is not checked:
 * that is the device's job, and it shows the admin who signed.
 *
 * @throws Error naming what the bytes are not.
 */
export function profileContent(payload: Uint8Array): Uint8Array {
  if (payload[0] !== SEQUENCE) return payload;
  // A copy: a Buffer's own `.buffer` may be a shared pool holding other bytes too.
  const der = asn1js.fromBER(new Uint8Array(payload).buffer);
  if (der.offset === -1) throw new Error(`not a CMS signature: ${der.result.error}`);
  if (der.offset !== payload.length) throw new Error('bytes follow the CMS signature');
  const info = new pkijs.ContentInfo({ schema: der.result });
  if (info.contentType !== pkijs.ContentInfo.SIGNED_DATA) {
    throw new Error('a CMS structure that is not SignedData');
  }
  const content = new pkijs.SignedData({ schema: info.content }).encapContentInfo.eContent;
  if (!content) throw new Error('a detached signature with no profile inside');
  // Content split into chunks of chunks is legal BER that the library reads only one level
  // deep; refused rather than installed as part of the profile.
  const chunks = content.valueBlock.isConstructed ? content.valueBlock.value : [];
  if (chunks.some((chunk) => chunk.idBlock.isConstructed)) {
    throw new Error('the signed content is split into nested chunks');
  }
  return new Uint8Array(content.getValue());
}

/**
 * The profile an InstallProfile payload installs: its top-level PayloadIdentifier and name.
 *
 * @throws Error when the payload is not a readable profile with a PayloadIdentifier.
 */
export function readProfileTarget(payload: Uint8Array): ReportedProfile {
  const profile = parsePlistDict(profileContent(payload));
  if (typeof profile.PayloadIdentifier !== 'string') {
    throw new Error('the profile has no PayloadIdentifier');
  }
  return {
    identifier: profile.PayloadIdentifier,
    displayName: typeof profile.PayloadDisplayName === 'string' ? profile.PayloadDisplayName : null,
    payloadUuid: typeof profile.PayloadUUID === 'string' ? profile.PayloadUUID : null,
  };
}
