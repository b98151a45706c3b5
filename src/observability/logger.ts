import { createRequire } from 'node:module';
import { type DestinationStream, type Logger, type LoggerOptions, pino } from 'pino';
import type PinoPretty from 'pino-pretty';
import { redact } from '../http/redact.js';
import type { SecretRedactor } from '../http/secret-redactor.js';
import { PROVIDER_TOKEN_PATTERNS } from '../providers/provider-modules.js';

export type { Logger } from 'pino';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/**
 * Fields censored wherever they appear in a log record, one or two levels deep: credentials a
 * careless `logger.info({ headers })` or `logger.info({ account })` would otherwise print. Free
 * text goes through `redact` instead (see `errorDetail`), since a path cannot find a secret
 * inside a sentence; and the whole line through the redactor's known values, when given one.
 */
const REDACTED_FIELDS: readonly string[] = [
  'authorization',
  'cookie',
  'token',
  'apiToken',
  'appSecret',
  'secretKey',
  'sdkToken',
  'password',
  'clientJwtSecret',
].flatMap((field) => [
  field,
  `*.${field}`,
  `headers.${field}`,
  `*.headers.${field}`,
  `providers[*].${field}`,
]);

export interface LoggerSetup {
  readonly level: LogLevel;
  /** Where JSON lines go; stdout when absent. Tests pass a stream into memory. */
  readonly destination?: DestinationStream;
  /**
   * Lines for people rather than JSON (pino-pretty, coloured), for a terminal on stdout. The
   * same records and redaction; only the rendering differs.
   */
  readonly pretty?: boolean;
  /**
   * Scrubs every line, whole, at every level, of the secret values it knows (`SecretRedactor`):
   * whatever field or message a value ended up in, it is gone before the line is written.
   */
  readonly redactor?: SecretRedactor;
}

/**
 * The service's one structured logger: a JSON object per line, ISO time, level by name; or, for
 * a terminal, the same records as readable lines.
 */
export function createLogger(setup: LoggerSetup): Logger {
  const options: LoggerOptions = {
    level: setup.level,
    name: 'video-rooms-graphql',
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: [...REDACTED_FIELDS], censor: '[redacted]' },
  };
  const redactor = setup.redactor;
  if (redactor) {
    // The serialised line: values are replaced in place, so it stays one valid JSON object.
    options.hooks = { streamWrite: (line) => redactor.redactValues(line) };
  }
  if (setup.pretty) {
    return pino(options, prettyStream(setup.destination));
  }
  return setup.destination ? pino(options, setup.destination) : pino(options);
}

/**
 * pino-pretty, loaded only when asked for: a service whose stdout is a pipe (a container, a log
 * shipper) never loads it.
 */
function prettyStream(destination: DestinationStream | undefined): DestinationStream {
  const pretty = createRequire(import.meta.url)('pino-pretty') as typeof PinoPretty;
  return pretty({
    sync: true,
    // Colour only on stdout: a stream handed in (a test) gets plain text.
    colorize: destination === undefined,
    ...(destination ? { destination: destination as NodeJS.WritableStream } : {}),
    singleLine: true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,name',
  });
}

/** A logger that writes nothing, for tests and for apps built without one. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/**
 * One redacted line of text for an error or any other thrown value: its stack (or message),
 * never its `cause` chain or other properties, which can hold request options with headers.
 */
export function errorDetail(error: unknown): string {
  if (error instanceof Error) {
    return redact(error.stack ?? `${error.name}: ${error.message}`, PROVIDER_TOKEN_PATTERNS);
  }
  return redact(typeof error === 'string' ? error : String(error), PROVIDER_TOKEN_PATTERNS);
}
