import type { Logger } from '../observability/logger.js';

/** What the service tells its operator once it listens. */
export interface StartupFacts {
  /** `http://localhost:4000`, or the host it was told to listen on. */
  readonly origin: string;
  /** Where to reach it, for the open-access warning: `this machine on port 4000`. */
  readonly reach: string;
  /** The emulator accounts in sandbox mode; null with configured accounts. */
  readonly sandbox: readonly { key: string; kind: string; baseUrl: string }[] | null;
  /** `key (KIND)` of each configured account. */
  readonly accounts: readonly string[];
  readonly allowAnonymous: boolean;
  /** Where idempotency keys and rate-limit counts live. */
  readonly state: string;
  readonly metrics: boolean;
  readonly tracing: string;
}

interface Line {
  readonly level: 'info' | 'warn';
  readonly text: string;
}

/**
 * Logs the banner: one record per line for machines (open access is a warning, where alerting
 * looks; "listening" comes last, once all is said), or one block for a person at a terminal.
 */
export function logBanner(facts: StartupFacts, logger: Logger, block?: (text: string) => void) {
  if (block) {
    block(bannerBlock(facts));
    return;
  }
  for (const line of [...describe(facts), listening(facts)]) {
    logger[line.level](line.text);
  }
}

function describe(facts: StartupFacts): Line[] {
  const info = (text: string): Line => ({ level: 'info', text });
  const lines: Line[] = [];
  if (facts.sandbox) {
    lines.push(
      info(
        'SANDBOX MODE: no provider credentials are configured, so emulated providers run in-process on loopback:',
      ),
      ...facts.sandbox.map((account) =>
        info(`  ${account.key} (${account.kind}) -> ${account.baseUrl}`),
      ),
      info(
        'Nothing here reaches a real provider. Configure providers (see README) to leave sandbox mode.',
      ),
      {
        level: 'warn',
        text: `OPEN ACCESS: no client credentials are needed and any browser origin may call, so anyone who can reach ${facts.reach} can use this API.`,
      },
    );
  } else {
    lines.push(info(`Providers: ${facts.accounts.join(', ')}`));
    if (facts.allowAnonymous) {
      lines.push({
        level: 'warn',
        text: 'ALLOW_ANONYMOUS is on: requests without credentials get every scope, so anyone who can reach this service can use these accounts.',
      });
    }
  }
  lines.push(
    info(`State (idempotency keys, rate-limit counts): ${facts.state}`),
    info(
      `Metrics: ${facts.metrics ? `${facts.origin}/metrics` : 'off (METRICS=false)'}; tracing: ${facts.tracing}`,
    ),
  );
  return lines;
}

function listening(facts: StartupFacts): Line {
  return {
    level: 'info',
    text: `Video rooms GraphQL listening on ${facts.origin}/graphql (GraphiQL in a browser)`,
  };
}

function bannerBlock(facts: StartupFacts): string {
  const lines = describe(facts);
  const body = lines.map((line) => (line.level === 'warn' ? `  ! ${line.text}` : `  ${line.text}`));
  return [
    '',
    `  ${listening(facts).text}`,
    '',
    ...body,
    `  Probes: ${facts.origin}/health, ${facts.origin}/ready. SIGHUP reloads the configuration; SIGTERM drains and stops.`,
    '',
    '',
  ].join('\n');
}
