import { fileURLToPath } from 'node:url';

/** `../shared` beside the repository: fact sheets and provider specs, as CI lays them out. */
export const SHARED_DIR = fileURLToPath(new URL('../../../shared/', import.meta.url));

export const SIGNALWIRE_OPENAPI = `${SHARED_DIR}specs/signalwire/video/openapi.yaml`;
