import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { MaxTokensParserWLexer } from '@escape.tech/graphql-armor-max-tokens';
import {
  type ArgumentNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  GraphQLError,
  type GraphQLField,
  type GraphQLSchema,
  getArgumentValues,
  getOperationAST,
  getVariableValues,
  Kind,
  NoSchemaIntrospectionCustomRule,
  type OperationDefinitionNode,
  TypeInfo,
  type ValidationContext,
  type ValidationRule,
  validate,
  visit,
  visitWithTypeInfo,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Config } from '../config.js';
import { DEFAULT_PAGE_SIZE } from '../graphql/room-connection.js';

/** The `extensions.code` of each rejection, so clients can branch without reading messages. */
const LIMIT_CODES = {
  requestTooLarge: 'REQUEST_ENTITY_TOO_LARGE',
  tokens: 'TOKEN_LIMIT_EXCEEDED',
  depth: 'DEPTH_LIMIT_EXCEEDED',
  aliases: 'ALIAS_LIMIT_EXCEEDED',
  cost: 'COST_LIMIT_EXCEEDED',
  introspection: 'INTROSPECTION_DISABLED',
  badInput: 'BAD_USER_INPUT',
} as const;

type LimitSettings = Pick<
  Config,
  | 'maxDepth'
  | 'maxAliases'
  | 'maxTokens'
  | 'maxCost'
  | 'maxRequestBytes'
  | 'maxNodesIds'
  | 'introspection'
>;

/**
 * The Yoga plugins that bound what one request may ask for: body size, lexical tokens, depth,
 * aliases, estimated cost, ids in `nodes(ids:)`, and introspection. They come first in the
 * plugin list so an oversized or abusive request is refused before anything else works on it.
 */
export function queryLimitPlugins(config: LimitSettings): Plugin[] {
  const plugins: Plugin[] = [
    requestBodyLimit(config.maxRequestBytes),
    tokenLimit(config.maxTokens),
    shapeLimits(config),
    executionLimits(config),
  ];
  if (!config.introspection) {
    plugins.push(introspectionOff());
  }
  return plugins;
}

/** A rejection as a GraphQL error with a stable code; graphql-armor's "Syntax Error: " is dropped. */
function limitError(
  code: string,
  message: string,
  options: { http?: boolean; extensions?: Record<string, unknown> } = {},
): GraphQLError {
  return new GraphQLError(message.replace(/^Syntax Error: /, ''), {
    extensions: {
      code,
      ...options.extensions,
      // `spec: true`: 400 for application/graphql-response+json, 200 for plain JSON, as the
      // GraphQL-over-HTTP spec asks of a request that could not run; Yoga drops `http` from the body.
      ...(options.http === false ? {} : { http: { status: 400, spec: true } }),
    },
  });
}

function tooLargeResponse(maxBytes: number, fetchAPI: { Response: typeof Response }): Response {
  const body = {
    errors: [
      {
        message: `Request body is larger than ${maxBytes} bytes`,
        extensions: { code: LIMIT_CODES.requestTooLarge },
      },
    ],
  };
  return new fetchAPI.Response(JSON.stringify(body), {
    status: 413,
    headers: { 'content-type': 'application/json; charset=utf-8' },
  });
}

/**
 * Refuses a body over `maxBytes` with 413 before anything parses it. A declared length is
 * checked at once; a chunked body (no length) is read up to the limit and no further, then
 * handed on from memory, so a client cannot stream an endless body into the JSON parser.
 */
function requestBodyLimit(maxBytes: number): Plugin {
  return {
    async onRequest({ request, setRequest, endResponse, fetchAPI }) {
      const declared = request.headers.get('content-length');
      if (declared !== null) {
        if (Number(declared) > maxBytes) {
          endResponse(tooLargeResponse(maxBytes, fetchAPI));
        }
        return;
      }
      if (request.body === null) {
        return;
      }
      const body = await readAtMost(request.body, maxBytes);
      if (body === null) {
        endResponse(tooLargeResponse(maxBytes, fetchAPI));
        return;
      }
      setRequest(
        new fetchAPI.Request(request.url, {
          method: request.method,
          headers: request.headers,
          signal: request.signal,
          body,
        }),
      );
    },
  };
}

