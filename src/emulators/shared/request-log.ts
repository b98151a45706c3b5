/** One request an emulator received, and what it answered. Admin calls are not recorded. */
export interface RecordedRequest {
  readonly method: string;
  /** Path without the query string. */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Parsed JSON body, the raw text when it is not JSON, or undefined when empty. */
  readonly body: unknown;
  readonly at: number;
  /** Filled in when the response is sent; null when the connection was dropped. */
  response: { status: number; body: unknown; headers: Record<string, string> } | null;
}

export class RequestLog {
  #entries: RecordedRequest[] = [];

  record(entry: RecordedRequest): void {
    this.#entries.push(entry);
  }

  all(): readonly RecordedRequest[] {
    return [...this.#entries];
  }

  count(filter?: { method?: string; pathPrefix?: string }): number {
    return this.#entries.filter((entry) => matches(entry, filter)).length;
  }

  clear(): void {
    this.#entries = [];
  }
}

export function matches(
  entry: { method: string; path: string },
  filter?: { method?: string; pathPrefix?: string },
): boolean {
  if (!filter) {
    return true;
  }
  if (filter.method && filter.method.toUpperCase() !== entry.method.toUpperCase()) {
    return false;
  }
  return !filter.pathPrefix || entry.path.startsWith(filter.pathPrefix);
}
