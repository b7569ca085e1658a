import { randomUUID } from 'node:crypto';
import type { Platform } from '../../domain.js';
import { badRequest, invalidEnrollmentToken } from '../../errors.js';
import type { Storage } from '../../storage/storage.js';
import { redeemEnrollmentToken } from '../enrollment-tokens.js';
import { generateToken, hashToken } from '../tokens.js';
import type { AgentCertificateAuthority } from './agent-ca.js';

/** The platforms the Latch agent runs on. */
export const AGENT_PLATFORMS = ['macos', 'windows', 'linux'] as const satisfies Platform[];
export type AgentPlatform = (typeof AGENT_PLATFORMS)[number];

export interface AgentEnrollmentRequest {
  enrollmentToken: string;
  platform: AgentPlatform;
  serialNumber?: string | undefined;
  hardwareUuid?: string | undefined;
  name?: string | undefined;
  model?: string | undefined;
  osVersion: string;
  osBuild?: string | undefined;
  agentVersion: string;
  trayVersion?: string | undefined;
  /** A PEM PKCS#10 request for a key the agent generated; asks for a client certificate. */
  csr?: string | undefined;
}

export interface AgentEnrollment {
  deviceId: string;
  /** Shown once; the server keeps only its hash. Sent as `Authorization: Bearer …`. */
  deviceSecret: string;
  /** Present when a CSR was given: the client certificate, and the CA that issued it. */
  certificatePem?: string;
  caCertificatePem?: string;
}

/**
 * Enrols an agent: uses one use of the enrolment token, finds or creates the device by serial
 * number and hardware UUID (so re-enrolling the same machine, or enrolling a Mac already in MDM,
 * is the same device), and issues a fresh credential that replaces any earlier one. All of it
 * commits together or not at all.
 */
export async function enrollAgent(
  storage: Storage,
  authority: () => Promise<AgentCertificateAuthority>,
  request: AgentEnrollmentRequest,
): Promise<AgentEnrollment> {
  if (!request.serialNumber && !request.hardwareUuid) {
    throw badRequest('a serial number or hardware UUID is needed to recognise the machine');
  }
  const ca = request.csr ? await authority() : undefined;
  const deviceSecret = generateToken('lta_');
  const credentialId = randomUUID();
  const now = Date.now();

  return storage.transaction(async (s) => {
    const token = await redeemEnrollmentToken(s, request.enrollmentToken);
    if (!token) throw invalidEnrollmentToken();
    const issued = ca && request.csr ? await ca.issue(request.csr, credentialId, now) : undefined;
    const device = await s.observeDevice({
      platform: request.platform,
      serialNumber: request.serialNumber,
      hardwareUuid: request.hardwareUuid,
      name: request.name,
      model: request.model,
      osVersion: request.osVersion,
      osBuild: request.osBuild,
      agentVersion: request.agentVersion,
      trayVersion: request.trayVersion,
      enrolledAt: now,
      lastSeenAt: now,
    });
    await s.replaceAgentCredential({
      deviceId: device.id,
      secretHash: hashToken(deviceSecret),
      certificateFingerprint: issued?.fingerprint ?? null,
      certificateSerial: issued?.serial ?? null,
      certificateNotAfter: issued?.notAfter ?? null,
      issuedAt: now,
    });
    await s.recordAudit({
      actor: `enrollment-token:${token.id}`,
      action: 'agent.enroll',
      entityType: 'device',
      entityId: device.id,
      before: null,
      after: { platform: device.platform, certificate: issued ? issued.serial : null },
    });
    const enrollment: AgentEnrollment = { deviceId: device.id, deviceSecret };
    if (issued && ca) {
      enrollment.certificatePem = issued.certificatePem;
      enrollment.caCertificatePem = ca.certificatePem;
    }
    return enrollment;
  });
}
