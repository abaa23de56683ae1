import {
  combineMarks,
  HubspotWebhookEventSchema,
  interpretEvent,
  type EventContext,
  type RecordMark,
} from '../../../../src/domain/changes/hubspotEvents';
import type { HubspotObjectType } from '../../../../src/domain/records';
import { hubspotPropertiesThatMatter } from '../../../../src/domain/settings/readLists';
import { defaultSettings } from '../../../../src/domain/settings/defaults';

const APP_ID = '424242';
const settings = defaultSettings();
const context: EventContext = {
  appId: APP_ID,
  syncedObjects: new Set<HubspotObjectType>(['contacts']),
  propertyMatters: (object, property) => hubspotPropertiesThatMatter(settings, object).has(property),
};

const event = (fields: Record<string, unknown>) =>
  HubspotWebhookEventSchema.parse({
    eventId: 1,
    subscriptionId: 2,
    portalId: 62515,
    occurredAt: 1_700_000_000_000,
    attemptNumber: 0,
    objectId: 101,
    changeSource: 'CRM_UI',
    sourceId: 'userId:7',
    ...fields,
  });

describe('what a HubSpot webhook event means', () => {
  it.each([
    ['contact.creation', {}, { recordId: '101', hint: null }],
    ['object.creation', { objectTypeId: '0-1' }, { recordId: '101', hint: null }],
    ['contact.propertyChange', { propertyName: 'email' }, { recordId: '101', hint: null }],
    [
      'object.propertyChange',
      { objectTypeId: '0-1', propertyName: 'LastName' },
      { recordId: '101', hint: null },
    ],
    ['contact.deletion', {}, { recordId: '101', hint: 'deleted' }],
    ['object.restore', { objectTypeId: '0-1' }, { recordId: '101', hint: 'restored' }],
    ['contact.privacyDeletion', {}, { recordId: '101', hint: 'privacy_deleted' }],
    [
      'object.merge',
      { objectTypeId: '0-1', objectId: 300, newObjectId: 300, primaryObjectId: 101, mergedObjectIds: [102] },
      { recordId: '300', hint: 'merged', survivorId: '300', mergedIds: ['101', '102'] },
    ],
  ])('%s %j marks %j', (subscriptionType, fields, expected) => {
    const decision = interpretEvent(event({ subscriptionType, ...fields }), context);
    expect(decision).toEqual({
      kind: 'mark',
      mark: {
        objectType: 'contacts',
        occurredAtMs: 1_700_000_000_000,
        // Who made the change travels with the mark: the write it causes names them.
        changeSource: 'CRM_UI',
        sourceId: 'userId:7',
        ...expected,
      },
    });
  });

  it.each([
    [
      'our own write',
      {
        subscriptionType: 'contact.propertyChange',
        propertyName: 'email',
        changeSource: 'INTEGRATION',
        sourceId: APP_ID,
      },
      'own_echo',
    ],
    [
      'our own create',
      {
        subscriptionType: 'object.creation',
        objectTypeId: '0-1',
        changeSource: 'INTEGRATION',
        sourceId: APP_ID,
      },
      'own_echo',
    ],
    [
      'a property the sync does not read',
      { subscriptionType: 'contact.propertyChange', propertyName: 'website' },
      'property_not_synced',
    ],
    ['a company (companies do not sync)', { subscriptionType: 'company.creation' }, 'object_not_synced'],
    ['a ticket', { subscriptionType: 'object.creation', objectTypeId: '0-5' }, 'unknown_event_type'],
    ['an association change', { subscriptionType: 'contact.associationChange' }, 'association_change'],
    ['an unknown kind', { subscriptionType: 'contact.teleported' }, 'unknown_event_type'],
  ])('skips %s', (_what, fields, reason) => {
    expect(interpretEvent(event(fields), context)).toEqual({ kind: 'skip', reason });
  });

  it("keeps another integration's writes (same source type, other app id) and our privacy deletions", () => {
    const other = event({
      subscriptionType: 'contact.propertyChange',
      propertyName: 'email',
      changeSource: 'INTEGRATION',
      sourceId: '990001',
    });
    expect(interpretEvent(other, context).kind).toBe('mark');
    const purge = event({
      subscriptionType: 'contact.privacyDeletion',
      changeSource: 'INTEGRATION',
      sourceId: APP_ID,
    });
    expect(interpretEvent(purge, context).kind).toBe('mark');
  });

  it('combines several events about one record into one mark', () => {
    const mark = (
      recordId: string,
      hint: RecordMark['hint'],
      occurredAtMs: number,
      extra: Partial<RecordMark> = {},
    ): RecordMark => ({
      objectType: 'contacts',
      recordId,
      hint,
      occurredAtMs,
      ...extra,
    });
    const combined = combineMarks([
      mark('1', null, 10),
      mark('1', 'deleted', 20),
      mark('2', 'privacy_deleted', 5),
      mark('2', null, 30),
      mark('3', 'merged', 10, { survivorId: '3', mergedIds: ['9'] }),
      mark('3', null, 40),
      mark('4', 'deleted', 10),
      mark('4', 'restored', 50),
    ]);
    expect(combined).toEqual([
      mark('1', 'deleted', 20),
      mark('2', 'privacy_deleted', 5),
      mark('3', 'merged', 40, { survivorId: '3', mergedIds: ['9'] }),
      mark('4', 'restored', 50),
    ]);
  });

  it('validates what HubSpot sends: numeric ids as numbers or digit strings, nothing else', () => {
    expect(event({ subscriptionType: 'contact.creation', objectId: '42' }).objectId).toBe('42');
    expect(() => event({ subscriptionType: 'contact.creation', objectId: 'abc' })).toThrow();
    expect(() => HubspotWebhookEventSchema.parse({ subscriptionType: 'contact.creation' })).toThrow();
  });
  describe('an association change between a contact or a deal and a company', () => {
    const syncing: EventContext = {
      ...context,
      syncedObjects: new Set<HubspotObjectType>(['contacts', 'companies', 'deals']),
      associationSynced: (object) => object === 'contacts' || object === 'deals',
    };
    const legacy = (fields: Record<string, unknown>) =>
      event({
        subscriptionType: 'contact.associationChange',
        objectId: undefined,
        associationType: 'CONTACT_TO_COMPANY',
        fromObjectId: 501,
        toObjectId: 9001,
        associationRemoved: false,
        ...fields,
      });

    it('marks the contact (legacy event) or the deal (generic event) whose companies changed', () => {
      expect(interpretEvent(legacy({}), syncing)).toEqual({
        kind: 'mark',
        mark: { objectType: 'contacts', recordId: '501', hint: null, occurredAtMs: 1_700_000_000_000 },
      });
      const generic = event({
        subscriptionType: 'object.associationChange',
        objectId: undefined,
        fromObjectTypeId: '0-3',
        toObjectTypeId: '0-2',
        fromObjectId: 77,
        toObjectId: 9001,
        associationTypeId: 5,
      });
      expect(interpretEvent(generic, syncing)).toMatchObject({
        kind: 'mark',
        mark: { objectType: 'deals', recordId: '77' },
      });
      // A deal's contacts: the event from the deal's side marks the deal.
      expect(
        interpretEvent(
          legacy({
            subscriptionType: 'deal.associationChange',
            associationType: 'DEAL_TO_CONTACT',
            fromObjectId: 78,
          }),
          syncing,
        ),
      ).toMatchObject({
        kind: 'mark',
        mark: { objectType: 'deals', recordId: '78' },
      });
    });

    it('skips the company-side direction, other association types, its own writes, and companies that do not sync', () => {
      expect(
        interpretEvent(
          legacy({ associationType: 'COMPANY_TO_CONTACT', subscriptionType: 'company.associationChange' }),
          syncing,
        ),
      ).toEqual({ kind: 'skip', reason: 'association_change' });
      expect(interpretEvent(legacy({ associationType: 'CONTACT_TO_DEAL' }), syncing)).toEqual({
        kind: 'skip',
        reason: 'association_change',
      });
      expect(interpretEvent(legacy({ changeSource: 'INTEGRATION', sourceId: APP_ID }), syncing)).toEqual({
        kind: 'skip',
        reason: 'own_echo',
      });
      expect(
        interpretEvent(legacy({}), { ...syncing, syncedObjects: new Set<HubspotObjectType>(['contacts']) }),
      ).toEqual({ kind: 'skip', reason: 'object_not_synced' });
      expect(interpretEvent(legacy({}), { ...syncing, associationSynced: () => false })).toEqual({
        kind: 'skip',
        reason: 'association_change',
      });
    });
  });
});
