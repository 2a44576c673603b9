import { describe, expect, it } from 'vitest';
import { importRundeck, RundeckFormatError } from './index.js';
import { expectValidJobs, jobNamed, reportOf } from './test-support.js';

/** Every construct of Rundeck's job YAML format (docs: job-yaml-v12), in five jobs. */
export const SAMPLE_YAML = `- name: Deploy Web App
  group: /ops/deploy/
  uuid: 11111111-2222-3333-4444-555555555555
  id: 11111111-2222-3333-4444-555555555555
  description: |-
    Deploys the web application
    Second line of the *extended* description
  loglevel: DEBUG
  loglimit: 100MB
  loglimitAction: truncate
  multipleExecutions: true
  maxMultipleExecutions: '3'
  timeout: 1h30m
  retry:
    retry: '2'
    delay: 30s
  timeZone: Europe/Paris
  scheduleEnabled: false
  executionEnabled: true
  nodeFilterEditable: true
  defaultTab: output
  nodesSelectedByDefault: false
  runnerSelector:
    filter: tags
  orchestrator:
    type: rankTiered
    configuration: {}
  plugins:
    ExecutionLifecycle:
      killhandler: {}
  options:
  - name: version
    label: Version
    description: the version to deploy
    required: true
    value: '1.10'
    values: ['1.9', '1.10', '1.2']
    enforced: true
    sortValues: true
  - name: env-name
    value: web
    valuesUrl: https://inventory.example.com/envs.json
  - name: targets
    multivalued: true
    delimiter: ' '
    value: a b
    regex: '^[a-z ]+$'
  - name: colors
    multivalued: true
    values: [red, green]
    multivalueAllSelected: true
  - name: db_password
    secure: true
    valueExposed: true
    storagePath: keys/project/web/db.password
  - name: ssh_password
    secure: true
  - name: when
    isDate: true
    dateFormat: YYYY-MM-DD
  - name: upload
    type: file
  - name: internal
    hidden: true
    value: x
  nodefilters:
    dispatch:
      threadcount: 4
      keepgoing: true
      rankAttribute: rank
      rankOrder: descending
      excludePrecedence: true
    filter: 'tags: web+linux name: web-.* !name: web-3'
  sequence:
    keepgoing: false
    strategy: step-first
    commands:
    - description: Restart service
      exec: systemctl restart \${option.env-name} && echo $RD_OPTION_VERSION
      errorhandler:
        exec: journalctl -n 50
        description: Show the journal
    - description: Render config
      script: |-
        #!/bin/bash -eu
        echo "deploying @option.version@ to \${node.name} (@node.hostname@)"
        echo "env $RD_OPTION_ENV_NAME on $RD_NODE_NAME, execution $RD_JOB_EXECID"
        echo 'single @option.version@'
      args: -v \${option.version} "two words"
    - script: |
        import os
        print(os.environ["RD_OPTION_VERSION"], "@option.version@")
      scriptInterpreter: python3
      fileExtension: .py
    - script: echo "$1"
      args: hello
      scriptInterpreter: sudo -u app bash -c
      interpreterArgsQuoted: true
    - scriptfile: /opt/scripts/check.sh
      args: --fast
    - jobref:
        group: ops
        name: Notify
        args: -msg "deployed \${option.version}" -level info -dry
        nodeStep: true
        importOptions: true
        project: other
        nodefilters:
          filter: 'name: web-1'
    - nodeStep: true
      type: copyfile
      description: Copy the war
      configuration:
        sourcePath: /srv/artifacts/app-\${option.version}.war
        destinationPath: /opt/app/app.war
        echo: 'true'
    - nodeStep: false
      type: jenkins-build
      configuration:
        job: web-build
    - exec: echo \${globals.region} \${HOME}/bin \${job.execid} \${job.id}
    - exec: tar czf /tmp/\${option.version}.tgz *.log
      plugins:
        LogFilter:
        - type: key-value-data
  schedule:
    time:
      hour: '05'
      minute: '01'
      seconds: '0'
    month: APR,MAR,MAY
    year: '*'
    weekday:
      day: FRI,MON,TUE
  notification:
    onsuccess:
      urls: https://hooks.example.com/a,http://b.example/x?id=\${execution.id}
    onfailure:
      recipients: ops@example.com
      plugin:
        type: slack
        configuration:
          channel: '#ops'
    onstart:
    - urls: ftp://nope.example
    - plugin:
      - type: pagerduty
    onavgduration:
      email:
        recipients: lead@example.com
    onretryablefailure:
      urls: https://hooks.example.com/retry
  notifyAvgDurationThreshold: +30s
- name: Notify
  group: ops
  options:
    msg: {required: true}
    level: {value: info}
    version: {}
  schedule:
    crontab: '0 30 */6 ? Jan Mon *'
  sequence:
    commands:
    - exec: echo \${option.msg} at \${option.level}
    - type: localexec
      nodeStep: true
      configuration:
        command: logger -t pont \${option.msg}
- name: Monthly report
  schedule:
    crontab: '0 0 12 L * ? *'
  retry: \${option.retry}
  timeout: \${option.timeout}
  executionEnabled: false
  sequence:
    keepgoing: true
    strategy: parallel
    commands:
    - exec: ./report.sh
- name: Legacy filter
  nodefilters:
    include:
      tags: web
      os-family: unix
    exclude:
      name: bad-node
    dispatch:
      excludePrecedence: false
      threadcount: \${option.threads}
  sequence:
    strategy: ruleset
    commands:
    - jobref:
        name: Somewhere Else
        args: -x 1
      errorhandler:
        scripturl: https://example.com/cleanup.sh
- name: Excluding
  nodefilters:
    filter: 'tags: db'
    filterExclude: 'os-family: windows name: db-9'
  schedule:
    crontab: '0 15 10 ? * MON-FRI'
  sequence:
    commands:
    - exec: pg_dump shop
`;

