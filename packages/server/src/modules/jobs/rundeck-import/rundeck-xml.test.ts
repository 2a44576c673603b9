import { describe, expect, it } from 'vitest';
import { importRundeck } from './index.js';
import { expectValidJobs, jobNamed, reportOf } from './test-support.js';

/** Rundeck's job XML format (docs: job-v20): attributes, child elements, CDATA, single and repeated elements. */
const SAMPLE_XML = `<?xml version="1.0" encoding="UTF-8"?>
<joblist>
  <job>
    <id>aaaaaaaa-0000-0000-0000-000000000001</id>
    <uuid>aaaaaaaa-0000-0000-0000-000000000001</uuid>
    <name>Rolling restart</name>
    <group>/web/</group>
    <description><![CDATA[Restarts the web tier
one node at a time]]></description>
    <loglevel>VERBOSE</loglevel>
    <logging limit='1000/node' limitAction='halt' status='failed' />
    <multipleExecutions>false</multipleExecutions>
    <timeout>1d 6h</timeout>
    <retry delay='1h1m1s'>3</retry>
    <timeZone>America/New_York</timeZone>
    <scheduleEnabled>true</scheduleEnabled>
    <executionEnabled>true</executionEnabled>
    <nodesSelectedByDefault>true</nodesSelectedByDefault>
    <context>
      <project>default</project>
      <options preserveOrder='true'>
        <option name='port' value='80' values='80,8080,8888' enforcedvalues='true' regex='\\d+' required='true'>
          <description>the port</description>
        </option>
        <option name='hosts' multivalued='true' delimiter=';' values='a;b;c' valuesListDelimiter=';' />
        <option name='token' secure='true' valueExposed='true' />
        <option name='day' isDate='true' dateFormat='MM/DD/YYYY' />
        <option name='remote' valuesUrl='https://example.com/values.json' />
      </options>
    </context>
    <dispatch>
      <threadcount>2</threadcount>
      <keepgoing>true</keepgoing>
      <rankAttribute>nodename</rankAttribute>
      <rankOrder>ascending</rankOrder>
    </dispatch>
    <nodefilters excludeprecedence='true'>
      <filter>tags: web name: /web-[0-9]+/ !os-family: windows</filter>
    </nodefilters>
    <sequence keepgoing='false' strategy='node-first'>
      <command>
        <description>Drain</description>
        <exec>curl -fsS -X POST http://localhost:\${option.port}/drain</exec>
        <errorhandler keepgoingOnSuccess='true'>
          <script><![CDATA[echo "drain failed on @node.name@"]]></script>
        </errorhandler>
      </command>
      <command>
        <scriptinterpreter argsquoted='false'>bash -e</scriptinterpreter>
        <script><![CDATA[systemctl restart tomcat
echo restarted $RD_OPTION_PORT
]]></script>
        <scriptargs>--now</scriptargs>
      </command>
      <command>
        <jobref group='web' name='Health check' nodeStep='true'>
          <arg line='-port \${option.port} -path "/health z"' />
        </jobref>
      </command>
      <command>
        <node-step-plugin type='copyfile'>
          <configuration>
            <entry key='sourcePath' value='/srv/conf/server.xml' />
            <entry key='destinationPath' value='/opt/tomcat/conf/server.xml' />
            <entry key='echo' value='true' />
          </configuration>
        </node-step-plugin>
      </command>
      <command>
        <step-plugin type='flow-control'>
          <configuration>
            <entry key='halt' value='true' />
          </configuration>
        </step-plugin>
      </command>
    </sequence>
    <schedule>
      <month month='*' day='1,15' />
      <time hour='03' minute='30' seconds='0' />
      <year year='*' />
    </schedule>
    <notification>
      <onsuccess>
        <webhook urls='https://hooks.example.com/ok' />
        <email recipients='web@example.com' />
      </onsuccess>
      <onfailure>
        <webhook urls='https://hooks.example.com/fail,https://pager.example.com/x' httpMethod='get' format='json' />
        <plugin type='slack'>
          <configuration>
            <entry key='channel' value='#web' />
          </configuration>
        </plugin>
      </onfailure>
    </notification>
    <plugins>
      <ExecutionLifecycle type='killhandler' />
    </plugins>
  </job>
  <job>
    <name>Health check</name>
    <group>web</group>
    <description />
    <context>
      <options>
        <option name='port' />
        <option name='path' value='/health' />
      </options>
    </context>
    <schedule crontab='0 */5 * ? * * *' />
    <sequence>
      <command>
        <exec>curl -fsS http://\${node.hostname}:\${option.port}\${option.path}</exec>
      </command>
    </sequence>
  </job>
</joblist>
`;

