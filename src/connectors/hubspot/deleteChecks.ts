/**
 * What the delete policy asks of HubSpot when a grace period ends: does the record still exist, how many
 * open deals is it associated with, and archiving it (HubSpot's recycle bin: restorable for 90 days).
 *
 * A deal is open unless HubSpot says it is closed (`hs_is_closed`); where the portal does not return that
 * property, a deal in the default pipeline's closed stages counts as closed, and any other stage as open:
 * an unknown stage keeps the record rather than archive it.
 */
import type { Client } from '@hubspot/api-client';
import type { HubspotObjectType } from '../../domain/records';
import { openGate, type CallGate, type CallKind } from '../gate';
import { DEFAULT_CALL_TIMEOUT_MS, withTimeout } from '../timeout';
import { toHubSpotError } from './errors';

const CLOSED_DEFAULT_STAGES = new Set(['closedwon', 'closedlost']);

export class HubSpotDeleteChecks {
  private readonly gate: CallGate;
  private readonly callTimeoutMs: number;

  constructor(
    private readonly client: Client,
    options: { gate?: CallGate; callTimeoutMs?: number } = {},
  ) {
    this.gate = options.gate ?? openGate;
    this.callTimeoutMs = options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
  }

  /** Whether the record is live (neither archived nor unknown). */
  async exists(objectType: HubspotObjectType, id: string): Promise<boolean> {
    try {
      await this.call('read', `reading ${objectType} ${id}`, () =>
        this.client.crm.objects.basicApi.getById(objectType, id, ['hs_object_id']),
      );
      return true;
    } catch (error) {
      if ((error as { code?: string }).code === 'not_found') return false;
      throw error;
    }
  }

  /** Open deals associated with a contact or company (a deal counts itself when it is open). */
  async openDeals(objectType: HubspotObjectType, id: string): Promise<number> {
    const dealIds: string[] = [];
    if (objectType === 'deals') {
      dealIds.push(id);
    } else {
      let after: string | undefined;
      do {
        const page = await this.call('read', `reading the deals of ${objectType} ${id}`, () =>
          this.client.crm.associations.v4.basicApi.getPage(objectType, id, 'deals', after, 500),
        );
        dealIds.push(...page.results.map((result) => String(result.toObjectId)));
        after = page.paging?.next?.after;
      } while (after);
    }
    let open = 0;
    for (let start = 0; start < dealIds.length; start += 100) {
      const inputs = dealIds.slice(start, start + 100).map((dealId) => ({ id: dealId }));
      const answer = await this.call('read', 'reading deal stages', () =>
        this.client.crm.deals.batchApi.read(
          { inputs, properties: ['dealstage', 'hs_is_closed'], propertiesWithHistory: [] },
          false,
        ),
      );
      for (const deal of answer.results) {
        const closedFlag = deal.properties.hs_is_closed;
        const closed =
          closedFlag === 'true' ||
          (closedFlag !== 'false' && CLOSED_DEFAULT_STAGES.has(deal.properties.dealstage ?? ''));
        if (!closed) open += 1;
      }
    }
    return open;
  }

  /** Archives the record (a no-op for one already archived). */
  async archive(objectType: HubspotObjectType, id: string): Promise<void> {
    await this.call('write', `archiving ${objectType} ${id}`, () =>
      this.client.crm.objects.basicApi.archive(objectType, id),
    );
  }

  private async call<T>(kind: CallKind, action: string, run: () => Promise<T>): Promise<T> {
    await this.gate.acquire('hubspot', kind);
    try {
      return await withTimeout(run, this.callTimeoutMs, action);
    } catch (error) {
      throw toHubSpotError(error, action);
    }
  }
}
