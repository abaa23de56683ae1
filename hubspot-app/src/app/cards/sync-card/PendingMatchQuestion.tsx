/**
 * More than one Salesforce record could be this one: the candidates, and a person picks ("Link to this
 * one"), or says none of them is ("None of these": a new Salesforce record is created), or skips it.
 */
import {
  Alert,
  Button,
  ButtonRow,
  Flex,
  Heading,
  Link,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
  Text,
} from '@hubspot/ui-extensions';
import { relativeTime, useAction, type MatchChoice, type PendingMatch } from '@sf-bridge/client';
import type { CardPartProps } from './props';

/** The question in words; the stored reason is a code (`ambiguous`, `linked_elsewhere`). */
export function reasonText(match: PendingMatch): string {
  if (match.reason === 'linked_elsewhere') {
    return 'The Salesforce record that matches this one is already linked to another HubSpot record, so this may be a duplicate. Create a new Salesforce record for it, or leave it unsynced.';
  }
  if (match.reason === 'ambiguous') {
    return `${match.candidates.length} Salesforce records could be this one. Link the right one, or say none of them is.`;
  }
  return match.reason;
}

export function PendingMatchQuestion(props: CardPartProps & { match: PendingMatch }) {
  const { match, now } = props;
  const answer = useAction(
    (choice: MatchChoice) => props.client.resolvePendingMatch(match.id, choice),
    (_data) => {
      props.addAlert({ type: 'success', message: 'Thanks: the record syncs with your choice in a moment.' });
      props.onChanged();
      return null;
    },
  );
  const running = answer.state.status === 'running';
  return (
    <Flex direction="column" gap="sm" testId="pending-match">
      <Heading>Which Salesforce record is this?</Heading>
      <Text testId="match-reason">{reasonText(match)}</Text>
      <Table bordered density="condensed" testId="match-candidates">
        <TableHead>
          <TableRow>
            <TableHeader>Salesforce record</TableHeader>
            <TableHeader>Matched by</TableHeader>
            <TableHeader>Last modified</TableHeader>
            <TableHeader> </TableHeader>
          </TableRow>
        </TableHead>
        <TableBody>
          {match.candidates.map((candidate) => {
            const title =
              [candidate.name, candidate.email, candidate.company].filter(Boolean).join(' · ') ||
              candidate.label ||
              candidate.record.recordId;
            return (
              <TableRow key={candidate.record.recordId}>
                <TableCell>
                  {candidate.salesforceUrl ? (
                    <Link href={{ url: candidate.salesforceUrl, external: true }}>{title}</Link>
                  ) : (
                    <Text>{title}</Text>
                  )}
                  <Text variant="microcopy">{`${candidate.record.objectType} ${candidate.record.recordId}`}</Text>
                </TableCell>
                <TableCell>{candidate.matchedBy.replace(/_/g, ' ')}</TableCell>
                <TableCell>
                  {candidate.lastModifiedAt ? relativeTime(candidate.lastModifiedAt, now) : '—'}
                </TableCell>
                <TableCell>
                  <Button
                    size="xs"
                    disabled={running || match.reason === 'linked_elsewhere'}
                    onClick={() => void answer.run({ kind: 'link', record: candidate.record })}
                    testId={`link-candidate-${candidate.record.recordId}`}
                  >
                    Link to this one
                  </Button>
                </TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
      <ButtonRow>
        <Button
          size="sm"
          disabled={running}
          onClick={() => void answer.run({ kind: 'create_new' })}
          testId="match-none"
        >
          None of these: create a new one
        </Button>
        <Button
          size="sm"
          variant="transparent"
          disabled={running}
          onClick={() => void answer.run({ kind: 'skip' })}
          testId="match-skip"
        >
          Don't sync this record
        </Button>
      </ButtonRow>
      {answer.state.status === 'error' ? (
        <Alert title="Not saved" variant="danger">
          {answer.state.error.message}
        </Alert>
      ) : null}
    </Flex>
  );
}