/** The same jobs in the YAML format. */
const SAMPLE_YAML = `- id: aaaaaaaa-0000-0000-0000-000000000001
  uuid: aaaaaaaa-0000-0000-0000-000000000001
  name: Rolling restart
  group: web
  description: |-
    Restarts the web tier
    one node at a time
  loglevel: VERBOSE
  loglimit: 1000/node
  loglimitAction: halt
  loglimitStatus: failed
  multipleExecutions: false
  timeout: 1d 6h
  retry:
    retry: '3'
    delay: 1h1m1s
  timeZone: America/New_York
  scheduleEnabled: true
  executionEnabled: true
  nodesSelectedByDefault: true
  options:
  - name: port
    description: the port
    value: '80'
    values: ['80', '8080', '8888']
    enforced: true
    regex: \\d+
    required: true
  - name: hosts
    multivalued: true
    delimiter: ;
    values: [a, b, c]
  - name: token
    secure: true
    valueExposed: true
  - name: day
    isDate: true
    dateFormat: MM/DD/YYYY
  - name: remote
    valuesUrl: https://example.com/values.json
  nodefilters:
    dispatch:
      threadcount: 2
      keepgoing: true
      rankAttribute: nodename
      rankOrder: ascending
      excludePrecedence: true
    filter: 'tags: web name: /web-[0-9]+/ !os-family: windows'
  sequence:
    keepgoing: false
    strategy: node-first
    commands:
    - description: Drain
      exec: curl -fsS -X POST http://localhost:\${option.port}/drain
      errorhandler:
        keepgoingOnSuccess: true
        script: echo "drain failed on @node.name@"
    - script: |
        systemctl restart tomcat
        echo restarted $RD_OPTION_PORT
      args: --now
      scriptInterpreter: bash -e
      interpreterArgsQuoted: false
    - jobref:
        group: web
        name: Health check
        nodeStep: true
        args: -port \${option.port} -path "/health z"
    - nodeStep: true
      type: copyfile
      configuration:
        sourcePath: /srv/conf/server.xml
        destinationPath: /opt/tomcat/conf/server.xml
        echo: 'true'
    - nodeStep: false
      type: flow-control
      configuration:
        halt: 'true'
  schedule:
    time: {hour: '03', minute: '30', seconds: '0'}
    month: '*'
    dayofmonth: {day: '1,15'}
    year: '*'
  notification:
    onsuccess:
    - urls: https://hooks.example.com/ok
    - email:
        recipients: web@example.com
    onfailure:
    - urls: https://hooks.example.com/fail,https://pager.example.com/x
      httpMethod: get
      format: json
    - plugin:
      - type: slack
        configuration: {channel: '#web'}
  plugins:
    ExecutionLifecycle:
      killhandler: {}
- name: Health check
  group: web
  description: ''
  options:
  - name: port
  - name: path
    value: /health
  schedule:
    crontab: '0 */5 * ? * * *'
  sequence:
    commands:
    - exec: curl -fsS http://\${node.hostname}:\${option.port}\${option.path}
`;

const options = { project: 'shop', environment: 'prod' };

