import { randomBytes, randomUUID } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { issueIdentity } from '../../apple/certificate-authority.js';
import { buildEnrollmentProfile } from '../../apple/enrollment-profile.js';
import { buildPkcs12 } from '../../apple/pkcs12.js';
import { buildPlist } from '../../apple/mdm-plist.js';
import { LatchError } from '../../errors.js';
import { redeemEnrollmentToken } from '../../service/enrollment-tokens.js';
import { clientCertificateDer } from '../client-certificate.js';
import type { AppContext } from '../context.js';
import { requireMediaType } from '../media-type.js';

const CHECKIN_TYPE = 'application/x-apple-aspen-mdm-checkin';
const CONNECT_TYPE = 'application/x-apple-aspen-mdm';
const PLIST_ANSWER = 'application/xml; charset=utf-8';
const CONSTANT_PLIST = buildPlist({ Command: { RequestType: 'ProfileList' }, CommandUUID: 'x' });
const EnrollQuery = Type.Object(
  { token: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);

/**
 * The device-facing Apple MDM routes: enrolment profile download, check-in and the command
 * endpoint. They are outside `/api/`: devices authenticate by their signed messages, or by the
 * client certificate they present to Latch's TLS or a trusted proxy forwards.
 */
export function appleMdmRoutes(app: FastifyInstance, context: AppContext) {
  const { apple, config, storage } = context;
  void app.register(async (scope) => {
    scope.addContentTypeParser(
      [CHECKIN_TYPE, CONNECT_TYPE],
      { parseAs: 'buffer', bodyLimit: config.bodyLimitBytes },
      (_request, body, done) => done(null, body),
    );

    // Checked before any body parser runs, so a JSON or XML body is refused as a type, unread.
    scope.addHook('onRequest', async (request) => {
      const checkin = request.routeOptions.url === '/mdm/apple/checkin';
      requireMediaType(request, checkin ? CHECKIN_TYPE : CONNECT_TYPE);
    });

    scope.put('/mdm/apple/checkin', async (request, reply) => {
      const signature = request.headers['mdm-signature'];
      const answer = await apple.service.checkin(
        request.body as Buffer,
        signature,
        signature ? undefined : clientCertificateDer(request, config),
      );
      if (answer.startsWith('{')) return reply.type('application/json').send(answer);
      return reply.type(PLIST_ANSWER).send(answer);
    });

    scope.put('/mdm/apple/connect', async (request, reply) => {
      const signature = request.headers['mdm-signature'];
      const answer = await apple.service.connect(
        request.body as Buffer,
        signature,
        signature ? undefined : clientCertificateDer(request, config),
      );
      return reply.type(PLIST_ANSWER).send(answer);
    });
  });

  if (config.benchRoutes) {
    void app.register(async (scope) => {
      scope.addContentTypeParser(CONNECT_TYPE, { parseAs: 'buffer' }, (_r, body, done) =>
        done(null, body),
      );
      scope.put('/mdm/apple/bench/constant', async (_request, reply) =>
        reply.type(PLIST_ANSWER).send(CONSTANT_PLIST),
      );
    });
  }

  app.get<{ Querystring: typeof EnrollQuery.static }>(
    '/mdm/apple/enroll',
    { schema: { querystring: EnrollQuery } },
    async (request, reply) => {
      const redeemed = await redeemEnrollmentToken(storage, request.query.token);
      if (!redeemed) {
        throw new LatchError('invalid_enrollment_token', 403, 'the enrolment token is not valid');
      }
      const identity = issueIdentity(apple.authority, `Latch device ${randomUUID()}`);
      const password = randomBytes(18).toString('base64url');
      const profile = buildEnrollmentProfile({
        serverUrl: `${config.publicUrl}/mdm/apple/connect`,
        checkInUrl: `${config.publicUrl}/mdm/apple/checkin`,
        topic: config.apnsTopic,
        pkcs12: buildPkcs12(identity.certificateDer, identity.key, password),
        pkcs12Password: password,
        organisation: 'Latch',
      });
      return reply.type('application/x-apple-aspen-config').send(profile);
    },
  );
}
