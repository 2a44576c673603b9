import { existsSync } from 'node:fs';
import pg from 'pg';

/**
 * The suite runs against real parts. When one is missing the run stops here with what to do,
 * instead of tests quietly skipping.
 */
export default async function setup(): Promise<void> {
  const problems: string[] = [];
  const url = process.env.PONT_TEST_DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/postgres';
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
  } catch (error) {
    problems.push(
      `PostgreSQL is not reachable at ${url}: ${(error as Error).message} (run .ci/start-postgres.sh)`,
    );
  } finally {
    await client.end().catch(() => {});
  }
  for (const [path, pkg] of [
    ['/usr/sbin/sshd', 'openssh-server'],
    ['/usr/bin/ssh-keygen', 'openssh-client'],
    ['/usr/bin/chromium', 'chromium'],
  ] as const) {
    if (!existsSync(path)) problems.push(`${path} is missing (apt-get install -y ${pkg})`);
  }
  if (problems.length > 0) {
    throw new Error(
      `the test suite needs real parts that are missing:\n  - ${problems.join('\n  - ')}\n.ci/run installs and starts them.`,
    );
  }
}
