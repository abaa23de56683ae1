/**
 * Deletes and their grace period, the Salesforce API budget, how often each side is polled, and who owns a
 * record whose owner has no counterpart.
 */
import { Flex, Heading, Input, NumberInput, Select, Text } from '@hubspot/ui-extensions';
import type { SettingsDocument } from '@sf-bridge/client';
import type { EditorProps } from './editor';
import { HeldDeletesPanel } from './HeldDeletesPanel';

type Section<K extends keyof SettingsDocument> = NonNullable<SettingsDocument[K]>;

export function OperationsTab(props: EditorProps) {
  const { draft } = props;
  const metadata = props.metadata;
  const deletes: Section<'deletes'> = draft.deletes ?? {};
  const budget: Section<'apiBudget'> = draft.apiBudget ?? {};
  const polling: Section<'polling'> = draft.polling ?? {};
  const set = <K extends 'deletes' | 'apiBudget' | 'polling'>(key: K, value: Section<K>) =>
    props.setDraft((current) => ({ ...current, [key]: { ...(current[key] ?? {}), ...value } }));
  const setOwner = (key: 'salesforceDefaultUserEmail' | 'hubspotDefaultOwnerEmail', value: string) =>
    props.setDraft((current) => ({
      ...current,
      owners: { ...current.owners, [key]: value.trim() === '' ? null : value.trim() },
    }));
  const messageOf = (prefix: string) =>
    props.messages.find(
      (message) => !message.fieldKey && (message.path ?? message.message).toLowerCase().includes(prefix),
    );
  const checkboxes =
    metadata.status === 'success'
      ? [
          ...new Set(
            ['Lead', 'Contact'].flatMap((sobject) =>
              (metadata.data.salesforce[sobject] ?? [])
                .filter((field) => field.type === 'boolean' && field.updateable !== false)
                .map((field) => field.name),
            ),
          ),
        ]
      : [];
  const STANDARD_FLAG = 'HubSpot_Deleted__c';
  const flag = deletes.salesforceFlag === 'off' ? '' : (deletes.salesforceFlagField ?? STANDARD_FLAG);
  const brake = deletes.brake ?? {};
  const setBrake = (value: NonNullable<Section<'deletes'>['brake']>) =>
    set('deletes', { brake: { ...brake, ...value } });
  return (
    <Flex direction="column" gap="md" testId="operations-tab">
      <Heading>Deletes</Heading>
      <Text>
        A delete on one side is never copied as a delete. The link is set aside and the other record is
        marked, so nobody loses data; a restore within the grace period brings the link back.
      </Text>
      <Flex direction="row" gap="md" wrap="wrap">
        <NumberInput
          label="Grace period (days)"
          name="grace-days"
          value={deletes.graceDays ?? 30}
          min={1}
          max={365}
          readOnly={props.readOnly}
          onChange={(value: number) => set('deletes', { graceDays: value })}
          testId="grace-days"
        />
        <Select
          label="After the grace period"
          name="delete-policy"
          value={deletes.policy ?? 'keep_flagged'}
          options={[
            { value: 'keep_flagged', label: 'Keep the other record, marked as deleted' },
            { value: 'archive_counterpart', label: 'Archive the other record (never one with open deals)' },
          ]}
          readOnly={props.readOnly}
          onChange={(value) => set('deletes', { policy: value as 'keep_flagged' | 'archive_counterpart' })}
          testId="delete-policy"
        />
        <Select
          label="Salesforce checkbox marking a record deleted in HubSpot"
          name="delete-flag"
          value={flag}
          options={[
            { value: STANDARD_FLAG, label: `${STANDARD_FLAG}, wherever the org has it (standard)` },
            { value: '', label: 'None (the mark stays in the bridge)' },
            ...(checkboxes.includes(flag) || flag === '' || flag === STANDARD_FLAG
              ? []
              : [{ value: flag, label: flag }]),
            ...checkboxes
              .filter((name) => name !== STANDARD_FLAG)
              .map((name) => ({ value: name, label: name })),
          ]}
          readOnly={props.readOnly}
          onChange={(value) =>
            set(
              'deletes',
              !value
                ? { salesforceFlag: 'off', salesforceFlagField: null }
                : {
                    salesforceFlag: 'when_present',
                    salesforceFlagField: value === STANDARD_FLAG ? null : String(value),
                  },
            )
          }
          testId="delete-flag"
        />
      </Flex>
      <Text variant="microcopy">
        Mass-delete brake: more deletes from one side within an hour than the smaller of the two limits below
        (but never fewer than the floor) hold every delete until an admin releases or discards them.
      </Text>
      <Flex direction="row" gap="md" wrap="wrap">
        <NumberInput
          label="At most, deletes an hour"
          name="brake-max-per-hour"
          value={brake.maxPerHour ?? 50}
          min={1}
          readOnly={props.readOnly}
          onChange={(value: number) => setBrake({ maxPerHour: value })}
          testId="brake-max-per-hour"
        />
        <NumberInput
          label="Or share of linked records (%)"
          name="brake-linked-percent"
          value={brake.linkedPercent ?? 5}
          min={0.1}
          max={100}
          readOnly={props.readOnly}
          onChange={(value: number) => setBrake({ linkedPercent: value })}
          testId="brake-linked-percent"
        />
        <NumberInput
          label="Never fewer than"
          name="brake-min-per-hour"
          value={brake.minPerHour ?? 10}
          min={1}
          readOnly={props.readOnly}
          onChange={(value: number) => setBrake({ minPerHour: value })}
          testId="brake-min-per-hour"
        />
      </Flex>
      <HeldDeletesPanel {...props} />

      <Heading>Salesforce API budget</Heading>
      <Text>
        Salesforce gives each org a daily number of API calls for every integration it runs. The bridge spends
        at most this share and waits for the next day rather than going over.
      </Text>
      <Flex direction="row" gap="md" wrap="wrap">
        <NumberInput
          label="Share of the org's daily API calls (%)"
          name="salesforce-daily-percent"
          value={budget.salesforceDailyPercent ?? 25}
          min={1}
          max={100}
          readOnly={props.readOnly}
          validationMessage={messageOf('salesforcedailypercent')?.message ?? ''}
          onChange={(value: number) => set('apiBudget', { salesforceDailyPercent: value })}
          testId="salesforce-daily-percent"
        />
        <NumberInput
          label="HubSpot calls per 10 seconds"
          name="hubspot-calls"
          value={budget.hubspotCallsPer10s ?? 90}
          min={1}
          max={110}
          readOnly={props.readOnly}
          onChange={(value: number) => set('apiBudget', { hubspotCallsPer10s: value })}
          testId="hubspot-calls"
        />
      </Flex>

      <Heading>How often to look for changes</Heading>
      <Text>
        HubSpot tells the bridge about most changes at once; these polls catch what webhooks miss and every
        Salesforce change. Shorter intervals spend more API calls.
      </Text>
      <Flex direction="row" gap="md" wrap="wrap">
        <NumberInput
          label="Salesforce, every (seconds)"
          name="salesforce-interval"
          value={Math.round((polling.salesforceIntervalMs ?? 60_000) / 1000)}
          min={15}
          readOnly={props.readOnly}
          onChange={(value: number) => set('polling', { salesforceIntervalMs: Math.round(value * 1000) })}
          testId="salesforce-interval"
        />
        <NumberInput
          label="HubSpot, every (seconds)"
          name="hubspot-interval"
          value={Math.round((polling.hubspotIntervalMs ?? 60_000) / 1000)}
          min={15}
          readOnly={props.readOnly}
          onChange={(value: number) => set('polling', { hubspotIntervalMs: Math.round(value * 1000) })}
          testId="hubspot-interval"
        />
        <Input
          label="Country of phone numbers without a country code"
          name="phone-country"
          value={draft.phoneDefaultCountry ?? 'US'}
          readOnly={props.readOnly}
          onChange={(value: string) =>
            props.setDraft((current) => ({ ...current, phoneDefaultCountry: value.toUpperCase() }))
          }
          testId="phone-country"
        />
      </Flex>

      <Heading>Owners with no counterpart</Heading>
      <Text>
        An owner syncs to the person with the same email on the other side. When there is none (or that user
        is inactive), the owner there stays as it is and the record's card says why; or, with an email below,
        that person owns the record there instead. The default is never copied back over the real owner.
      </Text>
      <Flex direction="row" gap="md" wrap="wrap">
        <Input
          label="Salesforce user for HubSpot owners without one (email)"
          name="salesforce-default-owner"
          value={draft.owners?.salesforceDefaultUserEmail ?? ''}
          readOnly={props.readOnly}
          onChange={(value: string) => setOwner('salesforceDefaultUserEmail', value)}
          testId="salesforce-default-owner"
        />
        <Input
          label="HubSpot owner for Salesforce owners without one (email)"
          name="hubspot-default-owner"
          value={draft.owners?.hubspotDefaultOwnerEmail ?? ''}
          readOnly={props.readOnly}
          onChange={(value: string) => setOwner('hubspotDefaultOwnerEmail', value)}
          testId="hubspot-default-owner"
        />
      </Flex>
    </Flex>
  );
}
