/**
 * What a HubSpot developer project ships, read from its own files as HubSpot reads them: `hsproject.json`
 * (`srcDir`), `app-hsmeta.json` (the app's name and `permittedUrls.fetch`), every card's `*-hsmeta.json`
 * (`type: "card"`: `config.name`, `config.location`, `config.entrypoint` relative to the source folder,
 * `config.objectTypes`) and the settings page's (`type: "settings"`). Read again on every page, so a card
 * added while the preview runs shows up.
 *
 * When the project has no card (or no settings page) yet, the preview's fixture project stands in for that
 * kind, marked as such, so the preview always has something to show.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { CRM_LOCATIONS, type CrmLocation, type PreviewLocation } from './protocol';

export const REPOSITORY_ROOT = path.join(__dirname, '../..');
export const DEFAULT_PROJECT_DIR = path.join(REPOSITORY_ROOT, 'hubspot-app');
export const FIXTURE_PROJECT_DIR = path.join(__dirname, 'fixtures');

/** HubSpot's object type names (singular or plural) and ids, for `config.objectTypes`. */
export const OBJECT_TYPE_IDS: Record<string, string> = {
  contacts: '0-1',
  contact: '0-1',
  companies: '0-2',
  company: '0-2',
  deals: '0-3',
  deal: '0-3',
  tickets: '0-5',
  ticket: '0-5',
};

export interface ProjectExtension {
  uid: string;
  kind: 'card' | 'settings';
  /** The card's name; "Settings" for the settings page. */
  title: string;
  location: PreviewLocation;
  /** Object type ids (`0-1` …) a card shows on; empty for the settings page. */
  objectTypeIds: string[];
  /** Absolute path of the React entry file. */
  entryFile: string;
  /** The entry file relative to the repository, for people to read. */
  entrypoint: string;
  /** The preview's own fixture, standing in for a kind the project does not ship yet. */
  fixture: boolean;
}

export interface PreviewProject {
  projectDir: string;
  appName: string | null;
  /** `permittedUrls.fetch` of the app: the origins hubspot.fetch may call. */
  permittedFetchOrigins: string[];
  extensions: ProjectExtension[];
  /** Files that could not be read as HubSpot would read them. */
  problems: string[];
}

const HsProjectSchema = z.object({ srcDir: z.string().default('src') });
const HsMetaSchema = z.object({
  uid: z.string().min(1),
  type: z.string(),
  config: z.record(z.string(), z.unknown()),
});
const AppConfigSchema = z.object({
  name: z.string().optional(),
  permittedUrls: z.object({ fetch: z.array(z.string()).default([]) }).optional(),
});
const ObjectTypeSchema = z.union([
  z.string(),
  z.object({ name: z.string() }).transform((value) => value.name),
]);
const CardConfigSchema = z.object({
  name: z.string(),
  location: z.enum(CRM_LOCATIONS as [CrmLocation, ...CrmLocation[]]),
  entrypoint: z.string(),
  objectTypes: z.array(ObjectTypeSchema).min(1),
});
const SettingsConfigSchema = z.object({ entrypoint: z.string() });

function hsMetaFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : hsMetaFiles(full);
    return entry.name.endsWith('-hsmeta.json') ? [full] : [];
  });
}

function issues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
}

/** Reads one project folder (the one with `hsproject.json`). */
export function readProject(projectDir: string, options: { fixture?: boolean } = {}): PreviewProject {
  const fixture = options.fixture ?? false;
  const problems: string[] = [];
  const relative = (file: string) => path.relative(REPOSITORY_ROOT, file) || file;
  let srcDir = 'src';
  const hsproject = path.join(projectDir, 'hsproject.json');
  if (fs.existsSync(hsproject)) {
    const parsed = HsProjectSchema.safeParse(JSON.parse(fs.readFileSync(hsproject, 'utf8')));
    if (parsed.success) srcDir = parsed.data.srcDir;
    else problems.push(`${relative(hsproject)}: ${issues(parsed.error)}`);
  }
  const sourceDir = path.join(projectDir, srcDir);
  const project: PreviewProject = {
    projectDir,
    appName: null,
    permittedFetchOrigins: [],
    extensions: [],
    problems,
  };

  for (const file of hsMetaFiles(path.join(sourceDir, 'app')).sort()) {
    let meta: z.infer<typeof HsMetaSchema>;
    try {
      const parsed = HsMetaSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
      if (!parsed.success) {
        problems.push(`${relative(file)}: ${issues(parsed.error)}`);
        continue;
      }
      meta = parsed.data;
    } catch (error) {
      problems.push(`${relative(file)}: ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    const entry = (entrypoint: string) => {
      const entryFile = path.join(sourceDir, entrypoint);
      if (!fs.existsSync(entryFile))
        problems.push(`${relative(file)}: entrypoint ${entrypoint} does not exist`);
      return { entryFile, entrypoint: relative(entryFile) };
    };
    if (meta.type === 'app') {
      const config = AppConfigSchema.safeParse(meta.config);
      if (!config.success) problems.push(`${relative(file)}: ${issues(config.error)}`);
      else {
        project.appName = config.data.name ?? null;
        project.permittedFetchOrigins = config.data.permittedUrls?.fetch ?? [];
      }
    } else if (meta.type === 'card') {
      const config = CardConfigSchema.safeParse(meta.config);
      if (!config.success) {
        problems.push(`${relative(file)}: ${issues(config.error)}`);
        continue;
      }
      const unknownTypes = config.data.objectTypes.filter(
        (name) => !OBJECT_TYPE_IDS[name] && !/^\d+-\d+$/.test(name),
      );
      if (unknownTypes.length > 0)
        problems.push(`${relative(file)}: unknown objectTypes ${unknownTypes.join(', ')}`);
      project.extensions.push({
        uid: meta.uid,
        kind: 'card',
        title: config.data.name,
        location: config.data.location,
        objectTypeIds: config.data.objectTypes.map((name) => OBJECT_TYPE_IDS[name] ?? name),
        ...entry(config.data.entrypoint),
        fixture,
      });
    } else if (meta.type === 'settings') {
      const config = SettingsConfigSchema.safeParse(meta.config);
      if (!config.success) {
        problems.push(`${relative(file)}: ${issues(config.error)}`);
        continue;
      }
      project.extensions.push({
        uid: meta.uid,
        kind: 'settings',
        title: 'Settings',
        location: 'settings',
        objectTypeIds: [],
        ...entry(config.data.entrypoint),
        fixture,
      });
    }
  }
  return project;
}

/**
 * The project, with the fixture's card or settings page standing in for a kind the project lacks
 * (`useFixtures: false` shows only what the project ships).
 */
export function loadProject(projectDir: string, options: { useFixtures?: boolean } = {}): PreviewProject {
  const project = readProject(projectDir);
  if (options.useFixtures === false || path.resolve(projectDir) === path.resolve(FIXTURE_PROJECT_DIR))
    return project;
  const fixtures = readProject(FIXTURE_PROJECT_DIR, { fixture: true });
  for (const kind of ['card', 'settings'] as const) {
    if (project.extensions.some((extension) => extension.kind === kind)) continue;
    const taken = new Set(project.extensions.map((extension) => extension.uid));
    project.extensions.push(
      ...fixtures.extensions.filter((extension) => extension.kind === kind && !taken.has(extension.uid)),
    );
  }
  return project;
}
