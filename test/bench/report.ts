import type { LoadResult } from './load.js';
import type { Scenario, ScenarioName } from './scenarios.js';

// The bench's output: a table per run, the targets with their verdicts, one line of conditions,
// and as the very last line one JSON object with the figures per scenario.

export interface Measurement {
  readonly load: LoadResult;
  /** Upstream requests the emulators counted during the measured run (warm-up excluded). */
  readonly upstream: number;
  readonly upstreamPerRequest: number;
  readonly byRoute: Readonly<Record<string, number>>;
  /** CPU seconds each process used during the measured run. */
  readonly cpu: {
    readonly service: number;
    readonly emulators: number;
    readonly floor: number;
    readonly peer: number;
    readonly loadgen: number;
  };
}

/** One side measured at c=1 and c=N, with its process's peak RSS over the scenario. */
export interface SideResult {
  readonly c1: Measurement;
  readonly cN: Measurement;
  readonly rssMb: number;
}

export interface ScenarioResult {
  readonly scenario: Scenario;
  readonly ours: { readonly c1: Measurement; readonly cN: Measurement };
  readonly floor: { readonly c1: Measurement; readonly cN: Measurement };
  /** graphql-yoga alone at c=N, for the scenarios that compare with it. */
  readonly yogaAlone: Measurement | null;
  /** Peak RSS of the service while this scenario ran against it, MB. */
  readonly rssMb: number;
  /** GraphQL Mesh + Hive Gateway, with --peer, for the scenarios it has. */
  readonly peer: SideResult | null;
}

/** Ours against the peer in one scenario. */
export interface PeerFigures {
  readonly rps: number;
  /** Ours / the peer, requests/s at c=N. */
  readonly rpsRatio: number;
  readonly p50MsC1: number;
  readonly upstreamPerRequestC1: number;
  readonly upstreamPerRequest: number;
  readonly rssMb: number;
  /** Ours / the peer, peak RSS. */
  readonly rssRatio: number;
  readonly failures: number;
}

export interface JsonFigures {
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly upstreamPerRequest: number;
  readonly upstreamMinimum: number;
  readonly floorRps: number;
  readonly rssMb: number;
  readonly ratio: number;
  readonly p50DiffMsC1: number;
  readonly upstreamPerRequestC1: number;
  readonly floorUpstreamPerRequest: number;
  readonly p50MsC1: number;
  readonly floorP50MsC1: number;
  /** graphql-yoga alone at c=N, where measured. */
  readonly yogaAloneRps: number | null;
  readonly failures: number;
  /** The peer's figures, with --peer. */
  readonly peer: PeerFigures | null;
}

const round = (value: number, digits: number) => {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
};

export function figures(result: ScenarioResult): JsonFigures {
  const { ours, floor } = result;
  return {
    rps: round(ours.cN.load.rps, 0),
    p50Ms: round(ours.cN.load.p50Ms, 2),
    p99Ms: round(ours.cN.load.p99Ms, 2),
    upstreamPerRequest: round(ours.cN.upstreamPerRequest, 3),
    upstreamMinimum: result.scenario.upstreamMinimum,
    floorRps: round(floor.cN.load.rps, 0),
    rssMb: round(result.rssMb, 1),
    ratio: round(floor.cN.load.rps > 0 ? ours.cN.load.rps / floor.cN.load.rps : 0, 3),
    p50DiffMsC1: round(ours.c1.load.p50Ms - floor.c1.load.p50Ms, 2),
    upstreamPerRequestC1: round(ours.c1.upstreamPerRequest, 3),
    floorUpstreamPerRequest: round(floor.cN.upstreamPerRequest, 3),
    p50MsC1: round(ours.c1.load.p50Ms, 2),
    floorP50MsC1: round(floor.c1.load.p50Ms, 2),
    yogaAloneRps: result.yogaAlone ? round(result.yogaAlone.load.rps, 0) : null,
    failures:
      ours.c1.load.failures +
      ours.cN.load.failures +
      floor.c1.load.failures +
      floor.cN.load.failures +
      (result.yogaAlone?.load.failures ?? 0) +
      (result.peer ? result.peer.c1.load.failures + result.peer.cN.load.failures : 0),
    peer: result.peer ? peerFigures(result, result.peer) : null,
  };
}

function peerFigures(result: ScenarioResult, peer: SideResult): PeerFigures {
  return {
    rps: round(peer.cN.load.rps, 0),
    rpsRatio: round(peer.cN.load.rps > 0 ? result.ours.cN.load.rps / peer.cN.load.rps : 0, 2),
    p50MsC1: round(peer.c1.load.p50Ms, 2),
    upstreamPerRequestC1: round(peer.c1.upstreamPerRequest, 3),
    upstreamPerRequest: round(peer.cN.upstreamPerRequest, 3),
    rssMb: round(peer.rssMb, 1),
    rssRatio: round(peer.rssMb > 0 ? result.rssMb / peer.rssMb : 0, 2),
    failures: peer.c1.load.failures + peer.cN.load.failures,
  };
}

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) =>
        column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0),
      )
      .join('  ');
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join(
    '\n',
  );
}

