/**
 * The life of a link between a HubSpot record and a Salesforce record, as data.
 *
 *              ┌─────────── restore ───────────┐
 *              ▼                               │
 *   create ─► active ──────── tombstone ───► tombstoned      (one side deleted; grace period)
 *              │  │                            │  │
 *              │  └── merge ──► merged ◄─ merge ┘  │          (points at the surviving link)
 *              ├── supersede ─► superseded ◄───────┤          (a Lead link replaced by its converted
 *              │                                   │           Contact's, also when converted while deleted)
 *              └── duplicate ─► duplicate ◄────────┘          (a Lead converted into a Contact that syncs
 *                                                              with another HubSpot record: points at that link)
 *
 *   every state but purged ── purge ──► purged                (privacy deletion: kept to block re-creation)
 *
 * merged, superseded, duplicate and purged are final: a link that ended is never revived; a new link is made
 * instead. A `duplicate` link leaves its HubSpot record without a current link: the record waits on a question
 * for a person (the two HubSpot records are possible duplicates of one person), never on the ended link.
 * Pure: no I/O, no clock. The storage layer asks `transitionLink` before every state change.
 */

export const linkStates = ['active', 'tombstoned', 'merged', 'superseded', 'duplicate', 'purged'] as const;
export type LinkState = (typeof linkStates)[number];

export type LinkSide = 'hubspot' | 'salesforce';

/** What a link looks like to the state machine. */
export interface LinkFacts {
  id: string;
  state: LinkState;
  hubspotObjectType: string;
  salesforceObjectType: string;
}

/** A requested change. Each kind carries what is needed to judge it. */
export type LinkChange =
  | { kind: 'tombstone'; deletedSide: LinkSide }
  | { kind: 'restore' }
  | { kind: 'merge'; survivor: LinkFacts }
  | { kind: 'supersede'; successor: Pick<LinkFacts, 'id' | 'hubspotObjectType' | 'salesforceObjectType'> }
  /** A converted Lead whose Contact is held by `holder`, the active link of another HubSpot record. */
  | { kind: 'duplicate'; holder: LinkFacts }
  | { kind: 'purge' };

export type LinkChangeKind = LinkChange['kind'];

export type LinkTransition =
  { ok: true; from: LinkState; to: LinkState } | { ok: false; from: LinkState; reason: string };

/** Where each kind of change may start, and where it leads. */
export const linkTransitions: ReadonlyArray<{ kind: LinkChangeKind; from: LinkState; to: LinkState }> = [
  { kind: 'tombstone', from: 'active', to: 'tombstoned' },
  { kind: 'restore', from: 'tombstoned', to: 'active' },
  { kind: 'merge', from: 'active', to: 'merged' },
  { kind: 'merge', from: 'tombstoned', to: 'merged' },
  { kind: 'supersede', from: 'active', to: 'superseded' },
  { kind: 'supersede', from: 'tombstoned', to: 'superseded' },
  { kind: 'duplicate', from: 'active', to: 'duplicate' },
  { kind: 'duplicate', from: 'tombstoned', to: 'duplicate' },
  { kind: 'purge', from: 'active', to: 'purged' },
  { kind: 'purge', from: 'tombstoned', to: 'purged' },
  { kind: 'purge', from: 'merged', to: 'purged' },
  { kind: 'purge', from: 'superseded', to: 'purged' },
  { kind: 'purge', from: 'duplicate', to: 'purged' },
];

/**
 * The link that speaks for a record, from all its links newest first: the active one, else a tombstone (which
 * blocks re-creation), else the newest ended one, unless that one is a `duplicate` link: its record has no
 * current link and waits on a question instead (older ended links are history, not a way back).
 */
export function currentLinkOf<T extends { readonly state: LinkState }>(newestFirst: readonly T[]): T | null {
  const newest = newestFirst[0];
  return (
    newestFirst.find((link) => link.state === 'active') ??
    newestFirst.find((link) => link.state === 'tombstoned') ??
    (newest && newest.state !== 'duplicate' ? newest : null)
  );
}

/** Decides whether `change` may happen to `link`, and the state it leads to. */
export function transitionLink(link: LinkFacts, change: LinkChange): LinkTransition {
  const from = link.state;
  const allowed = linkTransitions.find((entry) => entry.kind === change.kind && entry.from === from);
  if (!allowed) {
    const article = from === 'active' ? 'an' : 'a';
    return { ok: false, from, reason: `${article} ${from} link cannot be ${pastTense[change.kind]}` };
  }
  const refusal = refuse(link, change);
  return refusal ? { ok: false, from, reason: refusal } : { ok: true, from, to: allowed.to };
}

const pastTense: Record<LinkChangeKind, string> = {
  tombstone: 'tombstoned',
  restore: 'restored',
  merge: 'merged',
  supersede: 'superseded',
  duplicate: 'ended as a duplicate',
  purge: 'purged',
};

function refuse(link: LinkFacts, change: LinkChange): string | null {
  switch (change.kind) {
    case 'merge':
      if (change.survivor.id === link.id) return 'a link cannot be merged into itself';
      if (change.survivor.state !== 'active') return 'the surviving link must be active';
      if (change.survivor.hubspotObjectType !== link.hubspotObjectType)
        return `a ${link.hubspotObjectType} link cannot merge into a ${change.survivor.hubspotObjectType} link`;
      return null;
    case 'supersede':
      // Lead conversion is the only way one Salesforce record takes over another's link.
      if (link.salesforceObjectType !== 'Lead')
        return 'only a Lead link can be superseded (by lead conversion)';
      if (change.successor.salesforceObjectType !== 'Contact')
        return 'a converted Lead is superseded by a Contact link';
      if (change.successor.hubspotObjectType !== link.hubspotObjectType)
        return 'the successor must link the same kind of HubSpot object';
      if (change.successor.id === link.id) return 'a link cannot supersede itself';
      return null;
    case 'duplicate':
      if (link.salesforceObjectType !== 'Lead')
        return 'only a Lead link ends as a duplicate (by lead conversion)';
      if (change.holder.id === link.id) return 'a link cannot be its own duplicate';
      if (change.holder.state !== 'active') return "the converted Contact's link must be active";
      if (change.holder.salesforceObjectType !== 'Contact')
        return "the holding link must be the converted Contact's";
      if (change.holder.hubspotObjectType !== link.hubspotObjectType)
        return 'the holding link must link the same kind of HubSpot object';
      return null;
    case 'tombstone':
    case 'restore':
    case 'purge':
      return null;
    default:
      return assertNever(change);
  }
}

function assertNever(value: never): never {
  throw new Error(`unhandled link change ${JSON.stringify(value)}`);
}
