// SPDX-License-Identifier: Apache-2.0
/**
 * A value whose canonical JSON text was written once and is reused as is: the resource and the instrumentation
 * scope, shared by every record of a process, are written once instead of once per record.
 */
export class CanonicalJsonText {
  constructor(readonly text: string) {}
}

/** A value canonical JSON can write: what the canonical form of a record is made of. */
export type CanonicalJsonValue =
  | string
  | number
  | boolean
  | null
  | CanonicalJsonText
  | readonly CanonicalJsonValue[]
  | { readonly [key: string]: CanonicalJsonValue };

/**
 * The canonical JSON text of a value: object keys sorted by UTF-16 code units (JavaScript's default string order)
 * at every level, no whitespace, strings escaped exactly as `JSON.stringify` escapes them, numbers written as
 * `JSON.stringify` writes them (ECMAScript `Number::toString`: shortest round-trip form, `1e+21` from 1e21 up,
 * `-0` as `0`). This is the JSON Canonicalization Scheme of RFC 8785 applied to values made of strings, finite
 * numbers, booleans, null, arrays and objects.
 *
 * @throws {TypeError} for what canonical JSON has no text for: undefined, a non-finite number, a function, a bigint.
 */
export function canonicalJson(value: CanonicalJsonValue): string {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "boolean":
      return value ? "true" : "false";
    case "number":
      if (!Number.isFinite(value)) throw new TypeError(`canonical JSON has no text for the number ${value}`);
      return JSON.stringify(value);
    case "object": {
      if (value === null) return "null";
      if (value instanceof CanonicalJsonText) return value.text;
      if (Array.isArray(value)) {
        let out = "[";
        for (let i = 0; i < value.length; i++) out += (i === 0 ? "" : ",") + canonicalJson(value[i] as CanonicalJsonValue);
        return out + "]";
      }
      const object = value as { readonly [key: string]: CanonicalJsonValue };
      const keys = Object.keys(object).sort();
      let out = "{";
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i]!;
        out += (i === 0 ? "" : ",") + JSON.stringify(key) + ":" + canonicalJson(object[key]!);
      }
      return out + "}";
    }
    default:
      throw new TypeError(`canonical JSON has no text for a value of type ${typeof value}`);
  }
}
