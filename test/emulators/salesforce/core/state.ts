/**
 * Everything the emulator holds: the orgs, the usernames (unique across the emulator, so a login
 * hint picks the org), OAuth state, faults, call counts, latency and the clock.
 */

import { OAuthStore } from '../auth/oauth-store';
import type { StoredFields } from '../schema/types';
import { QueryCursors } from '../soql/cursors';
import type { IngestJob } from '../bulk/ingest';
import { ChangeDataCapture } from '../cdc/change-events';
import { CallCounter, FaultBook } from './faults';
import { IdGenerator, normalizeId } from './ids';
import type { OrgKind, OrgSettings, UserRole } from './org';
import { DEFAULT_ORG_SETTINGS, Org } from './org';
import { AdjustableClock } from './time';

export interface ConnectedApp {
  clientId: string;
  clientSecret: string;
}

export interface NewUser {
  username: string;
  firstName?: string | undefined;
  lastName: string;
  email?: string | undefined;
  title?: string | undefined;
  role?: UserRole | undefined;
  isActive?: boolean | undefined;
}

export interface NewOrg {
  name: string;
  kind?: OrgKind | undefined;
  settings?: Partial<OrgSettings> | undefined;
  /** Defaults to admin@<name>.example */
  adminUsername?: string | undefined;
  /** Defaults to rep@<name>.example */
  repUsername?: string | undefined;
}

export const DEFAULT_ORG_NAME = 'default';

/** Salesforce's limit on a REST request's URI plus headers. */
export const DEFAULT_MAX_REQUEST_BYTES = 16_384;

export interface RequestSize {
  /** The request target as sent (path and URL-encoded query). */
  uriBytes: number;
  /** Every header line (`Name: value` and its line break). */
  headerBytes: number;
  route: string;
}
export const DEFAULT_SANDBOX_ORG_NAME = 'uat';
export const DEFAULT_REP_USERNAME = 'rep@sandbox.example';

export class EmulatorState {
  readonly clock = new AdjustableClock();
  readonly faults = new FaultBook();
  readonly calls = new CallCounter();
  readonly cursors = new QueryCursors();
  readonly ingestJobs = new Map<string, IngestJob>();
  readonly cdc = new ChangeDataCapture();
  ids = new IdGenerator();
  oauth = new OAuthStore();
  readonly orgs = new Map<string, Org>();
  private readonly usernames = new Map<string, { orgId: string; userId: string }>();
  latencyMs = 0;
  /** Salesforce refuses a request whose URI and headers together exceed 16,384 bytes (414 or 431). */
  maxRequestBytes = DEFAULT_MAX_REQUEST_BYTES;
  /** The largest API request seen since the last reset (URI and headers, in bytes), for margin checks. */
  largestRequest: RequestSize | null = null;

  constructor(
    readonly app: ConnectedApp,
    private readonly defaultSettings: Partial<OrgSettings> = {},
  ) {
    this.reset();
  }

  /** Back to two empty orgs: `default` (production) and `uat` (sandbox); knobs cleared. */
  reset(): void {
    this.orgs.clear();
    this.usernames.clear();
    this.ids = new IdGenerator();
    this.oauth = new OAuthStore();
    this.faults.clear();
    this.calls.reset();
    this.cursors.clear();
    this.ingestJobs.clear();
    this.cdc.clear();
    this.latencyMs = 0;
    this.maxRequestBytes = DEFAULT_MAX_REQUEST_BYTES;
    this.largestRequest = null;
    this.createOrg({ name: DEFAULT_ORG_NAME, kind: 'production', repUsername: DEFAULT_REP_USERNAME });
    this.createOrg({ name: DEFAULT_SANDBOX_ORG_NAME, kind: 'sandbox' });
  }

  nowMs(): number {
    return this.clock.nowMs();
  }

