import {
  Kind,
  TypeInfo,
  getNamedType,
  valueFromASTUntyped,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";

/** What the audit trail records about one operation (no values of personal fields). */
export interface OperationSummary {
  operationType: "query" | "mutation" | "subscription";
  fields: string[];
  targetIds: string[];
  targetCount: number;
  personalData: boolean;
}

export const MAX_TARGET_IDS = 20;

// Keys whose values identify a record (profileId, segmentId, ids, id, …).
const ID_KEY = /^(id|ids|[a-z][A-Za-z0-9]*(Id|Ids))$/;
// Ids that are themselves personal data: never written to the log.
const PERSONAL_ID_KEYS = new Set(["userId", "userIds", "anonymousId", "anonymousIds", "deviceId", "deviceIds", "externalId", "externalIds", "email", "phone"]);
// Values that look like opaque ids; anything else (free text, e-mail addresses) is skipped.
const ID_VALUE = /^[A-Za-z0-9._:-]{1,100}$/;
// GraphQL types that carry a person's data: profiles, their events (live or quarantined),
// consent, segment members, renders and recommendations made for them.
const PERSONAL_TYPES = /^(Profile|Consent|Event$|EventConnection$|RejectedEvent|SegmentMember|RenderedEmail|RenderBatch|Recommendations$)/;
const MAX_WALK = 20_000;

function rootFields(set: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>, seen = new Set<string>()): FieldNode[] {
  const out: FieldNode[] = [];
  for (const s of set.selections) {
    if (s.kind === Kind.FIELD) out.push(s);
    else if (s.kind === Kind.INLINE_FRAGMENT) out.push(...rootFields(s.selectionSet, fragments, seen));
    else if (!seen.has(s.name.value) && fragments.has(s.name.value)) {
      seen.add(s.name.value);
      out.push(...rootFields(fragments.get(s.name.value)!.selectionSet, fragments, seen));
    }
  }
  return out;
}

/** Collects id-like values from argument values, skipping personal identifiers. */
export function collectIds(value: unknown, key: string | null, into: Set<string>, counter: { n: number; visited: number }): void {
  if (++counter.visited > MAX_WALK || value === null || value === undefined) return;
  if (Array.isArray(value)) {
    for (const item of value) collectIds(item, key, into, counter);
    return;
  }
  if (typeof value === "object") {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) collectIds(v, k, into, counter);
    return;
  }
  if (key === null || !ID_KEY.test(key) || PERSONAL_ID_KEYS.has(key)) return;
  const text = String(value);
  if (!ID_VALUE.test(text)) return;
  counter.n++;
  if (into.size < MAX_TARGET_IDS) into.add(text);
}

// Apollo reuses one parsed document per query text: the answer is computed once per operation node.
const personalByOperation = new WeakMap<OperationDefinitionNode, boolean>();

/** True when the operation (with the document's fragments) selects a personal-data type anywhere. */
function operationReadsPersonalData(schema: GraphQLSchema, operation: OperationDefinitionNode, fragments: Map<string, FragmentDefinitionNode>): boolean {
  let answer = personalByOperation.get(operation);
  if (answer === undefined) {
    answer = readsPersonalData(schema, { kind: Kind.DOCUMENT, definitions: [operation, ...fragments.values()] });
    personalByOperation.set(operation, answer);
  }
  return answer;
}

/** True when any field selected anywhere in the document returns a personal-data type. */
export function readsPersonalData(schema: GraphQLSchema, document: DocumentNode): boolean {
  const typeInfo = new TypeInfo(schema);
  let personal = false;
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field() {
        const type = typeInfo.getType();
        if (type && PERSONAL_TYPES.test(getNamedType(type).name)) personal = true;
      },
    }),
  );
  return personal;
}

/** Summarizes an executed operation for the audit trail. */
export function describeOperation(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown> | undefined): OperationSummary {
  const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]));
  const fields = rootFields(operation.selectionSet, fragments).filter((f) => !f.name.value.startsWith("__"));
  const ids = new Set<string>();
  const counter = { n: 0, visited: 0 };
  for (const field of fields) {
    for (const arg of field.arguments ?? []) collectIds(valueFromASTUntyped(arg.value, variables ?? {}), arg.name.value, ids, counter);
  }
  return {
    operationType: operation.operation,
    fields: [...new Set(fields.map((f) => f.name.value))],
    targetIds: [...ids],
    targetCount: counter.n,
    personalData: operation.operation === "query" && operationReadsPersonalData(schema, operation, fragments),
  };
}

/** Whether an operation belongs in the audit trail: every mutation, reads of personal data. */
export function shouldAudit(summary: OperationSummary): boolean {
  return summary.operationType === "mutation" || summary.personalData;
}
