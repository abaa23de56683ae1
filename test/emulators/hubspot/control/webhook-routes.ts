/** /_emulator/ routes for webhook subscriptions per app, the delivery log, and deliveries lost for good. */
import { z } from 'zod';
import { OBJECT_TYPES, resolveObjectType } from '../crm/object-types';
import { parseInput } from '../crm/route-helpers';
import { errors } from '../http/errors';
import type { RequestContext, Router } from '../http/router';
import type { WebhookSubscription } from '../state/apps';
import type { EmulatorState } from '../state/emulator-state';
import { appParam } from './admin-routes';
import { WebhookSettingsInputSchema } from './schemas';

const KINDS = new Set([
  'creation',
  'deletion',
  'propertyChange',
  'merge',
  'restore',
  'associationChange',
  'privacyDeletion',
]);

const DropInputSchema = z.object({ count: z.number().int().min(1).max(10_000).default(1) });

let nextSubscriptionId = 3_000_001;

function subscriptionFrom(input: {
  subscriptionType: string;
  objectType?: string | undefined;
  propertyName?: string | undefined;
  active: boolean;
}): WebhookSubscription {
  const [prefix = '', kind = ''] = input.subscriptionType.split('.');
  if (!KINDS.has(kind)) throw errors.validation(`Unknown subscription type ${input.subscriptionType}`);
  let objectTypeId: string | null = null;
  if (prefix === 'object') {
    if (kind === 'privacyDeletion')
      throw errors.validation('privacyDeletion is subscribed as contact.privacyDeletion');
    if (input.objectType !== undefined) {
      const type = resolveObjectType(input.objectType);
      if (!type) throw errors.validation(`Unknown object type ${input.objectType}`);
      objectTypeId = OBJECT_TYPES[type].typeId;
    }
  } else if (!['contact', 'company', 'deal'].includes(prefix)) {
    throw errors.validation(`Unknown subscription type ${input.subscriptionType}`);
  } else if (kind === 'privacyDeletion' && prefix !== 'contact') {
    throw errors.validation('only contacts have privacyDeletion events');
  }
  return {
    id: nextSubscriptionId++,
    subscriptionType: input.subscriptionType,
    objectTypeId,
    propertyName: kind === 'propertyChange' ? (input.propertyName ?? null) : null,
    active: input.active,
  };
}

export function registerWebhookRoutes(router: Router, state: EmulatorState): void {
  const add = (
    method: 'GET' | 'PUT' | 'DELETE' | 'POST',
    pattern: string,
    handler: (ctx: RequestContext) => unknown,
  ) =>
    router.add({
      method,
      pattern: `/_emulator${pattern}`,
      kind: 'control',
      body: 'json',
      handler: (ctx) => {
        const body = handler(ctx);
        return body === undefined ? { status: 204 } : { status: 200, body };
      },
    });

  add('PUT', '/apps/:appId/webhooks', (ctx) => {
    const app = appParam(state, ctx);
    const input = parseInput(WebhookSettingsInputSchema, ctx.body);
    app.webhooks = {
      targetUrl: input.targetUrl,
      maxConcurrentRequests: input.maxConcurrentRequests,
      subscriptions: input.subscriptions.map(subscriptionFrom),
    };
    return app.webhooks;
  });
  add('GET', '/apps/:appId/webhooks', (ctx) => appParam(state, ctx).webhooks);
  add('DELETE', '/apps/:appId/webhooks', (ctx) => {
    appParam(state, ctx).webhooks = null;
    return undefined;
  });
  add('GET', '/webhooks/deliveries', (ctx) => {
    const appId = ctx.query.get('appId');
    return { results: state.webhooks.deliveries(appId === null ? {} : { appId: Number(appId) }) };
  });
  add('DELETE', '/webhooks/deliveries', () => {
    state.webhooks.clearLog();
    return undefined;
  });
  add('GET', '/webhooks/status', () => state.webhooks.status());
  add('POST', '/apps/:appId/webhooks/drop', (ctx) => {
    const app = appParam(state, ctx);
    const input = parseInput(DropInputSchema, ctx.body);
    state.webhooks.dropNext(app.appId, input.count);
    return undefined;
  });
}
