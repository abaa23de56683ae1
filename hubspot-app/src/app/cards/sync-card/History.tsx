/** The record's sync history: linked, converted, merged, deleted, restored, conflicts settled, by whom. */
import {
  Alert,
  Button,
  Heading,
  LoadingSpinner,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
  Text,
} from '@hubspot/ui-extensions';
import {
  formatDate,
  relativeTime,
  type HistoryEntry,
  type RecordHistory,
  type RequestState,
} from '@sf-bridge/client';
import type { CardPartProps } from './props';

function actorName(entry: HistoryEntry): string {
  const { actor } = entry;
  if (actor.kind === 'bridge') return 'Salesforce sync';
  return actor.name ?? actor.email ?? (actor.userId ? `User ${actor.userId}` : 'Someone');
}

/** The same event told again in a row (a sync that met the same conflict twice, say) reads as one line. */
export function collapseRepeats(
  entries: readonly HistoryEntry[],
): Array<{ entry: HistoryEntry; times: number }> {
  const lines: Array<{ entry: HistoryEntry; times: number }> = [];
  for (const entry of entries) {
    const last = lines.at(-1);
    const same =
      last &&
      last.entry.kind === entry.kind &&
      last.entry.title === entry.title &&
      last.entry.detail === entry.detail &&
      last.entry.actor.kind === entry.actor.kind &&
      last.entry.actor.userId === entry.actor.userId;
    if (last && same) last.times += 1;
    else lines.push({ entry, times: 1 });
  }
  return lines;
}

export function History(
  props: CardPartProps & { state: RequestState<RecordHistory>; onMore: () => void; canLoadMore: boolean },
) {
  const { state, now } = props;
  return (
    <>
      <Heading>History</Heading>
      {state.status === 'loading' ? <LoadingSpinner label="Loading history" size="xs" /> : null}
      {state.status === 'error' ? (
        <Alert title="Couldn't load the history" variant="warning" testId="history-error">
          {state.error.message}
        </Alert>
      ) : null}
      {state.status === 'success' && state.data.entries.length === 0 ? (
        <Text variant="microcopy" testId="history-empty">
          Nothing has happened to this record's sync yet.
        </Text>
      ) : null}
      {state.status === 'success' && state.data.entries.length > 0 ? (
        <>
          <Table density="compact" testId="history">
            <TableHead>
              <TableRow>
                <TableHeader>When</TableHeader>
                <TableHeader>What</TableHeader>
                <TableHeader>Who</TableHeader>
              </TableRow>
            </TableHead>
            <TableBody>
              {collapseRepeats(state.data.entries).map(({ entry, times }) => (
                <TableRow key={entry.id}>
                  <TableCell>
                    <Text>{relativeTime(entry.at, now)}</Text>
                    <Text variant="microcopy">{formatDate(entry.at)}</Text>
                  </TableCell>
                  <TableCell>
                    <Text>{times > 1 ? `${entry.title} (${times} times)` : entry.title}</Text>
                    {entry.detail ? <Text variant="microcopy">{entry.detail}</Text> : null}
                  </TableCell>
                  <TableCell>{actorName(entry)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
          {props.canLoadMore ? (
            <Button size="xs" variant="transparent" onClick={props.onMore} testId="history-more">
              Show older
            </Button>
          ) : null}
        </>
      ) : null}
    </>
  );
}
