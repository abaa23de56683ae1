/**
 * A Salesforce session of someone other than the bridge (a rep, an auditor): the OAuth web server flow
 * against the emulator, as the connected app, for looking at the org through the real API.
 */
import { Connection, OAuth2 } from 'jsforce';
import type { SalesforceEmulator } from '../../emulators/salesforce';

const REDIRECT_URI = 'http://127.0.0.1/oauth/callback';
export const SALESFORCE_API_VERSION = '62.0';

export async function salesforceSessionOf(
  emulator: SalesforceEmulator,
  username: string,
): Promise<Connection> {
  const oauth2 = new OAuth2({
    loginUrl: emulator.baseUrl,
    clientId: emulator.clientId,
    clientSecret: emulator.clientSecret,
    redirectUri: REDIRECT_URI,
  });
  const authorize = oauth2.getAuthorizationUrl({ scope: 'api id', state: 'look', login_hint: username });
  const response = await fetch(authorize, { redirect: 'manual' });
  await response.body?.cancel();
  const code = new URL(response.headers.get('location') ?? REDIRECT_URI).searchParams.get('code');
  if (!code) throw new Error(`the Salesforce emulator gave no code for ${username}`);
  const connection = new Connection({ oauth2, version: SALESFORCE_API_VERSION });
  await connection.authorize(code);
  return connection;
}
