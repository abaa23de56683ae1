/**
 * The bridge as a separate process, started as `npm start` starts it (server/main, role `all` unless told
 * otherwise), configured only through its environment. The benchmarks measure this process (its memory is
 * its own, not the emulators'), and the sandbox runs it next to the emulators.
 *
 * Two runtimes: `tsx` runs the TypeScript sources as `node --import tsx server/main.ts` (rather than through
 * the `tsx` binary, which starts a second node process: the pid we sample must be the one doing the work);
 * `compiled` runs the production build as `npm start` does, `node scripts/start.js server/main` on dist/
 * (`buildBridge()` makes it).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export const PROJECT_ROOT = path.join(__dirname, '../../..');

/** The app credentials the emulators accept and the bridge presents: one set shared by all three. */
export interface AppCredentials {
  hubspot: { clientId: string; clientSecret: string; appId: string };
  salesforce: { clientId: string; clientSecret: string };
}

/** Fresh credentials for one run: nothing needs to be configured, nothing leaks between runs. */
export function generateAppCredentials(): AppCredentials {
  const secret = () => crypto.randomBytes(16).toString('hex');
  return {
    hubspot: {
      clientId: `bridge-${crypto.randomBytes(4).toString('hex')}`,
      clientSecret: secret(),
      // HubSpot app ids are numeric; stay clear of the emulator's other integration (990001).
      appId: String(2_000_000 + crypto.randomInt(1, 900_000)),
    },
    salesforce: { clientId: `bridge-${crypto.randomBytes(4).toString('hex')}`, clientSecret: secret() },
  };
}

export interface BridgeEnvInput {
  port: number;
  databaseUrl: string;
  hubspotBaseUrl: string;
  salesforceBaseUrl: string;
  salesforceSandboxLoginUrl: string;
  credentials: AppCredentials;
  logLevel: string;
  /** Generated when absent. */
  tokenEncryptionKey?: string;
  opsToken?: string;
  /** ALERT_WEBHOOK_URL and ALERT_WEBHOOK_SECRET, when alerts should be delivered somewhere. */
  alertWebhook?: { url: string; secret: string };
}

/** Every variable src/config.ts reads, pointing the bridge at the emulators. */
export function bridgeEnv(input: BridgeEnvInput): Record<string, string> {
  const publicBaseUrl = `http://127.0.0.1:${input.port}`;
  return {
    NODE_ENV: 'production',
    PORT: String(input.port),
    PUBLIC_BASE_URL: publicBaseUrl,
    DATABASE_URL: input.databaseUrl,
    TOKEN_ENCRYPTION_KEY: input.tokenEncryptionKey ?? crypto.randomBytes(32).toString('hex'),
    HUBSPOT_CLIENT_ID: input.credentials.hubspot.clientId,
    HUBSPOT_CLIENT_SECRET: input.credentials.hubspot.clientSecret,
    HUBSPOT_APP_ID: input.credentials.hubspot.appId,
    HUBSPOT_API_BASE_URL: input.hubspotBaseUrl,
    HUBSPOT_AUTHORIZE_URL: `${input.hubspotBaseUrl}/oauth/authorize`,
    SALESFORCE_CLIENT_ID: input.credentials.salesforce.clientId,
    SALESFORCE_CLIENT_SECRET: input.credentials.salesforce.clientSecret,
    SALESFORCE_LOGIN_URL: input.salesforceBaseUrl,
    SALESFORCE_SANDBOX_LOGIN_URL: input.salesforceSandboxLoginUrl,
    OPS_TOKEN: input.opsToken ?? crypto.randomBytes(24).toString('hex'),
    LOG_LEVEL: input.logLevel,
    ...(input.alertWebhook
      ? { ALERT_WEBHOOK_URL: input.alertWebhook.url, ALERT_WEBHOOK_SECRET: input.alertWebhook.secret }
      : {}),
  };
}

/** A port nobody listens on right now (the bridge needs its port before it starts: it is in its URLs). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface BridgeProcess {
  readonly pid: number;
  readonly baseUrl: string;
  readonly env: Readonly<Record<string, string>>;
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /** The last lines the process wrote (stdout and stderr), for error messages. */
  tail(): string;
  /** SIGTERM (the bridge's clean shutdown), then SIGKILL if it has not exited after `graceMs`. */
  stop(graceMs?: number): Promise<number | null>;
}

