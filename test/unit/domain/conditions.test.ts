import { conditionHolds, conditionProperties } from '../../../src/domain/conditions';
import type { Condition, Filter } from '../../../src/domain/settings/schema';

const one = (filter: Filter): Condition => ({ anyOf: [{ allOf: [filter] }] });
const properties = { country: ' Germany ', lifecyclestage: 'lead', tags: 'a;b', empty: '', missing: null };

describe('conditionHolds', () => {
  it.each<[Filter, boolean]>([
    [{ property: 'country', operator: 'eq', value: 'germany' }, true],
    [{ property: 'country', operator: 'eq', value: 'France' }, false],
    [{ property: 'country', operator: 'neq', value: 'France' }, true],
    [{ property: 'country', operator: 'contains', value: 'MAN' }, true],
    [{ property: 'lifecyclestage', operator: 'in', values: ['customer', 'LEAD'] }, true],
    [{ property: 'lifecyclestage', operator: 'not_in', values: ['customer', 'lead'] }, false],
    [{ property: 'empty', operator: 'has_value' }, false],
    [{ property: 'missing', operator: 'has_no_value' }, true],
    [{ property: 'not_read', operator: 'has_no_value' }, true],
    [{ property: 'tags', operator: 'contains', value: 'b' }, true],
  ])('%j → %s', (filter, expected) => {
    expect(conditionHolds(one(filter), properties)).toBe(expected);
  });

  it('needs every filter of a group, and any one group', () => {
    const condition: Condition = {
      anyOf: [
        {
          allOf: [
            { property: 'country', operator: 'eq', value: 'germany' },
            { property: 'lifecyclestage', operator: 'eq', value: 'customer' },
          ],
        },
        { allOf: [{ property: 'tags', operator: 'has_value' }] },
      ],
    };
    expect(conditionHolds(condition, properties)).toBe(true);
    expect(conditionHolds(condition, { ...properties, tags: null })).toBe(false);
    expect(conditionProperties(condition)).toEqual(['country', 'lifecyclestage', 'tags']);
  });
});
