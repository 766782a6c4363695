/** CPU time of a process split by thread, from /proc (Linux only): where a benchmark's time goes, beside how fast it is. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';

/** CPU milliseconds of a process, split into its main thread and the rest (SQLite writer, GC helpers). */
export interface ThreadCpu {
  main: number;
  others: number;
}

/** Undefined where there is no /proc. */
export function threadCpu(pid: number): ThreadCpu | undefined {
  const dir = `/proc/${pid}/task`;
  if (!existsSync(dir)) return undefined;
  const ticksToMs = 10; // USER_HZ is 100 on Linux
  const cpu = { main: 0, others: 0 };
  for (const tid of readdirSync(dir)) {
    try {
      const stat = readFileSync(`${dir}/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ms = (Number(fields[11]) + Number(fields[12])) * ticksToMs;
      if (Number(tid) === pid) cpu.main += ms;
      else cpu.others += ms;
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return cpu;
}
