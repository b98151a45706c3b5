import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';

/**
 * Validates HTTP messages against an OpenAPI 3.1 document for contract tests: the requests an
 * adapter sent and the responses an emulator returned must both be things the provider documents.
 * Checks return readable strings (empty = valid) rather than throwing, so one test can report every
 * violation in a request log at once.
 */

type Json = { [key: string]: unknown };
type Values = Readonly<Record<string, string | readonly string[] | undefined>>;

export interface ContractRequest {
  readonly method: string;
  /** Full path including basePath; a `?query` suffix is parsed when `query` is not given. */
  readonly path: string;
  readonly query?: Values;
  /** When given, declared header parameters and the body's content-type are checked too. */
  readonly headers?: Values;
  /** Parsed JSON body; `undefined` means no body was sent (as in the emulators' request log). */
  readonly body?: unknown;
}

export interface ContractResponse {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  /** Parsed JSON body; `undefined` means the response had no body. */
  readonly body?: unknown;
}

export interface ResolvedOperation {
  readonly method: string;
  /** The spec's path template, e.g. `/rooms/{id}`. */
  readonly template: string;
  readonly operationId: string | undefined;
}

export interface OpenApiContractOptions {
  /** Prefix of every request path that the spec's paths are relative to, e.g. `/api/video`. */
  readonly basePath: string;
  /**
   * Close every object schema that lists `properties` but says nothing about other keys
   * (`unevaluatedProperties: false`). The document leaves them open, so without this an adapter
   * and an emulator could agree on a key the provider never documented.
   */
  readonly sealObjects?: boolean;
}

export interface OpenApiContract {
  validateRequest(request: ContractRequest): string[];
  validateResponse(response: ContractResponse): string[];
  /** The operation a method and full path resolve to; undefined when none does. */
  resolveOperation(method: string, path: string): ResolvedOperation | undefined;
}

interface Param {
  readonly name: string;
  readonly in: string;
  readonly required: boolean;
  /** JSON pointer of the parameter's schema inside the document. */
  readonly schema: string;
  /** The schema's JSON type(s), to read the wire's strings as numbers or booleans. */
  readonly type: unknown;
}

interface Operation extends ResolvedOperation {
  readonly pointer: string;
  readonly segments: readonly string[];
  readonly literalCount: number;
  /** Path parameters whose schema narrows a plain string (format, pattern, enum, …). */
  readonly constrainedCount: number;
  readonly params: readonly Param[];
}

type Resolution = { op: Operation; pathParams: Record<string, string> } | { error: string };

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const CONSTRAINTS = ['format', 'pattern', 'enum', 'const', 'minLength', 'maxLength', '$ref'];
// Keywords whose values are instance data, not schemas: normalize() must not rewrite inside them.
const DATA_KEYWORDS = new Set(['example', 'examples', 'enum', 'const']);

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const escapeToken = (token: string) => token.replaceAll('~', '~0').replaceAll('/', '~1');
const unescapeToken = (token: string) => token.replaceAll('~1', '/').replaceAll('~0', '~');
const isTemplated = (segment: string) => /^\{[^}]+\}$/.test(segment);
const isJson = (mediaType: string) => /^application\/(.+\+)?json$/i.test(mediaType);
const contentSchema = (pointer: string, mediaType: string) =>
  `${pointer}/content/${escapeToken(mediaType)}/schema`;

// ajv-formats is CommonJS: under NodeNext its default import is typed as the module object, and at
// runtime the plugin function carries itself as `default`, so `.default` is right in both worlds.
const addFormats = addFormatsModule.default;

