/**
 * OAuth `state` values and connect links: random single-use nonces, stored as hashes, valid for ten minutes.
 *
 * A state for an OAuth redirect is also bound to the browser that started the flow (a random cookie, stored
 * as a hash), so a callback completed in another browser (say, a portal admin following a Salesforce
 * authorize link that belongs to another portal's connection) is refused instead of connecting the wrong
 * accounts. A connect link made on the install page is bound the same way, to the installer's browser; one
 * made from the settings page is not (it is meant to be opened wherever the Salesforce admin is), and says
 * so in its payload, so the connection it makes waits for a confirmation in HubSpot.
 *
 * The HubSpot install starts from a link anyone may open, so its state is self-contained instead: nonce,
 * browser binding and expiry sealed together (AES-256-GCM under the token key), stored nowhere. Only its use
 * is recorded, once HubSpot has accepted the authorization code that came with it, so requests that never
 * complete an install (a crawler, a loop of requests) add no row.
 */
import crypto from 'node:crypto';
import { z } from 'zod';
import type { BridgeContext } from '../auth/bridgeContext';
import * as oauthStates from '../db/oauthStates';
import { HubSpotPersonSchema, salesforceConnectionVias, salesforceEnvironments } from '../db/installations';
import { isSealedToken } from '../auth/tokenCipher';
import { err, ok, type Result } from '../domain/result';
import { InstallError, type Provider } from './errors';

export const STATE_TTL_MS = 10 * 60_000;
/** Used nonces stay a day after expiry, so a replay is recognised as one rather than as unknown. */
const KEEP_AFTER_EXPIRY_MS = 24 * 60 * 60_000;

/** Where a connect link came from and who made it; states issued before links said so count as unbound. */
const linkOrigin = {
  via: z.enum(salesforceConnectionVias).default('settings_link'),
  requestedBy: HubSpotPersonSchema.default({ userId: null, email: null }),
};

const payloadSchemas = {
  /**
   * Salesforce authorize: bound to the browser, to one installation, one portal and one login host, with the
   * PKCE verifier sealed (states issued before PKCE have none, and complete without it), and the origin of
   * the link it was started from.
   */
  salesforce: z.object({
    browser: z.string().length(64),
    portalId: z.string().min(1),
    environment: z.enum(salesforceEnvironments),
    codeVerifier: z.string().refine(isSealedToken, 'not a sealed value').optional(),
    ...linkOrigin,
  }),
  /**
   * A link that starts a Salesforce connection for one installation: made on the install page (bound to the
   * installer's browser), from the settings page (no browser), or as a retry after a failed attempt (bound
   * to the browser of that attempt, same origin).
   */
  salesforce_link: z.object({
    portalId: z.string().min(1),
    browser: z.string().length(64).optional(),
    ...linkOrigin,
  }),
} as const;

export type StateKind = keyof typeof payloadSchemas;
export type StatePayload<K extends StateKind> = z.infer<(typeof payloadSchemas)[K]>;

export const stateRejections = ['missing', 'unknown', 'expired', 'reused', 'wrong_browser'] as const;
export type StateRejection = (typeof stateRejections)[number];

export function newNonce(): string {
  return crypto.randomBytes(32).toString('base64url');
}

export function hashNonce(nonce: string): string {
  return crypto.createHash('sha256').update(nonce, 'utf8').digest('hex');
}

/** Stores a new nonce; returns the nonce itself (the only copy) and its expiry. */
export async function issueState<K extends StateKind>(
  ctx: Pick<BridgeContext, 'db' | 'now'>,
  kind: K,
  installationId: string | null,
  payload: StatePayload<K>,
): Promise<{ nonce: string; expiresAt: number }> {
  const now = ctx.now();
  await oauthStates.deleteExpired(ctx.db, now - KEEP_AFTER_EXPIRY_MS);
  const nonce = newNonce();
  const expiresAt = now + STATE_TTL_MS;
  await oauthStates.insert(ctx.db, {
    nonceHash: hashNonce(nonce),
    kind,
    installationId,
    payload: JSON.stringify(payloadSchemas[kind].parse(payload)),
    expiresAt,
    createdAt: now,
  });
  return { nonce, expiresAt };
}

export interface IssuedState<K extends StateKind> {
  nonceHash: string;
  installationId: string | null;
  payload: StatePayload<K>;
  expiresAt: number;
}

/**
 * Uses a nonce up. A nonce is consumed even when the browser check then fails, so one that leaked cannot be
 * tried again. `browserId` is the caller's browser cookie, for kinds bound to a browser.
 */
export async function consumeState<K extends StateKind>(
  ctx: Pick<BridgeContext, 'db' | 'now'>,
  kind: K,
  nonce: string | undefined,
  browserId: string | undefined,
): Promise<Result<IssuedState<K>, StateRejection>> {
  const stored = await findUsable(ctx, kind, nonce);
  if (!stored.ok) return stored;
  if (!(await oauthStates.markConsumed(ctx.db, stored.value.nonceHash, ctx.now()))) return err('reused');
  return checkPayload(kind, stored.value, browserId);
}

/**
 * What `consumeState` would answer, without using the nonce up or writing anything: for a page that shows
 * what following a link will do before the person decides.
 */
export async function peekState<K extends StateKind>(
  ctx: Pick<BridgeContext, 'db' | 'now'>,
  kind: K,
  nonce: string | undefined,
  browserId: string | undefined,
): Promise<Result<IssuedState<K>, StateRejection>> {
  const stored = await findUsable(ctx, kind, nonce);
  if (!stored.ok) return stored;
  return checkPayload(kind, stored.value, browserId);
}

