/**
 * Objects on or off, and per object the field ownership table: which side owns each field, how values
 * convert, value maps for picklists, and new mappings picked from both sides' live field lists.
 */
import {
  Alert,
  Button,
  Flex,
  Heading,
  Select,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
  Text,
  Toggle,
} from '@hubspot/ui-extensions';
import { ruleLabels, type FieldMapping, type OwnershipRule, type TransformSpec } from '@sf-bridge/client';
import { AddMapping } from './AddMapping';
import {
  objectNames,
  objectOf,
  setRule,
  setTransformKind,
  mappingId,
  removeMapping,
  updateObject,
  type ObjectKey,
} from './draft';
import { messageFor, type EditorProps } from './editor';
import { StageMapEditor } from './StageMapEditor';
import { ValueMapEditor } from './ValueMapEditor';

export const ruleOptions = (Object.keys(ruleLabels) as OwnershipRule[]).map((rule) => ({
  value: rule,
  label: ruleLabels[rule],
}));

export const transformLabels: Record<TransformSpec['kind'], string> = {
  text: 'Text',
  email: 'Email',
  domain: 'Web domain',
  phone: 'Phone number',
  number: 'Number',
  boolean: 'Checkbox',
  date: 'Date',
  datetime: 'Date and time',
  picklist: 'Picklist (value map)',
  multiselect: 'Multi-select (value map)',
  stages: 'Deal stages (a map per pipeline)',
  owner: 'Owner (by email)',
  association: 'Associated records (through their links)',
};

const transformOptions = (Object.keys(transformLabels) as Array<TransformSpec['kind']>).map((kind) => ({
  value: kind,
  label: transformLabels[kind],
}));

const objectKeys: ObjectKey[] = ['contacts', 'companies', 'deals'];

export function FieldsTab(props: EditorProps) {
  return (
    <Flex direction="column" gap="lg" testId="fields-tab">
      {objectKeys.map((object) => (
        <ObjectSection key={object} {...props} object={object} />
      ))}
    </Flex>
  );
}

function ObjectSection(props: EditorProps & { object: ObjectKey }) {
  const { object, draft } = props;
  const settings = objectOf(draft, object);
  const names = objectNames[object];
  const objectMessages = props.messages.filter((message) => message.object === object && !message.fieldKey);
  return (
    <Flex direction="column" gap="sm" testId={`object-${object}`}>
      <Flex direction="row" justify="between" align="center">
        <Heading>{`${names.label} ⇄ ${names.salesforce.join(' and ')}`}</Heading>
        <Toggle
          label={`Sync ${names.label.toLowerCase()}`}
          labelDisplay="inline"
          checked={settings.enabled}
          readOnly={props.readOnly}
          onChange={(checked: boolean) =>
            props.setDraft((current) =>
              updateObject(current, object, (value) => ({ ...value, enabled: checked })),
            )
          }
          testId={`enable-${object}`}
        />
      </Flex>
      {objectMessages.map((message) => (
        <Alert
          key={`${message.code}:${message.message}`}
          title={message.severity === 'warning' ? 'Note' : 'Fix this'}
          variant={message.severity === 'warning' ? 'warning' : 'danger'}
        >
          {message.message}
        </Alert>
      ))}
      {settings.enabled ? (
        <>
          <MappingTable {...props} mappings={settings.fields} />
          {settings.fields
            .filter(
              (mapping) => mapping.transform.kind === 'picklist' || mapping.transform.kind === 'multiselect',
            )
            .map((mapping) => (
              <ValueMapEditor key={mapping.key} {...props} mapping={mapping} metadata={props.metadata} />
            ))}
          {settings.fields
            .filter((mapping) => mapping.transform.kind === 'stages')
            .map((mapping) => (
              <StageMapEditor key={mapping.key} {...props} mapping={mapping} metadata={props.metadata} />
            ))}
          {!props.readOnly ? <AddMapping {...props} settings={settings} metadata={props.metadata} /> : null}
        </>
      ) : (
        <Text variant="microcopy">{`${names.label} do not sync. Turn this on to sync them with ${names.salesforce.join(' and ')}.`}</Text>
      )}
    </Flex>
  );
}

function MappingTable(props: EditorProps & { object: ObjectKey; mappings: readonly FieldMapping[] }) {
  const { object } = props;
  const salesforceObjects = objectNames[object].salesforce;
  if (props.mappings.length === 0) {
    return <Text>No fields are mapped yet. Add one below.</Text>;
  }
  return (
    <Table bordered density="condensed" testId={`mappings-${object}`}>
      <TableHead>
        <TableRow>
          <TableHeader>HubSpot property</TableHeader>
          {salesforceObjects.map((name) => (
            <TableHeader key={name}>{`Salesforce ${name}`}</TableHeader>
          ))}
          <TableHeader>Who owns it</TableHeader>
          <TableHeader>Conversion</TableHeader>
          <TableHeader> </TableHeader>
        </TableRow>
      </TableHead>
      <TableBody>
        {props.mappings.map((mapping) => {
          const message = messageFor(props.messages, object, mapping.key);
          return (
            <TableRow key={mapping.key}>
              <TableCell>
                <Text format={{ fontWeight: 'demibold' }}>{mapping.label ?? mapping.hubspotProperty}</Text>
                <Text variant="microcopy">{mapping.hubspotProperty}</Text>
              </TableCell>
              {salesforceObjects.map((name) => (
                <TableCell key={name}>{mapping.salesforceFields[name] ?? '—'}</TableCell>
              ))}
              <TableCell>
                <Select
                  name={`rule-${mappingId(object, mapping.key)}`}
                  value={mapping.rule}
                  options={ruleOptions}
                  readOnly={props.readOnly}
                  error={message !== null && message.severity !== 'warning'}
                  validationMessage={message?.message ?? ''}
                  onChange={(value) =>
                    props.setDraft((current) => setRule(current, object, mapping.key, value as OwnershipRule))
                  }
                  testId={`rule-${mappingId(object, mapping.key)}`}
                />
              </TableCell>
              <TableCell>
                <Select
                  name={`transform-${mappingId(object, mapping.key)}`}
                  value={mapping.transform.kind}
                  options={transformOptions}
                  readOnly={props.readOnly}
                  onChange={(value) =>
                    props.setDraft((current) =>
                      setTransformKind(current, object, mapping.key, value as TransformSpec['kind']),
                    )
                  }
                  testId={`transform-${mappingId(object, mapping.key)}`}
                />
              </TableCell>
              <TableCell>
                <Button
                  size="xs"
                  variant="transparent"
                  disabled={props.readOnly}
                  onClick={() => props.setDraft((current) => removeMapping(current, object, mapping.key))}
                  testId={`remove-${mappingId(object, mapping.key)}`}
                >
                  Remove
                </Button>
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}
