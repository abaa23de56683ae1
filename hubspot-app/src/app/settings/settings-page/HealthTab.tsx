/**
 * How the sync is doing: the bridge's open alerts, success rate, lag, the queue, failures by category with
 * "Retry all", the conflict queue, records waiting for a person, and the Salesforce API budget.
 */
import {
  Alert,
  Button,
  ButtonRow,
  Flex,
  Heading,
  LoadingSpinner,
  ProgressBar,
  Statistics,
  StatisticsItem,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
  Text,
} from '@hubspot/ui-extensions';
import {
  displayValue,
  plural,
  relativeTime,
  useAction,
  useRequest,
  type ConflictChoice,
  type HealthAlert,
  type SyncHealth,
} from '@sf-bridge/client';
import type { EditorProps } from './editor';

const categoryLabels: Record<string, string> = {
  validation: 'Rejected by a validation rule',
  required_field: 'A required field is blank',
  picklist: 'A value has no match in a picklist',
  duplicate: 'Duplicate records',
  permission: 'Missing permissions',
  not_found: 'Record not found',
  rate_limited: 'API limits',
  transient: 'Temporary errors that outlasted every retry',
  transform: 'Values that cannot be converted',
};

export function HealthTab(props: EditorProps) {
  const health = useRequest(() => props.client.health(), [props.client]);
  if (health.state.status === 'loading') return <LoadingSpinner label="Loading sync health" />;
  if (health.state.status === 'error') {
    return (
      <Alert title="Couldn't load sync health" variant="warning" testId="health-error">
        {health.state.error.message}
      </Alert>
    );
  }
  return <Health {...props} health={health.state.data} onChanged={health.reload} />;
}

