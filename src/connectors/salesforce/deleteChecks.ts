/**
 * What the delete policy asks of Salesforce when a grace period ends: does the record still exist (outside
 * the recycle bin), how many open Opportunities it has (a Contact's through its contact roles, an Account's
 * by `AccountId`, an Opportunity itself while open; an unconverted Lead has none), and deleting it (to the
 * recycle bin: restorable for 15 days).
 */
import type { Connection } from 'jsforce';
import type { SalesforceObjectType } from '../../domain/records';
import { openGate, type CallGate, type CallKind } from '../gate';
import { DEFAULT_CALL_TIMEOUT_MS, withTimeout } from '../timeout';
import { SalesforceCallError, salesforceCallError } from './errors';
import { soqlList, soqlString } from './soql';

export class SalesforceDeleteChecks {
  private readonly gate: CallGate;
  private readonly callTimeoutMs: number;

  constructor(
    private readonly connection: Connection,
    options: { gate?: CallGate; callTimeoutMs?: number } = {},
  ) {
    this.gate = options.gate ?? openGate;
    this.callTimeoutMs = options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
  }

  async exists(type: SalesforceObjectType, id: string): Promise<boolean> {
    const ids = await this.ids(`SELECT Id FROM ${type} WHERE Id = ${soqlString(id)}`);
    return ids.length > 0;
  }

  async openOpportunities(type: SalesforceObjectType, id: string): Promise<number> {
    switch (type) {
      case 'Lead':
        return 0;
      case 'Opportunity':
        return (
          await this.ids(`SELECT Id FROM Opportunity WHERE Id = ${soqlString(id)} AND IsClosed = false`)
        ).length;
      case 'Account':
        return (
          await this.ids(
            `SELECT Id FROM Opportunity WHERE AccountId = ${soqlString(id)} AND IsClosed = false`,
          )
        ).length;
      case 'Contact': {
        const roles = await this.rows<{ OpportunityId?: string }>(
          `SELECT OpportunityId FROM OpportunityContactRole WHERE ContactId = ${soqlString(id)}`,
        );
        const opportunityIds = [
          ...new Set(roles.map((role) => role.OpportunityId).filter((value): value is string => !!value)),
        ];
        let open = 0;
        for (let start = 0; start < opportunityIds.length; start += 200) {
          const batch = opportunityIds.slice(start, start + 200);
          open += (
            await this.ids(`SELECT Id FROM Opportunity WHERE Id IN ${soqlList(batch)} AND IsClosed = false`)
          ).length;
        }
        return open;
      }
    }
  }

  /** Deletes the record to the recycle bin; one already deleted counts as done. */
  async destroy(type: SalesforceObjectType, id: string): Promise<void> {
    let result: unknown;
    try {
      result = await this.call(
        'write',
        `deleting ${type} ${id}`,
        async () => await this.connection.sobject(type).destroy(id),
      );
    } catch (error) {
      if (error instanceof SalesforceCallError && error.code === 'ENTITY_IS_DELETED') return;
      throw error;
    }
    const outcome = (Array.isArray(result) ? result[0] : result) as
      { success?: boolean; errors?: { statusCode?: string; message?: string }[] } | undefined;
    if (outcome && outcome.success === false) {
      const errors = outcome.errors ?? [];
      if (errors.some((error) => error.statusCode === 'ENTITY_IS_DELETED')) return;
      throw new Error(
        `Salesforce refused to delete ${type} ${id}: ${errors.map((error) => error.message).join('; ')}`,
      );
    }
  }

  private async ids(soql: string): Promise<string[]> {
    return (await this.rows<{ Id?: string }>(soql)).flatMap((row) => (row.Id ? [row.Id] : []));
  }

  private async rows<T>(soql: string): Promise<T[]> {
    const answer = await this.call(
      'read',
      'checking records before a delete',
      async () => await this.connection.query<T & Record<string, unknown>>(soql),
    );
    return answer.records as T[];
  }

  private async call<T>(kind: CallKind, action: string, run: () => Promise<T>): Promise<T> {
    await this.gate.acquire('salesforce', kind);
    try {
      return await withTimeout(run, this.callTimeoutMs, action);
    } catch (error) {
      throw salesforceCallError(error, action);
    } finally {
      const usage = this.connection.limitInfo?.apiUsage;
      if (usage) this.gate.observeSalesforceUsage?.(usage.used, usage.limit);
    }
  }
}
