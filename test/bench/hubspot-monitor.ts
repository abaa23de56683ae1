/**
 * Watches HubSpot from outside the bridge: the emulator's other integration (installed in every portal)
 * subscribes to property changes and delivers them here, so the benchmark learns when a value landed in
 * HubSpot, who wrote it and at what millisecond (the event's occurredAt), without an API call.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { OTHER_INTEGRATION, type HubSpotEmulatorControl } from '../emulators/hubspot';

const EventSchema = z.object({
  portalId: z.number(),
  objectId: z.number(),
  occurredAt: z.number(),
  subscriptionType: z.string(),
  propertyName: z.string().optional(),
  propertyValue: z.string().optional(),
  changeSource: z.string().optional(),
  sourceId: z.string().optional(),
});
export type PropertyChangeEvent = z.infer<typeof EventSchema>;

export interface HubSpotMonitor {
  readonly events: readonly PropertyChangeEvent[];
  /** Resolves with the first event (seen or still to come) that matches. */
  waitFor(
    match: (event: PropertyChangeEvent) => boolean,
    timeoutMs: number,
  ): Promise<PropertyChangeEvent | null>;
  close(): Promise<void>;
}

export async function startHubSpotMonitor(
  control: HubSpotEmulatorControl,
  propertyNames: readonly string[],
): Promise<HubSpotMonitor> {
  const events: PropertyChangeEvent[] = [];
  const waiters = new Set<{
    match: (event: PropertyChangeEvent) => boolean;
    resolve: (e: PropertyChangeEvent) => void;
  }>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      res.writeHead(204).end();
      const parsed = z.array(EventSchema).safeParse(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      if (!parsed.success) return;
      for (const event of parsed.data) {
        events.push(event);
        for (const waiter of [...waiters]) {
          if (!waiter.match(event)) continue;
          waiters.delete(waiter);
          waiter.resolve(event);
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await control.setWebhooks(OTHER_INTEGRATION.appId, {
    targetUrl: `http://127.0.0.1:${port}/events`,
    maxConcurrentRequests: 10,
    subscriptions: propertyNames.map((propertyName) => ({
      subscriptionType: 'contact.propertyChange',
      propertyName,
    })),
  });
  return {
    events,
    waitFor: (match, timeoutMs) => {
      const seen = events.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve) => {
        const waiter = {
          match,
          resolve: (event: PropertyChangeEvent) => {
            clearTimeout(timer);
            resolve(event);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          resolve(null);
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    close: async () => {
      await control.removeWebhooks(OTHER_INTEGRATION.appId);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
