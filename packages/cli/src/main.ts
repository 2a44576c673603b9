import { Command, CommanderError } from 'commander';
import { registerApply } from './commands/apply.js';
import { registerArtifacts } from './commands/artifacts.js';
import { registerAudit } from './commands/audit.js';
import { registerDelete } from './commands/delete.js';
import { registerDeploy } from './commands/deploy.js';
import { registerDiff } from './commands/diff.js';
import { registerExec } from './commands/exec.js';
import { registerExecutions } from './commands/executions.js';
import { registerFiles } from './commands/files.js';
import { registerFlags } from './commands/flags.js';
import { registerGet } from './commands/get.js';
import { registerImport } from './commands/import-rundeck.js';
import { registerImportUnleash } from './commands/import-unleash.js';
import { registerLogin } from './commands/login.js';
import { registerProject } from './commands/project.js';
import { registerRun } from './commands/run.js';
import { registerServer } from './commands/server.js';
import { registerToken } from './commands/token.js';
import { registerUser } from './commands/user.js';
import { type CliContext, createContext } from './context.js';
import { describeError, EXIT, exitCodeOf } from './exit-codes.js';

export const CLI_VERSION = '0.1.0';

/** One file per command; each adds itself to the program. */
const COMMANDS: Array<(program: Command, ctx: CliContext) => void> = [
  registerLogin,
  registerApply,
  registerDiff,
  registerGet,
  registerDelete,
  registerRun,
  registerExecutions,
  registerExec,
  registerFiles,
  registerDeploy,
  registerArtifacts,
  registerImport,
  registerImportUnleash,
  registerFlags,
  registerToken,
  registerAudit,
  registerUser,
  registerProject,
  registerServer,
];

export function buildProgram(ctx: CliContext): Command {
  const program = new Command('pont')
    .description('pont: runbook jobs, deployments, feature flags and more, from one place')
    .version(CLI_VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => ctx.out(s), writeErr: (s) => ctx.err(s) });
  for (const register of COMMANDS) register(program, ctx);
  // Every subcommand reports usage errors through main(), which maps them to exit code 2.
  const exitOverrides = (command: Command): void => {
    command.exitOverride();
    command.commands.forEach(exitOverrides);
  };
  exitOverrides(program);
  return program;
}

/** Runs the CLI and returns the exit code: 0 ok, 1 failure, 2 usage error. */
export async function main(argv: string[], ctx: CliContext = createContext()): Promise<number> {
  const program = buildProgram(ctx);
  try {
    await program.parseAsync(argv);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.code === 'commander.help'
      )
        return EXIT.ok;
      return EXIT.usage;
    }
    for (const line of describeError(error)) ctx.err(line);
    return exitCodeOf(error);
  }
}
