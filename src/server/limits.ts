import {
  GraphQLError,
  Kind,
  visit,
  type ASTVisitor,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type SelectionSetNode,
  type ValidationContext,
} from "graphql";
import { getComplexity, simpleEstimator, fieldExtensionsEstimator, type ComplexityEstimator } from "graphql-query-complexity";
import type { ApolloServerPlugin } from "@apollo/server";

export interface QueryLimits {
  maxDepth: number;
  maxCost: number;
  maxAliases: number;
  maxOperations: number;
}

function limitError(name: string, message: string, max: number, actual: number): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "GRAPHQL_VALIDATION_FAILED", limit: { name, max, actual }, http: { status: 400 } } });
}

/** Deepest selection of a selection set, following fragments (each fragment once per path). */
function depthOf(set: SelectionSetNode | undefined, fragments: Map<string, FragmentDefinitionNode>, seen: Set<string>): number {
  if (!set) return 0;
  let deepest = 0;
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value.startsWith("__")) continue;
      deepest = Math.max(deepest, selection.selectionSet ? 1 + depthOf(selection.selectionSet, fragments, seen) : 1);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      deepest = Math.max(deepest, depthOf(selection.selectionSet, fragments, seen));
    } else {
      const name = selection.name.value;
      const fragment = fragments.get(name);
      if (!fragment || seen.has(name)) continue;
      deepest = Math.max(deepest, depthOf(fragment.selectionSet, fragments, new Set(seen).add(name)));
    }
  }
  return deepest;
}

function countAliases(document: DocumentNode): number {
  let aliases = 0;
  const visit = (set: SelectionSetNode | undefined) => {
    for (const selection of set?.selections ?? []) {
      if (selection.kind === Kind.FIELD && selection.alias) aliases++;
      if (selection.kind !== Kind.FRAGMENT_SPREAD) visit(selection.selectionSet);
    }
  };
  for (const definition of document.definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION || definition.kind === Kind.FRAGMENT_DEFINITION) visit(definition.selectionSet);
  }
  return aliases;
}

/** Validation rules for depth, aliases and operations per document. */
export function limitRules(limits: QueryLimits) {
  const rule = (context: ValidationContext): ASTVisitor => ({
    Document: {
      leave(document) {
        const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
        if (operations.length > limits.maxOperations) {
          context.reportError(limitError("operations", `The document has ${operations.length} operations; the maximum is ${limits.maxOperations}`, limits.maxOperations, operations.length));
        }
        const aliases = countAliases(document);
        if (aliases > limits.maxAliases) {
          context.reportError(limitError("aliases", `The document uses ${aliases} aliases; the maximum is ${limits.maxAliases}`, limits.maxAliases, aliases));
        }
        const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]));
        for (const operation of operations) {
          if (operation.kind !== Kind.OPERATION_DEFINITION) continue;
          const depth = depthOf(operation.selectionSet, fragments, new Set());
          if (depth > limits.maxDepth) {
            context.reportError(limitError("depth", `The query is ${depth} levels deep; the maximum is ${limits.maxDepth}`, limits.maxDepth, depth));
          }
        }
      },
    },
  });
  return [rule];
}

/** List fields cost their children times the page size they ask for (`first`, `n`, `limit`). */
const listSizeEstimator: ComplexityEstimator = ({ args, childComplexity }) => {
  const size = [args.first, args.n, args.limit, args.last].find((v) => typeof v === "number" && v > 0) as number | undefined;
  if (size === undefined) return undefined;
  return 1 + childComplexity * size;
};

/** Deepest JSON nesting accepted in variables (objects and arrays). */
export const MAX_VARIABLE_NESTING = 100;
/** Longest list accepted anywhere in variables (batch mutations allow 1,000 items). */
export const MAX_VARIABLE_LIST = 10_000;

// NUL and unpaired UTF-16 surrogates: PostgreSQL text and jsonb cannot hold them.
// eslint-disable-next-line no-control-regex -- NUL is exactly what this looks for
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/** A cheap pre-check: only text with NUL or a surrogate can fail `UNSTORABLE`. */
// eslint-disable-next-line no-control-regex -- as above
const MAYBE_UNSTORABLE = /[\u0000\ud800-\udfff]/;

/** What is wrong with variables that cannot be processed safely: where, and why. */
export interface VariablesProblem {
  path: string;
  message: string;
}

/**
 * Why variables are too deep, too long or hold text the database cannot store, or null.
 * Iterative, so any depth is safe; runs before the recursive walks (cost, coercion, validation)
 * that would overflow the stack or spend seconds on a list far beyond every batch limit.
 */
