/**
 * Associations between records. Every association is stored in both directions with HubSpot's defined type
 * ids (contact→company 279 and its inverse 280, …); "Primary" labels are separate type ids, and a record has at
 * most one primary company, as in HubSpot.
 */
import type { ObjectType } from './object-types';

export interface AssociationTypeInfo {
  typeId: number;
  from: ObjectType;
  to: ObjectType;
  label: string | null;
  inverseTypeId: number;
  /** A primary label: at most one per `from` record. */
  primary: boolean;
}

export const ASSOCIATION_TYPES: AssociationTypeInfo[] = [
  { typeId: 279, from: 'contacts', to: 'companies', label: null, inverseTypeId: 280, primary: false },
  { typeId: 280, from: 'companies', to: 'contacts', label: null, inverseTypeId: 279, primary: false },
  { typeId: 1, from: 'contacts', to: 'companies', label: 'Primary', inverseTypeId: 2, primary: true },
  { typeId: 2, from: 'companies', to: 'contacts', label: 'Primary', inverseTypeId: 1, primary: false },
  { typeId: 4, from: 'contacts', to: 'deals', label: null, inverseTypeId: 3, primary: false },
  { typeId: 3, from: 'deals', to: 'contacts', label: null, inverseTypeId: 4, primary: false },
  { typeId: 341, from: 'deals', to: 'companies', label: null, inverseTypeId: 342, primary: false },
  { typeId: 342, from: 'companies', to: 'deals', label: null, inverseTypeId: 341, primary: false },
  { typeId: 5, from: 'deals', to: 'companies', label: 'Primary', inverseTypeId: 6, primary: true },
  { typeId: 6, from: 'companies', to: 'deals', label: 'Primary', inverseTypeId: 5, primary: false },
];

const BY_ID = new Map(ASSOCIATION_TYPES.map((info) => [info.typeId, info]));

export function associationType(typeId: number): AssociationTypeInfo | undefined {
  return BY_ID.get(typeId);
}

/** The unlabeled type between two object types, or undefined when they cannot be associated. */
export function defaultAssociationType(from: ObjectType, to: ObjectType): AssociationTypeInfo | undefined {
  return ASSOCIATION_TYPES.find((info) => info.from === from && info.to === to && info.label === null);
}

/** v3 read names, e.g. `contact_to_company` (primary) and `contact_to_company_unlabeled`. */
export function v3TypeName(info: AssociationTypeInfo, singular: (type: ObjectType) => string): string {
  const base = `${singular(info.from)}_to_${singular(info.to)}`;
  return info.label === null ? `${base}_unlabeled` : base;
}

export interface AssociationDelta {
  fromType: ObjectType;
  fromId: string;
  toType: ObjectType;
  toId: string;
  typeId: number;
  removed: boolean;
}

type Edges = Map<string, Map<string, Set<number>>>;

const nodeKey = (type: ObjectType, id: string): string => `${type}:${id}`;

function parseNode(key: string): { type: ObjectType; id: string } {
  const index = key.indexOf(':');
  return { type: key.slice(0, index) as ObjectType, id: key.slice(index + 1) };
}

export class AssociationStore {
  private readonly edges: Edges = new Map();

  /** Adds the type (and its inverse). Returns every edge that did not exist before, both directions. */
  add(
    fromType: ObjectType,
    fromId: string,
    toType: ObjectType,
    toId: string,
    typeId: number,
  ): AssociationDelta[] {
    const info = associationType(typeId);
    if (!info || info.from !== fromType || info.to !== toType) return [];
    const deltas: AssociationDelta[] = [];
    // A labelled association always comes with the unlabeled one, as in HubSpot.
    const unlabeled = info.label !== null ? defaultAssociationType(fromType, toType) : undefined;
    if (unlabeled) deltas.push(...this.add(fromType, fromId, toType, toId, unlabeled.typeId));
    if (info.primary) {
      for (const existing of this.list(fromType, fromId, toType)) {
        if (existing.toId !== toId && existing.typeIds.includes(typeId)) {
          deltas.push(...this.remove(fromType, fromId, toType, existing.toId, [typeId]));
        }
      }
    }
    if (this.link(fromType, fromId, toType, toId, typeId)) {
      deltas.push({ fromType, fromId, toType, toId, typeId, removed: false });
    }
    if (this.link(toType, toId, fromType, fromId, info.inverseTypeId)) {
      deltas.push({
        fromType: toType,
        fromId: toId,
        toType: fromType,
        toId: fromId,
        typeId: info.inverseTypeId,
        removed: false,
      });
    }
    return deltas;
  }

