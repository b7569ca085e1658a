import type { FastifyInstance } from 'fastify';
import { deviceForbidden, deviceUnauthenticated, malformedDeviceXml } from '../../errors.js';
import { handleManagementMessage } from '../../service/windows-management.js';
import type { ManagementDeps } from '../../service/windows-management.js';
import { DEFAULT_XML_LIMITS, XmlRefusedError } from '../../windows/hardened-xml.js';
import { SYNCML_CONTENT_TYPE } from '../../windows/syncml.js';
import { clientCertificateFingerprint } from '../client-certificate.js';
import type { AppContext } from '../context.js';
import { requireMediaType } from '../media-type.js';

/**
 * The OMA-DM management endpoint ([MS-MDM]): every SyncML message of an enrolled device. The
 * device is identified by its enrolment certificate; a body that is not whole, well-formed
 * SyncML is refused with HTTP 400 before it has any effect.
 */
export function windowsMdmRoutes(app: FastifyInstance, context: AppContext) {
  const deps: ManagementDeps = {
    storage: context.storage,
    queue: context.commands,
    windowsCommands: context.windowsCommands,
    commandsPerMessage: context.config.windowsCommandsPerMessage,
  };

  void app.register(async (scope) => {
    scope.addContentTypeParser(
      SYNCML_CONTENT_TYPE,
      { parseAs: 'string', bodyLimit: DEFAULT_XML_LIMITS.maxBytes },
      (_request, body, done) => done(null, body),
    );

    // Checked before any body parser runs, so a JSON body is refused as a type, not as bad XML.
    scope.addHook('onRequest', async (request) => {
      if (request.method === 'POST') requireMediaType(request, SYNCML_CONTENT_TYPE);
    });

    scope.post('/ManagementServer/MDM.svc', async (request, reply) => {
      const fingerprint = clientCertificateFingerprint(request, context.config);
      if (!fingerprint) {
        throw deviceUnauthenticated('client_certificate_required', 'no client certificate');
      }
      let outcome;
      try {
        outcome = await handleManagementMessage(deps, fingerprint, String(request.body ?? ''));
      } catch (error) {
        if (!(error instanceof XmlRefusedError)) throw error;
        throw malformedDeviceXml(error.code, error.message, error);
      }
      if (outcome.kind === 'refused') {
        throw outcome.statusCode === 401
          ? deviceUnauthenticated(outcome.code, outcome.message)
          : deviceForbidden(outcome.code, outcome.message);
      }
      return reply.status(200).type(SYNCML_CONTENT_TYPE).send(outcome.xml);
    });
  });
}
