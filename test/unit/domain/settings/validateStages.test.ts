import type { DealPipeline, SalesforceFieldDescribe } from '../../../../src/domain/settings/metadata';
import { checkStageMap } from '../../../../src/domain/settings/validateStages';
import type { StagePipeline } from '../../../../src/domain/transforms/stages';

const live: DealPipeline[] = [
  {
    id: 'default',
    label: 'Sales Pipeline',
    archived: false,
    stages: [
      { id: 'appointmentscheduled', label: 'Appointment Scheduled', archived: false },
      { id: 'closedwon', label: 'Closed Won', archived: false },
    ],
  },
  {
    id: '31415001',
    label: 'Renewals',
    archived: false,
    stages: [
      { id: '31415002', label: 'Up for renewal', archived: false },
      { id: '31415003', label: 'Renewed', archived: false },
    ],
  },
];

const stageName = {
  name: 'StageName',
  picklistValues: [
    { value: 'Prospecting', active: true },
    { value: 'Closed Won', active: true },
    { value: 'Retired', active: false },
  ],
} as unknown as SalesforceFieldDescribe;

const pipeline = (id: string, stages: Array<[string, string]>, recordType: string | null = null) =>
  ({
    pipeline: id,
    recordType,
    stages: stages.map(([hubspot, salesforce]) => ({ hubspot: [hubspot], salesforce: [salesforce] })),
  }) satisfies StagePipeline;

const codes = (pipelines: StagePipeline[], recordTypes?: string[]) =>
  checkStageMap(pipelines, live, stageName, recordTypes).map((problem) => [problem.severity, problem.code]);

describe('checkStageMap', () => {
  it('finds nothing wrong with a map of live pipelines, stages and StageNames', () => {
    const full = [
      pipeline('default', [
        ['appointmentscheduled', 'Prospecting'],
        ['closedwon', 'Closed Won'],
      ]),
      pipeline(
        '31415001',
        [
          ['31415002', 'prospecting'],
          ['31415003', 'Closed Won'],
        ],
        'Renewal',
      ),
    ];
    expect(codes(full, ['Renewal'])).toEqual([]);
  });

  it.each([
    ['an unknown pipeline', [pipeline('999', [['x', 'Prospecting']])], 'stage_pipeline_unknown'],
    ["another pipeline's stage", [pipeline('31415001', [['closedwon', 'Closed Won']])], 'stage_unknown'],
    ['an inactive StageName', [pipeline('default', [['closedwon', 'Retired']])], 'stage_name_unknown'],
    [
      'an unknown record type',
      [pipeline('default', [['closedwon', 'Closed Won']], 'Upsell')],
      'stage_record_type_unknown',
    ],
  ])('refuses %s', (_, pipelines, code) => {
    expect(codes(pipelines, ['Renewal'])).toContainEqual(['error', code]);
  });

  it('notes, without refusing, a stage of a mapped pipeline that no group names', () => {
    const problems = checkStageMap([pipeline('default', [['closedwon', 'Closed Won']])], live, stageName, []);
    expect(problems).toEqual([
      {
        severity: 'warning',
        code: 'stage_unmapped',
        message:
          'pipelines.0: the stage map of pipeline "Sales Pipeline" (default) leaves out "Appointment Scheduled" (appointmentscheduled): a deal in those stages syncs without its stage.',
      },
    ]);
  });
});
