import {
  asFailureCategory,
  failureAdvice,
  failureCategories,
  failureSentence,
  isRetryable,
  makeCallFailure,
  makeFailure,
} from '../../../src/domain/failures';
import { err, mapResult, ok } from '../../../src/domain/result';

describe('failure categories', () => {
  it.each([
    ['rate_limited', true],
    ['transient', true],
    ['unknown', true],
    ['validation', false],
    ['required_field_missing', false],
    ['picklist_value_not_allowed', false],
    ['duplicate', false],
    ['permission', false],
    ['not_found', false],
    ['conflict', false],
    ['auth', false],
    ['converted_lead', false],
  ] as const)('%s retryable: %s', (category, retryable) => {
    expect(isRetryable(category)).toBe(retryable);
  });

  it('covers every category in the table above', () => {
    expect(failureCategories).toHaveLength(12);
  });

  it.each(failureCategories)('%s has a sentence that names the system and says what to do', (category) => {
    const sentence = failureSentence(category, {
      side: 'salesforce',
      field: 'Lead Status',
      value: 'Hot',
      object: 'Lead',
    });
    expect(sentence).toMatch(/\.$/);
    expect(sentence.length).toBeGreaterThan(40);
    if (category !== 'conflict' && category !== 'converted_lead') expect(sentence).toContain('Salesforce');
  });

  it('builds a required-field sentence listing the fields', () => {
    const failure = makeFailure('required_field_missing', 'REQUIRED_FIELD_MISSING', {
      side: 'salesforce',
      object: 'Account',
      fields: ['Name'],
    });
    expect(failure).toMatchObject({
      category: 'required_field_missing',
      retryable: false,
      side: 'salesforce',
    });
    expect(failure.message).toBe(
      'Salesforce requires Name to create an Account, and the value is blank. Fill it in HubSpot, then press Retry.',
    );
  });

  it('builds a picklist sentence naming the value and the field', () => {
    const failure = makeFailure(
      'picklist_value_not_allowed',
      'no_mapping',
      { side: 'salesforce', field: 'Lifecycle stage', value: 'evangelist' },
      { fieldKey: 'lifecyclestage' },
    );
    expect(failure.fieldKey).toBe('lifecyclestage');
    expect(failure.message).toContain('"evangelist"');
    expect(failure.message).toContain('"Lifecycle stage"');
    expect(failure.message).toContain('value map');
  });
});

describe('call failures', () => {
  it.each(failureCategories)(
    'a failed call of category %s is retryable exactly as the category says',
    (category) => {
      const failure = makeCallFailure({ side: 'hubspot', category, code: 'x', message: 'HubSpot answered' });
      expect(failure.retryable).toBe(isRetryable(category));
    },
  );

  it('holds nothing and asks for no wait unless told', () => {
    expect(
      makeCallFailure({ side: null, category: 'transient', code: 'timeout', message: 'no answer' }),
    ).toEqual({
      side: null,
      category: 'transient',
      code: 'timeout',
      message: 'no answer',
      retryable: true,
      retryAfterMs: null,
      hold: null,
      details: {},
    });
  });
});

describe('Result', () => {
  it('maps only successes', () => {
    expect(mapResult(ok(2), (n: number) => n * 3)).toEqual({ ok: true, value: 6 });
    expect(mapResult(err('nope'), (n: number) => n * 3)).toEqual({ ok: false, error: 'nope' });
  });
});

describe('failure advice on the card', () => {
  it.each(failureCategories)('%s has a short title and says what to do', (category) => {
    const advice = failureAdvice(category, 'salesforce');
    expect(advice.title.length).toBeGreaterThan(3);
    expect(advice.title).not.toMatch(/\.$/);
    expect(advice.whatToDo).toMatch(/^[A-Z].*\.$/);
  });

  it('says nothing needs doing exactly when the sync retries on its own', () => {
    for (const category of failureCategories) {
      const nothing = /^Nothing/.test(failureAdvice(category).whatToDo);
      expect([category, nothing]).toEqual([
        category,
        ['rate_limited', 'transient', 'converted_lead', 'not_found'].includes(category),
      ]);
    }
  });

  it('names the system that refused the write, and reads unknown categories as unknown', () => {
    expect(failureAdvice('permission', 'hubspot').title).toBe('Not allowed in HubSpot');
    expect(failureAdvice('validation', 'salesforce').whatToDo).toContain('in HubSpot');
    expect(asFailureCategory('picklist_value_not_allowed')).toBe('picklist_value_not_allowed');
    expect(asFailureCategory('storage')).toBe('unknown');
  });
});
