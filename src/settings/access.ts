/**
 * Who the signed-in HubSpot user is, and whether they may change the settings (see domain/settingsAccess.ts).
 *
 * HubSpot's users API is asked with the installation's own token; the answer is kept in memory for a few
 * minutes per portal and user (a bounded number of them), because a settings page makes several requests in
 * a row. What the settings allow is read afresh each time, so naming a role applies at once. When HubSpot
 * cannot answer, the check fails closed: the caller refuses the change and says to try again.
 */
import type { Client } from '@hubspot/api-client';
import type { ClientsBySide } from '../auth/clients';
import type { CallBudget, InstallationGate } from '../connectors/gate';
import { HubSpotError } from '../connectors/hubspot/errors';
import {
  listHubSpotRoles,
  readHubSpotUser,
  type HubSpotRole,
  type HubSpotUser,
} from '../connectors/hubspot/users';
import type { Installation } from '../db/installations';
import type { Queryable } from '../db/support';
import { err, ok, type Result } from '../domain/result';
import { decideSettingsAccess, type SettingsAccessDecision } from '../domain/settingsAccess';
import type { Logger } from '../logger';
import { settingsFor } from './installationSettings';

export const USER_CACHE_TTL_MS = 5 * 60_000;
export const USER_CACHE_MAX_ENTRIES = 5_000;

export interface SettingsAccessDeps {
  db: Queryable;
  clients: ClientsBySide;
  budget: CallBudget;
  now: () => number;
  logger: Logger;
}

/** Who signed the request, as HubSpot's proxy appended it to the URL. */
export interface SignedUser {
  userId: string | null;
  userEmail: string | null;
}

export interface SettingsAccessAnswer {
  readonly user: { readonly id: string | null; readonly email: string | null };
  readonly superAdmin: boolean;
  readonly decision: SettingsAccessDecision;
}

/** HubSpot could not say who the user is: nothing is allowed, and the person is told to try again. */
export interface AccessUnavailable {
  readonly code: 'access_check_unavailable';
  readonly reason: 'missing_scope' | 'hubspot_unavailable' | 'not_connected';
  readonly message: string;
}

interface CachedUser {
  user: HubSpotUser | null;
  readAt: number;
}

export class SettingsAccess {
  private readonly users = new Map<string, CachedUser>();

  constructor(
    private readonly deps: SettingsAccessDeps,
    private readonly options: { ttlMs?: number; maxEntries?: number; callTimeoutMs?: number } = {},
  ) {}

  /** Whether the signed user may change the settings of this installation. */
  async check(
    installation: Pick<Installation, 'id' | 'portalId'>,
    signed: SignedUser,
  ): Promise<Result<SettingsAccessAnswer, AccessUnavailable>> {
    const { settingsRoleIds } = (await settingsFor(this.deps.db, installation.id)).access;
    if (signed.userId === null) {
      return ok({
        user: { id: null, email: signed.userEmail },
        superAdmin: false,
        decision: decideSettingsAccess(null, null, settingsRoleIds),
      });
    }
    const found = await this.user(installation, signed.userId);
    if (!found.ok) return found;
    return ok({
      user: { id: signed.userId, email: found.value?.email ?? signed.userEmail },
      superAdmin: found.value?.superAdmin ?? false,
      decision: decideSettingsAccess(signed.userId, found.value, settingsRoleIds),
    });
  }

  /** The portal's roles, for the settings page's "who may change settings" picker. */
  async roles(installation: Pick<Installation, 'id'>): Promise<Result<HubSpotRole[], AccessUnavailable>> {
    return this.ask(installation.id, 'listing the roles', (client, gate) =>
      listHubSpotRoles(client, { gate }),
    );
  }

  /** Forgets every cached user (tests, or after a portal's users changed in bulk). */
  forget(): void {
    this.users.clear();
  }

  private callOptions(): { callTimeoutMs?: number } {
    return this.options.callTimeoutMs === undefined ? {} : { callTimeoutMs: this.options.callTimeoutMs };
  }

  private async user(
    installation: Pick<Installation, 'id' | 'portalId'>,
    userId: string,
  ): Promise<Result<HubSpotUser | null, AccessUnavailable>> {
    const key = `${installation.portalId}:${userId}`;
    const cached = this.users.get(key);
    const ttlMs = this.options.ttlMs ?? USER_CACHE_TTL_MS;
    if (cached && this.deps.now() - cached.readAt < ttlMs) {
      // Most recently used last, so the oldest entry is the first to go when the cache is full.
      this.users.delete(key);
      this.users.set(key, cached);
      return ok(cached.user);
    }
    const read = await this.ask(installation.id, `reading user ${userId}`, (client, gate) =>
      readHubSpotUser(client, userId, { gate, ...this.callOptions() }),
    );
    if (!read.ok) return read;
    this.users.delete(key);
    this.users.set(key, { user: read.value, readAt: this.deps.now() });
    const maxEntries = this.options.maxEntries ?? USER_CACHE_MAX_ENTRIES;
    while (this.users.size > maxEntries) {
      const oldest = this.users.keys().next();
      if (oldest.done) break;
      this.users.delete(oldest.value);
    }
    return ok(read.value);
  }

  private async ask<T>(
    installationId: string,
    what: string,
    call: (client: Client, gate: InstallationGate) => Promise<T>,
  ): Promise<Result<T, AccessUnavailable>> {
    const client = await this.deps.clients.hubspot(installationId);
    if (!client.ok) {
      return err({
        code: 'access_check_unavailable',
        reason: 'not_connected',
        message: `The bridge cannot reach HubSpot for this portal right now, so it cannot check who you are (${client.error.message}). Try again in a few minutes; if it keeps happening, install the app again.`,
      });
    }
    const gate = this.deps.budget.gateFor(installationId);
    try {
      return ok(await call(client.value, gate));
    } catch (error) {
      this.deps.logger.warn(
        { installationId, error: error instanceof Error ? error.message : String(error) },
        `HubSpot users API failed while ${what}`,
      );
      if (error instanceof HubSpotError && error.code === 'missing_scopes') {
        return err({
          code: 'access_check_unavailable',
          reason: 'missing_scope',
          message:
            "The app needs HubSpot's permission to read your portal's users before it can check who may change the settings; a super admin has to install the app again to grant it.",
        });
      }
      return err({
        code: 'access_check_unavailable',
        reason: 'hubspot_unavailable',
        message:
          'The bridge could not get an answer from HubSpot about who you are, so nothing was changed; try again in a minute.',
      });
    } finally {
      await gate.settled();
    }
  }
}
