/**
 * The settings an installation runs with right now: its newest stored version, or the shipped defaults when
 * the admin never saved any. Read afresh by every batch, poll and budget check, so a saved change applies
 * without a restart. This is the one reader of stored settings: the polls, the budget and the settings page
 * use `effectiveSettings` / `settingsFor` (a damaged row throws); the sync worker and the card's dry run use
 * `settingsOrNull`, which holds an installation's records back instead of failing them.
 */
import * as settingsTable from '../db/settings';
import type { Queryable } from '../db/support';
import { defaultSettings } from '../domain/settings/defaults';
import { parseSettings } from '../domain/settings/migrate';
import type { Settings } from '../domain/settings/schema';

/** Throws on a stored document that no longer parses: that is a damaged row, not a user error. */
export function parseStoredSettings(raw: unknown): Settings {
  const parsed = parseSettings(raw);
  if (parsed.ok) return parsed.value;
  const problems = parsed.error.map((problem) => `${problem.path || '(document)'} ${problem.message}`);
  throw new Error(`stored settings do not parse: ${problems.join('; ')}`);
}

export interface EffectiveSettings {
  settings: Settings;
  /** The stored version, or 0 for the shipped defaults. */
  version: number;
}

export async function effectiveSettings(db: Queryable, installationId: string): Promise<EffectiveSettings> {
  const stored = await settingsTable.current(db, installationId, parseStoredSettings);
  return stored
    ? { settings: stored.document, version: stored.version }
    : { settings: defaultSettings(), version: 0 };
}

export async function settingsFor(db: Queryable, installationId: string): Promise<Settings> {
  return (await effectiveSettings(db, installationId)).settings;
}

/**
 * The settings, or null when they cannot be read (a stored document that no longer parses, or the read
 * itself failing): the sync worker then puts the installation's rows back to wait, and a dry run says the
 * settings cannot be read.
 */
export async function settingsOrNull(db: Queryable, installationId: string): Promise<Settings | null> {
  try {
    return await settingsFor(db, installationId);
  } catch {
    return null;
  }
}
