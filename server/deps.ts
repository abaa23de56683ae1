import type { AppContext } from '../src/app/appContext';

/**
 * Everything the HTTP app needs: the app context (src/app/appContext.ts: the database, the install flow, the
 * budget and the caches every endpoint of this process shares, the engine API) and the operator token. Tests
 * build it around emulators and a test database.
 */
export interface AppDeps {
  context: AppContext;
  /** Bearer token for the operator endpoints. */
  opsToken: string;
}

export const isSecureOrigin = (deps: AppDeps): boolean =>
  deps.context.app.publicBaseUrl.startsWith('https://');
