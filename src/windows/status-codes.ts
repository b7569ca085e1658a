/**
 * OMA-DM status codes a Windows device answers commands with (OMA-DM Representation Protocol
 * §"Response status codes"; [MS-MDM] §2.2.7), each with its meaning in words and whether the
 * command is done (`acknowledged`) or failed (`error`) on the Latch queue.
 */
export interface StatusMeaning {
  outcome: 'acknowledged' | 'error';
  meaning: string;
}

const MEANINGS: Record<number, string> = {
  200: 'OK: the command was carried out',
  202: 'accepted for processing: the device runs it in the background',
  204: 'no content: carried out, nothing to return',
  213: 'chunked item accepted and buffered',
  214: 'operation cancelled',
  215: 'not executed: the user or an earlier failure stopped it',
  216: 'atomic roll back OK',
  400: 'bad request: the command was malformed',
  401: 'invalid credentials',
  403: 'forbidden',
  404: 'not found: the node does not exist or the CSP is not supported on this edition',
  405: 'command not allowed on this node',
  406: 'optional feature not supported',
  407: 'authentication required',
  413: 'request entity too large',
  415: 'unsupported media type or format',
  418: 'already exists',
  424: 'size mismatch',
  425: 'permission denied',
  500: 'command failed on the device',
  507: 'atomic failed: the commands in the Atomic were rolled back',
  516: 'atomic roll back failed',
};

/** Maps a code to its queue outcome; 2xx other than 214–216 is success, everything else fails. */
export function describeStatus(code: number): StatusMeaning {
  const success = code >= 200 && code < 300 && code !== 214 && code !== 215 && code !== 216;
  const meaning = MEANINGS[code] ?? (success ? 'success' : `device error ${code}`);
  return { outcome: success ? 'acknowledged' : 'error', meaning };
}
