/**
 * Add a mapping: a HubSpot property and the Salesforce field per object, picked from both sides' live
 * field lists, with a rule and a conversion suggested from the field types (a picklist's value map is
 * prefilled with the values both sides share).
 */
import { useState } from 'react';
import { Alert, Button, Flex, Heading, LoadingSpinner, Select, Text } from '@hubspot/ui-extensions';
import type {
  HubSpotPropertyInfo,
  LiveMetadata,
  ObjectSettings,
  OwnershipRule,
  RequestState,
  SalesforceFieldInfo,
  TransformSpec,
} from '@sf-bridge/client';
import { addMapping, objectNames, transformOfKind, type ObjectKey } from './draft';
import type { EditorProps } from './editor';
import { ruleOptions, transformLabels } from './FieldsTab';

export function suggestTransform(property: HubSpotPropertyInfo | undefined): TransformSpec['kind'] {
  if (!property) return 'text';
  if (property.name === 'email' || property.fieldType === 'email') return 'email';
  if (property.fieldType === 'phonenumber' || property.type === 'phone_number') return 'phone';
  if (property.name === 'hubspot_owner_id') return 'owner';
  switch (property.type) {
    case 'number':
      return 'number';
    case 'bool':
      return 'boolean';
    case 'date':
      return 'date';
    case 'datetime':
      return 'datetime';
    case 'enumeration':
      return property.fieldType === 'checkbox'
        ? 'multiselect'
        : property.fieldType === 'booleancheckbox'
          ? 'boolean'
          : 'picklist';
    default:
      return 'text';
  }
}

/** Values both sides share (same value or label, ignoring case) become the first groups of a new map. */
export function sharedValueGroups(
  property: HubSpotPropertyInfo | undefined,
  fields: ReadonlyArray<SalesforceFieldInfo | undefined>,
) {
  const salesforceValues = fields.flatMap((field) => field?.picklistValues ?? []);
  return (property?.options ?? []).flatMap((option) => {
    const match = salesforceValues.find(
      (value) =>
        value.value.toLowerCase() === option.value.toLowerCase() ||
        value.label.toLowerCase() === option.label.toLowerCase(),
    );
    return match ? [{ hubspot: [option.value], salesforce: [match.value] }] : [];
  });
}

export function AddMapping(
  props: EditorProps & { object: ObjectKey; settings: ObjectSettings; metadata: RequestState<LiveMetadata> },
) {
  const { object, settings, metadata } = props;
  const salesforceObjects = objectNames[object].salesforce;
  const [property, setProperty] = useState('');
  const [fields, setFields] = useState<Record<string, string>>({});
  const [rule, setRule] = useState<OwnershipRule>('two_way');
  const [transform, setTransform] = useState<TransformSpec['kind'] | ''>('');
  if (metadata.status === 'loading')
    return <LoadingSpinner label="Loading the fields of both systems" size="xs" />;
  if (metadata.status === 'error') {
    return (
      <Alert title="Couldn't load the fields of both systems" variant="warning" testId="metadata-error">
        {metadata.error.message}
      </Alert>
    );
  }
  const mapped = new Set(settings.fields.map((mapping) => mapping.hubspotProperty));
  const properties = (metadata.data.hubspot[object] ?? []).filter(
    (candidate) => !mapped.has(candidate.name) && !candidate.readOnly,
  );
  const chosen = properties.find((candidate) => candidate.name === property);
  const kind = transform || suggestTransform(chosen);
  const salesforceFieldsOf = (sobject: string) =>
    (metadata.data.salesforce[sobject] ?? []).filter(
      (field) => field.updateable !== false || field.createable,
    );
  const pickedFields = Object.fromEntries(
    salesforceObjects.map((sobject) => [sobject, fields[sobject] ? fields[sobject] : null]),
  );
  const ready = chosen !== undefined && Object.values(pickedFields).some(Boolean);
  const add = () => {
    if (!chosen) return;
    const described = salesforceObjects.map((sobject) =>
      metadata.data.salesforce[sobject]?.find((field) => field.name === pickedFields[sobject]),
    );
    const base = transformOfKind(kind);
    const spec: TransformSpec =
      base.kind === 'picklist' || base.kind === 'multiselect'
        ? { ...base, options: sharedValueGroups(chosen, described) }
        : base;
    props.setDraft((current) =>
      addMapping(current, object, {
        label: chosen.label,
        hubspotProperty: chosen.name,
        salesforceFields: pickedFields,
        rule,
        transform: spec,
      }),
    );
    setProperty('');
    setFields({});
    setTransform('');
    props.addAlert({ type: 'info', message: `${chosen.label} added. Save to start syncing it.` });
  };
  return (
    <Flex direction="column" gap="xs" testId={`add-mapping-${object}`}>
      <Heading>Add a field</Heading>
      <Flex direction="row" gap="sm" wrap="wrap" align="end">
        <Select
          label="HubSpot property"
          name={`add-${object}-property`}
          value={property}
          options={properties.map((candidate) => ({
            value: candidate.name,
            label: `${candidate.label} (${candidate.name})`,
          }))}
          onChange={(value) => {
            setProperty(String(value));
            setTransform('');
          }}
          testId={`add-${object}-property`}
        />
        {salesforceObjects.map((sobject) => (
          <Select
            key={sobject}
            label={`Salesforce ${sobject} field`}
            name={`add-${object}-${sobject}`}
            value={fields[sobject] ?? ''}
            options={[
              { value: '', label: `Not on ${sobject}` },
              ...salesforceFieldsOf(sobject).map((field) => ({
                value: field.name,
                label: `${field.label} (${field.name})`,
              })),
            ]}
            onChange={(value) => setFields((current) => ({ ...current, [sobject]: String(value) }))}
            testId={`add-${object}-${sobject}`}
          />
        ))}
        <Select
          label="Who owns it"
          name={`add-${object}-rule`}
          value={rule}
          options={ruleOptions}
          onChange={(value) => setRule(value as OwnershipRule)}
          testId={`add-${object}-rule`}
        />
        <Select
          label="Conversion"
          name={`add-${object}-transform`}
          value={kind}
          options={(Object.keys(transformLabels) as Array<TransformSpec['kind']>).map((value) => ({
            value,
            label: transformLabels[value],
          }))}
          onChange={(value) => setTransform(value as TransformSpec['kind'])}
          testId={`add-${object}-transform`}
        />
        <Button disabled={!ready} onClick={add} testId={`add-${object}-submit`}>
          Add field
        </Button>
      </Flex>
      <Text variant="microcopy">
        The server checks the new field against both systems (types, picklist values, read-only fields) as
        soon as it is added; problems show next to it. HubSpot edits of an added field reach Salesforce with
        the next poll (every minute by default) rather than at once.
      </Text>
    </Flex>
  );
}
