import { spawn } from 'node:child_process';
import path from 'node:path';

// `npm run emulators` is a contract: one line per emulator with its base URL, ports from the environment.
it('starts the emulators standalone and prints one line with each base URL', async () => {
  const root = path.resolve(__dirname, '../../..');
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/emulators/main.ts'], {
    cwd: root,
    env: { ...process.env, HUBSPOT_EMULATOR_PORT: '0', SALESFORCE_EMULATOR_PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    const lines = await new Promise<string[]>((resolve, reject) => {
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString('utf8');
        const complete = output.split('\n').filter((candidate) => candidate.length > 0);
        if (complete.length >= 2 && output.endsWith('\n')) resolve(complete);
      });
      child.on('exit', (code) => reject(new Error(`exited with ${code}: ${output}`)));
    });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^HubSpot emulator: http:\/\/127\.0\.0\.1:\d+$/);
    expect(lines[1]).toMatch(/^Salesforce emulator: http:\/\/127\.0\.0\.1:\d+$/);
    const hubspotUrl = (lines[0] ?? '').slice('HubSpot emulator: '.length);
    const portals = await fetch(`${hubspotUrl}/_emulator/portals`);
    expect(((await portals.json()) as { defaultPortalId: number }).defaultPortalId).toBe(62515);
    const salesforceUrl = (lines[1] ?? '').slice('Salesforce emulator: '.length);
    const versions = await fetch(`${salesforceUrl}/services/data/`);
    expect(versions.status).toBe(200);
  } finally {
    const exited = new Promise((resolve) =>
      child.exitCode !== null ? resolve(null) : child.once('exit', resolve),
    );
    child.kill('SIGTERM');
    await exited;
  }
});
