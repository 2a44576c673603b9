import type { CommandResult } from '../../../executors/index.js';
import { durationMs } from '../../../lib/durations.js';
import { sleep } from '../../../lib/limiter.js';
import { compileCondition } from '../condition.js';
import type { StepStatus } from '../execution.js';
import type { Step, StepAction } from '../job.js';
import { expand, type ReferenceScope } from '../references.js';
import type { NodeRun, RunContext } from './run-context.js';
import {
  commandFor,
  outputEnvName,
  parseOutputFile,
  parseOutputLine,
  usesOutputFile,
} from './step-command.js';

interface ActionOutcome {
  ok: boolean;
  exitCode?: number;
  timedOut?: boolean;
  aborted?: boolean;
  message?: string;
  outputs: Record<string, string>;
}

export function scopeFor(rc: RunContext, nr: NodeRun | undefined): ReferenceScope {
  const scope: ReferenceScope = {
    options: rc.options,
    steps: nr?.outputs ?? {},
    execution: {
      id: rc.execution.id,
      job: rc.execution.job ?? '',
      project: rc.execution.project,
      environment: rc.execution.environment,
      user: rc.execution.requestedBy,
    },
  };
  if (nr)
    scope.node = {
      name: nr.node.name,
      hostname: nr.node.hostname,
      ...(nr.node.username ? { username: nr.node.username } : {}),
    };
  return scope;
}

function envFor(
  rc: RunContext,
  nr: NodeRun,
  stepId: string,
  action: StepAction,
  scope: ReferenceScope,
): Record<string, string> {
  const env: Record<string, string> = {
    ...rc.env,
    PONT_NODE_NAME: nr.node.name,
    PONT_NODE_HOSTNAME: nr.node.hostname,
    PONT_STEP_ID: stepId,
  };
  if (nr.node.username) env.PONT_NODE_USERNAME = nr.node.username;
  for (const [step, outputs] of Object.entries(nr.outputs)) {
    for (const [name, value] of Object.entries(outputs)) env[outputEnvName(step, name)] = value;
  }
  for (const [name, value] of Object.entries(action.env ?? {})) env[name] = expand(value, scope);
  return env;
}

/** Runs one action of a step (or of its error handler) on one node, once. */
async function runAction(
  rc: RunContext,
  nr: NodeRun,
  stepId: string,
  action: StepAction,
  signal: AbortSignal,
): Promise<ActionOutcome> {
  const scope = scopeFor(rc, nr);
  if (action.copy) {
    const copy = { ...action.copy, ...(action.copy.file ? { file: expand(action.copy.file, scope) } : {}) };
    const source = await rc.deps.fileSource(rc.execution.project, copy);
    const destination = expand(action.copy.destination, scope);
    const session = await nr.session();
    const mode = action.copy.mode ? Number.parseInt(action.copy.mode, 8) : undefined;
    await session.copy(source.path, destination, {
      sha256: source.sha256,
      ...(mode !== undefined ? { mode } : {}),
    });
    rc.log.system(
      nr.node.name,
      stepId,
      `copied ${copy.file ?? copy.path} (${source.size} bytes, sha256 ${source.sha256.slice(0, 12)}…) to ${destination}`,
    );
    return { ok: true, outputs: {} };
  }
  if (action.job) {
    const options = Object.fromEntries(
      Object.entries(action.job.options ?? {}).map(([k, v]) => [k, expand(v, scope)]),
    );
    const child = await rc.deps.runChild(rc.execution, action.job.name, options, signal);
    rc.log.system(nr.node.name, stepId, `job ${action.job.name}: execution ${child.id} ${child.state}`);
    return {
      ok: child.state === 'succeeded',
      outputs: {},
      message: `child execution ${child.id} ${child.state}`,
    };
  }
  const session = await nr.session();
  const env = envFor(rc, nr, stepId, action, scope);
  const outputs: Record<string, string> = {};
  let outputFile: string | undefined;
  if (usesOutputFile(action)) {
    outputFile = await session.writeTemp('');
    env.PONT_OUTPUT = outputFile;
  }
  const command = await commandFor(action, scope, session);
  const stdout = rc.log.writer(nr.node.name, stepId, 'stdout', (line) => {
    const output = parseOutputLine(line);
    if (output) outputs[output[0]] = output[1];
  });
  const stderr = rc.log.writer(nr.node.name, stepId, 'stderr');
  let result: CommandResult;
  try {
    result = await session.run({
      ...command,
      env,
      signal,
      onOutput: (stream, chunk) => (stream === 'stdout' ? stdout : stderr).push(chunk),
    });
  } finally {
    stdout.end();
    stderr.end();
  }
  if (outputFile && !result.aborted) {
    let text = '';
    await session.run({
      argv: ['cat', outputFile],
      env: {},
      signal,
      onOutput: (stream, chunk) => (text += stream === 'stdout' ? chunk.toString('utf8') : ''),
    });
    Object.assign(outputs, parseOutputFile(text));
  }
  const ok = result.exitCode === 0 && !result.aborted;
  const outcome: ActionOutcome = { ok, outputs, aborted: result.aborted };
  if (result.exitCode !== null) outcome.exitCode = result.exitCode;
  if (!ok)
    outcome.message = result.aborted
      ? 'stopped'
      : result.signal
        ? `killed by ${result.signal}`
        : `exit code ${result.exitCode}`;
  return outcome;
}

