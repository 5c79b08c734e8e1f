/**
 * Panther CloudTrail rule ports: Lambda.
 *
 * @module
 * @internal
 */
import type { Detection } from '../../types.js';
import { lines } from '../sources.js';
import { calls, FIELDS, HUMAN_CALLER, port, SUCCESS } from './shared.js';

/** Panther CloudTrail rule ports: Lambda. */
export const PANTHER_CLOUDTRAIL_LAMBDA: readonly Detection[] = [
  port({
    id: 'lambda-update-function-code',
    rule: 'AWS.Lambda.UpdateFunctionCode',
    file: 'aws_overwrite_lambda_code.yml',
    title: 'Lambda code replaced by a person',
    description:
      'A successful UpdateFunctionCode by an IAM or federated user or an IAM Identity Center session (pipelines use other roles).',
    severity: 'medium',
    mitre: ['T1525'],
    tags: ['persistence', 'lambda'],
    query: lines(
      `${FIELDS}, requestParameters.functionName as function`,
      `| filter eventSource = "lambda.amazonaws.com" and eventName like /^UpdateFunctionCode/ and ${SUCCESS}`,
      `| filter ${HUMAN_CALLER}`,
    ),
  }),
  port({
    id: 'lambda-layer-added',
    rule: 'AWS.Lambda.UpdateFunctionConfiguration',
    file: 'aws_add_malicious_lambda_extension.yml',
    title: 'Lambda layers changed by a person',
    description:
      'A successful UpdateFunctionConfiguration leaving the function with layers, by an IAM or federated user or an IAM Identity Center session: a layer or extension runs inside every invocation.',
    severity: 'medium',
    mitre: ['T1525'],
    tags: ['persistence', 'lambda'],
    query: lines(
      `${FIELDS}, requestParameters.functionName as function, responseElements.layers.0.arn as layer`,
      `| filter eventSource = "lambda.amazonaws.com" and eventName = "UpdateFunctionConfiguration20150331v2" and ${SUCCESS}`,
      '| filter jsonArraySize(jsonParse(@message).responseElements.layers) > 0',
      `| filter ${HUMAN_CALLER}`,
    ),
  }),
  calls({
    id: 'lambda-backdoor-permission',
    rule: 'AWS.Potential.Backdoor.Lambda',
    file: 'aws_backdoor_lambda_function.yml',
    title: 'Lambda resource policy permission added',
    description: 'A successful AddPermission on a function: another principal or service may now invoke it.',
    severity: 'low',
    mitre: ['T1546'],
    tags: ['persistence', 'lambda'],
    names: ['AddPermission20150331', 'AddPermission20150331v2'],
    source: 'lambda.amazonaws.com',
    success: true,
  }),
];
