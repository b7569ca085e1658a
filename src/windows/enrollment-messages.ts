import {
  DEFAULT_XML_LIMITS,
  XmlRefusedError,
  decodeXmlText,
  escapeXml,
  hardenedParser,
  parseHardened,
} from './hardened-xml.js';

/**
 * The SOAP messages of Windows enrolment ([MS-MDE2]): discovery, the MS-XCEP enrolment policy
 * and the MS-WSTEP RequestSecurityToken. Pure: parsing requests and writing responses only.
 */

export const SOAP_CONTENT_TYPE = 'application/soap+xml; charset=utf-8';
const ENROLLMENT_NS = 'http://schemas.microsoft.com/windows/management/2012/01/enrollment';
const POLICY_NS = 'http://schemas.microsoft.com/windows/pki/2009/01/enrollmentpolicy';
const WSTEP_NS = 'http://schemas.microsoft.com/windows/pki/2009/01/enrollment';
const TRUST_NS = 'http://docs.oasis-open.org/ws-sx/ws-trust/200512';
const SECEXT_NS =
  'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';
const UTILITY_NS =
  'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd';
export const ACTIONS = {
  discover: `${ENROLLMENT_NS}/IDiscoveryService/Discover`,
  discoverResponse: `${ENROLLMENT_NS}/IDiscoveryService/DiscoverResponse`,
  getPolicies: `${POLICY_NS}/IPolicy/GetPolicies`,
  getPoliciesResponse: `${POLICY_NS}/IPolicy/GetPoliciesResponse`,
  requestToken: `${WSTEP_NS}/RST/wstep`,
  requestTokenResponse: `${WSTEP_NS}/RSTRC/wstep`,
} as const;
const PKCS10 = `${WSTEP_NS}#PKCS10`;
const PROVISION_DOC =
  'http://schemas.microsoft.com/5.0.0.0/ConfigurationManager/Enrollment/DeviceEnrollmentProvisionDoc';
const ENROLLMENT_TOKEN =
  'http://schemas.microsoft.com/5.0.0.0/ConfigurationManager/Enrollment/DeviceEnrollmentToken';

const ARRAYS = new Set(['ContextItem']);
const parser = hardenedParser(ARRAYS, DEFAULT_XML_LIMITS);

type Node = Record<string, unknown>;

/** What every enrolment request shares: its SOAP header. */
export interface SoapRequest {
  action: string;
  messageId: string;
  /** wsse:UsernameToken, which OnPremise authentication uses. */
  username: string | undefined;
  password: string | undefined;
  body: Node;
}

function text(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return decodeXmlText(value);
  if (typeof value === 'object' && '#text' in (value as Node)) {
    return decodeXmlText(String((value as Node)['#text']));
  }
  return undefined;
}

function child(node: unknown, name: string): Node | undefined {
  const value = node && typeof node === 'object' ? (node as Node)[name] : undefined;
  return value && typeof value === 'object' ? (value as Node) : undefined;
}

/** Parses a SOAP 1.2 envelope; XmlRefusedError when it is not one. */
export function parseSoapRequest(xml: string): SoapRequest {
  const document = parseHardened(parser, xml, DEFAULT_XML_LIMITS);
  const envelope = child(document, 'Envelope');
  const header = child(envelope, 'Header');
  const body = child(envelope, 'Body');
  if (!envelope || !header || !body) {
    throw new XmlRefusedError('xml_malformed', 'not a SOAP envelope with Header and Body');
  }
  const token = child(child(header, 'Security'), 'UsernameToken');
  return {
    action: text(header.Action) ?? '',
    messageId: text(header.MessageID) ?? '',
    username: text(token?.Username),
    password: text(token?.Password),
    body,
  };
}

/** What a RequestSecurityToken asks for: the CSR and the device's description of itself. */
export interface EnrollmentRequest {
  csrBase64: string;
  /** AdditionalContext items, e.g. DeviceID, HWDevID, EnrollmentType, OSVersion, DeviceName. */
  context: Record<string, string>;
}

export function readEnrollmentRequest(request: SoapRequest): EnrollmentRequest {
  const rst = child(request.body, 'RequestSecurityToken');
  const token = child(rst, 'BinarySecurityToken');
  const csrBase64 = text(token)?.replace(/\s+/g, '');
  if (!rst || !csrBase64) {
    throw new XmlRefusedError('xml_malformed', 'RequestSecurityToken has no BinarySecurityToken');
  }
  if (token?.['@ValueType'] !== undefined && token['@ValueType'] !== PKCS10) {
    throw new XmlRefusedError('xml_malformed', 'BinarySecurityToken is not a PKCS#10 request');
  }
  const context: Record<string, string> = {};
  for (const item of (child(rst, 'AdditionalContext')?.ContextItem as Node[] | undefined) ?? []) {
    const name = item['@Name'];
    const value = text(item.Value);
    if (typeof name === 'string' && value !== undefined) context[name] = value;
  }
  return { csrBase64, context };
}

function envelope(action: string, relatesTo: string, body: string, extraHeader = ''): string {
  return (
    '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" ' +
    'xmlns:a="http://www.w3.org/2005/08/addressing">' +
    `<s:Header><a:Action s:mustUnderstand="1">${action}</a:Action>` +
    `<a:RelatesTo>${escapeXml(relatesTo)}</a:RelatesTo>${extraHeader}</s:Header>` +
    `<s:Body>${body}</s:Body></s:Envelope>`
  );
}