  /** Removes the given types (all when omitted) between the pair, both directions. */
  remove(
    fromType: ObjectType,
    fromId: string,
    toType: ObjectType,
    toId: string,
    typeIds?: number[],
  ): AssociationDelta[] {
    const current = this.edges.get(nodeKey(fromType, fromId))?.get(nodeKey(toType, toId));
    if (!current) return [];
    const deltas: AssociationDelta[] = [];
    for (const typeId of [...current]) {
      if (typeIds && !typeIds.includes(typeId)) continue;
      const info = associationType(typeId);
      this.unlink(fromType, fromId, toType, toId, typeId);
      deltas.push({ fromType, fromId, toType, toId, typeId, removed: true });
      if (info && this.unlink(toType, toId, fromType, fromId, info.inverseTypeId)) {
        deltas.push({
          fromType: toType,
          fromId: toId,
          toType: fromType,
          toId: fromId,
          typeId: info.inverseTypeId,
          removed: true,
        });
      }
    }
    return deltas;
  }

  /** Associated records of one type, in id order, with the type ids of each association. */
  list(fromType: ObjectType, fromId: string, toType: ObjectType): Array<{ toId: string; typeIds: number[] }> {
    const targets = this.edges.get(nodeKey(fromType, fromId));
    if (!targets) return [];
    const result: Array<{ toId: string; typeIds: number[] }> = [];
    for (const [key, types] of targets) {
      const node = parseNode(key);
      if (node.type === toType && types.size > 0)
        result.push({ toId: node.id, typeIds: [...types].sort((a, b) => a - b) });
    }
    return result.sort((a, b) => Number(a.toId) - Number(b.toId));
  }

  /** Every association of a record, for merges and permanent deletes. */
  allOf(type: ObjectType, id: string): Array<{ toType: ObjectType; toId: string; typeIds: number[] }> {
    const targets = this.edges.get(nodeKey(type, id));
    if (!targets) return [];
    return [...targets].map(([key, types]) => {
      const node = parseNode(key);
      return { toType: node.type, toId: node.id, typeIds: [...types] };
    });
  }

  /** Drops every association of a record silently (permanent delete). */
  forget(type: ObjectType, id: string): void {
    for (const { toType, toId } of this.allOf(type, id)) {
      this.edges.get(nodeKey(toType, toId))?.delete(nodeKey(type, id));
    }
    this.edges.delete(nodeKey(type, id));
  }

  clear(): void {
    this.edges.clear();
  }

  private link(
    fromType: ObjectType,
    fromId: string,
    toType: ObjectType,
    toId: string,
    typeId: number,
  ): boolean {
    const fromKey = nodeKey(fromType, fromId);
    let targets = this.edges.get(fromKey);
    if (!targets) {
      targets = new Map();
      this.edges.set(fromKey, targets);
    }
    const toKey = nodeKey(toType, toId);
    let types = targets.get(toKey);
    if (!types) {
      types = new Set();
      targets.set(toKey, types);
    }
    if (types.has(typeId)) return false;
    types.add(typeId);
    return true;
  }

  private unlink(
    fromType: ObjectType,
    fromId: string,
    toType: ObjectType,
    toId: string,
    typeId: number,
  ): boolean {
    const targets = this.edges.get(nodeKey(fromType, fromId));
    const types = targets?.get(nodeKey(toType, toId));
    if (!targets || !types || !types.delete(typeId)) return false;
    if (types.size === 0) targets.delete(nodeKey(toType, toId));
    return true;
  }
}
