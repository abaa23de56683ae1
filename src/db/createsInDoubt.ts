/**
 * creates_in_doubt: Salesforce creates sent without an upsert key, from the moment before the call until
 * Salesforce answers. A row that outlives its call means the answer was lost (no answer in time, a dropped
 * connection, a crash): the record may exist in Salesforce with nothing pointing to it, so before creating
 * again the bridge looks for it (see src/sync/reads.ts).
 *
 *   recorded (before the call) ──answer──► removed
 *                              └─no answer──► ended_at set (or, after a crash, left as it is) ──linked──► removed
 */
import { z } from 'zod';
import { parseJsonColumn, parseRow, type Queryable } from './support';

export const CREATES_IN_DOUBT = 'creates_in_doubt';

export interface CreateInDoubtRow {
  installation_id: string;
  hubspot_object_type: string;
  hubspot_id: string;
  salesforce_object_type: string;
  fields: string;
  sent_at: number | string;
  ended_at: number | string | null;
}

const FieldsSchema = z.record(z.string(), z.json());

const CreateInDoubtSchema = z.object({
  hubspotObjectType: z.string().min(1),
  hubspotId: z.string().min(1),
  salesforceObjectType: z.string().min(1),
  fields: FieldsSchema,
  sentAt: z.number(),
  endedAt: z.number().nullable(),
});
export type CreateInDoubt = z.infer<typeof CreateInDoubtSchema>;

function fromRow(row: CreateInDoubtRow): CreateInDoubt {
  const where = `${CREATES_IN_DOUBT} (${row.installation_id}, ${row.hubspot_id})`;
  return parseRow(
    CreateInDoubtSchema,
    {
      hubspotObjectType: row.hubspot_object_type,
      hubspotId: row.hubspot_id,
      salesforceObjectType: row.salesforce_object_type,
      fields: parseJsonColumn(FieldsSchema, row.fields, where),
      sentAt: Number(row.sent_at),
      endedAt: row.ended_at === null ? null : Number(row.ended_at),
    },
    where,
  );
}

export interface NewCreateInDoubt {
  readonly hubspotObjectType: string;
  readonly hubspotId: string;
  readonly salesforceObjectType: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

/** Records creates about to be sent (one statement); a later attempt for the same record replaces the earlier. */
export async function recordSent(
  db: Queryable,
  installationId: string,
  creates: readonly NewCreateInDoubt[],
  nowMs: number,
): Promise<void> {
  if (creates.length === 0) return;
  await db<CreateInDoubtRow>(CREATES_IN_DOUBT)
    .insert(
      creates.map((create) => ({
        installation_id: installationId,
        hubspot_object_type: create.hubspotObjectType,
        hubspot_id: create.hubspotId,
        salesforce_object_type: create.salesforceObjectType,
        fields: JSON.stringify(create.fields),
        sent_at: nowMs,
        ended_at: null,
      })),
    )
    .onConflict(['installation_id', 'hubspot_object_type', 'hubspot_id'])
    .merge(['salesforce_object_type', 'fields', 'sent_at', 'ended_at']);
}

/** The calls of these records ended without an answer the bridge could use. */
export async function markEnded(
  db: Queryable,
  installationId: string,
  hubspotObjectType: string,
  hubspotIds: readonly string[],
  nowMs: number,
): Promise<void> {
  if (hubspotIds.length === 0) return;
  await db<CreateInDoubtRow>(CREATES_IN_DOUBT)
    .where({ installation_id: installationId, hubspot_object_type: hubspotObjectType })
    .whereNull('ended_at')
    .whereIn('hubspot_id', [...hubspotIds])
    .update({ ended_at: nowMs });
}

/** Forgets the creates of these records: Salesforce answered, or the record is linked. */
export async function forget(
  db: Queryable,
  installationId: string,
  hubspotObjectType: string,
  hubspotIds: readonly string[],
): Promise<void> {
  if (hubspotIds.length === 0) return;
  await db<CreateInDoubtRow>(CREATES_IN_DOUBT)
    .where({ installation_id: installationId, hubspot_object_type: hubspotObjectType })
    .whereIn('hubspot_id', [...hubspotIds])
    .delete();
}

export async function forRecords(
  db: Queryable,
  installationId: string,
  hubspotObjectType: string,
  hubspotIds: readonly string[],
): Promise<CreateInDoubt[]> {
  if (hubspotIds.length === 0) return [];
  const rows = await db<CreateInDoubtRow>(CREATES_IN_DOUBT)
    .where({ installation_id: installationId, hubspot_object_type: hubspotObjectType })
    .whereIn('hubspot_id', [...hubspotIds]);
  return rows.map(fromRow);
}
