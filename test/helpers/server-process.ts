import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CONFIG_ENV_VARIABLES } from '../../src/config.js';
import { freePort } from './free-port.js';
import { startRuntime } from './start-script.js';

export type LogRecord = Record<string, unknown> & { msg?: string; level?: string };

/** The service in a process of its own, as `npm start` runs it, with its JSON log. */
export interface ServerProcess {
  readonly port: number;
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  /** Every JSON line written to stdout so far. */
  readonly records: readonly LogRecord[];
  /** Resolves with the exit code once the process has exited. */
  readonly exited: Promise<number | null>;
  /** The first record, seen or to come, that `match` accepts; fails after `timeoutMs`. */
  waitForRecord(match: (record: LogRecord) => boolean, timeoutMs?: number): Promise<LogRecord>;
  signal(name: NodeJS.Signals): void;
  /** SIGKILL unless it has exited; resolves once it has. */
  kill(): Promise<void>;
}

export interface ServerProcessOptions {
  /**
   * Runs `dist/` as `npm start` does (its Node flags and environment, no TypeScript loader);
   * build it first. Otherwise `src/` through tsx.
   */
  readonly compiled?: boolean;
}

const REPO_ROOT = new URL('../../', import.meta.url);

/**
 * Starts the service on a free loopback port with `env` over a clean environment (no config
 * variable of the caller's shell leaks in) and resolves once it says it is listening.
 */
export async function startServerProcess(
  env: Record<string, string>,
  options: ServerProcessOptions = {},
): Promise<ServerProcess> {
  const clean: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!CONFIG_ENV_VARIABLES.has(name) && value !== undefined) {
      clean[name] = value;
    }
  }
  const port = await freePort();
  const runtime = options.compiled ? startRuntime(fileURLToPath(REPO_ROOT)) : null;
  const args = runtime
    ? [...runtime.nodeFlags, runtime.script]
    : ['--import', 'tsx', 'src/bin/server.ts'];
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: { ...clean, ...runtime?.env, PORT: String(port), HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const records: LogRecord[] = [];
  const listeners = new Set<() => void>();
  let stderr = '';
  let buffered = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines.filter((text) => text.trim() !== '')) {
      records.push(JSON.parse(line) as LogRecord);
    }
    for (const listener of [...listeners]) {
      listener();
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      for (const listener of [...listeners]) {
        listener();
      }
      resolve(code);
    });
  });
  // Never outlive the test file, whatever the child does.
  const deadline = setTimeout(() => child.kill('SIGKILL'), 90_000);
  void exited.then(() => clearTimeout(deadline));

  function waitForRecord(match: (record: LogRecord) => boolean, timeoutMs = 20_000) {
    return new Promise<LogRecord>((resolve, reject) => {
      const check = () => {
        const found = records.find(match);
        if (found) {
          finish();
          resolve(found);
        } else if (child.exitCode !== null || child.signalCode !== null) {
          finish();
          reject(new Error(`the server exited first; stderr: ${stderr.slice(-2_000)}`));
        }
      };
      const timer = setTimeout(() => {
        finish();
        reject(
          new Error(
            `no such log record in ${timeoutMs} ms; last: ${JSON.stringify(records.at(-1))}`,
          ),
        );
      }, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        listeners.delete(check);
      };
      listeners.add(check);
      check();
    });
  }

  const handle: ServerProcess = {
    port,
    origin: `http://127.0.0.1:${port}`,
    records,
    exited,
    waitForRecord,
    signal: (name) => child.kill(name),
    async kill() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
      }
      await exited;
    },
  };
  try {
    await waitForRecord((record) => /listening on/.test(record.msg ?? ''));
  } catch (error) {
    await handle.kill();
    throw error;
  }
  return handle;
}
