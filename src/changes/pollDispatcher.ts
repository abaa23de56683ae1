/**
 * Runs each installation's polls when they are due, in whichever process gets there first.
 *
 * A tick (every second, from the scheduler) looks at the installations and starts the polls that are due:
 * the HubSpot poll per synced object type and the Salesforce polls, each at the interval its installation's
 * settings name (read afresh, so a changed interval applies without a restart). Across processes, a poll
 * runs only under its schedule lease (`poll:<what>:<installation>`), renewed while it runs and released when
 * it ends; the release time is when it last ran, so the next run is due an interval later, whichever process
 * takes it. Within a process, what is known not to be due is remembered, so a tick costs no query for it.
 *
 * Paused installations are polled too (changes are recorded and wait for the resume); an installation is
 * polled on a side only while that side is connected.
 *
 * A poll that has run before waits while its installation's queue is backlogged (a first sync, a mass
 * update): what it would find could only queue behind the backlog, and every run would read again the
 * records the worker is writing at that moment (the bridge's own writes modify them), page after page. The
 * cursor keeps its place, so the run after the backlog reads every change since the last one, once. A poll
 * never waits longer than `maxBacklogWaitMs` past its due time, and the first run (the initial walk) never
 * waits.
 */
import crypto from 'node:crypto';
import { isBudgetExhausted } from '../connectors/gate';
import * as dirty from '../db/dirty';
import * as installations from '../db/installations';
import * as scheduleLeases from '../db/scheduleLeases';
import type { HubspotObjectType } from '../domain/records';
import { enabledHubspotObjects } from '../domain/settings/readLists';
import type { Settings } from '../domain/settings/schema';
import { withLogFields, type Logger } from '../logger';
import { settingsFor } from '../settings/installationSettings';
import type { ChangeDetectionDeps } from './start';
import { pollHubSpot, type HubSpotPollOptions } from './hubspotPoll';
import { CursorMoved } from './pollStep';
import { pollSalesforce, type SalesforcePollOptions } from './salesforcePoll';

export interface PollDispatcherOptions {
  /** This process's name (host:pid), stored as the lease holder. */
  holder: string;
  /** How long a silent run keeps its lease; renewed every third of it. Default 2 minutes. */
  leaseMs?: number;
  /**
   * Polls running at once in this process. Default 8: two installations' four polls (one per HubSpot object
   * and one for Salesforce).
   */
  maxConcurrentPolls?: number;
  /** How long an installation's settings are trusted before they are read again. Default 15 s. */
  settingsRefreshMs?: number;
  /** Rows waiting for the worker (due or claimed) from which a poll that ran before waits. Default 1,000. */
  backlogThreshold?: number;
  /** How often a poll waiting for a backlog looks again. Default 5 s. */
  backlogRecheckMs?: number;
  /** How long past its due time a poll may wait for a backlog. Default 10 minutes. */
  maxBacklogWaitMs?: number;
  hubspot?: Omit<HubSpotPollOptions, 'shouldStop'>;
  salesforce?: Omit<SalesforcePollOptions, 'shouldStop'>;
}

type PollUnit = { kind: 'hubspot'; objectType: HubspotObjectType } | { kind: 'salesforce' };

interface Due {
  name: string;
  installationId: string;
  unit: PollUnit;
  intervalMs: number;
}

export function pollLeaseName(unit: PollUnit, installationId: string): string {
  return unit.kind === 'hubspot'
    ? `poll:hubspot:${unit.objectType}:${installationId}`
    : `poll:salesforce:${installationId}`;
}

/** The polls an installation needs: per side only while that side is connected. */
export function pollsOf(installation: installations.Installation, settings: Settings): Due[] {
  const units: PollUnit[] = [];
  if (installation.state.hubspot === 'connected') {
    for (const objectType of enabledHubspotObjects(settings)) units.push({ kind: 'hubspot', objectType });
    // An org connected from a link nobody in the portal has confirmed yet is not read: its first poll (the
    // initial walk) waits for the confirmation, and an org disconnected unconfirmed leaves no cursor behind.
    if (installation.state.salesforce === 'connected' && !installation.state.awaitingConfirmation) {
      units.push({ kind: 'salesforce' });
    }
  }
  return units.map((unit) => ({
    name: pollLeaseName(unit, installation.id),
    installationId: installation.id,
    unit,
    intervalMs:
      unit.kind === 'hubspot' ? settings.polling.hubspotIntervalMs : settings.polling.salesforceIntervalMs,
  }));
}

export class PollDispatcher {
  private readonly leaseMs: number;
  private readonly maxConcurrent: number;
  private readonly settingsRefreshMs: number;
  private readonly backlogThreshold: number;
  private readonly backlogRecheckMs: number;
  private readonly maxBacklogWaitMs: number;
  private readonly running = new Map<string, Promise<void>>();
  /** Lease name → the earliest time it can be due; only an optimisation, the lease decides. */
  private readonly notBefore = new Map<string, number>();
  private readonly settingsCache = new Map<string, { settings: Settings; readAt: number; key: string }>();
  private stopping = false;

  constructor(
    private readonly deps: ChangeDetectionDeps,
    private readonly options: PollDispatcherOptions,
  ) {
    this.leaseMs = options.leaseMs ?? 120_000;
    this.maxConcurrent = options.maxConcurrentPolls ?? 8;
    this.settingsRefreshMs = options.settingsRefreshMs ?? 15_000;
    this.backlogThreshold = options.backlogThreshold ?? 1_000;
    this.backlogRecheckMs = options.backlogRecheckMs ?? 5_000;
    this.maxBacklogWaitMs = options.maxBacklogWaitMs ?? 10 * 60_000;
  }

