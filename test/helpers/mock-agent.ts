import { MockAgent, type MockCallHistoryLog } from 'undici';

/**
 * A local undici `MockAgent` for adapter unit tests (STYLE.md §8): net connect is off, so a
 * request nobody intercepted fails instead of leaving the machine. It is handed to the code
 * under test as its `dispatcher` and is never installed as the global dispatcher.
 */
export interface MockUpstream {
  readonly agent: MockAgent;
  /**
   * Every request the agent saw, intercepted or not, in order. Tests that must prove "no
   * request was made" read this, since a request nobody intercepted only rejects.
   */
  calls(): MockCallHistoryLog[];
  /** Throws when an interceptor was never used, then closes the agent (in `afterEach`). */
  assertNoPendingAndClose(): Promise<void>;
}

export function createMockAgent(): MockUpstream {
  const agent = new MockAgent({ enableCallHistory: true });
  agent.disableNetConnect();
  return {
    agent,
    calls: () => agent.getCallHistory()?.calls() ?? [],
    async assertNoPendingAndClose() {
      try {
        agent.assertNoPendingInterceptors();
      } finally {
        await agent.close();
      }
    },
  };
}

/** The request body a call sent, parsed as JSON; undefined when it sent none. */
export function jsonBody(call: MockCallHistoryLog): unknown {
  return typeof call.body === 'string' && call.body !== '' ? JSON.parse(call.body) : undefined;
}

/** One request header, whatever casing the client used. */
export function header(call: MockCallHistoryLog, name: string): string | undefined {
  const wanted = name.toLowerCase();
  const entry = Object.entries(call.headers ?? {}).find(([key]) => key.toLowerCase() === wanted);
  const value = entry?.[1];
  return Array.isArray(value) ? value.join(', ') : value;
}