export function variablesProblem(value: unknown): VariablesProblem | null {
  // Paths are built only for a problem (a node keeps its parent and its key or index).
  type Node = { v: unknown; depth: number; parent: Node | null; key: string | number | null };
  const pathOf = (n: Node): string => {
    if (!n.parent) return "";
    const parent = pathOf(n.parent); // depth is capped, so is this recursion
    return typeof n.key === "number" ? `${parent}[${n.key}]` : parent ? `${parent}.${n.key}` : String(n.key);
  };
  const stack: Node[] = [{ v: value, depth: 0, parent: null, key: null }];
  while (stack.length) {
    const node = stack.pop()!;
    const v = node.v;
    if (typeof v === "string") {
      if (MAYBE_UNSTORABLE.test(v) && UNSTORABLE.test(v)) return { path: pathOf(node), message: "contains a NUL character or an unpaired surrogate, which cannot be stored" };
      continue;
    }
    if (v === null || typeof v !== "object") continue;
    if (node.depth >= MAX_VARIABLE_NESTING) return { path: pathOf(node), message: `is nested more than ${MAX_VARIABLE_NESTING} levels deep` };
    if (Array.isArray(v)) {
      if (v.length > MAX_VARIABLE_LIST) return { path: pathOf(node), message: `has ${v.length} items; the maximum is ${MAX_VARIABLE_LIST}` };
      for (let i = 0; i < v.length; i++) stack.push({ v: v[i], depth: node.depth + 1, parent: node, key: i });
    } else {
      for (const key of Object.keys(v)) {
        const child: Node = { v: (v as Record<string, unknown>)[key], depth: node.depth + 1, parent: node, key };
        if (MAYBE_UNSTORABLE.test(key) && UNSTORABLE.test(key)) return { path: pathOf(child), message: "has a key with a NUL character or an unpaired surrogate" };
        stack.push(child);
      }
    }
  }
  return null;
}

const literalProblems = new WeakMap<DocumentNode, VariablesProblem | null>();

/** The same check for string literals written in the document itself (once per parsed document). */
function literalProblem(document: DocumentNode): VariablesProblem | null {
  if (literalProblems.has(document)) return literalProblems.get(document)!;
  const found = findLiteralProblem(document);
  literalProblems.set(document, found);
  return found;
}

function findLiteralProblem(document: DocumentNode): VariablesProblem | null {
  let found: VariablesProblem | null = null;
  visit(document, {
    StringValue(node) {
      if (!found && UNSTORABLE.test(node.value)) found = { path: `document (line ${node.loc?.startToken.line ?? "?"})`, message: "a string contains a NUL character or an unpaired surrogate, which cannot be stored" };
    },
  });
  return found;
}

/** The variables a cost can depend on: top-level numbers (page sizes) and booleans (@include/@skip). */
const costKey = (variables: Record<string, unknown>) => JSON.stringify(Object.entries(variables).map(([k, v]) => (typeof v === "number" || typeof v === "boolean" ? [k, v] : k)));

/**
 * Rejects operations whose estimated cost exceeds the limit, before anything executes.
 * Apollo reuses one parsed document per query text, so costs are cached per document,
 * operation and variables (the hot path pays a map lookup, not a traversal).
 */
export function costLimitPlugin(schema: () => GraphQLSchema, maxCost: number): ApolloServerPlugin {
  const costs = new WeakMap<DocumentNode, Map<string, number>>();
  const estimators = [fieldExtensionsEstimator(), listSizeEstimator, simpleEstimator({ defaultComplexity: 1 })];
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          let byVariables = costs.get(document);
          if (!byVariables) costs.set(document, (byVariables = new Map()));
          // Deeply nested variables would overflow the stack of every recursive walk below (a 500).
          const problem = (request.variables ? variablesProblem(request.variables) : null) ?? literalProblem(document);
          if (problem) throw new GraphQLError(`${problem.path || "variables"}: ${problem.message}`, { extensions: { code: "BAD_USER_INPUT", problems: [problem], http: { status: 400 } } });
          // Costs read top-level numbers (page sizes) and booleans (@include/@skip) only: ids, filters and batches
          // (input objects, lists) that differ per request share one entry. A variable of the wrong type still fails
          // when execution coerces it.
          const key = `${request.operationName ?? ""}\u0000${request.variables ? costKey(request.variables) : ""}`;
          let cost = byVariables.get(key);
          if (cost === undefined) {
            try {
              cost = getComplexity({ schema: schema(), query: document, operationName: request.operationName, variables: request.variables, estimators });
            } catch (error) {
              // Variables that do not fit their declared types fail here first: a client error, not a 500.
              throw new GraphQLError(error instanceof Error ? error.message : "Invalid variables", { extensions: { code: "BAD_USER_INPUT", http: { status: 400 } } });
            }
            // Bounded: documents with ever-changing variables don't grow the cache without limit.
            if (byVariables.size < 100) byVariables.set(key, cost);
          }
          if (cost > maxCost) {
            throw limitError("cost", `The query's estimated cost is ${cost}; the maximum is ${maxCost}. Ask for smaller pages or fewer fields.`, maxCost, cost);
          }
        },
      };
    },
  };
}
