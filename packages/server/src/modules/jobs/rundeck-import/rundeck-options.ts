import type { JobOption } from '../job.js';
import { sanitizeOptionName } from './rundeck-steps.js';
import type { Report, RundeckJob } from './rundeck-types.js';

/** pont option names for a job's options: letters, digits and `_`, unique. */
export function optionNameMap(job: RundeckJob): Map<string, string> {
  const names = new Map<string, string>();
  const taken = new Set<string>();
  for (const option of job.options) {
    let name = sanitizeOptionName(option.name);
    for (let n = 2; taken.has(name); n++) name = `${sanitizeOptionName(option.name).slice(0, 60)}_${n}`;
    taken.add(name);
    names.set(option.name, name);
  }
  return names;
}

/** Rundeck options as pont options; `names` maps Rundeck names to pont names (optionNameMap). */
export function mapOptions(job: RundeckJob, names: Map<string, string>, report: Report): JobOption[] {
  return job.options.map((o) => {
    const field = `options.${o.name}`;
    const name = names.get(o.name) ?? sanitizeOptionName(o.name);
    if (name !== o.name)
      report(`${field}`, `renamed to "${name}": pont option names are letters, digits and _`, 'changed');
    const option: JobOption = { name };
    if (o.label) option.label = o.label;
    if (o.description) option.description = o.description;
    if (o.required) option.required = true;
    let values = o.values?.filter((v) => v !== '');
    if (values && o.sortValues) values = [...values].sort((a, b) => a.localeCompare(b));
    if (values && values.length > 0) {
      option.values = values;
      if (o.enforced) option.enforced = true;
    }
    if (o.regex) {
      try {
        new RegExp(o.regex);
        option.regex = o.regex;
      } catch {
        report(`${field}.regex`, `"${o.regex}" is not a regular expression pont understands; dropped`);
      }
    }
    if (o.multivalued) {
      option.multiValued = true;
      if (o.delimiter) option.delimiter = o.delimiter;
    }
    if (o.secure) {
      option.type = 'secret';
      if (o.value !== undefined)
        report(
          `${field}.value`,
          "a secret option's default cannot be plain text in pont: create a Secret and set secretRef",
        );
      if (o.storagePath)
        report(
          `${field}.storagePath`,
          `key storage ${o.storagePath}: create a pont Secret with the value and set secretRef`,
        );
      if (!o.valueExposed) {
        report(
          `${field}.valueExposed`,
          'Rundeck kept this value for SSH authentication only; pont gives it to commands as a (masked) option',
        );
      }
    } else if (o.value !== undefined) {
      option.default = o.multivalued ? o.value.split(o.delimiter || ',').map((v) => v.trim()) : o.value;
    }
    if (o.multivalued && o.multivalueAllSelected && option.values && !o.secure)
      option.default = [...option.values];
    if (o.isDate && !o.secure) {
      option.type = 'date';
      if (o.dateFormat) option.dateFormat = o.dateFormat;
      report(
        `${field}.isDate`,
        `pont date options take ISO 8601 values${o.dateFormat ? `; "${o.dateFormat}" is kept as a hint` : ''}`,
        'changed',
      );
    }
    if (o.valuesUrl)
      report(
        `${field}.valuesUrl`,
        `remote option values (${o.valuesUrl}) are not supported; list the values`,
      );
    if (o.optionValuesPluginType)
      report(
        `${field}.optionValuesPluginType`,
        `option values plugin "${o.optionValuesPluginType}" is not supported`,
      );
    if (o.hidden) report(`${field}.hidden`, 'pont shows every option');
    if (o.type && o.type !== 'text')
      report(`${field}.type`, `"${o.type}" options are not supported; this is a text option`);
    for (const key of o.unknown) report(key, 'ignored');
    return option;
  });
}
