/**
 * The step every poll page ends with: in one transaction, move the poll's cursor (compare-and-set) and mark
 * the records read dirty, handing each over as the payload. Two processes polling the same thing cannot both
 * move the cursor from the same value, so a page is never handed over on the strength of a stale cursor;
 * the loser stops and leaves the poll to the winner.
 */
import * as cursors from '../db/cursors';
import * as dirty from '../db/dirty';
import type { RecordRef } from '../db/recordRefs';
import {
  advancePollCursor,
  alreadyHandedOver,
  encodePollCursor,
  rememberedOf,
  type ChangedRecord,
  type PollCursor,
} from '../domain/changes/pollCursor';
import { toDirtyPayload, type DirtyPayload } from '../queue/payload';
import type { ChangeDetectionDeps } from './start';

export class CursorMoved extends Error {
  constructor(readonly cursorName: string) {
    super(`the cursor ${cursorName} was moved by another process; this poll stops and leaves it to that one`);
    this.name = 'CursorMoved';
  }
}

export interface PollItem {
  readonly change: ChangedRecord;
  readonly ref: RecordRef;
  readonly payload: DirtyPayload;
}

export interface CursorState {
  readonly name: string;
  /** The stored text, for the compare-and-set; null before the first page of the first poll. */
  stored: string | null;
  cursor: PollCursor | null;
}

export async function readCursorState(
  deps: Pick<ChangeDetectionDeps, 'db'>,
  installationId: string,
  name: string,
  decode: (value: string | null) => PollCursor | null,
): Promise<CursorState> {
  const stored = (await cursors.get(deps.db, installationId, name))?.value ?? null;
  return { name, stored, cursor: decode(stored) };
}

/**
 * Hands a page over and advances the cursor past it. Returns how many records were marked (those already
 * handed over in this version are skipped). Throws CursorMoved when someone else moved the cursor. With
 * `mark: false` the cursor only moves past the items (a poll that starts where it is, marking nothing).
 */
export async function handOverPage(
  deps: Pick<ChangeDetectionDeps, 'db' | 'now' | 'correlationId'>,
  installationId: string,
  state: CursorState,
  items: readonly PollItem[],
  overlapMs: number,
  options: { mark?: boolean } = {},
): Promise<number> {
  if (items.length === 0) return 0;
  const remembered = rememberedOf(state.cursor);
  const fresh =
    options.mark === false ? [] : items.filter((item) => !alreadyHandedOver(remembered, item.change));
  const next = advancePollCursor(
    state.cursor,
    items.map((item) => item.change),
    overlapMs,
  );
  const nextText = encodePollCursor(next);
  const now = deps.now();
  await deps.db.transaction(async (trx) => {
    const moved = await cursors.advance(
      trx,
      installationId,
      state.name,
      { from: state.stored, to: nextText },
      now,
    );
    if (!moved) throw new CursorMoved(state.name);
    await dirty.markMany(
      trx,
      fresh.map((item) => ({
        installationId,
        record: item.ref,
        source: 'poll' as const,
        payload: toDirtyPayload(item.payload),
        correlationId: deps.correlationId ?? null,
      })),
      now,
    );
  });
  state.stored = nextText;
  state.cursor = next;
  return fresh.length;
}
