import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ChildReply, ParentMessage } from './protocol.js';

// The parent's side of the bench's child processes: spawning them in the same process (`node
// --import tsx` for TypeScript, plain `node` for the compiled service, so the pid is the process
// that does the work), request/reply over IPC,
// the tail of their output for error messages, RSS from /proc, and stopping every one of them.

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

type Request = ParentMessage extends infer M
  ? M extends { readonly id: number }
    ? Omit<M, 'id'>
    : never
  : never;

export class Child {
  readonly #process: ChildProcess;
  readonly #pending = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void }
  >();
  readonly #tail: string[] = [];
  #nextId = 1;
  #exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  readonly #exitListeners: (() => void)[] = [];
  readonly #lineListeners = new Set<(line: string) => void>();
  readonly #ready: Promise<void>;
  #markReady: () => void = () => {};
  /** Lines of stderr seen so far. */
  stderrLines = 0;
  /** Distinct stderr lines that start a message (not indented stack lines), with counts. */
  readonly stderrHeadlines = new Map<string, number>();

  constructor(
    readonly name: string,
    script: string,
    args: readonly string[],
    env: NodeJS.ProcessEnv,
    nodeFlags: readonly string[] = [],
    typescript = true,
  ) {
    const loader = typescript ? ['--import', 'tsx'] : [];
    this.#process = spawn(process.execPath, [...nodeFlags, ...loader, script, ...args], {
      cwd: REPO_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.#ready = new Promise<void>((resolve) => {
      this.#markReady = resolve;
    });
    this.#process.on('message', (raw: unknown) => {
      if (typeof raw === 'object' && raw !== null && 'ready' in raw) {
        this.#markReady();
        return;
      }
      const reply = raw as ChildReply;
      const pending = this.#pending.get(reply.id);
      if (!pending) {
        return;
      }
      this.#pending.delete(reply.id);
      if (reply.ok) {
        pending.resolve(reply.result);
      } else {
        pending.reject(new Error(`${this.name}: ${reply.error}`));
      }
    });
    this.#process.on('exit', (code, signal) => {
      this.#exited = { code, signal };
      for (const pending of this.#pending.values()) {
        pending.reject(new Error(`${this.name} exited (${code ?? signal})${this.describeTail()}`));
      }
      this.#pending.clear();
      for (const listener of this.#exitListeners.splice(0)) {
        listener();
      }
    });
    // Both pipes are always drained, so a child never blocks on a full pipe.
    let buffered = '';
    this.#process.stdout?.setEncoding('utf8');
    this.#process.stdout?.on('data', (chunk: string) => {
      buffered += chunk;
      let newline = buffered.indexOf('\n');
      while (newline >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        this.#remember(`[stdout] ${line.slice(0, 300)}`);
        for (const listener of [...this.#lineListeners]) {
          listener(line);
        }
        newline = buffered.indexOf('\n');
      }
    });
    this.#process.stderr?.setEncoding('utf8');
    this.#process.stderr?.on('data', (chunk: string) => {
      for (const line of chunk.split('\n')) {
        if (line !== '') {
          this.stderrLines++;
          this.#remember(`[stderr] ${line}`);
          // biome-ignore lint/suspicious/noControlCharactersInRegex: strips ANSI colours
          const plain = line.replace(/\u001b\[[0-9;]*m/g, '');
          if (!/^\s/.test(plain) && !plain.startsWith('}')) {
            const known = this.stderrHeadlines.get(plain);
            if (known !== undefined || this.stderrHeadlines.size < 20) {
              this.stderrHeadlines.set(plain, (known ?? 0) + 1);
            }
          }
        }
      }
    });
  }

  get pid(): number {
    const pid = this.#process.pid;
    if (pid === undefined) {
      throw new Error(`${this.name} did not start`);
    }
    return pid;
  }

  get exited(): boolean {
    return this.#exited !== null;
  }

  #remember(line: string): void {
    this.#tail.push(line);
    if (this.#tail.length > 40) {
      this.#tail.shift();
    }
  }

  describeTail(): string {
    return this.#tail.length > 0 ? `\n  ${this.#tail.join('\n  ')}` : '';
  }

  /** Resolves with the first stdout line from now on that `accept` returns a value for. */
  waitForLine<T>(accept: (line: string) => T | undefined, timeoutMs: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        finish();
        reject(
          new Error(`${this.name} did not get ready in ${timeoutMs} ms${this.describeTail()}`),
        );
      }, timeoutMs);
      const onExit = () => {
        finish();
        reject(new Error(`${this.name} exited before it was ready${this.describeTail()}`));
      };
      const onLine = (line: string) => {
        const value = accept(line);
        if (value !== undefined) {
          finish();
          resolve(value);
        }
      };
      const finish = () => {
        clearTimeout(timer);
        this.#lineListeners.delete(onLine);
        const index = this.#exitListeners.indexOf(onExit);
        if (index >= 0) {
          this.#exitListeners.splice(index, 1);
        }
      };
      this.#lineListeners.add(onLine);
      if (this.#exited) {
        onExit();
      } else {
        this.#exitListeners.push(onExit);
      }
    });
  }

  /** Resolves once the child listens for IPC messages. */
  whenReady(timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(
          new Error(`${this.name} did not get ready in ${timeoutMs} ms${this.describeTail()}`),
        );
      }, timeoutMs);
      const onExit = () => {
        clearTimeout(timer);
        reject(new Error(`${this.name} exited before it was ready${this.describeTail()}`));
      };
      if (this.#exited) {
        onExit();
        return;
      }
      this.#exitListeners.push(onExit);
      void this.#ready.then(() => {
        clearTimeout(timer);
        const index = this.#exitListeners.indexOf(onExit);
        if (index >= 0) {
          this.#exitListeners.splice(index, 1);
        }
        resolve();
      });
    });
  }

  /** Sends a message and waits for its reply. */
  request<T>(message: Request, timeoutMs = 10_000): Promise<T> {
    if (this.#exited) {
      return Promise.reject(new Error(`${this.name} is not running${this.describeTail()}`));
    }
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`${this.name} did not answer ${message.type} in ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value as T);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.#process.send({ ...message, id });
    });
  }

  /** SIGTERM, then SIGKILL if it is still there after `graceMs`. Resolves once it has exited. */
  stop(graceMs = 2_000): Promise<void> {
    if (this.#exited || this.#process.pid === undefined) {
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const killer = setTimeout(() => {
        this.#process.kill('SIGKILL');
      }, graceMs);
      this.#exitListeners.push(() => {
        clearTimeout(killer);
        resolve();
      });
      this.#process.kill('SIGTERM');
    });
  }

  /** Last-resort synchronous kill, for `process.on('exit')`. */
  killNow(): void {
    if (!this.#exited && this.#process.pid !== undefined) {
      try {
        this.#process.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}

/** Every child started so far, so every exit path can stop them all. */
const children: Child[] = [];

/**
 * Starts `script` (relative to this file) in a child process; TypeScript through tsx unless
 * `typescript` is false (compiled JavaScript, as `npm start` runs the service).
 */
export function startChild(
  name: string,
  script: string,
  args: readonly string[] = [],
  env: NodeJS.ProcessEnv = process.env,
  nodeFlags: readonly string[] = [],
  typescript = true,
): Child {
  const child = new Child(
    name,
    fileURLToPath(new URL(script, import.meta.url)),
    args,
    env,
    nodeFlags,
    typescript,
  );
  children.push(child);
  return child;
}

export async function stopAllChildren(): Promise<void> {
  await Promise.all(children.map((child) => child.stop()));
}

export function killAllChildrenNow(): void {
  for (const child of children) {
    child.killNow();
  }
}

/** A field of `/proc/<pid>/status` in MB (`VmRSS`, `VmHWM`), or null when unreadable. */
export function procStatusMb(pid: number, field: 'VmRSS' | 'VmHWM'): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return match?.[1] ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU time (user + system) a process has used so far, in seconds; null when unreadable. */
export function cpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces: state is
    // field 3, utime field 14, stime field 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

/** Resets the process's peak RSS (VmHWM) to its current RSS; false where the kernel refuses. */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/**
 * Samples a process's RSS every `intervalMs`, for a peak even where VmHWM cannot be reset.
 * `peakSince()` is the most seen since the last `reset()`.
 */
export class RssSampler {
  #peak = 0;
  readonly #timer: NodeJS.Timeout;

  constructor(
    readonly pid: number,
    intervalMs = 100,
  ) {
    this.#timer = setInterval(() => this.sample(), intervalMs);
    this.#timer.unref();
  }

  sample(): number | null {
    const rss = procStatusMb(this.pid, 'VmRSS');
    if (rss !== null && rss > this.#peak) {
      this.#peak = rss;
    }
    return rss;
  }

  reset(): void {
    this.#peak = 0;
    resetPeakRss(this.pid);
    this.sample();
  }

  /** The larger of the sampled peak and the kernel's VmHWM since the last reset. */
  peakSince(): number {
    this.sample();
    return Math.max(this.#peak, procStatusMb(this.pid, 'VmHWM') ?? 0);
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