const fixed = (value: number, digits: number) => value.toFixed(digits);

export function resultTable(results: readonly ScenarioResult[], concurrency: number): string {
  const c = `c=${concurrency}`;
  const main = table(
    [
      'scenario',
      `rps ${c}`,
      'p50 ms',
      'p99 ms',
      'up/req',
      'up/req c=1',
      'min',
      'floor rps',
      'ours/floor',
      'p50 c=1',
      'floor p50 c=1',
      'Δp50 c=1',
      'RSS MB',
      'fail',
    ],
    results.map((result) => {
      const f = figures(result);
      return [
        result.scenario.name,
        fixed(f.rps, 0),
        fixed(f.p50Ms, 2),
        fixed(f.p99Ms, 2),
        fixed(f.upstreamPerRequest, 3),
        fixed(f.upstreamPerRequestC1, 3),
        String(f.upstreamMinimum),
        fixed(f.floorRps, 0),
        `${fixed(f.ratio * 100, 0)} %`,
        fixed(f.p50MsC1, 2),
        fixed(f.floorP50MsC1, 2),
        `${f.p50DiffMsC1 >= 0 ? '+' : ''}${fixed(f.p50DiffMsC1, 2)}`,
        fixed(f.rssMb, 1),
        String(f.failures),
      ];
    }),
  );
  const pct = (m: Measurement, seconds: number) =>
    m.load.elapsedMs > 0 ? fixed((seconds * 100_000) / m.load.elapsedMs, 0) : '-';
  const perRequest = (m: Measurement, seconds: number) =>
    m.load.responses > 0 ? fixed((seconds * 1000) / m.load.responses, 3) : '-';
  const detail = table(
    [
      'where time goes',
      `ours ${c} CPU % svc/emu/gen`,
      `floor ${c} CPU % floor/emu/gen`,
      'svc CPU ms/req c=1',
      `svc CPU ms/req ${c}`,
      `floor CPU ms/req ${c}`,
      `floor p50/p99 ms ${c}`,
      'floor up/req c=1/N',
      'requests ours / floor',
      `run s ours/floor ${c}`,
    ],
    results.map(({ scenario, ours, floor }) => [
      scenario.name,
      `${pct(ours.cN, ours.cN.cpu.service)}/${pct(ours.cN, ours.cN.cpu.emulators)}/${pct(ours.cN, ours.cN.cpu.loadgen)}`,
      `${pct(floor.cN, floor.cN.cpu.floor)}/${pct(floor.cN, floor.cN.cpu.emulators)}/${pct(floor.cN, floor.cN.cpu.loadgen)}`,
      perRequest(ours.c1, ours.c1.cpu.service),
      perRequest(ours.cN, ours.cN.cpu.service),
      perRequest(floor.cN, floor.cN.cpu.floor),
      `${fixed(floor.cN.load.p50Ms, 2)}/${fixed(floor.cN.load.p99Ms, 2)}`,
      `${fixed(floor.c1.upstreamPerRequest, 3)}/${fixed(floor.cN.upstreamPerRequest, 3)}`,
      `${ours.c1.load.responses + ours.cN.load.responses} / ${floor.c1.load.responses + floor.cN.load.responses}`,
      `${fixed(ours.cN.load.elapsedMs / 1000, 1)}/${fixed(floor.cN.load.elapsedMs / 1000, 1)}`,
    ]),
  );
  const routes = results
    .map(
      ({ scenario, ours }) =>
        `  ${scenario.name}: ${
          Object.entries(ours.cN.byRoute)
            .map(([route, count]) => `${route} ×${count}`)
            .join(', ') || 'none'
        }`,
    )
    .join('\n');
  return `${main}\n\n${detail}\n\nUpstream requests of ours by route, measured run at ${c}:\n${routes}`;
}