export function loadOpenApiContract(
  specPath: string,
  options: OpenApiContractOptions,
): OpenApiContract {
  const doc = parse(readFileSync(specPath, 'utf8')) as Json;
  // An $id lets every compiled schema point into the one registered document, so the document's
  // own `#/components/...` refs resolve without copying schemas around.
  const docId = pathToFileURL(specPath).href;
  doc.$id = docId;
  normalize(doc, undefined, options.sealObjects ?? false);

  // strict: false lets OpenAPI-only keywords (examples, discriminator, …) through; allErrors so a
  // test sees every violation in a message, not only the first.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(doc);
  const cache = new Map<string, ValidateFunction>();
  const compiled = (key: string, make: () => ValidateFunction) => {
    const validate = cache.get(key) ?? make();
    cache.set(key, validate);
    return validate;
  };
  const ref = (pointer: string) => ({
    $ref: `${docId}#${pointer.split('/').map(encodeURIComponent).join('/')}`,
  });
  const at = (pointer: string): unknown =>
    pointer
      .split('/')
      .slice(1)
      .reduce<unknown>(
        // Arrays included: parameters are addressed as `.../parameters/0`.
        (node, t) =>
          typeof node === 'object' && node ? (node as Json)[unescapeToken(t)] : undefined,
        doc,
      );
  // Path items, parameters, request bodies and responses may themselves be $refs.
  const deref = (pointer: string): { pointer: string; value: unknown } => {
    let value = at(pointer);
    while (isObject(value) && typeof value.$ref === 'string' && value.$ref.startsWith('#/')) {
      pointer = value.$ref.slice(1);
      value = at(pointer);
    }
    return { pointer, value };
  };
  // The JSON type of a parameter schema, looking through `$ref`, `allOf: [$ref]` wrappers and
  // nullable `anyOf: [{type: integer}, {type: 'null'}]`.
  const typeOf = (pointer: string): unknown => {
    const { pointer: found, value } = deref(pointer);
    if (!isObject(value) || value.type !== undefined) {
      return isObject(value) ? value.type : undefined;
    }
    return ['allOf', 'anyOf', 'oneOf']
      .flatMap((k) => (Array.isArray(value[k]) ? value[k].map((_, i) => `${found}/${k}/${i}`) : []))
      .map(typeOf)
      .find((type) => type !== undefined && type !== 'null');
  };

  const operations: Operation[] = [];
  for (const template of Object.keys(isObject(doc.paths) ? doc.paths : {})) {
    const item = deref(`/paths/${escapeToken(template)}`);
    const segments = template.split('/').slice(1);
    for (const method of METHODS.filter((m) => isObject(at(`${item.pointer}/${m}`)))) {
      const pointer = `${item.pointer}/${method}`;
      // Operation-level parameters override path-level ones with the same name and location.
      const params = new Map<string, Param>();
      for (const owner of [item.pointer, pointer]) {
        const count = (at(`${owner}/parameters`) as unknown[] | undefined)?.length ?? 0;
        for (let i = 0; i < count; i++) {
          const { pointer: found, value } = deref(`${owner}/parameters/${i}`);
          if (isObject(value) && typeof value.name === 'string') {
            const name = value.in === 'header' ? value.name.toLowerCase() : value.name;
            const [required, schema] = [value.required === true, `${found}/schema`];
            const param = { name, in: String(value.in), required, schema, type: typeOf(schema) };
            params.set(`${param.in}:${name}`, param);
          }
        }
      }
      const constrainedCount = [...params.values()].filter((p) => {
        const schema = deref(p.schema).value;
        return p.in === 'path' && isObject(schema) && CONSTRAINTS.some((k) => k in schema);
      }).length;
      const operationId = at(`${pointer}/operationId`);
      operations.push({
        method: method.toUpperCase(),
        template,
        operationId: typeof operationId === 'string' ? operationId : undefined,
        pointer,
        segments,
        literalCount: segments.filter((s) => !isTemplated(s)).length,
        constrainedCount,
        params: [...params.values()],
      });
    }
  }

  function validateParams(op: Operation, location: string, values: Values): string[] {
    const declared = op.params.filter((p) => p.in === location);
    const validate = compiled(`${op.pointer}:${location}`, () =>
      ajv.compile({
        type: 'object',
        properties: Object.fromEntries(declared.map((p) => [p.name, ref(p.schema)])),
        required: declared.filter((p) => p.required).map((p) => p.name),
        // An undeclared query parameter is an error; headers carry far more than specs list.
        additionalProperties: location !== 'query',
      }),
    );
    const data: Json = { ...values };
    for (const p of declared) {
      data[p.name] = coerce(data[p.name], p.type);
    }
    const label = `${op.method} ${op.template} ${location} parameter`;
    return validate(data)
      ? []
      : describeErrors(validate.errors).map(({ path, keyword, params, message }) => {
          if (keyword === 'required') {
            return `${label} ${params.missingProperty} is required`;
          }
          if (keyword === 'additionalProperties') {
            return `${label} ${params.additionalProperty} is not declared by the operation`;
          }
          const [, name = '', ...rest] = path.split('/');
          return `${label} ${unescapeToken(name)}:${rest.map((t) => `/${t}`).join('')} ${message}`;
        });
  }

  function validateSchema(pointer: string, value: unknown, label: string): string[] {
    const validate = compiled(pointer, () => ajv.compile(ref(pointer)));
    return validate(value)
      ? []
      : describeErrors(validate.errors).map(
          ({ path, message }) => `${label}: ${path ? `${path} ` : ''}${message}`,
        );
  }

  function resolve(method: string, fullPath: string): Resolution {
    const upper = method.toUpperCase();
    const missing = `no operation ${upper} ${fullPath} in the spec`;
    const base = options.basePath.replace(/\/$/, '');
    if (fullPath !== base && !fullPath.startsWith(`${base}/`)) {
      return { error: `${missing} (outside basePath ${options.basePath})` };
    }
    const segments = (fullPath.slice(base.length) || '/').split('/').slice(1).map(decodeSegment);
    const shaped = operations.filter(
      (op) =>
        op.segments.length === segments.length &&
        op.segments.every((s, i) => (isTemplated(s) ? segments[i] !== '' : s === segments[i])),
    );
    const ranked = shaped
      .filter((op) => op.method === upper)
      .map((op, order) => {
        const pathParams: Record<string, string> = {};
        op.segments.forEach((s, i) => {
          if (isTemplated(s)) {
            pathParams[s.slice(1, -1)] = segments[i] ?? '';
          }
        });
        const valid = validateParams(op, 'path', pathParams).length === 0;
        return { op, pathParams, valid, order };
      })
      // OpenAPI matches concrete segments before templated ones. Among equally concrete templates
      // (`/rooms/{id}` vs `/rooms/{name}`) the one whose parameter schemas accept the values wins,
      // then the stricter schema (a uuid also passes a plain string), then document order.
      .sort(
        (a, b) =>
          b.op.literalCount - a.op.literalCount ||
          Number(b.valid) - Number(a.valid) ||
          b.op.constrainedCount - a.op.constrainedCount ||
          a.order - b.order,
      );
    if (ranked[0]) {
      return ranked[0];
    }
    const declared = [...new Set(shaped.map((op) => `${op.method} ${op.template}`))];
    return { error: missing + (declared.length ? ` (declared: ${declared.join(', ')})` : '') };
  }

  return {
    resolveOperation(method, path) {
      const found = resolve(method, path.split('?')[0] ?? path);
      return 'op' in found
        ? {
            method: found.op.method,
            template: found.op.template,
            operationId: found.op.operationId,
          }
        : undefined;
    },

    validateRequest({ method, path, query, headers, body }) {
      const [pathOnly = path, search] = path.split('?');
      const found = resolve(method, pathOnly);
      if ('error' in found) {
        return [found.error];
      }
      const { op, pathParams } = found;
      const label = `${op.method} ${op.template} request body`;
      const lowered = Object.fromEntries(
        Object.entries(headers ?? {}).map(([key, value]) => [key.toLowerCase(), value]),
      );
      const errors = [
        ...validateParams(op, 'path', pathParams),
        ...validateParams(op, 'query', query ?? Object.fromEntries(new URLSearchParams(search))),
        ...(headers ? validateParams(op, 'header', lowered) : []),
      ];
      const requestBody = deref(`${op.pointer}/requestBody`);
      if (!isObject(requestBody.value)) {
        return body === undefined ? errors : [...errors, `${label}: sent, but none is declared`];
      }
      if (body === undefined) {
        const required = requestBody.value.required === true;
        return required ? [...errors, `${label}: required, but none was sent`] : errors;
      }
      const content = isObject(requestBody.value.content) ? requestBody.value.content : {};
      const sentType = String(lowered['content-type'] ?? '')
        .split(';')[0]
        ?.trim()
        .toLowerCase();
      const mediaType = sentType || Object.keys(content).find(isJson) || 'none';
      if (!(mediaType in content)) {
        return [...errors, `${label}: content-type ${mediaType} is not declared`];
      }
      const schema = contentSchema(requestBody.pointer, mediaType);
      return isJson(mediaType) && at(schema) !== undefined
        ? [...errors, ...validateSchema(schema, body, label)]
        : errors;
    },

    validateResponse({ method, path, status, body }) {
      const found = resolve(method, path.split('?')[0] ?? path);
      if ('error' in found) {
        return [found.error];
      }
      const label = `${found.op.method} ${found.op.template} response ${status}`;
      const responses = at(`${found.op.pointer}/responses`);
      const keys = Object.keys(isObject(responses) ? responses : {});
      const key =
        keys.find((k) => k === String(status)) ??
        keys.find((k) => k.toUpperCase() === `${String(status)[0]}XX`) ??
        keys.find((k) => k === 'default');
      if (!key) {
        return [`${label}: status not declared by the operation (declares ${keys.join(', ')})`];
      }
      const response = deref(`${found.op.pointer}/responses/${escapeToken(key)}`);
      const content = isObject(response.value) ? response.value.content : undefined;
      const mediaTypes = Object.keys(isObject(content) ? content : {});
      // 204 and 304 never carry a body, whatever the document says.
      if (status === 204 || status === 304 || mediaTypes.length === 0) {
        return body === undefined ? [] : [`${label}: declares no content, but a body was returned`];
      }
      if (body === undefined) {
        return [`${label}: declares content, but no body was returned`];
      }
      const mediaType = mediaTypes.find(isJson);
      const schema = mediaType && contentSchema(response.pointer, mediaType);
      // Without a JSON media type there is nothing this helper can check the body against.
      return schema && at(schema) !== undefined
        ? validateSchema(schema, body, `${label} body`)
        : [];
    },
  };
}

