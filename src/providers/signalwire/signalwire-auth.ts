/** The credentials of one SignalWire space (`signalwire.md` §1). */
export interface SignalWireCredentials {
  /** Project ID (a UUID): the Basic auth user name. */
  readonly projectId: string;
  /** API token with the Video scope: the Basic auth password. */
  readonly apiToken: string;
}

/** The Basic credential, `base64(project id:API token)`: a secret, derived from the token. */
export function signalWireBasicCredential(credentials: SignalWireCredentials): string {
  return Buffer.from(`${credentials.projectId}:${credentials.apiToken}`, 'utf8').toString('base64');
}

/** HTTP Basic with project id and API token. Built once; the value is a secret. */
export function signalWireAuthHeaders(credentials: SignalWireCredentials): Record<string, string> {
  return { authorization: `Basic ${signalWireBasicCredential(credentials)}` };
}

/**
 * Shapes of the tokens SignalWire issues (conference tokens are `vpt_` and hex), scrubbed by
 * shape from text wherever the service writes it, on top of the values it knows.
 */
export const SIGNALWIRE_TOKEN_PATTERNS: readonly RegExp[] = [/\bvpt_[0-9a-f]{8,}\b/gi];