/** DiscoverResponse: OnPremise authentication and where the two other services are. */
export function discoverResponse(relatesTo: string, baseUrl: string): string {
  return envelope(
    ACTIONS.discoverResponse,
    relatesTo,
    `<DiscoverResponse xmlns="${ENROLLMENT_NS}"><DiscoverResult>` +
      '<AuthPolicy>OnPremise</AuthPolicy><EnrollmentVersion>4.0</EnrollmentVersion>' +
      `<EnrollmentPolicyServiceUrl>${escapeXml(baseUrl)}/EnrollmentServer/Policy.svc` +
      '</EnrollmentPolicyServiceUrl>' +
      `<EnrollmentServiceUrl>${escapeXml(baseUrl)}/EnrollmentServer/Enrollment.svc` +
      '</EnrollmentServiceUrl></DiscoverResult></DiscoverResponse>',
  );
}

/** GetPoliciesResponse (MS-XCEP): one policy, 2048-bit keys, SHA-256 signatures. */
export function getPoliciesResponse(relatesTo: string): string {
  const nil = (name: string) => `<${name} xsi:nil="true"/>`;
  return envelope(
    ACTIONS.getPoliciesResponse,
    relatesTo,
    `<GetPoliciesResponse xmlns="${POLICY_NS}" ` +
      'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><response>' +
      `<policyID/>${nil('policyFriendlyName')}${nil('nextUpdateHours')}` +
      `${nil('policiesNotChanged')}<policies><policy>` +
      `<policyOIDReference>0</policyOIDReference>${nil('cAs')}<attributes>` +
      '<commonName>LatchDevice</commonName><policySchema>3</policySchema>' +
      '<certificateValidity><validityPeriodSeconds>31536000</validityPeriodSeconds>' +
      '<renewalPeriodSeconds>2592000</renewalPeriodSeconds></certificateValidity>' +
      '<permission><enroll>true</enroll><autoEnroll>false</autoEnroll></permission>' +
      '<privateKeyAttributes><minimalKeyLength>2048</minimalKeyLength>' +
      `${nil('keySpec')}${nil('keyUsageProperty')}${nil('permissions')}` +
      `${nil('algorithmOIDReference')}${nil('cryptoProviders')}</privateKeyAttributes>` +
      '<revision><majorRevision>101</majorRevision><minorRevision>0</minorRevision></revision>' +
      `${nil('supersededPolicies')}${nil('privateKeyFlags')}${nil('subjectNameFlags')}` +
      `${nil('enrollmentFlags')}${nil('generalFlags')}` +
      '<hashAlgorithmOIDReference>0</hashAlgorithmOIDReference>' +
      `${nil('rARequirements')}${nil('keyArchivalAttributes')}${nil('extensions')}` +
      `</attributes></policy></policies></response>${nil('cAs')}` +
      '<oIDs><oID><value>2.16.840.1.101.3.4.2.1</value><group>1</group>' +
      '<oIDReferenceID>0</oIDReferenceID><defaultName>szOID_NIST_sha256</defaultName>' +
      '</oID></oIDs></GetPoliciesResponse>',
  );
}

/** RequestSecurityTokenResponseCollection carrying the base64 provisioning document. */
export function requestTokenResponse(relatesTo: string, provisioningDoc: string, now: number) {
  const created = new Date(now).toISOString();
  const expires = new Date(now + 300_000).toISOString();
  const security =
    `<o:Security s:mustUnderstand="1" xmlns:o="${SECEXT_NS}">` +
    `<u:Timestamp u:Id="_0" xmlns:u="${UTILITY_NS}"><u:Created>${created}</u:Created>` +
    `<u:Expires>${expires}</u:Expires></u:Timestamp></o:Security>`;
  return envelope(
    ACTIONS.requestTokenResponse,
    relatesTo,
    `<RequestSecurityTokenResponseCollection xmlns="${TRUST_NS}">` +
      `<RequestSecurityTokenResponse><TokenType>${ENROLLMENT_TOKEN}</TokenType>` +
      `<DispositionMessage xmlns="${WSTEP_NS}"/>` +
      `<BinarySecurityToken ValueType="${PROVISION_DOC}" ` +
      `EncodingType="${SECEXT_NS}#base64binary" xmlns="${SECEXT_NS}">` +
      `${Buffer.from(provisioningDoc).toString('base64')}</BinarySecurityToken>` +
      `<RequestID xmlns="${WSTEP_NS}">0</RequestID></RequestSecurityTokenResponse>` +
      '</RequestSecurityTokenResponseCollection>',
    security,
  );
}

/** A SOAP fault ([MS-MDE2] §2.2.4): `code` is one of the spec's, e.g. `AuthenticationFailure`. */
export function soapFault(relatesTo: string, code: string, reason: string): string {
  return envelope(
    'http://www.w3.org/2005/08/addressing/soap/fault',
    relatesTo,
    '<s:Fault><s:Code><s:Value>s:Receiver</s:Value><s:Subcode>' +
      `<s:Value xmlns:e="${ENROLLMENT_NS}">e:${escapeXml(code)}</s:Value></s:Subcode></s:Code>` +
      `<s:Reason><s:Text xml:lang="en-US">${escapeXml(reason)}</s:Text></s:Reason></s:Fault>`,
  );
}

export { PKCS10, ENROLLMENT_TOKEN, WSTEP_NS, TRUST_NS, SECEXT_NS };
