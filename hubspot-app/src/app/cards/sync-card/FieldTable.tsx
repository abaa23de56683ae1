/**
 * What differs: every mapped field with both values, the rule that owns it and whether they agree,
 * mismatches first. The values come from a dry run of the record's sync (both records read now); an
 * association shows the associated records' names.
 */
import {
  Alert,
  Button,
  Heading,
  LoadingSpinner,
  StatusTag,
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
  ruleLabel,
  type FieldPlan,
  type RecordStatus,
  type RequestState,
} from '@sf-bridge/client';

type Agreement = {
  order: number;
  label: string;
  variant: 'success' | 'warning' | 'danger' | 'info' | 'default';
};

/** How a field stands, from the planner's decision for it. */
export function agreementOf(field: FieldPlan): Agreement {
  const action = field.decision.action;
  if (field.failureCode) return { order: 0, label: 'Cannot sync', variant: 'danger' };
  if (action === 'conflict') return { order: 0, label: 'Conflict', variant: 'warning' };
  if (action === 'write') {
    const to = field.decision.to === 'salesforce' ? 'Salesforce' : 'HubSpot';
    return { order: 1, label: `Differs: will update ${to}`, variant: 'info' };
  }
  if (action === 'skipped') return { order: 3, label: 'Not on this object', variant: 'default' };
  if (field.rule === 'none' || field.rule === 'on_create') {
    const same = displayValue(field.hubspot) === displayValue(field.salesforce);
    return same
      ? { order: 2, label: 'Agree', variant: 'success' }
      : { order: 2, label: 'Differs (not synced)', variant: 'default' };
  }
  return { order: 2, label: 'Agree', variant: 'success' };
}

export function FieldTable(props: {
  state: RequestState<RecordStatus | null>;
  onRetry: () => void;
  linkState: string;
}) {
  const { state } = props;
  if (props.linkState !== 'active') return null;
  // Nothing read yet (the comparison starts once the record is known to be linked) reads as loading.
  if (state.status === 'loading' || (state.status === 'success' && state.data === null)) {
    return <LoadingSpinner label="Comparing the fields of both records" testId="fields-loading" />;
  }
  if (state.status === 'error') {
    return (
      <Alert title="Couldn't compare the fields" variant="warning" testId="fields-error">
        {state.error.message}{' '}
        <Button size="xs" variant="transparent" onClick={props.onRetry}>
          Try again
        </Button>
      </Alert>
    );
  }
  const status = state.data;
  if (!status) return null;
  if (!status.dryRun) {
    return (
      <Alert title="Couldn't compare the fields" variant="warning" testId="fields-error">
        {status.dryRunError ?? 'The bridge could not read both records right now.'}
      </Alert>
    );
  }
  const rows = [...status.dryRun.fields]
    .map((field) => ({ field, agreement: agreementOf(field) }))
    .sort((a, b) => a.agreement.order - b.agreement.order || a.field.label.localeCompare(b.field.label));
  const differing = rows.filter((row) => row.agreement.order < 2).length;
  return (
    <>
      <Heading>Fields</Heading>
      <Text variant="microcopy" testId="fields-summary">
        {differing === 0
          ? `All ${plural(rows.length, 'mapped field')} agree.`
          : `${plural(differing, 'field')} of ${rows.length} ${differing === 1 ? 'differs' : 'differ'}. ${status.dryRun.summary}`}
      </Text>
      <Table bordered density="condensed" testId="field-table">
        <TableHead>
          <TableRow>
            <TableHeader>Field and rule</TableHeader>
            <TableHeader>HubSpot</TableHeader>
            <TableHeader>Salesforce</TableHeader>
            <TableHeader>Status</TableHeader>
          </TableRow>
        </TableHead>
        <TableBody>
          {rows.map(({ field, agreement }) => (
            <TableRow key={field.key}>
              <TableCell>
                <Text format={{ fontWeight: 'demibold' }}>{field.label}</Text>
                <Text variant="microcopy">
                  {field.salesforceField
                    ? `${field.salesforceField} · ${ruleLabel(field.rule)}`
                    : ruleLabel(field.rule)}
                </Text>
              </TableCell>
              <TableCell>{field.hubspotDisplay ?? displayValue(field.hubspot)}</TableCell>
              <TableCell>{field.salesforceDisplay ?? displayValue(field.salesforce)}</TableCell>
              <TableCell>
                <StatusTag variant={agreement.variant} testId={`field-status-${field.key}`}>
                  {agreement.label}
                </StatusTag>
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </>
  );
}
