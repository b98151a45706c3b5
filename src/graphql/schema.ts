import { lexicographicSortSchema } from 'graphql';
import { builder } from './builder.js';
import { printSubgraphSdl, toSubgraphSchema } from './federation.js';
import './types/enums.js';
import './types/errors.js';
import './types/provider.js';
import './types/recording.js';
import './types/room.js';
import './types/room-event.js';
import './types/room-inputs.js';
import './types/room-life-mutations.js';
import './types/room-mutations.js';
import './types/room-session.js';
import './types/room-settings.js';
import './types/room-token.js';
import './types/rooms.js';
import './types/scalars.js';
import './types/webhook-delivery.js';

const publicSchema = lexicographicSortSchema(builder.toSchema());

/** The subgraph SDL with its federation directives, as `_service` returns it. */
export const subgraphSdl = printSubgraphSdl(publicSchema);

/**
 * The schema the service serves, with types sorted so the printed SDL is stable: the public
 * schema plus the two fields a federation gateway calls (`_service`, `_entities`), so the one
 * endpoint works for clients and as a subgraph alike.
 */
export const schema = toSubgraphSchema(publicSchema, subgraphSdl);
