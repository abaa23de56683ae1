/**
 * settings: a versioned JSON document per installation. The current document is the highest version; a save
 * inserts the next version and never rewrites an older one. The document's schema (and how old versions are
 * upgraded) belongs to the settings domain: readers pass its parser, so a stored document is always checked
 * when read back.
 */
import { z } from 'zod';
import { inTransaction, isUniqueViolation, parseJsonColumn, parseInput, type Queryable } from './support';

export const SETTINGS = 'settings';

export interface SettingsRow {
  installation_id: string;
  version: number;
  document: string;
  created_by: string;
  created_at: number;
}

export interface SettingsVersion<T> {
  installationId: string;
  version: number;
  document: T;
  createdBy: string;
  createdAt: number;
}

/** Turns the stored JSON into the document type; throws if the document is not acceptable. */
export type DocumentParser<T> = (raw: unknown) => T;

const JsonObjectSchema = z.record(z.string(), z.json());

export function fromRow<T>(row: SettingsRow, parse: DocumentParser<T>): SettingsVersion<T> {
  const raw = parseJsonColumn(JsonObjectSchema, row.document, `${SETTINGS}.document (v${row.version})`);
  return {
    installationId: row.installation_id,
    version: row.version,
    document: parse(raw),
    createdBy: row.created_by,
    createdAt: row.created_at,
  };
}

/** The current settings, or null when the installation never saved any (the engine then uses defaults). */
export async function current<T>(
  db: Queryable,
  installationId: string,
  parse: DocumentParser<T>,
): Promise<SettingsVersion<T> | null> {
  const row = await db<SettingsRow>(SETTINGS)
    .where({ installation_id: installationId })
    .orderBy('version', 'desc')
    .first();
  return row ? fromRow(row, parse) : null;
}

export async function getVersion<T>(
  db: Queryable,
  installationId: string,
  version: number,
  parse: DocumentParser<T>,
): Promise<SettingsVersion<T> | null> {
  const row = await db<SettingsRow>(SETTINGS).where({ installation_id: installationId, version }).first();
  return row ? fromRow(row, parse) : null;
}

/** Every version, newest first, without documents: who changed the settings and when. */
export async function history(
  db: Queryable,
  installationId: string,
): Promise<Array<{ version: number; createdBy: string; createdAt: number }>> {
  const rows = await db<SettingsRow>(SETTINGS)
    .select('version', 'created_by', 'created_at')
    .where({ installation_id: installationId })
    .orderBy('version', 'desc');
  return rows.map((row) => ({ version: row.version, createdBy: row.created_by, createdAt: row.created_at }));
}

const SaveSchema = z.object({
  document: JsonObjectSchema,
  createdBy: z.string().min(1).max(128),
  /** The version the editor started from (0 when there was none); a save on a stale base is refused. */
  baseVersion: z.number().int().min(0),
});
export type SaveInput = z.input<typeof SaveSchema>;

export type SaveResult =
  { ok: true; version: number } | { ok: false; code: 'stale_base'; currentVersion: number };

/**
 * Saves the next version. Optimistic: if someone saved since `baseVersion`, nothing is written and the
 * caller is told the current version, so one admin never silently overwrites another's change.
 */
export async function save(
  db: Queryable,
  installationId: string,
  input: SaveInput,
  now: number,
): Promise<SaveResult> {
  const parsed = parseInput(SaveSchema, input, 'settings.save');
  const latest = await latestVersion(db, installationId);
  if (latest !== parsed.baseVersion) return { ok: false, code: 'stale_base', currentVersion: latest };
  const version = latest + 1;
  try {
    await inTransaction(db, async (trx) => {
      await trx<SettingsRow>(SETTINGS).insert({
        installation_id: installationId,
        version,
        document: JSON.stringify(parsed.document),
        created_by: parsed.createdBy,
        created_at: now,
      });
    });
  } catch (error) {
    // Two saves from the same base: the primary key lets exactly one of them have this version.
    if (!isUniqueViolation(error)) throw error;
    return { ok: false, code: 'stale_base', currentVersion: await latestVersion(db, installationId) };
  }
  return { ok: true, version };
}

async function latestVersion(db: Queryable, installationId: string): Promise<number> {
  const row = await db<SettingsRow>(SETTINGS)
    .where({ installation_id: installationId })
    .max({ version: 'version' })
    .first();
  return Number((row as { version?: number | null } | undefined)?.version ?? 0);
}
