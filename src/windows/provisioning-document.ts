import { escapeXml } from './hardened-xml.js';

/** What the provisioning document sets up on the device after enrolment. */
export interface ProvisioningInput {
  /** The management endpoint, e.g. https://latch.example.com/ManagementServer/MDM.svc. */
  managementUrl: string;
  providerId: string;
  /** Latch's device id, which the device reports back as EntDMID. */
  deviceId: string;
  caThumbprint: string;
  caDerBase64: string;
  clientThumbprint: string;
  clientDerBase64: string;
  /** `User` for a user (Full) enrolment, `System` for a device enrolment. */
  store: 'User' | 'System';
  /** The client certificate's subject, for SSLCLIENTCERTSEARCHCRITERIA. */
  clientSubject: string;
}

const parm = (name: string, value?: string, datatype?: string) =>
  `<parm name="${name}"${value === undefined ? '' : ` value="${escapeXml(value)}"`}` +
  `${datatype ? ` datatype="${datatype}"` : ''}/>`;

const characteristic = (type: string, inner: string) =>
  `<characteristic type="${escapeXml(type)}">${inner}</characteristic>`;

/**
 * The wap-provisioningdoc of a successful enrolment ([MS-MDE2] §2.2.9.1): the trusted root and
 * the issued client certificate, the w7 APPLICATION that points the DM client at Latch, and the
 * DMClient provider with its polling schedule.
 */
export function provisioningDocument(input: ProvisioningInput): string {
  const search = `Subject=${encodeURIComponent(input.clientSubject)}&Stores=MY%5C${input.store}`;
  const certificates = characteristic(
    'CertificateStore',
    characteristic(
      'Root',
      characteristic(
        'System',
        characteristic(input.caThumbprint, parm('EncodedCertificate', input.caDerBase64)),
      ),
    ) +
      characteristic(
        'My',
        characteristic(
          input.store,
          characteristic(
            input.clientThumbprint,
            parm('EncodedCertificate', input.clientDerBase64),
          ) + characteristic('PrivateKeyContainer', ''),
        ),
      ),
  );
  const application = characteristic(
    'APPLICATION',
    parm('APPID', 'w7') +
      parm('PROVIDER-ID', input.providerId) +
      parm('NAME', 'Latch') +
      characteristic('APPADDR', parm('ADDR', input.managementUrl) + parm('ADDRTYPE', 'URI')) +
      parm('CONNRETRYFREQ', '6') +
      parm('INITIALBACKOFFTIME', '30000') +
      parm('MAXBACKOFFTIME', '120000') +
      parm('BACKCOMPATRETRYDISABLED') +
      parm('DEFAULTENCODING', 'application/vnd.syncml.dm+xml') +
      parm('SSLCLIENTCERTSEARCHCRITERIA', search) +
      characteristic(
        'APPAUTH',
        parm('AAUTHLEVEL', 'CLIENT') + parm('AAUTHTYPE', 'DIGEST') + parm('AAUTHDATA', 'bm9uY2U='),
      ) +
      characteristic(
        'APPAUTH',
        parm('AAUTHLEVEL', 'APPSRV') + parm('AAUTHTYPE', 'DIGEST') + parm('AAUTHDATA', 'bm9uY2U='),
      ),
  );
  const dmClient = characteristic(
    'DMClient',
    characteristic(
      'Provider',
      characteristic(
        input.providerId,
        parm('EntDMID', input.deviceId) +
          parm('EntDeviceName', input.deviceId) +
          characteristic(
            'Poll',
            parm('NumberOfFirstRetries', '8', 'integer') +
              parm('IntervalForFirstSetOfRetries', '15', 'integer') +
              parm('NumberOfSecondRetries', '5', 'integer') +
              parm('IntervalForSecondSetOfRetries', '3', 'integer') +
              parm('NumberOfRemainingScheduledRetries', '0', 'integer') +
              parm('IntervalForRemainingScheduledRetries', '480', 'integer') +
              parm('PollOnLogin', 'true', 'boolean'),
          ),
      ),
    ),
  );
  return `<wap-provisioningdoc version="1.1">${certificates}${application}${dmClient}</wap-provisioningdoc>`;
}
