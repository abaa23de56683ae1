/** Which records sync (scope), what a new HubSpot record becomes in Salesforce, and the reverse. */
import { Button, Divider, Flex, Heading, Select, Text, Tile, Toggle } from '@hubspot/ui-extensions';
import type { Condition, HubSpotPropertyInfo, ObjectSettings } from '@sf-bridge/client';
import { ConditionEditor } from './ConditionEditor';
import { objectNames, objectOf, updateObject, type ObjectKey } from './draft';
import type { EditorProps } from './editor';

const objectKeys: ObjectKey[] = ['contacts', 'companies', 'deals'];

export function RecordsTab(props: EditorProps) {
  const metadata = props.metadata;
  const enabled = objectKeys.filter((object) => objectOf(props.draft, object).enabled);
  if (enabled.length === 0) return <Text>No object syncs. Turn one on under "Objects and fields".</Text>;
  return (
    <Flex direction="column" gap="lg" testId="records-tab">
      {enabled.map((object) => (
        <ObjectRecords
          key={object}
          {...props}
          object={object}
          properties={metadata.status === 'success' ? (metadata.data.hubspot[object] ?? []) : []}
        />
      ))}
    </Flex>
  );
}

function ObjectRecords(
  props: EditorProps & { object: ObjectKey; properties: readonly HubSpotPropertyInfo[] },
) {
  const { object } = props;
  const settings = objectOf(props.draft, object);
  const names = objectNames[object];
  const singular = names.label.toLowerCase().replace(/s$/, '').replace(/ie$/, 'y');
  const targets = [
    ...names.salesforce.map((name) => ({
      value: name,
      label: `${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name}`,
    })),
    { value: 'none', label: 'nothing (no record is created)' },
  ];
  const update = (change: (value: ObjectSettings) => ObjectSettings) =>
    props.setDraft((current) => updateObject(current, object, change));
  const rules = settings.createInSalesforce.rules ?? [];
  const setRules = (next: ReadonlyArray<{ when: Condition; createAs: string }>) =>
    update((value) => ({ ...value, createInSalesforce: { ...value.createInSalesforce, rules: next } }));
  return (
    <Flex direction="column" gap="sm" testId={`records-${object}`}>
      <Heading>{names.label}</Heading>
      <Text format={{ fontWeight: 'demibold' }}>Which records sync</Text>
      <ConditionEditor
        name={`${object}-scope`}
        condition={settings.scope}
        properties={props.properties}
        readOnly={props.readOnly}
        emptyText={`Every ${singular} syncs. Add a condition to sync only some of them.`}
        onChange={(scope) => update((value) => ({ ...value, scope }))}
      />
      <Divider />
      <Text
        format={{ fontWeight: 'demibold' }}
      >{`A new HubSpot ${singular} with no match in Salesforce becomes`}</Text>
      {rules.map((rule, index) => (
        <Tile key={index} compact>
          <Flex direction="column" gap="xs">
            <Text>{`Rule ${index + 1}: when`}</Text>
            <ConditionEditor
              name={`${object}-create-${index}`}
              condition={rule.when}
              properties={props.properties}
              readOnly={props.readOnly}
              emptyText="(no condition yet)"
              onChange={(when) =>
                when
                  ? setRules(rules.map((other, at) => (at === index ? { ...other, when } : other)))
                  : setRules(rules.filter((_other, at) => at !== index))
              }
            />
            <Flex direction="row" gap="sm" align="end">
              <Select
                label="create"
                name={`${object}-create-${index}-as`}
                value={rule.createAs}
                options={targets}
                readOnly={props.readOnly}
                onChange={(value) =>
                  setRules(
                    rules.map((other, at) => (at === index ? { ...other, createAs: String(value) } : other)),
                  )
                }
              />
              <Button
                size="xs"
                variant="transparent"
                disabled={props.readOnly}
                onClick={() => setRules(rules.filter((_other, at) => at !== index))}
              >
                Remove rule
              </Button>
            </Flex>
          </Flex>
        </Tile>
      ))}
      <Flex direction="row" gap="sm" align="end">
        <Select
          label={rules.length > 0 ? 'Otherwise create' : 'Create'}
          name={`${object}-create-default`}
          value={settings.createInSalesforce.default}
          options={targets}
          readOnly={props.readOnly}
          onChange={(value) =>
            update((current) => ({
              ...current,
              createInSalesforce: { ...current.createInSalesforce, default: String(value) },
            }))
          }
          testId={`${object}-create-default`}
        />
        <Button
          size="xs"
          disabled={props.readOnly}
          onClick={() =>
            setRules([
              ...rules,
              {
                when: { anyOf: [{ allOf: [{ property: '', operator: 'eq', value: '' }] }] },
                createAs: names.salesforce[0] ?? 'none',
              },
            ])
          }
        >
          Add a rule
        </Button>
      </Flex>
      <Divider />
      <Text format={{ fontWeight: 'demibold' }}>New Salesforce records</Text>
      {names.salesforce.map((sobject) => (
        <Toggle
          key={sobject}
          label={`A new Salesforce ${sobject} creates a HubSpot ${singular}`}
          labelDisplay="inline"
          checked={settings.createInHubspot[sobject] ?? false}
          readOnly={props.readOnly}
          onChange={(checked: boolean) =>
            update((value) => ({
              ...value,
              createInHubspot: { ...value.createInHubspot, [sobject]: checked },
            }))
          }
          testId={`${object}-create-in-hubspot-${sobject}`}
        />
      ))}
      {object === 'contacts' ? (
        <>
          <Divider />
          <Select
            label="A person who is both a Lead and a Contact in Salesforce syncs with"
            description="The other record shows on the HubSpot contact's card as a possible duplicate in Salesforce."
            name="lead-contact-preference"
            value={props.draft.matching?.leadContactPreference ?? 'contacts_first'}
            options={[
              { value: 'contacts_first', label: 'the Contact' },
              { value: 'most_recently_modified', label: 'whichever was modified most recently' },
            ]}
            readOnly={props.readOnly}
            onChange={(value) =>
              props.setDraft((current) => ({
                ...current,
                matching: {
                  ...current.matching,
                  leadContactPreference:
                    value === 'most_recently_modified' ? 'most_recently_modified' : 'contacts_first',
                },
              }))
            }
            testId="lead-contact-preference"
          />
        </>
      ) : null}
    </Flex>
  );
}
