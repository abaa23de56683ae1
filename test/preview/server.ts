/**
 * The preview server: renders the app's real UI extensions (its cards and settings page, read from the
 * project's `-hsmeta.json` files) in a browser, offline, against the HubSpot emulator and a running bridge.
 *
 *   GET  /preview                                   what can be opened (extensions, records of the portal)
 *   GET  /preview/card?objectTypeId=0-1&objectId=…  the record page with the cards for that object type
 *        [&portalId=…&userId=…&card=<uid>]
 *   GET  /preview/settings[?portalId=…&userId=…]    the connected app's Settings tab
 *   POST /preview/api/fetch                         hubspot.fetch, signed by the emulator's proxy
 *   GET  /preview/api/crm-properties, /preview/api/record   the record's properties, from the emulator
 *   GET  /preview/assets/…                          host and extension bundles (esbuild), stylesheet
 *
 * `startPreview` runs it on its own port; `createPreview` gives the router to mount on another app.
 */
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import express, { type ErrorRequestHandler, type Router } from 'express';
import { z } from 'zod';
import { HubSpotEmulatorControl } from '../emulators/hubspot/control/client';
import { BROWSER_DIR, Bundler } from './bundler';
import { errorPage, indexPage, previewPage, type IndexRecord } from './pages';
import {
  crmContext,
  OBJECT_TYPES,
  portalUsers,
  PreviewInputError,
  recordName,
  recordSummary,
  settingsContext,
  type ContextInput,
} from './portal';
import { DEFAULT_PROJECT_DIR, loadProject, type PreviewProject, type ProjectExtension } from './project';
import type { CrmLocation, ExtensionBoot, PreviewBoot, PreviewContext } from './protocol';
import { crmPropertiesHandler, fetchRelay, recordHandler } from './relay';

export interface PreviewOptions {
  /** The HubSpot emulator (its control API and signing proxy), e.g. `http://127.0.0.1:4100`. */
  hubspotEmulatorBaseUrl: string;
  /** Where the app's placeholder origin (`https://bridge.example.com`) really is, e.g. `http://127.0.0.1:3000`. */
  bridgeBaseUrl: string;
  /** The app's id: in the extension context, and the app the emulator signs for. */
  appId: number;
  /** The portal pages render for when the URL names none. */
  defaultPortalId: number;
  /** 0 or absent: any free port. */
  port?: number;
  host?: string;
  /** The HubSpot developer project (the folder with hsproject.json); default `hubspot-app/`. */
  projectDir?: string;
  /** Let the preview's fixture card or settings page stand in for a kind the project lacks (default true). */
  useFixtures?: boolean;
  /** `process.env.NODE_ENV` in the bundles (default `development`: React's warnings in the console). */
  nodeEnv?: 'development' | 'production';
  /** The portal's timezone in the context (default America/New_York). */
  timezone?: string;
}

export interface PageOptions {
  portalId?: number;
  userId?: number;
}

export interface PreviewServer {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  baseUrl: string;
  /** The record page with the project's cards for this object type (`card` picks one by uid). */
  cardUrl(objectTypeId: string, objectId: string | number, options?: PageOptions & { card?: string }): string;
  settingsUrl(options?: PageOptions): string;
  /** What the project ships right now (with any fixture standing in). */
  project(): PreviewProject;
  close(): Promise<void>;
}

const PageQuerySchema = z.object({
  portalId: z.coerce.number().int().positive().optional(),
  userId: z.coerce.number().int().positive().optional(),
});
const CardQuerySchema = PageQuerySchema.extend({
  objectTypeId: z.string().regex(/^\d+-\d+$/, 'objectTypeId looks like 0-1'),
  objectId: z.string().regex(/^\d+$/, 'objectId is a number'),
  card: z.string().optional(),
});

function pageQuery(base: string, params: Record<string, string | number | undefined>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined) query.set(key, String(value));
  const text = query.toString();
  return text ? `${base}?${text}` : base;
}

export function cardPath(
  objectTypeId: string,
  objectId: string | number,
  options: PageOptions & { card?: string } = {},
) {
  return pageQuery('/preview/card', { objectTypeId, objectId, ...options });
}

export function settingsPath(options: PageOptions = {}) {
  return pageQuery('/preview/settings', { ...options });
}

