import { snakeCase } from '../optim/options.js';
import { OPTIMIZERS } from '../optim/registry.js';
import type { SpecPath } from '../spec/located.js';
import type { MonitoredMetric, TrainSpec } from '../spec/types.js';
import { didYouMean } from '../tensor/suggest.js';
import type { GraphParameter } from './graph.js';
import { assignParamGroups, globToRegExp } from './param-groups.js';
import type { Reporter } from './report.js';

/** Codes of the train section's checks, each documented in docs/errors.md. */
export const TRAIN_CODES = {
  groupTakesNothing: 'MS401',
  notAnOption: 'MS402',
  metricNotReported: 'MS403',
  scheduleConflict: 'MS404',
  runTooShort: 'MS405',
} as const;

/** Option names (snake_case) of each optimizer, by its spec name. */
const OPTION_NAMES = new Map(
  OPTIMIZERS.map((d) => [d.name, Object.keys(d.options).map(snakeCase)] as const),
);

/**
 * What the schema cannot see in a `train` section: param_groups against the model's parameter
 * paths and the chosen optimizer's options, watched metrics against the reported ones, and a
 * schedule against the run's length and interval. A group that takes no parameter is a
 * warning (the run still works); the rest are errors.
 */
export function checkTrain(
  train: TrainSpec | undefined,
  parameters: readonly GraphParameter[],
  reporter: Reporter,
): void {
  if (!train) return;
  checkParamGroups(train, parameters, reporter);
  checkMetrics(train, reporter);
  checkSchedule(train, reporter);
}

function checkParamGroups(
  train: TrainSpec,
  parameters: readonly GraphParameter[],
  reporter: Reporter,
): void {
  const groups = train.param_groups ?? [];
  if (groups.length === 0) return;
  const optimizer = Object.keys(train.optimizer ?? { sgd: {} })[0];
  const options = OPTION_NAMES.get(optimizer) ?? [];
  groups.forEach((group, g) => {
    for (const key of Object.keys(group)) {
      if (key === 'params' || key === 'ndim_below' || options.includes(key)) continue;
      reporter.error(
        TRAIN_CODES.notAnOption,
        { path: ['train', 'param_groups', g, key] },
        `param_groups[${g}]: ${optimizer} has no option '${key}'${didYouMean(key, options)} (its options: ${options.join(', ')})`,
      );
    }
  });
  const trained = parameters.filter((p) => p.trainable);
  const paths = trained.map((p) => p.name);
  const { empty } = assignParamGroups(trained, groups);
  for (const { group, glob, reason } of empty) {
    const selector = groups[group];
    const path: SpecPath = ['train', 'param_groups', group];
    if (glob === undefined) {
      reporter.warning(
        TRAIN_CODES.groupTakesNothing,
        { path: [...path, 'ndim_below'] },
        reason === 'no match'
          ? `param_groups[${group}]: no trained parameter has fewer than ${selector.ndim_below} dimensions, so the group is empty`
          : `param_groups[${group}]: every parameter with fewer than ${selector.ndim_below} dimensions is taken by an earlier group (the first match wins), so the group is empty`,
      );
      continue;
    }
    const globs = Array.isArray(selector.params) ? selector.params : [selector.params as string];
    const pattern = globs[glob];
    const at: SpecPath = Array.isArray(selector.params)
      ? [...path, 'params', glob]
      : [...path, 'params'];
    if (reason === 'taken') {
      reporter.warning(
        TRAIN_CODES.groupTakesNothing,
        { path: at },
        `param_groups[${group}]: '${pattern}' matches only parameters an earlier group takes (the first match wins)`,
      );
      continue;
    }
    const frozen = parameters.some((p) => !p.trainable && globToRegExp(pattern).test(p.name));
    reporter.warning(
      TRAIN_CODES.groupTakesNothing,
      { path: at },
      frozen
        ? `param_groups[${group}]: '${pattern}' matches only parameters that are not trained (trainable: false)`
        : `param_groups[${group}]: '${pattern}' matches no parameter${didYouMean(pattern, paths)} (parameters: ${listed(paths)})`,
    );
  }
}

function listed(paths: readonly string[]): string {
  return paths.length > 8 ? `${paths.slice(0, 8).join(', ')}, ...` : paths.join(', ');
}

function checkMetrics(train: TrainSpec, reporter: Reporter): void {
  const reported = new Set(['loss', ...(train.metrics ?? [])]);
  const watched: [MonitoredMetric | undefined, SpecPath, string][] = [
    [train.early_stopping?.metric, ['train', 'early_stopping', 'metric'], 'early_stopping'],
    [
      train.schedule?.reduce_on_plateau?.metric,
      ['train', 'schedule', 'reduce_on_plateau', 'metric'],
      'reduce_on_plateau',
    ],
  ];
  for (const [metric, path, who] of watched) {
    if (metric === undefined) continue;
    const name = metric.split('.')[1];
    if (reported.has(name)) continue;
    reporter.error(
      TRAIN_CODES.metricNotReported,
      { path },
      `${who} watches ${metric}, which the run does not report; add ${name} to train.metrics`,
    );
  }
}

function checkSchedule(train: TrainSpec, reporter: Reporter): void {
  const schedule = train.schedule;
  const at = (...keys: string[]): { path: SpecPath } => ({ path: ['train', ...keys] });
  if (
    train.max_steps !== undefined &&
    train.eval_every !== undefined &&
    train.eval_every > train.max_steps
  ) {
    reporter.error(
      TRAIN_CODES.runTooShort,
      at('eval_every'),
      `eval_every (${train.eval_every}) is more than max_steps (${train.max_steps}): the run would evaluate only at its end; lower it or leave it out (default max_steps / 10)`,
    );
  }
  if (!schedule) return;
  if (schedule.interval === 'epoch' && train.max_steps !== undefined) {
    reporter.error(
      TRAIN_CODES.scheduleConflict,
      at('schedule', 'interval'),
      'a run of max_steps has no epochs to step a schedule by; use interval: step (the default with max_steps)',
    );
  }
  const warmup = schedule.warmup;
  if (!warmup) return;
  if (schedule.onecycle) {
    reporter.error(
      TRAIN_CODES.scheduleConflict,
      at('schedule', 'warmup'),
      'onecycle warms up by itself (its first pct_start of the steps); remove warmup',
    );
  }
  if (warmup.steps !== undefined && schedule.interval === 'epoch') {
    reporter.error(
      TRAIN_CODES.scheduleConflict,
      at('schedule', 'warmup', 'steps'),
      'warmup.steps needs a schedule stepped per optimizer step: use interval: step, or give warmup.epochs',
    );
  }
  if (warmup.epochs !== undefined && train.max_steps !== undefined) {
    reporter.error(
      TRAIN_CODES.scheduleConflict,
      at('schedule', 'warmup', 'epochs'),
      'a run of max_steps counts in steps: give warmup.steps',
    );
  }
  const length = train.max_steps ?? train.epochs ?? 10;
  const warm = train.max_steps !== undefined ? warmup.steps : warmup.epochs;
  if (warm !== undefined && warm >= length) {
    const unit = train.max_steps !== undefined ? 'steps' : 'epochs';
    reporter.error(
      TRAIN_CODES.runTooShort,
      at('schedule', 'warmup', unit),
      `the warmup (${warm} ${unit}) is as long as the run (${length} ${unit}): nothing is left for the schedule after it`,
    );
  }
}
