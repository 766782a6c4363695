/**
 * CPU time per thread and resident memory of a process and its descendants, read from /proc (Linux), so a benchmark
 * can say which thread of which process saturates first. Elsewhere the readings are empty.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Kernel clock ticks per second, the unit of utime and stime in /proc; 100 on every Linux build we run on. */
const TICKS_PER_SECOND = 100;

export interface ThreadTime {
  readonly pid: number;
  readonly processName: string;
  readonly tid: number;
  readonly threadName: string;
  /** utime + stime, in seconds. */
  readonly cpuSeconds: number;
}

/** One line of /proc/<pid>/stat split after the name, which is in parentheses and may hold spaces. */
function statFields(path: string): { name: string; fields: string[] } | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined; // the process or thread ended meanwhile
  }
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  return { name: text.slice(open + 1, close), fields: text.slice(close + 2).trim().split(' ') };
}

/** `pid` and every process below it (children of children too), found by their parent pid. */
export function processTree(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = statFields(`/proc/${entry}/stat`);
    // Field 4 of stat is the parent pid; `fields` starts at field 3.
    if (stat) parentOf.set(Number(entry), Number(stat.fields[1]));
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) {
    for (const [child, parent] of parentOf) if (parent === tree[i]) tree.push(child);
  }
  return tree;
}

/** CPU seconds used so far by every thread of `pid` and of its descendants. */
export function threadTimes(pid: number): ThreadTime[] {
  const times: ThreadTime[] = [];
  for (const processId of processTree(pid)) {
    const processName = statFields(`/proc/${processId}/stat`)?.name ?? '?';
    let tids: string[];
    try {
      tids = readdirSync(`/proc/${processId}/task`);
    } catch {
      continue;
    }
    for (const tid of tids) {
      const stat = statFields(`/proc/${processId}/task/${tid}/stat`);
      // Fields 14 and 15 are utime and stime; `fields` starts at field 3.
      if (stat) times.push({ pid: processId, processName, tid: Number(tid), threadName: stat.name, cpuSeconds: (Number(stat.fields[11]) + Number(stat.fields[12])) / TICKS_PER_SECOND });
    }
  }
  return times;
}

/** Each thread's CPU use between two readings, as a percentage of one core over `seconds`, busiest first. */
export function threadUsage(before: readonly ThreadTime[], after: readonly ThreadTime[], seconds: number): (ThreadTime & { percent: number })[] {
  const earlier = new Map(before.map((t) => [t.tid, t.cpuSeconds]));
  return after
    .map((t) => ({ ...t, percent: ((t.cpuSeconds - (earlier.get(t.tid) ?? 0)) / seconds) * 100 }))
    .sort((a, b) => b.percent - a.percent);
}

/** Resident memory of `pid` and its descendants together, in bytes. */
export function treeRss(pid: number): number {
  let kib = 0;
  for (const processId of processTree(pid)) {
    try {
      kib += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${processId}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      // ended meanwhile
    }
  }
  return kib * 1024;
}
