import { Option } from 'commander';
import type { RegisterCommand } from './io.js';
import { dimOption, integerOption, numberOption } from './options.js';

interface SampleCliOptions {
  checkpoint: string;
  prompt?: string;
  tokens?: number;
  count?: number;
  temperature?: number;
  topK?: number;
  seed?: number;
}

export const register: RegisterCommand = (program, { io }) => {
  program
    .command('sample')
    .description('generate text from a language model trained on text or lines data')
    .argument('<spec>', 'the spec file')
    .requiredOption('--checkpoint <path>', 'a checkpoint.safetensors written by train')
    .option('--prompt <text>', 'the text to continue (lines models: the start of each line)')
    .addOption(
      new Option('--tokens <n>', 'text models: new tokens to generate (default 500)').argParser(
        integerOption,
      ),
    )
    .addOption(
      new Option('--count <n>', 'lines models: lines to generate (default 10)').argParser(
        integerOption,
      ),
    )
    .addOption(
      new Option('--temperature <t>', 'divide the logits by t (default 1)').argParser(numberOption),
    )
    .addOption(
      new Option('--top-k <k>', 'draw from the k most likely tokens only').argParser(integerOption),
    )
    .addOption(
      new Option(
        '--seed <n>',
        'seed of the draws (default 0); the same seed gives the same text',
      ).argParser(integerOption),
    )
    .option('--dim <name=value>', "a value for one of the spec's dims (repeatable)", dimOption)
    .action(
      async (specPath: string, options: SampleCliOptions & { dim?: Record<string, number> }) => {
        const { restoreModel, tokenInfo } = await import('../train/eval-run.js');
        const { sample } = await import('../train/sample.js');
        const { model, info } = restoreModel(specPath, options.checkpoint, options.dim);
        const vocabulary = tokenInfo(info, options.checkpoint);
        const given = Object.fromEntries(
          (['prompt', 'tokens', 'count', 'temperature', 'topK', 'seed'] as const)
            .filter((key) => options[key] !== undefined)
            .map((key) => [key, options[key]]),
        );
        io.stdout(sample(model, vocabulary, given));
      },
    );
};
