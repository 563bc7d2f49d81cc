import { runAdmin } from '../../src/admin/main';

const DATABASE_URL = 'postgresql://tv:pw@localhost:5432/tenantvault';

/** Runs the admin command line in-process; returns its exit code and what it wrote. */
async function admin(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out.push(String(chunk));
    return true;
  });
  const stderr = jest.spyOn(console, 'error').mockImplementation((...args) => void err.push(args.join(' ')));
  try {
    const code = await runAdmin(argv, env).catch((error: Error) => error);
    return { code, stdout: out.join(''), stderr: err.join('\n') };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

test('help (also the default) lists every command with its usage, needing no configuration', async () => {
  for (const argv of [['help'], []]) {
    const { code, stdout } = await admin(argv);
    expect(code).toBe(0);
    expect(stdout).toContain('usage: npm run admin -- <command> [args]');
    expect(stdout).toMatch(/rotate-secret-key\s+re-encrypt every tenant client secret/);
    expect(stdout).toContain('usage: rotate-secret-key [--batch-size <n>]');
  }
});

test('an unknown command or a wrong argument exits 2 with the usage', async () => {
  expect(await admin(['rotate-secret-keys'])).toMatchObject({
    code: 2,
    stderr: expect.stringContaining('unknown command "rotate-secret-keys"'),
  });
  const extra = await admin(['rotate-secret-key', 'now'], { DATABASE_URL });
  expect(extra.code).toBe(2);
  expect(extra.stderr).toContain('unexpected argument: now');
  expect(extra.stderr).toContain('usage: npm run admin -- rotate-secret-key [--batch-size <n>]');
  expect((await admin(['rotate-secret-key', '--batch-size', '0'], { DATABASE_URL })).code).toBe(2);
});

test('rotate-secret-key refuses to run without the keys, naming the variables', async () => {
  const { code } = await admin(['rotate-secret-key'], { DATABASE_URL });
  expect(code).toBeInstanceOf(Error);
  expect((code as Error).message).toContain('SECRET_ENCRYPTION_KEYS and SECRET_ENCRYPTION_KEY_ID');
});
