/**
 * pending_matches: a record that matched two or more candidates on the other side (say two Salesforce
 * Contacts with its email). The bridge does not guess: the record waits here, with the candidates, until a
 * person picks one, asks for a new record, or the question goes away.
 *
 *   open ──person chose──► resolved        open ──no longer needed──► dismissed
 */
import crypto from 'node:crypto';
import { z } from 'zod';
import { RecordRefSchema, type RecordRef } from './recordRefs';
import {
  inTransaction,
  isUniqueViolation,
  lockForUpdate,
  parseInput,
  parseJsonColumn,
  parseRow,
  type Queryable,
} from './support';

export const PENDING_MATCHES = 'pending_matches';

/**
 * The `matchedBy` of a question opened when a linked Lead converted into a Contact that syncs with another
 * HubSpot record: the question is about the Lead's HubSpot record, and its candidates are that Contact and
 * the other HubSpot record (possible duplicates of one person). While it is open the record creates nothing.
 */
export const CONVERTED_ELSEWHERE = 'converted_elsewhere';

export const pendingMatchStates = ['open', 'resolved', 'dismissed'] as const;

export interface PendingMatchRow {
  id: string;
  installation_id: string;
  side: string;
  object_type: string;
  record_id: string;
  candidates: string;
  reason: string;
  state: string;
  choice: string | null;
  resolved_by: string | null;
  opened_at: number;
  updated_at: number;
  resolved_at: number | null;
}

export const CandidateSchema = z.object({
  record: RecordRefSchema,
  /** What made it a candidate: `cross_id`, `email`, `domain`, … */
  matchedBy: z.string().min(1).max(64),
  /** A few words for the person choosing (name, email, owner). */
  label: z.string().max(500).default(''),
  /**
   * What the person choosing needs to tell candidates apart, as read when the question was asked (null:
   * not read, or stored before these were kept).
   */
  name: z.string().max(200).nullable().default(null),
  email: z.string().max(254).nullable().default(null),
  company: z.string().max(255).nullable().default(null),
  /** When the candidate last changed in its system, epoch ms. */
  lastModifiedAt: z.number().int().nullable().default(null),
});
export type Candidate = z.output<typeof CandidateSchema>;

export const ChoiceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('link'), record: RecordRefSchema }),
  z.object({ kind: z.literal('create_new') }),
  z.object({ kind: z.literal('skip') }),
]);
export type Choice = z.infer<typeof ChoiceSchema>;

const PendingMatchSchema = z.object({
  id: z.string(),
  installationId: z.string(),
  record: RecordRefSchema,
  candidates: z.array(CandidateSchema),
  reason: z.string(),
  state: z.enum(pendingMatchStates),
  choice: ChoiceSchema.nullable(),
  resolvedBy: z.string().nullable(),
  openedAt: z.number(),
  updatedAt: z.number(),
  resolvedAt: z.number().nullable(),
});
export type PendingMatch = z.infer<typeof PendingMatchSchema>;

export function fromRow(row: PendingMatchRow): PendingMatch {
  const where = `${PENDING_MATCHES} (${row.id})`;
  return parseRow(
    PendingMatchSchema,
    {
      id: row.id,
      installationId: row.installation_id,
      record: { side: row.side, objectType: row.object_type, recordId: row.record_id },
      candidates: parseJsonColumn(z.array(CandidateSchema), row.candidates, `${where}.candidates`),
      reason: row.reason,
      state: row.state,
      choice: row.choice === null ? null : parseJsonColumn(ChoiceSchema, row.choice, `${where}.choice`),
      resolvedBy: row.resolved_by,
      openedAt: row.opened_at,
      updatedAt: row.updated_at,
      resolvedAt: row.resolved_at,
    },
    PENDING_MATCHES,
  );
}

const OpenSchema = z
  .object({
    installationId: z.string().min(1),
    record: RecordRefSchema,
    candidates: z.array(CandidateSchema).min(1, 'a pending match needs a candidate'),
    reason: z.string().min(1),
  })
  // One candidate is a question only when it is linked to another record already (a possible duplicate).
  .refine((match) => match.candidates.length >= 2 || match.reason === 'linked_elsewhere', {
    message: 'a pending match needs at least two candidates, or one that is linked elsewhere',
    path: ['candidates'],
  });
export type OpenPendingMatchInput = z.input<typeof OpenSchema>;

/** Parks a record with its candidates, or refreshes the candidates of its open question. */
export async function open(db: Queryable, input: OpenPendingMatchInput, now: number): Promise<PendingMatch> {
  const match = parseInput(OpenSchema, input, 'pendingMatches.open');
  const fields = { candidates: JSON.stringify(match.candidates), reason: match.reason, updated_at: now };
  const attempt = () =>
    inTransaction(db, async (trx) => {
      const existing = await lockForUpdate(trx, openQuery(trx, match.installationId, match.record)).first();
      if (existing) {
        await trx<PendingMatchRow>(PENDING_MATCHES).where({ id: existing.id }).update(fields);
        return fromRow({ ...existing, ...fields });
      }
      const row: PendingMatchRow = {
        id: crypto.randomUUID(),
        installation_id: match.installationId,
        side: match.record.side,
        object_type: match.record.objectType,
        record_id: match.record.recordId,
        ...fields,
        state: 'open',
        choice: null,
        resolved_by: null,
        opened_at: now,
        resolved_at: null,
      };
      await trx<PendingMatchRow>(PENDING_MATCHES).insert(row);
      return fromRow(row);
    });
  try {
    return await attempt();
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    return attempt();
  }
}