  createOrg(spec: NewOrg): Org {
    if (!/^[a-z0-9][a-z0-9-]{0,39}$/.test(spec.name)) {
      throw new Error('org names are 1-40 lower-case letters, digits or dashes');
    }
    if (this.orgByName(spec.name)) throw new Error(`an org named ${spec.name} already exists`);
    const admin = spec.adminUsername ?? `admin@${spec.name}.example`;
    const rep = spec.repUsername ?? `rep@${spec.name}.example`;
    for (const username of [admin, rep]) {
      if (this.usernames.has(username.toLowerCase())) throw new Error(`username ${username} is taken`);
    }
    const org = new Org(this.ids.next('00D'), spec.name, spec.kind ?? 'production', this.nowMs(), {
      ...DEFAULT_ORG_SETTINGS,
      ...this.defaultSettings,
      ...spec.settings,
    });
    this.orgs.set(org.id, org);
    org.onCommit = (changes) => this.cdc.committed(org, changes, this.nowMs() - (this.nowMs() % 1000));
    this.createUser(org, {
      username: admin,
      firstName: 'Avery',
      lastName: 'Admin',
      role: 'admin',
      title: 'Salesforce Administrator',
    });
    this.createUser(org, {
      username: rep,
      firstName: 'Riley',
      lastName: 'Rep',
      role: 'rep',
      title: 'Account Executive',
    });
    return org;
  }

  /** An org by name or by 15/18-character id. */
  findOrg(ref: string): Org | undefined {
    const id = normalizeId(ref);
    return (id ? this.orgs.get(id) : undefined) ?? this.orgByName(ref);
  }

  orgByName(name: string): Org | undefined {
    for (const org of this.orgs.values()) if (org.name === name) return org;
    return undefined;
  }

  createUser(org: Org, spec: NewUser): string {
    const key = spec.username.toLowerCase();
    if (this.usernames.has(key)) throw new Error(`username ${spec.username} is taken`);
    const id = this.ids.next('005');
    const nowMs = this.nowMs() - (this.nowMs() % 1000);
    const creator = [...org.userRoles.entries()].find(([, role]) => role === 'admin')?.[0] ?? id;
    const name = [spec.firstName, spec.lastName].filter(Boolean).join(' ');
    const fields: StoredFields = {
      Id: id,
      Username: spec.username,
      FirstName: spec.firstName ?? null,
      LastName: spec.lastName,
      Name: name,
      Email: spec.email ?? spec.username,
      Alias: (spec.firstName?.charAt(0) ?? '') + spec.lastName.slice(0, 4).toLowerCase(),
      IsActive: spec.isActive ?? true,
      Title: spec.title ?? null,
      Department: null,
      UserType: 'Standard',
      TimeZoneSidKey: 'GMT',
      CreatedDate: nowMs,
      CreatedById: creator,
      LastModifiedDate: nowMs,
      LastModifiedById: creator,
      SystemModstamp: nowMs,
    };
    org.put(id, 'User', { type: 'User', fields, deletedAtMs: null, cascadeFromId: null });
    org.userRoles.set(id, spec.role ?? 'user');
    this.usernames.set(key, { orgId: org.id, userId: id });
    return id;
  }

  userByUsername(username: string): { org: Org; userId: string } | undefined {
    const found = this.usernames.get(username.toLowerCase());
    const org = found ? this.orgs.get(found.orgId) : undefined;
    return found && org ? { org, userId: found.userId } : undefined;
  }

  userIdWithRole(org: Org, role: UserRole): string {
    const found = [...org.userRoles.entries()].find(([, r]) => r === role);
    if (!found) throw new Error(`org ${org.name} has no ${role}`);
    return found[0];
  }

  /** The org a login host reaches when no login hint names a user. */
  defaultOrgFor(kind: OrgKind): Org | undefined {
    const named = this.orgByName(kind === 'production' ? DEFAULT_ORG_NAME : DEFAULT_SANDBOX_ORG_NAME);
    if (named && named.kind === kind) return named;
    return [...this.orgs.values()].find((o) => o.kind === kind);
  }
}