/** The whole stream if it holds at most `maxBytes`; null (and the rest left unread) if not. */
async function readAtMost(
  stream: ReadableStream<Uint8Array>,
  maxBytes: number,
): Promise<Uint8Array<ArrayBuffer> | null> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) {
      break;
    }
    length += value.byteLength;
    if (length > maxBytes) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  const body = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

/** Stops the parser at the first token past the limit, so a huge document is never built. */
function tokenLimit(maxTokens: number): Plugin {
  const reject = () => {
    // Yoga gives parse failures their HTTP status itself.
    throw limitError(LIMIT_CODES.tokens, `Query has more than ${maxTokens} tokens`, {
      http: false,
    });
  };
  return {
    onParse({ setParseFn }) {
      setParseFn((source, options) =>
        new MaxTokensParserWLexer(source, {
          ...options,
          n: maxTokens,
          onReject: [reject],
          propagateOnRejection: true,
        }).parseDocument(),
      );
    },
  };
}

/** Reports through the validation context, so the rejection is an ordinary validation error. */
const reportAs =
  (code: string) =>
  (context: ValidationContext | null, error: GraphQLError): void => {
    // Yoga gives validation failures their HTTP status itself.
    context?.reportError(limitError(code, error.message, { http: false }));
  };

/**
 * Depth and aliases depend on the document alone, so they run as validation rules and Yoga
 * caches their verdict with the document. Fragments do not count as a level: depth measures
 * how far the data nests, and `... on <Kind>RoomSettings` nests nothing.
 */
function shapeLimits(config: LimitSettings): Plugin {
  const rules: ValidationRule[] = [
    maxDepthRule({
      n: config.maxDepth,
      flattenFragments: true,
      onReject: [reportAs(LIMIT_CODES.depth)],
      propagateOnRejection: false,
    }),
    maxAliasesRule({
      n: config.maxAliases,
      onReject: [reportAs(LIMIT_CODES.aliases)],
      propagateOnRejection: false,
    }),
  ];
  return {
    onValidate({ addValidationRule }) {
      for (const rule of rules) {
        addValidationRule(rule);
      }
    },
  };
}

/**
 * Cost and the number of `nodes` ids depend on variables as well as the document, so they are
 * checked just before execution, once variables are known. (Yoga caches validation by document
 * alone: a cost rule there would let `first: $n` through with any `$n`.) Both read arguments
 * as execution will see them: variables coerced by graphql's own rules, so a variable's
 * default counts exactly as the same value sent.
 *
 * Every field costs 1 and `first` multiplies its subtree (a connection without `first` serves
 * its default page), so the cost is the most fields the response can hold: a full page of 100
 * rooms with every field is about 3 000, and a page of rooms each listing a page of its
 * provider's rooms is 100 times more. graphql-armor's default 1.5x per level would price depth
 * twice, and depth has its own limit.
 */
function executionLimits(config: LimitSettings): Plugin {
  const costRule = costLimitRule({
    maxCost: config.maxCost,
    objectCost: 1,
    scalarCost: 1,
    depthCostFactor: 1,
    flattenFragments: true,
    onReject: [reportAs(LIMIT_CODES.cost)],
    propagateOnRejection: false,
  });
  /** The verdict of a check: null when the operation may run, else the errors to answer. */
  type Verdict = readonly GraphQLError[] | null;
  const check = (
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: Record<string, unknown>,
  ): Verdict => {
    const ids = idListTotal(schema, document, operation, variables);
    if (ids && ids.count > config.maxNodesIds) {
      const { field, argument, count } = ids;
      return [
        limitError(
          LIMIT_CODES.badInput,
          `${field}(${argument}:) accepts at most ${config.maxNodesIds} ${argument}; got ${count} (counted over every nodes and _entities field of the operation)`,
          { extensions: { argument } },
        ),
      ];
    }
    const priced = withPageSizes(schema, document, operation, variables);
    const costErrors = validate(schema, priced, [costRule]);
    return costErrors.length > 0
      ? costErrors.map((error) => limitError(LIMIT_CODES.cost, error.message))
      : null;
  };
  // Yoga's parse cache hands the same document object to every request with the same query
  // text, so verdicts are kept per document, keyed by what the check reads of the variables.
  const verdicts = new WeakMap<DocumentNode, Map<string, Verdict>>();
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const operation = getOperationAST(args.document, args.operationName);
      if (!operation) {
        return;
      }
      const variables = coercedVariables(args.schema, operation, args.variableValues);
      if (!variables) {
        // Execution refuses them itself, naming the variable, and runs nothing.
        return;
      }
      let known = verdicts.get(args.document);
      if (!known) {
        known = new Map();
        verdicts.set(args.document, known);
      }
      const key = verdictKey(args.operationName, variables);
      let verdict = known.get(key);
      if (verdict === undefined) {
        verdict = check(args.schema, args.document, operation, variables);
        if (known.size >= VERDICTS_PER_DOCUMENT) {
          known.clear();
        }
        known.set(key, verdict);
      }
      if (verdict) {
        setResultAndStopExecution({ errors: [...verdict] });
      }
    },
  };
}

