/**
 * Panther CloudTrail rule ports: Console sign-in (AWS Sign-In and IAM Identity Center).
 *
 * @module
 * @internal
 */
import type { Detection } from '../../types.js';
import { lines } from '../sources.js';
import { calls, FIELDS, port, threshold } from './shared.js';

/** Panther CloudTrail rule ports: Console sign-in (AWS Sign-In and IAM Identity Center). */
export const PANTHER_CLOUDTRAIL_SIGN_IN: readonly Detection[] = [
  port({
    id: 'console-login-without-mfa',
    rule: 'AWS.Console.LoginWithoutMFA',
    file: 'aws_console_login_without_mfa.yml',
    title: 'Console login without MFA',
    description:
      'A successful ConsoleLogin without MFA (MFAUsed not Yes and the session not MFA-authenticated), except IAM Identity Center and SAML logins. Panther also skips users and accounts it has seen for less than a day (state outside the log).',
    severity: 'high',
    mitre: ['T1078.004'],
    tags: ['initial-access', 'identity', 'mfa'],
    query: lines(
      `${FIELDS}, userIdentity.type, additionalEventData.MFAUsed as mfa`,
      '| filter eventName = "ConsoleLogin" and responseElements.ConsoleLogin = "Success"',
      '| filter not (userIdentity.arn like /AWSReservedSSO/) and not ispresent(additionalEventData.SamlProviderArn)',
      '| filter not (additionalEventData.MFAUsed = "Yes") and not (userIdentity.sessionContext.attributes.mfaAuthenticated = "true")',
    ),
  }),
  calls({
    id: 'console-login-without-saml',
    rule: 'AWS.Console.LoginWithoutSAML',
    file: 'aws_console_login_without_saml.yml',
    title: 'Console login without SAML',
    description:
      'A ConsoleLogin by a non-assumed-role identity without a SAML provider: for accounts where every human should come through the IdP. Disabled by default as in Panther.',
    severity: 'high',
    mitre: ['T1078.004'],
    tags: ['initial-access', 'identity'],
    enabled: false,
    names: ['ConsoleLogin'],
    extra: ['not (userIdentity.type = "AssumedRole")', 'isblank(additionalEventData.SamlProviderArn)'],
  }),
  calls({
    id: 'console-root-login',
    rule: 'AWS.Console.RootLogin',
    file: 'aws_console_root_login.yml',
    title: 'Root console login',
    description: 'A successful ConsoleLogin by the root user.',
    severity: 'high',
    mitre: ['T1078.004'],
    tags: ['initial-access', 'identity', 'root'],
    names: ['ConsoleLogin'],
    extra: ['userIdentity.type = "Root" and responseElements.ConsoleLogin = "Success"'],
  }),
  port({
    id: 'console-root-login-failed',
    rule: 'AWS.Console.RootLoginFailed',
    file: 'aws_console_root_login_failed.yml',
    title: 'Repeated failed root console logins',
    description: 'At least 5 failed root ConsoleLogins from one source address within 15 minutes.',
    severity: 'high',
    mitre: ['T1110'],
    tags: ['credential-access', 'identity', 'root', 'threshold'],
    query: threshold(
      'filter eventName = "ConsoleLogin" and userIdentity.type = "Root" and responseElements.ConsoleLogin = "Failure"',
      'count(*) as failures',
      'sourceIPAddress, bin(15m)',
      5,
    ),
  }),
  port({
    id: 'password-spraying',
    rule: 'AWS.CloudTrail.PasswordSpraying',
    file: 'aws_cloudtrail_password_spraying.yml',
    title: 'Console password spraying',
    description:
      'Failed console sign-ins for at least 10 distinct user names from one source address within an hour. Disabled by default as in Panther.',
    severity: 'medium',
    mitre: ['T1110.003'],
    tags: ['credential-access', 'identity', 'threshold'],
    enabled: false,
    query: threshold(
      'filter eventType = "AwsConsoleSignIn" and responseElements.ConsoleLogin = "Failure"',
      'count_distinct(userIdentity.userName) as users',
      'sourceIPAddress, bin(1h)',
      10,
    ),
  }),
  port({
    id: 'unsuccessful-mfa-attempt',
    rule: 'AWS.Unsuccessful.MFA.attempt',
    file: 'aws_cloudtrail_unsuccessful_mfa_attempt.yml',
    title: 'Repeated failed console logins after MFA',
    description:
      'At least 2 failed ConsoleLogins with MFA used by one user within 15 minutes: the password is known, the MFA is not. Disabled by default as in Panther.',
    severity: 'high',
    mitre: ['T1621'],
    tags: ['credential-access', 'identity', 'mfa', 'threshold'],
    enabled: false,
    query: threshold(
      'filter (eventSource = "signin.amazonaws.com" or eventName = "ConsoleLogin") and additionalEventData.MFAUsed = "Yes" and responseElements.ConsoleLogin = "Failure"',
      'count(*) as failures',
      'userIdentity.arn, bin(15m)',
      2,
    ),
  }),
  calls({
    id: 'console-getsignintoken',
    rule: 'AWS.Console.GetSigninToken.Abuse',
    file: 'aws_console_getsignintoken.yml',
    title: 'Console sign-in token minted from credentials',
    description:
      'GetSigninToken on the federation endpoint outside IAM Identity Center: turning stolen API credentials into a console session.',
    severity: 'medium',
    mitre: ['T1021.007', 'T1550.001'],
    tags: ['lateral-movement', 'identity'],
    names: ['GetSigninToken'],
    source: 'signin.amazonaws.com',
    extra: ['not (userAgent like /Jersey\\/\\$\\{project\\.version\\}/)'],
  }),
  calls({
    id: 'sso-sign-in',
    rule: 'AWS.Console.Sign-In',
    file: 'aws_console_signin.yml',
    title: 'IAM Identity Center sign-in (signal)',
    description: 'An Authenticate call on sso.amazonaws.com.',
    severity: 'info',
    mitre: ['T1078.004'],
    tags: ['identity', 'signal'],
    names: ['Authenticate'],
    source: 'sso.amazonaws.com',
  }),
  calls({
    id: 'sso-access-token-retrieved',
    rule: 'Retrieve.SSO.access.token',
    file: 'retrieve_sso_access_token.yml',
    title: 'IAM Identity Center access token retrieved (signal)',
    description: 'A CreateToken call on sso.amazonaws.com (the CLI or SDK finishing an SSO login).',
    severity: 'info',
    mitre: ['T1550.001'],
    tags: ['identity', 'signal'],
    names: ['CreateToken'],
    source: 'sso.amazonaws.com',
  }),
  calls({
    id: 'sso-cli-prompt-sign-in',
    rule: 'Sign-in.with.AWS.CLI.prompt',
    file: 'signin_with_aws_cli_prompt.yml',
    title: 'Sign-in through the AWS CLI prompt (signal)',
    description: 'ListApplications on sso.amazonaws.com, as the CLI device-authorization prompt calls it.',
    severity: 'info',
    mitre: ['T1078.004'],
    tags: ['identity', 'signal'],
    names: ['ListApplications'],
    source: 'sso.amazonaws.com',
  }),
];
