/**
 * Reading a stored settings document, whatever version of the app wrote it.
 *
 * Additive changes need no step: a new setting gets a default in the schema and older documents parse.
 * A change that moves or reinterprets something bumps CURRENT_SCHEMA_VERSION and appends one upgrade step
 * here (from N to N+1, a pure function on the raw JSON), so every stored version still reads.
 */
import type { z } from 'zod';
import type { Result } from '../result';
import { err, ok } from '../result';
import type { Settings } from './schema';
import { CURRENT_SCHEMA_VERSION, SettingsSchema } from './schema';
import { upgradeDealStages } from './upgradeDealStages';

export interface SettingsUpgrade {
  readonly from: number;
  readonly to: number;
  /** What changed, for the audit trail of the installation. */
  readonly description: string;
  readonly upgrade: (document: Record<string, unknown>) => Record<string, unknown>;
}

/** Version 1 is the first released shape; each later breaking change appends its step. */
export const settingsUpgrades: readonly SettingsUpgrade[] = [
  {
    from: 1,
    to: 2,
    description:
      "The deal stage's value map became a stage map per HubSpot pipeline (the default pipeline's).",
    upgrade: upgradeDealStages,
  },
];

export interface SettingsProblem {
  /** Dotted path into the document, e.g. `objects.contacts.fields.3.rule`; empty for the whole document. */
  readonly path: string;
  readonly message: string;
}

export interface UpgradedDocument {
  readonly document: Record<string, unknown>;
  readonly fromVersion: number;
  readonly applied: readonly string[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function upgradeSettingsDocument(
  input: unknown,
  upgrades: readonly SettingsUpgrade[] = settingsUpgrades,
  currentVersion: number = CURRENT_SCHEMA_VERSION,
): Result<UpgradedDocument, SettingsProblem[]> {
  if (!isRecord(input)) return err([{ path: '', message: 'settings must be a JSON object' }]);
  const fromVersion = input.schemaVersion;
  if (typeof fromVersion !== 'number' || !Number.isInteger(fromVersion) || fromVersion < 1) {
    return err([{ path: 'schemaVersion', message: 'must be a positive whole number' }]);
  }
  if (fromVersion > currentVersion) {
    return err([
      {
        path: 'schemaVersion',
        message: `was written by a newer version of the app (settings version ${fromVersion}); this version reads up to ${currentVersion}`,
      },
    ]);
  }
  let document = input;
  let version = fromVersion;
  const applied: string[] = [];
  while (version < currentVersion) {
    const step = upgrades.find((candidate) => candidate.from === version);
    if (!step || step.to <= version) {
      return err([
        { path: 'schemaVersion', message: `no upgrade is known from settings version ${version}` },
      ]);
    }
    document = { ...step.upgrade(structuredClone(document)), schemaVersion: step.to };
    applied.push(step.description);
    version = step.to;
  }
  return ok({ document, fromVersion, applied });
}

export function problemsFromZod(error: z.ZodError): SettingsProblem[] {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
}

/** A stored or submitted document → the settings the engine uses, upgraded and with defaults filled in. */
export function parseSettings(
  input: unknown,
  upgrades: readonly SettingsUpgrade[] = settingsUpgrades,
  currentVersion: number = CURRENT_SCHEMA_VERSION,
): Result<Settings, SettingsProblem[]> {
  const upgraded = upgradeSettingsDocument(input, upgrades, currentVersion);
  if (!upgraded.ok) return upgraded;
  const parsed = SettingsSchema.safeParse(upgraded.value.document);
  return parsed.success ? ok(parsed.data) : err(problemsFromZod(parsed.error));
}
