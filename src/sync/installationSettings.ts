/**
 * The settings an installation runs with right now: its newest stored version, or the shipped defaults when
 * the admin never saved any. Read afresh by every batch, poll and budget check, so a saved change applies
 * without a restart.
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
