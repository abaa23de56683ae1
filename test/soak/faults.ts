/**
 * Faults on about a fifth of the API calls while the stream runs: every quarter second the injector looks
 * at how many calls each emulator has answered on the faulted routes since it last looked and arms that
 * share of one-shot faults (kinds drawn from the seeded generator) through the emulators' fault APIs. The
 * fraction left over carries to the next look, and nothing is armed ahead of calls, so each side's share
 * follows its own traffic: a side with few calls meets as few faults. A fault is "met" once a call consumed
 * it; faults still armed when the stream ends are cleared and not counted.
 *
 * Salesforce's counter counts a call when its answer is sent, so a call the emulator dropped (the `hang`
 * kinds) is never counted there: the injector adds each one it saw met to that side's calls.
 */
import type { HubSpotEmulator } from '../emulators/hubspot';
import type { SalesforceEmulator } from '../emulators/salesforce';

type Side = 'hubspot' | 'salesforce';

interface Weighted<T> {
  weight: number;
  value: T;
}

interface HubSpotFaultPlan {
  label: string;
  kind: '423' | '429' | '429_secondly' | '500' | '502' | '503' | '504' | 'hang' | 'slow' | 'disconnect';
  delayMs?: number;
}

interface SalesforceFaultPlan {
  label: string;
  kind: 'http_error' | 'unable_to_lock_row' | 'hang' | 'slow';
  status?: number;
  delayMs?: number;
}

/** Longer than the bridge's 30 s deadline on every call: a timeout as the bridge meets it. */
const TIMEOUT_HANG_MS = 35_000;

function hubspotPlans(withTimeouts: boolean): Array<Weighted<HubSpotFaultPlan>> {
  return [
    { weight: 3, value: { label: '429 (secondly)', kind: '429_secondly' } },
    { weight: 1, value: { label: '429 (ten-secondly)', kind: '429' } },
    { weight: 1, value: { label: '423 locked', kind: '423' } },
    { weight: 1, value: { label: '500', kind: '500' } },
    { weight: 1, value: { label: '502', kind: '502' } },
    { weight: 1, value: { label: '503', kind: '503' } },
    { weight: 1, value: { label: '504', kind: '504' } },
    { weight: 2, value: { label: 'connection reset', kind: 'disconnect' } },
    { weight: 1, value: { label: 'dropped after 1.5 s', kind: 'hang', delayMs: 1_500 } },
    { weight: 1, value: { label: 'slow (1.5 s)', kind: 'slow', delayMs: 1_500 } },
    ...(withTimeouts
      ? [{ weight: 0.3, value: { label: 'timeout', kind: 'hang' as const, delayMs: TIMEOUT_HANG_MS } }]
      : []),
  ];
}

function salesforcePlans(withTimeouts: boolean): Array<Weighted<SalesforceFaultPlan>> {
  return [
    { weight: 3, value: { label: 'UNABLE_TO_LOCK_ROW', kind: 'unable_to_lock_row' } },
    { weight: 2, value: { label: '503', kind: 'http_error', status: 503 } },
    { weight: 1, value: { label: '500', kind: 'http_error', status: 500 } },
    { weight: 1, value: { label: '502', kind: 'http_error', status: 502 } },
    { weight: 1, value: { label: 'dropped after 1.5 s', kind: 'hang', delayMs: 1_500 } },
    { weight: 1, value: { label: 'slow (1.5 s)', kind: 'slow', delayMs: 1_500 } },
    ...(withTimeouts
      ? [{ weight: 0.3, value: { label: 'timeout', kind: 'hang' as const, delayMs: TIMEOUT_HANG_MS } }]
      : []),
  ];
}

function pick<T>(random: () => number, options: ReadonlyArray<Weighted<T>>): T {
  const total = options.reduce((sum, option) => sum + option.weight, 0);
  let point = random() * total;
  for (const option of options) {
    point -= option.weight;
    if (point < 0) return option.value;
  }
  return options[options.length - 1]!.value;
}

export interface FaultFigures {
  armed: Record<Side, number>;
  /** Faults a call consumed, per side and kind. */
  met: Record<Side, Record<string, number>>;
  /** Calls on the faulted routes (HubSpot `/crm/*`, Salesforce `/services/data/*`) while faults were on. */
  calls: Record<Side, number>;
}

/** The share of a side's calls that met a fault while faults were on (0 when it made none). */
export function metShare(figures: FaultFigures, side: Side): number {
  const met = Object.values(figures.met[side]).reduce((sum, n) => sum + n, 0);
  return figures.calls[side] === 0 ? 0 : met / figures.calls[side];
}

/** The routes faults are armed on, as the emulators' call counters key them (`METHOD /path`). */
const FAULTED_PATH: Record<Side, string> = { hubspot: '/crm/', salesforce: '/services/data/' };
/** At most this many faults wait per side at once; what is owed beyond them is armed at a later look. */
const MAX_ARMED = 4;

