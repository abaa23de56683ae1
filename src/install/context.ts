import type { Credentials } from '../auth/credentials';
import type { BridgeContext } from '../auth/bridgeContext';

/** The install flow's dependencies: the shared context plus the credentials module (for clients after connecting). */
export interface InstallContext extends BridgeContext {
  credentials: Credentials;
}
