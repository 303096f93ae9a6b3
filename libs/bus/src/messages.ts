/** Shapes of the JSON messages and KV values on the bus. */

export interface FieldError {
  readonly path: string;
  readonly message: string;
}

export type ApplyReply =
  | { readonly ok: true; readonly name: string; readonly revision: number }
  | { readonly ok: false; readonly errors: readonly FieldError[] };

/** What path-svc writes for one host and one intent (KV `srv6-policies`, key `<host>.<intent>`). */
export interface PolicyRecord {
  readonly intent: string;
  readonly host: string;
  /** Revision of the intent this was computed from. */
  readonly intentRevision: number;
  readonly topologyRevision: number;
  readonly status: 'ok' | 'unsatisfiable';
  readonly reason?: string;
  readonly destination: string;
  readonly protocol: 'tcp' | 'udp' | 'any';
  readonly ports: ReadonlyArray<{ readonly first: number; readonly last: number }>;
  readonly path: readonly string[];
  readonly segments: readonly string[];
  readonly encapsulation: 'srh' | 'reduced';
  /** Outer source address: the host's address from the topology. */
  readonly source: string;
  readonly metrics?: {
    readonly delayMs: number;
    readonly bottleneckMbps: number;
    readonly igpCost: number;
    readonly hops: number;
  };
  /**
   * The intent's objective type, or `weighted` for an `objectives` mix: path-svc's incremental
   * recompute needs it (a record without one is recomputed on every topology change).
   */
  readonly objective?: string;
}

export type IntentState = 'pending' | 'programmed' | 'unsatisfiable' | 'error';

/** What a host reports (KV `srv6-status`, key `<host>.<intent>`; also on srv6.status.intents.<name>). */
export interface StatusRecord {
  readonly intent: string;
  readonly host: string;
  readonly state: IntentState;
  readonly reason?: string;
  readonly path?: readonly string[];
  readonly segments?: readonly string[];
  readonly counters?: { readonly packets: string; readonly bytes: string };
  readonly updatedAt: string;
}

export interface IntentEvent {
  readonly type: 'applied' | 'deleted';
  readonly name: string;
  readonly revision: number;
}

export interface TopologyEvent {
  readonly type: 'applied';
  readonly revision: number;
}