export interface Preview {
  router: Router;
  project(): PreviewProject;
  /** Bundles the host and every extension now, so the first page opens at once. */
  warmUp(): Promise<void>;
  close(): Promise<void>;
}

export function createPreview(options: PreviewOptions): Preview {
  const control = new HubSpotEmulatorControl(options.hubspotEmulatorBaseUrl);
  const bundler = new Bundler(options.nodeEnv ?? 'development');
  const projectDir = options.projectDir ?? DEFAULT_PROJECT_DIR;
  const project = () => loadProject(projectDir, { useFixtures: options.useFixtures ?? true });
  const timezone = options.timezone ?? 'America/New_York';

  const appNameOf = async (current: PreviewProject): Promise<string> => {
    if (current.appName) return current.appName;
    const apps = await control.apps().catch(() => null);
    return apps?.results.find((app) => app.appId === options.appId)?.name ?? 'App';
  };

  const bootOf = async (extension: ProjectExtension, context: PreviewContext): Promise<ExtensionBoot> => {
    const bundle = await bundler.extensionBundle(extension.entryFile);
    return {
      uid: extension.uid,
      title: extension.title,
      location: extension.location,
      workerUrl: `/preview/assets/extension/${encodeURIComponent(extension.uid)}.js`,
      entrypoint: extension.entrypoint,
      fixture: extension.fixture,
      context,
      buildErrors: bundle.ok ? [] : bundle.errors,
    };
  };

  const contextInput = async (current: PreviewProject, query: z.infer<typeof PageQuerySchema>) => {
    const portalId = query.portalId ?? options.defaultPortalId;
    const [people, appName] = await Promise.all([
      portalUsers(control, portalId, query.userId),
      appNameOf(current),
    ]);
    const input: ContextInput = { portalId, user: people.user, appId: options.appId, appName, timezone };
    return { input, users: people.users };
  };

  const router = express.Router();

  router.get('/preview', async (_req, res) => {
    const current = project();
    const portalId = options.defaultPortalId;
    const shownTypes = [...new Set(current.extensions.flatMap((extension) => extension.objectTypeIds))];
    const records: IndexRecord[] = [];
    for (const objectTypeId of shownTypes) {
      const type = OBJECT_TYPES[objectTypeId];
      if (!type || type.objectType === 'tickets') continue;
      const found = await control.records(portalId, type.objectType).catch(() => ({ results: [] }));
      for (const record of found.results.filter((item) => !item.archived).slice(0, 15)) {
        records.push({
          objectTypeId,
          objectId: record.id,
          name: recordName(type.objectType, record.properties) ?? `${type.singular} ${record.id}`,
        });
      }
    }
    res.type('html').send(
      indexPage({
        project: current,
        appName: await appNameOf(current),
        portalId,
        records,
        cardUrl: (objectTypeId, objectId) => cardPath(objectTypeId, objectId),
        settingsUrl: settingsPath(),
      }),
    );
  });

  router.get('/preview/card', async (req, res) => {
    const query = CardQuerySchema.safeParse(req.query);
    if (!query.success) {
      const message = query.error.issues
        .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
        .join('; ');
      res.status(400).type('html').send(errorPage('Card preview', message));
      return;
    }
    const { objectTypeId, objectId, card } = query.data;
    const current = project();
    const cards = current.extensions.filter(
      (extension) =>
        extension.kind === 'card' &&
        extension.objectTypeIds.includes(objectTypeId) &&
        (card === undefined || extension.uid === card),
    );
    const { input, users } = await contextInput(current, query.data);
    const record = await recordSummary(control, input.portalId, objectTypeId, objectId);
    const extensions = await Promise.all(
      cards.map((extension) =>
        bootOf(
          extension,
          crmContext({
            ...input,
            location: extension.location as CrmLocation,
            objectTypeId,
            objectId: Number(objectId),
            cardTitle: extension.title,
          }),
        ),
      ),
    );
    const boot: PreviewBoot = {
      page: 'card',
      appName: input.appName,
      portalId: input.portalId,
      userId: input.user.id,
      users,
      record,
      extensions,
      notice:
        cards.length > 0
          ? null
          : `No card ${card === undefined ? '' : `with uid ${card} `}of this project shows on ${record.singular.toLowerCase()} records (${objectTypeId}).`,
    };
    res.type('html').send(previewPage(`${record.name ?? record.singular} · ${record.singular}`, boot));
  });

  router.get('/preview/settings', async (req, res) => {
    const query = PageQuerySchema.safeParse(req.query);
    if (!query.success) {
      res
        .status(400)
        .type('html')
        .send(errorPage('Settings preview', query.error.issues[0]?.message ?? 'bad query'));
      return;
    }
    const current = project();
    const settings = current.extensions.filter((extension) => extension.kind === 'settings');
    const { input, users } = await contextInput(current, query.data);
    const extensions = await Promise.all(
      settings.map((extension) => bootOf(extension, settingsContext(input))),
    );
    const boot: PreviewBoot = {
      page: 'settings',
      appName: input.appName,
      portalId: input.portalId,
      userId: input.user.id,
      users,
      record: null,
      extensions,
      notice:
        settings.length > 0
          ? null
          : 'This project has no settings page (no *-hsmeta.json with type "settings").',
    };
    res.type('html').send(previewPage(`${input.appName} settings`, boot));
  });

  router.post(
    '/preview/api/fetch',
    ...fetchRelay({
      control,
      appId: options.appId,
      bridgeBaseUrl: options.bridgeBaseUrl,
      permittedOrigins: () => {
        const origins = project().permittedFetchOrigins;
        return origins.length > 0 ? origins : ['https://bridge.example.com'];
      },
    }),
  );
  router.get('/preview/api/crm-properties', crmPropertiesHandler(control));
  router.get('/preview/api/record', recordHandler(control));

  router.get('/preview/assets/preview.css', (_req, res) => {
    res.setHeader('cache-control', 'no-store');
    res.sendFile(path.join(BROWSER_DIR, 'styles.css'));
  });
  router.get('/preview/assets/host.js', async (_req, res) => {
    const bundle = await bundler.hostBundle();
    res.setHeader('cache-control', 'no-store');
    if (bundle.ok) res.type('js').send(bundle.code);
    else res.status(500).type('text').send(bundle.errors.join('\n'));
  });
  router.get('/preview/assets/extension/:file', async (req, res) => {
    const uid = req.params.file.replace(/\.js$/, '');
    const extension = project().extensions.find((candidate) => candidate.uid === uid);
    if (!extension) {
      res.status(404).type('text').send(`No extension ${uid} in the project`);
      return;
    }
    const bundle = await bundler.extensionBundle(extension.entryFile);
    res.setHeader('cache-control', 'no-store');
    res.type('js');
    // A worker whose script fails to load reports only a bare error event; throwing says why.
    res.send(bundle.ok ? bundle.code : `throw new Error(${JSON.stringify(bundle.errors.join('\n'))});`);
  });

  const onError: ErrorRequestHandler = (error: unknown, req, res, _next) => {
    const message = error instanceof Error ? error.message : String(error);
    const status = error instanceof PreviewInputError ? error.status : 502;
    if (res.headersSent) {
      res.end();
      return;
    }
    if (req.path.startsWith('/preview/api/'))
      res.status(status).json({ status: 'error', message, error: message });
    else res.status(status).type('html').send(errorPage('Preview', message));
  };
  router.use(onError);

  return {
    router,
    project,
    warmUp: async () => {
      await Promise.all([
        bundler.hostBundle(),
        ...project().extensions.map((extension) => bundler.extensionBundle(extension.entryFile)),
      ]);
    },
    close: () => bundler.close(),
  };
}

/** The preview on its own HTTP server; resolves once every bundle is built. */
export async function startPreview(options: PreviewOptions): Promise<PreviewServer> {
  const preview = createPreview(options);
  const app = express();
  app.disable('x-powered-by');
  app.get('/', (_req, res) => res.redirect('/preview'));
  app.get('/favicon.ico', (_req, res) => res.status(204).end());
  app.use(preview.router);
  await preview.warmUp();
  const host = options.host ?? '127.0.0.1';
  const server = await new Promise<ReturnType<typeof app.listen>>((resolve, reject) => {
    const listening = app.listen(options.port ?? 0, host, (error?: Error) =>
      error ? reject(error) : resolve(listening),
    );
  });
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://${host}:${port}`;
  return {
    baseUrl,
    cardUrl: (objectTypeId, objectId, pageOptions) =>
      `${baseUrl}${cardPath(objectTypeId, objectId, pageOptions)}`,
    settingsUrl: (pageOptions) => `${baseUrl}${settingsPath(pageOptions)}`,
    project: preview.project,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await preview.close();
    },
  };
}
