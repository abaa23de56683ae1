/**
 * `npm run sandbox`: the whole product on one machine, with no account anywhere. Both API emulators start
 * (seeded with realistic data), the bridge starts as `npm start` would (server and worker in one process,
 * SQLite under ./data/), the app is installed through the real OAuth flow (a browser following every
 * redirect), Salesforce is connected, the first sync runs, and then simulated people keep editing on both
 * sides. Ctrl-C stops everything.
 *
 * The app's own UI extensions (its card and settings page) are served by the local preview
 * (test/preview/), which renders them in any browser against these emulators and this bridge.
 *
 * Needs no configuration: app credentials, the token key and the operator token are generated per run.
 * Honours PORT, HUBSPOT_EMULATOR_PORT, SALESFORCE_EMULATOR_PORT, PREVIEW_PORT, DATABASE_URL, LOG_LEVEL and
 * SANDBOX_ACTIVITY_INTERVAL_MS (0 turns the simulated people off).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import * as installations from '../../src/db/installations';
import { dialectOf, sqliteFilename } from '../../src/db/knex';
import { LINKS, type LinkRow } from '../../src/db/links';
import { hubspotObjectTypes } from '../../src/db/recordRefs';
import { waitUntilSettled } from '../bench/progress';
import { startPreview, type PreviewServer } from '../preview/server';
import { OBJECT_TYPE_IDS } from '../preview/project';
import { PROJECT_ROOT } from '../support/stack/bridge-process';
import { startStack, type Stack } from '../support/stack/stack';
import { startActivity, type Activity } from './activity';
import { seedSandbox } from './seed';

for (const name of ['http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'all_proxy', 'ALL_PROXY']) {
  delete process.env[name];
}

/** Stops whatever has started so far; set once the stack is up. */
let shutdown: ((reason: string, code: number) => Promise<void>) | null = null;

const DEFAULT_DATABASE_FILE = path.join(PROJECT_ROOT, 'data', 'sandbox.sqlite');
const port = (fallback: number) => z.coerce.number().int().min(0).max(65_535).default(fallback);

const SandboxEnvSchema = z
  .object({
    PORT: port(3000),
    HUBSPOT_EMULATOR_PORT: port(4100),
    SALESFORCE_EMULATOR_PORT: port(4200),
    PREVIEW_PORT: port(4300),
    DATABASE_URL: z.string().optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    SANDBOX_ACTIVITY_INTERVAL_MS: z.coerce.number().int().min(0).default(5_000),
    /** Passed to the bridge, so its alerts reach a webhook of your own (docs/operations.md#alerts). */
    ALERT_WEBHOOK_URL: z.string().url().optional(),
    ALERT_WEBHOOK_SECRET: z.string().min(16).optional(),
  })
  .refine((env) => !env.ALERT_WEBHOOK_URL || env.ALERT_WEBHOOK_SECRET, {
    path: ['ALERT_WEBHOOK_SECRET'],
    message: 'is required with ALERT_WEBHOOK_URL (16+ characters)',
  });

