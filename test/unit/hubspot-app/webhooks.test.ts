import { parseSubscriptionType } from '../../../src/domain/changes/hubspotEvents';
import { defaultSettings } from '../../../src/domain/settings/defaults';
import { hubspotPropertiesThatMatter } from '../../../src/domain/settings/readLists';
import { declaredSubscriptions, readWebhooksMeta } from '../../support/webhook-subscriptions';

describe("the app's webhook subscriptions (webhooks-hsmeta.json)", () => {
  const subscriptions = declaredSubscriptions();

  it('subscribes to a property change of every property whose change matters to the shipped settings', () => {
    const subscribed = subscriptions
      .filter((subscription) => subscription.subscriptionType.endsWith('.propertyChange'))
      .map((subscription) => subscription.propertyName);
    expect(subscribed.sort()).toEqual([...hubspotPropertiesThatMatter(defaultSettings(), 'contacts')].sort());
  });

  it('covers every contact lifecycle event the engine acts on', () => {
    const kinds = subscriptions.map(
      (subscription) =>
        parseSubscriptionType({
          subscriptionType: subscription.subscriptionType,
          objectTypeId: subscription.objectType === 'contact' ? '0-1' : undefined,
        })?.kind,
    );
    expect(new Set(kinds)).toEqual(
      new Set(['creation', 'deletion', 'propertyChange', 'merge', 'restore', 'privacyDeletion']),
    );
  });

  it('delivers to the webhook endpoint, with every subscription active', () => {
    const meta = readWebhooksMeta();
    expect(new URL(meta.config.settings.targetUrl).pathname).toBe('/webhooks/hubspot');
    expect(subscriptions.every((subscription) => subscription.active)).toBe(true);
  });
});
