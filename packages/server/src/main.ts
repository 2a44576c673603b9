import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { buildApp } from './app.js';
import { createPont, type Pont } from './composition-root.js';
import type { PontConfig } from './config.js';
import { seedDemo } from './demo.js';

export interface RunningServer {
  app: FastifyInstance;
  pont: Pont;
  url: string;
  stop(): Promise<void>;
}

/**
 * Opens the database, prepares a fresh install (admin, demo project), listens, and drains on
 * SIGTERM: stop accepting, finish in-flight requests, close the database, exit 0.
 */
export async function startServer(
  config: PontConfig,
  options: { handleSignals?: boolean; print?: (line: string) => void } = {},
): Promise<RunningServer> {
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const logger = pino({
    level: config.logLevel,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.token'],
      censor: '*****',
    },
  });
  const pont = await createPont(config, logger);
  const admin = await pont.auth.bootstrapAdmin(config.adminPassword);
  const seeded = config.demo ? await seedDemo(pont) : false;
  const app = await buildApp(pont);
  await app.listen({ port: config.port, host: config.host });
  await pont.start();
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host}:${port}`;

  const lines: string[] = [];
  if (admin.created && admin.generated) {
    lines.push(
      `first start: log in as admin with password ${admin.password}  (shown once; set PONT_ADMIN_PASSWORD to choose it)`,
    );
  } else if (admin.created) {
    lines.push('first start: log in as admin with the password from PONT_ADMIN_PASSWORD');
  }
  if (seeded) lines.push('the demo project "demo" was created: environments dev → test → integration → prod');
  const where = pont.db.dialect === 'sqlite' ? join(config.dataDir, 'pont.db') : 'PostgreSQL';
  // The URL line comes last: tools (and tests) wait for it to know start-up is over.
  lines.push(`pont is running at ${url}  (database: ${where})`);
  print(lines.join('\n'));

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      pont.lifecycle.draining = true;
      await new Promise((resolve) => setTimeout(resolve, config.shutdownDelayMs));
      await app.close();
      await pont.close();
    })();
    return stopping;
  };
  if (options.handleSignals ?? true) {
    const onSignal = (signal: string) => {
      logger.info({ signal }, 'shutting down: draining requests');
      stop().then(
        () => process.exit(0),
        (error) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    };
    process.once('SIGTERM', () => onSignal('SIGTERM'));
    process.once('SIGINT', () => onSignal('SIGINT'));
  }
  return { app, pont, url, stop };
}
