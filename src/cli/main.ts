#!/usr/bin/env node
/**
 * The `kubetrail` command.
 *
 * @module
 */
const USAGE = `Usage: kubetrail <command> [options]

Commands are added as the library grows; run \`kubetrail --help\` for the list.
`;

process.stdout.write(USAGE);
process.exitCode = process.argv.length > 2 && !process.argv.includes('--help') ? 2 : 0;
