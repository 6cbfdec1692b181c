/** Small measurement helpers: latency summaries and per-process CPU / memory from /proc. */
import fs from "node:fs";
import path from "node:path";

export interface Summary {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentiles of a list of milliseconds. */
export function summarize(values: number[]): Summary {
  const sorted = Float64Array.from(values).sort();
  const at = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : NaN);
  return { n: sorted.length, p50: at(50), p95: at(95), p99: at(99), max: sorted.length ? sorted[sorted.length - 1] : NaN };
}

const CLOCK_TICKS = 100; // USER_HZ on Linux

/** CPU seconds (user + system) a process has used so far; 0 once it is gone. */
export function cpuSeconds(pid: number): number {
  const { user, system } = cpuSplit(pid);
  return user + system;
}

/** CPU seconds a process has used so far in user space and in the kernel (system calls: socket writes); 0 once it is gone. */
export function cpuSplit(pid: number): { user: number; system: number } {
  try {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { user: Number(fields[11]) / CLOCK_TICKS, system: Number(fields[12]) / CLOCK_TICKS };
  } catch {
    return { user: 0, system: 0 };
  }
}

/** Resident memory of a process in bytes. */
export function rssBytes(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
  return Number(kb ?? 0) * 1024;
}

/** A process and its direct children (postgres: the postmaster and its backends). */
export function processTree(pid: number): number[] {
  const pids = [pid];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) pids.push(Number(entry));
    } catch {
      /* gone meanwhile */
    }
  }
  return pids;
}

/** CPU seconds a process and its direct children have used so far (a server and its workers; postgres and its backends). */
export function treeCpuSeconds(pid: number): number {
  return processTree(pid).reduce((sum, p) => sum + cpuSeconds(p), 0);
}

/** The postmaster's pid of the PostgreSQL whose data directory is `dataDir` (the first line of postmaster.pid). */
export function postmasterPid(dataDir: string): number {
  return Number(fs.readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
}

/** CPU seconds the whole machine has been busy (all cores, every process, ours or not). */
export function machineBusySeconds(): number {
  const [user, nice, system, , , irq, softirq, steal] = fs.readFileSync("/proc/stat", "utf8").split("\n")[0].split(/\s+/).slice(1).map(Number);
  return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS;
}

/** Seconds a process has spent runnable but waiting for a CPU (/proc/<pid>/schedstat); 0 once it is gone. */
export function runQueueSeconds(pid: number): number {
  try {
    return Number(fs.readFileSync(`/proc/${pid}/schedstat`, "utf8").split(" ")[1]) / 1e9;
  } catch {
    return 0;
  }
}

/**
 * The kernel's count of connection attempts dropped since boot because a listening socket's accept
 * queue was full (`TcpExt: ListenOverflows` of /proc/net/netstat, what `nstat TcpExtListenOverflows`
 * shows), machine-wide; null where the kernel does not report it. The client of a dropped attempt
 * hears nothing and sends again only after TCP's retransmission delays (1 s, 3 s, 7 s, 15 s…).
 */
export function listenOverflows(): number | null {
  try {
    const lines = fs.readFileSync("/proc/net/netstat", "utf8").split("\n");
    for (let i = 0; i + 1 < lines.length; i++) {
      if (!lines[i].startsWith("TcpExt:") || !lines[i + 1].startsWith("TcpExt:")) continue;
      const at = lines[i].trim().split(/\s+/).indexOf("ListenOverflows");
      const value = Number(lines[i + 1].trim().split(/\s+/)[at]);
      return at > 0 && Number.isFinite(value) ? value : null;
    }
  } catch {
    // no /proc/net/netstat: not Linux, or not mounted
  }
  return null;
}
