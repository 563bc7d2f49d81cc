import { Agent, fetch } from 'undici';

// A client of the emulator's admin API for processes that run the emulator as a child
// (`npm run dev`): they cannot call its in-process methods.

export async function adminRequest(
  baseUrl: string,
  caPem: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  const agent = new Agent({ connect: { ca: caPem } });
  try {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      dispatcher: agent,
      ...(body !== undefined
        ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }
        : {}),
    });
    const text = await response.text();
    if (!response.ok)
      throw new Error(`emulator admin ${method} ${path} answered ${response.status}: ${text}`);
    return text ? JSON.parse(text) : undefined;
  } finally {
    await agent.close();
  }
}

/** The hand-written demo tenant, with `extrasPerType` generated objects of the types it lacks. */
export function seedDemoTenant(baseUrl: string, caPem: string, extrasPerType: number): Promise<unknown> {
  return adminRequest(baseUrl, caPem, 'POST', '/_emulator/demo-tenant', { extrasPerType });
}
