import type { z } from 'zod';
import type { CallContext } from './call-context.js';
import type { CallDeadline } from './call-deadline.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What a provider's `-errors.ts` reads from a failed response. */
export interface UpstreamFailure {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly bodyText: string;
}

/** The safe parts of an error body: a message for clients and the provider's code. */
export interface ParsedErrorBody {
  readonly message: string;
  readonly providerCode: string | null;
}

/** One call an adapter asks of its account's upstream client. */
export interface UpstreamCall<T> {
  readonly method: HttpMethod;
  /** Path below `baseUrl`, starting with `/`, with any query already encoded. */
  readonly path: string;
  readonly body?: unknown;
  /** Checks the 2xx body; null when no body is expected (204). */
  readonly schema: z.ZodType<T> | null;
  /** For error messages and metrics: the operation being served, e.g. `createRoom`. */
  readonly operation: string;
  /** The GraphQL operation this call serves: its signal, deadline, allowance, id and span. */
  readonly context?: CallContext;
  /**
   * A deadline the caller already runs this call under, to share it with other calls (a
   * client's retry with a fresh token). It replaces the client's own deadline, and the
   * caller ends it. One call at a time: a deadline has one watcher.
   */
  readonly deadline?: CallDeadline;
  /** A write that is safe to repeat (an upsert), citing the fact sheet at the call site. */
  readonly idempotent?: boolean;
  readonly extraHeaders?: Record<string, string>;
}

export interface UpstreamClient {
  readonly provider: string;
  send<T>(call: UpstreamCall<T>): Promise<T>;
}
