// Per-node timings of profiled runs (Network.startProfiling / stopProfiling), summarized as a
// table or written as a Chrome trace (chrome://tracing, Perfetto: the trace-event JSON format).

/** One node's execution in a profiled run. */
export interface ProfileEvent {
  /** The profiled run it belongs to, from 1. */
  run: number;
  /** Node name (fused nodes keep the name of the node they replace). */
  node: string;
  /** Op type; fused nodes are "liteinfer.Conv" and the like. */
  op: string;
  /** Start, in microseconds since profiling started. */
  startUs: number;
  /** Wall time in microseconds. */
  durationUs: number;
  /** CPU time of the thread that ran the node, in microseconds (excludes time other processes took). */
  cpuUs: number;
  /** The shapes of the node's inputs ([] for an omitted optional input). */
  inputShapes: number[][];
}

/** Time per op type or per node, over all runs of a profile. */
export interface ProfileRow {
  name: string;
  /** The op type (for per-node rows; equals `name` for per-op rows). */
  op: string;
  /** Executions: nodes x runs. */
  count: number;
  totalUs: number;
  /** Mean wall time per run. */
  perRunUs: number;
  /** Share of the total node time, 0..1. */
  share: number;
}

/** Aggregates a profile per op type and per node, most expensive first. */
export function summarizeProfile(events: readonly ProfileEvent[]): { runs: number; totalUs: number; byOp: ProfileRow[]; byNode: ProfileRow[] } {
  const runs = new Set(events.map((e) => e.run)).size;
  const totalUs = events.reduce((s, e) => s + e.durationUs, 0);
  const group = (key: (e: ProfileEvent) => string): ProfileRow[] => {
    const rows = new Map<string, ProfileRow>();
    for (const e of events) {
      const k = key(e);
      const r = rows.get(k) ?? { name: k, op: e.op, count: 0, totalUs: 0, perRunUs: 0, share: 0 };
      r.count++;
      r.totalUs += e.durationUs;
      rows.set(k, r);
    }
    for (const r of rows.values()) {
      r.perRunUs = runs ? r.totalUs / runs : 0;
      r.share = totalUs ? r.totalUs / totalUs : 0;
    }
    return [...rows.values()].sort((a, b) => b.totalUs - a.totalUs);
  };
  return { runs, totalUs, byOp: group((e) => e.op), byNode: group((e) => e.node || `(${e.op})`) };
}

/** The profile as a Chrome trace-event document (one complete event per node execution). */
export function toChromeTrace(events: readonly ProfileEvent[], processName = 'liteinfer'): object {
  const traceEvents: object[] = [
    { name: 'process_name', ph: 'M', pid: 1, tid: 1, args: { name: processName } },
  ];
  for (const e of events) {
    traceEvents.push({
      name: e.node || e.op, cat: e.op, ph: 'X', pid: 1, tid: 1,
      ts: e.startUs, dur: e.durationUs,
      args: { op: e.op, run: e.run, cpuUs: e.cpuUs, inputShapes: e.inputShapes.map((s) => `[${s.join(',')}]`).join(' ') },
    });
  }
  return { traceEvents, displayTimeUnit: 'ms' };
}
