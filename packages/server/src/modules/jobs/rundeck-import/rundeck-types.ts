/**
 * The one shape both Rundeck formats are read into. The YAML format is Rundeck's canonical job
 * map (what `ScheduledExecution.toMap()` writes); the XML reader first turns `<joblist>` into that
 * same map, as Rundeck's own JobsXMLCodec does, then both go through `readJob` (rundeck-model.ts).
 */

export type Path = Array<string | number>;

/** Says where a path of the source is, and stops on malformed input with file:line:column. */
export interface Locator {
  fail(path: Path, message: string): never;
  line(path: Path): number | undefined;
}

export interface RundeckOption {
  name: string;
  label?: string;
  description?: string;
  required: boolean;
  value?: string;
  values?: string[];
  valuesUrl?: string;
  enforced: boolean;
  regex?: string;
  multivalued: boolean;
  delimiter?: string;
  multivalueAllSelected: boolean;
  secure: boolean;
  valueExposed: boolean;
  storagePath?: string;
  isDate: boolean;
  dateFormat?: string;
  sortValues: boolean;
  hidden: boolean;
  /** `file` for upload options; `text` (or absent) otherwise. */
  type?: string;
  optionValuesPluginType?: string;
  unknown: string[];
}

export interface RundeckDispatch {
  threadcount?: string;
  keepgoing?: boolean;
  excludePrecedence?: boolean;
  rankAttribute?: string;
  rankOrder?: string;
  successOnEmptyNodeFilter?: boolean;
}

export interface RundeckNodes {
  /** The filter string (the deprecated include/exclude maps are turned into one). */
  filter: string;
  /** Rundeck 4+: a second filter whose matches are excluded. */
  filterExclude?: string;
  dispatch: RundeckDispatch;
}

export interface RundeckJobRef {
  name?: string;
  group?: string;
  uuid?: string;
  project?: string;
  args?: string;
  nodeStep: boolean;
  importOptions: boolean;
  failOnDisable: boolean;
  ignoreNotifications: boolean;
  childNodes: boolean;
  nodeFilter?: string;
  hasDispatch: boolean;
  unknown: string[];
}

export interface RundeckScriptAction {
  kind: 'script' | 'scriptfile' | 'scripturl';
  /** The body, the file path or the URL. */
  source: string;
  args?: string;
  interpreter?: string;
  argsQuoted: boolean;
  fileExtension?: string;
}

export type RundeckAction =
  | { kind: 'exec'; command: string }
  | RundeckScriptAction
  | { kind: 'jobref'; ref: RundeckJobRef }
  | { kind: 'plugin'; type: string; nodeStep: boolean; configuration: Record<string, string> };

export interface RundeckErrorHandler {
  action: RundeckAction;
  description?: string;
  keepgoingOnSuccess: boolean;
  unknown: string[];
}

export interface RundeckStep {
  action: RundeckAction;
  description?: string;
  errorHandler?: RundeckErrorHandler;
  /** Step log filter plugin types. */
  logFilters: string[];
  unknown: string[];
}

export type RundeckNotification =
  | { trigger: string; kind: 'webhook'; urls: string[]; format?: string; httpMethod?: string }
  | { trigger: string; kind: 'email'; recipients: string }
  | { trigger: string; kind: 'plugin'; type: string };

export interface RundeckJob {
  name: string;
  group?: string;
  uuid?: string;
  description?: string;
  loglevel?: string;
  executionEnabled: boolean;
  scheduleEnabled: boolean;
  multipleExecutions: boolean;
  maxMultipleExecutions?: string;
  timeout?: string;
  retry?: { count: string; delay?: string };
  timeZone?: string;
  loglimit?: { limit: string; action?: string; status?: string };
  options: RundeckOption[];
  /** Absent: the job runs on the Rundeck server itself. */
  nodes?: RundeckNodes;
  nodesSelectedByDefault: boolean;
  keepgoing: boolean;
  strategy: string;
  /** Configuration of the workflow strategy plugin, when it has any. */
  strategyConfigured: boolean;
  workflowLogFilters: string[];
  steps: RundeckStep[];
  /** The Quartz expression, from `crontab` or built from the structured form. */
  schedule?: { quartz: string; crontab: boolean };
  notifications: RundeckNotification[];
  notifyAvgDurationThreshold?: string;
  orchestrator?: string;
  /** Job-scoped plugins as `Service/provider`. */
  plugins: string[];
  /** Enterprise schedule definitions (`schedules`), by name. */
  scheduleDefinitions: string[];
  unknown: string[];
  /** 1-based line of the job in its file, when known. */
  line?: number;
}

/** One line of the import report. */
export interface ReportEntry {
  /** The Rundeck job, as `group/name`. */
  job: string;
  /** The pont name of the Job resource. */
  name: string;
  /** The Rundeck field, as a path within the job: `sequence.commands[2].scripturl`. */
  field: string;
  message: string;
  /** `unmapped`: lost or needing action; `changed`: converted into a different form. */
  kind: 'unmapped' | 'changed';
}

export type Report = (field: string, message: string, kind?: ReportEntry['kind']) => void;
