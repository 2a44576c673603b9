import type { ExecNode, NodeSession } from '../../../executors/index.js';
import { createLimiter } from '../../../lib/limiter.js';
import { type ExecutionState, type StepStatus, WORKFLOW_NODE } from '../execution.js';
import type { Step } from '../job.js';
import { runNodeStep } from './node-step.js';
import type { NodeRun, RunContext } from './run-context.js';

export interface RunOutcome {
  state: ExecutionState;
  message?: string;
  outputs: Record<string, Record<string, Record<string, string>>>;
}

const FAILED: ReadonlySet<StepStatus> = new Set(['failed', 'timed-out', 'aborted']);

function nodeRun(rc: RunContext, node: ExecNode): NodeRun {
  let opening: Promise<NodeSession> | undefined;
  return {
    node,
    outputs: {},
    failed: false,
    session() {
      opening ??= rc.deps.executorFor(node).open(node, {
        onHostKeyTrusted: (fingerprint) => rc.deps.onHostKeyTrusted(rc.execution, node.name, fingerprint),
      });
      return opening;
    },
    async close() {
      if (opening) await (await opening.catch(() => undefined))?.close();
    },
  };
}

/** Job references run once per execution, between the groups of steps that run on every node. */
function segments(steps: Step[]): Array<{ workflow: boolean; steps: Array<{ step: Step; index: number }> }> {
  const out: Array<{ workflow: boolean; steps: Array<{ step: Step; index: number }> }> = [];
  steps.forEach((step, index) => {
    const workflow = step.job !== undefined;
    const last = out[out.length - 1];
    if (last && !last.workflow && !workflow) last.steps.push({ step, index });
    else out.push({ workflow, steps: [{ step, index }] });
  });
  return out;
}

/**
 * Runs an execution's steps over its nodes with the job's strategy (node-first, step-first or
 * parallel), at most `threadcount` nodes at a time, stopping new work after a failure unless
 * `keepgoing`. Every node × step ends with a recorded status, `not-run` included.
 */
export async function runExecution(rc: RunContext): Promise<RunOutcome> {
  const { spec, deps, execution } = rc;
  const dispatch = spec.dispatch ?? {};
  const nodes = spec.nodes?.local
    ? [deps.localNode()]
    : await deps.resolveNodes(execution, spec.nodes?.filter, {
        ...(dispatch.rankAttribute ? { attribute: dispatch.rankAttribute } : {}),
        ...(dispatch.rankOrder ? { order: dispatch.rankOrder } : {}),
      });
  if (nodes.length === 0) {
    const message = `no node of environment ${execution.environment} matches the filter "${spec.nodes?.filter ?? ''}"`;
    rc.log.system(WORKFLOW_NODE, '-', message);
    return { state: 'failed', message, outputs: {} };
  }
  rc.log.system(
    WORKFLOW_NODE,
    '-',
    `running on ${nodes.length} node(s): ${nodes.map((n) => n.name).join(', ')}`,
  );
  const runs = nodes.map((n) => nodeRun(rc, n));
  const recorded = new Set<string>();
  const limit = createLimiter(dispatch.threadcount ?? 1);
  let halted = false;
  const keepgoing = dispatch.keepgoing ?? false;
  const workflowRun = nodeRun(rc, { ...deps.localNode(), name: WORKFLOW_NODE });
  let workflowFailed = false;

  const stepOn = async (nr: NodeRun, step: Step, index: number): Promise<void> => {
    if (nr.failed || (halted && !keepgoing) || rc.signal.aborted) return;
    recorded.add(`${nr.node.name}#${index}`);
    const status = await runNodeStep(rc, nr, step, index);
    if (FAILED.has(status)) {
      nr.failed = true;
      if (!keepgoing) halted = true;
    }
  };

  try {
    for (const segment of segments(spec.steps)) {
      if ((halted && !keepgoing) || workflowFailed || rc.signal.aborted) break;
      if (segment.workflow) {
        const { step, index } = segment.steps[0] as { step: Step; index: number };
        recorded.add(`${WORKFLOW_NODE}#${index}`);
        const status = await runNodeStep(rc, workflowRun, step, index);
        if (FAILED.has(status)) workflowFailed = true;
        continue;
      }
      const strategy = spec.strategy ?? 'node-first';
      if (strategy === 'step-first') {
        for (const { step, index } of segment.steps) {
          await Promise.all(runs.map((nr) => limit(() => stepOn(nr, step, index))));
        }
      } else if (strategy === 'parallel') {
        await Promise.all(
          runs.map((nr) =>
            limit(() => Promise.all(segment.steps.map(({ step, index }) => stepOn(nr, step, index)))),
          ),
        );
      } else {
        await Promise.all(
          runs.map((nr) =>
            limit(async () => {
              for (const { step, index } of segment.steps) await stepOn(nr, step, index);
            }),
          ),
        );
      }
    }
  } finally {
    await Promise.all([...runs, workflowRun].map((r) => r.close().catch(() => undefined)));
  }

  for (const nr of runs) {
    for (const [index, step] of spec.steps.entries()) {
      if (step.job === undefined && !recorded.has(`${nr.node.name}#${index}`)) {
        await rc.saveStep({
          executionId: execution.id,
          node: nr.node.name,
          stepIndex: index,
          stepId: step.id,
          status: 'not-run',
          attempts: 0,
          outputs: {},
        });
      }
    }
  }

  const outputs: RunOutcome['outputs'] = {};
  for (const nr of runs) if (Object.keys(nr.outputs).length > 0) outputs[nr.node.name] = nr.outputs;
  const failedNodes = runs.filter((r) => r.failed).map((r) => r.node.name);
  const reason = rc.stopReason();
  if (reason === 'killed') return { state: 'aborted', message: 'killed', outputs };
  if (reason === 'timeout') return { state: 'timed-out', message: 'the job timed out', outputs };
  if (failedNodes.length > 0 || workflowFailed) {
    const steps = await deps.store.steps(execution.id);
    const timedOut = steps.some((s) => s.status === 'timed-out') && !steps.some((s) => s.status === 'failed');
    const message =
      failedNodes.length > 0
        ? `failed on ${failedNodes.length} of ${runs.length} node(s): ${failedNodes.join(', ')}`
        : 'a job reference failed';
    return { state: timedOut ? 'timed-out' : 'failed', message, outputs };
  }
  return { state: 'succeeded', outputs };
}
