import { randomBytes } from 'node:crypto';

/** A template the emulated workspace owns (hms.md §3.1 `template_id`): its roles gate joins. */
export interface HmsTemplate {
  readonly id: string;
  readonly name: string;
  /** `in`, `us` or `eu`: what `region: auto` (or no region) resolves to. */
  readonly region: string;
  readonly roles: readonly string[];
  /** The template's recording setting, copied into rooms that follow it. */
  readonly recordingEnabled: boolean;
  /**
   * The template's subdomain (`<subdomain>.app.100ms.live`), whose meeting page a recording
   * opens when started without `meeting_url`. Templates made through the REST API have none
   * (hms-room-life.md §3).
   */
  readonly subdomain?: string;
}

export interface HmsUploadInfo {
  readonly type: string;
  readonly location: string;
  readonly [field: string]: unknown;
}

export interface HmsRecordingInfo {
  readonly enabled: boolean;
  readonly upload_info?: HmsUploadInfo;
}

/** One room as the emulator keeps it; rendered to 100ms JSON by the routes. */
export interface HmsRoomRecord {
  readonly id: string;
  name: string;
  enabled: boolean;
  description: string;
  templateId: string;
  region: string;
  largeRoom: boolean;
  size: number | null;
  maxDurationSeconds: number | null;
  recordingInfo: HmsRecordingInfo;
  /** True until a request sends `recording_info` (§3.1). */
  recordingSourceTemplate: boolean;
  webhook: { url: string; headers?: Record<string, string> } | null;
  polls: string[] | null;
  readonly createdAt: number;
  updatedAt: number;
}

export interface HmsRoomFilter {
  readonly enabled: boolean;
  readonly name?: string;
  readonly templateId?: string;
  /** Inclusive bounds on `created_at`, epoch ms. */
  readonly after?: number;
  readonly before?: number;
  /** Exclusive: only rooms listed after this id. */
  readonly start?: string;
  readonly limit: number;
}

export interface HmsStoreOptions {
  readonly customerId: string;
  readonly appId: string;
  readonly templates: readonly HmsTemplate[];
  readonly now: () => number;
}

/** The emulated workspace: rooms keyed by id, names unique case-insensitively. */
export class HmsStore {
  readonly customerId: string;
  readonly appId: string;
  readonly templates: readonly HmsTemplate[];
  readonly #now: () => number;
  readonly #rooms = new Map<string, HmsRoomRecord>();
  /** The middle of an ObjectId-style id: fixed per emulator, like a process id. */
  readonly #machine = randomBytes(5).toString('hex');
  #counter = 0;

  constructor(options: HmsStoreOptions) {
    if (options.templates.length === 0) {
      throw new Error('the 100ms emulator needs at least one template');
    }
    this.customerId = options.customerId;
    this.appId = options.appId;
    this.templates = options.templates;
    this.#now = options.now;
  }

  /** The workspace default, used when a create names no template. */
  get defaultTemplate(): HmsTemplate {
    return this.templates[0] as HmsTemplate;
  }

  template(id: string): HmsTemplate | undefined {
    return this.templates.find((template) => template.id === id);
  }

  /** How many rooms the workspace holds, enabled or not. */
  get size(): number {
    return this.#rooms.size;
  }

  get(id: string): HmsRoomRecord | undefined {
    return this.#rooms.get(id);
  }

  findByName(name: string): HmsRoomRecord | undefined {
    const wanted = name.toLowerCase();
    return [...this.#rooms.values()].find((room) => room.name.toLowerCase() === wanted);
  }

  insert(fields: Omit<HmsRoomRecord, 'id' | 'createdAt' | 'updatedAt'>): HmsRoomRecord {
    const at = this.#now();
    const room: HmsRoomRecord = { ...fields, id: this.newId(), createdAt: at, updatedAt: at };
    this.#rooms.set(room.id, room);
    return room;
  }

  /** Applies `patch` and stamps `updatedAt`. */
  update(room: HmsRoomRecord, patch: Partial<Omit<HmsRoomRecord, 'id' | 'createdAt'>>) {
    Object.assign(room, patch, { updatedAt: this.#now() });
    return room;
  }

  /**
   * Newest first, ids descending, as the docs' list example shows (hms.md §3.3: the order is
   * UNCONFIRMED). `start` compares ids, so a cursor stays valid when its room leaves the filter.
   */
  list(filter: HmsRoomFilter): HmsRoomRecord[] {
    const name = filter.name?.toLowerCase();
    return [...this.#rooms.values()]
      .filter(
        (room) =>
          room.enabled === filter.enabled &&
          (name === undefined || room.name.toLowerCase() === name) &&
          (filter.templateId === undefined || room.templateId === filter.templateId) &&
          (filter.after === undefined || room.createdAt >= filter.after) &&
          (filter.before === undefined || room.createdAt <= filter.before) &&
          (filter.start === undefined || room.id < filter.start),
      )
      .sort((a, b) => (a.id < b.id ? 1 : -1))
      .slice(0, filter.limit);
  }

  reset(): void {
    this.#rooms.clear();
  }

  /**
   * A new id of any 100ms object (room, session, recording, asset): 24 hex digits,
   * ObjectId-style (§1): seconds, a fixed machine part, a counter. Later ids sort after.
   */
  newId(): string {
    this.#counter = (this.#counter + 1) % 0x1000000;
    const seconds = Math.floor(this.#now() / 1000)
      .toString(16)
      .padStart(8, '0');
    return `${seconds}${this.#machine}${this.#counter.toString(16).padStart(6, '0')}`;
  }
}