function faultedCalls(side: Side, byRoute: Record<string, number>): number {
  let total = 0;
  for (const [route, count] of Object.entries(byRoute)) {
    const path = route.slice(route.indexOf(' ') + 1);
    if (path.startsWith(FAULTED_PATH[side])) total += count;
  }
  return total;
}

export interface FaultInjector {
  stop(): Promise<FaultFigures>;
}

export function startFaults(input: {
  hubspot: HubSpotEmulator;
  salesforce: SalesforceEmulator;
  random: () => number;
  rate: number;
  withTimeouts: boolean;
}): FaultInjector {
  const hubspotOptions = hubspotPlans(input.withTimeouts);
  const salesforceOptions = salesforcePlans(input.withTimeouts);
  const armed = {
    hubspot: new Map<number, HubSpotFaultPlan>(),
    salesforce: new Map<number, SalesforceFaultPlan>(),
  };
  const figures: FaultFigures = {
    armed: { hubspot: 0, salesforce: 0 },
    met: { hubspot: {}, salesforce: {} },
    calls: { hubspot: 0, salesforce: 0 },
  };
  const owed = { hubspot: 0, salesforce: 0 };
  /** What the counters said at the last look (null before the first). */
  const counted: Record<Side, number | null> = { hubspot: null, salesforce: null };
  /** Salesforce calls dropped by a met `hang` fault since the last look: its counter never sees them. */
  let droppedSinceLook = 0;
  let stopped = false;

  const settle = async () => {
    const hubspotLive = new Map((await input.hubspot.control.faults()).results.map((f) => [f.id, f]));
    for (const [id, plan] of armed.hubspot) {
      const live = hubspotLive.get(id);
      if (live && live.remaining > 0) continue;
      figures.met.hubspot[plan.label] = (figures.met.hubspot[plan.label] ?? 0) + 1;
      armed.hubspot.delete(id);
    }
    const salesforceLive = new Map((await input.salesforce.control.listFaults()).map((f) => [f.id, f]));
    for (const [id, plan] of armed.salesforce) {
      const live = salesforceLive.get(id);
      if (live && live.remaining > 0) continue;
      figures.met.salesforce[plan.label] = (figures.met.salesforce[plan.label] ?? 0) + 1;
      if (plan.kind === 'hang') droppedSinceLook += 1;
      armed.salesforce.delete(id);
    }
  };

  /** Adds the calls made since the last look to each side's figure and returns them. */
  const look = async (): Promise<Record<Side, number>> => {
    const now = {
      hubspot: faultedCalls('hubspot', (await input.hubspot.control.calls()).byRoute),
      salesforce: faultedCalls('salesforce', (await input.salesforce.control.calls()).byRoute),
    };
    const made = {
      hubspot: counted.hubspot === null ? 0 : now.hubspot - counted.hubspot,
      salesforce: counted.salesforce === null ? 0 : now.salesforce - counted.salesforce + droppedSinceLook,
    };
    droppedSinceLook = 0;
    counted.hubspot = now.hubspot;
    counted.salesforce = now.salesforce;
    figures.calls.hubspot += made.hubspot;
    figures.calls.salesforce += made.salesforce;
    return made;
  };

  const tick = async () => {
    await settle();
    const made = await look();
    owed.hubspot += made.hubspot * input.rate;
    owed.salesforce += made.salesforce * input.rate;
    while (owed.hubspot >= 1 && armed.hubspot.size < MAX_ARMED) {
      owed.hubspot -= 1;
      const plan = pick(input.random, hubspotOptions);
      const fault = await input.hubspot.control.addFault({
        match: '/crm/*',
        kind: plan.kind,
        times: 1,
        ...(plan.delayMs !== undefined ? { delayMs: plan.delayMs } : {}),
      });
      armed.hubspot.set(fault.id, plan);
      figures.armed.hubspot += 1;
    }
    while (owed.salesforce >= 1 && armed.salesforce.size < MAX_ARMED) {
      owed.salesforce -= 1;
      const plan = pick(input.random, salesforceOptions);
      const fault = await input.salesforce.control.addFault({
        kind: plan.kind,
        route: '/services/data/*',
        times: 1,
        ...(plan.status !== undefined ? { status: plan.status } : {}),
        ...(plan.delayMs !== undefined ? { delayMs: plan.delayMs } : {}),
      });
      armed.salesforce.set(fault.id, plan);
      figures.armed.salesforce += 1;
    }
  };

  const loop = (async () => {
    while (!stopped) {
      await tick();
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  })();

  return {
    stop: async () => {
      stopped = true;
      await loop;
      await settle();
      await input.hubspot.control.clearFaults();
      await input.salesforce.control.clearFaults();
      await look();
      return figures;
    },
  };
}
