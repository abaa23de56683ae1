/**
 * The life of a link between a HubSpot record and a Salesforce record, as data.
 *
 *              ┌─────────── restore ───────────┐
 *              ▼                               │
 *   create ─► active ──────── tombstone ───► tombstoned      (one side deleted; grace period)
 *              │  │                            │  │
 *              │  └── merge ──► merged ◄─ merge ┘  │          (points at the surviving link)
 *              └── supersede ─► superseded ◄───────┘          (a Lead link replaced by its converted
 *                                                              Contact's, also when converted while deleted)
 *
 *   every state but purged ── purge ──► purged                (privacy deletion: kept to block re-creation)
 *
 * merged, superseded and purged are final: a link that ended is never revived; a new link is made instead.
 * Pure: no I/O, no clock. The storage layer asks `transitionLink` before every state change.
 */

export const linkStates = ['active', 'tombstoned', 'merged', 'superseded', 'purged'] as const;
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
  { kind: 'purge', from: 'active', to: 'purged' },
  { kind: 'purge', from: 'tombstoned', to: 'purged' },
  { kind: 'purge', from: 'merged', to: 'purged' },
  { kind: 'purge', from: 'superseded', to: 'purged' },
];

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