const imported = () =>
  importRundeck(SAMPLE_YAML, { file: 'jobs.yaml', project: 'shop', environment: 'prod' });

describe('Rundeck YAML import', () => {
  it('produces valid pont Jobs, one per Rundeck job, named as DNS labels', () => {
    const result = imported();
    expectValidJobs(result);
    expect(result.resources.map((r) => r.metadata.name)).toEqual([
      'deploy-web-app',
      'notify',
      'monthly-report',
      'legacy-filter',
      'excluding',
    ]);
    expect(result.origins.map((o) => o.line)).toEqual([1, 154, 169, 180, 198]);
    expect(result.scheduled).toEqual([
      'ops/deploy/Deploy Web App',
      'ops/Notify',
      'Monthly report',
      'Excluding',
    ]);
    const deploy = jobNamed(result, 'deploy-web-app');
    expect(deploy.metadata).toEqual({
      project: 'shop',
      name: 'deploy-web-app',
      labels: { 'rundeck.uuid': '11111111-2222-3333-4444-555555555555' },
      annotations: {
        'rundeck.job': 'ops/deploy/Deploy Web App',
        'rundeck.schedule': '0 01 05 ? APR,MAR,MAY FRI,MON,TUE *',
      },
    });
    expect(reportOf(result, 'deploy-web-app')).toContain('changed name: became pont name "deploy-web-app"');
  });

  it('maps the job fields', () => {
    const { spec } = jobNamed(imported(), 'deploy-web-app');
    expect(spec.description).toBe('Deploys the web application\nSecond line of the *extended* description');
    expect(spec.group).toBe('ops/deploy');
    expect(spec.timeout).toBe('90m');
    expect(spec.retry).toEqual({ count: 2, delay: '30s' });
    expect(spec.concurrency).toBe('allow');
    expect(spec.strategy).toBe('step-first');
    expect(jobNamed(imported(), 'notify').spec.concurrency).toBe('forbid');
    expect(jobNamed(imported(), 'monthly-report').spec.strategy).toBe('parallel');
  });

  it('maps options: values, enforced, sorted, regex, multi-valued, secure, dates; renames and reports', () => {
    const result = imported();
    const { options } = jobNamed(result, 'deploy-web-app').spec;
    expect(options).toEqual([
      {
        name: 'version',
        label: 'Version',
        description: 'the version to deploy',
        required: true,
        values: ['1.10', '1.2', '1.9'],
        enforced: true,
        default: '1.10',
      },
      { name: 'env_name', default: 'web' },
      { name: 'targets', regex: '^[a-z ]+$', multiValued: true, delimiter: ' ', default: ['a', 'b'] },
      { name: 'colors', values: ['red', 'green'], multiValued: true, default: ['red', 'green'] },
      { name: 'db_password', type: 'secret' },
      { name: 'ssh_password', type: 'secret' },
      { name: 'when', type: 'date', dateFormat: 'YYYY-MM-DD' },
      { name: 'upload' },
      { name: 'internal', default: 'x' },
    ]);
    const report = reportOf(result, 'deploy-web-app');
    expect(report).toEqual(
      expect.arrayContaining([
        'changed options.env-name: renamed to "env_name": pont option names are letters, digits and _',
        'unmapped options.env-name.valuesUrl: remote option values (https://inventory.example.com/envs.json) are not supported; list the values',
        'unmapped options.db_password.storagePath: key storage keys/project/web/db.password: create a pont Secret with the value and set secretRef',
        'unmapped options.ssh_password.valueExposed: Rundeck kept this value for SSH authentication only; pont gives it to commands as a (masked) option',
        'changed options.when.isDate: pont date options take ISO 8601 values; "YYYY-MM-DD" is kept as a hint',
        'unmapped options.upload.type: "file" options are not supported; this is a text option',
        'unmapped options.internal.hidden: pont shows every option',
      ]),
    );
    // The old map form of options.
    expect(jobNamed(result, 'notify').spec.options).toEqual([
      { name: 'msg', required: true },
      { name: 'level', default: 'info' },
      { name: 'version' },
    ]);
  });

  it('keeps node filters and dispatch, rewriting regular expressions for pont matching', () => {
    const result = imported();
    const deploy = jobNamed(result, 'deploy-web-app').spec;
    expect(deploy.nodes).toEqual({ filter: 'tags: web+linux name: web-* !name: web-3' });
    expect(deploy.dispatch).toEqual({
      threadcount: 4,
      keepgoing: true,
      rankAttribute: 'rank',
      rankOrder: 'descending',
    });
    expect(reportOf(result, 'deploy-web-app')).toEqual(
      expect.arrayContaining([
        'unmapped nodesSelectedByDefault: pont runs on every matching node; Rundeck made users pick the nodes',
        'changed nodefilters.filter: "tags: web+linux name: web-.* !name: web-3" became "tags: web+linux name: web-* !name: web-3" for pont\'s matching rules',
      ]),
    );
    // Deprecated include/exclude maps; excludePrecedence false; a threadcount from an option.
    expect(jobNamed(result, 'legacy-filter').spec.nodes).toEqual({
      filter: 'tags: web os-family: unix !name: bad-node',
    });
    expect(jobNamed(result, 'legacy-filter').spec.dispatch).toBeUndefined();
    expect(reportOf(result, 'legacy-filter')).toEqual(
      expect.arrayContaining([
        'unmapped nodefilters.filter: excludePrecedence: false (a node matching both the filter and an exclusion is kept) has no pont equivalent: exclusions win',
        'unmapped nodefilters.dispatch.threadcount: "${option.threads}" is not a number of threads; 1 is used',
      ]),
    );
    // filterExclude: its terms become ! terms; two of them change the meaning.
    expect(jobNamed(result, 'excluding').spec.nodes).toEqual({
      filter: 'tags: db !os-family: windows !name: db-9',
    });
    expect(reportOf(result, 'excluding')).toContain(
      'unmapped nodefilters.filter: Rundeck left out only nodes matching all of !os-family, !name; pont leaves out nodes matching any of them',
    );
    // No node filter: Rundeck ran the job on its own server.
    expect(jobNamed(result, 'notify').spec.nodes).toEqual({ local: true });
  });

  it('maps exec steps, choosing the shell only for shell syntax, with error handlers and descriptions', () => {
    const result = imported();
    const [restart] = jobNamed(result, 'deploy-web-app').spec.steps;
    expect(restart).toEqual({
      id: 'restart-service',
      description: 'Restart service',
      exec: 'systemctl restart ${option.env_name} && echo ${option.version}',
      shell: true,
      onError: { exec: 'journalctl -n 50', description: 'Show the journal' },
    });
    expect(jobNamed(result, 'notify').spec.steps[0]).toEqual({
      id: 'step-1',
      exec: 'echo ${option.msg} at ${option.level}',
    });
    const steps = jobNamed(result, 'deploy-web-app').spec.steps;
    expect(steps[8]).toEqual({
      id: 'step-9',
      exec: 'echo RUNDECK{globals.region} $HOME/bin ${execution.id} RUNDECK{job.id}',
      shell: true,
    });
    expect(steps[9]).toEqual({
      id: 'step-10',
      exec: 'tar czf /tmp/${option.version}.tgz *.log',
      shell: true,
    });
    expect(reportOf(result, 'deploy-web-app')).toEqual(
      expect.arrayContaining([
        'changed sequence.commands[0].exec: references to renamed options follow the new names',
        'changed sequence.commands[0].exec: $RD_OPTION_X in commands became ${option.x}',
        'changed sequence.commands[0].errorhandler.keepgoingOnSuccess: Rundeck still failed the job after this handler succeeded; in pont the node carries on with the next step',
        'unmapped sequence.commands[8].exec: ${globals.region} has no pont equivalent',
        'changed sequence.commands[8].exec: ${job.execid} became ${execution.id}',
        'unmapped sequence.commands[8].exec: ${job.id} has no pont equivalent',
        'unmapped sequence.commands[9].plugins.LogFilter: log filter plugins (key-value-data) have no pont equivalent',
      ]),
    );
  });

  it('maps inline scripts: #! interpreter, arguments, option and node variables', () => {
    const result = imported();
    const steps = jobNamed(result, 'deploy-web-app').spec.steps;
    expect(steps[1]).toEqual({
      id: 'render-config',
      description: 'Render config',
      script: {
        interpreter: '/bin/bash -eu',
        body: [
          '#!/bin/bash -eu',
          'echo "deploying ${PONT_OPTION_VERSION} to ${PONT_NODE_NAME} (${PONT_NODE_HOSTNAME})"',
          'echo "env $PONT_OPTION_ENV_NAME on $PONT_NODE_NAME, execution $RD_JOB_EXECID"',
          "echo 'single ${PONT_OPTION_VERSION}'",
        ].join('\n'),
        args: ['-v', '${option.version}', 'two words'],
      },
    });
    // A Python script: variables renamed, tokens reported.
    expect(steps[2]).toEqual({
      id: 'step-3',
      script: {
        interpreter: 'python3',
        body: 'import os\nprint(os.environ["PONT_OPTION_VERSION"], "@option.version@")\n',
      },
    });
    // interpreterArgsQuoted with "… -c": the same command without the quoting.
    expect(steps[3]).toEqual({
      id: 'step-4',
      script: { interpreter: 'sudo -u app bash', body: 'echo "$1"', args: ['hello'] },
    });
    const report = reportOf(result, 'deploy-web-app');
    expect(report).toEqual(
      expect.arrayContaining([
        'changed sequence.commands[1].script: RD_OPTION_X variables in scripts became PONT_OPTION_X',
        'changed sequence.commands[1].script: RD_NODE_X variables in scripts became PONT_NODE_X',
        "unmapped sequence.commands[1].script: RD_JOB_EXECID: Rundeck's variable is not set by pont",
        'changed sequence.commands[1].script: @option.x@ tokens in shell scripts became ${PONT_…} environment variables',
        'changed sequence.commands[1].script: @node.x@ tokens in shell scripts became ${PONT_…} environment variables',
        'changed sequence.commands[1].script: ${node.x} references in shell scripts became ${PONT_…} environment variables',
        'unmapped sequence.commands[1].script: @option.version@ sits inside single quotes, where ${PONT_OPTION_VERSION} does not expand',
        'unmapped sequence.commands[2].script: @option.version@ in a non-shell script is not replaced by pont: read the PONT_OPTION_VERSION environment variable',
        'unmapped sequence.commands[2].fileExtension: pont does not name the script file with .py; use an interpreter that does not need it',
        'changed sequence.commands[3].interpreterArgsQuoted: "sudo -u app bash -c \'script args\'" became "sudo -u app bash script args"',
      ]),
    );
    // Each kind of translation is reported once per job.
    expect(report.filter((l) => l.includes('RD_OPTION_X variables'))).toHaveLength(1);
  });

  it('turns script files, script URLs and unknown step plugins into steps that fail with the reason', () => {
    const result = imported();
    const steps = jobNamed(result, 'deploy-web-app').spec.steps;
    expect(steps[4]).toEqual({
      id: 'step-5',
      description: 'NOT CONVERTED from Rundeck: scriptfile /opt/scripts/check.sh',
      exec: [
        'sh',
        '-c',
        "echo 'step 5 was not converted from Rundeck: scriptfile /opt/scripts/check.sh' >&2; exit 1",
      ],
    });
    expect(steps[7]?.description).toBe('NOT CONVERTED from Rundeck: step plugin jenkins-build');
    expect(reportOf(result, 'deploy-web-app')).toEqual(
      expect.arrayContaining([
        'unmapped sequence.commands[4].scriptfile: a script file on the Rundeck server (/opt/scripts/check.sh) cannot be converted: paste the script into script.body',
        'unmapped sequence.commands[7].type: workflow step plugin "jenkins-build" (configuration: job) has no pont equivalent',
      ]),
    );
    // An error handler that cannot be converted is left out.
    const legacy = jobNamed(result, 'legacy-filter');
    expect(legacy.spec.steps[0]?.onError).toBeUndefined();
    expect(reportOf(result, 'legacy-filter')).toContain(
      'unmapped sequence.commands[0].errorhandler: not converted (scripturl https://example.com/cleanup.sh); the step has no error handler',
    );
  });

  it('maps job references: target in the import, arguments to options, imported options', () => {
    const result = imported();
    const ref = jobNamed(result, 'deploy-web-app').spec.steps[5];
    expect(ref).toEqual({
      id: 'step-6',
      job: {
        name: 'notify',
        options: { msg: 'deployed ${option.version}', level: 'info', dry: '', version: '${option.version}' },
      },
    });
    expect(reportOf(result, 'deploy-web-app')).toEqual(
      expect.arrayContaining([
        'unmapped sequence.commands[5].jobref.project: pont runs jobs of the same project; the reference to project "other" was dropped',
        'changed sequence.commands[5].jobref.importOptions: options with the same names are passed explicitly as ${option.x}',
        'unmapped sequence.commands[5].jobref.nodeStep: pont runs a job reference once per execution, not once per node',
        'unmapped sequence.commands[5].jobref.nodefilters: pont runs the referenced job on its own nodes; the override was dropped',
      ]),
    );
    expect(jobNamed(result, 'legacy-filter').spec.steps[0]).toMatchObject({
      job: { name: 'somewhere-else', options: { x: '1' } },
    });
    expect(reportOf(result, 'legacy-filter')).toContain(
      'unmapped sequence.commands[0].jobref: job "Somewhere Else" is not in this import: it must exist in pont as "somewhere-else" before this job is applied',
    );
  });

  it('maps copyfile to a copy of an uploaded file, and localexec in a job that runs on the server', () => {
    const result = imported();
    expect(jobNamed(result, 'deploy-web-app').spec.steps[6]).toEqual({
      id: 'copy-the-war',
      description: 'Copy the war',
      copy: { file: 'app-${option.version}.war', destination: '/opt/app/app.war' },
    });
    expect(reportOf(result, 'deploy-web-app')).toContain(
      'unmapped sequence.commands[6].configuration.sourcePath: Rundeck read /srv/artifacts/app-${option.version}.war on its server; pont copies the file uploaded to the project as app-${option.version}.war once options expand (pont files push NAME PATH)',
    );
    expect(jobNamed(result, 'notify').spec.steps[1]).toEqual({
      id: 'step-2',
      exec: 'logger -t pont ${option.msg}',
    });
  });

  it('converts schedules, in the structured and the crontab form, into the given environment', () => {
    const result = imported();
    expect(jobNamed(result, 'deploy-web-app').spec.schedules).toEqual([
      {
        name: 'rundeck',
        cron: '1 5 * 4,3,5 5,1,2',
        environment: 'prod',
        timezone: 'Europe/Paris',
        enabled: false,
      },
    ]);
    expect(jobNamed(result, 'notify').spec.schedules).toEqual([
      { name: 'rundeck', cron: '30 */6 * 1 1', environment: 'prod' },
    ]);
    expect(jobNamed(result, 'monthly-report').spec.schedules).toBeUndefined();
    expect(jobNamed(result, 'monthly-report').metadata.annotations?.['rundeck.schedule']).toBe(
      '0 0 12 L * ? *',
    );
    expect(reportOf(result, 'notify')).toContain(
      'changed schedule.crontab: Quartz "0 30 */6 ? Jan Mon *" became cron "30 */6 * 1 1"',
    );
    expect(reportOf(result, 'monthly-report')).toEqual(
      expect.arrayContaining([
        'unmapped schedule.crontab: day of month "L": the last day (L) has no equivalent in pont\'s cron; the schedule was not converted (kept in the rundeck.schedule annotation)',
        'unmapped executionEnabled: pont cannot disable a job: it can still be run by hand',
        "unmapped sequence.keepgoing: pont stops running a node's steps at its first failing step (unless the step has an onError handler that succeeds)",
        'unmapped timeout: "${option.timeout}": pont cannot take a duration from an option',
        'unmapped retry: "${option.retry}" is not a number of retries: pont cannot take it from an option',
      ]),
    );
  });

  it('reports schedules without an environment instead of converting them', () => {
    const result = importRundeck(SAMPLE_YAML, { file: 'jobs.yaml', project: 'shop' });
    expectValidJobs(result);
    expect(result.resources.every((r) => r.spec.schedules === undefined)).toBe(true);
    expect(reportOf(result, 'notify')).toContain(
      'unmapped schedule.crontab: a pont schedule runs in an environment: pass --env ENVIRONMENT to convert "0 30 */6 ? Jan Mon *"',
    );
  });

  it('maps webhook notifications and reports email, plugins and other triggers', () => {
    const result = imported();
    expect(jobNamed(result, 'deploy-web-app').spec.notifications).toEqual({
      onSuccess: [{ url: 'https://hooks.example.com/a' }, { url: 'http://b.example/x?id=${execution.id}' }],
    });
    expect(reportOf(result, 'deploy-web-app')).toEqual(
      expect.arrayContaining([
        'unmapped notification.onsuccess.urls: pont does not expand the ${…} references in http://b.example/x?id=${execution.id}',
        'unmapped notification.onfailure.email: email notifications (ops@example.com) have no pont equivalent',
        'unmapped notification.onfailure.plugin: notification plugin "slack" has no pont equivalent',
        'unmapped notification.onstart.urls: "ftp://nope.example" is not an http(s) URL; dropped',
        'unmapped notification.onstart.plugin: notification plugin "pagerduty" has no pont equivalent',
        'unmapped notification.onavgduration.email: email notifications (lead@example.com) have no pont equivalent',
        'unmapped notification.onretryablefailure.urls: onretryablefailure notifications have no pont equivalent',
        "changed notification: pont webhooks post pont's JSON document, not Rundeck's notification XML: check the receivers",
        'unmapped notifyAvgDurationThreshold: pont has no average-duration notification',
      ]),
    );
  });

  it('reports the job fields pont has no place for', () => {
    expect(reportOf(imported(), 'deploy-web-app')).toEqual(
      expect.arrayContaining([
        'unmapped loglevel: log level DEBUG has no pont equivalent',
        'unmapped loglimit: the log limit 100MB (truncate) has no pont equivalent',
        'unmapped orchestrator: orchestrator "rankTiered" has no pont equivalent',
        'unmapped plugins: job plugin ExecutionLifecycle/killhandler has no pont equivalent',
        'unmapped maxMultipleExecutions: pont has no limit on the number of concurrent executions',
        'unmapped runnerSelector: not a Rundeck job field this importer knows; ignored',
      ]),
    );
    // Console-only settings are not worth a line.
    expect(reportOf(imported(), 'deploy-web-app').join('\n')).not.toMatch(
      /defaultTab|nodeFilterEditable|^\w+ id:/m,
    );
  });

  it('gives jobs with the same name different pont names', () => {
    const text =
      '- {name: Backup, group: db, sequence: {commands: [{exec: a}]}}\n- {name: Backup, group: files, sequence: {commands: [{exec: b}]}}\n- {name: backup!, sequence: {commands: [{exec: c}]}}\n';
    const result = importRundeck(text, { file: 'x.yaml', project: 'p' });
    expectValidJobs(result);
    expect(result.resources.map((r) => r.metadata.name)).toEqual(['backup', 'files-backup', 'backup-2']);
    expect(reportOf(result, 'files-backup')).toEqual(['changed name: became pont name "files-backup"']);
  });

  it('shortens long names to 63 characters and strips accents', () => {
    const name = `Déploiement de l'application ${'très '.repeat(20)}longue`;
    const result = importRundeck(`- name: "${name}"\n  sequence: {commands: [{exec: x}]}\n`, {
      file: 'x.yaml',
      project: 'p',
    });
    const [job] = result.resources;
    expect(job?.metadata.name).toBe('deploiement-de-l-application-tres-tres-tres-tres-tres-tres-tres');
    expect(job?.metadata.name.length).toBeLessThanOrEqual(63);
  });

  it('stops on malformed YAML with file:line:column', () => {
    expect(() => importRundeck('- name: x\n  sequence: [\n', { file: 'bad.yaml', project: 'p' })).toThrow(
      /^bad\.yaml:3:1: /,
    );
    expect(() =>
      importRundeck('- name: x\n  sequence:\n    commands:\n    - description: nothing\n', {
        file: 'bad.yaml',
        project: 'p',
      }),
    ).toThrow(
      'bad.yaml:4:7: a step of job "x" needs exec, script, scriptfile, scripturl, jobref or a plugin type',
    );
    expect(() =>
      importRundeck('- description: no name\n  sequence: {commands: [{exec: x}]}\n', {
        file: 'bad.yaml',
        project: 'p',
      }),
    ).toThrow('bad.yaml:1:3: the job has no name');
    expect(() => importRundeck('- name: x\n', { file: 'bad.yaml', project: 'p' })).toThrow(
      'bad.yaml:1:3: job "x" has no sequence',
    );
    expect(() =>
      importRundeck(
        '- name: x\n  options: [{name: a, values: {b: c}}]\n  sequence: {commands: [{exec: x}]}\n',
        { file: 'bad.yaml', project: 'p' },
      ),
    ).not.toThrow();
    expect(() =>
      importRundeck('- name: [a]\n  sequence: {commands: []}\n', { file: 'bad.yaml', project: 'p' }),
    ).toThrow(RundeckFormatError);
    expect(() => importRundeck('', { file: 'empty.yaml', project: 'p' })).toThrow(
      'empty.yaml:1:1: the file is empty',
    );
  });
});
