/**
 * HubSpot's user provisioning API, read only: who a portal user is (super admin or not, which roles) and
 * what roles the portal has. Needs the `settings.users.read` scope. Used to decide who may change the
 * settings; never to decide anything about records.
 */
import type { Client } from '@hubspot/api-client';
import { z } from 'zod';
import { openGate, type CallGate } from '../gate';
import { withTimeout } from '../timeout';
import { toHubSpotError } from './errors';

/** A person is waiting for the answer (a settings page is loading), so a slow HubSpot is given up on sooner. */
export const USERS_CALL_TIMEOUT_MS = 10_000;

export interface HubSpotUser {
  /** The user id: the `userId` HubSpot appends to a signed `hubspot.fetch` request. */
  readonly id: string;
  readonly email: string;
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly superAdmin: boolean;
  readonly roleIds: readonly string[];
}

export interface HubSpotRole {
  readonly id: string;
  readonly name: string;
}

// HubSpot's documented example shows superAdmin as the string "false"; take either form.
const Flag = z.union([z.boolean(), z.enum(['true', 'false']).transform((text) => text === 'true')]);

const UserSchema = z
  .object({
    id: z.coerce.string(),
    email: z.string(),
    firstName: z.string().nullish(),
    lastName: z.string().nullish(),
    superAdmin: Flag.nullish(),
    roleIds: z.array(z.coerce.string()).nullish(),
    /** The older single-role field, still sent by some accounts. */
    roleId: z.coerce.string().nullish(),
  })
  .loose();

const RolesSchema = z.object({
  results: z.array(z.object({ id: z.coerce.string(), name: z.string() }).loose()),
});

interface CallOptions {
  gate?: CallGate;
  callTimeoutMs?: number;
}

/** One user by user id; null when the portal has no such (active) user. */
export async function readHubSpotUser(
  client: Client,
  userId: string,
  options: CallOptions = {},
): Promise<HubSpotUser | null> {
  const action = `reading HubSpot user ${userId}`;
  await (options.gate ?? openGate).acquire('hubspot', 'read');
  const raw = await withTimeout(
    () => client.settings.users.usersApi.getById(userId, 'USER_ID'),
    options.callTimeoutMs ?? USERS_CALL_TIMEOUT_MS,
    action,
  ).catch((error: unknown) => {
    const mapped = toHubSpotError(error, action);
    if (mapped.code === 'not_found') return null;
    throw mapped;
  });
  if (raw === null) return null;
  const user = UserSchema.parse(JSON.parse(JSON.stringify(raw)));
  const roleIds = user.roleIds ?? (user.roleId ? [user.roleId] : []);
  return {
    id: user.id,
    email: user.email,
    firstName: user.firstName ?? null,
    lastName: user.lastName ?? null,
    superAdmin: user.superAdmin ?? false,
    roleIds: [...new Set(roleIds)],
  };
}

/** The portal's roles (HubSpot's permission sets), in HubSpot's order. */
export async function listHubSpotRoles(client: Client, options: CallOptions = {}): Promise<HubSpotRole[]> {
  const action = 'listing the HubSpot roles';
  await (options.gate ?? openGate).acquire('hubspot', 'read');
  const raw = await withTimeout(
    () => client.settings.users.rolesApi.getAll(),
    options.callTimeoutMs ?? USERS_CALL_TIMEOUT_MS,
    action,
  ).catch((error: unknown) => {
    throw toHubSpotError(error, action);
  });
  return RolesSchema.parse(JSON.parse(JSON.stringify(raw))).results.map((role) => ({
    id: role.id,
    name: role.name,
  }));
}
