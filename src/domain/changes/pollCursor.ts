/**
 * A poll's watermark, and the overlap that keeps anything from falling between two polls.
 *
 * Each poll asks for records changed at or after (newest change time seen − overlap). The overlap covers
 * what arrives late: HubSpot's search index lags writes by seconds, and a Salesforce transaction can commit
 * after a poll with a SystemModstamp older than what that poll saw. Reading the overlap again would hand the
 * same record versions over again and make the worker redo them, so the cursor remembers the records it
 * read inside the overlap window (id and change time) and those are skipped; a record changed again has a
 * newer change time and is handed over.
 *
 * Stored as JSON text in `cursors.value`. Every function here is pure.
 */
import { z } from 'zod';

/** At most this many remembered records: a burst beyond it is handed over twice, which is harmless. */
export const MAX_REMEMBERED = 2_000;

const PollCursorSchema = z.object({
  v: z.literal(1),
  /** The newest change time read so far (HubSpot lastmodifieddate, Salesforce SystemModstamp), epoch ms. */
  newestMs: z.number().int().nonnegative(),
  /** Records read whose change time lies in the overlap window: [id, change time, fingerprint]. */
  recent: z.array(z.tuple([z.string(), z.number().int(), z.string()])),
});
export type PollCursor = z.infer<typeof PollCursorSchema>;

export interface ChangedRecord {
  readonly id: string;
  readonly changedMs: number;
  /** A fingerprint of the values read (see `fingerprintOf`). */
  readonly fingerprint: string;
}

interface Version {
  readonly changedMs: number;
  readonly fingerprint: string;
}

/**
 * A short fingerprint of a record's values (FNV-1a over its JSON with sorted keys). Not a security
 * measure: it only has to tell two versions of one record apart.
 */
export function fingerprintOf(values: Readonly<Record<string, unknown>>): string {
  const text = JSON.stringify(
    Object.keys(values)
      .sort()
      .map((key) => [key, values[key]]),
  );
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

/** The stored text → a cursor; null when there is none yet (the first poll walks everything). */
export function decodePollCursor(value: string | null): PollCursor | null {
  if (value === null) return null;
  // A bare number (an older or hand-set cursor) is a watermark with nothing remembered.
  if (/^\d+$/.test(value)) return { v: 1, newestMs: Number(value), recent: [] };
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    throw new Error(`poll cursor is neither a number nor JSON: ${value.slice(0, 80)}`);
  }
  return PollCursorSchema.parse(json);
}

export function encodePollCursor(cursor: PollCursor): string {
  return JSON.stringify(cursor);
}

/** Where the next poll starts: the overlap before the newest change seen, or the beginning of time. */
export function pollStartMs(cursor: PollCursor | null, overlapMs: number): number {
  return cursor ? Math.max(0, cursor.newestMs - overlapMs) : 0;
}

/** A lookup of the record versions a cursor remembers. */
export function rememberedOf(cursor: PollCursor | null): Map<string, Version> {
  return new Map(
    (cursor?.recent ?? []).map(([id, changedMs, fingerprint]) => [id, { changedMs, fingerprint }]),
  );
}

/** Whether this version of the record was already handed over by an earlier page or poll. */
export function alreadyHandedOver(remembered: ReadonlyMap<string, Version>, record: ChangedRecord): boolean {
  const known = remembered.get(record.id);
  return (
    known !== undefined && known.changedMs === record.changedMs && known.fingerprint === record.fingerprint
  );
}

/**
 * The cursor after a page was handed over: the newest change time moves forward (never back), and the
 * remembered set keeps what lies in the overlap window before it, newest first when it must be cut.
 */
export function advancePollCursor(
  cursor: PollCursor | null,
  page: readonly ChangedRecord[],
  overlapMs: number,
): PollCursor {
  const newestMs = Math.max(cursor?.newestMs ?? 0, ...page.map((record) => record.changedMs));
  const remembered = rememberedOf(cursor);
  for (const record of page) {
    remembered.set(record.id, { changedMs: record.changedMs, fingerprint: record.fingerprint });
  }
  const windowStart = newestMs - overlapMs;
  const recent: PollCursor['recent'] = [...remembered]
    .filter(([, version]) => version.changedMs >= windowStart)
    .map(([id, version]): [string, number, string] => [id, version.changedMs, version.fingerprint])
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, MAX_REMEMBERED);
  return { v: 1, newestMs, recent };
}
