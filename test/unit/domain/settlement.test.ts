import { HubSpotError } from '../../../src/connectors/hubspot/errors';
import { callFailureOf } from '../../../src/connectors/callFailure';
import { settlementForCallFailure } from '../../../src/domain/settlement';

const settlementForError = (error: unknown, nowMs: number, options: { blockedRetryMs: number }) =>
  settlementForCallFailure(callFailureOf(error), nowMs, options);

const NOW = 1_800_000_000_000;

describe('settling the records of a call that failed as a whole', () => {
  it.each([
    ['a 423 lock', new HubSpotError('locked', 'HubSpot answered 423', { status: 423 }, 2_000), 2_000],
    ['a 429', new HubSpotError('rate_limited', 'HubSpot answered 429', { status: 429 }, 10_000), 10_000],
  ])('retries %s with backoff, no sooner than HubSpot asked', (_name, error, retryAfterMs) => {
    const settlement = settlementForError(error, NOW, { blockedRetryMs: 60_000 });
    expect(settlement).toMatchObject({
      kind: 'fail',
      error: { retryable: true, category: expect.any(String) as string, retryAfterMs },
    });
  });

  it('defers every record of a call HubSpot refused during an account migration, counting no attempt', () => {
    const error = new HubSpotError(
      'migration_in_progress',
      'HubSpot answered 477',
      { status: 477 },
      7_200_000,
    );
    expect(settlementForError(error, NOW, { blockedRetryMs: 60_000 })).toEqual({
      kind: 'defer',
      dueAt: NOW + 7_200_000,
      reason: {
        code: 'hubspot_migration_in_progress',
        message: expect.stringContaining('data hosting locations') as string,
      },
    });
  });
});