/** Distinct variable shapes remembered per document before its verdicts start over. */
const VERDICTS_PER_DOCUMENT = 64;

/**
 * The operation's variables as execution coerces them, defaults applied; null when they do
 * not coerce. An operation without variables skips the work.
 */
function coercedVariables(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  raw: Readonly<Record<string, unknown>> | null | undefined,
): Record<string, unknown> | null {
  const definitions = operation.variableDefinitions ?? [];
  if (definitions.length === 0) {
    return {};
  }
  const result = getVariableValues(schema, definitions, raw ?? {}, { maxErrors: 1 });
  return result.errors ? null : result.coerced;
}

/**
 * All the checks read of the variables: integers (page sizes) and list lengths (`nodes` ids,
 * `_entities` representations), top-level only. Strings and objects do not change a verdict,
 * so they share one key.
 */
function verdictKey(
  operationName: string | null | undefined,
  variables: Record<string, unknown>,
): string {
  let key = operationName ?? '';
  for (const name in variables) {
    const value = variables[name];
    if (typeof value === 'number') {
      key += `|${name}=${value}`;
    } else if (Array.isArray(value)) {
      key += `|${name}#${value.length}`;
    }
  }
  return key;
}

/** The field's arguments as execution will see them, or null when they do not coerce. */
function argumentsOf(
  field: GraphQLField<unknown, unknown> | null | undefined,
  node: FieldNode,
  variables: Record<string, unknown>,
): Record<string, unknown> | null {
  if (!field) {
    return null;
  }
  try {
    return getArgumentValues(field, node, variables);
  } catch {
    // Execution reports it on the field.
    return null;
  }
}

/**
 * The operation alone, with each `first` written out as the literal execution will use (from a
 * variable, its default, or the connection's default page when left out), so the cost model,
 * which reads literals only, prices `rooms(first: $n)` at `$n` rooms. Other operations in the
 * document are dropped: only the one that runs is priced.
 */
function withPageSizes(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
): DocumentNode {
  const onlyThisOperation: DocumentNode = {
    ...document,
    definitions: document.definitions.filter(
      (definition) => definition.kind !== Kind.OPERATION_DEFINITION || definition === operation,
    ),
  };
  const typeInfo = new TypeInfo(schema);
  return visit(
    onlyThisOperation,
    visitWithTypeInfo(typeInfo, {
      Field(node: FieldNode) {
        const field = typeInfo.getFieldDef();
        if (!field?.args.some((argument) => argument.name === 'first')) {
          return undefined;
        }
        const first = argumentsOf(field, node, variables)?.first;
        const size = typeof first === 'number' ? first : DEFAULT_PAGE_SIZE;
        const pageSize: ArgumentNode = {
          kind: Kind.ARGUMENT,
          name: { kind: Kind.NAME, value: 'first' },
          value: { kind: Kind.INT, value: String(size) },
        };
        return {
          ...node,
          arguments: [
            ...(node.arguments ?? []).filter((argument) => argument.name.value !== 'first'),
            pageSize,
          ],
        };
      },
    }),
  );
}

