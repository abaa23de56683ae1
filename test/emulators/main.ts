/**
 * `npm run emulators`: every emulator standalone, one line per emulator with its base URL.
 * Ports: HUBSPOT_EMULATOR_PORT (default 4100), SALESFORCE_EMULATOR_PORT (default 4200).
 * Adding an emulator is one entry in EMULATORS.
 */
import { startHubSpotEmulator } from './hubspot';
import { startSalesforceEmulator } from './salesforce';

interface RunningEmulator {
  baseUrl: string;
  close(): Promise<void>;
}

interface EmulatorEntry {
  name: string;
  portVariable: string;
  defaultPort: number;
  start(port: number): Promise<RunningEmulator>;
}

const EMULATORS: EmulatorEntry[] = [
  {
    name: 'HubSpot',
    portVariable: 'HUBSPOT_EMULATOR_PORT',
    defaultPort: 4100,
    start: (port) => startHubSpotEmulator({ port }),
  },
  {
    name: 'Salesforce',
    portVariable: 'SALESFORCE_EMULATOR_PORT',
    defaultPort: 4200,
    start: (port) => startSalesforceEmulator({ port }),
  },
];

function portFrom(variable: string, fallback: number): number {
  const raw = process.env[variable];
  if (raw === undefined || raw.trim() === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`${variable} must be a port number (0-65535), got "${raw}"`);
  }
  return port;
}

async function main(): Promise<void> {
  const running: RunningEmulator[] = [];
  const stop = async () => {
    await Promise.allSettled(running.map((emulator) => emulator.close()));
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  for (const entry of EMULATORS) {
    const emulator = await entry.start(portFrom(entry.portVariable, entry.defaultPort));
    running.push(emulator);
    console.log(`${entry.name} emulator: ${emulator.baseUrl}`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
