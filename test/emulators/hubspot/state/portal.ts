/** One HubSpot account ("portal", "hub"): its users/owners and roles, records, properties and associations. */
import { AssociationStore } from '../crm/associations';
import type { ChangeEvent, ChangeListener } from '../crm/changes';
import { defaultGroups, defaultProperties } from '../crm/default-properties';
import { OBJECT_TYPE_NAMES, type ObjectType } from '../crm/object-types';
import type { PropertyDefinition, PropertyGroup } from '../crm/property-model';
import { defaultPipeline, syncPipelineOptions, type Pipeline } from '../crm/pipelines';

export interface Owner {
  id: string;
  userId: number;
  email: string;
  firstName: string;
  lastName: string;
  createdAtMs: number;
  updatedAtMs: number;
  archived: boolean;
  /** A super admin may do everything in the account, whatever the roles say. */
  superAdmin: boolean;
  /** Ids of the account's roles (permission sets) the user holds. */
  roleIds: string[];
}

/** A role (HubSpot's "permission set"), as the user provisioning API lists it. */
export interface Role {
  id: string;
  name: string;
  requiresBillingWrite: boolean;
}

/** A role to add: a new id unless given, no billing write unless said. */
export interface RoleInput {
  id?: string | undefined;
  name: string;
  requiresBillingWrite?: boolean | undefined;
}

export interface PropertyVersion {
  value: string;
  timestampMs: number;
  sourceType: string;
  sourceId: string | null;
  sourceLabel: string | null;
  updatedByUserId: number | null;
}

/** What search sees of a record; differs from the live record while the index lags (indexing delay). */
export interface SearchSnapshot {
  values: Map<string, string>;
  archived: boolean;
  createdAtMs: number;
  updatedAtMs: number;
}

export interface CrmRecord {
  id: string;
  objectType: ObjectType;
  createdAtMs: number;
  updatedAtMs: number;
  archived: boolean;
  archivedAtMs: number | null;
  values: Map<string, string>;
  /** Newest first, per property. */
  history: Map<string, PropertyVersion[]>;
  /** Pending index states, oldest first; null while search reads the live record. */
  searchVersions: Array<{ visibleFromMs: number; snapshot: SearchSnapshot }> | null;
}

export class ObjectTable {
  readonly records = new Map<string, CrmRecord>();
  /** Numeric ids in ascending order, for stable list paging. */
  readonly sortedIds: number[] = [];
  /** Merged-away id → surviving id. */
  readonly aliases = new Map<string, string>();
  readonly properties = new Map<string, PropertyDefinition>();
  readonly groups = new Map<string, PropertyGroup>();
  /** property → normalised value → id, for live (unarchived) records and unique properties. */
  readonly unique = new Map<string, Map<string, string>>();

  constructor(
    readonly objectType: ObjectType,
    nowMs: number,
  ) {
    for (const group of defaultGroups(objectType)) this.groups.set(group.name, group);
    for (const property of defaultProperties(objectType, nowMs)) this.properties.set(property.name, property);
    for (const name of this.uniquePropertyNames()) this.unique.set(name, new Map());
  }

  /** Properties whose values must be unique: email on contacts, plus every hasUniqueValue property. */
  uniquePropertyNames(): string[] {
    const names = [...this.properties.values()]
      .filter((property) => property.hasUniqueValue && !property.archived)
      .map((property) => property.name);
    if (this.objectType === 'contacts') names.unshift('email');
    return names;
  }

  liveProperty(name: string): PropertyDefinition | undefined {
    const property = this.properties.get(name);
    return property && !property.archived ? property : undefined;
  }

  insert(record: CrmRecord): void {
    this.records.set(record.id, record);
    const numeric = Number(record.id);
    const last = this.sortedIds[this.sortedIds.length - 1];
    if (last === undefined || numeric > last) this.sortedIds.push(numeric);
    else this.sortedIds.splice(lowerBound(this.sortedIds, numeric), 0, numeric);
  }

  remove(id: string): void {
    this.records.delete(id);
    const numeric = Number(id);
    const index = lowerBound(this.sortedIds, numeric);
    if (this.sortedIds[index] === numeric) this.sortedIds.splice(index, 1);
  }

  /** Index of the first id ≥ the given one. */
  indexFrom(id: number): number {
    return lowerBound(this.sortedIds, id);
  }

  /** Follows merge aliases to the surviving id. */
  resolveId(id: string): string {
    let current = id;
    for (let hops = 0; hops < 100; hops += 1) {
      const next = this.aliases.get(current);
      if (next === undefined) return current;
      current = next;
    }
    return current;
  }
}