/** One attempt with its timeout: the step's own signal ends with the execution or the timeout. */
async function attempt(
  rc: RunContext,
  nr: NodeRun,
  stepId: string,
  action: StepAction,
  timeoutMs: number | undefined,
): Promise<ActionOutcome> {
  const controller = new AbortController();
  const stop = () => controller.abort();
  rc.signal.addEventListener('abort', stop, { once: true });
  let timedOut = false;
  const timer =
    timeoutMs !== undefined
      ? setTimeout(() => {
          timedOut = true;
          rc.log.system(nr.node.name, stepId, `step timed out after ${timeoutMs} ms: stopping it`);
          controller.abort();
        }, timeoutMs)
      : undefined;
  try {
    const outcome = await runAction(rc, nr, stepId, action, controller.signal);
    if (timedOut)
      return { ...outcome, ok: false, timedOut: true, message: `timed out after ${timeoutMs} ms` };
    return outcome;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    rc.log.system(nr.node.name, stepId, `error: ${message}`);
    return { ok: false, message, outputs: {} };
  } finally {
    if (timer) clearTimeout(timer);
    rc.signal.removeEventListener('abort', stop);
  }
}

/** Runs a step on a node with its condition, retries, timeout and error handler; records the result. */
export async function runNodeStep(
  rc: RunContext,
  nr: NodeRun,
  step: Step,
  index: number,
): Promise<StepStatus> {
  const startedAt = rc.deps.clock.now();
  const base = {
    executionId: rc.execution.id,
    node: nr.node.name,
    stepIndex: index,
    stepId: step.id,
    startedAt: startedAt.toISOString(),
  };
  const finish = async (status: StepStatus, outcome: Partial<ActionOutcome>, attempts: number) => {
    await rc.saveStep({
      ...base,
      status,
      attempts,
      durationMs: rc.deps.clock.now().getTime() - startedAt.getTime(),
      outputs: outcome.outputs ?? {},
      ...(outcome.exitCode !== undefined ? { exitCode: outcome.exitCode } : {}),
      ...(outcome.message ? { message: outcome.message } : {}),
    });
    return status;
  };
  if (step.when && !compileCondition(step.when)(scopeFor(rc, nr))) {
    rc.log.system(nr.node.name, step.id, `skipped: condition "${step.when}" is false`);
    return finish('skipped', {}, 0);
  }
  await rc.saveStep({ ...base, status: 'running', attempts: 1, outputs: {} });
  const tries = 1 + (step.retry?.count ?? 0);
  const delay = durationMs(step.retry?.delay) ?? 0;
  let outcome: ActionOutcome = { ok: false, outputs: {} };
  let attempts = 0;
  for (let i = 0; i < tries; i++) {
    attempts = i + 1;
    if (i > 0) {
      rc.log.system(nr.node.name, step.id, `retrying (attempt ${attempts} of ${tries}) after ${delay} ms`);
      await sleep(delay, rc.signal);
    }
    if (rc.signal.aborted) break;
    outcome = await attempt(rc, nr, step.id, step, durationMs(step.timeout));
    if (outcome.ok || rc.signal.aborted) break;
  }
  nr.outputs[step.id] = outcome.outputs;
  if (outcome.ok) return finish('succeeded', outcome, attempts);
  if (rc.signal.aborted)
    return finish(rc.stopReason() === 'timeout' ? 'timed-out' : 'aborted', outcome, attempts);
  if (step.onError) {
    rc.log.system(
      nr.node.name,
      step.id,
      `step failed (${outcome.message ?? 'error'}); running its error handler`,
    );
    const handled = await attempt(rc, nr, step.id, step.onError, durationMs(step.timeout));
    if (handled.ok)
      return finish(
        'recovered',
        { ...outcome, message: `${outcome.message ?? 'failed'}; error handler succeeded` },
        attempts,
      );
    rc.log.system(nr.node.name, step.id, `error handler failed too (${handled.message ?? 'error'})`);
  }
  return finish(outcome.timedOut ? 'timed-out' : 'failed', outcome, attempts);
}
