/**
 * The installations table: one row per HubSpot portal that installed the app, with its Salesforce connection.
 *
 * Tokens are accepted and returned only as SealedToken (AES-256-GCM ciphertext, see src/auth/tokenCipher.ts);
 * a write of anything else throws, so a plain token can never reach the table. Connection states change only
 * through `applyEvent`, which runs the state machine in src/domain/installationState.ts.
 */
import crypto from 'node:crypto';
import { z } from 'zod';
import {
  CapabilityReportSchema,
  PropertiesReportSchema,
  type CapabilityReport,
  type PropertiesReport,
} from '../domain/installationReports';
import {
  hubspotConnectionStates,
  initialInstallationState,
  pauseOf,
  salesforceConnectionStates,
  statusOf,
  transition,
  type InstallationEvent,
  type InstallationState,
  type InstallationStatus,
  type PauseReason,
} from '../domain/installationState';
import { isSealedToken, type SealedToken } from '../domain/sealedToken';
import { inTransaction, lockForUpdate, type Queryable } from './support';

export const INSTALLATIONS = 'installations';

export interface InstallationRow {
  id: string;
  hubspot_portal_id: string;
  status: string;
  hubspot_state: string;
  hubspot_access_token: string | null;
  hubspot_refresh_token: string | null;
  hubspot_token_expires_at: number | null;
  hubspot_scopes: string | null;
  hubspot_user_id: string | null;
  hubspot_user_email: string | null;
  hubspot_hub_domain: string | null;
  hubspot_properties_report: string | null;
  salesforce_state: string;
  salesforce_environment: string | null;
  salesforce_login_url: string | null;
  salesforce_instance_url: string | null;
  salesforce_org_id: string | null;
  salesforce_user_id: string | null;
  salesforce_username: string | null;
  salesforce_access_token: string | null;
  salesforce_refresh_token: string | null;
  salesforce_scopes: string | null;
  salesforce_capabilities: string | null;
  salesforce_connected_at: number | null;
  salesforce_token_issued_at: number | null;
  salesforce_awaiting_confirmation: boolean | number;
  salesforce_connection_origin: string | null;
  sync_paused: boolean | number;
  paused_by_admin: boolean | number;
  pause_reason: string | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

export const salesforceEnvironments = ['production', 'sandbox'] as const;
export type SalesforceEnvironment = (typeof salesforceEnvironments)[number];

export const LastErrorSchema = z.object({
  side: z.enum(['hubspot', 'salesforce']),
  code: z.string(),
  message: z.string(),
  at: z.number().int(),
});
export type LastError = z.infer<typeof LastErrorSchema>;

/** A HubSpot user as a signed request or the install named them. */
export const HubSpotPersonSchema = z.object({
  userId: z.string().nullable(),
  email: z.string().nullable(),
});

/**
 * How a Salesforce connection was started. `install_page`: a link on the install page, followed in the
 * installer's own browser. `settings_link`: a link made from the settings page, which works in any browser,
 * so whoever held it may have connected.
 */
export const salesforceConnectionVias = ['install_page', 'settings_link'] as const;
export type SalesforceConnectionVia = (typeof salesforceConnectionVias)[number];

/** How the current Salesforce connection was made, and who confirmed it when it had to be confirmed. */
export const SalesforceConnectionOriginSchema = z.object({
  via: z.enum(salesforceConnectionVias),
  /** The HubSpot user who made the link: the installer, or the settings manager who asked for it. */
  requestedBy: HubSpotPersonSchema,
  /**
   * The org this installation was bound to before the connection (by a connection that needed no
   * confirmation or got one); null when this is its first.
   */
  previousOrgId: z.string().nullable(),
  confirmedBy: HubSpotPersonSchema.nullable(),
  confirmedAt: z.number().int().nullable(),
});
export type SalesforceConnectionOrigin = z.infer<typeof SalesforceConnectionOriginSchema>;

/** The columns a caller may change; states change only through `applyEvent`. */
export interface InstallationPatch {
  hubspotAccessToken?: SealedToken | null;
  hubspotRefreshToken?: SealedToken | null;
  hubspotTokenExpiresAt?: number | null;
  hubspotScopes?: string[];
  hubspotUserId?: string | null;
  hubspotUserEmail?: string | null;
  hubspotHubDomain?: string | null;
  hubspotPropertiesReport?: PropertiesReport | null;
  salesforceEnvironment?: SalesforceEnvironment | null;
  salesforceLoginUrl?: string | null;
  salesforceInstanceUrl?: string | null;
  salesforceOrgId?: string | null;
  salesforceUserId?: string | null;
  salesforceUsername?: string | null;
  salesforceAccessToken?: SealedToken | null;
  salesforceRefreshToken?: SealedToken | null;
  salesforceScopes?: string[];
  salesforceCapabilities?: CapabilityReport | null;
  salesforceConnectedAt?: number | null;
  salesforceTokenIssuedAt?: number | null;
  salesforceConnectionOrigin?: SalesforceConnectionOrigin | null;
  lastError?: LastError | null;
}

export interface Installation {
  id: string;
  portalId: string;
  status: InstallationStatus;
  state: InstallationState;
  syncPaused: boolean;
  pauseReason: PauseReason | null;
  hubspot: {
    accessToken: SealedToken | null;
    refreshToken: SealedToken | null;
    tokenExpiresAt: number | null;
    scopes: string[];
    userId: string | null;
    userEmail: string | null;
    hubDomain: string | null;
    propertiesReport: PropertiesReport | null;
  };
  salesforce: {
    environment: SalesforceEnvironment | null;
    loginUrl: string | null;
    instanceUrl: string | null;
    orgId: string | null;
    userId: string | null;
    username: string | null;
    accessToken: SealedToken | null;
    refreshToken: SealedToken | null;
    scopes: string[];
    capabilities: CapabilityReport | null;
    connectedAt: number | null;
    tokenIssuedAt: number | null;
    connectionOrigin: SalesforceConnectionOrigin | null;
  };
  lastError: LastError | null;
  createdAt: number;
  updatedAt: number;
}

const StoredState = z.object({
  hubspot: z.enum(hubspotConnectionStates),
  salesforce: z.enum(salesforceConnectionStates),
});

function json<T>(schema: z.ZodType<T>, text: string | null): T | null {
  if (text === null) return null;
  // A report written by an older version that no longer parses is shown as absent, not as a crash.
  const parsed = schema.safeParse(JSON.parse(text));
  return parsed.success ? parsed.data : null;
}

const scopesOf = (text: string | null): string[] => (text ? text.split(' ').filter(Boolean) : []);
const sealed = (value: string | null): SealedToken | null => (isSealedToken(value) ? value : null);
const num = (value: number | null): number | null => (value === null ? null : Number(value));

export function fromRow(row: InstallationRow): Installation {
  const states = StoredState.parse({ hubspot: row.hubspot_state, salesforce: row.salesforce_state });
  const state: InstallationState = {
    ...states,
    awaitingConfirmation: Boolean(row.salesforce_awaiting_confirmation),
    pausedByAdmin: Boolean(row.paused_by_admin),
  };
  const { syncPaused, pauseReason } = pauseOf(state);
  return {
    id: row.id,
    portalId: row.hubspot_portal_id,
    status: statusOf(state),
    state,
    syncPaused,
    pauseReason,
    hubspot: {
      accessToken: sealed(row.hubspot_access_token),
      refreshToken: sealed(row.hubspot_refresh_token),
      tokenExpiresAt: num(row.hubspot_token_expires_at),
      scopes: scopesOf(row.hubspot_scopes),
      userId: row.hubspot_user_id,
      userEmail: row.hubspot_user_email,
      hubDomain: row.hubspot_hub_domain,
      propertiesReport: json(PropertiesReportSchema, row.hubspot_properties_report),
    },
    salesforce: {
      environment: z.enum(salesforceEnvironments).nullable().parse(row.salesforce_environment),
      loginUrl: row.salesforce_login_url,
      instanceUrl: row.salesforce_instance_url,
      orgId: row.salesforce_org_id,
      userId: row.salesforce_user_id,
      username: row.salesforce_username,
      accessToken: sealed(row.salesforce_access_token),
      refreshToken: sealed(row.salesforce_refresh_token),
      scopes: scopesOf(row.salesforce_scopes),
      capabilities: json(CapabilityReportSchema, row.salesforce_capabilities),
      connectedAt: num(row.salesforce_connected_at),
      tokenIssuedAt: num(row.salesforce_token_issued_at),
      connectionOrigin: json(SalesforceConnectionOriginSchema, row.salesforce_connection_origin),
    },
    lastError: json(LastErrorSchema, row.last_error),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

function token(column: string, value: SealedToken | null): string | null {
  if (value !== null && !isSealedToken(value)) {
    throw new Error(`refusing to store an unsealed token in installations.${column}`);
  }
  return value;
}

/** The row columns for a patch; only keys present in the patch are written. */
export function toRowPatch(patch: InstallationPatch): Partial<InstallationRow> {
  const row: Partial<InstallationRow> = {};
  const set = <K extends keyof InstallationPatch>(
    key: K,
    apply: (value: NonNullable<InstallationPatch[K]> | null) => void,
  ) => {
    if (key in patch) apply((patch[key] ?? null) as NonNullable<InstallationPatch[K]> | null);
  };
  set('hubspotAccessToken', (v) => (row.hubspot_access_token = token('hubspot_access_token', v)));
  set('hubspotRefreshToken', (v) => (row.hubspot_refresh_token = token('hubspot_refresh_token', v)));
  set('hubspotTokenExpiresAt', (v) => (row.hubspot_token_expires_at = v));
  set('hubspotScopes', (v) => (row.hubspot_scopes = v ? v.join(' ') : null));
  set('hubspotUserId', (v) => (row.hubspot_user_id = v));
  set('hubspotUserEmail', (v) => (row.hubspot_user_email = v));
  set('hubspotHubDomain', (v) => (row.hubspot_hub_domain = v));
  set('hubspotPropertiesReport', (v) => (row.hubspot_properties_report = v ? JSON.stringify(v) : null));
  set('salesforceEnvironment', (v) => (row.salesforce_environment = v));
  set('salesforceLoginUrl', (v) => (row.salesforce_login_url = v));
  set('salesforceInstanceUrl', (v) => (row.salesforce_instance_url = v));
  set('salesforceOrgId', (v) => (row.salesforce_org_id = v));
  set('salesforceUserId', (v) => (row.salesforce_user_id = v));
  set('salesforceUsername', (v) => (row.salesforce_username = v));
  set('salesforceAccessToken', (v) => (row.salesforce_access_token = token('salesforce_access_token', v)));
  set('salesforceRefreshToken', (v) => (row.salesforce_refresh_token = token('salesforce_refresh_token', v)));
  set('salesforceScopes', (v) => (row.salesforce_scopes = v ? v.join(' ') : null));
  set('salesforceCapabilities', (v) => (row.salesforce_capabilities = v ? JSON.stringify(v) : null));
  set('salesforceConnectedAt', (v) => (row.salesforce_connected_at = v));
  set('salesforceTokenIssuedAt', (v) => (row.salesforce_token_issued_at = v));
  set('salesforceConnectionOrigin', (v) => (row.salesforce_connection_origin = v ? JSON.stringify(v) : null));
  set('lastError', (v) => (row.last_error = v ? JSON.stringify(v) : null));
  return row;
}

function stateColumns(state: InstallationState): Partial<InstallationRow> {
  const { syncPaused, pauseReason } = pauseOf(state);
  return {
    hubspot_state: state.hubspot,
    salesforce_state: state.salesforce,
    salesforce_awaiting_confirmation: state.awaitingConfirmation,
    paused_by_admin: state.pausedByAdmin,
    status: statusOf(state),
    sync_paused: syncPaused,
    pause_reason: pauseReason,
  };
}

export function newInstallationId(): string {
  return crypto.randomUUID();
}

export async function findById(db: Queryable, id: string): Promise<Installation | null> {
  const row = await db<InstallationRow>(INSTALLATIONS).where({ id }).first();
  return row ? fromRow(row) : null;
}

export async function findByPortalId(db: Queryable, portalId: string): Promise<Installation | null> {
  const row = await db<InstallationRow>(INSTALLATIONS).where({ hubspot_portal_id: portalId }).first();
  return row ? fromRow(row) : null;
}

export async function list(db: Queryable): Promise<Installation[]> {
  const rows = await db<InstallationRow>(INSTALLATIONS).orderBy('created_at', 'asc');
  return rows.map(fromRow);
}

/** A portal's first install. Throws on a duplicate portal (the caller reinstalls instead). */
export async function insert(
  db: Queryable,
  input: { id: string; portalId: string; now: number; patch: InstallationPatch },
): Promise<Installation> {
  await db<InstallationRow>(INSTALLATIONS).insert({
    id: input.id,
    hubspot_portal_id: input.portalId,
    ...stateColumns(initialInstallationState),
    ...toRowPatch(input.patch),
    created_at: input.now,
    updated_at: input.now,
  });
  const created = await findById(db, input.id);
  if (!created) throw new Error(`installation ${input.id} vanished right after insert`);
  return created;
}

/** Writes columns that do not change the connection states (refreshed tokens, reports, last error). */
export async function update(
  db: Queryable,
  id: string,
  now: number,
  patch: InstallationPatch,
): Promise<void> {
  await db<InstallationRow>(INSTALLATIONS)
    .where({ id })
    .update({ ...toRowPatch(patch), updated_at: now });
}

/** The refresh token a refresh used, as read before calling the provider. */
export interface TokenExpectation {
  side: 'hubspot' | 'salesforce';
  refreshToken: SealedToken;
}

/**
 * Writes refreshed tokens only if that side is still connected and still holds the refresh token the refresh
 * used, in one statement: a disconnect, an uninstall or a reconnect that happened while the provider was
 * answering wins, and the refresh's tokens are not written back. False when nothing was written.
 */
export async function updateTokensIfCurrent(
  db: Queryable,
  id: string,
  now: number,
  expected: TokenExpectation,
  patch: InstallationPatch,
): Promise<boolean> {
  const query = db<InstallationRow>(INSTALLATIONS).where({ id });
  if (expected.side === 'hubspot') {
    query.where({ hubspot_state: 'connected', hubspot_refresh_token: expected.refreshToken });
  } else {
    query.where({ salesforce_state: 'connected', salesforce_refresh_token: expected.refreshToken });
  }
  const updated = await query.update({ ...toRowPatch(patch), updated_at: now });
  return updated === 1;
}

export const tokenColumns = [
  'hubspot_access_token',
  'hubspot_refresh_token',
  'salesforce_access_token',
  'salesforce_refresh_token',
] as const;
export type TokenColumnName = (typeof tokenColumns)[number];

/**
 * Replaces one sealed token with the same token sealed anew (a key rotation), only if the column still holds
 * the value read: a refresh that stored a new token meanwhile wins. False when nothing was written.
 */
export async function replaceSealedToken(
  db: Queryable,
  id: string,
  column: TokenColumnName,
  previous: SealedToken,
  next: SealedToken,
): Promise<boolean> {
  if (!isSealedToken(next)) throw new Error(`refusing to store an unsealed token in installations.${column}`);
  const updated = await db<InstallationRow>(INSTALLATIONS)
    .where({ id, [column]: previous })
    .update({ [column]: next });
  return updated === 1;
}

/** Whether the installation still holds the refresh token a refresh used (for the side it names). */
export function holdsRefreshToken(installation: Installation, expected: TokenExpectation): boolean {
  const stored =
    expected.side === 'hubspot' ? installation.hubspot.refreshToken : installation.salesforce.refreshToken;
  return stored === expected.refreshToken;
}

export type ApplyEventResult =
  | { ok: true; installation: Installation; previous: Installation }
  | { ok: false; reason: string; installation: Installation | null };

/**
 * Runs one lifecycle event in a transaction: reads the row (locked on PostgreSQL), applies the transition,
 * writes the new states with `patch`. An illegal move changes nothing and says why. `patch` may be a
 * function of the row as it was read inside the transaction; `onlyIf` refuses the event (changing nothing)
 * when that row no longer is what the caller decided on.
 */
export async function applyEvent(
  db: Queryable,
  id: string,
  event: InstallationEvent,
  now: number,
  patch: InstallationPatch | ((current: Installation) => InstallationPatch) = {},
  options: { onlyIf?: (current: Installation) => boolean } = {},
): Promise<ApplyEventResult> {
  return inTransaction(db, async (trx) => {
    const row = await lockForUpdate(trx, trx<InstallationRow>(INSTALLATIONS).where({ id })).first();
    if (!row) return { ok: false, reason: `installation ${id} does not exist`, installation: null };
    const previous = fromRow(row);
    if (options.onlyIf && !options.onlyIf(previous)) {
      return { ok: false, reason: 'the installation changed meanwhile', installation: previous };
    }
    const next = transition(previous.state, event);
    if (!next.ok) return { ok: false, reason: next.reason, installation: previous };
    const changes = typeof patch === 'function' ? patch(previous) : patch;
    await trx<InstallationRow>(INSTALLATIONS)
      .where({ id })
      .update({ ...stateColumns(next.state), ...toRowPatch(changes), updated_at: now });
    const updated = await trx<InstallationRow>(INSTALLATIONS).where({ id }).first();
    if (!updated) throw new Error(`installation ${id} vanished inside its own transaction`);
    return { ok: true, installation: fromRow(updated), previous };
  });
}