function Health(props: EditorProps & { health: SyncHealth; onChanged: () => void }) {
  const { health, now } = props;
  const failures = Object.entries(health.failuresByCategory).filter(([, count]) => count > 0);
  const failed = failures.reduce((sum, [, count]) => sum + count, 0);
  const lagMs = health.queue.oldestMarkedAt === null ? 0 : Math.max(0, now - health.queue.oldestMarkedAt);
  const recent = health.recent;
  const retryAll = useAction(
    () => props.client.retryAllFailures(),
    (data) => {
      props.addAlert({
        type: 'success',
        message: `${plural(data.retried, 'record')} went back to the queue.`,
      });
      props.onChanged();
      return null;
    },
  );
  const salesforce = health.budget.salesforce;
  return (
    <Flex direction="column" gap="md" testId="health-tab">
      <OpenAlerts alerts={health.alerts ?? []} now={now} />
      <Statistics>
        <StatisticsItem label="Linked records" number={health.activeLinks} />
        <StatisticsItem
          label="Success rate (last 24 h)"
          testId="success-rate"
          number={
            recent?.successRate === null || recent?.successRate === undefined
              ? '—'
              : `${(recent.successRate * 100).toFixed(1)}%`
          }
        />
        <StatisticsItem label="Waiting to sync" number={health.queue.pending + health.queue.claimed} />
        <StatisticsItem
          label="Oldest waiting change"
          number={lagMs === 0 ? 'none' : relativeTime(now - lagMs, now)}
        />
        <StatisticsItem label="Last sync" number={relativeTime(health.lastSyncedAt, now)} />
      </Statistics>

      <Heading>Salesforce API budget today</Heading>
      <ProgressBar
        title="Calls this app made today"
        value={salesforce.usedToday}
        maxValue={Math.max(1, salesforce.dailyShare)}
        valueDescription={`${salesforce.usedToday} of ${salesforce.dailyShare} calls`}
        variant={salesforce.usedToday > salesforce.dailyShare * 0.8 ? 'warning' : 'success'}
        testId="budget"
      />
      {salesforce.org ? (
        <Text variant="microcopy">{`The whole org has used ${salesforce.org.used} of ${salesforce.org.limit} calls in the last 24 hours (all integrations).`}</Text>
      ) : null}

      <Heading>Failures</Heading>
      {failed === 0 ? (
        <Text testId="no-failures">No record is failing to sync.</Text>
      ) : (
        <>
          <Table bordered density="condensed" testId="failures-by-category">
            <TableHead>
              <TableRow>
                <TableHeader>What went wrong</TableHeader>
                <TableHeader>Records</TableHeader>
              </TableRow>
            </TableHead>
            <TableBody>
              {failures.map(([category, count]) => (
                <TableRow key={category}>
                  <TableCell>{categoryLabels[category] ?? category.replace(/_/g, ' ')}</TableCell>
                  <TableCell>{count}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
          <ButtonRow>
            <Button
              disabled={props.readOnly || retryAll.state.status === 'running'}
              onClick={() => void retryAll.run()}
              testId="retry-all"
            >
              {`Retry all ${failed}`}
            </Button>
          </ButtonRow>
          {retryAll.state.status === 'error' ? (
            <Text variant="microcopy">{retryAll.state.error.message}</Text>
          ) : null}
        </>
      )}
      <ConflictQueue {...props} />
      <PendingMatches {...props} count={health.pendingMatches} />
    </Flex>
  );
}

const alertTitles: Record<string, string> = {
  salesforce_needs_reauth: 'Salesforce needs you to sign in again',
  salesforce_api_budget: 'Salesforce API budget running low',
  sync_failure_rate: 'Records are failing to sync',
  sync_stalled: 'Sync has stopped making progress',
};

function OpenAlerts(props: { alerts: ReadonlyArray<HealthAlert>; now: number }) {
  if (props.alerts.length === 0) return null;
  return (
    <Flex direction="column" gap="sm" testId="open-alerts">
      {props.alerts.map((alert) => (
        <Alert
          key={alert.id}
          title={alertTitles[alert.kind] ?? alert.kind.replace(/_/g, ' ')}
          variant={alert.severity === 'critical' ? 'danger' : 'warning'}
          testId={`alert-${alert.kind}`}
        >
          {`${alert.message} (opened ${relativeTime(alert.openedAt, props.now)})`}
        </Alert>
      ))}
    </Flex>
  );
}

function ConflictQueue(props: EditorProps & { onChanged: () => void }) {
  const conflicts = useRequest(() => props.client.conflicts({ limit: 50 }), [props.client]);
  const keep = useAction(
    (id: string, choice: ConflictChoice) => props.client.resolveConflict(id, choice),
    () => {
      conflicts.reload();
      props.onChanged();
      return null;
    },
  );
  if (conflicts.state.status !== 'success') return null;
  const open = conflicts.state.data.conflicts;
  return (
    <>
      <Heading>{`Conflicts waiting (${open.length})`}</Heading>
      {open.length === 0 ? (
        <Text>No conflict is waiting.</Text>
      ) : (
        <Table bordered density="condensed" testId="conflict-queue">
          <TableHead>
            <TableRow>
              <TableHeader>Field</TableHeader>
              <TableHeader>HubSpot</TableHeader>
              <TableHeader>Salesforce</TableHeader>
              <TableHeader>Since</TableHeader>
              <TableHeader> </TableHeader>
            </TableRow>
          </TableHead>
          <TableBody>
            {open.map((conflict) => (
              <TableRow key={conflict.id}>
                <TableCell>{conflict.fieldLabel ?? conflict.fieldKey}</TableCell>
                <TableCell>{conflict.hubspotDisplay ?? displayValue(conflict.hubspotValue)}</TableCell>
                <TableCell>{conflict.salesforceDisplay ?? displayValue(conflict.salesforceValue)}</TableCell>
                <TableCell>{relativeTime(conflict.openedAt, props.now)}</TableCell>
                <TableCell>
                  <ButtonRow>
                    <Button
                      size="xs"
                      disabled={keep.state.status === 'running'}
                      onClick={() => void keep.run(conflict.id, { keep: 'hubspot' })}
                    >
                      Keep HubSpot
                    </Button>
                    <Button
                      size="xs"
                      disabled={keep.state.status === 'running'}
                      onClick={() => void keep.run(conflict.id, { keep: 'salesforce' })}
                    >
                      Keep Salesforce
                    </Button>
                  </ButtonRow>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </>
  );
}

function PendingMatches(props: EditorProps & { count: number }) {
  const matches = useRequest(() => props.client.pendingMatches(), [props.client, props.count]);
  if (matches.state.status !== 'success') return null;
  const open = matches.state.data.pendingMatches;
  return (
    <>
      <Heading>{`Waiting for a person to pick a match (${open.length})`}</Heading>
      {open.length === 0 ? (
        <Text>No record is waiting for a match.</Text>
      ) : (
        <>
          <Text variant="microcopy">Open each record in HubSpot and choose on its Salesforce sync card.</Text>
          <Table bordered density="condensed" testId="pending-matches">
            <TableHead>
              <TableRow>
                <TableHeader>Record</TableHeader>
                <TableHeader>Why</TableHeader>
                <TableHeader>Candidates</TableHeader>
                <TableHeader>Since</TableHeader>
              </TableRow>
            </TableHead>
            <TableBody>
              {open.map((match) => (
                <TableRow key={match.id}>
                  <TableCell>{`${match.record.side === 'hubspot' ? 'HubSpot' : 'Salesforce'} ${match.record.objectType} ${match.record.recordId}`}</TableCell>
                  <TableCell>{match.reason}</TableCell>
                  <TableCell>
                    {match.candidates
                      .map((candidate) => candidate.label || candidate.record.recordId)
                      .join('; ')}
                  </TableCell>
                  <TableCell>{relativeTime(match.openedAt, props.now)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </>
      )}
    </>
  );
}