  /** One tick: starts every due poll (without waiting for it) and returns the names started. */
  async dispatch(): Promise<string[]> {
    if (this.stopping) return [];
    const started: string[] = [];
    for (const installation of await installations.list(this.deps.db)) {
      for (const due of await this.duePolls(installation)) {
        if (this.running.size >= this.maxConcurrent || this.stopping) return started;
        const run = this.run(due).finally(() => this.running.delete(due.name));
        this.running.set(due.name, run);
        started.push(due.name);
      }
    }
    return started;
  }

  /** Waits for the polls running in this process. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.values()]);
  }

  /** Starts nothing more, lets running polls end after the page in hand, and waits for them. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.idle();
  }

  private async duePolls(installation: installations.Installation): Promise<Due[]> {
    const now = this.deps.now();
    const due: Due[] = [];
    for (const candidate of pollsOf(installation, await this.settingsOf(installation.id, now))) {
      if (this.running.has(candidate.name)) continue;
      if ((this.notBefore.get(candidate.name) ?? 0) > now) continue;
      const lease = await scheduleLeases.find(this.deps.db, candidate.name);
      // A released lease holds the time its last run ended. A held one means it runs elsewhere now: its holder
      // releases it when the run ends (at the earliest now), or it expires at heldUntil, so the next run is due
      // an interval after that at the earliest; heldUntil itself (a whole lease away) is no bound at all.
      const dueAt = !lease
        ? 0
        : lease.heldUntil > now
          ? now + candidate.intervalMs
          : lease.heldUntil + candidate.intervalMs;
      if (dueAt > now) {
        this.notBefore.set(candidate.name, dueAt);
        continue;
      }
      if (lease && !installation.syncPaused && now - dueAt < this.maxBacklogWaitMs) {
        const backlogged = await dirty.backlogAtLeast(
          this.deps.db,
          installation.id,
          now,
          this.backlogThreshold,
        );
        if (backlogged) {
          this.notBefore.set(candidate.name, now + this.backlogRecheckMs);
          continue;
        }
      }
      due.push(candidate);
    }
    return due;
  }

  private async settingsOf(installationId: string, now: number): Promise<Settings> {
    const cached = this.settingsCache.get(installationId);
    if (cached && now - cached.readAt < this.settingsRefreshMs) return cached.settings;
    const settings = await settingsFor(this.deps.db, installationId);
    const key = JSON.stringify([settings.polling, enabledHubspotObjects(settings)]);
    if (cached && cached.key !== key) {
      // The intervals changed: what was computed with the old ones no longer holds.
      for (const name of [...this.notBefore.keys()]) {
        if (name.endsWith(`:${installationId}`)) this.notBefore.delete(name);
      }
    }
    this.settingsCache.set(installationId, { settings, readAt: now, key });
    return settings;
  }

  private async run(due: Due): Promise<void> {
    // One id per run: its log lines, and the rows it marks, whose syncs name it as their trigger.
    const correlationId = crypto.randomUUID();
    const logger = withLogFields(this.deps.logger, { correlationId, installationId: due.installationId });
    const deps: ChangeDetectionDeps = { ...this.deps, logger, correlationId };
    const { db } = deps;
    const holder = this.options.holder;
    const acquired = await scheduleLeases
      .tryAcquire(db, {
        name: due.name,
        installationId: due.installationId,
        holder,
        now: this.deps.now(),
        leaseMs: this.leaseMs,
        intervalMs: due.intervalMs,
      })
      .catch((error: unknown) => {
        logger.error(
          { poll: due.name, err: error },
          `${due.name} could not take its lease: ${String(error)}`,
        );
        return false;
      });
    if (!acquired) {
      this.notBefore.set(due.name, this.deps.now() + 1_000);
      return;
    }
    const renewal = setInterval(
      () => {
        void scheduleLeases
          .renew(db, { name: due.name, holder, now: this.deps.now(), leaseMs: this.leaseMs })
          .catch(() => false);
      },
      Math.max(1, Math.floor(this.leaseMs / 3)),
    );
    renewal.unref();
    const shouldStop = () => this.stopping;
    try {
      if (due.unit.kind === 'hubspot') {
        const outcome = await pollHubSpot(deps, due.installationId, due.unit.objectType, {
          ...this.options.hubspot,
          shouldStop,
        });
        logger.debug({ poll: due.name, ...outcome }, `${due.name}: ${outcome.handedOver} record(s) marked`);
      } else {
        const run = await pollSalesforce(deps, due.installationId, {
          ...this.options.salesforce,
          shouldStop,
        });
        const marked =
          run.byObject.reduce((sum, entry) => sum + entry.outcome.handedOver, 0) +
          (run.contactRoles?.handedOver ?? 0);
        logger.debug({ poll: due.name, marked }, `${due.name}: ${marked} record(s) marked`);
      }
    } catch (error) {
      this.logFailure(due, error, logger);
    } finally {
      clearInterval(renewal);
      const endedAt = this.deps.now();
      await scheduleLeases.release(db, { name: due.name, holder, now: endedAt }).catch(() => undefined);
      this.notBefore.set(due.name, endedAt + due.intervalMs);
    }
  }

  private logFailure(due: Due, error: unknown, logger: Logger): void {
    const fields = { poll: due.name, installationId: due.installationId };
    if (isBudgetExhausted(error)) {
      // The budget logs the wait once; here it is routine.
      logger.debug({ ...fields, resumesAt: error.freesAtMs }, `${due.name} waits: ${error.message}`);
    } else if (error instanceof CursorMoved) {
      logger.info(fields, error.message);
    } else {
      const message = error instanceof Error ? error.message : String(error);
      logger.warn({ ...fields, err: error }, `${due.name} failed; it runs again next interval: ${message}`);
    }
  }
}
