/**
 * Reading and saving an installation's settings document, checked against live metadata.
 *
 * A save is refused, with one message per problem tied to the mapped field it concerns, when the document
 * is malformed or cannot work in the two systems as they are now (a field that does not exist, types that
 * cannot convert, a picklist value with no mapping, …); otherwise it becomes the next version, and the
 * engine uses it from its next batch and poll. Saves are optimistic: a save based on an older version than
 * the current one is refused, so one admin never silently overwrites another's change.
 *
 * The document's `paused` is the admin's pause switch (installations.paused_by_admin): saving it flips the
 * switch, and reading shows the switch as it is. It is not stored with the document: with two places to
 * hold it they could disagree, and a worker that saw "paused" in the document would settle records without
 * syncing them, while the queue, following the switch, gave them to it.
 */
import type { BridgeContext } from '../auth/bridgeContext';
import * as auditEntries from '../db/auditEntries';
import type { Installation } from '../db/installations';
import * as settingsTable from '../db/settings';
import { personName, type HubSpotPerson } from '../domain/actors';
import { err, ok, type Result } from '../domain/result';
import { defaultSettingsInput } from '../domain/settings/defaults';
import { parseSettings } from '../domain/settings/migrate';
import type { Settings } from '../domain/settings/schema';
import { validateSettings, type SettingsMessage } from '../domain/settings/validate';
import { setAdminPause } from './pause';
import { effectiveSettings } from './installationSettings';
import type { LiveMetadataReader } from './liveMetadata';

export interface SettingsDeps {
  context: BridgeContext;
  metadata: LiveMetadataReader;
}

export interface SettingsView {
  /** The stored version, or 0 while the shipped defaults apply. */
  version: number;
  /** The document as saved (or the shipped defaults), `paused` showing the pause switch. */
  document: Record<string, unknown>;
  /** The same with every default filled in: what the engine runs with. */
  settings: Settings;
  /** How the current settings fare against the systems as they are now. */
  messages: readonly SettingsMessage[];
  /** What could not be read to check them (validation then warns instead of guessing). */
  metadataProblems: string[];
}

export async function readSettings(deps: SettingsDeps, installation: Installation): Promise<SettingsView> {
  const { db } = deps.context;
  const stored = await settingsTable.current(db, installation.id, (raw) => raw as Record<string, unknown>);
  const { settings, version } = await effectiveSettings(db, installation.id);
  const document = {
    ...(stored?.document ?? (defaultSettingsInput as Record<string, unknown>)),
    paused: installation.state.pausedByAdmin,
  };
  const live = await deps.metadata.read(installation.id, settings);
  const { messages } = validateSettings(document, live.metadata);
  return {
    version,
    document,
    settings: { ...settings, paused: installation.state.pausedByAdmin },
    messages,
    metadataProblems: live.problems,
  };
}

export type SaveRefusal =
  | { code: 'invalid_settings'; messages: readonly SettingsMessage[]; metadataProblems: string[] }
  /** Someone saved since the page loaded: who and when, so the page can say so. */
  | { code: 'stale_base'; currentVersion: number; savedBy: string | null; savedAt: number | null };

export interface SettingsCheck {
  /** True when nothing stops a save (warnings allowed). */
  valid: boolean;
  /** One per problem, tied to its mapped field (`fieldKey`), with a `code` and a sentence. */
  messages: readonly SettingsMessage[];
  /** What could not be read to check the document (it then warns instead of guessing). */
  metadataProblems: string[];
}

/**
 * Checks a document as a save would, without saving: malformed documents are refused without a call; a
 * document the cached metadata refuses is checked once more against fresh metadata (the admin may just have
 * created what is missing).
 */
export async function checkSettings(
  deps: SettingsDeps,
  installation: Pick<Installation, 'id'>,
  document: Record<string, unknown>,
): Promise<SettingsCheck> {
  const parsed = parseSettings(document);
  if (!parsed.ok) {
    const { messages } = validateSettings(document, { hubspot: {}, salesforce: {} });
    return { valid: false, messages, metadataProblems: [] };
  }
  let live = await deps.metadata.read(installation.id, parsed.value);
  let validation = validateSettings(document, live.metadata);
  if (!validation.valid && live.cached) {
    live = await deps.metadata.read(installation.id, parsed.value, { fresh: true });
    validation = validateSettings(document, live.metadata);
  }
  return { valid: validation.valid, messages: validation.messages, metadataProblems: live.problems };
}

export interface Saved {
  version: number;
  /** Warnings: things that will work badly or could not be checked. */
  messages: readonly SettingsMessage[];
  metadataProblems: string[];
  paused: boolean;
}

export async function saveSettings(
  deps: SettingsDeps,
  installation: Installation,
  input: { document: Record<string, unknown>; baseVersion: number; savedBy: HubSpotPerson },
): Promise<Result<Saved, SaveRefusal>> {
  const { context } = deps;
  const check = await checkSettings(deps, installation, input.document);
  const parsed = parseSettings(input.document);
  if (!check.valid || !parsed.ok) {
    return err({
      code: 'invalid_settings',
      messages: check.messages,
      metadataProblems: check.metadataProblems,
    });
  }
  const { paused: _paused, ...stored } = input.document;
  const saved = await context.db.transaction(async (trx) => {
    const now = context.now();
    const version = await settingsTable.save(
      trx,
      installation.id,
      {
        document: stored as settingsTable.SaveInput['document'],
        createdBy: personName(input.savedBy),
        baseVersion: input.baseVersion,
      },
      now,
    );
    if (version.ok) {
      await auditEntries.append(trx, [
        auditEntries.personEntry({
          installationId: installation.id,
          person: input.savedBy,
          action: 'settings_saved',
          reason: `version_${version.version}`,
          after: { version: version.version, baseVersion: input.baseVersion },
          occurredAt: now,
        }),
      ]);
    }
    return version;
  });
  if (!saved.ok) {
    const [latest] = await settingsTable.history(context.db, installation.id);
    return err({
      code: 'stale_base',
      currentVersion: saved.currentVersion,
      savedBy: latest?.createdBy ?? null,
      savedAt: latest?.createdAt ?? null,
    });
  }
  let paused = installation.state.pausedByAdmin;
  if (parsed.value.paused !== paused) {
    const switched = await setAdminPause(context, installation.id, parsed.value.paused, input.savedBy);
    if (switched.ok) paused = switched.value.state.pausedByAdmin;
  }
  context.logger.info(
    { installationId: installation.id, version: saved.version, savedByUserId: input.savedBy.userId },
    `settings version ${saved.version} saved`,
  );
  return ok({
    version: saved.version,
    messages: check.messages,
    metadataProblems: check.metadataProblems,
    paused,
  });
}
