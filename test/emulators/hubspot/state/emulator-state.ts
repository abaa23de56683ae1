/** Everything the emulator holds in memory, and the one place that resets it. */
import { OffsetClock, type Clock } from '../clock';
import type { Actor } from '../crm/actor';
import type { ChangeEvent } from '../crm/changes';
import type { WriteContext } from '../crm/records';
import { TokenStore } from '../auth/tokens';
import { CallCounter } from '../http/calls';
import { FaultRegistry } from '../http/faults';
import { RateLimiter, type RateLimitConfig } from '../http/rate-limit';
import { cloneSettings, type EmulatorSettings } from '../settings';
import { WebhookDispatcher } from '../webhooks/dispatcher';
import { OTHER_INTEGRATION, type AppDefinition, type AppRuntime } from './apps';
import { Portal } from './portal';

export interface EmulatorStateInit {
  apps: AppDefinition[];
  clock: Clock;
  settings: EmulatorSettings;
  defaultPortalId: number;
}

export class EmulatorState {
  readonly clock: OffsetClock;
  settings: EmulatorSettings;
  readonly apps = new Map<number, AppRuntime>();
  readonly tokens = new TokenStore();
  readonly portals = new Map<number, Portal>();
  readonly calls = new CallCounter();
  readonly faults = new FaultRegistry();
  readonly rateLimiter = new RateLimiter();
  readonly rateLimitOverrides = new Map<number, Partial<RateLimitConfig>>();
  readonly webhooks: WebhookDispatcher;
  readonly defaultPortalId: number;

  constructor(private readonly init: EmulatorStateInit) {
    this.clock = new OffsetClock(init.clock);
    this.settings = cloneSettings(init.settings);
    this.defaultPortalId = init.defaultPortalId;
    this.webhooks = new WebhookDispatcher(this);
    this.reset();
  }

  nowMs(): number {
    return this.clock.nowMs();
  }

  reset(): void {
    this.webhooks.reset();
    this.settings = cloneSettings(this.init.settings);
    this.clock.reset();
    this.apps.clear();
    for (const app of [...this.init.apps, OTHER_INTEGRATION]) {
      this.apps.set(app.appId, { ...app, rotateRefreshTokens: false, webhooks: null });
    }
    this.tokens.clear();
    this.portals.clear();
    this.calls.reset();
    this.faults.clear();
    this.rateLimiter.clear();
    this.rateLimitOverrides.clear();
    this.ensurePortal(this.defaultPortalId);
  }

  /**
   * The portal with this id, created when it does not exist yet: two roles (Sales Manager, Sales Rep), a super
   * admin and a rep who holds the Sales Rep role.
   */
  ensurePortal(portalId?: number): Portal {
    const id = portalId ?? Math.max(this.defaultPortalId, ...this.portals.keys()) + 1;
    const existing = this.portals.get(id);
    if (existing) return existing;
    const nowMs = this.nowMs();
    const portal = new Portal(id, `portal${id}.example.com`, nowMs, (portalIdOfChange, change) =>
      this.onChange(portalIdOfChange, change),
    );
    portal.addRole({ name: 'Sales Manager' });
    const salesRep = portal.addRole({ name: 'Sales Rep' });
    portal.addOwner(
      { email: `admin@portal${id}.example.com`, firstName: 'Avery', lastName: 'Admin', superAdmin: true },
      nowMs,
    );
    portal.addOwner(
      { email: `rep@portal${id}.example.com`, firstName: 'Riley', lastName: 'Rep', roleIds: [salesRep.id] },
      nowMs,
    );
    // The other integration is installed everywhere, so its writes and webhooks exist in every portal.
    portal.installedApps.add(OTHER_INTEGRATION.appId);
    this.portals.set(id, portal);
    return portal;
  }

  appByClientId(clientId: string): AppRuntime | undefined {
    for (const app of this.apps.values()) if (app.clientId === clientId) return app;
    return undefined;
  }

  rateLimitsFor(portalId: number): RateLimitConfig {
    return { ...this.settings.rateLimits, ...this.rateLimitOverrides.get(portalId) };
  }

  writeContext(portal: Portal, actor: Actor): WriteContext {
    return {
      portal,
      actor,
      nowMs: this.nowMs(),
      behaviour: this.settings.behaviour,
      indexingDelayMs: this.settings.search.indexingDelayMs,
    };
  }

  actorForApp(appId: number): Actor {
    const app = this.apps.get(appId);
    return { kind: 'integration', appId, appName: app?.name ?? `app ${appId}` };
  }

  private onChange(portalId: number, change: ChangeEvent): void {
    this.webhooks.enqueue(portalId, change);
  }
}