async function findUsable(
  ctx: Pick<BridgeContext, 'db' | 'now'>,
  kind: StateKind,
  nonce: string | undefined,
): Promise<Result<oauthStates.OAuthState, StateRejection>> {
  if (!nonce) return err('missing');
  const stored = await oauthStates.findByHash(ctx.db, hashNonce(nonce));
  if (!stored || stored.kind !== kind) return err('unknown');
  if (stored.consumedAt !== null) return err('reused');
  if (stored.expiresAt <= ctx.now()) return err('expired');
  return ok(stored);
}

function checkPayload<K extends StateKind>(
  kind: K,
  stored: oauthStates.OAuthState,
  browserId: string | undefined,
): Result<IssuedState<K>, StateRejection> {
  const payload = payloadSchemas[kind].safeParse(JSON.parse(stored.payload ?? 'null'));
  if (!payload.success) return err('unknown');
  const boundTo = (payload.data as { browser?: unknown }).browser;
  if (typeof boundTo === 'string' && !sameBrowser(boundTo, browserId)) return err('wrong_browser');
  return ok({
    nonceHash: stored.nonceHash,
    installationId: stored.installationId,
    payload: payload.data as StatePayload<K>,
    expiresAt: stored.expiresAt,
  });
}

/** The stored form of a browser cookie. */
export function browserBinding(browserId: string): string {
  return hashNonce(`browser:${browserId}`);
}

function sameBrowser(boundHash: string, browserId: string | undefined): boolean {
  if (!browserId) return false;
  const expected = Buffer.from(boundHash, 'utf8');
  const actual = Buffer.from(browserBinding(browserId), 'utf8');
  return expected.length === actual.length && crypto.timingSafeEqual(expected, actual);
}

/** What a HubSpot install state seals; `kind` of its use in oauth_states. */
const InstallStateSchema = z.object({
  nonce: z.string().min(16),
  browser: z.string().length(64),
  expiresAt: z.number().int(),
});
const INSTALL_STATE_KIND = 'hubspot';
const INSTALL_STATE_CONTEXT = 'oauth_states/hubspot_install';

/** A HubSpot install state that checked out, to be used up once HubSpot accepts the code it came with. */
export interface InstallStateTicket {
  nonceHash: string;
  expiresAt: number;
  /** The browser cookie the state was bound to, which this request carried. */
  browserId: string;
}

/** A state for the HubSpot install, bound to this browser; nothing is stored. */
export function issueInstallState(
  ctx: Pick<BridgeContext, 'cipher' | 'now'>,
  browserId: string,
): { state: string; expiresAt: number } {
  const expiresAt = ctx.now() + STATE_TTL_MS;
  const sealed = ctx.cipher.seal(
    JSON.stringify({ nonce: newNonce(), browser: browserBinding(browserId), expiresAt }),
    INSTALL_STATE_CONTEXT,
  );
  return { state: sealed, expiresAt };
}

/** Opens and checks a HubSpot install state (sealed by us, fresh, this browser, not used yet). Stores nothing. */
export async function checkInstallState(
  ctx: Pick<BridgeContext, 'db' | 'now' | 'cipher'>,
  state: string | undefined,
  browserId: string | undefined,
): Promise<Result<InstallStateTicket, StateRejection>> {
  if (!state) return err('missing');
  let opened: unknown;
  try {
    opened = isSealedToken(state) ? JSON.parse(ctx.cipher.open(state, INSTALL_STATE_CONTEXT)) : null;
  } catch {
    opened = null;
  }
  const payload = InstallStateSchema.safeParse(opened);
  if (!payload.success) return err('unknown');
  const nonceHash = hashNonce(payload.data.nonce);
  if (await oauthStates.findByHash(ctx.db, nonceHash)) return err('reused');
  if (payload.data.expiresAt <= ctx.now()) return err('expired');
  if (!browserId || !sameBrowser(payload.data.browser, browserId)) return err('wrong_browser');
  return ok({ nonceHash, expiresAt: payload.data.expiresAt, browserId });
}

/** Uses a checked install state up; `reused` when a concurrent callback with the same state got there first. */
export async function useInstallState(
  ctx: Pick<BridgeContext, 'db' | 'now'>,
  ticket: InstallStateTicket,
): Promise<Result<void, StateRejection>> {
  const now = ctx.now();
  await oauthStates.deleteExpired(ctx.db, now - KEEP_AFTER_EXPIRY_MS);
  const recorded = await oauthStates.recordUse(ctx.db, {
    nonceHash: ticket.nonceHash,
    kind: INSTALL_STATE_KIND,
    expiresAt: ticket.expiresAt,
    now,
  });
  return recorded ? ok(undefined) : err('reused');
}

const rejectionMessages: Record<StateRejection, string> = {
  missing:
    'The sign-in response did not carry the security code this app sent with it, so it cannot be trusted.',
  unknown: 'The sign-in response carried a security code this app never issued for this step.',
  expired: 'The sign-in took longer than 10 minutes, so its security code expired.',
  reused:
    'This sign-in response was already used; each works once (reloading the page or the back button replays it).',
  wrong_browser:
    'This sign-in was started in another browser session, possibly for another HubSpot account, so it was not applied.',
};

export function rejectionError(rejection: StateRejection, provider: Provider): InstallError {
  const code = rejection === 'wrong_browser' ? 'state_wrong_browser' : (`state_${rejection}` as const);
  return new InstallError(code, provider, rejectionMessages[rejection]);
}
