// libtorch's random generator is process-wide: seeded tests (exact resume, reproducible training)
// must not interleave with other tests drawing random numbers, so test classes run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
