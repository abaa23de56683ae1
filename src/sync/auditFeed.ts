/**
 * The portal's recent changes for the settings page: every audit line of the installation, newest first, a
 * page at a time, narrowed by object, field and actor, each with the field's label and the person (or the
 * bridge) behind it as the record card's history names them (src/domain/recordHistory.ts `actorOf`).
 */
import * as auditEntries from '../db/auditEntries';
import type { Queryable } from '../db/support';
import { actorOf, type HistoryActor } from '../domain/recordHistory';
import { fieldLabel, type FieldMapping } from '../domain/settings/schema';
import { settingsFor } from '../settings/installationSettings';

export const FEED_DEFAULT_LIMIT = 50;
export const FEED_MAX_LIMIT = 200;

export interface FeedEntry {
  readonly id: number;
  /** Epoch ms. */
  readonly at: number;
  readonly action: string;
  readonly linkId: string | null;
  readonly record: auditEntries.AuditEntry['record'];
  readonly fieldKey: string | null;
  readonly fieldLabel: string | null;
  readonly direction: auditEntries.AuditEntry['direction'];
  readonly rule: string | null;
  /** Canonical values; absent when there was none, or once retention or a privacy deletion removed it. */
  readonly before?: unknown;
  readonly after?: unknown;
  readonly reason: string;
  readonly actor: HistoryActor;
  readonly correlationId: string | null;
}

export interface FeedPage {
  readonly entries: FeedEntry[];
  /** Pass as `before` for the next page; null on the last one. */
  readonly nextBefore: number | null;
}

export async function auditFeed(
  db: Queryable,
  installationId: string,
  filter: auditEntries.FeedFilter,
  options: { limit?: number; before?: number } = {},
): Promise<FeedPage> {
  const limit = Math.min(Math.max(options.limit ?? FEED_DEFAULT_LIMIT, 1), FEED_MAX_LIMIT);
  const [rows, settings] = await Promise.all([
    auditEntries.listFeed(db, installationId, filter, {
      limit: limit + 1,
      ...(options.before !== undefined ? { beforeId: options.before } : {}),
    }),
    settingsFor(db, installationId),
  ]);
  const page = rows.slice(0, limit);
  const knownEmails = new Map(
    page.flatMap((row) =>
      row.actorUserId && row.actorEmail ? [[row.actorUserId, row.actorEmail] as const] : [],
    ),
  );
  const labelOf = (fieldKey: string) => {
    const mapping = Object.values(settings.objects)
      .flatMap((object): FieldMapping[] => object.fields)
      .find((field) => field.key === fieldKey);
    return mapping ? fieldLabel(mapping) : fieldKey;
  };
  return {
    entries: page.map((row) => ({
      id: row.id,
      at: row.occurredAt,
      action: row.action,
      linkId: row.linkId,
      record: row.record,
      fieldKey: row.fieldKey,
      fieldLabel: row.fieldKey ? labelOf(row.fieldKey) : null,
      direction: row.direction,
      rule: row.rule,
      ...(row.before !== undefined ? { before: row.before } : {}),
      ...(row.after !== undefined ? { after: row.after } : {}),
      reason: row.reason,
      actor: actorOf(row.actor, { userId: row.actorUserId, email: row.actorEmail }, knownEmails),
      correlationId: row.correlationId,
    })),
    nextBefore: rows.length > limit ? (page.at(-1)?.id ?? null) : null,
  };
}
