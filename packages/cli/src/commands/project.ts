import type { Command } from 'commander';
import { writeCliConfig } from '../config-store.js';
import type { CliContext } from '../context.js';

export function registerProject(program: Command, ctx: CliContext): void {
  const project = program.command('project').description('Choose the default project');
  project
    .command('use')
    .argument('<name>')
    .description('Make NAME the project commands use when -p is not given')
    .action(async (name: string) => {
      await ctx.client().request('GET', `/api/v1/projects/${encodeURIComponent(name)}`);
      writeCliConfig({ ...ctx.config(), project: name }, ctx.env);
      ctx.out(`Default project is now ${name}`);
    });
  project
    .command('current')
    .description('Print the default project')
    .action(() => ctx.out(ctx.project(undefined)));
}
