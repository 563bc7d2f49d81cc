// A small process supervisor for the local stack: children get prefixed output, one failing
// child stops the whole stack (a half-running stack is worse than none), and SIGINT/SIGTERM
// stop every child, then the in-process services, in reverse start order.
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

type Stopper = () => Promise<void>;

export interface ChildSpec {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  /** Resolve start() once a stdout line matches; otherwise resolve when spawned. */
  readyLine?: RegExp;
  readyTimeoutMs?: number;
  /** For noisy servers: show only the output lines that match. */
  showOnly?: RegExp;
}

export class Supervisor {
  private readonly stoppers: { name: string; stop: Stopper }[] = [];
  private stopping = false;

  constructor(private readonly onFatal: (reason: string) => void) {}

  /** Registers something started in-process (embedded PostgreSQL, the emulator). */
  adopt(name: string, stop: Stopper): void {
    this.stoppers.push({ name, stop });
  }

  start(spec: ChildSpec): Promise<ChildProcess> {
    const child = spawn(spec.command, spec.args, {
      env: { ...process.env, ...spec.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.adopt(spec.name, () => terminate(child));
    const prefix = `[${spec.name}]`;
    return new Promise((resolve, reject) => {
      let ready = !spec.readyLine;
      const timer = spec.readyLine
        ? setTimeout(
            () => reject(new Error(`${spec.name} not ready after ${spec.readyTimeoutMs}ms`)),
            spec.readyTimeoutMs ?? 60_000,
          )
        : undefined;
      for (const stream of [child.stdout, child.stderr]) {
        createInterface({ input: stream }).on('line', (line) => {
          if (!ready && spec.readyLine?.test(line)) {
            ready = true;
            clearTimeout(timer);
            resolve(child);
          }
          if (!spec.showOnly || spec.showOnly.test(line)) process.stdout.write(`${prefix} ${line}\n`);
        });
      }
      child.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        if (!ready) reject(new Error(`${spec.name} exited before it was ready (${code ?? signal})`));
        else if (!this.stopping) this.onFatal(`${spec.name} exited (${code ?? signal})`);
      });
      if (ready) child.once('spawn', () => resolve(child));
    });
  }

  async stopAll(): Promise<void> {
    this.stopping = true;
    for (const { name, stop } of this.stoppers.reverse()) {
      await stop().catch((error) => console.error(`[stack] stopping ${name} failed: ${error}`));
    }
    this.stoppers.length = 0;
  }
}

function terminate(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Runs a command to completion (migrations, seeding); rejects with its output on failure. */
export function runToCompletion(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} failed:\n${output}`)),
    );
  });
}
