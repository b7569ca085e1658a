import type { FastifyInstance, FastifyReply } from 'fastify';
import { enrollWindowsDevice, WindowsEnrollmentError } from '../../service/windows-enrollment.js';
import {
  SOAP_CONTENT_TYPE,
  discoverResponse,
  getPoliciesResponse,
  parseSoapRequest,
  soapFault,
} from '../../windows/enrollment-messages.js';
import type { SoapRequest } from '../../windows/enrollment-messages.js';
import { DEFAULT_XML_LIMITS, XmlRefusedError } from '../../windows/hardened-xml.js';
import type { AppContext } from '../context.js';
import { requireMediaType } from '../media-type.js';

/** What Windows sends to all three services ([MS-MDE2] examples; SOAP 1.2's own type). */
const SOAP_TYPE = 'application/soap+xml';

function sendSoap(reply: FastifyReply, status: number, xml: string) {
  return reply.status(status).type(SOAP_CONTENT_TYPE).send(xml);
}

/**
 * The three enrolment services of [MS-MDE2] that Windows calls when a user adds a work account:
 * discovery, the enrolment policy (MS-XCEP) and enrolment (MS-WSTEP). They answer SOAP, and
 * refuse with SOAP faults; only the enrolment token in the UsernameToken lets a device in.
 */
export function windowsEnrollmentRoutes(app: FastifyInstance, context: AppContext) {
  void app.register(async (scope) => {
    scope.addContentTypeParser(
      SOAP_TYPE,
      { parseAs: 'string', bodyLimit: DEFAULT_XML_LIMITS.maxBytes },
      (_request, body, done) => done(null, body),
    );

    scope.addHook('onRequest', async (request) => {
      if (request.method === 'POST') requireMediaType(request, SOAP_TYPE);
    });

    /** Parses the envelope or answers the fault itself; undefined means "already answered". */
    const soapOf = (body: unknown, reply: FastifyReply): SoapRequest | undefined => {
      try {
        return parseSoapRequest(typeof body === 'string' ? body : '');
      } catch (error) {
        if (!(error instanceof XmlRefusedError)) throw error;
        reply.log.info({ code: error.code, reason: error.message }, 'enrolment message refused');
        void sendSoap(reply, 400, soapFault('', 'InvalidParameter', error.code));
        return undefined;
      }
    };

    scope.get('/EnrollmentServer/Discovery.svc', async (_request, reply) =>
      reply.status(200).send(''),
    );

    scope.post('/EnrollmentServer/Discovery.svc', async (request, reply) => {
      const soap = soapOf(request.body, reply);
      if (!soap) return reply;
      return sendSoap(reply, 200, discoverResponse(soap.messageId, context.config.publicUrl));
    });

    scope.post('/EnrollmentServer/Policy.svc', async (request, reply) => {
      const soap = soapOf(request.body, reply);
      if (!soap) return reply;
      if (!soap.password) {
        return sendSoap(
          reply,
          401,
          soapFault(soap.messageId, 'AuthenticationFailure', 'no enrolment token was given'),
        );
      }
      return sendSoap(reply, 200, getPoliciesResponse(soap.messageId));
    });

    scope.post('/EnrollmentServer/Enrollment.svc', async (request, reply) => {
      const soap = soapOf(request.body, reply);
      if (!soap) return reply;
      try {
        const { xml, deviceId } = await enrollWindowsDevice(
          {
            storage: context.storage,
            authority: context.windowsAuthority,
            queue: context.commands,
            publicUrl: context.config.publicUrl,
          },
          soap,
        );
        request.log.info({ deviceId }, 'windows device enrolled');
        // The enrolment stands even if planning fails; the next policy change plans again.
        await context.windowsStoragePolicy
          .reconcile(deviceId, { fresh: true })
          .catch((error: unknown) =>
            request.log.error({ err: error, deviceId }, 'planning failed'),
          );
        return sendSoap(reply, 200, xml);
      } catch (error) {
        if (error instanceof XmlRefusedError) {
          return sendSoap(reply, 400, soapFault(soap.messageId, 'InvalidParameter', error.code));
        }
        if (!(error instanceof WindowsEnrollmentError)) throw error;
        request.log.info({ fault: error.faultCode, reason: error.message }, 'enrolment refused');
        const status = error.faultCode === 'AuthenticationFailure' ? 401 : 400;
        return sendSoap(reply, status, soapFault(soap.messageId, error.faultCode, error.message));
      }
    });
  });
}
