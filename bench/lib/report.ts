import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProfileSummary } from './cpu-profile';
import type { LoadResult } from './load';

/** The variants every other is divided by: the service without its guard, and bare NestJS (issue 13). */
export type Yardstick = 'reference' | 'bare';

/** A variant's req/s over a yardstick's, in each round (both saw the same minute of the machine). */
export interface Ratio {
  /** Median of the per-round ratios. */
  median: number;
  perRound: number[];
  /** At least `atLeast`; `setBy` names the variant whose own ratio it is, when it is not a fixed number. */
  target?: { atLeast: number; setBy?: string };
}

export interface VariantReport {
  name: string;
  /** Medians over the rounds. */
  rps: number;
  p50: number;
  p99: number;
  /** CPU microseconds per response: the server process's, and Redis's. */
  serverCpuUs?: number;
  redisCpuUs?: number;
  /** Ratios to each yardstick that ran in the same rounds. */
  ratios: Partial<Record<Yardstick, Ratio>>;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  rounds: LoadResult[];
}

interface RecordMemory {
  bytesPerRecord: number;
  keys: { key: string; type: string; bytes: number }[];
  ignoredKeys: string[];
}

export interface Report {
  kind: 'full' | 'quick';
  startedAt: string;
  durationSeconds: number;
  /** The commit measured. */
  code: string;
  machine: {
    nproc: number;
    cpu: string;
    node: string;
    redis: string;
    redisWhere: string;
    /** 1-minute load average at the start and at the end of the run: how busy the machine was. */
    load: [number, number];
  };
  settings: {
    rounds: number;
    seconds: number;
    warmupSeconds: number;
    connections: number;
    growthRounds: number;
    logins: number;
    routes: string[];
  };
  variants: VariantReport[];
  login: {
    argon2: { type: string; memoryCost: number; timeCost: number; parallelism: number };
    verifyMs: number;
    count: number;
    medianMs: Record<string, number>;
  };
  memory: { records: number; session: RecordMemory; refreshFamily: RecordMemory };
  growth: {
    few: number;
    many: number;
    usedMemoryAtMany: number;
    ratioAtFew: number;
    ratioAtMany: number;
    variants: VariantReport[];
  };
  /** Where one variant's CPU goes: a separate copy of it under `node --cpu-prof`, one load run. */
  profile: {
    variant: string;
    seconds: number;
    connections: number;
    load: LoadResult;
    summary: ProfileSummary;
  };
}

export const SESSION_BYTES_TARGET = 300;
export const GROWTH_TARGET = 0.95;

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const README_START = '<!-- bench:latest:start -->';
const README_END = '<!-- bench:latest:end -->';

/**
 * Where a run's files go: a full run's into bench/results/ (tracked: the latest measurement),
 * a quick run's into bench/results/quick/ (ignored by git), so that CI, which runs the quick
 * one, leaves a clean checkout clean.
 */
export function resultsDir(root: string, kind: Report['kind']): string {
  return kind === 'full' ? join(root, 'bench', 'results') : join(root, 'bench', 'results', 'quick');
}

/**
 * Prints the report, writes latest.{json,md} into resultsDir(), and after a full run puts the
 * Markdown into bench/README.md between its markers. Returns the problems (variants that
 * erred or answered non-2xx), each also printed loudly.
 */
export function writeReport(report: Report, root: string): string[] {
  const growthLabel = ` (${report.growth.many} sessions in Redis)`;
  const problems = [
    ...report.variants.map((variant) => ({ ...variant, label: variant.name })),
    ...report.growth.variants.map((variant) => ({ ...variant, label: variant.name + growthLabel })),
    { ...report.profile.load, label: `${report.profile.variant} (profiled)` },
  ]
    .filter((variant) => variant.non2xx + variant.errors > 0)
    .map(
      (variant) =>
        `${variant.label}: ${variant.non2xx} non-2xx (status codes ${JSON.stringify(variant.statusCodes)}), ` +
        `${variant.errors} errors (${variant.timeouts} timeouts)`,
    );
  const markdown = toMarkdown(report, problems);
  const dir = resultsDir(root, report.kind);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'latest.json'), `${JSON.stringify({ ...report, problems }, null, 2)}\n`);
  writeFileSync(join(dir, 'latest.md'), markdown);
  if (report.kind === 'full' && problems.length === 0) updateReadme(join(root, 'bench', 'README.md'), markdown);
  process.stdout.write(`\n${markdown}\n`);
  for (const problem of problems) process.stderr.write(`\n!!! VARIANT FAILED: ${problem}\n`);
  return problems;
}

