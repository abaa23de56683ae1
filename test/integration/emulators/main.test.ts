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
    const line = await new Promise<string>((resolve, reject) => {
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString('utf8');
        const found = output.split('\n').find((candidate) => candidate.startsWith('HubSpot emulator: '));
        if (found) resolve(found);
      });
      child.on('exit', (code) => reject(new Error(`exited with ${code}: ${output}`)));
    });
    expect(line).toMatch(/^HubSpot emulator: http:\/\/127\.0\.0\.1:\d+$/);
    const baseUrl = line.slice('HubSpot emulator: '.length);
    const response = await fetch(`${baseUrl}/_emulator/portals`);
    expect(((await response.json()) as { defaultPortalId: number }).defaultPortalId).toBe(62515);
  } finally {
    const exited = new Promise((resolve) =>
      child.exitCode !== null ? resolve(null) : child.once('exit', resolve),
    );
    child.kill('SIGTERM');
    await exited;
  }
});