/**
 * The root fields that take a list of rooms to load, one upstream call each at worst, and the
 * argument holding it: `maxNodesIds` caps them together, so neither a federation gateway's
 * `_entities` nor a second alias is a way around the limit on `nodes`.
 */
const ID_LIST_ARGUMENTS: ReadonlyMap<string, string> = new Map([
  ['nodes', 'ids'],
  ['_entities', 'representations'],
]);

/**
 * How many ids the operation asks to load in all: the sum over every `nodes` and `_entities`
 * field it runs, aliases and fragments included, with lists as execution coerces them. A field
 * runs once per response key, however many fragments repeat it, so each key counts once. The
 * field named is the one asking for the most.
 */
function idListTotal(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
): { field: string; argument: string; count: number } | null {
  const typeInfo = new TypeInfo(schema);
  const queryType = schema.getQueryType();
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) {
      fragments.set(definition.name.value, definition);
    }
  }
  const counted = new Set<string>();
  let total = 0;
  // The field asking for the most, which the error names.
  const largest = { field: '', argument: '', count: -1 };
  // The operation, then each fragment it reaches, once: a fragment only another operation of
  // the document spreads does not count against this one.
  const pending: (OperationDefinitionNode | FragmentDefinitionNode)[] = [operation];
  const reached = new Set<string>();
  for (let definition = pending.pop(); definition; definition = pending.pop()) {
    visit(
      definition,
      visitWithTypeInfo(typeInfo, {
        FragmentSpread(spread) {
          const fragment = fragments.get(spread.name.value);
          if (fragment && !reached.has(spread.name.value)) {
            reached.add(spread.name.value);
            pending.push(fragment);
          }
        },
        Field(node) {
          const name = node.name.value;
          const argument = ID_LIST_ARGUMENTS.get(name);
          const responseKey = node.alias?.value ?? name;
          if (!argument || typeInfo.getParentType() !== queryType || counted.has(responseKey)) {
            return;
          }
          counted.add(responseKey);
          const list = argumentsOf(typeInfo.getFieldDef(), node, variables)?.[argument];
          const count = Array.isArray(list) ? list.length : 0;
          total += count;
          if (count > largest.count) {
            Object.assign(largest, { field: name, argument, count });
          }
        },
      }),
    );
  }
  return largest.count < 0 ? null : { ...largest, count: total };
}

/**
 * Introspection off: graphql-js's own rule refuses `__schema` and `__type` (not `__typename`),
 * and "Did you mean ...?" hints are cut from every error, since they would spell out the
 * schema piece by piece.
 */
function introspectionOff(): Plugin {
  const rule: ValidationRule = (context) =>
    NoSchemaIntrospectionCustomRule(
      Object.create(context, {
        reportError: {
          value: (error: GraphQLError) =>
            context.reportError(
              new GraphQLError('Introspection is disabled on this server', {
                nodes: error.nodes,
                extensions: { code: LIMIT_CODES.introspection },
              }),
            ),
        },
      }) as ValidationContext,
    );
  // Federation's `_service { sdl }` prints the whole schema too: refused alike.
  const serviceRule: ValidationRule = (context) => ({
    Field(node) {
      if (node.name.value === '_service' && context.getParentType()?.name === 'Query') {
        context.reportError(
          new GraphQLError('Introspection is disabled on this server', {
            nodes: [node],
            extensions: { code: LIMIT_CODES.introspection },
          }),
        );
      }
    },
  });
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(rule);
      addValidationRule(serviceRule);
    },
    onResultProcess({ result, setResult }) {
      if (Array.isArray(result) || Symbol.asyncIterator in result) {
        return;
      }
      if (result.errors?.length) {
        setResult({ ...result, errors: result.errors.map(withoutSuggestions) });
      }
    },
  };
}

const SUGGESTION = / ?Did you mean [^?]*\?/g;

function withoutSuggestions(error: GraphQLError): GraphQLError {
  const message = error.message.replace(SUGGESTION, '');
  if (message === error.message) {
    return error;
  }
  return new GraphQLError(message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: error.extensions,
  });
}
