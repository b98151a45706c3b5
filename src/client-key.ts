import type { ClientIdentity } from './context.js';

/**
 * One string per client that no other client shares: its kind and id as a JSON array. An API
 * key's id and a JWT's `sub` may be the same text, and either may hold any character (`:`
 * included), so joining them with a separator would let two clients land on one key. Used
 * wherever state is kept per client: idempotency keys, the metrics' share of operation names.
 */
export function clientKey(client: Pick<ClientIdentity, 'kind' | 'id'>): string {
  return JSON.stringify([client.kind, client.id]);
}
