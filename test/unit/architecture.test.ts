import { readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// STYLE.md §2, "Imports point one way", checked over every import of every file under src/.
// TypeScript's own parser finds the imports, so comments and strings that merely mention an
// import do not count, and type-only, re-export, side-effect and dynamic imports all do (the
// few rules that care tell a type-only or a dynamic import apart).

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

interface ImportEdge {
  readonly line: number;
  readonly specifier: string;
  /** The imported file relative to src/ (`.js` read as `.ts`), or null for a package. */
  readonly target: string | null;
  /** `import(...)` at run time, loaded only when reached. */
  readonly dynamic: boolean;
  /** Erased from the JavaScript: `import type`, `export type`, a type's `import(...)`. */
  readonly typeOnly: boolean;
}

interface Rule {
  readonly name: string;
  /** True when this edge breaks the rule. */
  readonly breaks: (from: string, to: string, edge: ImportEdge) => boolean;
}

const under = (path: string, folder: string) => path.startsWith(`${folder}/`);
/** `providers/<id>/…` → `<id>`; null for the top-level provider files (contract, registry). */
const providerFolder = (path: string) => /^providers\/([^/]+)\//.exec(path)?.[1] ?? null;
/** `emulators/<id>/…` → `<id>` (including `shared`). */
const emulatorFolder = (path: string) => /^emulators\/([^/]+)\//.exec(path)?.[1] ?? null;
/** `providers/<id>/<id>-<part>.ts` → true for that part of a provider's own folder. */
const isProviderPart = (path: string, part: string) => {
  const id = providerFolder(path);
  return id !== null && path === `providers/${id}/${id}-${part}.ts`;
};
/**
 * The one door from a provider to its emulator: its module's lazy `import()` of its own
 * emulator's sandbox entry, which starts the emulator and names the account pointing at it.
 */
const isSandboxImport = (from: string, to: string, edge: ImportEdge) => {
  const id = providerFolder(from);
  return (
    edge.dynamic && isProviderPart(from, 'module') && to === `emulators/${id}/${id}-sandbox.ts`
  );
};

const RULES: readonly Rule[] = [
  {
    name: 'domain/ imports nothing outside domain/',
    breaks: (from, to) => under(from, 'domain') && !under(to, 'domain'),
  },
  {
    name: 'http/ imports only domain/',
    breaks: (from, to) => under(from, 'http') && !under(to, 'http') && !under(to, 'domain'),
  },
  {
    name: 'providers/<id>/ never imports another provider folder',
    breaks: (from, to) => {
      const own = providerFolder(from);
      const other = providerFolder(to);
      return own !== null && other !== null && other !== own;
    },
  },
  {
    name: "providers/ never imports emulators/, but for a module's import() of its sandbox entry",
    breaks: (from, to, edge) =>
      under(from, 'providers') && under(to, 'emulators') && !isSandboxImport(from, to, edge),
  },
  {
    name: 'graphql/ and loaders/ never import a provider folder',
    breaks: (from, to) =>
      (under(from, 'graphql') || under(from, 'loaders')) && providerFolder(to) !== null,
  },
  {
    name: "in providers/, only a provider's <id>-graphql.ts imports graphql/ (and provider-module.ts its type)",
    breaks: (from, to, edge) =>
      under(from, 'providers') &&
      under(to, 'graphql') &&
      !isProviderPart(from, 'graphql') &&
      !(from === 'providers/provider-module.ts' && edge.typeOnly),
  },
  {
    name: "graphql/builder.ts is imported only by graphql/ and a provider's <id>-graphql.ts",
    breaks: (from, to) =>
      to === 'graphql/builder.ts' && !under(from, 'graphql') && !isProviderPart(from, 'graphql'),
  },
  {
    name: 'emulators/<id>/ imports only its own folder and emulators/shared/',
    breaks: (from, to) => {
      const own = emulatorFolder(from);
      if (own === null) {
        return false;
      }
      const other = emulatorFolder(to);
      return other !== own && other !== 'shared';
    },
  },
  {
    name: 'only bin/ (and test/) import emulators/',
    breaks: (from, to, edge) =>
      under(to, 'emulators') &&
      !under(from, 'bin') &&
      !under(from, 'emulators') &&
      !isSandboxImport(from, to, edge),
  },
];

function importsOf(file: string, source: string): ImportEdge[] {
  const tree = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true);
  const edges: ImportEdge[] = [];
  const add = (specifier: ts.Node, dynamic: boolean, typeOnly: boolean) => {
    if (!ts.isStringLiteralLike(specifier)) {
      return;
    }
    const fileName = specifier.text;
    const line = tree.getLineAndCharacterOfPosition(specifier.getStart(tree)).line + 1;
    const target = fileName.startsWith('.')
      ? posix.normalize(posix.join(posix.dirname(file), fileName)).replace(/\.js$/, '.ts')
      : null;
    edges.push({ line, specifier: fileName, target, dynamic, typeOnly });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const named = clause?.namedBindings;
      const allTypes =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (clause.name === undefined &&
            named !== undefined &&
            ts.isNamedImports(named) &&
            named.elements.length > 0 &&
            named.elements.every((element) => element.isTypeOnly)));
      add(node.moduleSpecifier, false, allTypes);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      add(node.moduleSpecifier, false, node.isTypeOnly);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node.argument.literal, false, true);
    } else if (ts.isCallExpression(node) && node.arguments[0]) {
      if (node.expression.kind === ts.SyntaxKind.ImportKeyword) {
        add(node.arguments[0], true, false);
      } else if (ts.isIdentifier(node.expression) && node.expression.text === 'require') {
        add(node.arguments[0], false, false);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(tree);
  return edges;
}

/** One line per offending import: `file:line imports 'specifier' (the rules it breaks)`. */
function checkImports(files: ReadonlyMap<string, string>): string[] {
  return [...files].flatMap(([file, source]) =>
    importsOf(file, source).flatMap((edge) => {
      const { line, specifier, target } = edge;
      const broken = target === null ? [] : RULES.filter((rule) => rule.breaks(file, target, edge));
      return broken.length === 0
        ? []
        : [
            `${file}:${line} imports '${specifier}' (${broken.map((rule) => rule.name).join('; ')})`,
          ];
    }),
  );
}

function sourceFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(SRC, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && /\.tsx?$/.test(entry.name)) {
      const absolute = join(entry.parentPath, entry.name);
      files.set(relative(SRC, absolute).split(sep).join('/'), readFileSync(absolute, 'utf8'));
    }
  }
  return files;
}

