import { parseBenchArgs } from '../../bench/args';

const args = (argv: string[]) => {
  const parsed = parseBenchArgs(argv);
  if (parsed.help) throw new Error('unexpected --help');
  return parsed.args;
};

describe('npm run bench arguments', () => {
  it('defaults to every benchmark at the specified sizes', () => {
    expect(args([])).toMatchObject({
      only: ['initial-sync', 'steady-state'],
      records: 10_000,
      edits: 1_000,
      pollIntervalS: 15,
      latencyMs: 50,
      database: 'sqlite',
      bridge: 'compiled',
    });
  });

  it('runs the bridge from the build by default, or under tsx, with options for node', () => {
    expect(args(['--bridge', 'tsx', '--bridge-node-options', '--heapsnapshot-signal=SIGUSR2'])).toMatchObject(
      {
        bridge: 'tsx',
        bridgeNodeOptions: '--heapsnapshot-signal=SIGUSR2',
      },
    );
    expect(() => args(['--bridge', 'docker'])).toThrow(/--bridge/);
  });

  it('runs one benchmark at another size, in either option form', () => {
    expect(args(['--only', 'initial-sync', '--records', '2000'])).toMatchObject({
      only: ['initial-sync'],
      records: 2000,
    });
    expect(args(['--only=steady-state', '--edits=20', '--edits-per-second=10'])).toMatchObject({
      only: ['steady-state'],
      edits: 20,
      editsPerSecond: 10,
    });
  });

  it('refuses what it does not know, with the usage', () => {
    expect(() => args(['--only', 'everything'])).toThrow(/--only/);
    expect(() => args(['--records'])).toThrow(/needs a value/);
    expect(() => args(['--fast', '1'])).toThrow(/unknown option "fast"/);
    expect(() => args(['--poll-interval-s', '5'])).toThrow(/pollIntervalS/);
    expect(() => args(['stray'])).toThrow(/npm run bench/);
    expect(parseBenchArgs(['--help'])).toEqual({ help: true });
  });
});
