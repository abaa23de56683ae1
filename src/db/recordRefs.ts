/**
 * The names of records as the tables store them. The vocabulary is the domain's (src/domain/records.ts);
 * the tables validate every stored reference with its schemas, so a HubSpot id never lands in a Salesforce
 * column.
 */
export {
  HubspotIdSchema,
  HubspotObjectTypeSchema,
  hubspotObjectTypes,
  RecordRefSchema,
  SalesforceIdSchema,
  SalesforceObjectTypeSchema,
  salesforceObjectTypes,
  salesforceTypesFor,
  SideSchema,
  sides,
  type HubspotObjectType,
  type RecordRef,
  type SalesforceObjectType,
  type Side,
} from '../domain/records';
export { JsonValueSchema, type JsonValue } from '../domain/json';
