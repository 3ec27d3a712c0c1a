import { Command, CommanderError } from 'commander';
import { processCommand } from './process.ts';
import { reportsCommand } from './reports.ts';
import { sendCommand } from './send.ts';
import { startCommand } from './start.ts';

/** Exit status 2 for every usage error, as the contract says (commander's own default is 1). */
const USAGE_ERROR = 2;

const program = new Command('intake')
  .description('Report intake: analyse, send and query emailed reports')
  .exitOverride()
  .configureOutput({ outputError: (text, write) => write(text) });

program.addCommand(processCommand());
program.addCommand(reportsCommand());
program.addCommand(startCommand());
program.addCommand(sendCommand());

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? 0 : USAGE_ERROR;
  } else {
    throw error;
  }
}
