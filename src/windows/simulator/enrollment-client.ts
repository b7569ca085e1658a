import 'reflect-metadata';
import { randomUUID, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { XmlRefusedError, hardenedParser, parseHardened } from '../hardened-xml.js';
import { DEFAULT_XML_LIMITS } from '../hardened-xml.js';
import { ACTIONS, ENROLLMENT_TOKEN, PKCS10, SECEXT_NS, TRUST_NS } from '../enrollment-messages.js';
import { escapeXml } from '../hardened-xml.js';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

/** A key pair and its PKCS#10 request, as the Windows enrolment client makes them. */
export async function createCertificateRequest(deviceId: string) {
  const keys = (await webcrypto.subtle.generateKey(ALGORITHM, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: `CN=${deviceId}`,
    keys,
    signingAlgorithm: ALGORITHM,
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const keyPem = `-----BEGIN PRIVATE KEY-----\n${pkcs8.toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END PRIVATE KEY-----\n`;
  return { csrBase64: Buffer.from(csr.rawData).toString('base64'), keyPem };
}

function soap(action: string, url: string, header: string, body: string): string {
  return (
    '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" ' +
    'xmlns:a="http://www.w3.org/2005/08/addressing">' +
    `<s:Header><a:Action s:mustUnderstand="1">${action}</a:Action>` +
    `<a:MessageID>urn:uuid:${randomUUID()}</a:MessageID>` +
    `<a:To s:mustUnderstand="1">${escapeXml(url)}</a:To>${header}</s:Header>` +
    `<s:Body>${body}</s:Body></s:Envelope>`
  );
}

function usernameToken(user: string, password: string): string {
  return (
    `<wsse:Security xmlns:wsse="${SECEXT_NS}" s:mustUnderstand="1"><wsse:UsernameToken>` +
    `<wsse:Username>${escapeXml(user)}</wsse:Username>` +
    `<wsse:Password>${escapeXml(password)}</wsse:Password></wsse:UsernameToken></wsse:Security>`
  );
}

/** The Discover request of [MS-MDE2] §3.1.4.1. */
export function discoverRequest(url: string, email: string): string {
  return soap(
    ACTIONS.discover,
    url,
    '',
    '<Discover xmlns="http://schemas.microsoft.com/windows/management/2012/01/enrollment">' +
      `<request><EmailAddress>${escapeXml(email)}</EmailAddress>` +
      '<RequestVersion>4.0</RequestVersion><DeviceType>CIMClient_Windows</DeviceType>' +
      '<ApplicationVersion>10.0.22631.0</ApplicationVersion><OSEdition>4</OSEdition>' +
      '<AuthPolicies><AuthPolicy>OnPremise</AuthPolicy></AuthPolicies></request></Discover>',
  );
}

/** The MS-XCEP GetPolicies request. */
export function getPoliciesRequest(url: string, email: string, token: string): string {
  return soap(
    ACTIONS.getPolicies,
    url,
    usernameToken(email, token),
    '<GetPolicies xmlns="http://schemas.microsoft.com/windows/pki/2009/01/enrollmentpolicy">' +
      '<client><lastUpdate xsi:nil="true" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>' +
      '<preferredLanguage xsi:nil="true" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>' +
      '</client><requestFilter xsi:nil="true" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>' +
      '</GetPolicies>',
  );
}

/** The MS-WSTEP RequestSecurityToken with the CSR and the device's AdditionalContext. */
export function requestSecurityToken(
  url: string,
  email: string,
  token: string,
  csrBase64: string,
  context: Record<string, string>,
): string {
  const items = Object.entries(context)
    .map(
      ([name, value]) =>
        `<ac:ContextItem Name="${escapeXml(name)}"><ac:Value>${escapeXml(value)}</ac:Value></ac:ContextItem>`,
    )
    .join('');
  return soap(
    ACTIONS.requestToken,
    url,
    usernameToken(email, token),
    `<wst:RequestSecurityToken xmlns:wst="${TRUST_NS}">` +
      `<wst:TokenType>${ENROLLMENT_TOKEN}</wst:TokenType>` +
      '<wst:RequestType>http://docs.oasis-open.org/ws-sx/ws-trust/200512/Issue</wst:RequestType>' +
      `<wsse:BinarySecurityToken xmlns:wsse="${SECEXT_NS}" ValueType="${PKCS10}" ` +
      `EncodingType="${SECEXT_NS}#base64binary">${csrBase64}</wsse:BinarySecurityToken>` +
      '<ac:AdditionalContext xmlns:ac="http://schemas.xmlsoap.org/ws/2006/12/authorization">' +
      `${items}</ac:AdditionalContext></wst:RequestSecurityToken>`,
  );
}

const parser = hardenedParser(new Set(['characteristic', 'parm']), DEFAULT_XML_LIMITS);
type Node = Record<string, unknown>;

/** What a device keeps from the enrolment answer: its certificate and the server address. */
export interface ProvisionedIdentity {
  certificatePem: string;
  managementUrl: string;
}

function findCharacteristic(nodes: Node[] | undefined, type: string): Node | undefined {
  return nodes?.find((n) => n['@type'] === type);
}

/** Reads the issued certificate and the w7 ADDR out of a RequestSecurityTokenResponse. */
export function readProvisioning(responseXml: string): ProvisionedIdentity {
  const response = parseHardened(parser, responseXml, DEFAULT_XML_LIMITS) as Node;
  const body = ((response.Envelope as Node | undefined)?.Body ?? {}) as Node;
  const collection = (body.RequestSecurityTokenResponseCollection ?? {}) as Node;
  const rstr = (collection.RequestSecurityTokenResponse ?? {}) as Node;
  const token = rstr.BinarySecurityToken as Node | undefined;
  const encodedDoc = token?.['#text'];
  if (typeof encodedDoc !== 'string') {
    throw new XmlRefusedError('xml_malformed', 'no provisioning document');
  }
  const document = Buffer.from(encodedDoc, 'base64').toString('utf8');
  const doc = (parseHardened(parser, document, DEFAULT_XML_LIMITS) as Node)[
    'wap-provisioningdoc'
  ] as Node;
  const top = doc.characteristic as Node[];
  const stores = findCharacteristic(top, 'CertificateStore');
  const my = findCharacteristic(stores?.characteristic as Node[], 'My');
  const store = (my?.characteristic as Node[] | undefined)?.[0];
  const certificate = (store?.characteristic as Node[] | undefined)?.find(
    (n) => n['@type'] !== 'PrivateKeyContainer',
  );
  const encoded = (certificate?.parm as Node[] | undefined)?.[0]?.['@value'];
  const application = findCharacteristic(top, 'APPLICATION');
  const appAddr = findCharacteristic(application?.characteristic as Node[], 'APPADDR');
  const addr = (appAddr?.parm as Node[] | undefined)?.find((p) => p['@name'] === 'ADDR');
  if (typeof encoded !== 'string' || typeof addr?.['@value'] !== 'string') {
    throw new XmlRefusedError('xml_malformed', 'provisioning document lacks certificate or ADDR');
  }
  const lines = encoded.replace(/(.{64})/g, '$1\n');
  return {
    certificatePem: `-----BEGIN CERTIFICATE-----\n${lines}\n-----END CERTIFICATE-----\n`,
    managementUrl: addr['@value'],
  };
}