describe('import rules (STYLE.md §2)', () => {
  it('hold for every file under src/', () => {
    const files = sourceFiles();
    // A scan that found nothing would pass vacuously.
    expect(files.has('providers/signalwire/signalwire-provider.ts')).toBe(true);
    expect(files.has('domain/errors.ts')).toBe(true);
    expect(files.has('providers/provider-modules.ts')).toBe(true);
    expect(checkImports(files)).toEqual([]);
  });
});

describe('checkImports', () => {
  const check = (file: string, source: string) => checkImports(new Map([[file, source]]));

  it.each([
    ['domain/room.ts', "import type { Dispatcher } from '../http/upstream-client.js';"],
    ['http/redact.ts', "import { loadConfig } from '../config.js';"],
    ['http/with-retry.ts', "import type { RoomProvider } from '../providers/room-provider.js';"],
    [
      'providers/hms/hms-client.ts',
      "import { signalWireAuthHeaders } from '../signalwire/signalwire-auth.js';",
    ],
    [
      'providers/netless/netless-provider.ts',
      "import { start } from '../../emulators/netless/netless-emulator.js';",
    ],
    [
      'graphql/types/room.ts',
      "import { mapRoom } from '../../providers/signalwire/signalwire-mappers.js';",
    ],
    [
      'loaders/load-rooms.ts',
      "export { createHmsProvider } from '../providers/hms/hms-provider.js';",
    ],
    [
      'emulators/hms/hms-routes.ts',
      "import { hmsRoomSchema } from '../../providers/hms/hms-schemas.js';",
    ],
    ['emulators/videsk/videsk-store.ts', "import type { Room } from '../../domain/room.js';"],
    ['emulators/hms/hms-store.ts', "import { store } from '../netless/netless-store.js';"],
    ['yoga.ts', "const emulator = await import('./emulators/signalwire/signalwire-emulator.js');"],
    [
      'providers/hms/hms-module.ts',
      "import { startHmsSandbox } from '../../emulators/hms/hms-sandbox.js';",
    ],
    [
      'providers/hms/hms-module.ts',
      "const entry = await import('../../emulators/hms/hms-emulator.js');",
    ],
    [
      'providers/hms/hms-module.ts',
      "const entry = await import('../../emulators/netless/netless-sandbox.js');",
    ],
    [
      'providers/hms/hms-provider.ts',
      "const entry = await import('../../emulators/hms/hms-sandbox.js');",
    ],
    ['providers/registry.ts', "const entry = await import('../emulators/hms/hms-sandbox.js');"],
    ['providers/hms/hms-provider.ts', "import { builder } from '../../graphql/builder.js';"],
    [
      'providers/hms/hms-module.ts',
      "import type { Types } from '../../graphql/provider-graphql.js';",
    ],
    [
      'providers/provider-module.ts',
      "import { PROVIDER_SCHEMA_TYPES } from '../graphql/provider-types.js';",
    ],
    ['server/query-limits.ts', "import { builder } from '../graphql/builder.js';"],
  ])('reports %s importing across a boundary, with file and import', (file, source) => {
    const [violation, ...rest] = check(file, source);
    expect(rest).toEqual([]);
    const specifier = /['"](\.[^'"]+)['"]/.exec(source)?.[1];
    expect(violation).toContain(`${file}:1 imports '${specifier}'`);
  });

  it.each([
    [
      'domain/room.ts',
      "import type { ProviderKind } from './provider-kind.js';\nimport { z } from 'zod';",
    ],
    [
      'http/upstream-client.ts',
      "import { ProviderError } from '../domain/errors.js';\nimport { redact } from './redact.js';",
    ],
    [
      'providers/hms/hms-provider.ts',
      "import { pageWithCursors } from '../paging.js';\nimport type { RoomProvider } from '../room-provider.js';\nimport { createUpstreamClient } from '../../http/upstream-client.js';",
    ],
    ['loaders/load-rooms.ts', "import type { ProviderRegistry } from '../providers/registry.js';"],
    ['graphql/refs.ts', "import type { RoomProvider } from '../providers/room-provider.js';"],
    [
      'emulators/hms/hms-routes.ts',
      "import { json } from '../shared/http-json.js';\nimport { HmsStore } from './hms-store.js';",
    ],
    ['bin/emulators.ts', "import { createHmsEmulator } from '../emulators/hms/hms-emulator.js';"],
    [
      'providers/hms/hms-module.ts',
      "const entry = await import('../../emulators/hms/hms-sandbox.js');",
    ],
    [
      'providers/hms/hms-graphql.ts',
      "import type { ProviderGraphql } from '../../graphql/provider-graphql.js';\nimport { builder } from '../../graphql/builder.js';",
    ],
    [
      'providers/provider-module.ts',
      "import type { ProviderGraphql } from '../graphql/provider-graphql.js';",
    ],
    [
      'graphql/types/enums.ts',
      "import { PROVIDER_MODULES } from '../../providers/provider-modules.js';",
    ],
  ])('allows %s its documented imports', (file, source) => {
    expect(check(file, source)).toEqual([]);
  });

  it('ignores imports that only appear in comments and strings', () => {
    const source = [
      "// import { x } from '../providers/hms/hms-client.js';",
      'const text = "import { y } from \'../providers/hms/hms-client.js\'";',
    ].join('\n');
    expect(check('graphql/schema.ts', source)).toEqual([]);
  });

  it('reports the line of a multi-line import', () => {
    const source =
      "import { a } from './a.js';\nimport {\n  b,\n} from '../providers/hms/hms-client.js';";
    expect(check('loaders/room-key.ts', source)).toEqual([
      "loaders/room-key.ts:4 imports '../providers/hms/hms-client.js' (graphql/ and loaders/ never import a provider folder)",
    ]);
  });
});