/**
 * Path, query and header values are strings on the wire. Reads one as a number or boolean when the
 * schema says so; anything else stays a string, for the schema to reject with a type error. Done by
 * hand because ajv's coerceTypes also accepts " 5", "0x10" and "" as numbers.
 */
function coerce(value: unknown, type: unknown): unknown {
  const types = [type].flat();
  if (typeof value !== 'string') {
    return value;
  }
  if (
    types.some((t) => t === 'integer' || t === 'number') &&
    /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(value)
  ) {
    return Number(value);
  }
  return types.includes('boolean') && (value === 'true' || value === 'false')
    ? value === 'true'
    : value;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment; // a malformed escape is still a value the parameter schema can reject
  }
}

/**
 * Rewrites the document in place for ajv's 2020-12 dialect. OpenAPI 3.0-style boolean
 * `exclusiveMinimum`/`exclusiveMaximum` (which this 3.1 document still carries) become the numeric
 * form; ajv would otherwise refuse to compile them. With `seal`, open object schemas are closed.
 */
function normalize(node: unknown, parentKey: string | undefined, seal: boolean): void {
  if (Array.isArray(node)) {
    for (const item of node) {
      normalize(item, parentKey, seal);
    }
    return;
  }
  if (!isObject(node)) {
    return;
  }
  for (const [flag, bound] of [
    ['exclusiveMinimum', 'minimum'],
    ['exclusiveMaximum', 'maximum'],
  ] as const) {
    if (typeof node[flag] === 'boolean') {
      if (node[flag] && typeof node[bound] === 'number') {
        node[flag] = node[bound];
        delete node[bound];
      } else {
        delete node[flag];
      }
    }
  }
  const open = !('additionalProperties' in node) && !('unevaluatedProperties' in node);
  if (seal && open && isObject(node.properties)) {
    // unevaluatedProperties rather than additionalProperties, so keys declared by allOf/anyOf
    // siblings still count as declared.
    node.unevaluatedProperties = false;
  }
  for (const [key, child] of Object.entries(node)) {
    // `default` is instance data in a schema, but the fallback Response inside `responses`.
    if (DATA_KEYWORDS.has(key) || (key === 'default' && parentKey !== 'responses')) {
      continue;
    }
    if (['properties', 'patternProperties', '$defs'].includes(key) && isObject(child)) {
      // A map of names to schemas is not itself a schema (a property may be called `format`).
      for (const schema of Object.values(child)) {
        normalize(schema, undefined, seal);
      }
    } else {
      normalize(child, key, seal);
    }
  }
}

