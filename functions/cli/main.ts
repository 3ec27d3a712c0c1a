import { Command, CommanderError } from 'commander';
import { processCommand } from './process.ts';
import { exitCodeOf, reportsCommand } from './reports.ts';
import { sendCommand } from './send.ts';
import { startCommand } from './start.ts';

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
    process.exitCode = exitCodeOf(error);
  } else {
    throw error;
  }
}
