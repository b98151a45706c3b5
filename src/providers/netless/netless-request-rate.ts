import type { DocumentedRequestRate } from '../request-rate.js';

/**
 * None published for the room and token endpoints (agora-whiteboard.md §7): the only documented
 * limit is file conversion's 1 request/s (N11), out of scope here, and Agora's general 429 note
 * is about api.agora.io, not api.netless.link. Null, so a budget imposes none of its own.
 */
export const NETLESS_REQUEST_RATE: DocumentedRequestRate | null = null;
