/**
 * The settings check of a preview: the same steps as saving (src/settings/saveSettings.ts), so a document
 * the preview accepts is one the save accepts, with the same messages when it is not. A malformed document
 * is refused without any call; a document the cached live metadata would refuse is checked once more
 * against fresh metadata (a field created a minute ago is found).
 */
import { err, ok, type Result } from '../../domain/result';
import { parseSettings } from '../../domain/settings/migrate';
import type { Settings } from '../../domain/settings/schema';
import { validateSettings, type SettingsMessage } from '../../domain/settings/validate';
import type { LiveMetadataReader } from '../../settings/liveMetadata';

export interface InvalidSettings {
  readonly code: 'invalid_settings';
  readonly messages: readonly SettingsMessage[];
  readonly metadataProblems: string[];
}

export interface CheckedSettings {
  readonly settings: Settings;
  /** Warnings (a valid document has no error). */
  readonly messages: readonly SettingsMessage[];
}

export async function checkSettingsDocument(
  metadata: Pick<LiveMetadataReader, 'read'>,
  installationId: string,
  document: Record<string, unknown>,
): Promise<Result<CheckedSettings, InvalidSettings>> {
  const parsed = parseSettings(document);
  if (!parsed.ok) {
    const { messages } = validateSettings(document, { hubspot: {}, salesforce: {} });
    return err({ code: 'invalid_settings', messages, metadataProblems: [] });
  }
  let live = await metadata.read(installationId, parsed.value);
  let validation = validateSettings(document, live.metadata);
  if (!validation.valid && live.cached) {
    live = await metadata.read(installationId, parsed.value, { fresh: true });
    validation = validateSettings(document, live.metadata);
  }
  if (!validation.valid || !validation.settings) {
    return err({ code: 'invalid_settings', messages: validation.messages, metadataProblems: live.problems });
  }
  return ok({ settings: validation.settings, messages: validation.messages });
}
