/**
 * Checkboxes. A Salesforce checkbox is never empty (it is false until ticked) while a HubSpot checkbox can be
 * unset; treating unset as false is the only reading under which writing a value and reading it back gives
 * the same value on both sides. So a checkbox is never blank.
 */
import { ok } from '../result';
import type { CanonicalValue, FieldTransform, TransformResult } from './canonical';
import { invalid, isBlankWire } from './canonical';

function fromWire(wire: unknown): TransformResult<CanonicalValue> {
  if (isBlankWire(wire)) return ok(false);
  if (typeof wire === 'boolean') return ok(wire);
  if (typeof wire === 'string') {
    const text = wire.trim().toLowerCase();
    if (text === 'true') return ok(true);
    if (text === 'false') return ok(false);
  }
  return invalid(wire, 'is not true or false');
}

export function createBooleanTransform(): FieldTransform {
  return {
    fromHubspot: fromWire,
    fromSalesforce: fromWire,
    toHubspot(value) {
      if (value === null) return ok('false');
      return typeof value === 'boolean'
        ? ok(value ? 'true' : 'false')
        : invalid(value, 'is not true or false');
    },
    toSalesforce(value) {
      if (value === null) return ok(false);
      return typeof value === 'boolean' ? ok(value) : invalid(value, 'is not true or false');
    },
  };
}
