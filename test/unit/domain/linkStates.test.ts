import {
  linkStates,
  transitionLink,
  type LinkChange,
  type LinkFacts,
  type LinkState,
} from '../../../src/domain/linkStates';

const link = (state: LinkState, salesforceObjectType = 'Contact'): LinkFacts => ({
  id: 'link-1',
  state,
  hubspotObjectType: 'contacts',
  salesforceObjectType,
});
const survivor: LinkFacts = {
  id: 'link-2',
  state: 'active',
  hubspotObjectType: 'contacts',
  salesforceObjectType: 'Contact',
};
const successor = { id: 'link-3', hubspotObjectType: 'contacts', salesforceObjectType: 'Contact' };

const changes: Record<LinkChange['kind'], LinkChange> = {
  tombstone: { kind: 'tombstone', deletedSide: 'hubspot' },
  restore: { kind: 'restore' },
  merge: { kind: 'merge', survivor },
  supersede: { kind: 'supersede', successor },
  purge: { kind: 'purge' },
};

// Every (state, change) pair: where it leads, or null when it is refused. Lead links, so supersede can apply.
const expected: Record<LinkState, Record<LinkChange['kind'], LinkState | null>> = {
  active: {
    tombstone: 'tombstoned',
    restore: null,
    merge: 'merged',
    supersede: 'superseded',
    purge: 'purged',
  },
  tombstoned: {
    tombstone: null,
    restore: 'active',
    merge: 'merged',
    supersede: 'superseded',
    purge: 'purged',
  },
  merged: { tombstone: null, restore: null, merge: null, supersede: null, purge: 'purged' },
  superseded: { tombstone: null, restore: null, merge: null, supersede: null, purge: 'purged' },
  purged: { tombstone: null, restore: null, merge: null, supersede: null, purge: null },
};

describe('transitionLink', () => {
  const table = linkStates.flatMap((state) =>
    (Object.keys(changes) as Array<LinkChange['kind']>).map(
      (kind) => [state, kind, expected[state][kind]] as const,
    ),
  );

  it.each(table)('%s --%s--> %s', (state, kind, to) => {
    const verdict = transitionLink(link(state, 'Lead'), changes[kind]);
    if (to === null) expect(verdict).toMatchObject({ ok: false, from: state });
    else expect(verdict).toEqual({ ok: true, from: state, to });
  });

  it.each([
    [
      'a Contact link cannot be superseded',
      link('active', 'Contact'),
      changes.supersede,
      'only a Lead link can be superseded',
    ],
    [
      'a Lead is superseded only by a Contact',
      link('active', 'Lead'),
      { kind: 'supersede', successor: { ...successor, salesforceObjectType: 'Lead' } } as LinkChange,
      'a converted Lead is superseded by a Contact link',
    ],
    [
      'no merge into itself',
      link('active'),
      { kind: 'merge', survivor: { ...survivor, id: 'link-1' } } as LinkChange,
      'itself',
    ],
    [
      'no merge into a dead link',
      link('active'),
      { kind: 'merge', survivor: { ...survivor, state: 'tombstoned' } } as LinkChange,
      'must be active',
    ],
    [
      'no merge across object types',
      link('active'),
      { kind: 'merge', survivor: { ...survivor, hubspotObjectType: 'companies' } } as LinkChange,
      'cannot merge into a companies link',
    ],
  ])('%s', (_name, facts, change, reason) => {
    const verdict = transitionLink(facts, change);
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) expect(verdict.reason).toContain(reason);
  });
});
