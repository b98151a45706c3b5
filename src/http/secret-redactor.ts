import { redact } from './redact.js';

/** What a secret's value becomes wherever it is found. */
export const REDACTED = '[redacted]';

/**
 * Values shorter than this are not searched for: replacing every `abc` in a log line would ruin
 * the log and protect nothing a secret that short could keep.
 */
export const MIN_SECRET_LENGTH = 6;

/** Derived values remembered at once (minted and management tokens): the most recent ones. */
const DEFAULT_RECENT_CAPACITY = 512;

/**
 * Redaction by value: every configured credential, and everything derived from one, wherever it
 * turns up in text the service writes (an upstream error body the service repeats, a log line, a
 * span, the metrics page), on top of the pattern rules of `redact.ts`, which catch credentials by
 * their shape but not an opaque token echoed in a sentence.
 *
 * Built once from the configuration's secrets (`keep`); adapters add what they derive from them
 * the moment they derive it: a Basic credential (`keep`), a signed or minted token (`remember`,
 * kept among the most recent ones only, so memory stays bounded while tokens keep being minted).
 * Each value is searched for as is and in the forms it travels in (base64 and base64url, URL and
 * JSON escaping), longest first, so a value containing another is replaced whole.
 */
export class SecretRedactor {
  readonly #kept = new Set<string>();
  /** Remembered values, oldest first, each with its forms. */
  readonly #recent = new Map<string, string[]>();
  readonly #recentCapacity: number;
  /** Candidates by their first characters, longest first in each group; rebuilt when stale. */
  #index: Map<string, string[]> | null = null;

  constructor(secrets: Iterable<string> = [], options: { recentCapacity?: number } = {}) {
    this.#recentCapacity = options.recentCapacity ?? DEFAULT_RECENT_CAPACITY;
    this.keep(...secrets);
  }

  /** Secrets to redact for as long as the service runs: credentials and their fixed derivations. */
  keep(...secrets: string[]): void {
    for (const secret of secrets) {
      for (const form of formsOf(secret)) {
        this.#kept.add(form);
      }
    }
    this.#index = null;
  }

  /**
   * A value derived at run time (a token); past the capacity, the least recently remembered is
   * forgotten. Remembering a value again makes it the newest, so a token still in use (said
   * again at each use) is never the one forgotten; that costs no rebuild of the index.
   */
  remember(value: string): void {
    const known = this.#recent.get(value);
    if (known) {
      this.#recent.delete(value);
      this.#recent.set(value, known);
      return;
    }
    const forms = formsOf(value);
    if (forms.length === 0) {
      return;
    }
    this.#recent.set(value, forms);
    for (const oldest of this.#recent.keys()) {
      if (this.#recent.size <= this.#recentCapacity) {
        break;
      }
      this.#recent.delete(oldest);
    }
    this.#index = null;
  }

  /**
   * Replaces every known secret value. For text of fixed structure (a JSON log line, the metrics
   * page): it changes nothing but the values, so the text keeps its shape.
   */
  redactValues(text: string): string {
    const index = this.#currentIndex();
    let found: string[] | null = null;
    for (const [prefix, group] of index) {
      if (!text.includes(prefix)) {
        continue;
      }
      for (const candidate of group) {
        if (text.includes(candidate)) {
          found ??= [];
          found.push(candidate);
        }
      }
    }
    if (found === null) {
      return text;
    }
    let result = text;
    for (const value of found.sort((a, b) => b.length - a.length)) {
      result = result.replaceAll(value, REDACTED);
    }
    return result;
  }

  /**
   * Values, then the pattern rules (with the token shapes given): for free text such as an
   * error message.
   */
  redact(text: string, tokenPatterns: readonly RegExp[] = []): string {
    return redact(this.redactValues(text), tokenPatterns);
  }

  #currentIndex(): Map<string, string[]> {
    if (this.#index === null) {
      const index = new Map<string, string[]>();
      for (const value of [...this.#kept, ...[...this.#recent.values()].flat()]) {
        const prefix = value.slice(0, MIN_SECRET_LENGTH);
        const group = index.get(prefix) ?? [];
        group.push(value);
        index.set(prefix, group);
      }
      for (const group of index.values()) {
        group.sort((a, b) => b.length - a.length);
      }
      this.#index = index;
    }
    return this.#index;
  }
}

/** A value as it may appear in text: itself, encoded as it travels, escaped as JSON holds it. */
function formsOf(value: string): string[] {
  if (value.length < MIN_SECRET_LENGTH) {
    return [];
  }
  const bytes = Buffer.from(value, 'utf8');
  const forms = new Set([
    value,
    bytes.toString('base64'),
    bytes.toString('base64').replace(/=+$/, ''),
    bytes.toString('base64url'),
    encodeURIComponent(value),
    JSON.stringify(value).slice(1, -1),
  ]);
  return [...forms].filter((form) => form.length >= MIN_SECRET_LENGTH);
}