function updateReadme(path: string, markdown: string): void {
  const readme = readFileSync(path, 'utf8');
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  if (start < 0 || end < start) throw new Error(`${path} has no ${README_START} … ${README_END} block`);
  const body = markdown.replace(/^# Benchmark: full run, (.*)\n/, 'Full run of $1.\n').replace(/^#/gm, '##');
  writeFileSync(path, `${readme.slice(0, start + README_START.length)}\n${body}\n${readme.slice(end)}`);
}

const int = (value: number) => Math.round(value).toLocaleString('en-US');
const ms = (value: number) => `${value.toFixed(value < 10 ? 1 : 0)} ms`;
const ratio = (value: number) => value.toFixed(2);
const us = (value: number | undefined) => (value === undefined ? '?' : `${Math.round(value)} µs`);

function verdict(value: number, target: number, atMost = false): string {
  const met = atMost ? value <= target : value >= target;
  if (met) return 'met';
  const by = Math.abs(value - target);
  return `**missed** by ${atMost ? int(by) + ' B' : by < 0.005 ? '< 0.01' : ratio(by)}`;
}

function toMarkdown(report: Report, problems: string[]): string {
  const { machine, settings, login, memory, growth } = report;
  const lines: string[] = [];
  const row = (cells: (string | number)[]) => lines.push(`| ${cells.join(' | ')} |`);

  lines.push(`# Benchmark: ${report.kind} run, ${report.startedAt.replace('T', ' ').slice(0, 16)} UTC`, '');
  if (report.kind === 'quick')
    lines.push('A `--quick` run proves the harness works; judge speed by a full run only.', '');
  lines.push(
    `Machine: ${machine.nproc} CPUs (${machine.cpu}), Node.js ${machine.node}, Redis ${machine.redis} ` +
      `(${machine.redisWhere}). The run took ${Math.floor(report.durationSeconds / 60)} min ` +
      `${report.durationSeconds % 60} s, build included; 1-minute load average ${machine.load[0].toFixed(1)} ` +
      `at the start, ${machine.load[1].toFixed(1)} at the end. Code: ${report.code}.`,
    '',
    `Load: autocannon, ${settings.connections} connections, ${settings.seconds} s per variant per round, ` +
      `${settings.rounds} rounds (after a ${settings.warmupSeconds} s warm-up each); every connection cycles ` +
      `${settings.routes.map((route) => `\`GET ${route}\``).join(', ')}.`,
    '',
  );
  if (problems.length > 0) {
    lines.push('**FAILED: these variants erred or answered non-2xx; their numbers mean nothing:**', '');
    for (const problem of problems) lines.push(`- **${problem}**`);
    lines.push('');
  }

  lines.push('## Throughput (medians over the rounds)', '');
  row([
    'variant',
    'req/s',
    'p50',
    'p99',
    'ratio to reference',
    'per round',
    'target',
    'ratio to bare',
    'per round',
    'target',
    'CPU/response',
    'non-2xx',
    'errors',
  ]);
  row(['---', '--:', '--:', '--:', '--:', '---', '---', '--:', '---', '---', '---', '--:', '--:']);
  for (const v of report.variants) {
    row([
      `\`${v.name}\``,
      int(v.rps),
      ms(v.p50),
      ms(v.p99),
      ...ratioCells(v, 'reference'),
      ...ratioCells(v, 'bare'),
      `${us(v.serverCpuUs)} + Redis ${us(v.redisCpuUs)}`,
      v.non2xx ? `**${v.non2xx}**` : 0,
      v.errors ? `**${v.errors}**` : 0,
    ]);
  }

  const a = login.argon2;
  lines.push(
    '',
    '## Login cost',
    '',
    `${a.type}, memory ${a.memoryCost} KiB (${(a.memoryCost / 1024).toFixed(0)} MiB), ${a.timeCost} iterations, ` +
      `parallelism ${a.parallelism} (\`ARGON2_OPTIONS\`). One \`argon2.verify\` alone: ${ms(login.verifyMs)}. ` +
      `Median of ${login.count} sequential \`POST /auth/login\`: ` +
      Object.entries(login.medianMs)
        .map(([name, value]) => `${ms(value)} (\`${name}\`)`)
        .join(', ') +
      '.',
    '',
    '## Redis memory',
    '',
    `Each login's records, copied ${int(memory.records)} times with fresh ids (each copy a distinct user); ` +
      '`used_memory` delta divided by the count, and `MEMORY USAGE` of one copy.',
    '',
  );
  row(['record', 'keys (MEMORY USAGE of one copy)', 'used_memory per record', 'target']);
  row(['---', '---', '--:', '---']);
  const keys = (m: RecordMemory) => m.keys.map((k) => `\`${k.key}\` ${k.type} ${k.bytes} B`).join(' + ');
  const sessionBytes = memory.session.bytesPerRecord;
  row([
    'session',
    keys(memory.session),
    `${int(sessionBytes)} B`,
    `≤ ${SESSION_BYTES_TARGET} B: ${verdict(sessionBytes, SESSION_BYTES_TARGET, true)}`,
  ]);
  row(['refresh family', keys(memory.refreshFamily), `${int(memory.refreshFamily.bytesPerRecord)} B`, '']);

  const growthRatio = growth.ratioAtMany / growth.ratioAtFew;
  lines.push(
    '',
    `## Sessions in Redis: ${int(growth.few)} → ${int(growth.many)}`,
    '',
    `The main rounds ran with ${int(growth.few)} sessions in Redis; then the store was filled to ` +
      `${int(growth.many)} (used_memory ${(growth.usedMemoryAtMany / 2 ** 20).toFixed(1)} MiB) and \`reference\` ` +
      `and \`session\` alternated for ${settings.growthRounds} more rounds. \`session\`'s ratio to the reference: ` +
      `${ratio(growth.ratioAtFew)} at ${int(growth.few)}, ${ratio(growth.ratioAtMany)} at ${int(growth.many)} ` +
      `(per round ${growth.variants[1].ratios.reference!.perRound.map(ratio).join(' ')}; ` +
      `${int(growth.variants[1].rps)} req/s).`,
    '',
    `Throughput at ${int(growth.many)} vs ${int(growth.few)}: **${ratio(growthRatio)}** ` +
      `(target ≥ ${ratio(GROWTH_TARGET)}: ${verdict(growthRatio, GROWTH_TARGET)}).`,
  );
  lines.push('', ...profileSection(report.profile));
  return `${lines.join('\n')}\n`;
}

