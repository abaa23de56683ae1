/**
 * Faults on about a fifth of the API calls while the stream runs: every quarter second the injector looks
 * at how many calls each emulator has answered since it last looked and arms that share of one-shot faults
 * (kinds drawn from the seeded generator) through the emulators' fault APIs. A fault is "met" once a call
 * consumed it; faults still armed when the stream ends are cleared and not counted.
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
  const armed = { hubspot: new Map<number, string>(), salesforce: new Map<number, string>() };
  const figures: FaultFigures = {
    armed: { hubspot: 0, salesforce: 0 },
    met: { hubspot: {}, salesforce: {} },
  };
  const owed = { hubspot: 0, salesforce: 0 };
  const seen = { hubspot: -1, salesforce: -1 };
  let stopped = false;

  const settle = async () => {
    const hubspotLive = new Map((await input.hubspot.control.faults()).results.map((f) => [f.id, f]));
    for (const [id, label] of armed.hubspot) {
      const live = hubspotLive.get(id);
      if (live && live.remaining > 0) continue;
      figures.met.hubspot[label] = (figures.met.hubspot[label] ?? 0) + 1;
      armed.hubspot.delete(id);
    }
    const salesforceLive = new Map((await input.salesforce.control.listFaults()).map((f) => [f.id, f]));
    for (const [id, label] of armed.salesforce) {
      const live = salesforceLive.get(id);
      if (live && live.remaining > 0) continue;
      figures.met.salesforce[label] = (figures.met.salesforce[label] ?? 0) + 1;
      armed.salesforce.delete(id);
    }
  };

  const tick = async () => {
    await settle();
    const hubspotTotal = (await input.hubspot.control.calls()).total;
    const salesforceTotal = (await input.salesforce.control.calls()).total;
    if (seen.hubspot >= 0) owed.hubspot += (hubspotTotal - seen.hubspot) * input.rate;
    if (seen.salesforce >= 0) owed.salesforce += (salesforceTotal - seen.salesforce) * input.rate;
    seen.hubspot = hubspotTotal;
    seen.salesforce = salesforceTotal;
    // At least one fault waits on each side, so a quiet spell still meets one.
    while (owed.hubspot >= 1 || armed.hubspot.size === 0) {
      owed.hubspot = Math.max(0, owed.hubspot - 1);
      const plan = pick(input.random, hubspotOptions);
      const fault = await input.hubspot.control.addFault({
        match: '/crm/*',
        kind: plan.kind,
        times: 1,
        ...(plan.delayMs !== undefined ? { delayMs: plan.delayMs } : {}),
      });
      armed.hubspot.set(fault.id, plan.label);
      figures.armed.hubspot += 1;
      if (armed.hubspot.size >= 4) break;
    }
    while (owed.salesforce >= 1 || armed.salesforce.size === 0) {
      owed.salesforce = Math.max(0, owed.salesforce - 1);
      const plan = pick(input.random, salesforceOptions);
      const fault = await input.salesforce.control.addFault({
        kind: plan.kind,
        route: '/services/data/*',
        times: 1,
        ...(plan.status !== undefined ? { status: plan.status } : {}),
        ...(plan.delayMs !== undefined ? { delayMs: plan.delayMs } : {}),
      });
      armed.salesforce.set(fault.id, plan.label);
      figures.armed.salesforce += 1;
      if (armed.salesforce.size >= 4) break;
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
      return figures;
    },
  };
}