describe('Rundeck XML import', () => {
  it('reads the XML format into the same jobs as the YAML format', () => {
    const xml = importRundeck(SAMPLE_XML, { file: 'jobs.xml', ...options });
    const yaml = importRundeck(SAMPLE_YAML, { file: 'jobs.yaml', ...options });
    expectValidJobs(xml);
    expect(xml.resources).toEqual(yaml.resources);
    expect(xml.report).toEqual(yaml.report);
    expect(xml.origins).toEqual([
      { file: 'jobs.xml', line: 3, job: 'web/Rolling restart' },
      { file: 'jobs.xml', line: 100, job: 'web/Health check' },
    ]);
  });

  it('maps what the XML holds', () => {
    const result = importRundeck(SAMPLE_XML, { file: 'jobs.xml', ...options });
    const { spec, metadata } = jobNamed(result, 'rolling-restart');
    expect(metadata.labels).toEqual({ 'rundeck.uuid': 'aaaaaaaa-0000-0000-0000-000000000001' });
    expect(spec.description).toBe('Restarts the web tier\none node at a time');
    expect(spec.group).toBe('web');
    expect(spec.options).toEqual([
      {
        name: 'port',
        description: 'the port',
        required: true,
        values: ['80', '8080', '8888'],
        enforced: true,
        regex: '\\d+',
        default: '80',
      },
      { name: 'hosts', values: ['a', 'b', 'c'], multiValued: true, delimiter: ';' },
      { name: 'token', type: 'secret' },
      { name: 'day', type: 'date', dateFormat: 'MM/DD/YYYY' },
      { name: 'remote' },
    ]);
    expect(spec.nodes).toEqual({ filter: 'tags: web name: /^(?:web-[0-9]+)$/ !os-family: windows' });
    expect(spec.dispatch).toEqual({ threadcount: 2, keepgoing: true });
    expect(spec.timeout).toBe('30h');
    expect(spec.retry).toEqual({ count: 3, delay: '3661s' });
    expect(spec.concurrency).toBe('forbid');
    expect(spec.steps).toEqual([
      {
        id: 'drain',
        description: 'Drain',
        exec: 'curl -fsS -X POST http://localhost:${option.port}/drain',
        onError: { script: { body: 'echo "drain failed on ${PONT_NODE_NAME}"' } },
      },
      {
        id: 'step-2',
        script: {
          interpreter: 'bash -e',
          body: 'systemctl restart tomcat\necho restarted $PONT_OPTION_PORT\n',
          args: ['--now'],
        },
      },
      { id: 'step-3', job: { name: 'health-check', options: { port: '${option.port}', path: '/health z' } } },
      { id: 'step-4', copy: { file: 'server.xml', destination: '/opt/tomcat/conf/server.xml' } },
      {
        id: 'step-5',
        description: 'NOT CONVERTED from Rundeck: step plugin flow-control',
        exec: [
          'sh',
          '-c',
          "echo 'step 5 was not converted from Rundeck: step plugin flow-control' >&2; exit 1",
        ],
      },
    ]);
    expect(spec.schedules).toEqual([
      { name: 'rundeck', cron: '30 3 1,15 * *', environment: 'prod', timezone: 'America/New_York' },
    ]);
    expect(spec.notifications).toEqual({
      onSuccess: [{ url: 'https://hooks.example.com/ok' }],
      onFailure: [{ url: 'https://hooks.example.com/fail' }, { url: 'https://pager.example.com/x' }],
    });
    expect(reportOf(result, 'rolling-restart')).toEqual([
      'changed name: became pont name "rolling-restart"',
      'changed options.day.isDate: pont date options take ISO 8601 values; "MM/DD/YYYY" is kept as a hint',
      'unmapped options.remote.valuesUrl: remote option values (https://example.com/values.json) are not supported; list the values',
      'changed nodefilters.filter: "tags: web name: /web-[0-9]+/ !os-family: windows" became "tags: web name: /^(?:web-[0-9]+)$/ !os-family: windows" for pont\'s matching rules',
      'changed sequence.commands[0].errorhandler.script: @node.x@ tokens in shell scripts became ${PONT_…} environment variables',
      'changed sequence.commands[1].script: RD_OPTION_X variables in scripts became PONT_OPTION_X',
      'unmapped sequence.commands[2].jobref.nodeStep: pont runs a job reference once per execution, not once per node',
      'unmapped sequence.commands[3].configuration.sourcePath: Rundeck read /srv/conf/server.xml on its server; pont copies a file uploaded to the project: pont files push server.xml /srv/conf/server.xml',
      'unmapped sequence.commands[4].type: workflow step plugin "flow-control" (configuration: halt) has no pont equivalent',
      'changed schedule: Quartz "0 30 03 1,15 * ? *" became cron "30 3 1,15 * *"',
      'unmapped notification.onsuccess.email: email notifications (web@example.com) have no pont equivalent',
      'unmapped notification.onfailure.httpMethod: pont webhooks are POST requests',
      "unmapped notification.onfailure.format: pont posts its own JSON document, not Rundeck's json one",
      'unmapped notification.onfailure.plugin: notification plugin "slack" has no pont equivalent',
      'unmapped loglevel: log level VERBOSE has no pont equivalent',
      'unmapped loglimit: the log limit 1000/node (halt, failed) has no pont equivalent',
      'unmapped plugins: job plugin ExecutionLifecycle/killhandler has no pont equivalent',
    ]);
    const health = jobNamed(result, 'health-check').spec;
    expect(health.schedules).toEqual([{ name: 'rundeck', cron: '*/5 * * * *', environment: 'prod' }]);
    expect(health.steps).toEqual([
      { id: 'step-1', exec: 'curl -fsS http://${node.hostname}:${option.port}${option.path}' },
    ]);
    expect(health.nodes).toEqual({ local: true });
  });

  it('reads entities, a single job with a single step, and empty elements', () => {
    const xml = `<joblist><job><name>A &amp; B</name><description/><plugins/><schedules/>
      <sequence><command><exec>echo a &gt; /tmp/x</exec></command></sequence></job></joblist>`;
    const result = importRundeck(xml, { file: 'one.xml', project: 'p' });
    expectValidJobs(result);
    expect(result.resources[0]?.metadata.name).toBe('a-b');
    expect(result.resources[0]?.spec).toEqual({
      nodes: { local: true },
      steps: [{ id: 'step-1', exec: 'echo a > /tmp/x', shell: true }],
      concurrency: 'forbid',
    });
  });

  it('reads the structured schedule with weekdays and a crontab attribute', () => {
    const xml = `<joblist>
      <job><name>a</name><schedule><time hour='06,07,08' minute='00' seconds='02'/><weekday day='2-6'/><month month='*'/><year year='*'/></schedule>
        <sequence><command><exec>true</exec></command></sequence></job>
      <job><name>b</name><schedule crontab='02 00 06,07,08 ? * * 2010'/><sequence><command><exec>true</exec></command></sequence></job>
    </joblist>`;
    const result = importRundeck(xml, { file: 's.xml', project: 'p', environment: 'dev' });
    expect(jobNamed(result, 'a').spec.schedules).toEqual([
      { name: 'rundeck', cron: '2 0 6,7,8 * * 1-5', environment: 'dev' },
    ]);
    expect(jobNamed(result, 'b').spec.schedules).toBeUndefined();
    expect(reportOf(result, 'b')).toEqual([
      'unmapped schedule.crontab: year "2010": pont schedules repeat every year; a year restriction cannot be represented; the schedule was not converted (kept in the rundeck.schedule annotation)',
    ]);
  });

  it('stops on malformed XML with file:line:column', () => {
    expect(() =>
      importRundeck('<joblist>\n  <job>\n    <name>x</nam>\n', { file: 'bad.xml', project: 'p' }),
    ).toThrow(/^bad\.xml:3:12: Expected closing tag 'name'/);
    expect(() => importRundeck('<jobs><job/></jobs>', { file: 'bad.xml', project: 'p' })).toThrow(
      'bad.xml:1:1: expected a <joblist> document, found <jobs>',
    );
    expect(() =>
      importRundeck(
        '<joblist>\n<job><name>ok</name><sequence><command><exec>x</exec></command></sequence></job>\n<job>\n<description>no name</description></job>\n</joblist>',
        {
          file: 'bad.xml',
          project: 'p',
        },
      ),
    ).toThrow('bad.xml:3:1: name: the job has no name');
    expect(() =>
      importRundeck(
        '<joblist><job><name>x</name><sequence><command><description>d</description></command></sequence></job></joblist>',
        {
          file: 'bad.xml',
          project: 'p',
        },
      ),
    ).toThrow(
      'bad.xml:1:1: sequence.commands[0]: a step of job "x" needs exec, script, scriptfile, scripturl, jobref or a plugin type',
    );
  });
});
