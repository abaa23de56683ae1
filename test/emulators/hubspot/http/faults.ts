/**
 * Fault injection: "the next N calls matching X answer Y". A match is a glob over the route key
 * (`POST /crm/v3/objects/contacts/batch/read`, as the call counters show it) or over `METHOD /actual/path`; a
 * match that starts with `/` ignores the method.
 */
import { z } from 'zod';

export const FAULT_KINDS = [
  '423',
  '429',
  '429_secondly',
  '477',
  '500',
  '502',
  '503',
  '504',
  'hang',
  'slow',
  'disconnect',
  'invalid_grant',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export const FaultInputSchema = z.object({
  match: z.string().min(1),
  kind: z.enum(FAULT_KINDS),
  /** How many matching calls get the fault (default 1). */
  times: z.number().int().min(1).default(1),
  /** slow: the added delay; hang: how long before the socket is dropped (default: held until close). */
  delayMs: z.number().int().min(0).optional(),
  /** 5xx: a JSON error body (default) or an HTML page, as a proxy in front of HubSpot would send. */
  body: z.enum(['json', 'html']).default('json'),
  /** 477: the `Retry-After` header, in seconds (HubSpot: typically up to a day). */
  retryAfterSeconds: z.number().int().min(0).default(60),
  portalId: z.number().int().optional(),
  appId: z.number().int().optional(),
});
export type FaultInput = z.input<typeof FaultInputSchema>;

export interface Fault extends z.output<typeof FaultInputSchema> {
  id: number;
  remaining: number;
  hits: number;
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`);
}

export class FaultRegistry {
  private faults: Fault[] = [];
  private nextId = 1;

  add(input: FaultInput): Fault {
    const parsed = FaultInputSchema.parse(input);
    const fault: Fault = { ...parsed, id: this.nextId++, remaining: parsed.times, hits: 0 };
    this.faults.push(fault);
    return fault;
  }

  list(): Fault[] {
    return this.faults.map((fault) => ({ ...fault }));
  }

  remove(id: number): boolean {
    const before = this.faults.length;
    this.faults = this.faults.filter((fault) => fault.id !== id);
    return this.faults.length !== before;
  }

  clear(): void {
    this.faults = [];
  }

  /** The first armed fault matching this call, consumed by one. */
  take(call: {
    method: string;
    path: string;
    routeKey: string;
    portalId?: number | undefined;
    appId?: number | undefined;
  }): Fault | null {
    for (const fault of this.faults) {
      if (fault.remaining <= 0) continue;
      if (fault.portalId !== undefined && fault.portalId !== call.portalId) continue;
      if (fault.appId !== undefined && fault.appId !== call.appId) continue;
      const pattern = globToRegExp(fault.match);
      const matches = fault.match.startsWith('/')
        ? pattern.test(call.path) || pattern.test(call.routeKey.slice(call.routeKey.indexOf(' ') + 1))
        : pattern.test(call.routeKey) || pattern.test(`${call.method} ${call.path}`);
      if (!matches) continue;
      fault.remaining -= 1;
      fault.hits += 1;
      return { ...fault };
    }
    return null;
  }
}
