// What /proc says about a running server, and latency percentiles, for the load, abuse and soak
// tests.
import fs from 'node:fs';

/** A `kB` field of /proc/PID/status (VmRSS, VmHWM, …), or null once the process is gone. */
export function procStatus(pid, field) {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** Open file descriptors of the process, or null once it is gone. */
export function openFds(pid) {
  try {
    return fs.readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return null;
  }
}

/**
 * How many of a process's open descriptors are sockets, or null when it has exited. (Its other
 * descriptors include the database files of pooled reader connections, whose number follows
 * how many requests read at once, up to the pool's bound.)
 */
export function openSockets(pid) {
  try {
    return fs.readdirSync(`/proc/${pid}/fd`).filter((fd) => {
      try {
        return fs.readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith('socket:');
      } catch {
        return false; // closed while listed
      }
    }).length;
  } catch {
    return null;
  }
}

/** The p-th percentile (nearest rank) of an ascending array; 0 for an empty one. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
