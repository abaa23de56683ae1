/**
 * Rolling-window rate limits per portal and app, as HubSpot applies them to public apps: a "ten-secondly"
 * window for every call and a per-second window for search. Refused calls do not use up the window.
 */
import { HubSpotApiError, newCorrelationId } from './errors';
import type { RateLimitClass } from './router';

export interface RateLimitConfig {
  enabled: boolean;
  intervalMs: number;
  maxPerInterval: number;
  searchPerSecond: number;
}

export type RateDecision =
  { allowed: true; headers: Record<string, string> } | { allowed: false; error: HubSpotApiError };

export const TEN_SECONDLY_MESSAGE = 'You have reached your ten_secondly_rolling limit.';
export const SECONDLY_MESSAGE = 'You have reached your secondly limit.';

export function tenSecondlyError(
  config: Pick<RateLimitConfig, 'intervalMs' | 'maxPerInterval'>,
): HubSpotApiError {
  return new HubSpotApiError(
    429,
    'RATE_LIMITS',
    TEN_SECONDLY_MESSAGE,
    { errorType: 'RATE_LIMIT', policyName: 'TEN_SECONDLY_ROLLING', requestId: newCorrelationId() },
    {
      'X-HubSpot-RateLimit-Interval-Milliseconds': String(config.intervalMs),
      'X-HubSpot-RateLimit-Max': String(config.maxPerInterval),
      'X-HubSpot-RateLimit-Remaining': '0',
    },
  );
}

export function secondlyError(): HubSpotApiError {
  return new HubSpotApiError(429, 'RATE_LIMITS', SECONDLY_MESSAGE, {
    errorType: 'RATE_LIMIT',
    policyName: 'SECONDLY',
    requestId: newCorrelationId(),
  });
}

export class RateLimiter {
  private readonly windows = new Map<string, number[]>();

  check(key: string, kind: RateLimitClass, config: RateLimitConfig, nowMs: number): RateDecision {
    if (!config.enabled) return { allowed: true, headers: {} };
    if (kind === 'search') {
      const window = this.prune(`${key}:search`, nowMs - 1000);
      if (window.length >= config.searchPerSecond) return { allowed: false, error: secondlyError() };
      window.push(nowMs);
      // Search responses carry no rate-limit headers, but searches still count toward the ten-secondly window.
      this.prune(key, nowMs - config.intervalMs).push(nowMs);
      return { allowed: true, headers: {} };
    }
    const window = this.prune(key, nowMs - config.intervalMs);
    if (window.length >= config.maxPerInterval) return { allowed: false, error: tenSecondlyError(config) };
    window.push(nowMs);
    return {
      allowed: true,
      headers: {
        'X-HubSpot-RateLimit-Interval-Milliseconds': String(config.intervalMs),
        'X-HubSpot-RateLimit-Max': String(config.maxPerInterval),
        'X-HubSpot-RateLimit-Remaining': String(config.maxPerInterval - window.length),
      },
    };
  }

  clear(): void {
    this.windows.clear();
  }

  private prune(key: string, oldestAllowedMs: number): number[] {
    let window = this.windows.get(key);
    if (!window) {
      window = [];
      this.windows.set(key, window);
    }
    let drop = 0;
    while (drop < window.length && (window[drop] as number) <= oldestAllowedMs) drop += 1;
    if (drop > 0) window.splice(0, drop);
    return window;
  }
}
