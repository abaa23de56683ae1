import {
  IllegalQueueTransition,
  queueEvents,
  queueItemStates,
  transition,
} from '../../../src/domain/queueItemStates';

describe('queue item transitions', () => {
  it.each([
    ['pending', 'mark', 'pending'],
    ['pending', 'claim', 'claimed'],
    ['claimed', 'mark', 'claimed'],
    ['claimed', 'complete', 'done'],
    ['claimed', 'complete_after_new_mark', 'pending'],
    ['claimed', 'retry_later', 'pending'],
    ['claimed', 'give_up', 'dead'],
    ['claimed', 'lease_expired', 'pending'],
    ['claimed', 'lease_expired_exhausted', 'dead'],
  ] as const)('%s --%s--> %s', (from, event, to) => {
    expect(transition(from, event)).toBe(to);
  });

  it('refuses to settle or expire what nobody claimed', () => {
    const pendingOnly = queueEvents.filter((event) => event !== 'mark' && event !== 'claim');
    for (const event of pendingOnly)
      expect(() => transition('pending', event)).toThrow(IllegalQueueTransition);
  });

  it('knows every stored state', () => {
    expect(queueItemStates).toEqual(['pending', 'claimed']);
  });
});