/** Ours and the peer side by side, one row per scenario the peer has. */
export function peerTable(results: readonly ScenarioResult[], concurrency: number): string {
  const c = `c=${concurrency}`;
  const rows = results.flatMap((result) => {
    const { peer } = result;
    if (!peer) {
      return [];
    }
    const ours = figures(result);
    const theirs = peerFigures(result, peer);
    const cpuMs = (m: Measurement, seconds: number) =>
      m.load.responses > 0 ? fixed((seconds * 1000) / m.load.responses, 2) : '-';
    return [
      [
        result.scenario.name,
        `${fixed(ours.rps, 0)} / ${fixed(theirs.rps, 0)}`,
        `${fixed(theirs.rpsRatio, 2)}×`,
        `${fixed(ours.p50MsC1, 2)} / ${fixed(theirs.p50MsC1, 2)}`,
        `${fixed(ours.upstreamPerRequestC1, 2)} / ${fixed(theirs.upstreamPerRequestC1, 2)}`,
        `${fixed(ours.upstreamPerRequest, 2)} / ${fixed(theirs.upstreamPerRequest, 2)}`,
        String(result.scenario.upstreamMinimum),
        `${fixed(ours.rssMb, 0)} / ${fixed(theirs.rssMb, 0)}`,
        `${fixed(theirs.rssRatio, 2)}×`,
        `${cpuMs(result.ours.c1, result.ours.c1.cpu.service)} / ${cpuMs(peer.c1, peer.c1.cpu.peer)}`,
        `${cpuMs(result.ours.cN, result.ours.cN.cpu.service)} / ${cpuMs(peer.cN, peer.cN.cpu.peer)}`,
        `${cpuMs(result.ours.cN, result.ours.cN.cpu.emulators)} / ${cpuMs(peer.cN, peer.cN.cpu.emulators)}`,
        `${fixed(result.ours.cN.load.p50Ms, 1)} / ${fixed(peer.cN.load.p50Ms, 1)}`,
        String(theirs.failures),
      ],
    ];
  });
  return table(
    [
      'ours / peer',
      `rps ${c}`,
      'ratio',
      'p50 ms c=1',
      'up/req c=1',
      `up/req ${c}`,
      'min',
      'peak RSS MB',
      'RSS ratio',
      'CPU ms/req c=1',
      `CPU ms/req ${c}`,
      `emulator CPU ms/req ${c}`,
      `p50 ms ${c}`,
      'peer fail',
    ],
    rows,
  );
}

/**
 * The issue's targets against the peer, one line each: fewest upstream calls, throughput
 * (≥ 3 × the peer's with GET sharing on, ≥ 1.5 × with it off), p50 at c=1, peak RSS.
 */
export function peerTargetLines(
  results: readonly ScenarioResult[],
  concurrency: number,
  shareInflightGets: boolean,
): string[] {
  const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');
  const all = results.flatMap((result) =>
    result.peer
      ? [
          {
            name: result.scenario.name,
            ours: figures(result),
            peer: peerFigures(result, result.peer),
          },
        ]
      : [],
  );
  if (all.length === 0) {
    return [];
  }
  const factor = shareInflightGets ? 3 : 1.5;
  const equal = (value: number, minimum: number) => Math.abs(value - minimum) < 0.0005;
  return [
    `${verdict(all.every(({ ours }) => equal(ours.upstreamPerRequestC1, ours.upstreamMinimum) && ours.upstreamPerRequest <= ours.upstreamMinimum + 0.0005))} ours: upstream calls per request = the lower bound (c=1 / c=${concurrency} vs bound; the peer's at c=1): ${all
      .map(
        ({ name, ours, peer }) =>
          `${name} ${ours.upstreamPerRequestC1}/${ours.upstreamPerRequest} vs ${ours.upstreamMinimum} (peer ${peer.upstreamPerRequestC1})`,
      )
      .join('; ')}`,
    `${verdict(all.every(({ peer }) => peer.rpsRatio >= factor))} requests/s at c=${concurrency} ≥ ${factor} × the peer's (GET sharing ${shareInflightGets ? 'on' : 'off'}): ${all
      .map(({ name, peer }) => `${name} ${peer.rpsRatio}×`)
      .join('; ')}`,
    `${verdict(all.every(({ ours, peer }) => ours.p50MsC1 <= peer.p50MsC1))} p50 at c=1 ≤ the peer's: ${all
      .map(({ name, ours, peer }) => `${name} ${ours.p50MsC1} vs ${peer.p50MsC1} ms`)
      .join('; ')}`,
    `${verdict(all.every(({ peer }) => peer.rssRatio <= 0.2))} peak RSS ≤ 0.2 × the peer's: ${all
      .map(
        ({ name, ours, peer }) => `${name} ${ours.rssMb} vs ${peer.rssMb} MB (${peer.rssRatio}×)`,
      )
      .join('; ')}`,
  ];
}

export interface TargetInputs {
  readonly results: readonly ScenarioResult[];
  readonly concurrency: number;
  /** Service RSS after each run, MB (more than one with --runs). */
  readonly rssAfterRunsMb: readonly number[];
  /** Service heap used after a full GC, after each run, MB. */
  readonly heapAfterGcMb: readonly number[];
  readonly peakRssMb: number;
}

