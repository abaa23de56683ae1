import { parseSubscriptionType } from '../../../src/domain/changes/hubspotEvents';
import { defaultSettings } from '../../../src/domain/settings/defaults';
import { hubspotPropertiesThatMatter } from '../../../src/domain/settings/readLists';
import { declaredSubscriptions, readWebhooksMeta } from '../../support/webhook-subscriptions';

describe("the app's webhook subscriptions (webhooks-hsmeta.json)", () => {
  const subscriptions = declaredSubscriptions();

  it.each([
    ['contact', 'contacts'],
    ['company', 'companies'],
    ['deal', 'deals'],
  ] as const)(
    'subscribes to a property change of every %s property whose change matters to the shipped settings',
    (objectType, settingsObject) => {
      const subscribed = subscriptions
        .filter(
          (subscription) =>
            subscription.subscriptionType.endsWith('.propertyChange') &&
            subscription.objectType === objectType,
        )
        .map((subscription) => subscription.propertyName);
      expect(subscribed.sort()).toEqual(
        [...hubspotPropertiesThatMatter(defaultSettings(), settingsObject)].sort(),
      );
    },
  );

  it.each([
    ['contact', '0-1', ['privacyDeletion'], ['associationChange']],
    ['company', '0-2', [], []],
    ['deal', '0-3', [], ['associationChange']],
  ] as const)(
    'covers every %s lifecycle event the engine acts on',
    (objectType, objectTypeId, hubEvents, more) => {
      const kinds = subscriptions
        .filter(
          (subscription) => subscription.objectType === objectType || subscription.objectType === undefined,
        )
        .map(
          (subscription) =>
            parseSubscriptionType({
              subscriptionType: subscription.subscriptionType,
              objectTypeId: subscription.objectType === objectType ? objectTypeId : undefined,
            })?.kind,
        )
        .filter((kind) => kind !== 'privacyDeletion' || hubEvents.length > 0);
      expect(new Set(kinds)).toEqual(
        new Set(['creation', 'deletion', 'propertyChange', 'merge', 'restore', ...hubEvents, ...more]),
      );
    },
  );

  it('delivers to the webhook endpoint, with every subscription active', () => {
    const meta = readWebhooksMeta();
    expect(new URL(meta.config.settings.targetUrl).pathname).toBe('/webhooks/hubspot');
    expect(subscriptions.every((subscription) => subscription.active)).toBe(true);
  });
});
