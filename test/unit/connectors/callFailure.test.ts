import { ApiException } from '@hubspot/api-client/lib/codegen/crm/contacts';
import { callFailureOf } from '../../../src/connectors/callFailure';
import { BudgetExhausted } from '../../../src/connectors/gate';
import { HubSpotError, toHubSpotError } from '../../../src/connectors/hubspot/errors';
import { salesforceCallError } from '../../../src/connectors/salesforce/errors';
import { CallTimeout } from '../../../src/connectors/timeout';
import { isRetryable, type CallFailure } from '../../../src/domain/failures';

const HOUR_MS = 60 * 60_000;

/** What the HubSpot SDK throws for an answer with this status. */
function hubspotAnswer(status: number, headers: Record<string, string> = {}, body: object = {}): unknown {
  return new ApiException(status, `HTTP-Code: ${status}`, { message: 'refused', ...body }, headers);
}

/** What jsforce throws for a Salesforce error: `name` and `errorCode` are Salesforce's code. */
function jsforceError(errorCode: string, message = 'refused'): Error {
  return Object.assign(new Error(message), { name: errorCode, errorCode });
}

type Expected = Pick<CallFailure, 'side' | 'category' | 'code' | 'retryAfterMs' | 'hold'>;

describe('callFailureOf', () => {
  describe('HubSpot answers', () => {
    it.each<[string, unknown, Expected]>([
      [
        '401',
        hubspotAnswer(401),
        { side: 'hubspot', category: 'auth', code: 'hubspot_unauthorized', retryAfterMs: null, hold: null },
      ],
      [
        '403 (missing scopes)',
        hubspotAnswer(403, {}, { category: 'MISSING_SCOPES' }),
        { side: 'hubspot', category: 'auth', code: 'hubspot_missing_scopes', retryAfterMs: null, hold: null },
      ],
      [
        '404',
        hubspotAnswer(404),
        { side: 'hubspot', category: 'not_found', code: 'hubspot_not_found', retryAfterMs: null, hold: null },
      ],
      [
        '409',
        hubspotAnswer(409),
        { side: 'hubspot', category: 'duplicate', code: 'hubspot_conflict', retryAfterMs: null, hold: null },
      ],
      [
        '400',
        hubspotAnswer(400),
        { side: 'hubspot', category: 'validation', code: 'hubspot_rejected', retryAfterMs: null, hold: null },
      ],
      [
        '429 without Retry-After (the ten-second window)',
        hubspotAnswer(429),
        {
          side: 'hubspot',
          category: 'rate_limited',
          code: 'hubspot_rate_limited',
          retryAfterMs: 10_000,
          hold: null,
        },
      ],
      [
        '429 of the search policy',
        hubspotAnswer(429, {}, { policyName: 'SECONDLY' }),
        {
          side: 'hubspot',
          category: 'rate_limited',
          code: 'hubspot_rate_limited',
          retryAfterMs: 1_000,
          hold: null,
        },
      ],
      [
        '429 of the daily limit',
        hubspotAnswer(429, {}, { policyName: 'DAILY' }),
        {
          side: 'hubspot',
          category: 'rate_limited',
          code: 'hubspot_rate_limited',
          retryAfterMs: HOUR_MS,
          hold: null,
        },
      ],
      [
        '429 with Retry-After',
        hubspotAnswer(429, { 'Retry-After': '3' }, { policyName: 'SECONDLY' }),
        {
          side: 'hubspot',
          category: 'rate_limited',
          code: 'hubspot_rate_limited',
          retryAfterMs: 3_000,
          hold: null,
        },
      ],
      [
        '423 without Retry-After (how long a lock lasts)',
        hubspotAnswer(423),
        { side: 'hubspot', category: 'transient', code: 'hubspot_locked', retryAfterMs: 2_000, hold: null },
      ],
      [
        '423 asking for less than a lock lasts',
        hubspotAnswer(423, { 'retry-after': '1' }),
        { side: 'hubspot', category: 'transient', code: 'hubspot_locked', retryAfterMs: 2_000, hold: null },
      ],
      [
        '423 asking for longer',
        hubspotAnswer(423, { 'retry-after': '5' }),
        { side: 'hubspot', category: 'transient', code: 'hubspot_locked', retryAfterMs: 5_000, hold: null },
      ],
      [
        '477 without Retry-After (an hour)',
        hubspotAnswer(477),
        {
          side: 'hubspot',
          category: 'transient',
          code: 'hubspot_migration_in_progress',
          retryAfterMs: HOUR_MS,
          hold: { kind: 'migration_in_progress' },
        },
      ],
      [
        '477 with Retry-After',
        hubspotAnswer(477, { 'retry-after': '7200' }),
        {
          side: 'hubspot',
          category: 'transient',
          code: 'hubspot_migration_in_progress',
          retryAfterMs: 2 * HOUR_MS,
          hold: { kind: 'migration_in_progress' },
        },
      ],
      [
        '503',
        hubspotAnswer(503),
        {
          side: 'hubspot',
          category: 'transient',
          code: 'hubspot_unavailable',
          retryAfterMs: null,
          hold: null,
        },
      ],
      [
        'no answer at all (a dropped connection)',
        Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
        { side: 'hubspot', category: 'transient', code: 'hubspot_network', retryAfterMs: null, hold: null },
      ],
      [
        'no answer in time',
        new CallTimeout('reading 3 contacts', 30_000),
        { side: 'hubspot', category: 'transient', code: 'hubspot_timeout', retryAfterMs: null, hold: null },
      ],
    ])('%s', (_name, thrown, expected) => {
      const failure = callFailureOf(toHubSpotError(thrown, 'reading contacts'));
      expect(failure).toMatchObject(expected);
      expect(failure.message).toMatch(/^(HubSpot|Could not reach HubSpot)/);
    });

    it('keeps what HubSpot said about the answer', () => {
      const failure = callFailureOf(
        toHubSpotError(
          hubspotAnswer(
            429,
            {},
            { category: 'RATE_LIMITS', correlationId: 'c-1', policyName: 'TEN_SECONDLY_ROLLING' },
          ),
          'updating contacts',
        ),
      );
      expect(failure.details).toEqual({
        status: 429,
        hubspotCategory: 'RATE_LIMITS',
        correlationId: 'c-1',
        policyName: 'TEN_SECONDLY_ROLLING',
      });
      expect(failure.message).toBe('HubSpot answered 429 while updating contacts: refused');
    });
  });

  describe('Salesforce answers', () => {
    it.each<[string, unknown, Expected]>([
      [
        'a spent daily allocation (five minutes)',
        jsforceError('REQUEST_LIMIT_EXCEEDED'),
        {
          side: 'salesforce',
          category: 'rate_limited',
          code: 'REQUEST_LIMIT_EXCEEDED',
          retryAfterMs: 5 * 60_000,
          hold: null,
        },
      ],
      [
        'a bare 429',
        jsforceError('ERROR_HTTP_429'),
        {
          side: 'salesforce',
          category: 'rate_limited',
          code: 'ERROR_HTTP_429',
          retryAfterMs: 5 * 60_000,
          hold: null,
        },
      ],
      [
        'a 503',
        jsforceError('ERROR_HTTP_503'),
        { side: 'salesforce', category: 'transient', code: 'ERROR_HTTP_503', retryAfterMs: null, hold: null },
      ],
      [
        'a dropped connection',
        Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
        {
          side: 'salesforce',
          category: 'transient',
          code: 'SERVER_UNAVAILABLE',
          retryAfterMs: null,
          hold: null,
        },
      ],
      [
        'a refresh that another process was running',
        new Error('Unable to refresh session due to: [refresh_busy] another refresh is running'),
        {
          side: 'salesforce',
          category: 'transient',
          code: 'SERVER_UNAVAILABLE',
          retryAfterMs: null,
          hold: null,
        },
      ],
      [
        'a refresh Salesforce refused',
        new Error('Unable to refresh session due to: [salesforce_needs_reauth] the grant was revoked'),
        { side: 'salesforce', category: 'auth', code: 'invalid_grant', retryAfterMs: null, hold: null },
      ],
      [
        'an expired session',
        jsforceError('INVALID_SESSION_ID'),
        { side: 'salesforce', category: 'auth', code: 'INVALID_SESSION_ID', retryAfterMs: null, hold: null },
      ],
      [
        'a request it could not read',
        jsforceError('INVALID_FIELD'),
        { side: 'salesforce', category: 'validation', code: 'INVALID_FIELD', retryAfterMs: null, hold: null },
      ],
      [
        'a code nobody knows',
        jsforceError('SOMETHING_NEW'),
        { side: 'salesforce', category: 'unknown', code: 'SOMETHING_NEW', retryAfterMs: null, hold: null },
      ],
      [
        'no answer in time',
        new CallTimeout('updating 2 Contact records', 30_000),
        { side: 'salesforce', category: 'transient', code: 'TIMEOUT', retryAfterMs: null, hold: null },
      ],
    ])('%s', (_name, thrown, expected) => {
      const failure = callFailureOf(salesforceCallError(thrown, 'updating Contacts'));
      expect(failure).toMatchObject(expected);
      expect(failure.message).toMatch(/^Salesforce /);
      expect(failure.details).toEqual({ errorCode: expected.code });
    });
  });

  it('a deadline met outside a connector is an outage of no known side', () => {
    expect(callFailureOf(new CallTimeout('reading owners', 10_000))).toEqual({
      side: null,
      category: 'transient',
      code: 'timeout',
      message: 'no answer within 10000 ms while reading owners',
      retryable: true,
      retryAfterMs: null,
      hold: null,
      details: { action: 'reading owners', timeoutMs: 10_000 },
    });
  });

  it('a spent budget holds the account until it frees up', () => {
    const freesAtMs = Date.UTC(2026, 10, 23, 12);
    expect(callFailureOf(new BudgetExhausted('salesforce', freesAtMs, 'daily share used'))).toEqual({
      side: 'salesforce',
      category: 'rate_limited',
      code: 'budget_exhausted',
      message: 'salesforce API budget exhausted until 2026-11-23T12:00:00.000Z: daily share used',
      retryable: true,
      retryAfterMs: null,
      hold: { kind: 'budget_exhausted', untilMs: freesAtMs, reason: 'daily share used' },
      details: {},
    });
  });

  it('knows a spent budget thrown by another copy of the gate module', async () => {
    let copy: unknown;
    await jest.isolateModulesAsync(async () => {
      const gate = await import('../../../src/connectors/gate');
      copy = new gate.BudgetExhausted('hubspot', 1_234, 'ten-second window full');
    });
    expect(copy).not.toBeInstanceOf(BudgetExhausted);
    expect(callFailureOf(copy)).toMatchObject({
      side: 'hubspot',
      code: 'budget_exhausted',
      hold: { kind: 'budget_exhausted', untilMs: 1_234 },
    });
  });

  it.each<[string, unknown, string]>([
    [
      'a bug',
      new TypeError("Cannot read properties of undefined (reading 'id')"),
      "Cannot read properties of undefined (reading 'id')",
    ],
    ['something that is not an Error', 'boom', 'boom'],
  ])('%s is unknown, of no side, and retried a bounded number of times', (_name, thrown, message) => {
    expect(callFailureOf(thrown)).toEqual({
      side: null,
      category: 'unknown',
      code: 'unexpected_error',
      message,
      retryable: true,
      retryAfterMs: null,
      hold: null,
      details: {},
    });
  });

  it('decides retryable by the category alone, for every kind of error', () => {
    const thrown = [
      ...[400, 401, 403, 404, 409, 423, 429, 477, 500].map((status) =>
        toHubSpotError(hubspotAnswer(status), 'reading contacts'),
      ),
      new HubSpotError('network', 'Could not reach HubSpot'),
      ...[
        'REQUEST_LIMIT_EXCEEDED',
        'INVALID_SESSION_ID',
        'INVALID_FIELD',
        'ERROR_HTTP_500',
        'SOMETHING_NEW',
      ].map((code) => salesforceCallError(jsforceError(code), 'querying Leads')),
      new CallTimeout('reading', 1),
      new BudgetExhausted('hubspot', 1, 'spent'),
      new Error('bug'),
    ];
    for (const error of thrown) {
      const failure = callFailureOf(error);
      expect([failure.code, failure.retryable]).toEqual([failure.code, isRetryable(failure.category)]);
    }
  });
});
