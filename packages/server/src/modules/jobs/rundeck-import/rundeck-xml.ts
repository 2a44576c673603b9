import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { isMap, render } from './rundeck-fields.js';
import { readJob } from './rundeck-model.js';
import type { Locator, RundeckJob } from './rundeck-types.js';
import { RundeckFormatError } from './rundeck-yaml.js';

type XNode = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  // Every element is a list, so one <command> and three read the same way; attributes are not.
  isArray: (_name, _path, _leaf, isAttribute) => !isAttribute,
  alwaysCreateTextNode: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  captureMetaData: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

/**
 * Rundeck's job XML (`<joblist><job>…</job></joblist>`), turned into the canonical job map the
 * YAML format uses, as Rundeck's JobsXMLCodec does: attributes and child elements are both map
 * entries, an element with attributes and text keeps its text under `<text>`.
 */
export function readXmlJobs(text: string, file: string): RundeckJob[] {
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new RundeckFormatError(file, valid.err.line, valid.err.col, valid.err.msg);
  const root = parser.parse(text) as XNode;
  const joblist = (root.joblist as XNode[] | undefined)?.[0];
  if (!joblist) {
    const found = Object.keys(root).find((k) => !k.startsWith('?'));
    throw new RundeckFormatError(file, 1, 1, `expected a <joblist> document, found <${found ?? 'nothing'}>`);
  }
  const nodes = (joblist.job as XNode[] | undefined) ?? [];
  const lines = nodes.map((node) => lineAt(text, node));
  const at: Locator = {
    fail(path, message) {
      const line = typeof path[0] === 'number' ? lines[path[0]] : undefined;
      const where = render(path.slice(1));
      throw new RundeckFormatError(file, line, 1, where ? `${where}: ${message}` : message);
    },
    line: (path) => (typeof path[0] === 'number' ? lines[path[0]] : undefined),
  };
  return nodes.map((node, i) => readJob(toJobMap(toValue(node)), [i], at));
}

function lineAt(text: string, node: XNode): number | undefined {
  const meta = (node as Record<symbol, { startIndex?: number } | undefined>)[
    XMLParser.getMetaDataSymbol() as symbol
  ];
  if (meta?.startIndex === undefined) return undefined;
  let line = 1;
  for (let i = 0; i < meta.startIndex && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** XmlParserUtil.toObject: a text-only element is its text; otherwise a map. */
function toValue(node: unknown): unknown {
  if (!isMap(node)) return typeof node === 'string' ? node : '';
  const out: Record<string, unknown> = {};
  let structured = false;
  for (const [key, value] of Object.entries(node)) {
    if (key === '#text') continue;
    structured = true;
    if (key.startsWith('@_')) out[key.slice(2)] = String(value);
    else {
      const items = (value as unknown[]).map(toValue);
      out[key] = items.length === 1 ? items[0] : items;
    }
  }
  const text = typeof node['#text'] === 'string' ? node['#text'] : '';
  if (!structured) return text;
  if (text.trim() !== '') out['<text>'] = text.trim();
  return out;
}

const asList = (value: unknown): unknown[] =>
  value === undefined || value === '' ? [] : Array.isArray(value) ? value : [value];

/** `<configuration><entry key= value=/>…</configuration>` → {key: value} */
function entries(config: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!isMap(config)) return out;
  for (const entry of asList(config.entry)) {
    if (isMap(entry) && typeof entry.key === 'string') out[entry.key] = entry.value ?? entry['<text>'] ?? '';
  }
  return out;
}

/** JobsXMLCodec.convertXMapToJobMap, for what the importer reads. */
function toJobMap(value: unknown): unknown {
  if (!isMap(value)) return value;
  const job: Record<string, unknown> = { ...value };
  const context = job.context;
  delete job.context;
  if (isMap(context) && isMap(context.options)) {
    job.options = asList(context.options.option);
  }
  const logging = job.logging;
  delete job.logging;
  if (isMap(logging)) {
    job.loglimit = logging.limit;
    job.loglimitAction = logging.limitAction;
    job.loglimitStatus = logging.status;
  }
  const schedule = job.schedule;
  if (isMap(schedule)) {
    const s: Record<string, unknown> = { ...schedule };
    if (isMap(s.month)) {
      if (s.month.day !== undefined) s.dayofmonth = { day: s.month.day };
      s.month = s.month.month;
    }
    if (isMap(s.year)) s.year = s.year.year;
    job.schedule = s;
  }
  if (isMap(job.retry)) {
    job.retryDelay = job.retry.delay;
    job.retry = job.retry['<text>'];
  }
  if (isMap(job.sequence)) job.sequence = convertSequence(job.sequence);
  if (isMap(job.notification)) job.notification = convertNotification(job.notification);
  if (isMap(job.plugins)) {
    const plugins: Record<string, Record<string, unknown>> = {};
    for (const [service, providers] of Object.entries(job.plugins)) {
      for (const provider of asList(providers)) {
        if (isMap(provider) && typeof provider.type === 'string') {
          plugins[service] = { ...plugins[service], [provider.type]: {} };
        }
      }
    }
    job.plugins = plugins;
  }
  return job;
}

function convertSequence(sequence: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...sequence };
  delete out.command;
  out.commands = asList(sequence.command).map((command) => {
    if (!isMap(command)) return command;
    const c = convertCommand(command);
    if (isMap(c.errorhandler)) c.errorhandler = convertCommand(c.errorhandler);
    return c;
  });
  return out;
}

function convertCommand(command: Record<string, unknown>): Record<string, unknown> {
  const c: Record<string, unknown> = { ...command };
  if (c.script !== undefined || c.scriptfile !== undefined || c.scripturl !== undefined) {
    c.args = c.scriptargs;
    delete c.scriptargs;
    const interpreter = c.scriptinterpreter;
    delete c.scriptinterpreter;
    if (isMap(interpreter)) {
      c.scriptInterpreter = interpreter['<text>'];
      c.interpreterArgsQuoted = interpreter.argsquoted;
    } else if (typeof interpreter === 'string') c.scriptInterpreter = interpreter;
  } else if (isMap(c.jobref)) {
    const ref: Record<string, unknown> = { ...c.jobref };
    if (isMap(ref.arg)) ref.args = ref.arg.line;
    delete ref.arg;
    if (ref.dispatch !== undefined) {
      ref.nodefilters = { ...(isMap(ref.nodefilters) ? ref.nodefilters : {}), dispatch: ref.dispatch };
      delete ref.dispatch;
    }
    c.jobref = ref;
  }
  for (const [key, nodeStep] of [
    ['node-step-plugin', true],
    ['step-plugin', false],
  ] as const) {
    const plugin = c[key];
    if (!isMap(plugin)) continue;
    delete c[key];
    c.type = plugin.type;
    c.nodeStep = nodeStep;
    c.configuration = entries(plugin.configuration);
  }
  return c;
}

function convertNotification(notification: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [trigger, value] of Object.entries(notification)) {
    if (!isMap(value)) continue;
    const list: unknown[] = [];
    for (const webhook of asList(value.webhook)) {
      if (isMap(webhook))
        list.push({ urls: webhook.urls, format: webhook.format, httpMethod: webhook.httpMethod });
    }
    for (const email of asList(value.email)) list.push({ email });
    for (const plugin of asList(value.plugin)) {
      if (isMap(plugin))
        list.push({ plugin: { type: plugin.type, configuration: entries(plugin.configuration) } });
    }
    out[trigger] = list;
  }
  return out;
}
