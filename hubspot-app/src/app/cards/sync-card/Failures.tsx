/** Why the record did not sync, in plain words, what to do about it, and "Retry". */
import { Alert, Button, Flex, Text } from '@hubspot/ui-extensions';
import { relativeTime, useAction, type Failure } from '@sf-bridge/client';
import type { CardPartProps } from './props';

export function Failures(props: CardPartProps & { failures: readonly Failure[] }) {
  return (
    <Flex direction="column" gap="sm">
      {props.failures.map((failure) => (
        <FailureAlert key={failure.id} {...props} failure={failure} />
      ))}
    </Flex>
  );
}

function FailureAlert(props: CardPartProps & { failure: Failure }) {
  const { failure, now } = props;
  const retry = useAction(
    () => props.client.retryFailure(failure.id),
    () => {
      props.addAlert({ type: 'info', message: 'The record went back to the queue; it syncs in a moment.' });
      props.onChanged();
      return null;
    },
  );
  const retrying = failure.state === 'retrying' || retry.state.status === 'running';
  return (
    <Alert
      title={
        failure.title ?? (failure.kind === 'quarantine' ? "This record can't sync" : 'Sync keeps failing')
      }
      variant={failure.kind === 'quarantine' ? 'danger' : 'warning'}
      testId={`failure-${failure.id}`}
    >
      <Text testId="failure-message">{failure.message}</Text>
      {failure.whatToDo && !failure.message.includes('Retry') ? (
        <Text format={{ fontWeight: 'demibold' }}>{failure.whatToDo}</Text>
      ) : null}
      <Text variant="microcopy">
        {failure.firstFailedAt === failure.lastFailedAt
          ? `Failed ${relativeTime(failure.lastFailedAt, now)} · ${failure.code}`
          : `Failing since ${relativeTime(failure.firstFailedAt, now)}, last tried ${relativeTime(failure.lastFailedAt, now)} · ${failure.code}`}
      </Text>
      <Button size="sm" disabled={retrying} onClick={() => void retry.run()} testId={`retry-${failure.id}`}>
        {retrying ? 'Retrying…' : 'Retry'}
      </Button>
      {retry.state.status === 'error' ? <Text variant="microcopy">{retry.state.error.message}</Text> : null}
    </Alert>
  );
}
