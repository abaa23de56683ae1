/**
 * A typed client for the control API, usable from any process that can reach the emulator.
 * Every method names its org with `org` (a name or an id); it defaults to `default`.
 */

import type {
  AddFieldInput,
  ConvertLeadInput,
  CreateOrgInput,
  CreateUserInput,
  FaultInput,
  MergeInput,
  MultiCurrencyInput,
  RecordTypeInput,
  SeedInput,
  SettingsInput,
  UpdateFieldInput,
} from './schemas';
import type {
  ApiRecord,
  CallCounts,
  ControlErrorBody,
  ConvertLeadResult,
  FaultInfo,
  GrantInfo,
  MergeResult,
  OrgInfo,
  SeedResult,
  UserInfo,
} from './types';

export interface RequestSizeInfo {
  maxRequestBytes: number;
  largest: { uriBytes: number; headerBytes: number; route: string } | null;
}

export class ControlApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown,
  ) {
    super(message);
    this.name = 'ControlApiError';
  }
}

interface OrgOption {
  org?: string;
}
interface ActorOption extends OrgOption {
  /** Username of the User making the change (default: the org's sales rep). */
  asUser?: string | undefined;
}

export class SalesforceControlClient {
  constructor(readonly baseUrl: string) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.baseUrl}/_emulator${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const payload: unknown = await response.json();
    if (!response.ok) {
      const { error } = payload as ControlErrorBody;
      throw new ControlApiError(response.status, error.code, error.message, error.details);
    }
    return payload as T;
  }

  private org(options?: OrgOption): string {
    return `/orgs/${encodeURIComponent(options?.org ?? 'default')}`;
  }

  reset(): Promise<{ ok: true }> {
    return this.call('POST', '/reset');
  }

  // ---- orgs and users -----------------------------------------------------------------------

  async listOrgs(): Promise<OrgInfo[]> {
    return (await this.call<{ orgs: OrgInfo[] }>('GET', '/orgs')).orgs;
  }

  createOrg(input: CreateOrgInput): Promise<OrgInfo> {
    return this.call('POST', '/orgs', input);
  }

  getOrg(options?: OrgOption): Promise<OrgInfo> {
    return this.call('GET', this.org(options));
  }

  updateSettings(settings: SettingsInput, options?: OrgOption): Promise<OrgInfo> {
    return this.call('PATCH', `${this.org(options)}/settings`, settings);
  }

  setRefreshTokenRotation(enabled: boolean, options?: OrgOption): Promise<OrgInfo> {
    return this.updateSettings({ rotateRefreshTokens: enabled }, options);
  }

  async listUsers(options?: OrgOption): Promise<UserInfo[]> {
    return (await this.call<{ users: UserInfo[] }>('GET', `${this.org(options)}/users`)).users;
  }

  createUser(input: CreateUserInput, options?: OrgOption): Promise<UserInfo> {
    return this.call('POST', `${this.org(options)}/users`, input);
  }

  setUserActive(username: string, isActive: boolean, options?: OrgOption): Promise<UserInfo> {
    return this.call('PATCH', `${this.org(options)}/users/${encodeURIComponent(username)}`, { isActive });
  }

  // ---- OAuth and quota ----------------------------------------------------------------------

  async expireAccessTokens(options?: OrgOption & { username?: string }): Promise<number> {
    const body = options?.username ? { username: options.username } : {};
    return (
      await this.call<{ expired: number }>('POST', `${this.org(options)}/oauth/expire-access-tokens`, body)
    ).expired;
  }

  async revokeRefreshTokens(
    options?: OrgOption & { username?: string; keepAccessTokens?: boolean },
  ): Promise<number> {
    const { org: _org, ...body } = options ?? {};
    return (
      await this.call<{ revoked: number }>('POST', `${this.org(options)}/oauth/revoke-refresh-tokens`, body)
    ).revoked;
  }

  listGrants(options?: OrgOption): Promise<{ refreshTokens: GrantInfo[]; activeSessions: number }> {
    return this.call('GET', `${this.org(options)}/oauth/grants`);
  }

  getApiUsage(options?: OrgOption): Promise<{ used: number; limit: number }> {
    return this.call('GET', `${this.org(options)}/api-usage`);
  }

  setApiUsage(used: number, options?: OrgOption): Promise<{ used: number; limit: number }> {
    return this.call('PUT', `${this.org(options)}/api-usage`, { used });
  }

  setDailyApiLimit(limit: number, options?: OrgOption): Promise<OrgInfo> {
    return this.updateSettings({ dailyApiLimit: limit }, options);
  }

  // ---- records as a named user --------------------------------------------------------------

  createRecord(
    type: string,
    fields: Record<string, unknown>,
    options?: ActorOption,
  ): Promise<{ id: string; record: ApiRecord }> {
    return this.call('POST', `${this.org(options)}/records`, { type, fields, asUser: options?.asUser });
  }

  async createRecords(
    type: string,
    records: Record<string, unknown>[],
    options?: ActorOption,
  ): Promise<string[]> {
    return (
      await this.call<{ ids: string[] }>('POST', `${this.org(options)}/records/batch`, {
        type,
        records,
        asUser: options?.asUser,
      })
    ).ids;
  }

  getRecord(id: string, options?: OrgOption): Promise<ApiRecord> {
    return this.call('GET', `${this.org(options)}/records/${id}`);
  }

  updateRecord(id: string, fields: Record<string, unknown>, options?: ActorOption): Promise<ApiRecord> {
    return this.call('PATCH', `${this.org(options)}/records/${id}`, { fields, asUser: options?.asUser });
  }

  deleteRecord(id: string, options?: ActorOption): Promise<ApiRecord> {
    const query = options?.asUser ? `?asUser=${encodeURIComponent(options.asUser)}` : '';
    return this.call('DELETE', `${this.org(options)}/records/${id}${query}`);
  }

  undeleteRecord(id: string, options?: ActorOption): Promise<ApiRecord> {
    return this.call('POST', `${this.org(options)}/records/${id}/undelete`, { asUser: options?.asUser });
  }

  async emptyRecycleBin(options?: OrgOption): Promise<number> {
    return (await this.call<{ purged: number }>('POST', `${this.org(options)}/recycle-bin/empty`)).purged;
  }

  convertLead(leadId: string, input: ConvertLeadInput & OrgOption = {}): Promise<ConvertLeadResult> {
    const { org: _org, ...body } = input;
    return this.call('POST', `${this.org(input)}/leads/${leadId}/convert`, body);
  }

  merge(input: MergeInput & OrgOption): Promise<MergeResult> {
    const { org: _org, ...body } = input;
    return this.call('POST', `${this.org(input)}/merge`, body);
  }

  seed(input: SeedInput = {}, options?: OrgOption): Promise<SeedResult> {
    return this.call('POST', `${this.org(options)}/seed`, input);
  }

  // ---- schema -------------------------------------------------------------------------------

  addField(sobject: string, field: AddFieldInput, options?: OrgOption): Promise<unknown> {
    return this.call('POST', `${this.org(options)}/sobjects/${sobject}/fields`, field);
  }

  /** An admin turns multi-currency on: `CurrencyIsoCode` on every synced object (irreversible, as in Salesforce). */
  enableMultiCurrency(
    input: MultiCurrencyInput,
    options?: OrgOption,
  ): Promise<{ corporateCurrency: string; currencies: string[] }> {
    return this.call('POST', `${this.org(options)}/multi-currency`, input);
  }

  /** An admin defines a record type on an object (describe's `recordTypeInfos` list it). */
  addRecordType(
    sobject: string,
    input: RecordTypeInput,
    options?: OrgOption,
  ): Promise<{ object: string; recordType: { id: string; developerName: string; label: string } }> {
    return this.call('POST', `${this.org(options)}/sobjects/${sobject}/record-types`, input);
  }

  updateField(sobject: string, name: string, patch: UpdateFieldInput, options?: OrgOption): Promise<unknown> {
    return this.call('PATCH', `${this.org(options)}/sobjects/${sobject}/fields/${name}`, patch);
  }

  removeField(sobject: string, name: string, options?: OrgOption): Promise<unknown> {
    return this.call('DELETE', `${this.org(options)}/sobjects/${sobject}/fields/${name}`);
  }

  // ---- faults, latency, counters, clock -----------------------------------------------------

  addFault(input: FaultInput): Promise<FaultInfo> {
    return this.call('POST', '/faults', input);
  }

  async listFaults(): Promise<FaultInfo[]> {
    return (await this.call<{ faults: FaultInfo[] }>('GET', '/faults')).faults;
  }

  async clearFaults(): Promise<void> {
    await this.call('DELETE', '/faults');
  }

  async setLatency(ms: number): Promise<void> {
    await this.call('PUT', '/latency', { ms });
  }

  /** The URI + headers limit (default 16,384 bytes) and the largest API request seen since it was cleared. */
  requestSize(): Promise<RequestSizeInfo> {
    return this.call('GET', '/request-size');
  }

  setMaxRequestBytes(maxRequestBytes: number): Promise<RequestSizeInfo> {
    return this.call('PUT', '/request-size', { maxRequestBytes });
  }

  clearLargestRequest(): Promise<RequestSizeInfo> {
    return this.call('DELETE', '/request-size');
  }

  calls(options?: OrgOption): Promise<CallCounts> {
    return this.call('GET', `/calls${options?.org ? `?org=${encodeURIComponent(options.org)}` : ''}`);
  }

  async resetCalls(options?: OrgOption): Promise<void> {
    await this.call('DELETE', `/calls${options?.org ? `?org=${encodeURIComponent(options.org)}` : ''}`);
  }

  async now(): Promise<number> {
    return (await this.call<{ nowMs: number }>('GET', '/clock')).nowMs;
  }

  async advanceClock(ms: number): Promise<number> {
    return (await this.call<{ nowMs: number }>('POST', '/clock/advance', { ms })).nowMs;
  }
}
