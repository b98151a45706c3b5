import { errorDetail, type Logger } from '../observability/logger.js';
import type { HttpServer } from './http-server.js';

export interface ShutdownOptions {
  readonly http: HttpServer;
  /** How long requests in flight may run on before their connections are cut (ms). */
  readonly drainTimeoutMs: number;
  /**
   * What to close once no request is left, in this order: upstream pools before the emulators
   * they talk to, telemetry last so it can still send what the others reported.
   */
  readonly release: readonly { readonly name: string; close(): Promise<void> }[];
  readonly logger: Logger;
  /** `process.exit` outside tests. */
  readonly exit: (code: number) => void;
}

export interface Shutdown {
  /**
   * Adds a closer run as soon as a drain begins, alongside the requests still finishing. Streams
   * that would otherwise outlast the drain (subscriptions) end here, telling their clients to
   * reconnect to another instance.
   */
  onDrain(closer: () => void | Promise<void>): void;
  /**
   * Stops the service gracefully: not ready and no new connections at once, requests in flight
   * finish (up to the drain timeout), then everything closes and the process exits 0. A second
   * call exits at once with 1, for an operator who does not want to wait.
   */
  begin(reason: string): Promise<void>;
}

/** Time allowed after the drain for pools, Redis and telemetry to close before exiting anyway. */
const RELEASE_TIMEOUT_MS = 5_000;

export function createShutdown(options: ShutdownOptions): Shutdown {
  const { http, logger } = options;
  const closers: (() => void | Promise<void>)[] = [];
  let begun = false;

  return {
    onDrain(closer) {
      closers.push(closer);
    },
    async begin(reason) {
      if (begun) {
        logger.warn(`${reason} again: exiting without waiting for the drain`);
        options.exit(1);
        return;
      }
      begun = true;
      logger.info(
        `${reason}: draining. Not ready, no new connections; ${http.inFlight} requests in flight may take up to ${options.drainTimeoutMs} ms to finish`,
      );
      const drained = http.drain(options.drainTimeoutMs);
      const closed = Promise.allSettled(closers.map(async (closer) => closer()));
      const cut = await drained;
      await closed;
      if (cut > 0) {
        logger.warn(`Drain timeout reached: ${cut} requests were cut`);
      } else {
        logger.info('Drained: every request in flight finished');
      }
      const forced = setTimeout(() => {
        logger.error(`Closing took over ${RELEASE_TIMEOUT_MS} ms; exiting anyway`);
        options.exit(1);
      }, RELEASE_TIMEOUT_MS);
      forced.unref();
      for (const part of options.release) {
        try {
          await part.close();
        } catch (error) {
          logger.warn({ error: errorDetail(error) }, `Closing ${part.name} failed`);
        }
      }
      clearTimeout(forced);
      logger.info('Stopped');
      options.exit(0);
    },
  };
}
