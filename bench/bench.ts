/** What every benchmark returns: named figures, each measured in the run that prints it. */
export interface BenchFigure {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** What the figure is compared with, and the target it must meet, when it has one. */
  readonly note?: string;
}

export interface Benchmark {
  readonly name: string;
  run(): Promise<BenchFigure[]>;
}
