import type { InstallContext } from '../src/install/context';

/** Everything the HTTP app needs; tests build it around emulators and a test database. */
export interface AppDeps {
  context: InstallContext;
  /** Bearer token for the operator endpoints. */
  opsToken: string;
}

export const isSecureOrigin = (deps: AppDeps): boolean =>
  deps.context.app.publicBaseUrl.startsWith('https://');
