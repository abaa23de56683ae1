/**
 * Fault injection: "the next N calls to this route fail this way". Each matching call consumes one
 * use, so a retried call meets the fault only as often as asked (jsforce retries GETs on 5xx with
 * a 0.5/1/2/4/8 s back-off; inject once per call to keep tests fast).
 */

export type FaultKind =
  | 'unable_to_lock_row'
  | 'validation_rule'
  | 'duplicates_detected'
  | 'http_error'
  | 'hang'
  | 'slow'
  | 'access_denied';

export interface FaultSpec {
  kind: FaultKind;
  /** Route pattern as the call counter reports it, e.g. `/services/data/vXX.X/query`; a trailing `*` matches a prefix. */
  route?: string | undefined;
  method?: string | undefined;
  /** Matches the `:sobject` path segment (case-insensitive). */
  sobject?: string | undefined;
  /** Org id (15 or 18 characters); resolved from a name before it gets here. */
  orgId?: string | undefined;
  /** How many matching calls fail (default 1). */
  times?: number | undefined;
  /** http_error: the status to answer (default 503). */
  status?: number | undefined;
  /** validation_rule: the rule's message; http_error: the body. */
  message?: string | undefined;
  /** validation_rule: the fields the rule points at. */
  fields?: string[] | undefined;
  /** slow: added delay; hang: after this long the connection is dropped (default: never answered). */
  delayMs?: number | undefined;
  /** sObject Collections: fail only the records at these positions (default: every record). */
  recordIndexes?: number[] | undefined;
}

export interface Fault extends FaultSpec {
  id: number;
  remaining: number;
}

export interface CallFacts {
  method: string;
  /** The route pattern, e.g. `/services/data/vXX.X/sobjects/:sobject/:id`. */
  route: string;
  sobject: string | null;
  orgId: string | null;
}

export class FaultBook {
  private faults: Fault[] = [];
  private nextId = 1;

  add(spec: FaultSpec): Fault {
    const fault: Fault = { ...spec, id: this.nextId++, remaining: spec.times ?? 1 };
    this.faults.push(fault);
    return fault;
  }

  list(): Fault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  clear(): void {
    this.faults = [];
  }

  /** The first armed fault matching this call, with one use consumed. */
  take(call: CallFacts, kinds?: FaultKind[]): Fault | undefined {
    const fault = this.faults.find((f) => (!kinds || kinds.includes(f.kind)) && matches(f, call));
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.faults = this.faults.filter((f) => f !== fault);
    return { ...fault };
  }
}

function matches(fault: Fault, call: CallFacts): boolean {
  if (fault.method && fault.method.toUpperCase() !== call.method) return false;
  if (fault.route) {
    const wanted = fault.route.endsWith('*') ? fault.route.slice(0, -1) : fault.route;
    if (fault.route.endsWith('*') ? !call.route.startsWith(wanted) : call.route !== wanted) return false;
  }
  if (fault.sobject && fault.sobject.toLowerCase() !== call.sobject?.toLowerCase()) return false;
  if (fault.orgId && fault.orgId !== call.orgId) return false;
  return true;
}

/**
 * Calls per org and per `METHOD route`, for tests and benchmarks that count API calls; and the same per
 * object the call touched (`(none)` for calls about no object: tokens, limits, the global describe).
 */
export class CallCounter {
  private readonly counts = new Map<string, Map<string, number>>();
  private readonly objectCounts = new Map<string, Map<string, number>>();

  record(orgId: string | null, key: string, object: string | null = null): void {
    const org = orgId ?? '-';
    const routes = this.counts.get(org) ?? new Map<string, number>();
    routes.set(key, (routes.get(key) ?? 0) + 1);
    this.counts.set(org, routes);
    const perObject = this.objectCounts.get(org) ?? new Map<string, number>();
    const objectKey = `${object ?? '(none)'}\t${key}`;
    perObject.set(objectKey, (perObject.get(objectKey) ?? 0) + 1);
    this.objectCounts.set(org, perObject);
  }

  snapshot(orgId?: string): {
    total: number;
    byRoute: Record<string, number>;
    byObject: Record<string, Record<string, number>>;
  } {
    const byRoute: Record<string, number> = {};
    const byObject: Record<string, Record<string, number>> = {};
    let total = 0;
    for (const [org, routes] of this.counts) {
      if (orgId && org !== orgId) continue;
      for (const [key, n] of routes) {
        byRoute[key] = (byRoute[key] ?? 0) + n;
        total += n;
      }
    }
    for (const [org, keys] of this.objectCounts) {
      if (orgId && org !== orgId) continue;
      for (const [objectKey, n] of keys) {
        const [object = '(none)', key = ''] = objectKey.split('\t');
        const routes = (byObject[object] ??= {});
        routes[key] = (routes[key] ?? 0) + n;
      }
    }
    return { total, byRoute, byObject };
  }

  reset(orgId?: string): void {
    if (orgId) {
      this.counts.delete(orgId);
      this.objectCounts.delete(orgId);
    } else {
      this.counts.clear();
      this.objectCounts.clear();
    }
  }
}
