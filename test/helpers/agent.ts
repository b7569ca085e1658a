import type { TestApp } from './app.js';

/** A fresh enrolment token, made through the admin API. */
export async function newEnrollmentToken(app: TestApp, maxUses = 10): Promise<string> {
  const created = await app.api('/api/v1/enrollment-tokens', {
    method: 'POST',
    body: { name: `agents ${Math.random()}`, maxUses },
  });
  if (created.status !== 201) throw new Error(`token not created: ${created.status}`);
  return (created.body as { token: string }).token;
}

/** Enrols an agent over HTTP; answers the response as is. */
export function enrollAgent(app: TestApp, token: string, fields: Record<string, unknown> = {}) {
  return app.api('/agent/v1/enroll', {
    method: 'POST',
    headers: { authorization: '' },
    body: {
      enrollmentToken: token,
      platform: 'macos',
      serialNumber: 'C02TEST0001',
      hardwareUuid: '6B29FC40-CA47-1067-B31D-00DD010662DA',
      osVersion: '14.5',
      agentVersion: '1.4.2',
      trayVersion: '1.2.0',
      ...fields,
    },
  });
}

/** An agent API call with the device secret as Bearer. */
export function agentApi(
  app: TestApp,
  secret: string,
  path: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
) {
  return app.api(path, {
    ...init,
    headers: { authorization: `Bearer ${secret}`, ...init.headers },
  });
}
