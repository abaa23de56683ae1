/** What the edited settings would do to a sample of linked records: writes by field, conflicts, failures. */
import {
  Alert,
  Flex,
  Heading,
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
import { displayValue, plural, type SettingsDryRun } from '@sf-bridge/client';

export function DryRunPanel(props: { result: SettingsDryRun; stale: boolean }) {
  const { result } = props;
  if (result.sampled === 0) {
    return (
      <Alert title="Nothing to preview yet" variant="info" testId="dry-run">
        No records are linked yet, so there is nothing these settings would change. They apply from the first
        sync.
      </Alert>
    );
  }
  const writes = result.updates.reduce((sum, update) => sum + update.toHubspot + update.toSalesforce, 0);
  return (
    <Flex direction="column" gap="sm" testId="dry-run">
      <Heading>Preview of these settings</Heading>
      {props.stale ? (
        <Text variant="microcopy">
          The settings changed since this preview; press "Preview changes" again.
        </Text>
      ) : null}
      <Text>
        {`Planned over ${plural(result.sampled, 'linked record')} (of ${result.linkedTotal}), reading both systems without writing anything.`}
      </Text>
      <Statistics>
        <StatisticsItem label="Values that would be written" number={writes} />
        <StatisticsItem label="New conflicts" number={result.conflicts.count} />
        <StatisticsItem label="New failures" number={result.failures.count} />
        <StatisticsItem label="Records unchanged" number={result.unchanged} />
      </Statistics>
      {result.updates.length > 0 ? (
        <Table bordered density="condensed" testId="dry-run-updates">
          <TableHead>
            <TableRow>
              <TableHeader>Field</TableHeader>
              <TableHeader>To HubSpot</TableHeader>
              <TableHeader>To Salesforce</TableHeader>
              <TableHeader>For example</TableHeader>
            </TableRow>
          </TableHead>
          <TableBody>
            {result.updates.map((update) => {
              const example = update.examples[0];
              return (
                <TableRow key={`${update.objectType ?? 'contacts'}:${update.fieldKey}`}>
                  <TableCell>{update.label}</TableCell>
                  <TableCell>{update.toHubspot}</TableCell>
                  <TableCell>{update.toSalesforce}</TableCell>
                  <TableCell>
                    {example
                      ? `${displayValue(example.from)} → ${displayValue(example.to)} (${example.direction === 'to_hubspot' || example.direction === 'hubspot' ? 'HubSpot' : 'Salesforce'} ${example.direction === 'to_hubspot' || example.direction === 'hubspot' ? example.hubspotId : example.salesforceId})`
                      : '—'}
                  </TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      ) : (
        <Text testId="dry-run-no-updates">No value would be written.</Text>
      )}
      {result.conflicts.count > 0 ? (
        <Alert
          title={`${plural(result.conflicts.count, 'new conflict')} would wait for a person`}
          variant="warning"
        >
          {result.conflicts.examples.slice(0, 3).map((example) => (
            <Text key={`${example.objectType ?? 'contacts'}:${example.linkId}:${example.fieldKey}`}>
              {`• ${example.label}: HubSpot ${displayValue(example.hubspotValue)}, Salesforce ${displayValue(example.salesforceValue)}`}
            </Text>
          ))}
        </Alert>
      ) : null}
      {result.failures.count > 0 ? (
        <Alert title={`${plural(result.failures.count, 'record')} would fail to sync`} variant="danger">
          {result.failures.byCode.map((failure) => (
            <Text key={failure.code}>{`• ${failure.count} × ${failure.message}`}</Text>
          ))}
        </Alert>
      ) : null}
      <Text variant="microcopy">{`The preview spent ${result.calls.hubspot} HubSpot and ${result.calls.salesforce} Salesforce API calls.`}</Text>
    </Flex>
  );
}
