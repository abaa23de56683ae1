/**
 * Turning a change in a portal into the webhook events an app subscribed to, with the real payload fields:
 * legacy `contact.propertyChange`-style types and generic `object.*` types (which add objectTypeId).
 */
import { webhookSourceOf } from '../crm/actor';
import { associationType } from '../crm/associations';
import type { ChangeEvent } from '../crm/changes';
import { OBJECT_TYPES } from '../crm/object-types';
import type { AppRuntime, WebhookSubscription } from '../state/apps';

/** An event before the dispatcher gives it an eventId and an attemptNumber. */
export type WebhookEventDraft = Record<string, unknown> & {
  subscriptionId: number;
  portalId: number;
  appId: number;
};

function kindMatches(subscription: WebhookSubscription, change: ChangeEvent): { generic: boolean } | null {
  if (!subscription.active) return null;
  const [prefix, kind] = subscription.subscriptionType.split('.');
  if (kind !== change.kind) return null;
  const info = OBJECT_TYPES[change.objectType];
  if (prefix === 'object') {
    if (subscription.objectTypeId !== null && subscription.objectTypeId !== info.typeId) return null;
  } else if (prefix !== info.singular) {
    return null;
  }
  if (
    change.kind === 'propertyChange' &&
    subscription.propertyName !== null &&
    subscription.propertyName !== change.propertyName
  ) {
    return null;
  }
  return { generic: prefix === 'object' };
}

export function eventsFor(app: AppRuntime, portalId: number, change: ChangeEvent): WebhookEventDraft[] {
  const drafts: WebhookEventDraft[] = [];
  for (const subscription of app.webhooks?.subscriptions ?? []) {
    const matched = kindMatches(subscription, change);
    if (!matched) continue;
    const source = webhookSourceOf(change.actor);
    const event: WebhookEventDraft = {
      subscriptionId: subscription.id,
      portalId,
      appId: app.appId,
      occurredAt: change.occurredAtMs,
      subscriptionType: subscription.subscriptionType,
    };
    if (change.kind !== 'associationChange') event.objectId = Number(change.objectId);
    switch (change.kind) {
      case 'creation':
        event.changeFlag = 'CREATED';
        break;
      case 'deletion':
        event.changeFlag = 'DELETED';
        break;
      case 'propertyChange':
        event.propertyName = change.propertyName;
        event.propertyValue = change.propertyValue;
        break;
      case 'merge':
        event.primaryObjectId = Number(change.primaryObjectId);
        event.mergedObjectIds = change.mergedObjectIds.map(Number);
        event.newObjectId = Number(change.newObjectId);
        event.numberOfPropertiesMoved = change.numberOfPropertiesMoved;
        break;
      case 'associationChange': {
        const from = OBJECT_TYPES[change.objectType];
        const to = OBJECT_TYPES[change.toObjectType];
        event.associationType = `${from.upper}_TO_${to.upper}`;
        event.fromObjectId = Number(change.fromObjectId);
        event.toObjectId = Number(change.toObjectId);
        event.associationRemoved = change.removed;
        event.isPrimaryAssociation = change.isPrimary;
        if (matched.generic) {
          event.fromObjectTypeId = from.typeId;
          event.toObjectTypeId = to.typeId;
          event.associationTypeId = change.associationTypeId;
          event.associationCategory = change.associationCategory;
        }
        break;
      }
      case 'restore':
      case 'privacyDeletion':
        break;
    }
    event.changeSource = source.changeSource;
    event.sourceId = source.sourceId;
    if (matched.generic) event.objectTypeId = OBJECT_TYPES[change.objectType].typeId;
    drafts.push(event);
  }
  return drafts;
}

/** Whether an association type id carries a primary label. */
export function isPrimaryType(typeId: number): boolean {
  return associationType(typeId)?.label === 'Primary';
}
