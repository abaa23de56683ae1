/**
 * A condition on HubSpot properties, like HubSpot's own filter groups: the condition holds when every
 * filter of at least one group holds.
 */
import { Button, Flex, Input, Select, Text } from '@hubspot/ui-extensions';
import type { Condition, Filter, FilterOperator, HubSpotPropertyInfo } from '@sf-bridge/client';
import { emptyFilter, joinList, splitList, updateCondition } from './draft';

const operators: Array<{ value: FilterOperator; label: string }> = [
  { value: 'eq', label: 'is' },
  { value: 'neq', label: 'is not' },
  { value: 'contains', label: 'contains' },
  { value: 'in', label: 'is any of' },
  { value: 'not_in', label: 'is none of' },
  { value: 'has_value', label: 'is known' },
  { value: 'has_no_value', label: 'is unknown' },
];

function withOperator(filter: Filter, operator: FilterOperator): Filter {
  if (operator === 'has_value' || operator === 'has_no_value') return { property: filter.property, operator };
  if (operator === 'in' || operator === 'not_in') {
    return {
      property: filter.property,
      operator,
      values: filter.values ?? (filter.value ? [filter.value] : []),
    };
  }
  return { property: filter.property, operator, value: filter.value ?? filter.values?.[0] ?? '' };
}

export function ConditionEditor(props: {
  name: string;
  condition: Condition | null | undefined;
  onChange: (condition: Condition | null) => void;
  properties: readonly HubSpotPropertyInfo[];
  readOnly: boolean;
  emptyText: string;
}) {
  const groups = props.condition?.anyOf ?? [];
  const change = (update: Parameters<typeof updateCondition>[1]) =>
    props.onChange(updateCondition(props.condition, update));
  const propertyOptions = props.properties.map((property) => ({
    value: property.name,
    label: property.label,
  }));
  return (
    <Flex direction="column" gap="xs" testId={`condition-${props.name}`}>
      {groups.length === 0 ? <Text variant="microcopy">{props.emptyText}</Text> : null}
      {groups.map((group, groupIndex) => (
        <Flex key={groupIndex} direction="column" gap="xs">
          {groupIndex > 0 ? <Text format={{ fontWeight: 'demibold' }}>or</Text> : null}
          {group.allOf.map((filter, filterIndex) => {
            const setFilter = (next: Filter) =>
              change((all) => {
                const target = all[groupIndex];
                if (target) target.allOf[filterIndex] = next;
                return all;
              });
            const listed = filter.operator === 'in' || filter.operator === 'not_in';
            const valueless = filter.operator === 'has_value' || filter.operator === 'has_no_value';
            return (
              <Flex key={filterIndex} direction="row" gap="xs" align="end">
                {filterIndex > 0 ? <Text>and</Text> : null}
                <Select
                  label="Property"
                  name={`${props.name}-${groupIndex}-${filterIndex}-property`}
                  value={filter.property}
                  options={
                    propertyOptions.some((option) => option.value === filter.property) ||
                    filter.property === ''
                      ? propertyOptions
                      : [{ value: filter.property, label: filter.property }, ...propertyOptions]
                  }
                  readOnly={props.readOnly}
                  onChange={(value) => setFilter({ ...filter, property: String(value) })}
                />
                <Select
                  label="Test"
                  name={`${props.name}-${groupIndex}-${filterIndex}-operator`}
                  value={filter.operator}
                  options={operators}
                  readOnly={props.readOnly}
                  onChange={(value) => setFilter(withOperator(filter, value as FilterOperator))}
                />
                {valueless ? null : (
                  <Input
                    label={listed ? 'Values (comma-separated)' : 'Value'}
                    name={`${props.name}-${groupIndex}-${filterIndex}-value`}
                    value={listed ? joinList(filter.values) : (filter.value ?? '')}
                    readOnly={props.readOnly}
                    onChange={(text: string) =>
                      setFilter(listed ? { ...filter, values: splitList(text) } : { ...filter, value: text })
                    }
                  />
                )}
                <Button
                  size="xs"
                  variant="transparent"
                  disabled={props.readOnly}
                  onClick={() =>
                    change((all) => {
                      const target = all[groupIndex];
                      if (target) target.allOf.splice(filterIndex, 1);
                      return all;
                    })
                  }
                >
                  Remove
                </Button>
              </Flex>
            );
          })}
          <Button
            size="xs"
            variant="transparent"
            disabled={props.readOnly}
            onClick={() =>
              change((all) => {
                all[groupIndex]?.allOf.push({ ...emptyFilter });
                return all;
              })
            }
          >
            And…
          </Button>
        </Flex>
      ))}
      <Button
        size="xs"
        disabled={props.readOnly}
        onClick={() => change((all) => [...all, { allOf: [{ ...emptyFilter }] }])}
        testId={`condition-${props.name}-add`}
      >
        {groups.length === 0 ? 'Add a condition' : 'Or…'}
      </Button>
    </Flex>
  );
}
