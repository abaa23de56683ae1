/**
 * Numbers: HubSpot sends text ("17.50"), Salesforce JSON numbers (17.5). The canonical value is a finite
 * number rounded to 15 significant digits, which removes binary noise (0.1 + 0.2 is 0.3) and is stable
 * (rounding twice changes nothing), then to the mapping's decimal places when it names them (a Salesforce
 * field with scale 2 stores 1.005 as 1.01; rounding first means the echo matches).
 */
import { ok } from '../result';
import type { CanonicalValue, FieldTransform, TransformResult } from './canonical';
import { invalid, isBlankWire } from './canonical';

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function roundToDecimalPlaces(value: number, decimalPlaces: number): number {
  const text = String(Math.abs(value));
  if (text.includes('e')) return Number(value.toFixed(decimalPlaces));
  // Shifting by the decimal exponent in text avoids 1.005 * 100 === 100.49999999999999.
  const shifted = Math.round(Number(`${text}e${decimalPlaces}`));
  return Math.sign(value) * Number(`${shifted}e-${decimalPlaces}`);
}

export function normalizeNumber(value: number, decimalPlaces?: number): number {
  let normalized = Number(value.toPrecision(15));
  if (decimalPlaces !== undefined) normalized = roundToDecimalPlaces(normalized, decimalPlaces);
  return normalized === 0 ? 0 : normalized; // no -0
}

export function createNumberTransform(decimalPlaces?: number): FieldTransform {
  const fromNumber = (value: number, wire: unknown): TransformResult<CanonicalValue> => {
    // Rounding can push a value next to the largest double over the edge, so check after normalizing.
    const normalized = Number.isFinite(value) ? normalizeNumber(value, decimalPlaces) : value;
    return Number.isFinite(normalized) ? ok(normalized) : invalid(wire, 'is not a finite number');
  };
  const fromText = (wire: string): TransformResult<CanonicalValue> => {
    const trimmed = wire.trim();
    return DECIMAL.test(trimmed) ? fromNumber(Number(trimmed), wire) : invalid(wire, 'is not a number');
  };
  return {
    fromHubspot(wire) {
      return isBlankWire(wire) ? ok(null) : fromText(wire);
    },
    fromSalesforce(wire) {
      if (isBlankWire(wire)) return ok(null);
      if (typeof wire === 'number') return fromNumber(wire, wire);
      if (typeof wire === 'string') return fromText(wire);
      return invalid(wire, 'is not a number');
    },
    toHubspot(value) {
      if (value === null) return ok('');
      return typeof value === 'number' ? ok(String(value)) : invalid(value, 'is not a number');
    },
    toSalesforce(value) {
      if (value === null) return ok(null);
      return typeof value === 'number' ? ok(value) : invalid(value, 'is not a number');
    },
  };
}
