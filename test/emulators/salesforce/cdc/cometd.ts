/**
 * The Streaming API endpoint (`/cometd/{version}`) for Change Data Capture, served by faye. jsforce's
 * streaming client talks to it unchanged: `Authorization: OAuth <token>` on every request, replay
 * through `ext.replay` on subscribe, `401::Authentication invalid` with `reconnect: none` when the
 * session has ended (jsforce's AuthFailure extension reacts to it).
 *
 * Orgs are kept apart by renaming channels: a subscription to `/data/ContactChangeEvent` becomes
 * `/x<orgId>/data/ContactChangeEvent` on the way in and is renamed back on the way out.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BayeuxMessage, Extension } from 'faye';
import { NodeAdapter } from 'faye';
import type { EmulatorState } from '../core/state';
import type { Org } from '../core/org';
import type { ChangeEvent } from './change-events';
import { CDC_ENTITIES } from './change-events';

const PUBLIC_CHANNELS = new Set(['/data/ChangeEvents', ...CDC_ENTITIES.map((e) => `/data/${e}ChangeEvent`)]);
const PRIVATE_PREFIX = /^\/x[0-9A-Za-z]{18}(?:\/r[0-9A-Za-z]+)?(\/.*)$/;

type Next = (message: BayeuxMessage) => void;

export class CometdEndpoint {
  private readonly adapter = new NodeAdapter({ mount: '/cometd', timeout: 30 });
  /** Bayeux client id → org id, learnt at handshake. */
  private readonly clients = new Map<string, string>();
  /** Events to replay once a subscription is confirmed, keyed `clientId channel`. */
  private readonly pendingReplays = new Map<string, ChangeEvent[]>();

  constructor(private readonly state: EmulatorState) {
    this.adapter.addExtension(this.extension());
  }

  handles(url: string): boolean {
    return /^\/cometd\/\d+\.\d(?:[/?]|$)/.test(url);
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    this.adapter.handle(req, res);
  }

  close(): void {
    // The in-process publishing client long-polls like any other; stop it before the engine.
    this.adapter.getClient().disconnect();
    this.adapter.close();
  }

  /** Live delivery of newly committed events. */
  publish(org: Org, events: ChangeEvent[]): void {
    const client = this.adapter.getClient();
    for (const event of events) {
      client.publish(`/x${org.id}/data/${event.entityName}ChangeEvent`, event.data);
      client.publish(`/x${org.id}/data/ChangeEvents`, event.data);
    }
  }

  private orgOfRequest(request: IncomingMessage): Org | undefined {
    const header = request.headers.authorization ?? '';
    const token = /^(?:OAuth|Bearer)\s+(.+)$/i.exec(header.trim())?.[1];
    const peek = token ? this.state.oauth.peekSession(token) : undefined;
    const org = peek ? this.state.orgs.get(peek.orgId) : undefined;
    if (!org || !token) return undefined;
    return this.state.oauth.useSession(token, this.state.nowMs(), org.settings.accessTokenTtlMs)
      ? org
      : undefined;
  }

  private extension(): Extension {
    return {
      incoming: (message, request, next) => this.incoming(message, request, next),
      outgoing: (message, request, next) => this.outgoing(message, request, next),
    };
  }

  private incoming(message: BayeuxMessage, request: IncomingMessage | null, next: Next): void {
    // The emulator's own publications, and goodbyes (allowed with an ended session, so clients can clean up).
    if (request === null || message.channel === '/meta/disconnect') return next(message);
    const org = this.orgOfRequest(request);
    if (!org) {
      message.error = '401::Authentication invalid';
      return next(message);
    }
    if (message.channel === '/meta/handshake') return next(message);
    const clientId = message.clientId ?? '';
    if (this.clients.get(clientId) !== org.id) {
      message.error = '403::Unknown client';
      return next(message);
    }
    if (!message.channel.startsWith('/meta/')) {
      message.error = '403::Publish denied';
      return next(message);
    }
    if (message.channel === '/meta/subscribe' || message.channel === '/meta/unsubscribe') {
      const channel = String(message.subscription ?? '');
      if (!PUBLIC_CHANNELS.has(channel)) {
        message.error = `404::The channel you requested to subscribe to does not exist {${channel}}`;
        return next(message);
      }
      if (message.channel === '/meta/subscribe') {
        const replay = (message.ext?.replay as Record<string, unknown> | undefined)?.[channel];
        const replayFrom = replay === undefined ? -1 : Number(replay);
        const backlog = this.state.cdc.log(org).after(replayFrom, this.state.nowMs());
        if (backlog === 'invalid') {
          message.error =
            `400::The replayId {${String(replay)}} you provided was invalid. Please provide a valid ID, ` +
            '-2 to replay all events, or -1 to replay only new events.';
          return next(message);
        }
        this.pendingReplays.set(`${clientId} ${channel}`, backlog);
      }
      // The client also listens on a channel of its own, where its replayed events arrive.
      message.subscription = [`/x${org.id}${channel}`, `/x${org.id}/r${clientId}${channel}`];
    }
    next(message);
  }

  private outgoing(message: BayeuxMessage, request: IncomingMessage | null, next: Next): void {
    if (message.error?.startsWith('401::') || message.error?.startsWith('403::')) {
      message.advice = { ...message.advice, reconnect: 'none' };
    }
    if (message.channel === '/meta/handshake' && message.successful && message.clientId && request) {
      const org = this.orgOfRequest(request);
      if (org) this.clients.set(message.clientId, org.id);
      message.ext = { ...message.ext, replay: true, 'payload.format': true };
    }
    if (message.subscription !== undefined) {
      const first = [message.subscription].flat()[0] ?? '';
      message.subscription = first.replace(PRIVATE_PREFIX, '$1');
      if (message.channel === '/meta/subscribe' && message.clientId) {
        this.replay(message.clientId, message.subscription, message.successful === true);
      }
    }
    const publicName = PRIVATE_PREFIX.exec(message.channel)?.[1];
    if (publicName) message.channel = publicName;
    next(message);
  }

  /** Sends a new subscriber the retained events it asked to replay, on its own channel. */
  private replay(clientId: string, channel: string, subscribed: boolean): void {
    const key = `${clientId} ${channel}`;
    const backlog = this.pendingReplays.get(key);
    this.pendingReplays.delete(key);
    const orgId = this.clients.get(clientId);
    if (!subscribed || !backlog || backlog.length === 0 || !orgId) return;
    const entity =
      channel === '/data/ChangeEvents' ? null : channel.slice('/data/'.length, -'ChangeEvent'.length);
    const client = this.adapter.getClient();
    setImmediate(() => {
      for (const event of backlog) {
        if (!entity || event.entityName === entity)
          client.publish(`/x${orgId}/r${clientId}${channel}`, event.data);
      }
    });
  }
}