interface DescribedError {
  path: string;
  keyword: string;
  params: Record<string, unknown>;
  message: string;
}

/**
 * One line per ajv error. The branch errors of an anyOf/oneOf fold into the combinator's own line
 * ("must match one of: must be string | must be null"), which reads far better than three
 * unrelated lines for every nullable field.
 */
function describeErrors(errors: ErrorObject[] | null | undefined): DescribedError[] {
  const all = errors ?? [];
  const isCombinator = (e: ErrorObject) => e.keyword === 'anyOf' || e.keyword === 'oneOf';
  const within = (inner: ErrorObject, outer: ErrorObject) =>
    inner !== outer &&
    inner.schemaPath.startsWith(`${outer.schemaPath}/`) &&
    inner.instancePath.startsWith(outer.instancePath);
  const combinators = all.filter(isCombinator);
  return all
    .filter((e) => !combinators.some((c) => within(e, c)))
    .map((e) => {
      let message = describe(e);
      if (isCombinator(e)) {
        const branches = all
          .filter((inner) => within(inner, e) && !isCombinator(inner))
          .map((inner) => `${inner.instancePath.slice(e.instancePath.length)} ${describe(inner)}`);
        const one = e.keyword === 'oneOf' ? 'exactly one' : 'one';
        // Branches behind a non-inlined $ref report schema paths of their own and are not caught
        // here; they stay separate lines and the combinator keeps ajv's own message.
        if (branches.length > 0) {
          message = `must match ${one} of: ${[...new Set(branches)].map((b) => b.trim()).join(' | ')}`;
        }
      }
      return { path: e.instancePath, keyword: e.keyword, params: e.params, message };
    });
}

function describe(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
      return `must NOT have additional property '${params.additionalProperty}'`;
    case 'unevaluatedProperties':
      return `must NOT have undeclared property '${params.unevaluatedProperty}'`;
    case 'enum': {
      // Long enums (44 token permissions) would swamp the line; the first few say enough.
      const allowed = params.allowedValues as unknown[];
      const shown = allowed.slice(0, 8).map((v) => JSON.stringify(v));
      const more = allowed.length > 8 ? `, … ${allowed.length - 8} more` : '';
      return `must be one of [${shown.join(',')}${more}]`;
    }
    default:
      return error.message ?? error.keyword;
  }
}
