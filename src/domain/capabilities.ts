export const SUPPORT_LEVELS = ['NATIVE', 'EMULATED', 'UNSUPPORTED'] as const;
/** NATIVE: one documented upstream call. EMULATED: built from other calls, with caveats. */
export type SupportLevel = (typeof SUPPORT_LEVELS)[number];

export const ROOM_OPERATIONS = [
  'createRoom',
  'getRoom',
  'listRooms',
  'updateRoom',
  'disableRoom',
  'enableRoom',
  'deleteRoom',
  'createRoomToken',
  'listRoomTokens',
] as const;
export type RoomOperation = (typeof ROOM_OPERATIONS)[number];

export const DISABLE_EFFECTS = ['BLOCKS_NEW_JOINS', 'EJECTS_EVERYONE', 'ENDS_ROOM'] as const;
/** What `disableRoom` does to people already inside. */
export type DisableEffect = (typeof DISABLE_EFFECTS)[number];

export const TOKEN_SOURCES = ['LOCAL_SIGNER', 'PROVIDER_API'] as const;
export type TokenSource = (typeof TOKEN_SOURCES)[number];

/** What a provider account can do, and how. The source of `Provider.capabilities`. */
export interface ProviderCapabilities {
  readonly operations: Readonly<Record<RoomOperation, SupportLevel>>;
  /** What `disableRoom` does; null when disable is unsupported. */
  readonly disableEffect: DisableEffect | null;
  /** Whether `enableRoom` undoes `disableRoom`. */
  readonly enableUndoesDisable: boolean;
  readonly tokenSource: TokenSource;
  /** Largest page the provider returns from one list call. */
  readonly maxPageSize: number;
  /** Largest number of rooms the adapter fetches in one `getRooms` call. */
  readonly maxBatchSize: number;
  /** Human-readable notes on emulated or partial operations. */
  readonly notes: readonly string[];
}
