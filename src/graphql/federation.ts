import { decodeGlobalID } from '@pothos/plugin-relay';
import {
  type ConstDirectiveNode,
  type DocumentNode,
  GraphQLError,
  type GraphQLFieldConfig,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLScalarType,
  GraphQLSchema,
  GraphQLString,
  GraphQLUnionType,
  isObjectType,
  Kind,
  lexicographicSortSchema,
  parse,
  print,
  printSchema,
} from 'graphql';
import type { Context } from '../context.js';
import { resolveNode } from './resolve-node.js';
import { ForbiddenError } from './types/forbidden-error.js';

// Apollo Federation 2 subgraph support, by hand rather than through `@pothos/plugin-federation`:
// that plugin imports `@pothos/plugin-directives` when it loads, which is not installed, so
// importing it fails. What a subgraph needs is small: `@key` on the entities in the SDL that
// `_service` hands the gateway, and `_entities` to load them by key.

/**
 * Only `@key` is used, which every 2.x version has; 2.3 rather than the newest so that older
 * gateways and routers still compose this subgraph.
 */
const FEDERATION_SPEC_URL = 'https://specs.apollo.dev/federation/v2.3';

/**
 * The entities, each keyed by its Relay global id. A gateway holds nothing but that id, and it
 * already names the account and the room, so it is all `_entities` needs to load one.
 */
const ENTITY_TYPES = ['Provider', 'Room'] as const;

/** The scope `_entities` needs: it reads rooms, as `node` and `nodes` do. */
const ENTITIES_SCOPE = 'rooms:read';

/**
 * The subgraph SDL for `_service` and `schema/subgraph.graphql`: the public schema with `@key` on
 * each entity and the `@link` that imports it. graphql-js keeps applied directives only in AST
 * nodes, which Pothos-built types lack, so they are added to the printed SDL's AST instead.
 */
export function printSubgraphSdl(publicSchema: GraphQLSchema): string {
  const document = parse(printSchema(publicSchema));
  const keyed = new Set<string>(ENTITY_TYPES);
  const definitions = document.definitions.map((definition) => {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION || !keyed.has(definition.name.value)) {
      return definition;
    }
    keyed.delete(definition.name.value);
    return {
      ...definition,
      directives: [...(definition.directives ?? []), directive('key', { fields: 'id' })],
    };
  });
  if (keyed.size > 0) {
    throw new Error(`Federation entities missing from the schema: ${[...keyed].join(', ')}`);
  }
  const link: DocumentNode['definitions'][number] = {
    kind: Kind.SCHEMA_EXTENSION,
    directives: [directive('link', { url: FEDERATION_SPEC_URL, import: ['@key'] })],
  };
  return print({ ...document, definitions: [link, ...definitions] });
}

/** `@name(arg: "value", ...)`, for the few string and string-list arguments used here. */
function directive(name: string, args: Record<string, string | string[]>): ConstDirectiveNode {
  const stringValue = (value: string) => ({ kind: Kind.STRING, value }) as const;
  return {
    kind: Kind.DIRECTIVE,
    name: { kind: Kind.NAME, value: name },
    arguments: Object.entries(args).map(([argument, value]) => ({
      kind: Kind.ARGUMENT,
      name: { kind: Kind.NAME, value: argument },
      value: Array.isArray(value)
        ? { kind: Kind.LIST, values: value.map(stringValue) }
        : stringValue(value),
    })),
  };
}

/** What a gateway sends for each entity it wants: the type and the key fields. */
const AnyScalar = new GraphQLScalarType({
  name: '_Any',
  description: 'An entity representation sent by a federation gateway: `__typename` and `id`.',
});

const ServiceType = new GraphQLObjectType<{ sdl: string }>({
  name: '_Service',
  description: 'This subgraph as a federation gateway reads it.',
  fields: {
    sdl: {
      type: GraphQLString,
      description: 'The subgraph SDL, with its federation directives.',
    },
  },
});

/**
 * The public schema plus what a federation gateway calls: `_service` (the subgraph SDL) and
 * `_entities` (entities by key). This is the schema the service serves, so any client may call
 * them; `_entities` needs the same scope as `nodes`.
 */
export function toSubgraphSchema(
  publicSchema: GraphQLSchema,
  sdl = printSubgraphSdl(publicSchema),
): GraphQLSchema {
  const config = publicSchema.toConfig();
  const queryType = publicSchema.getQueryType();
  if (!queryType) {
    throw new Error('A subgraph needs a Query type');
  }
  const entityType = new GraphQLUnionType({
    name: '_Entity',
    description: 'Every type a federation gateway may load through `_entities`.',
    types: ENTITY_TYPES.map((name) => {
      const type = publicSchema.getType(name);
      if (!isObjectType(type)) {
        throw new Error(`Federation entity ${name} is not an object type`);
      }
      return type;
    }),
  });
  const entitiesField: GraphQLFieldConfig<unknown, Context, { representations: unknown[] }> = {
    type: new GraphQLNonNull(new GraphQLList(entityType)),
    description:
      'Loads entities by key for a federation gateway, through the same per-request loader as `nodes`; null for each that does not exist. A failure is reported at its own index. Needs the rooms:read scope.',
    args: {
      representations: {
        type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(AnyScalar))),
      },
    },
    resolve: (_root, args, context) => {
      // Added after Pothos built the schema, so the scope-auth plugin never sees this field.
      if (!context.client.scopes.has(ENTITIES_SCOPE)) {
        throw new ForbiddenError([ENTITIES_SCOPE]);
      }
      return args.representations.map((representation) => resolveEntity(representation, context));
    },
  };
  const serviceField: GraphQLFieldConfig<unknown, Context> = {
    type: new GraphQLNonNull(ServiceType),
    description: 'The subgraph SDL, for a federation gateway composing this service.',
    resolve: () => ({ sdl }),
  };
  const query = new GraphQLObjectType({
    ...queryType.toConfig(),
    fields: () => ({
      ...queryType.toConfig().fields,
      _entities: entitiesField as GraphQLFieldConfig<unknown, unknown>,
      _service: serviceField as GraphQLFieldConfig<unknown, unknown>,
    }),
  });
  return lexicographicSortSchema(
    new GraphQLSchema({
      ...config,
      query,
      types: [...config.types.filter((type) => type !== queryType), AnyScalar, ServiceType],
    }),
  );
}

/**
 * One representation, loaded as `node` loads its id: a Room through the request's loader, so
 * `_entities`, `nodes` and `room` share upstream calls, and a Provider from the registry. A
 * representation whose `__typename` differs from the type inside its id is null, as an unknown
 * id is. Async, so a bad representation rejects at its own index instead of failing the list.
 */
async function resolveEntity(representation: unknown, context: Context) {
  if (
    typeof representation !== 'object' ||
    representation === null ||
    !('__typename' in representation) ||
    !('id' in representation) ||
    typeof representation.__typename !== 'string' ||
    typeof representation.id !== 'string'
  ) {
    throw new GraphQLError('An entity representation needs a string `__typename` and `id`', {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  if (!(ENTITY_TYPES as readonly string[]).includes(representation.__typename)) {
    // The client's typename is not echoed back: it could be anything, of any length.
    throw new GraphQLError(`__typename is not one of ${ENTITY_TYPES.join(', ')}`, {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  // Throws "Invalid global ID" for a malformed id, which the app reports as BAD_USER_INPUT,
  // exactly as it does for `node` and `nodes`.
  const globalId = decodeGlobalID(representation.id);
  return globalId.typename === representation.__typename ? resolveNode(globalId, context) : null;
}
