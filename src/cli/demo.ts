#!/usr/bin/env node
/**
 * `npm run demo`: a tour of kubetrail on the bundled sample incident. Each
 * step runs a real `kubetrail` command line (through {@link runCli}) and
 * prints it first, so every step can be copied and re-run.
 *
 * @module
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type CliIo, write } from './io.js';
import { runCli } from './run.js';

interface Step {
  readonly title: string;
  readonly args: readonly string[];
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

function quote(arg: string): string {
  return /^[\w./:=@-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`;
}

/** The demo's steps over a samples directory. */
function demoSteps(root: string, width: number): readonly Step[] {
  const q = (title: string, text: string): Step => ({
    title,
    args: ['query', text, root, '--format', 'table', '--width', String(width)],
  });
  return [
    q(
      'Who changed RoleBindings? (EKS best practices: RBAC changes)',
      'fields @timestamp, @message | sort @timestamp desc | limit 100 | filter objectRef.resource="rolebindings" and verb in ["create", "update", "patch", "delete"]',
    ),
    q(
      'API server 5xx errors (EKS best practices: 5xx from kube-apiserver-audit)',
      'fields @logStream, @timestamp, responseStatus.code, @message | filter @logStream like /^kube-apiserver-audit/ | filter responseStatus.code >= 500 | limit 50',
    ),
    q('Audit events per hour', 'filter ispresent(verb) | stats count(*) as events by bin(1h)'),
    q(
      'Top Kubernetes users',
      'filter ispresent(user.username) | stats count(*) as requests by user.username | sort requests desc | limit 10',
    ),
    q(
      'kubectl exec into pods (logged as verb get with code 101)',
      'fields @timestamp, user.username, sourceIPs.0, objectRef.namespace, objectRef.name, responseStatus.code | filter objectRef.subresource = "exec" | sort @timestamp asc',
    ),
    q(
      'IRSA: web-identity role assumptions in CloudTrail',
      'fields @timestamp, userIdentity.userName, sourceIPAddress, requestParameters.roleArn | filter eventName = "AssumeRoleWithWebIdentity" | sort @timestamp asc | limit 20',
    ),
    {
      title: 'Detections, medium severity and above',
      args: ['detect', root, '--severity', 'medium', '--width', String(width)],
    },
  ];
}

/** Runs the demo and resolves to the worst exit code of its steps. */
async function runDemo(root: string, io: CliIo): Promise<number> {
  const files = walk(root).filter((f) => !f.endsWith('.md'));
  const bytes = files.reduce((sum, file) => sum + statSync(file).size, 0);
  await write(io.stdout, `kubetrail demo: ${files.length} sample files, ${bytes} bytes under ${root}/\n`);
  if (files.length === 0) {
    await write(io.stdout, 'No sample logs yet: nothing to query.\n');
    return 0;
  }
  const width = io.stdout.isTTY === true && typeof io.stdout.columns === 'number' ? io.stdout.columns : 160;
  let worst = 0;
  for (const step of demoSteps(root, width)) {
    await write(io.stdout, `\n== ${step.title}\n$ kubetrail ${step.args.map(quote).join(' ')}\n\n`);
    worst = Math.max(worst, await runCli(step.args, io));
  }
  return worst;
}

process.exitCode = await runDemo(process.argv[2] ?? 'samples/incident', {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  now: Date.now,
});
