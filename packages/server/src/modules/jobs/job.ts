/** The Job resource's spec: a Rundeck-style runbook. Pure types, no I/O. */

export type OptionType = 'string' | 'number' | 'boolean' | 'enum' | 'secret' | 'date';

export interface JobOption {
  /** Letters, digits and `_`; reaches commands as PONT_OPTION_<NAME> and `${option.name}`. */
  name: string;
  label?: string;
  description?: string;
  type?: OptionType;
  required?: boolean;
  default?: string | number | boolean | string[];
  /** Allowed values: enforced (only these) or suggested (shown in the UI, any value accepted). */
  values?: string[];
  enforced?: boolean;
  /** A regular expression each value must match. */
  regex?: string;
  multiValued?: boolean;
  /** Joins the values of a multi-valued option in PONT_OPTION_<NAME>; default ",". */
  delimiter?: string;
  /** For `date`: an example of the expected shape shown to users; values must be ISO 8601. */
  dateFormat?: string;
  /** For `secret`: a default taken from a Secret in the project, never shown. */
  secretRef?: { secret: string; key: string };
}

export interface NodeSelector {
  /** Rundeck-style filter text: `tags: web+db name: app-* !name: app-3 os: linux`. */
  filter?: string;
  /** Run on the pont server itself instead of nodes. */
  local?: boolean;
}

export interface Dispatch {
  /** How many nodes run at once (default 1). */
  threadcount?: number;
  /** Continue on the other nodes when one fails (the execution still fails). */
  keepgoing?: boolean;
  /** Node attribute ordering the nodes (default name). */
  rankAttribute?: string;
  rankOrder?: 'ascending' | 'descending';
}

export type Strategy = 'node-first' | 'step-first' | 'parallel';

export interface RetrySpec {
  count: number;
  /** Milliseconds between attempts, or a duration such as "5s". */
  delay?: number | string;
}

export interface ScriptSpec {
  /** Interpreter and its arguments, e.g. "bash -eu" or "python3" (default "sh"). */
  interpreter?: string;
  body: string;
  args?: string[];
}

export interface CopySpec {
  /** A file uploaded to the project (`pont files push`); references such as ${option.version} expand ... */
  file?: string;
  /** ... or a path under the data directory's `files/` folder. */
  path?: string;
  destination: string;
  /** Octal mode such as "0644". */
  mode?: string;
  /** Expected sha256 of the source; checked before and after the transfer. */
  sha256?: string;
}

export interface JobRefSpec {
  name: string;
  /** Option values; `${option.x}` and `${steps.id.outputs.y}` are expanded. */
  options?: Record<string, string>;
}

export interface StepAction {
  /** A command: a string (split into words, no shell unless `shell: true`) or an argv array. */
  exec?: string | string[];
  /** Run `exec` through /bin/sh -c (quotes, pipes, globs). Options still expand to quoted words. */
  shell?: boolean;
  script?: ScriptSpec;
  copy?: CopySpec;
  job?: JobRefSpec;
  /** Extra environment variables; values are expanded like commands. */
  env?: Record<string, string>;
}

export interface Step extends StepAction {
  /** Unique within the job: letters, digits, `-` and `_`; names the step in logs and outputs. */
  id: string;
  description?: string;
  /** A condition: `${option.dry_run} == 'true' && ${steps.check.outputs.ok} != 'no'`. */
  when?: string;
  /** Runs when the step fails; if it succeeds the node carries on. */
  onError?: StepAction & { description?: string };
  retry?: RetrySpec;
  /** Milliseconds or a duration ("30s", "5m"). */
  timeout?: number | string;
}

export interface Schedule {
  name: string;
  /** Five-field cron (minute hour day month weekday), or six with seconds first. */
  cron: string;
  timezone?: string;
  /** The environment the scheduled run targets. */
  environment: string;
  options?: Record<string, string | number | boolean | string[]>;
  enabled?: boolean;
  /** If the server was down at fire time, run once at start. */
  runMissed?: boolean;
}

export interface WebhookNotification {
  url: string;
  headers?: Record<string, string>;
}

export interface Notifications {
  onStart?: WebhookNotification[];
  onSuccess?: WebhookNotification[];
  onFailure?: WebhookNotification[];
}

export interface SecretUse {
  secret: string;
  key: string;
  /** Environment variable the value reaches commands as. */
  env: string;
}

export interface JobSpec {
  description?: string;
  /** Folder path in the job list, e.g. "deploy/web". */
  group?: string;
  options?: JobOption[];
  nodes?: NodeSelector;
  dispatch?: Dispatch;
  strategy?: Strategy;
  steps: Step[];
  timeout?: number | string;
  retry?: RetrySpec;
  concurrency?: 'allow' | 'queue' | 'forbid';
  schedules?: Schedule[];
  notifications?: Notifications;
  /** Secrets the job uses: injected as environment variables and masked in logs. */
  secrets?: SecretUse[];
}
