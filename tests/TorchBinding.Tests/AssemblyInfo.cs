// Tests assert process-wide native handle counts and resident memory, and libtorch's grad mode is
// per thread: run test classes one after another (2 cores gain little from parallel tests anyway).
[assembly: CollectionBehavior(DisableTestParallelization = true)]