/** The issue's targets, one line each, with the measured figure and PASS / MISS. */
export function targetLines(inputs: TargetInputs): string[] {
  const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');
  const lines: string[] = [];
  const all = inputs.results.map((result) => ({ name: result.scenario.name, f: figures(result) }));
  // At c=1 nothing runs alongside, so the count must be the minimum exactly. At c=N identical
  // GETs in flight at once may share one upstream call (shareInflightGets), which can only
  // lower it; more than the minimum is a miss either way.
  const equal = (value: number, minimum: number) => Math.abs(value - minimum) < 0.0005;
  const upstreamOk = all.every(
    ({ f }) =>
      equal(f.upstreamPerRequestC1, f.upstreamMinimum) &&
      f.upstreamPerRequest <= f.upstreamMinimum + 0.0005,
  );
  const shared = all.filter(({ f }) => f.upstreamPerRequest < f.upstreamMinimum - 0.0005);
  lines.push(
    `${verdict(upstreamOk)} upstream requests per request = minimum (c=1 / c=${inputs.concurrency} vs minimum): ${all
      .map(
        ({ name, f }) =>
          `${name} ${f.upstreamPerRequestC1}/${f.upstreamPerRequest} vs ${f.upstreamMinimum}`,
      )
      .join('; ')}`,
  );
  if (shared.length > 0) {
    lines.push(
      `     below the minimum at c=${inputs.concurrency} in ${shared.map(({ name }) => name).join(', ')}: identical GETs in flight are shared across requests (shareInflightGets); the floor shares nothing, so there ours makes fewer upstream calls than the floor and the throughput ratio is not like for like (compare a run with --no-share-gets)`,
    );
  }
  lines.push(
    `${verdict(all.every(({ f }) => f.p50DiffMsC1 <= 1))} p50 overhead over the floor at c=1 ≤ 1 ms: ${all
      .map(({ name, f }) => `${name} ${f.p50DiffMsC1 >= 0 ? '+' : ''}${f.p50DiffMsC1}`)
      .join('; ')}`,
  );
  lines.push(
    `${verdict(all.every(({ f }) => f.ratio >= 0.6))} throughput ≥ 60 % of the floor at c=${inputs.concurrency}: ${all
      .map(({ name, f }) => `${name} ${Math.round(f.ratio * 100)} %`)
      .join('; ')}`,
  );
  for (const { name, f } of all) {
    if (f.yogaAloneRps !== null && f.floorRps > 0 && f.yogaAloneRps > 0) {
      lines.push(
        `     ${name}: graphql-yoga alone (its defaults, none of our plugins, graphql-js) answers the same request at ${f.yogaAloneRps} requests/s, ${Math.round((f.yogaAloneRps / f.floorRps) * 100)} % of the floor; ours does ${Math.round((f.rps / f.yogaAloneRps) * 100)} % of that`,
      );
    }
  }
  const list20 = all.find(({ name }) => name === 'list20');
  if (list20) {
    lines.push(`${verdict(list20.f.rps >= 2000)} list20 ≥ 2,000 requests/s: ${list20.f.rps}`);
  }
  lines.push(
    `${verdict(inputs.peakRssMb < 200)} peak RSS of the service < 200 MB: ${round(inputs.peakRssMb, 1)} MB`,
  );
  if (inputs.rssAfterRunsMb.length > 1) {
    const series = (values: readonly number[]) => {
      const growth = (values.at(-1) ?? 0) - (values[0] ?? 0);
      return {
        growth,
        text: `${values.map((value) => `${round(value, 1)}`).join(' -> ')} MB (${growth >= 0 ? '+' : ''}${round(growth, 1)} MB)`,
      };
    };
    const heap = series(inputs.heapAfterGcMb);
    const rss = series(inputs.rssAfterRunsMb);
    // Retained memory is the heap after a full GC; RSS also holds pages V8 keeps after
    // collecting, so it is shown but not judged.
    lines.push(
      `${verdict(heap.growth <= 2)} no growth between consecutive runs (heap after a full GC, ≤ 2 MB counts as none): ${heap.text}; RSS after each run ${rss.text}`,
    );
  } else {
    lines.push('---- no growth between two consecutive runs: run with --runs 2 to measure');
  }
  const failing = all.filter(({ f }) => f.failures > 0);
  if (failing.length > 0) {
    lines.push(
      `MISS failed responses during measured runs: ${failing.map(({ name, f }) => `${name} ${f.failures}`).join('; ')}`,
    );
  }
  return lines;
}

/** The figures per scenario, then `extra` (list20-cached's, which has no floor), as one line. */
export function jsonLine(
  results: readonly ScenarioResult[],
  extra: Readonly<Record<string, unknown>> = {},
): string {
  const out: Partial<Record<ScenarioName, JsonFigures>> = {};
  for (const result of results) {
    out[result.scenario.name] = figures(result);
  }
  return JSON.stringify({ ...out, ...extra });
}