/** A ratio, its per-round values and its target's verdict: three cells ('1' in the yardstick's own row). */
function ratioCells(variant: VariantReport, yardstick: Yardstick): string[] {
  if (variant.name === yardstick) return ['1', '', ''];
  const r = variant.ratios[yardstick];
  if (!r) return ['', '', ''];
  const target = r.target
    ? `≥ ${r.target.setBy ? `\`${r.target.setBy}\` (${ratio(r.target.atLeast)})` : ratio(r.target.atLeast)}: ` +
      verdict(r.median, r.target.atLeast)
    : '';
  return [ratio(r.median), r.perRound.map(ratio).join(' '), target];
}

function profileSection({ variant, seconds, connections, load, summary }: Report['profile']): string[] {
  const share = (value: number) => `${((value / summary.busyMs) * 100).toFixed(1)} %`;
  return [
    `## Where \`${variant}\`'s CPU goes: a profile`,
    '',
    `A separate copy of \`${variant}\` under \`node --cpu-prof\`, seeded and warmed up like the others, then ` +
      `one ${seconds} s run of the same load (${connections} connections, ${int(load.rps)} req/s, slowed a little ` +
      `by the sampling). ` +
      (summary.windowed
        ? 'Only the samples taken during that run are counted'
        : '**No sample fell in the run (the clocks disagreed), so the whole process life is counted, start-up ' +
          'included**') +
      `: ${int(summary.busyMs)} ms on the main thread, and ${int(summary.idleMs)} ms idle. The top ` +
      `${summary.functions.length} functions by self time (a function's time on every call path added up; ` +
      "`(garbage collector)` and `(program)` are V8's own work):",
    '',
    '| self time | share | function | where |',
    '| --: | --: | --- | --- |',
    ...summary.functions.map(
      (f) => `| ${int(f.selfMs)} ms | ${share(f.selfMs)} | \`${f.name}\` | ${f.where ? `\`${f.where}\`` : ''} |`,
    ),
    '',
    "Self time by origin (a package, the service's `dist/`, Node.js's `node:` modules, V8 and native code in " +
      'parentheses): ' +
      summary.origins.map((p) => `${p.name.startsWith('(') ? p.name : `\`${p.name}\``} ${share(p.selfMs)}`).join(', ') +
      '.',
  ];
}