function readEnv() {
  const cleaned = Object.fromEntries(
    Object.entries(process.env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = SandboxEnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    console.error(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('\n'));
    process.exit(2);
  }
  return parsed.data;
}

async function main(): Promise<void> {
  const env = readEnv();
  // The emulators keep nothing between runs, so neither may the database: a fresh file every time.
  if (!env.DATABASE_URL) {
    for (const suffix of ['', '-wal', '-shm'])
      fs.rmSync(`${DEFAULT_DATABASE_FILE}${suffix}`, { force: true });
  }
  const databaseUrl = env.DATABASE_URL ?? `sqlite:${DEFAULT_DATABASE_FILE}`;
  // The bridge's log goes next to its SQLite file, else under ./data/.
  const logDir =
    dialectOf(databaseUrl) === 'sqlite'
      ? path.dirname(path.resolve(sqliteFilename(databaseUrl)))
      : path.join(PROJECT_ROOT, 'data');
  const logFile = path.join(logDir, 'sandbox-bridge.log');
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  fs.writeFileSync(logFile, '');
  const opsToken = crypto.randomBytes(18).toString('hex');

  console.log('Starting the emulators…');
  const stack = await startStack({
    databaseUrl,
    bridgePort: env.PORT,
    hubspotPort: env.HUBSPOT_EMULATOR_PORT,
    salesforcePort: env.SALESFORCE_EMULATOR_PORT,
    logLevel: env.LOG_LEVEL,
    logFile,
    opsToken,
    ...(env.ALERT_WEBHOOK_URL && env.ALERT_WEBHOOK_SECRET
      ? { alertWebhook: { url: env.ALERT_WEBHOOK_URL, secret: env.ALERT_WEBHOOK_SECRET } }
      : {}),
  });
  let activity: Activity | null = null;
  let preview: PreviewServer | null = null;
  let stopping = false;
  const stop = async (reason: string, code: number) => {
    if (stopping) return;
    stopping = true;
    console.log(`${reason}: stopping…`);
    await activity?.stop();
    await preview?.close();
    await stack.stop();
    console.log('Sandbox stopped.');
    process.exit(code);
  };
  shutdown = stop;
  process.on('SIGINT', () => void stop('Interrupted', 0));
  process.on('SIGTERM', () => void stop('Terminated', 0));

  console.log('Seeding both emulators…');
  console.log(`  ${await seedSandbox(stack)}`);
  console.log('Starting the bridge (server and worker)…');
  const bridge = await stack.startBridge();
  void bridge.exited.then((code) => {
    if (stopping) return;
    console.error(`The bridge exited unexpectedly (code ${code}). Its last lines:\n${bridge.tail()}`);
    void stop('Bridge gone', 1);
  });
  if ((await installations.list(stack.db())).length > 0) {
    throw new Error(
      `the database ${databaseUrl} already holds installations; the sandbox needs an empty one`,
    );
  }

  console.log('Installing the app through the browser flow and connecting Salesforce…');
  const installationId = await stack.install();
  console.log('Running the first sync…');
  const initial = await waitUntilSettled(stack.db(), installationId, {
    quietMs: 2_000,
    giveUpQuietMs: 20_000,
    timeoutMs: 180_000,
  });
  const { progress } = initial;
  console.log(
    `  ${progress.activeLinks} records linked, ${progress.openFailures} failures, ` +
      `${progress.openPendingMatches} matches waiting for a person, ${progress.waiting} waiting to retry` +
      (initial.settled ? '' : ' (still syncing)'),
  );

  console.log("Bundling the app's card and settings page for the preview…");
  preview = await startPreview({
    hubspotEmulatorBaseUrl: stack.hubspot.baseUrl,
    bridgeBaseUrl: bridge.baseUrl,
    appId: stack.hubspotAppId,
    defaultPortalId: stack.portalId,
    port: env.PREVIEW_PORT,
  });

  if (env.SANDBOX_ACTIVITY_INTERVAL_MS > 0) {
    activity = startActivity(stack, {
      installationId,
      intervalMs: env.SANDBOX_ACTIVITY_INTERVAL_MS,
      print: (line) => console.log(line),
    });
  }
  console.log(await readyText(stack, installationId, preview, { databaseUrl, logFile, opsToken }));
}

/** Up to `limit` synced records of each object the project's cards show on, with their card URLs. */
async function previewLines(stack: Stack, installationId: string, preview: PreviewServer, limit: number) {
  const extensions = preview.project().extensions;
  const shownTypes = hubspotObjectTypes.filter((type) => {
    const typeId = OBJECT_TYPE_IDS[type];
    return extensions.some((extension) => typeId !== undefined && extension.objectTypeIds.includes(typeId));
  });
  const synced: LinkRow[] = [];
  for (const type of shownTypes) {
    synced.push(
      ...(await stack
        .db()<LinkRow>(LINKS)
        .where({ installation_id: installationId, state: 'active', hubspot_object_type: type })
        .orderBy('created_at')
        .limit(limit)),
    );
  }
  const lines = ["The app's card and settings page, rendered locally (open in any browser):"];
  const settings = extensions.find((extension) => extension.kind === 'settings');
  if (settings) lines.push(`  Settings page        ${preview.settingsUrl()}`);
  for (const link of synced) {
    const typeId = OBJECT_TYPE_IDS[link.hubspot_object_type] ?? '0-1';
    lines.push(
      `  Card                 ${preview.cardUrl(typeId, link.hubspot_id)}   (HubSpot ${link.hubspot_object_type.replace(/ies$/, 'y').replace(/s$/, '')} ${link.hubspot_id} ⇄ Salesforce ${link.salesforce_object_type} ${link.salesforce_id})`,
    );
  }
  lines.push(
    `  Any other record: change objectId in a card URL; every card and record: ${preview.baseUrl}/preview`,
  );
  return lines;
}

async function readyText(
  stack: Stack,
  installationId: string,
  preview: PreviewServer,
  where: { databaseUrl: string; logFile: string; opsToken: string },
): Promise<string> {
  const bridge = stack.bridge!;
  const sample = await stack
    .db()<LinkRow>(LINKS)
    .where({ installation_id: installationId, state: 'active', hubspot_object_type: 'contacts' })
    .orderBy('created_at')
    .first();
  const relative = (file: string) => path.relative(process.cwd(), file) || file;
  const lines = [
    '',
    'Sandbox ready.',
    `  Bridge               ${bridge.baseUrl}   (${bridge.baseUrl}/healthz)`,
    `  HubSpot emulator     ${stack.hubspot.baseUrl}   portal ${stack.portalId}`,
    `  Salesforce emulator  ${stack.salesforce.baseUrl}   org "default"`,
    `  Database             ${where.databaseUrl}`,
    `  Bridge log           ${relative(where.logFile)}`,
    '',
    'The installation, as operators see it:',
    `  curl -H 'authorization: Bearer ${where.opsToken}' ${bridge.baseUrl}/ops/installations/${installationId}`,
    `  the operator dashboard: ${bridge.baseUrl}/ops   (operator token ${where.opsToken})`,
  ];
  if (sample) {
    lines.push(
      '',
      `A synced record (HubSpot contact ${sample.hubspot_id} ⇄ Salesforce ${sample.salesforce_object_type} ${sample.salesforce_id}):`,
      `  curl ${stack.hubspot.baseUrl}/_emulator/portals/${stack.portalId}/objects/contacts/${sample.hubspot_id}`,
      `  curl ${stack.salesforce.baseUrl}/_emulator/orgs/default/records/${sample.salesforce_id}`,
    );
  }
  lines.push('', ...(await previewLines(stack, installationId, preview, 2)));
  lines.push(
    '',
    'Edit a record yourself (HubSpot edits arrive by webhook; Salesforce edits with the next poll):',
    `  curl -X PATCH -H 'content-type: application/json' -d '{"properties":{"jobtitle":"CTO"}}' ${stack.hubspot.baseUrl}/_emulator/portals/${stack.portalId}/objects/contacts/<id>`,
    `  curl -X PATCH -H 'content-type: application/json' -d '{"fields":{"Title":"CTO"}}' ${stack.salesforce.baseUrl}/_emulator/orgs/default/records/<id>`,
    '',
    'Press Ctrl-C to stop.',
  );
  return lines.join('\n');
}

main().catch(async (error: unknown) => {
  console.error('The sandbox could not start:', error instanceof Error ? error.message : error);
  if (shutdown) await shutdown('Failed', 1);
  process.exit(1);
});