/** How the bridge process runs: the TypeScript sources under tsx, or the production build in dist/. */
export const bridgeRuntimes = ['compiled', 'tsx'] as const;
export type BridgeRuntime = (typeof bridgeRuntimes)[number];

/**
 * `npm run build`: compiles server/, src/ and migrations/ into dist/, for the `compiled` runtime. Rejects
 * with the compiler's output when the build fails.
 */
export async function buildBridge(): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    execFile(
      'npm',
      ['run', 'build'],
      { cwd: PROJECT_ROOT, env: { ...process.env, npm_config_update_notifier: 'false' } },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`npm run build failed:\n${stdout}${stderr}`));
        else resolve();
      },
    );
  });
}

export interface StartBridgeOptions {
  env: Record<string, string>;
  /** Default `tsx`. `compiled` needs a build (`buildBridge()`). */
  runtime?: BridgeRuntime;
  /** Options for node itself, before the entry point, e.g. `--heapsnapshot-signal=SIGUSR2`. */
  nodeArgs?: readonly string[];
  /** Where the process's output goes in full (its pino lines); the last lines are always kept in memory. */
  logFile?: string;
  /** Copy the output to this process's stdout too (the sandbox shows the bridge's log). */
  echo?: boolean;
  args?: string[];
  /** How long to wait for /healthz to answer. */
  readyTimeoutMs?: number;
}

const TAIL_CHARS = 16_000;

export async function startBridgeProcess(options: StartBridgeOptions): Promise<BridgeProcess> {
  const baseUrl = options.env.PUBLIC_BASE_URL;
  if (!baseUrl) throw new Error('the bridge environment needs PUBLIC_BASE_URL');
  const entry =
    (options.runtime ?? 'tsx') === 'compiled'
      ? ['scripts/start.js', 'server/main']
      : ['--import', 'tsx', 'server/main.ts'];
  const child: ChildProcess = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), ...entry, ...(options.args ?? [])],
    // Only what the bridge is configured with: nothing from this shell (a proxy variable, say) leaks in.
    { cwd: PROJECT_ROOT, env: { PATH: process.env.PATH ?? '', ...options.env }, stdio: 'pipe' },
  );
  if (child.pid === undefined) throw new Error('the bridge process did not start');
  const log = options.logFile ? fs.createWriteStream(options.logFile, { flags: 'a' }) : null;
  let tail = '';
  const onOutput = (chunk: Buffer) => {
    log?.write(chunk);
    if (options.echo) process.stdout.write(chunk);
    tail = (tail + chunk.toString('utf8')).slice(-TAIL_CHARS);
  };
  child.stdout?.on('data', onOutput);
  child.stderr?.on('data', onOutput);
  const exited = new Promise<number | null>((resolve) => {
    child.on('exit', (code) => {
      log?.end();
      resolve(code);
    });
  });
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));

  const handle: BridgeProcess = {
    pid: child.pid,
    baseUrl,
    env: options.env,
    exited,
    tail: () => tail,
    stop: async (graceMs = 15_000) => {
      if (exitCode !== undefined) return exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
  for (;;) {
    if (exitCode !== undefined) {
      throw new Error(`the bridge exited (code ${exitCode}) before it was ready:\n${tail}`);
    }
    if (await healthy(baseUrl)) return handle;
    if (Date.now() > deadline) {
      await handle.stop(2_000);
      throw new Error(`the bridge did not answer ${baseUrl}/healthz in time:\n${tail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function healthy(baseUrl: string): Promise<boolean> {
  try {
    const response = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2_000) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

/**
 * The least configuration a bridge starts with, for tests of the process itself (no emulators behind it):
 * SQLite in `dir`, placeholder app credentials, a fresh token key.
 */
export function localBridgeEnv(port: number, dir: string): Record<string, string> {
  return {
    PORT: String(port),
    PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    DATABASE_URL: `sqlite:${path.join(dir, 'bridge.sqlite')}`,
    TOKEN_ENCRYPTION_KEY: crypto.randomBytes(32).toString('hex'),
    HUBSPOT_CLIENT_ID: 'client',
    HUBSPOT_CLIENT_SECRET: 'client-secret',
    HUBSPOT_APP_ID: '123',
    SALESFORCE_CLIENT_ID: 'sf-client',
    SALESFORCE_CLIENT_SECRET: 'sf-client-secret',
    OPS_TOKEN: 'an-operator-token-long-enough',
  };
}