export async function findById(
  db: Queryable,
  installationId: string,
  id: string,
): Promise<PendingMatch | null> {
  const row = await db<PendingMatchRow>(PENDING_MATCHES)
    .where({ installation_id: installationId, id })
    .first();
  return row ? fromRow(row) : null;
}

/** The open question about a record, if any (the sync checks this before matching again). */
export async function findOpen(
  db: Queryable,
  installationId: string,
  record: RecordRef,
): Promise<PendingMatch | null> {
  const row = await openQuery(db, installationId, record).first();
  return row ? fromRow(row) : null;
}

/**
 * Open questions about other records that name this record as a candidate already linked elsewhere: for a
 * HubSpot contact, the Salesforce Leads or Contacts with its email that could not link to it because it syncs
 * with another record (possible duplicates in Salesforce). At most `limit`, oldest first.
 */
export async function listNamingLinkedCandidate(
  db: Queryable,
  installationId: string,
  record: RecordRef,
  limit = 20,
): Promise<PendingMatch[]> {
  // The candidates column is JSON text on both databases: narrowed by the id, then checked exactly.
  const rows = await db<PendingMatchRow>(PENDING_MATCHES)
    .where({ installation_id: installationId, state: 'open', reason: 'linked_elsewhere' })
    .where('candidates', 'like', `%"recordId":"${record.recordId.replace(/[\\%_"]/g, '')}"%`)
    .orderBy([{ column: 'opened_at' }, { column: 'id' }])
    .limit(limit);
  return rows
    .map(fromRow)
    .filter((match) =>
      match.candidates.some(
        (candidate) =>
          candidate.record.side === record.side &&
          candidate.record.objectType === record.objectType &&
          candidate.record.recordId === record.recordId,
      ),
    );
}

/** The newest question about a record that a person answered, if any (the sync acts on the choice). */
export async function findLatestResolved(
  db: Queryable,
  installationId: string,
  record: RecordRef,
): Promise<PendingMatch | null> {
  const row = await db<PendingMatchRow>(PENDING_MATCHES)
    .where({
      installation_id: installationId,
      side: record.side,
      object_type: record.objectType,
      record_id: record.recordId,
      state: 'resolved',
    })
    .orderBy([
      { column: 'resolved_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .first();
  return row ? fromRow(row) : null;
}

export async function listOpen(
  db: Queryable,
  installationId: string,
  options: { limit?: number } = {},
): Promise<PendingMatch[]> {
  const rows = await db<PendingMatchRow>(PENDING_MATCHES)
    .where({ installation_id: installationId, state: 'open' })
    .orderBy([{ column: 'opened_at' }, { column: 'id' }])
    .limit(options.limit ?? 100);
  return rows.map(fromRow);
}

export async function countOpen(db: Queryable, installationId: string): Promise<number> {
  const row = await db<PendingMatchRow>(PENDING_MATCHES)
    .where({ installation_id: installationId, state: 'open' })
    .count({ count: '*' })
    .first();
  return Number((row as { count?: number | string } | undefined)?.count ?? 0);
}

export type ResolveResult =
  { ok: true; match: PendingMatch } | { ok: false; code: 'not_open' | 'not_a_candidate'; reason: string };

/**
 * Records a person's choice. A linked record must be one of the candidates: the card cannot be used to link
 * an arbitrary record. The caller then marks the record dirty so the sync acts on the choice.
 */
export async function resolve(
  db: Queryable,
  installationId: string,
  id: string,
  input: { choice: Choice; resolvedBy: string },
  now: number,
): Promise<ResolveResult> {
  const choice = parseInput(ChoiceSchema, input.choice, 'pendingMatches.resolve');
  return inTransaction(db, async (trx) => {
    const row = await lockForUpdate(
      trx,
      trx<PendingMatchRow>(PENDING_MATCHES).where({ installation_id: installationId, id, state: 'open' }),
    ).first();
    if (!row) return { ok: false, code: 'not_open', reason: 'this question is no longer open' } as const;
    const match = fromRow(row);
    if (
      choice.kind === 'link' &&
      !match.candidates.some((candidate) => sameRecord(candidate.record, choice.record))
    ) {
      return {
        ok: false,
        code: 'not_a_candidate',
        reason: 'the chosen record is not one of the candidates',
      } as const;
    }
    const fields = {
      state: 'resolved',
      choice: JSON.stringify(choice),
      resolved_by: input.resolvedBy,
      resolved_at: now,
      updated_at: now,
    };
    await trx<PendingMatchRow>(PENDING_MATCHES).where({ id }).update(fields);
    return { ok: true, match: fromRow({ ...row, ...fields }) } as const;
  });
}

/** Closes a record's open question without a choice (the record was deleted, or linked by other means). */
export async function dismissForRecord(
  db: Queryable,
  installationId: string,
  record: RecordRef,
  context: { resolvedBy: string; now: number },
): Promise<boolean> {
  const updated = await openQuery(db, installationId, record).update({
    state: 'dismissed',
    resolved_by: context.resolvedBy,
    resolved_at: context.now,
    updated_at: context.now,
  });
  return updated > 0;
}

function sameRecord(a: RecordRef, b: RecordRef): boolean {
  const id = (ref: RecordRef) => (ref.side === 'salesforce' ? ref.recordId.toLowerCase() : ref.recordId);
  return a.side === b.side && a.objectType === b.objectType && id(a) === id(b);
}

function openQuery(db: Queryable, installationId: string, record: RecordRef) {
  return db<PendingMatchRow>(PENDING_MATCHES).where({
    installation_id: installationId,
    side: record.side,
    object_type: record.objectType,
    record_id: record.recordId,
    state: 'open',
  });
}
