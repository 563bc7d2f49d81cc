// Which TCP ports a tree of processes listens on, and on which address, read from /proc (Linux):
// the dev stack's loopback test sees every server of every child, whatever started it.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

export interface ListeningSocket {
  pid: number;
  address: string;
  port: number;
  loopback: boolean;
}

/** `root` and every process descended from it. */
export function devStackProcesses(root: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The command name may hold spaces and parentheses: the fields after its last ')' are fixed.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(Number(entry), ppid);
    } catch {
      // gone meanwhile
    }
  }
  const tree = new Set([root]);
  for (let grown = true; grown; ) {
    grown = false;
    for (const [pid, ppid] of parents) {
      if (tree.has(ppid) && !tree.has(pid)) {
        tree.add(pid);
        grown = true;
      }
    }
  }
  return [...tree];
}

const LISTEN = '0A';

export function listeningSockets(pids: number[]): ListeningSocket[] {
  const owners = new Map<string, number>();
  for (const pid of pids) {
    let fds: string[] = [];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const inode = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1];
        if (inode) owners.set(inode, pid);
      } catch {
        // closed meanwhile
      }
    }
  }
  const sockets: ListeningSocket[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const [local, state, inode] = [fields[1], fields[3], fields[9]];
      if (!local || state !== LISTEN || !inode) continue;
      const pid = owners.get(inode);
      if (pid === undefined) continue;
      const [hex = '', portHex = ''] = local.split(':');
      const address = hex.length === 8 ? ipv4(hex) : ipv6(hex);
      sockets.push({ pid, address, port: Number.parseInt(portHex, 16), loopback: isLoopback(address) });
    }
  }
  return sockets;
}

/** /proc prints each 32-bit word in host (little-endian) byte order. */
function ipv4(hex: string): string {
  return [6, 4, 2, 0].map((at) => Number.parseInt(hex.slice(at, at + 2), 16)).join('.');
}

function ipv6(hex: string): string {
  const words = (hex.match(/.{8}/g) ?? []).map((word) => ipv4(word).split('.').map(Number));
  const bytes = words.flat();
  const groups = [];
  for (let at = 0; at < 16; at += 2)
    groups.push((((bytes[at] ?? 0) << 8) | (bytes[at + 1] ?? 0)).toString(16));
  const text = groups.join(':');
  // ::ffff:a.b.c.d, the form a dual-stack socket bound to an IPv4 address shows.
  return text.startsWith('0:0:0:0:0:ffff:') ? `::ffff:${bytes.slice(12).join('.')}` : text;
}

function isLoopback(address: string): boolean {
  return address.startsWith('127.') || address.startsWith('::ffff:127.') || address === '0:0:0:0:0:0:0:1';
}
