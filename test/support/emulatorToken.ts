// A Graph token from the emulator through a raw client-credentials request (no MSAL), as a client
// that is not TenantVault asks for one.
import { type Agent, fetch } from 'undici';

export interface AppCredentials {
  azureTenantId: string;
  clientId: string;
  clientSecret: string;
}

/** The token endpoint's answer, whatever its status. */
export async function requestEmulatorToken(
  baseUrl: string,
  agent: Agent,
  app: AppCredentials,
  secret = app.clientSecret,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${baseUrl}/${app.azureTenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    dispatcher: agent,
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: app.clientId,
      client_secret: secret,
      scope: 'https://graph.microsoft.com/.default',
    }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** An access token for the app. */
export async function emulatorToken(baseUrl: string, agent: Agent, app: AppCredentials): Promise<string> {
  return String((await requestEmulatorToken(baseUrl, agent, app)).body.access_token);
}
