import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What `npm start` sets besides running the server: environment variables and Node flags. */
export interface StartRuntime {
  readonly env: Record<string, string>;
  readonly nodeFlags: readonly string[];
  /** The compiled entry point, relative to the repository (`prestart` builds it). */
  readonly script: string;
}

const SERVER_SCRIPT = 'dist/bin/server.js';

/**
 * Reads the `start` script of package.json (`NAME=value ... node --flag ... dist/bin/server.js`),
 * so the bench runs the service as users get it: compiled, with the same memory settings, from
 * one place. Throws when the script has another shape, rather than measuring something else.
 */
export function startRuntime(repoRoot: string): StartRuntime {
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
    scripts?: Record<string, string>;
  };
  const script = manifest.scripts?.start ?? '';
  const words = script.trim().split(/\s+/);
  const env: Record<string, string> = {};
  let index = 0;
  for (; index < words.length && /^[A-Z_][A-Z0-9_]*=/.test(words[index] ?? ''); index++) {
    const [name, ...value] = (words[index] ?? '').split('=');
    env[name as string] = value.join('=');
  }
  const nodeFlags = words.slice(index + 1, -1);
  if (
    words[index] !== 'node' ||
    words.at(-1) !== SERVER_SCRIPT ||
    nodeFlags.some((flag) => !flag.startsWith('--'))
  ) {
    throw new Error(
      `package.json "start" should be [ENV=value ...] node [--flag ...] ${SERVER_SCRIPT}, got: ${script}`,
    );
  }
  return { env, nodeFlags, script: SERVER_SCRIPT };
}

/** For the printed conditions: `NAME=value --flag ...`, or `none`. */
export function describeRuntime(runtime: StartRuntime): string {
  const words = [
    ...Object.entries(runtime.env).map(([name, value]) => `${name}=${value}`),
    ...runtime.nodeFlags,
  ];
  return words.length > 0 ? words.join(' ') : 'none';
}
