import { execFile, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProviderConfig } from '../../src/config.js';
import { signalWireAuthHeaders } from '../../src/providers/signalwire/signalwire-auth.js';
import { SIGNALWIRE_OPENAPI } from '../helpers/shared-dir.js';
import { type Child, REPO_ROOT, startChild } from './children.js';

// The peer of `npm run bench -- --peer`: GraphQL Mesh + Hive Gateway in front of the same
// SignalWire emulator the service uses. Mesh Compose turns SignalWire's OpenAPI spec into a
// supergraph (the emulator as endpoint, the account's Basic credential as operation header, as
// our adapter sends it), and Hive Gateway serves it, as its CLI does by default (one process, no
// response cache, no request deduplication).
//
// The packages are a dev tool installed on demand into test/bench/.peer/ (git-ignored), never
// into the project: nothing of the peer is in package.json or runs in `npm test`.

/**
 * Exact versions. Their own `engines`: the gateway >=20.0.0, the others >=16.0.0. Some of their
 * dependencies (@whatwg-node/promise-helpers 2, sync-fetch 0.7) declare Node >=22; the service's
 * own tree has the first too, and both run on Node 20 here (the bench checks every answer).
 */
export const PEER_PACKAGES = {
  '@graphql-hive/gateway': '2.15.1',
  '@graphql-mesh/compose-cli': '1.8.2',
  '@omnigraph/openapi': '0.112.4',
  /** The gateway's transport for a REST (OpenAPI) subgraph, which it loads when it meets one. */
  '@graphql-mesh/transport-rest': '0.12.2',
  /** Their peer dependency, the version the service runs. */
  graphql: '16.15.0',
} as const;

/** Packages of the installed tree worth naming in the printed conditions. */
const REPORTED = [
  ...Object.keys(PEER_PACKAGES),
  '@graphql-hive/gateway-runtime',
  '@graphql-mesh/fusion-runtime',
  '@omnigraph/json-schema',
  'graphql-yoga',
];

export const PEER_DIR = join(REPO_ROOT, 'test/bench/.peer');
const MESH_CONFIG = join(PEER_DIR, 'mesh.config.mjs');

/** The source handler's options come from the environment, so the file never changes. */
const MESH_CONFIG_TEXT = `// Written by test/bench/peer.ts: the bench composes the peer's supergraph with it.
import { loadOpenAPISubgraph } from '@omnigraph/openapi';

export const composeConfig = {
  subgraphs: [
    {
      sourceHandler: loadOpenAPISubgraph('SignalWire', {
        source: process.env.PEER_OPENAPI_SPEC,
        endpoint: process.env.PEER_ENDPOINT,
        operationHeaders: { authorization: process.env.PEER_AUTHORIZATION },
      }),
    },
  ],
};
`;

function installedVersion(name: string): string | null {
  try {
    const manifest = JSON.parse(
      readFileSync(join(PEER_DIR, 'node_modules', name, 'package.json'), 'utf8'),
    ) as { version?: string };
    return manifest.version ?? null;
  } catch {
    return null;
  }
}

/** The path of a package's command, from its manifest's `bin`. */
function binOf(name: string, command: string): string {
  const root = join(PEER_DIR, 'node_modules', name);
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    bin?: string | Record<string, string>;
  };
  const bin = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin?.[command];
  if (!bin) {
    throw new Error(`${name} has no ${command} command`);
  }
  return join(root, bin);
}

/** Installs the pinned packages into PEER_DIR unless they are there already. */
export async function ensurePeerInstalled(progress: (message: string) => void): Promise<void> {
  mkdirSync(PEER_DIR, { recursive: true });
  writeFileSync(MESH_CONFIG, MESH_CONFIG_TEXT);
  const missing = Object.entries(PEER_PACKAGES).filter(
    ([name, version]) => installedVersion(name) !== version,
  );
  if (missing.length === 0) {
    return;
  }
  progress(
    `installing the peer into ${PEER_DIR} (${missing.map(([name, version]) => `${name}@${version}`).join(', ')}); once, about a minute or two`,
  );
  writeFileSync(
    join(PEER_DIR, 'package.json'),
    `${JSON.stringify(
      {
        name: 'video-rooms-bench-peer',
        private: true,
        description: 'The peer of npm run bench -- --peer, installed by test/bench/peer.ts.',
        dependencies: PEER_PACKAGES,
      },
      null,
      2,
    )}\n`,
  );
  await new Promise<void>((resolve, reject) => {
    // npm's output goes to stderr: stdout is the bench's report.
    const npm = spawn(
      'npm',
      ['install', '--prefix', PEER_DIR, '--no-audit', '--no-fund', '--loglevel=error'],
      { cwd: PEER_DIR, stdio: ['ignore', 2, 2] },
    );
    const timer = setTimeout(() => npm.kill('SIGTERM'), 600_000);
    npm.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    npm.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) {
        resolve();
      } else {
        reject(new Error(`npm install of the peer failed (${code ?? signal})`));
      }
    });
  });
  const still = Object.entries(PEER_PACKAGES).filter(
    ([name, version]) => installedVersion(name) !== version,
  );
  if (still.length > 0) {
    throw new Error(`the peer's install lacks ${still.map(([name]) => name).join(', ')}`);
  }
}

/** `name@version` of the installed peer's main packages, for the printed conditions. */
export function peerVersions(): string {
  return REPORTED.map((name) => `${name}@${installedVersion(name) ?? '?'}`).join(', ');
}

/**
 * Composes the supergraph of the SignalWire account with Mesh Compose into `outFile`, from
 * SignalWire's OpenAPI spec, with the emulator as endpoint and the account's Basic credential
 * as an operation header (baked into the file, which lives in the bench's temporary directory).
 */
export function composePeerSupergraph(account: ProviderConfig, outFile: string): Promise<void> {
  if (account.kind !== 'signalwire') {
    throw new Error(`the peer fronts a SignalWire account, not ${account.kind}`);
  }
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    PEER_OPENAPI_SPEC: SIGNALWIRE_OPENAPI,
    PEER_ENDPOINT: account.baseUrl,
    PEER_AUTHORIZATION: signalWireAuthHeaders(account).authorization,
  };
  const compose = binOf('@graphql-mesh/compose-cli', 'mesh-compose');
  return new Promise<void>((resolve, reject) => {
    execFile(
      process.execPath,
      [compose, '--config-path', MESH_CONFIG, '--output', outFile],
      { cwd: PEER_DIR, env, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 },
      (error, _stdout, stderr) => {
        if (error) {
          reject(new Error(`Mesh Compose failed: ${error.message}\n${stderr.slice(-2_000)}`));
        } else {
          resolve();
        }
      },
    );
  });
}

/**
 * Hive Gateway serving the supergraph, as its CLI runs by default (one process: `--fork` is 1),
 * on loopback at `port`; with Node's own memory settings unless `memory` gives others (the
 * service's, for `--peer-like-ours`). The pid is the gateway's own process.
 */
export function startPeer(
  supergraphFile: string,
  port: number,
  memory: { readonly env: Record<string, string>; readonly nodeFlags: readonly string[] } | null,
): Child {
  const gateway = binOf('@graphql-hive/gateway', 'hive-gateway');
  return startChild(
    'peer',
    gateway,
    ['supergraph', supergraphFile, '--host', '127.0.0.1', '--port', String(port)],
    {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'production',
      ...(memory?.env ?? {}),
    },
    memory?.nodeFlags ?? [],
    false,
  );
}
