import fc from "fast-check";
import {
  GraphQLEnumType,
  GraphQLInputObjectType,
  GraphQLList,
  GraphQLNonNull,
  GraphQLScalarType,
  type GraphQLInputType,
} from "graphql";

/** Strings an attacker would try: SQL and Liquid injection, path traversal, control and odd unicode. */
export const HOSTILE_STRINGS = [
  "'; DROP TABLE events; --",
  "' OR '1'='1",
  "\") OR 1=1; SELECT pg_sleep(10); --",
  "$1::text",
  "{{ 'x' | append: 'y' }}",
  "{% for i in (1..100000000) %}x{% endfor %}",
  "{% include '../../../../etc/passwd' %}",
  "{{ profile.traits | json }}{% raw %}",
  "{% assign x = 'a' %}{% capture y %}{% endcapture",
  "<script>alert(1)</script>",
  "../../../../etc/passwd",
  "\u0000\u0001\u0002",
  "\uD800",
  "\u202Eevil\u202C",
  "😀".repeat(500),
  "a".repeat(100_000),
  "__proto__",
  "constructor",
  "NaN",
  "-1",
  "9".repeat(400),
  "2099-13-45T99:99:99Z",
  "00000000-0000-0000-0000-000000000000",
  "",
];

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  { weight: 1, arbitrary: fc.uuid() },
);

const hostileNumber = fc.oneof(
  fc.integer(),
  fc.constantFrom(2 ** 31, -(2 ** 31) - 1, Number.MAX_SAFE_INTEGER, 1e308, -1e308, -0, 0.1, 1e-300),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** Deeply nested JSON (objects in arrays in objects …), the shape parsers and walkers choke on. */
export const deepJson = fc.integer({ min: 50, max: 3000 }).map((depth) => {
  let value: unknown = "leaf";
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { n: value };
  return value;
});

const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
  { weight: 1, arbitrary: deepJson },
  { weight: 1, arbitrary: fc.dictionary(hostileString, fc.oneof(hostileString, hostileNumber), { maxKeys: 8 }) },
);

/** A value that ignores the declared type altogether (variable coercion must reject it cleanly). */
const wrongType: fc.Arbitrary<unknown> = fc.oneof(fc.constant(null), hostileNumber, hostileString, fc.boolean(), fc.constant([]), fc.constant({}), deepJson);

function scalar(type: GraphQLScalarType): fc.Arbitrary<unknown> {
  switch (type.name) {
    case "Int":
      return fc.oneof(fc.integer({ min: -5, max: 1000 }), hostileNumber);
    case "Float":
      return hostileNumber;
    case "Boolean":
      return fc.boolean();
    case "ID":
    case "String":
      return hostileString;
    case "DateTimeISO":
    case "DateTime":
      return fc.oneof(fc.date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true }).map((d) => d.toISOString()), hostileString);
    default:
      return anyJson; // JSON, JSONObject and other custom scalars
  }
}

/** Values for a GraphQL input type, mostly well-typed with hostile content, sometimes mistyped. */
export function valueFor(type: GraphQLInputType, depth = 0): fc.Arbitrary<unknown> {
  if (type instanceof GraphQLNonNull) return fc.oneof({ weight: 60, arbitrary: valueFor(type.ofType, depth) }, { weight: 1, arbitrary: wrongType });
  const nullable = (arb: fc.Arbitrary<unknown>) => fc.oneof({ weight: 4, arbitrary: arb }, { weight: 1, arbitrary: fc.constant(null) });
  if (type instanceof GraphQLList) return nullable(fc.array(valueFor(type.ofType, depth + 1), { maxLength: depth > 2 ? 1 : 4 }));
  if (type instanceof GraphQLEnumType) return nullable(fc.oneof({ weight: 30, arbitrary: fc.constantFrom(...type.getValues().map((v) => v.name)) }, { weight: 1, arbitrary: hostileString }));
  if (type instanceof GraphQLScalarType) return nullable(scalar(type));
  if (type instanceof GraphQLInputObjectType) {
    if (depth > 5) return fc.constant(null);
    const fields = Object.values(type.getFields());
    const record = fc.record(Object.fromEntries(fields.map((f) => [f.name, valueFor(f.type, depth + 1)])), { requiredKeys: fields.filter((f) => f.type instanceof GraphQLNonNull).map((f) => f.name) });
    return nullable(fc.oneof({ weight: 30, arbitrary: record }, { weight: 1, arbitrary: fc.dictionary(hostileString, hostileString, { maxKeys: 3 }) }));
  }
  return wrongType;
}
