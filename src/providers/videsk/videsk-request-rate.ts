import type { DocumentedRequestRate } from '../request-rate.js';

/**
 * Videsk's published limit: 20 requests/s per account by default, which support can raise,
 * reported on every response in `Ratelimit-*` headers. The status and body past the limit are
 * UNCONFIRMED (videsk.md §1.1 proposes 429 with `Retry-After: 1`).
 */
export const VIDESK_REQUEST_RATE: DocumentedRequestRate = {
  limits: [{ methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], requests: 20, perMs: 1000 }],
  raisable: true,
  headers: {
    limit: 'Ratelimit-Limit',
    remaining: 'Ratelimit-Remaining',
    reset: 'Ratelimit-Reset',
    policy: 'Ratelimit-Policy',
  },
  source:
    'videsk.md §1.1 (V1: videsk/developers-docs-es vpaas/introduccion.md and vpaas/rooms-api.md, limits section)',
};
