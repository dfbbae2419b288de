// The runner redirects Console.Out while a cell runs: tests run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
