/**
 * Records that may be the same person: Salesforce records that could not link here (possible duplicates in
 * Salesforce), or, after a Lead converted into a Contact another HubSpot contact syncs with, that Contact and
 * the other contact. Each says what a person can do.
 */
import { Alert, Flex, Link, Text } from '@hubspot/ui-extensions';
import type { RecordStatus } from '@sf-bridge/client';

type Duplicates = NonNullable<RecordStatus['possibleDuplicates']>;

export function PossibleDuplicates(props: { duplicates: Duplicates }) {
  const count = props.duplicates.length;
  const advice = [...new Set(props.duplicates.flatMap((duplicate) => duplicate.whatToDo ?? []))];
  const inSalesforceOnly = props.duplicates.every((duplicate) => duplicate.record.side === 'salesforce');
  const where = inSalesforceOnly ? ' in Salesforce' : '';
  return (
    <Alert
      title={count === 1 ? `Possible duplicate${where}` : `${count} possible duplicates${where}`}
      variant="warning"
      testId="possible-duplicates"
    >
      {advice.length > 0 ? (
        advice.map((sentence) => <Text key={sentence}>{sentence}</Text>)
      ) : (
        <Text>
          {count === 1
            ? 'Another Salesforce record has this email but cannot sync with this record, which already syncs with the one above.'
            : 'Other Salesforce records have this email but cannot sync with this record, which already syncs with the one above.'}{' '}
          Convert the Lead or merge the records in Salesforce; nothing is lost meanwhile.
        </Text>
      )}
      <Flex direction="column" gap="xs">
        {props.duplicates.map((duplicate) =>
          duplicate.salesforceUrl ? (
            <Link
              key={`${duplicate.questionId}:${duplicate.record.recordId}`}
              href={{ url: duplicate.salesforceUrl, external: true }}
            >
              {`${duplicate.record.objectType} ${duplicate.record.recordId}`}
            </Link>
          ) : (
            <Text key={`${duplicate.questionId}:${duplicate.record.recordId}`}>
              {duplicate.record.side === 'hubspot'
                ? `HubSpot contact ${duplicate.record.recordId}`
                : `${duplicate.record.objectType} ${duplicate.record.recordId}`}
            </Text>
          ),
        )}
      </Flex>
    </Alert>
  );
}
