// @peculiar/x509 resolves its services through tsyringe, which needs the Reflect metadata API
// loaded before it; importing the library through this module guarantees the order.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as Crypto);

/** @peculiar/x509, ready to use with Node's WebCrypto. Import it from here, never directly. */
export { x509 };
