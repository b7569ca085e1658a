/**
 * The one catalogue of errors Latch raises on purpose. Each has a stable code that clients and
 * tests rely on, and the HTTP status it maps to at the edge; messages are for people
 * and may change.
 */
export interface ErrorIssue {
  path: string;
  message: string;
}

export class LatchError extends Error {
  readonly code: string;
  readonly statusCode: number;
  readonly issues: ErrorIssue[] | undefined;

  constructor(
    code: string,
    statusCode: number,
    message: string,
    options: { cause?: unknown; issues?: ErrorIssue[] } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'LatchError';
    this.code = code;
    this.statusCode = statusCode;
    this.issues = options.issues;
  }
}

export const badRequest = (message: string, issues?: ErrorIssue[]) =>
  new LatchError('invalid_request', 400, message, { issues });
export const unauthenticated = (message = 'authentication required') =>
  new LatchError('unauthenticated', 401, message);
export const invalidCredentials = () =>
  new LatchError('invalid_credentials', 401, 'wrong username or password');
export const forbidden = (message: string) => new LatchError('forbidden', 403, message);
export const notFound = (what: string, id: string) =>
  new LatchError('not_found', 404, `${what} ${id} does not exist`);
export const conflict = (message: string) => new LatchError('conflict', 409, message);
export const unavailable = (message: string, cause?: unknown) =>
  new LatchError('unavailable', 503, message, { cause });

/** Windows MDM: a device body refused before it had any effect (DTD, entity, size, truncation). */
export const malformedDeviceXml = (code: string, message: string, cause?: unknown) =>
  new LatchError(code, 400, message, { cause });
/** Windows MDM: no client certificate, or one Latch did not issue to an enrolled device. */
export const deviceUnauthenticated = (code: string, message: string) =>
  new LatchError(code, 401, message);
export const deviceForbidden = (code: string, message: string) =>
  new LatchError(code, 403, message);
/** Apple MDM: the body is not a property list, or lacks what its MessageType or Status needs. */
export const appleBadMessage = (message: string) =>
  new LatchError('apple_bad_message', 400, message);
export const appleUnknownMessageType = (type: string) =>
  new LatchError('apple_unknown_message_type', 400, `unknown MessageType ${type}`);
/** Apple MDM: the Mdm-Signature is missing, malformed or not by the enrolment's identity. */
export const appleBadSignature = (message: string) =>
  new LatchError('apple_bad_signature', 401, message);
export const appleNotEnrolled = (udid: string) =>
  new LatchError('apple_not_enrolled', 401, `no enrolment for UDID ${udid}`);
export const appleUnknownCommand = (id: string) =>
  new LatchError('apple_unknown_command', 400, `no command ${id} was sent to this device`);
/** Apple MDM: the client certificate is not one Latch's Apple CA issued. */
export const appleBadClientCertificate = (message: string) =>
  new LatchError('apple_bad_client_certificate', 401, message);
/** Apple MDM: the message's UDID is not the enrolment its certificate was recorded for. */
/** Apple: Authenticate with an identity another device enrolled with (HTTP 401). */
export const appleIdentityBound = (udid: string) =>
  new LatchError(
    'apple_identity_bound',
    401,
    `the identity signing this Authenticate is enrolled for another device, not ${udid}`,
  );
export const appleIdentityMismatch = (udid: string) =>
  new LatchError(
    'apple_identity_mismatch',
    401,
    `the client certificate is not the identity enrolled for ${udid}`,
  );
/** Apple DDM: the device asked for a declaration that is not in its set (HTTP 404). */
export const appleDeclarationNotFound = (kind: string, identifier: string) =>
  new LatchError(
    'apple_declaration_not_found',
    404,
    `no ${kind} declaration ${identifier} for this device`,
  );
/** Apple MDM: Latch declines user-channel authentication, as Apple documents, with 410. */
export const appleUserAuthenticateDeclined = () =>
  new LatchError(
    'apple_user_authenticate_declined',
    410,
    'user channel authentication is declined',
  );
export const invalidPlist = (message: string, cause?: unknown) =>
  new LatchError('invalid_plist', 400, message, { cause });
/** An InstallProfile payload that is no configuration profile (XML plist, signed or not). */
export const invalidProfile = (message: string) => new LatchError('invalid_profile', 400, message);
export const queueRequestTooLarge = (commandBytes: number, devices: number, limit: number) =>
  new LatchError(
    'queue_request_too_large',
    413,
    `${devices} commands of ${commandBytes} bytes each would add ` +
      `${Math.ceil((commandBytes * devices) / 2 ** 20)} MiB to the queue; one request may add ` +
      `${limit / 2 ** 20} MiB: send it to fewer devices at a time, or a smaller profile`,
  );
export const invalidSigningIdentity = (message: string, cause?: unknown) =>
  new LatchError('invalid_signing_identity', 400, message, { cause });

/** The Microsoft Store's catalog could not be reached in time, or kept failing. */
export const storeUnreachable = (detail: string, cause?: unknown) =>
  new LatchError('store_unreachable', 502, `Microsoft Store unreachable: ${detail}`, { cause });
/** The Store answered, but not with the winget REST shape we expect. */
export const storeInvalidResponse = (detail: string) =>
  new LatchError('store_invalid_response', 502, `Microsoft Store answered unexpectedly: ${detail}`);
/** A Store app cannot be deployed the way the request asks (unavailable in the market, …). */
export const appNotDeployable = (message: string) =>
  new LatchError('app_not_deployable', 409, message);
export const invalidEnrollmentToken = () =>
  new LatchError(
    'invalid_enrollment_token',
    401,
    'the enrolment token is unknown, revoked, expired or used up',
  );
export const rateLimited = (retryAfterSeconds: number) =>
  new LatchError('rate_limited', 429, `too many requests; retry after ${retryAfterSeconds} s`);
/** An agent posted a result for a task of its own that was never handed out to it. */
export const agentTaskNotSent = (id: string) =>
  new LatchError('agent_task_not_sent', 409, `task ${id} was not sent to this device`);

/** Devices a command or task was addressed to that the channel cannot reach (HTTP 409). */
export const notOnChannel = (channel: string, deviceIds: string[]) =>
  new LatchError(
    'device_not_on_channel',
    409,
    `${deviceIds.length} device(s) are not enrolled in ${channel}: ` +
      deviceIds.slice(0, 5).join(', '),
  );
