/** Counts every call the emulator answers, per route key and per portal; benchmarks count API calls with it. */

export interface CallCounts {
  total: number;
  byRoute: Record<string, number>;
  byPortal: Record<string, { total: number; byRoute: Record<string, number> }>;
}

export class CallCounter {
  private byRoute = new Map<string, number>();
  private byPortal = new Map<number, Map<string, number>>();
  private total = 0;

  record(routeKey: string, portalId: number | undefined): void {
    this.total += 1;
    this.byRoute.set(routeKey, (this.byRoute.get(routeKey) ?? 0) + 1);
    if (portalId === undefined) return;
    let routes = this.byPortal.get(portalId);
    if (!routes) this.byPortal.set(portalId, (routes = new Map()));
    routes.set(routeKey, (routes.get(routeKey) ?? 0) + 1);
  }

  snapshot(): CallCounts {
    const byPortal: CallCounts['byPortal'] = {};
    for (const [portalId, routes] of this.byPortal) {
      let total = 0;
      for (const count of routes.values()) total += count;
      byPortal[String(portalId)] = { total, byRoute: Object.fromEntries(routes) };
    }
    return { total: this.total, byRoute: Object.fromEntries(this.byRoute), byPortal };
  }

  reset(): void {
    this.byRoute = new Map();
    this.byPortal = new Map();
    this.total = 0;
  }
}
