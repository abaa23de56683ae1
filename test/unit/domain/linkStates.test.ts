import {
  currentLinkOf,
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
  duplicate: { kind: 'duplicate', holder: survivor },
  purge: { kind: 'purge' },
};

// Every (state, change) pair: where it leads, or null when it is refused. Lead links, so supersede can apply.
const expected: Record<LinkState, Record<LinkChange['kind'], LinkState | null>> = {
  active: {
    tombstone: 'tombstoned',
    restore: null,
    merge: 'merged',
    supersede: 'superseded',
    duplicate: 'duplicate',
    purge: 'purged',
  },
  tombstoned: {
    tombstone: null,
    restore: 'active',
    merge: 'merged',
    supersede: 'superseded',
    duplicate: 'duplicate',
    purge: 'purged',
  },
  merged: { tombstone: null, restore: null, merge: null, supersede: null, duplicate: null, purge: 'purged' },
  superseded: {
    tombstone: null,
    restore: null,
    merge: null,
    supersede: null,
    duplicate: null,
    purge: 'purged',
  },
  duplicate: {
    tombstone: null,
    restore: null,
    merge: null,
    supersede: null,
    duplicate: null,
    purge: 'purged',
  },
  purged: { tombstone: null, restore: null, merge: null, supersede: null, duplicate: null, purge: null },
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
      'only a Lead link ends as a duplicate',
      link('active', 'Contact'),
      changes.duplicate,
      'only a Lead link ends as a duplicate',
    ],
    [
      "a duplicate points at the converted Contact's active link",
      link('active', 'Lead'),
      { kind: 'duplicate', holder: { ...survivor, state: 'merged' } } as LinkChange,
      'must be active',
    ],
    [
      'a duplicate points at a Contact link',
      link('active', 'Lead'),
      { kind: 'duplicate', holder: { ...survivor, salesforceObjectType: 'Lead' } } as LinkChange,
      "the converted Contact's",
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

describe('currentLinkOf', () => {
  const named = (id: string, state: LinkState) => ({ id, state });
  it.each([
    ['the active link first', [named('a', 'superseded'), named('b', 'active')], 'b'],
    ['else a tombstone', [named('a', 'merged'), named('b', 'tombstoned')], 'b'],
    ['else the newest ended link', [named('a', 'superseded'), named('b', 'merged')], 'a'],
    ['not a duplicate link: the record waits on its question', [named('a', 'duplicate')], null],
    ['nor an older ended link behind a duplicate one', [named('a', 'duplicate'), named('b', 'merged')], null],
    ['an active link beats a duplicate one', [named('a', 'duplicate'), named('b', 'active')], 'b'],
    ['nothing for no links', [], null],
  ] as const)('%s', (_name, newestFirst, id) => {
    expect(currentLinkOf(newestFirst)?.id ?? null).toBe(id);
  });
});
