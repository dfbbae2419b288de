namespace TorchBinding;

public static partial class torch
{
    public static partial class optim
    {
        /// <summary>Learning-rate schedules, as <c>torch.optim.lr_scheduler</c>.</summary>
        public static class lr_scheduler
        {
            /// <summary>Sets each group's lr to its initial lr times <c>lr_lambda(step)</c>; call <see cref="step"/> after each optimizer step.</summary>
            public sealed class LambdaLR
            {
                private readonly Optimizer optimizer;
                private readonly Func<long, double> lambda;

                /// <summary>Creates the schedule and applies its value for step 0.</summary>
                public LambdaLR(Optimizer optimizer, Func<long, double> lr_lambda, long last_step = 0)
                {
                    this.optimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer));
                    lambda = lr_lambda ?? throw new ArgumentNullException(nameof(lr_lambda));
                    Step = last_step;
                    Apply();
                }

                /// <summary>Scheduler steps taken.</summary>
                public long Step { get; private set; }

                /// <summary>Advances one step and updates the learning rates.</summary>
                public void step()
                {
                    Step++;
                    Apply();
                }

                /// <summary>The current learning rate of each group.</summary>
                public IReadOnlyList<double> get_last_lr() => optimizer.ParamGroups.Select(g => g.LearningRate).ToList();

                private void Apply()
                {
                    double factor = lambda(Step);
                    foreach (ParamGroup g in optimizer.ParamGroups) g.LearningRate = g.InitialLearningRate * factor;
                }
            }

            /// <summary>
            /// Linear warmup from 0 to the initial lr over <paramref name="num_warmup_steps"/>, then linear decay to 0
            /// at <paramref name="num_training_steps"/> (BERT's schedule; Hugging Face's get_linear_schedule_with_warmup).
            /// </summary>
            public static LambdaLR get_linear_schedule_with_warmup(Optimizer optimizer, long num_warmup_steps, long num_training_steps, long last_step = 0)
            {
                ArgumentOutOfRangeException.ThrowIfNegative(num_warmup_steps);
                ArgumentOutOfRangeException.ThrowIfLessThan(num_training_steps, 1);
                return new LambdaLR(optimizer, step =>
                    step < num_warmup_steps
                        ? (double)step / Math.Max(1, num_warmup_steps)
                        : Math.Max(0.0, (double)(num_training_steps - step) / Math.Max(1, num_training_steps - num_warmup_steps)), last_step);
            }
        }
    }
}
