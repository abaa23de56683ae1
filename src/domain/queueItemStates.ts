/**
 * The life of a dirty row (one record waiting to sync), as data.
 *
 *   mark ──► pending ──claim──► claimed ──complete (generation unchanged)──► done   (row deleted)
 *             ▲  ▲                │ │ │
 *             │  └─── mark ───────┘ │ └──fail: permanent, or attempts exhausted──► dead (moved to failures)
 *             │   (pending: coalesce)│
 *             └── complete (generation changed) / fail: retry later / lease expired
 *
 * A mark on a claimed row only bumps its generation (and replaces the carried payload); the holder keeps it.
 * The generation is what makes that safe: completing deletes the row only if nothing was marked meanwhile.
 * `done` and `dead` are not stored: the row leaves the table (a dead one becomes a failures row).
 */

export const queueItemStates = ['pending', 'claimed'] as const;
export type QueueItemState = (typeof queueItemStates)[number];

export const queueItemOutcomes = ['pending', 'claimed', 'done', 'dead'] as const;
export type QueueItemOutcome = (typeof queueItemOutcomes)[number];

export const queueEvents = [
  'mark',
  'claim',
  'complete',
  'complete_after_new_mark',
  'retry_later',
  'give_up',
  'lease_expired',
  'lease_expired_exhausted',
] as const;
export type QueueEvent = (typeof queueEvents)[number];

export const queueTransitions: ReadonlyArray<{
  from: QueueItemState;
  event: QueueEvent;
  to: QueueItemOutcome;
}> = [
  { from: 'pending', event: 'mark', to: 'pending' },
  { from: 'pending', event: 'claim', to: 'claimed' },
  { from: 'claimed', event: 'mark', to: 'claimed' },
  { from: 'claimed', event: 'claim', to: 'claimed' }, // only once the lease has expired
  { from: 'claimed', event: 'complete', to: 'done' },
  { from: 'claimed', event: 'complete_after_new_mark', to: 'pending' },
  { from: 'claimed', event: 'retry_later', to: 'pending' },
  { from: 'claimed', event: 'give_up', to: 'dead' },
  { from: 'claimed', event: 'lease_expired', to: 'pending' },
  { from: 'claimed', event: 'lease_expired_exhausted', to: 'dead' },
];

export class IllegalQueueTransition extends Error {
  readonly code = 'illegal_queue_transition';
  readonly category = 'bug';
  readonly retryable = false;
  constructor(
    readonly from: QueueItemState,
    readonly event: QueueEvent,
  ) {
    super(`a ${from} queue item cannot take "${event}"`);
    this.name = 'IllegalQueueTransition';
  }
}

/** Where `event` takes an item in state `from`; an illegal move is a bug in the queue, so it throws. */
export function transition(from: QueueItemState, event: QueueEvent): QueueItemOutcome {
  const entry = queueTransitions.find((candidate) => candidate.from === from && candidate.event === event);
  if (!entry) throw new IllegalQueueTransition(from, event);
  return entry.to;
}
