/** Response shapes of the control API. */

import type { OrgKind, OrgSettings, UserRole } from '../core/org';

export interface UserInfo {
  id: string;
  username: string;
  name: string;
  email: string;
  role: UserRole;
  isActive: boolean;
}

export interface OrgInfo {
  id: string;
  name: string;
  kind: OrgKind;
  /** The jsforce `loginUrl` for this org: the base URL, plus `/sandbox` for sandboxes. */
  loginUrl: string;
  instanceUrl: string;
  settings: OrgSettings;
  users: UserInfo[];
  apiUsage: { used: number; limit: number };
}

export interface GrantInfo {
  username: string;
  createdAtMs: number;
  lastUsedMs: number;
}

export interface CallCounts {
  total: number;
  /** Keyed `METHOD /route/pattern`, e.g. `PATCH /services/data/vXX.X/composite/sobjects`. */
  byRoute: Record<string, number>;
  /** The same calls per object touched (`Contact`, `Contact+Lead`, `(none)`), then per route. */
  byObject: Record<string, Record<string, number>>;
}

export interface FaultInfo {
  id: number;
  kind: string;
  remaining: number;
  route?: string;
  method?: string;
  sobject?: string;
  orgId?: string;
}

export type ApiRecord = Record<string, unknown> & { attributes: { type: string; url: string }; Id: string };

export interface ConvertLeadResult {
  leadId: string;
  accountId: string;
  contactId: string;
  opportunityId: string | null;
}

export interface MergeResult {
  masterId: string;
  mergedIds: string[];
  updatedRelatedIds: string[];
}

export interface SeedResult {
  users: string[];
  accounts: string[];
  contacts: string[];
  leads: string[];
  convertedLeads: string[];
  opportunities: string[];
}

export interface ControlErrorBody {
  error: { code: string; message: string; details?: unknown };
}
