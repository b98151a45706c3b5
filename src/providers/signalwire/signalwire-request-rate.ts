import type { DocumentedRequestRate } from '../request-rate.js';

/**
 * SignalWire's published rates, per project and platform-wide, not video-specific: reads and
 * deletes "effectively unlimited", writes 13,800 per 10 s, past which it answers 429
 * `rate_limit_exceeded`. Its rate-limit header names and any `Retry-After` are unconfirmed, so
 * none are read.
 */
export const SIGNALWIRE_REQUEST_RATE: DocumentedRequestRate = {
  limits: [
    { methods: ['GET', 'DELETE'], requests: null, perMs: null },
    { methods: ['POST', 'PUT', 'PATCH'], requests: 13_800, perMs: 10_000 },
  ],
  raisable: null,
  headers: null,
  source:
    'signalwire.md §1 (S6: signalwire/docs fern/products/platform/pages/platform/core/rate-limits.mdx); room-life-summary.md',
};
