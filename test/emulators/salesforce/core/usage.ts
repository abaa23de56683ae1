/**
 * The org's API request count over a rolling 24 hours, kept in one-minute buckets so the count
 * falls as old calls age out, as Salesforce's allocation does.
 */

import { DAY_MS, MINUTE_MS } from './time';

export class ApiUsage {
  private readonly buckets = new Map<number, number>();

  used(nowMs: number): number {
    this.prune(nowMs);
    let total = 0;
    for (const count of this.buckets.values()) total += count;
    return total;
  }

  record(nowMs: number, calls = 1): void {
    const minute = Math.floor(nowMs / MINUTE_MS);
    this.buckets.set(minute, (this.buckets.get(minute) ?? 0) + calls);
  }

  /** Makes the 24-hour count read exactly `used` from now on (the difference lands in this minute). */
  set(nowMs: number, used: number): void {
    this.buckets.clear();
    if (used > 0) this.record(nowMs, used);
  }

  private prune(nowMs: number): void {
    const oldest = Math.floor((nowMs - DAY_MS) / MINUTE_MS);
    for (const minute of this.buckets.keys()) if (minute <= oldest) this.buckets.delete(minute);
  }
}
