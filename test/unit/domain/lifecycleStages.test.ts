import { liveStageFor, movesBackward } from '../../../src/domain/lifecycleStages';

const DEFAULT_STAGES = [
  'subscriber',
  'lead',
  'marketingqualifiedlead',
  'salesqualifiedlead',
  'opportunity',
  'customer',
  'evangelist',
  'other',
];
const GROUPS = [
  { hubspot: ['lead', 'subscriber'], salesforce: ['Open - Not Contacted'] },
  { hubspot: ['salesqualifiedlead', 'marketingqualifiedlead'], salesforce: ['Working - Contacted'] },
  { hubspot: ['opportunity', 'customer', 'evangelist'], salesforce: ['Closed - Converted'] },
];

describe('movesBackward', () => {
  it.each([
    ['customer', 'lead', DEFAULT_STAGES, true],
    ['lead', 'customer', DEFAULT_STAGES, false],
    ['lead', 'lead', DEFAULT_STAGES, false],
    [null, 'lead', DEFAULT_STAGES, false],
    ['customer', '', DEFAULT_STAGES, false],
    ['Customer', 'LEAD', DEFAULT_STAGES, true],
    // A portal's own order decides: here "partner" comes after "lead".
    ['partner', 'lead', ['subscriber', 'lead', 'partner', 'customer'], true],
    ['lead', 'partner', ['subscriber', 'lead', 'partner', 'customer'], false],
    // A stage the portal does not have cannot be ordered: HubSpot decides.
    ['customer', 'unknown', DEFAULT_STAGES, false],
  ] as const)('%p → %p: %p', (current, next, stages, backward) => {
    expect(movesBackward(current, next, stages)).toBe(backward);
  });
});

describe('liveStageFor', () => {
  it('keeps a stage the portal has', () => {
    expect(liveStageFor('salesqualifiedlead', GROUPS, DEFAULT_STAGES)).toBe('salesqualifiedlead');
  });

  it("takes the group's first stage the portal has when it removed the mapped one", () => {
    const withoutSql = DEFAULT_STAGES.filter((stage) => stage !== 'salesqualifiedlead');
    expect(liveStageFor('salesqualifiedlead', GROUPS, withoutSql)).toBe('marketingqualifiedlead');
  });

  it('leaves a value with no live stage in its group, and a blank, as they are', () => {
    expect(liveStageFor('lead', GROUPS, ['customer'])).toBe('lead');
    expect(liveStageFor('', GROUPS, DEFAULT_STAGES)).toBe('');
  });
});
