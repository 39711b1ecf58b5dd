import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** The parts of a V8 CPU profile (what `node --cpu-prof` writes) that a self-time summary reads. */
interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  /** Microseconds on the monotonic clock (process.hrtime's). */
  startTime: number;
  /** The node (a function on one call path) each sample hit, and the microseconds since the previous sample. */
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  /** Sampled milliseconds in the window, V8's (idle) excluded; every share below is of this. */
  busyMs: number;
  idleMs: number;
  /** False if no sample fell in the window (the clocks disagreed), and the whole process life was summed. */
  windowed: boolean;
  /** Functions by self time, each function's nodes on every call path added up; busiest first. */
  functions: { name: string; where: string; selfMs: number }[];
  /** The same self time by origin (see originOf), busiest first. */
  origins: { name: string; selfMs: number }[];
}

/**
 * Self time in the one .cpuprofile in `dir`, counted only over the samples taken between `from`
 * and `to` (microseconds on process.hrtime's clock): the load, without the start-up's module
 * loading and compiling. A sample's time is the gap to the next one, as Chrome's DevTools counts it.
 */
export function summarizeCpuProfile(
  dir: string,
  window: { from: number; to: number },
  root: string,
  count = 10,
): ProfileSummary {
  const files = readdirSync(dir).filter((file) => file.endsWith('.cpuprofile'));
  if (files.length !== 1) throw new Error(`${dir}: expected one .cpuprofile, found ${files.length}`);
  const profile = JSON.parse(readFileSync(join(dir, files[0]), 'utf8')) as CpuProfile;
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));

  const times: number[] = [];
  let at = profile.startTime;
  for (const delta of profile.timeDeltas) times.push((at += delta));
  const inWindow = times.map((time) => time >= window.from && time < window.to);
  const windowed = inWindow.some(Boolean);

  const byFunction = new Map<string, { name: string; where: string; selfMs: number }>();
  const byOrigin = new Map<string, number>();
  let idleMs = 0;
  for (let i = 0; i + 1 < profile.samples.length; i++) {
    if (windowed && !inWindow[i]) continue;
    const ms = (times[i + 1] - times[i]) / 1000;
    const frame = frames.get(profile.samples[i])!;
    if (frame.functionName === '(idle)') {
      idleMs += ms;
      continue;
    }
    const file = frame.url.replace(/^file:\/\//, '');
    const where = file ? `${shortPath(file, root)}:${frame.lineNumber + 1}` : '';
    const name = frame.functionName || '(anonymous)';
    const key = `${name} ${where}`;
    const entry = byFunction.get(key) ?? { name, where, selfMs: 0 };
    entry.selfMs += ms;
    byFunction.set(key, entry);
    const origin = originOf(file, name, root);
    byOrigin.set(origin, (byOrigin.get(origin) ?? 0) + ms);
  }
  const functions = [...byFunction.values()].sort((a, b) => b.selfMs - a.selfMs);
  return {
    busyMs: functions.reduce((sum, entry) => sum + entry.selfMs, 0),
    idleMs,
    windowed,
    functions: functions.slice(0, count),
    origins: [...byOrigin]
      .map(([name, selfMs]) => ({ name, selfMs }))
      .sort((a, b) => b.selfMs - a.selfMs)
      .slice(0, count),
  };
}

/** A package's own path (`pino-http/logger.js`), a path relative to the repository, or Node's `node:…`. */
function shortPath(file: string, root: string): string {
  const inPackage = file.lastIndexOf('node_modules/');
  if (inPackage >= 0) return file.slice(inPackage + 'node_modules/'.length);
  return file.startsWith('/') ? relative(root, file) : file;
}

/**
 * Who the time belongs to: a package (`pino-http`), the service (`dist/`), Node.js's own
 * JavaScript (`node:`), or V8 and native code, in parentheses (`(garbage collector)`, `(native)`).
 */
function originOf(file: string, name: string, root: string): string {
  if (!file) return name.startsWith('(') ? name : '(native)';
  const inPackage = file.lastIndexOf('node_modules/');
  if (inPackage >= 0) {
    const [first, second] = file.slice(inPackage + 'node_modules/'.length).split('/');
    return first.startsWith('@') ? `${first}/${second}` : first;
  }
  if (file.startsWith('node:')) return 'node:';
  return file.startsWith(join(root, 'dist') + '/') ? 'dist/' : shortPath(file, root);
}