function lowerBound(sorted: number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((sorted[middle] as number) < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

export class Portal {
  readonly tables: Record<ObjectType, ObjectTable>;
  readonly associations = new AssociationStore();
  readonly owners = new Map<string, Owner>();
  /** The account's roles, by id, in the order they were made. */
  readonly roles = new Map<string, Role>();
  readonly installedApps = new Set<number>();
  readonly emailBlocklist = new Set<string>();
  /** Deal pipelines in display order; the first is the default "Sales Pipeline". */
  readonly dealPipelines: Pipeline[];
  private nextObjectId = 10_001;
  private nextPipelineId = 31_415_001;
  private nextOwnerId = 70_000_001;
  private nextUserId = 5_000_001;
  private nextRoleId = 3_100_001;

  constructor(
    readonly id: number,
    readonly domain: string,
    readonly createdAtMs: number,
    private readonly listener: ChangeListener,
  ) {
    this.tables = Object.fromEntries(
      OBJECT_TYPE_NAMES.map((type) => [type, new ObjectTable(type, createdAtMs)]),
    ) as Record<ObjectType, ObjectTable>;
    this.dealPipelines = [defaultPipeline(createdAtMs)];
    syncPipelineOptions(this.tables.deals, this.dealPipelines);
  }

  /** An admin adds a deal pipeline: it and its stages get numeric ids, as HubSpot gives custom ones. */
  addDealPipeline(
    input: {
      label: string;
      stages: Array<{ label: string; isClosed?: boolean | undefined; probability?: string | undefined }>;
    },
    nowMs: number,
  ): Pipeline {
    const pipeline: Pipeline = {
      id: String(this.nextPipelineId++),
      label: input.label,
      displayOrder: this.dealPipelines.length,
      createdAtMs: nowMs,
      updatedAtMs: nowMs,
      stages: input.stages.map((stage, index) => ({
        id: String(this.nextPipelineId++),
        label: stage.label,
        displayOrder: index,
        isClosed: stage.isClosed ?? false,
        probability: stage.probability ?? (stage.isClosed ? '0.0' : '0.5'),
      })),
    };
    this.dealPipelines.push(pipeline);
    syncPipelineOptions(this.tables.deals, this.dealPipelines);
    return pipeline;
  }

  allocateObjectId(): string {
    const id = this.nextObjectId;
    this.nextObjectId += 1;
    return String(id);
  }

  addOwner(
    input: { email: string; firstName: string; lastName: string; superAdmin?: boolean; roleIds?: string[] },
    nowMs: number,
  ): Owner {
    const owner: Owner = {
      id: String(this.nextOwnerId++),
      userId: this.nextUserId++,
      email: input.email,
      firstName: input.firstName,
      lastName: input.lastName,
      createdAtMs: nowMs,
      updatedAtMs: nowMs,
      archived: false,
      superAdmin: input.superAdmin ?? false,
      roleIds: [...(input.roleIds ?? [])],
    };
    this.owners.set(owner.id, owner);
    return owner;
  }

  addRole(input: RoleInput): Role {
    const role: Role = {
      id: input.id ?? String(this.nextRoleId++),
      name: input.name,
      requiresBillingWrite: input.requiresBillingWrite ?? false,
    };
    this.roles.set(role.id, role);
    return role;
  }

  /** Replaces the account's roles; users keep only the role ids that still exist. */
  replaceRoles(roles: readonly RoleInput[]): Role[] {
    this.roles.clear();
    const made = roles.map((role) => this.addRole(role));
    for (const owner of this.owners.values()) {
      owner.roleIds = owner.roleIds.filter((id) => this.roles.has(id));
    }
    return made;
  }

  /** The first owner is the portal's admin: the user who installs apps unless told otherwise. */
  get admin(): Owner {
    const first = this.owners.values().next();
    if (first.done) throw new Error(`portal ${this.id} has no users`);
    return first.value;
  }

  /** A user by email (case-insensitive), user id or owner id. */
  findUser(reference: string | number): Owner | undefined {
    const text = String(reference).trim().toLowerCase();
    for (const owner of this.owners.values()) {
      if (owner.email.toLowerCase() === text || String(owner.userId) === text || owner.id === text)
        return owner;
    }
    return undefined;
  }

  liveOwnerIds(): Set<string> {
    return new Set([...this.owners.values()].filter((owner) => !owner.archived).map((owner) => owner.id));
  }

  emit(change: ChangeEvent): void {
    this.listener(this.id, change);
  }
}
