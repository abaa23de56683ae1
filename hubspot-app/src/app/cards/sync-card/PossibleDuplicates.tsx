/** Salesforce records of the same person that could not link here: possible duplicates in Salesforce. */
import { Alert, Flex, Link, Text } from '@hubspot/ui-extensions';
import type { RecordStatus } from '@sf-bridge/client';

type Duplicates = NonNullable<RecordStatus['possibleDuplicates']>;

export function PossibleDuplicates(props: { duplicates: Duplicates }) {
  const count = props.duplicates.length;
  return (
    <Alert
      title={count === 1 ? 'Possible duplicate in Salesforce' : `${count} possible duplicates in Salesforce`}
      variant="warning"
      testId="possible-duplicates"
    >
      <Text>
        {count === 1
          ? 'Another Salesforce record has this email but cannot sync with this record, which already syncs with the one above.'
          : 'Other Salesforce records have this email but cannot sync with this record, which already syncs with the one above.'}{' '}
        Convert the Lead or merge the records in Salesforce; nothing is lost meanwhile.
      </Text>
      <Flex direction="column" gap="xs">
        {props.duplicates.map((duplicate) =>
          duplicate.salesforceUrl ? (
            <Link key={duplicate.questionId} href={{ url: duplicate.salesforceUrl, external: true }}>
              {`${duplicate.record.objectType} ${duplicate.record.recordId}`}
            </Link>
          ) : (
            <Text
              key={duplicate.questionId}
            >{`${duplicate.record.objectType} ${duplicate.record.recordId}`}</Text>
          ),
        )}
      </Flex>
    </Alert>
  );
}
