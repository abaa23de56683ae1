/**
 * HubSpot owners (the people records are assigned to), for the owner transform: a HubSpot owner and a
 * Salesforce user with the same email are one person. Read in pages of 500, live and archived (an archived
 * owner still owns records; the transform then says the owner cannot be written instead of guessing).
 */
import type { Client } from '@hubspot/api-client';
import { z } from 'zod';
import { openGate, type CallGate } from '../gate';
import { DEFAULT_CALL_TIMEOUT_MS, withTimeout } from '../timeout';
import { toHubSpotError } from './errors';

export const HUBSPOT_OWNERS_PAGE_SIZE = 500;

export interface HubSpotOwner {
  readonly id: string;
  readonly email: string;
  readonly archived: boolean;
}

const OwnerPage = z.object({
  results: z.array(
    z.object({ id: z.string(), email: z.string().nullish(), archived: z.boolean().optional() }).loose(),
  ),
  paging: z
    .object({ next: z.object({ after: z.string() }).loose().optional() })
    .loose()
    .nullish(),
});

export async function listHubSpotOwners(
  client: Client,
  options: { gate?: CallGate; callTimeoutMs?: number } = {},
): Promise<HubSpotOwner[]> {
  const gate = options.gate ?? openGate;
  const owners: HubSpotOwner[] = [];
  for (const archived of [false, true]) {
    let after: string | undefined;
    do {
      const action = `listing ${archived ? 'archived ' : ''}HubSpot owners`;
      await gate.acquire('hubspot', 'read');
      const page = await withTimeout(
        () => client.crm.owners.ownersApi.getPage(undefined, after, HUBSPOT_OWNERS_PAGE_SIZE, archived),
        options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS,
        action,
      ).catch((error: unknown) => {
        throw toHubSpotError(error, action);
      });
      const parsed = OwnerPage.parse(page);
      for (const owner of parsed.results) {
        owners.push({ id: owner.id, email: owner.email ?? '', archived: owner.archived ?? archived });
      }
      after = parsed.paging?.next?.after;
    } while (after);
  }
  return owners;
}
