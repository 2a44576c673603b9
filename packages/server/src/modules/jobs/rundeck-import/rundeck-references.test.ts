import { describe, expect, it } from 'vitest';
import {
  isShellInterpreter,
  type RefScope,
  translateArgument,
  translateCommand,
  translateScript,
} from './rundeck-references.js';

/** Options `version`, `env-name` (pont: env_name); records what is reported. */
function scope() {
  const options = new Map([
    ['version', 'version'],
    ['env-name', 'env_name'],
  ]);
  const changed: string[] = [];
  const unmapped: string[] = [];
  const s: RefScope = {
    option: (name) => options.get(name),
    optionByEnv: (suffix) =>
      [...options].find(([rd]) => rd.toUpperCase().replace(/[^A-Z0-9_]/g, '_') === suffix)?.[1],
    changed: (kind) => changed.push(kind),
    unmapped: (what) => unmapped.push(what),
  };
  return { s, changed, unmapped };
}

describe('references in commands', () => {
  it.each([
    ['ls -la /tmp', 'ls -la /tmp', false],
    ['echo \'quoted words\' "and more"', 'echo \'quoted words\' "and more"', false],
    [
      'deploy ${option.version} --env=${option.env-name}',
      'deploy ${option.version} --env=${option.env_name}',
      false,
    ],
    ['echo $RD_OPTION_VERSION ${RD_OPTION_ENV_NAME}', 'echo ${option.version} ${option.env_name}', false],
    ['echo ${unquotedoption.version}', 'echo ${option.version}', false],
    ['hostname; echo ${node.name} $RD_NODE_HOSTNAME', 'hostname; echo ${node.name} ${node.hostname}', true],
    [
      'echo ${job.execid} $RD_JOB_USERNAME ${job.project}',
      'echo ${execution.id} ${execution.user} ${execution.project}',
      false,
    ],
    ['cat /var/log/*.log | grep ERROR', 'cat /var/log/*.log | grep ERROR', true],
    ['echo ${HOME} ${PATH}x', 'echo $HOME $PATH""x', true],
    ['echo $RD_JOB_ID', 'echo $RD_JOB_ID', true],
    ['run # comment', 'run # comment', true],
    ['run a#b', 'run a#b', false],
    ['echo ${globals.region}', 'echo RUNDECK{globals.region}', false],
    ['echo ${option.nope}', 'echo RUNDECK{option.nope}', false],
  ])('%s', (rundeck, pont, shell) => {
    expect(translateCommand(rundeck, scope().s)).toEqual({ text: pont, shell });
  });

  it('reports each kind of translation and each reference pont lacks', () => {
    const { s, changed, unmapped } = scope();
    translateCommand(
      'x ${option.env-name} $RD_OPTION_VERSION ${job.name} ${globals.a} $RD_JOB_ID ${option.nope}',
      s,
    );
    expect(changed).toEqual(['option-renamed', 'job.name', 'env-option']);
    expect(unmapped).toEqual(['${globals.a}', '${option.nope}', '$RD_JOB_ID']);
  });

  it('keeps arguments free of shell variables pont would read as references', () => {
    expect(translateArgument('${HOME}/x', scope().s)).toBe('$HOME/x');
    expect(translateArgument('${RD_JOB_ID}', scope().s)).toBe('$RD_JOB_ID');
    expect(translateArgument('v${option.version}', scope().s)).toBe('v${option.version}');
  });
});

describe('references in scripts', () => {
  it('turns tokens and references into pont variables in shell scripts', () => {
    const { s, changed, unmapped } = scope();
    const body = [
      'echo @option.version@ "${option.env-name}" on @node.name@ ${node.username}',
      'echo $RD_OPTION_ENV_NAME ${RD_NODE_HOSTNAME} $RD_JOB_ID @job.name@',
    ].join('\n');
    expect(translateScript(body, s, true)).toBe(
      [
        'echo ${PONT_OPTION_VERSION} "${PONT_OPTION_ENV_NAME}" on ${PONT_NODE_NAME} ${PONT_NODE_USERNAME}',
        'echo $PONT_OPTION_ENV_NAME ${PONT_NODE_HOSTNAME} $RD_JOB_ID @job.name@',
      ].join('\n'),
    );
    expect(changed).toEqual(
      expect.arrayContaining([
        'script-env-option',
        'script-env-node',
        'script @option.x@ tokens',
        'script @node.x@ tokens',
      ]),
    );
    expect(unmapped).toEqual(['RD_JOB_ID', '@job.name@']);
  });

  it('renames variables but leaves tokens in other languages, reporting them', () => {
    const { s, unmapped } = scope();
    const body =
      'import os\nprint(os.environ["RD_OPTION_VERSION"], "@option.version@", "${option.version}")\n';
    expect(translateScript(body, s, false)).toBe(
      'import os\nprint(os.environ["PONT_OPTION_VERSION"], "@option.version@", "${option.version}")\n',
    );
    expect(unmapped).toEqual(['@option.version@']);
  });

  it('warns about tokens inside single quotes', () => {
    const { s, unmapped } = scope();
    expect(translateScript("echo 'v=@option.version@'", s, true)).toBe("echo 'v=${PONT_OPTION_VERSION}'");
    expect(unmapped).toEqual(['@option.version@']);
  });

  it.each([
    [undefined, true],
    ['bash -eu', true],
    ['/usr/bin/env bash', true],
    ['sudo -u app sh', true],
    ['/bin/zsh', true],
    ['python3', false],
    ['/usr/bin/env python3', false],
    ['powershell.exe -File', false],
  ])('interpreter %s is a shell: %s', (interpreter, shell) => {
    expect(isShellInterpreter(interpreter)).toBe(shell);
  });
});
