import type { DocumentedRequestRate } from '../request-rate.js';

/**
 * 100ms publishes no request rate and no rate-limit headers for rooms or room codes (hms.md §5,
 * UNCONFIRMED: nothing in the docs, the SDK or the API reference). 429 is documented only for
 * the analytics webhook-events endpoints ("rate limit exceeded, retry after 45 seconds"), and a
 * third-party profile's figures are not 100ms's word, so there is nothing to budget against.
 */
export const HMS_REQUEST_RATE: DocumentedRequestRate | null = null;
