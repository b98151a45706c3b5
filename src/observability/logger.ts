import { type DestinationStream, type Logger, type LoggerOptions, pino } from 'pino';
import { redact } from '../http/redact.js';
import type { SecretRedactor } from '../http/secret-redactor.js';

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
   * Scrubs every line, whole, at every level, of the secret values it knows (`SecretRedactor`):
   * whatever field or message a value ended up in, it is gone before the line is written.
   */
  readonly redactor?: SecretRedactor;
}

/** The service's one structured logger: a JSON object per line, ISO time, level by name. */
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
  return setup.destination ? pino(options, setup.destination) : pino(options);
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
    return redact(error.stack ?? `${error.name}: ${error.message}`);
  }
  return redact(typeof error === 'string' ? error : String(error));
}
