/**
 * The emulator's notion of "now". Tests that care about time (token expiry, search indexing delay, rate-limit
 * windows, webhook occurredAt) move it with an offset instead of waiting; everything else reads real time.
 */
export interface Clock {
  nowMs(): number;
}

export const systemClock: Clock = { nowMs: () => Date.now() };

/** A clock over a base clock plus an adjustable offset, so a test can jump forward without sleeping. */
export class OffsetClock implements Clock {
  private offsetMs = 0;

  constructor(private readonly base: Clock = systemClock) {}

  nowMs(): number {
    return this.base.nowMs() + this.offsetMs;
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }

  /** Sets "now" to an absolute time; later readings move on from there at the base clock's pace. */
  set(nowMs: number): void {
    this.offsetMs = nowMs - this.base.nowMs();
  }

  reset(): void {
    this.offsetMs = 0;
  }

  get currentOffsetMs(): number {
    return this.offsetMs;
  }
}

export function isoOf(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
