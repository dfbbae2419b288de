using System.CommandLine;
using Cli;
using Cli.Commands;

// `lab <command> [options]`: each command is a thin class in Commands/ that declares its options and calls the library.
var verbose = new Option<bool>("--verbose") { Description = "on an error, print the exception and its stack trace", Recursive = true };
var root = new RootCommand("lab: clinical NER in C# (./lab setup and ./lab test are handled by the lab script)")
{
    InfoCommand.Build(), DataCommand.Build(), TrainCommand.Build(), EvalCommand.Build(), PredictCommand.Build(), Word2VecCommand.Build(),
    PretrainCommand.Build(), LanguageModelCommand.Build(), BootstrapCommand.Build(), SweepCommand.Build(), ModelsCommand.Build(), RunNotebookCommand.Build(), ExportCommand.Build(), ReportCommand.Build(), DemoCommand.Build(), BenchCommand.Build(), RankWorkerCommand.Build(),
};
root.Options.Add(verbose);
// Help fits 100 columns in a terminal and in a file alike (redirected output has no window width to wrap to).
foreach (var help in root.Options.OfType<System.CommandLine.Help.HelpOption>())
    if (help.Action is System.CommandLine.Help.HelpAction action) action.MaxWidth = 100;
return TopLevel.Run(root, verbose, args);
